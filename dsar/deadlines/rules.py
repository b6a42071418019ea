"""The legal clocks, as data. Each rule carries its citation, its verification status (as in the
fact table: VERIFIED, VERIFIED-2ND, UNCONFIRMED-high, UNCONFIRMED) and what it means when it runs
out. Values that are unconfirmed or agency-specific can be overridden by an administrator
(``dsar.rules.models.RuleSetting``); the override is shown in the explanation."""

from dataclasses import dataclass, replace


def _(text: str) -> str:
    """Marks a label for the translation catalogue; the engine itself stays in English."""
    return text


BUSINESS = "business"
CALENDAR = "calendar"
MONTH = "month"
YEAR = "year"

# When counting starts (the start date is the event: receipt, determination, filing).
# - NEXT_WORKING_DAY: a start on a non-working day is moved to the next working day, which is
#   then not counted (US agency practice for FOIA receipt).
# - EXCLUDE_DAY: the day of the event is not counted and is never moved (Reg. 1182/71
#   Art. 3(1); Canada Interpretation Act s.27; Brazil Civil Code art. 132; FOIA expedited).
# - INCLUDE_DAY: the day of the event is day one (ICO for the UK GDPR; DOI's 20 workdays
#   "including the date of receipt"). For months and years it gives the same date as EXCLUDE_DAY
#   (received 3 Sep, due 3 Oct).
NEXT_WORKING_DAY = "next_working_day"
EXCLUDE_DAY = "exclude_day"
INCLUDE_DAY = "include_day"

# Who must act by the date. Agency deadlines roll forward when the rule says so; the
# requester's own deadlines (appeal windows, time limits to sue) are never shown later than the
# count gives.
AGENCY = "agency"
REQUESTER = "requester"

# How an extension is sized: FIXED by the rule (up to ``extension``), or chosen by the AGENCY
# (Privacy Act review, 552a(d)(3): the notice states the length or the new date).
FIXED = "fixed"
AGENCY_CHOSEN = "agency"


@dataclass(frozen=True)
class Consequence:
    text: str
    citation: str


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    unit: str  # business | calendar | month
    count: int
    extension: int  # in the same unit; 0 = none
    starts_on: str  # what the start date is
    citation: str
    status: str
    country: str = ""  # default calendar; "" = taken from the agency
    subdivision: str = ""
    note: str = ""
    consequence: Consequence | None = None
    overridden: str = ""
    start_rule: str = NEXT_WORKING_DAY
    party: str = AGENCY
    end_rolls: bool = True  # an end on a non-working day moves to the next working day
    extension_kind: str = FIXED
    # EU regimes count on the holidays of the Member State whose authority must answer.
    needs_member_state: bool = False
    # Where the start and end conventions come from, and how sure we are of them.
    convention_citation: str = ""
    convention_status: str = ""

    def with_override(
        self, *, count: int | None, extension: int | None, unit: str | None, note: str
    ) -> "Rule":
        return replace(
            self,
            count=self.count if count is None else count,
            extension=self.extension if extension is None else extension,
            unit=unit or self.unit,
            overridden=note or "overridden by an administrator",
        )


