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
        ),
        Rule(
            "us-foia-expedited-decision",
            _("Decision on expedited processing due"),
            CALENDAR,
            10,
            0,
            "receipt of the request",
            "5 U.S.C. 552(a)(6)(E)(ii)(I)",
            "VERIFIED",
            country="US",
            note='The statute says "10 days"; agencies count calendar days.',
            consequence=Consequence(
                "The agency did not decide on expedited processing within 10 days: the "
                "failure can be taken to court directly.",
                "5 U.S.C. 552(a)(6)(E)(iii)",
            ),
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
        ),
        Rule(
            "br-lgpd-access",
            _("LGPD full access reply due"),
            CALENDAR,
            15,
            0,
            "the date of the request",
            "Lei 13.709/2018 Art. 19, II",
            "VERIFIED",
            country="BR",
            note='The law says "15 dias" without saying business or calendar days '
            "(UNCONFIRMED); calendar days are the conservative choice.",
            consequence=BR_LATE,
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
        ),
    ]
}


def get_rule(code: str) -> Rule:
    try:
        return RULES[code]
    except KeyError:
        raise KeyError(f"Unknown clock code '{code}'. Known codes: {', '.join(sorted(RULES))}")