FOIA_LATE = Consequence(
    "The agency missed the statutory time limit. The requester is deemed to have exhausted "
    "administrative remedies and may file suit in federal district court (constructive "
    "exhaustion), or may file an administrative appeal or seek OGIS mediation. If the agency "
    "answers before suit is filed, courts generally expect an administrative appeal first. "
    "The agency may not charge search fees for a late response, save statutory exceptions.",
    "5 U.S.C. 552(a)(6)(C)(i), (a)(4)(A)(viii); Judicial Watch v. Rossotti, 326 F.3d 1309 "
    "(D.C. Cir. 2003)",
)
FOIA_APPEAL_LATE = Consequence(
    "The agency missed the time limit to decide the appeal: administrative remedies are deemed "
    "exhausted and the requester may file suit in federal district court.",
    "5 U.S.C. 552(a)(6)(A)(ii), (a)(6)(C)(i)",
)
APPEAL_WINDOW_CLOSED = Consequence(
    "The window to file an administrative appeal has closed. A late appeal may be refused; "
    "ask the agency whether it will accept it for good cause, and consider a new request.",
    "5 U.S.C. 552(a)(6)(A)(i)(III)(aa); agency regulations",
)
GDPR_LATE = Consequence(
    "The controller did not answer within the time limit. The data subject may lodge a "
    "complaint with the supervisory authority and seek a judicial remedy.",
    "GDPR Art. 12(3)-(4), 77, 79",
)
UK_LATE = Consequence(
    "The controller did not answer within the time limit. Complain to the controller, then "
    "to the Information Commissioner's Office, or apply to court.",
    "UK GDPR Art. 12(3), 15; DPA 2018 s.165-167",
)
EES_LATE = Consequence(
    "The authority did not reply within 45 days. Complain to the national supervisory "
    "authority or bring an action before the courts of that Member State.",
    "Reg. (EU) 2017/2226 Art. 52-55",
)
ETIAS_LATE = Consequence(
    "The ETIAS unit did not reply within 30 days. Complain to the national supervisory "
    "authority (or the EDPS for the Central Unit).",
    "Reg. (EU) 2018/1240 Art. 64",
)
MX_LATE = Consequence(
    "El responsable no respondió en plazo: puede interponer el recurso de revisión ante la "
    "autoridad garante (plazos de la ley de 2025 sin confirmar).",
    "LGPDPPSO 2025; LGPDPPSO 2017 Arts. 103-111",
)
CO_LATE = Consequence(
    "El responsable no respondió en plazo: puede presentar una queja ante la Superintendencia "
    "de Industria y Comercio (requisito de procedibilidad cumplido) o una acción de tutela.",
    "Ley 1581 de 2012 Arts. 14-16",
)
BR_LATE = Consequence(
    "The controller did not answer within 15 days: petition the ANPD or go to court.",
    "Lei 13.709/2018 Art. 18 §1, Art. 19",
)
CA_LATE = Consequence(
    "Missing the time limit is a deemed refusal: complain to the Privacy Commissioner.",
    "Privacy Act R.S.C. 1985 c. P-21 ss.16(3), 29",
)
PA_ACK_LATE = Consequence(
    "The agency did not acknowledge the amendment request within 10 business days. Ask in "
    "writing; if it refuses to amend, request review, and then court under 552a(g)(1)(A).",
    "5 U.S.C. 552a(d)(2)(A), (g)(1)(A)",
)
PA_REVIEW_LATE = Consequence(
    "The agency did not decide the request for review within 30 business days (unless the "
    "agency head extended it for good cause): the individual may sue under 552a(g)(1)(A).",
    "5 U.S.C. 552a(d)(3), (g)(1)(A)",
)

PA_APPEAL_WINDOW_CLOSED = Consequence(
    "The window to appeal the denial of access has closed. Ask the agency whether it will "
    "accept a late appeal for good cause; the request can also be made again under FOIA.",
    "6 CFR 5.25 (DHS); agency regulations",
)
PA_SUIT_LATE = Consequence(
    "The two years to sue under the Privacy Act have passed; a court will likely dismiss a "
    "late action.",
    "5 U.S.C. 552a(g)(5)",
)
FOIA_SUIT_LATE = Consequence(
    "The six years to sue the United States have passed; a court will likely dismiss a late "
    "action. A new request starts a new procedure.",
    "28 U.S.C. 2401(a)",
)
US_RECEIPT_CONVENTION = (
    "US agency practice: a request received on a weekend or holiday is received on the next "
    "working day; 5 U.S.C. 552(a)(6)(A)"
)
SUIT_CONVENTION = (
    "Requester deadline: shown on its last day and never moved; a court may accept the next "
    "working day when the last day is a weekend or holiday (check the court's rules)."
)

RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule(
            "us-foia-response",
            _("FOIA response due"),
            BUSINESS,
            20,
            10,
            "receipt by the proper component",
            "5 U.S.C. 552(a)(6)(A)(i), (a)(6)(B)(i)",
            "VERIFIED",
            country="US",
            note="Receipt by the proper component, no later than 10 working days after the "
            "request first reaches a component designated to receive FOIA requests. "
            "Tolling: one request for information, and fee clarifications.",
            consequence=FOIA_LATE,
            convention_citation=US_RECEIPT_CONVENTION,
            convention_status="VERIFIED-2ND",
        ),
        Rule(
            "us-foia-expedited-decision",
            _("Decision on expedited processing due"),
            CALENDAR,
            10,
            0,
            "the date of the request",
            "5 U.S.C. 552(a)(6)(E)(ii)(I)",
            "VERIFIED",
            country="US",
            note='The statute says "10 days"; agencies count calendar days.',
            consequence=Consequence(
                "The agency did not decide on expedited processing within 10 days: the "
                "failure can be taken to court directly.",
                "5 U.S.C. 552(a)(6)(E)(iii)",
            ),
            start_rule=EXCLUDE_DAY,
            end_rolls=False,
            convention_citation='5 U.S.C. 552(a)(6)(E)(ii)(I): "within 10 days after the date of '
            'the request"; the statute moves neither the start nor the end',
            convention_status="VERIFIED",
        ),
        Rule(
            "us-foia-appeal-decision",
            _("FOIA appeal decision due"),
            BUSINESS,
            20,
            10,
            "receipt of the appeal",
            "5 U.S.C. 552(a)(6)(A)(ii)",
            "VERIFIED",
            country="US",
            note="Many agency regulations cap the total extension across request and appeal "
            "at 10 working days.",
            consequence=FOIA_APPEAL_LATE,
            convention_citation=US_RECEIPT_CONVENTION,
            convention_status="VERIFIED-2ND",
        ),
        Rule(
            "us-foia-appeal-window",
            _("Last day to file a FOIA appeal"),
            CALENDAR,
            90,
            0,
            "the adverse determination",
            "5 U.S.C. 552(a)(6)(A)(i)(III)(aa), as amended by Pub. L. 114-185",
            "VERIFIED",
            country="US",
            note="The statutory floor. Each agency sets its own window at or above it; check "
            "the determination letter.",
            consequence=APPEAL_WINDOW_CLOSED,
            start_rule=EXCLUDE_DAY,
            party=REQUESTER,
            end_rolls=False,
            convention_citation="Requester deadline: shown on its last day (28 CFR 16.8(a) "
            '"within 90 calendar days")',
            convention_status="VERIFIED",
        ),
        Rule(
            "us-dhs-foia-appeal-window",
            _("Last day to file a DHS FOIA appeal"),
            BUSINESS,
            90,
            0,
            "the date of the component's response",
            "6 CFR 5.8(a)(1)",
            "VERIFIED",
            country="US",
            note="Postmarked, or electronically transmitted by 11:59:59 p.m. Eastern, on the "
            "90th working day.",
            consequence=APPEAL_WINDOW_CLOSED,
            start_rule=EXCLUDE_DAY,
            party=REQUESTER,
            end_rolls=False,
            convention_citation='6 CFR 5.8(a)(1): "within 90 working days after the date of '
            "the component's response\"",
            convention_status="VERIFIED",
        ),
        Rule(
            "us-pa-amendment-ack",
            _("Acknowledgement of the amendment request due"),
            BUSINESS,
            10,
            0,
            "receipt of the amendment request",
            "5 U.S.C. 552a(d)(2)(A)",
            "VERIFIED",
            country="US",
            note='The decision itself is due "promptly".',
            consequence=PA_ACK_LATE,
            start_rule=EXCLUDE_DAY,
            convention_citation='5 U.S.C. 552a(d)(2)(A): "not later than 10 days (excluding '
            'Saturdays, Sundays, and legal public holidays) after the date of receipt"',
            convention_status="VERIFIED",
        ),
        Rule(
            "us-pa-amendment-appeal-decision",
            _("Decision on the request for review due"),
            BUSINESS,
            30,
            0,
            "the request for review",
            "5 U.S.C. 552a(d)(3)",
            "VERIFIED",
            country="US",
            note="The agency head may extend it for good cause.",
            consequence=PA_REVIEW_LATE,
            start_rule=EXCLUDE_DAY,
            extension_kind=AGENCY_CHOSEN,
            convention_citation='5 U.S.C. 552a(d)(3): "from the date on which the individual '
            'requests such review"; the head of the agency may extend it for good cause, for '
            "the period the agency states",
            convention_status="VERIFIED",
        ),
        Rule(
            "eu-gdpr-response",
            _("GDPR response due"),
            MONTH,
            1,
            2,
            "receipt of the request",
            "GDPR Art. 12(3); Reg. (EEC, Euratom) 1182/71 Art. 3",
            "VERIFIED",
            note="Holidays of the controller's Member State. Extension: two further months "
            "(three in all), notified within the first month with reasons.",
            consequence=GDPR_LATE,
            start_rule=EXCLUDE_DAY,
            needs_member_state=True,
            convention_citation="Reg. (EEC, Euratom) 1182/71 Art. 3(1): the day of the event "
            "is not counted; Art. 3(4): only the last day moves to the next working day; "
            "Art. 2(1): holidays of the Member State",
            convention_status="VERIFIED",
        ),
        Rule(
            "uk-gdpr-response",
            _("UK GDPR response due"),
            MONTH,
            1,
            2,
            "receipt of the request",
            "UK GDPR Art. 12(3), 12A; ICO guidance",
            "VERIFIED-2ND",
            country="GB",
            subdivision="ENG",
            note="UK bank holidays (England and Wales unless another nation is chosen). The "
            "clock starts once identity proof and any fee are received (Art. 12A).",
            consequence=UK_LATE,
            start_rule=INCLUDE_DAY,
            convention_citation='ICO: count "from the day you receive the request (whether it '
            'is a working day or not)" to the corresponding date; a last day on a weekend or '
            "bank holiday moves to the next working day",
            convention_status="VERIFIED",
        ),
        Rule(
            "eu-ees-response",
            _("EES reply due"),
            CALENDAR,
            45,
            0,
            "receipt of the request",
            "Reg. (EU) 2017/2226 Art. 52(1)",
            "VERIFIED-2ND",
            consequence=EES_LATE,
            start_rule=EXCLUDE_DAY,
            needs_member_state=True,
            convention_citation="Reg. (EEC, Euratom) 1182/71 Art. 3(1): the day of the event "
            "is not counted; Art. 3(4): only the last day moves to the next working day; "
            "Art. 2(1): holidays of the Member State",
            convention_status="VERIFIED",
        ),
        Rule(
            "eu-etias-response",
            _("ETIAS reply due"),
            CALENDAR,
            30,
            0,
            "receipt of the request",
            "Reg. (EU) 2018/1240 Art. 64(2)",
            "VERIFIED",
            consequence=ETIAS_LATE,
            start_rule=EXCLUDE_DAY,
            needs_member_state=True,
            convention_citation="Reg. (EEC, Euratom) 1182/71 Art. 3(1): the day of the event "
            "is not counted; Art. 3(4): only the last day moves to the next working day; "
            "Art. 2(1): holidays of the Member State",
            convention_status="VERIFIED",
        ),
        Rule(
            "mx-arco-response",
            _("ARCO response due"),
            BUSINESS,
            20,
            10,
            "recepción de la solicitud",
            "LGPDPPSO (DOF 20-03-2025); 2017 values, Arts. 51-52",
            "UNCONFIRMED",
            country="MX",
            note="The 2025 law's deadlines and the counting in business days are not "
            "confirmed; an administrator can adjust them.",
            consequence=MX_LATE,
            convention_citation="Días hábiles from the day after receipt (2017 LGPDPPSO Art. 51); "
            "a receipt on a non-working day counted from the next working day",
            convention_status="UNCONFIRMED",
        ),
        Rule(
            "co-habeas-data-consulta",
            _("Habeas data consulta response due"),
            BUSINESS,
            10,
            5,
            "recepción de la consulta",
            "Ley 1581 de 2012 Art. 14",
            "VERIFIED-2ND",
            country="CO",
            consequence=CO_LATE,
            convention_citation="Días hábiles; a receipt on a non-working day counted from the "
            "next working day (practice)",
            convention_status="UNCONFIRMED-high",
        ),
        Rule(
            "co-habeas-data-reclamo",
            _("Habeas data reclamo response due"),
            BUSINESS,
            15,
            8,
            "el día siguiente a la recepción del reclamo",
            "Ley 1581 de 2012 Art. 15",
            "VERIFIED-2ND",
            country="CO",
            note="The 8-business-day extension is UNCONFIRMED-high.",
            consequence=CO_LATE,
            convention_citation="Días hábiles; a receipt on a non-working day counted from the "
            "next working day (practice)",
            convention_status="UNCONFIRMED-high",
        ),
        Rule(
            "br-lgpd-access",
            _("LGPD full access reply due"),
            CALENDAR,
            15,
            0,
            "the date of the request",
            "Lei 13.709/2018 Art. 19, II",
            "UNCONFIRMED",
            country="BR",
            note='The 15 days are VERIFIED; the law says "15 dias" without saying business or '
            "calendar days (UNCONFIRMED), so calendar days, the conservative choice, are used "
            "and an administrator can change the unit.",
            consequence=BR_LATE,
            start_rule=EXCLUDE_DAY,
            convention_citation="Código Civil art. 132: the first day is excluded and the last "
            "included; a last day on a holiday moves to the next working day (§1)",
            convention_status="VERIFIED-2ND",
        ),
        Rule(
            "ca-privacy-act-response",
            _("Privacy Act (Canada) response due"),
            CALENDAR,
            30,
            30,
            "receipt of the request",
            "Privacy Act R.S.C. 1985 c. P-21 ss.14, 15(a)",
            "VERIFIED",
            country="CA",
            consequence=CA_LATE,
            start_rule=EXCLUDE_DAY,
            convention_citation="Interpretation Act ss.26-27: the first day is excluded; a last "
            "day on a holiday (s.35: Sundays and the federal holidays) moves to the next day that "
            "is not a holiday. Whether a Saturday end moves is UNCONFIRMED; it is moved here.",
            convention_status="VERIFIED-2ND",
        ),
        Rule(
            "us-dhs-pa-appeal-window",
            _("Last day to appeal a DHS Privacy Act access denial"),
            BUSINESS,
            90,
            0,
            "the date of the component's response",
            "6 CFR 5.25 (as amended by 87 FR 68599, 2022)",
            "UNCONFIRMED",
            country="US",
            note="The 2022 amendments appear to align the window with FOIA appeals (90 working "
            "days, postmarked or transmitted; previously 60 days, received). The current text "
            "is UNCONFIRMED: check the denial letter.",
            consequence=PA_APPEAL_WINDOW_CLOSED,
            start_rule=EXCLUDE_DAY,
            party=REQUESTER,
            end_rolls=False,
            convention_citation="Requester deadline: shown on its last day",
            convention_status="UNCONFIRMED",
        ),
        Rule(
            "us-pa-suit-limit",
            _("Last day to sue under the Privacy Act"),
            YEAR,
            2,
            0,
            "the final refusal (when the cause of action arises)",
            "5 U.S.C. 552a(g)(5)",
            "VERIFIED-2ND",
            country="US",
            note="Civil action under 552a(g)(1)(A) (amendment) or (g)(1)(B) (access), de novo.",
            consequence=PA_SUIT_LATE,
            start_rule=EXCLUDE_DAY,
            party=REQUESTER,
            end_rolls=False,
            convention_citation=SUIT_CONVENTION,
            convention_status="VERIFIED-2ND",
        ),
        Rule(
            "us-foia-suit-limit",
            _("Last day to sue under FOIA"),
            YEAR,
            6,
            0,
            "exhaustion of administrative remedies (actual or constructive)",
            "28 U.S.C. 2401(a); 5 U.S.C. 552(a)(4)(B), (a)(6)(C)(i)",
            "VERIFIED-2ND",
            country="US",
            note="The general time limit for suits against the United States, running from "
            "the final appeal decision or from the day the agency missed its deadline.",
            consequence=FOIA_SUIT_LATE,
            start_rule=EXCLUDE_DAY,
            party=REQUESTER,
            end_rolls=False,
            convention_citation=SUIT_CONVENTION,
            convention_status="VERIFIED-2ND",
        ),
    ]
}


def get_rule(code: str) -> Rule:
    try:
        return RULES[code]
    except KeyError:
        raise KeyError(f"Unknown clock code '{code}'. Known codes: {', '.join(sorted(RULES))}")
