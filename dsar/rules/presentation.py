"""The deadline engine's explanations in the reader's language.

The engine speaks English data (rule codes, units, what starts the clock, notes, what a missed
deadline means); this module maps those keys to catalogue strings, so pages, e-mails, calendar
entries and letters show them in the active language. An unknown key falls back to the stored
text, so a new rule is never hidden, only untranslated until it is added here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# What a missed deadline means, per rule code.
CONSEQUENCES = {
    "us-foia-response": gettext_lazy(
        "The agency missed the statutory time limit. The requester is deemed to have exhausted "
        "administrative remedies and may file suit in federal district court (constructive "
        "exhaustion), or may file an administrative appeal or seek OGIS mediation. If the agency "
        "answers before suit is filed, courts generally expect an administrative appeal first. "
        "The agency may not charge search fees for a late response, save statutory exceptions."
    ),
    "us-foia-expedited-decision": gettext_lazy(
        "The agency did not decide on expedited processing within 10 days: the failure can be "
        "taken to court directly."
    ),
    "us-foia-appeal-decision": gettext_lazy(
        "The agency missed the time limit to decide the appeal: administrative remedies are "
        "deemed exhausted and the requester may file suit in federal district court."
    ),
    "us-foia-appeal-window": gettext_lazy(
        "The window to file an administrative appeal has closed. A late appeal may be refused; "
        "ask the agency whether it will accept it for good cause, and consider a new request."
    ),
    "us-pa-amendment-ack": gettext_lazy(
        "The agency did not acknowledge the amendment request within 10 business days. Ask in "
        "writing; if it refuses to amend, request review, and then court under 552a(g)(1)(A)."
    ),
    "us-pa-amendment-appeal-decision": gettext_lazy(
        "The agency did not decide the request for review within 30 business days (unless the "
        "agency head extended it for good cause): the individual may sue under 552a(g)(1)(A)."
    ),
    "eu-gdpr-response": gettext_lazy(
        "The controller did not answer within the time limit. The data subject may lodge a "
        "complaint with the supervisory authority and seek a judicial remedy."
    ),
    "uk-gdpr-response": gettext_lazy(
        "The controller did not answer within the time limit. Complain to the controller, then "
        "to the Information Commissioner's Office, or apply to court."
    ),
    "eu-ees-response": gettext_lazy(
        "The authority did not reply within 45 days. Complain to the national supervisory "
        "authority or bring an action before the courts of that Member State."
    ),
    "eu-etias-response": gettext_lazy(
        "The ETIAS unit did not reply within 30 days. Complain to the national supervisory "
        "authority (or the EDPS for the Central Unit)."
    ),
    "mx-arco-response": gettext_lazy(
        "The controller did not answer in time: you may file a review appeal (recurso de "
        "revisión) with the supervisory authority (the 2025 law's time limits are not "
        "confirmed)."
    ),
    "co-habeas-data-consulta": gettext_lazy(
        "The controller did not answer in time: you may complain to the Superintendency of "
        "Industry and Commerce (the prior-claim requirement is met) or bring an acción de tutela."
    ),
    "br-lgpd-access": gettext_lazy(
        "The controller did not answer within 15 days: petition the ANPD or go to court."
    ),
    "ca-privacy-act-response": gettext_lazy(
        "Missing the time limit is a deemed refusal: complain to the Privacy Commissioner."
    ),
}
CONSEQUENCES.update(
    {
        "us-dhs-pa-appeal-window": gettext_lazy(
            "The window to appeal the denial of access has closed. Ask the agency whether it "
            "will accept a late appeal for good cause; the request can also be made again under "
            "FOIA."
        ),
        "us-pa-suit-limit": gettext_lazy(
            "The two years to sue under the Privacy Act have passed; a court will likely dismiss "
            "a late action."
        ),
        "us-foia-suit-limit": gettext_lazy(
            "The six years to sue the United States have passed; a court will likely dismiss a "
            "late action. A new request starts a new procedure."
        ),
    }
)
CONSEQUENCES["us-dhs-foia-appeal-window"] = CONSEQUENCES["us-foia-appeal-window"]
CONSEQUENCES["co-habeas-data-reclamo"] = CONSEQUENCES["co-habeas-data-consulta"]

# What starts each clock, keyed by the engine's own wording.
STARTS_ON = {
    "receipt by the proper component": gettext_lazy("receipt by the proper component"),
    "receipt of the request": gettext_lazy("receipt of the request"),
    "receipt of the appeal": gettext_lazy("receipt of the appeal"),
    "the adverse determination": gettext_lazy("the adverse determination"),
    "the date of the component's response": gettext_lazy("the date of the component's response"),
    "receipt of the amendment request": gettext_lazy("receipt of the amendment request"),
    "the request for review": gettext_lazy("the request for review"),
    "the date of the request": gettext_lazy("the date of the request"),
    "recepción de la solicitud": gettext_lazy("receipt of the request"),
    "recepción de la consulta": gettext_lazy("receipt of the consulta"),
    "el día siguiente a la recepción del reclamo": gettext_lazy(
        "the day after the reclamo was received"
    ),
    "the final refusal (when the cause of action arises)": gettext_lazy(
        "the final refusal (when the cause of action arises)"
    ),
    "exhaustion of administrative remedies (actual or constructive)": gettext_lazy(
        "exhaustion of administrative remedies (actual or constructive)"
    ),
}

NOTES = {
    "us-foia-response": gettext_lazy(
        "Receipt by the proper component, no later than 10 working days after the request "
        "first reaches a component designated to receive FOIA requests. Tolling: one request "
        "for information, and fee clarifications."
    ),
    "us-foia-expedited-decision": gettext_lazy(
        'The statute says "10 days"; agencies count calendar days.'
    ),
    "us-foia-appeal-decision": gettext_lazy(
        "Many agency regulations cap the total extension across request and appeal at 10 "
        "working days."
    ),
    "us-foia-appeal-window": gettext_lazy(
        "The statutory floor. Each agency sets its own window at or above it; check the "
        "determination letter."
    ),
    "us-dhs-foia-appeal-window": gettext_lazy(
        "Postmarked, or electronically transmitted by 11:59:59 p.m. Eastern, on the 90th "
        "working day."
    ),
    "us-dhs-pa-appeal-window": gettext_lazy(
        "The 2022 amendments appear to align the window with FOIA appeals (90 working days, "
        "postmarked or transmitted; previously 60 days, received). The current text is "
        "UNCONFIRMED: check the denial letter."
    ),
    "us-pa-suit-limit": gettext_lazy(
        "Civil action under 552a(g)(1)(A) (amendment) or (g)(1)(B) (access), de novo."
    ),
    "us-foia-suit-limit": gettext_lazy(
        "The general time limit for suits against the United States, running from the final "
        "appeal decision or from the day the agency missed its deadline."
    ),
    "us-pa-amendment-ack": gettext_lazy('The decision itself is due "promptly".'),
    "us-pa-amendment-appeal-decision": gettext_lazy(
        "The agency head may extend it for good cause."
    ),
    "eu-gdpr-response": gettext_lazy(
        "Holidays of the controller's Member State. Extension: two further months (three in "
        "all), notified within the first month with reasons."
    ),
    "uk-gdpr-response": gettext_lazy(
        "UK bank holidays (England and Wales unless another nation is chosen). The clock "
        "starts once identity proof and any fee are received (Art. 12A)."
    ),
    "mx-arco-response": gettext_lazy(
        "The 2025 law's deadlines and the counting in business days are not confirmed; an "
        "administrator can adjust them."
    ),
    "co-habeas-data-reclamo": gettext_lazy("The 8-business-day extension is UNCONFIRMED-high."),
    "br-lgpd-access": gettext_lazy(
        'The law says "15 dias" without saying business or calendar days (UNCONFIRMED); '
        "calendar days are the conservative choice."
    ),
}

STATUS = {
    "VERIFIED": gettext_lazy("verified"),
    "VERIFIED-2ND": gettext_lazy("verified by a secondary source"),
    "UNCONFIRMED-high": gettext_lazy("unconfirmed (standard text, check the source)"),
    "UNCONFIRMED": gettext_lazy("unconfirmed"),
}

# Holiday and weekday names as the calendars give them.
DAY_REASONS = {
    "Saturday": gettext_lazy("Saturday"),
    "Sunday": gettext_lazy("Sunday"),
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Martin Luther King Jr. Day": gettext_lazy("Martin Luther King Jr. Day"),
    "Washington's Birthday": gettext_lazy("Washington's Birthday"),
    "Memorial Day": gettext_lazy("Memorial Day"),
    "Juneteenth National Independence Day": gettext_lazy("Juneteenth National Independence Day"),
    "Independence Day": gettext_lazy("Independence Day"),
    "Labor Day": gettext_lazy("Labor Day"),
    "Columbus Day": gettext_lazy("Columbus Day"),
    "Veterans Day": gettext_lazy("Veterans Day"),
    "Thanksgiving Day": gettext_lazy("Thanksgiving Day"),
    "Christmas Day": gettext_lazy("Christmas Day"),
    "closure": gettext_lazy("closure"),
}


def consequence_text(*, code: str, explanation: dict | None) -> str:
    """What the missed deadline means, in the active language ("" when the rule says nothing).
    ``code`` is the clock's rule code."""
    explanation = explanation or {}
    code = explanation.get("rule") or code
    stored = explanation.get("consequence")
    if code in CONSEQUENCES and stored:
        return str(CONSEQUENCES[code])
    if isinstance(stored, dict):
        return str(stored.get("text", ""))
    return str(stored or "")


def consequence_citation(explanation: dict | None) -> str:
    stored = (explanation or {}).get("consequence")
    return str(stored.get("citation", "")) if isinstance(stored, dict) else ""


def total_text(explanation: dict | None) -> str:
    """'30 business days', '1 month'... in the active language."""
    explanation = explanation or {}
    unit = explanation.get("unit")
    count = explanation.get("count")
    if unit is None or count is None:
        return str(explanation.get("total", ""))
    amount = int(count) + int(explanation.get("extension") or 0)
    if unit == "business":
        text = ngettext("%(n)s business day", "%(n)s business days", amount)
    elif unit == "calendar":
        text = ngettext("%(n)s calendar day", "%(n)s calendar days", amount)
    elif unit == "month":
        text = ngettext("%(n)s month", "%(n)s months", amount)
    else:
        return str(explanation.get("total", ""))
    return text % {"n": amount}


def starts_on_text(value: str) -> str:
    return str(STARTS_ON.get(value, value or ""))


def note_text(*, code: str, explanation: dict | None) -> str:
    explanation = explanation or {}
    code = explanation.get("rule") or code
    stored = explanation.get("note", "")
    if stored and code in NOTES:
        return str(NOTES[code])
    return str(stored or "")


def status_text(value: str) -> str:
    return str(STATUS.get(value, value or ""))


def day_reason_text(value: str) -> str:
    if value in DAY_REASONS:
        return str(DAY_REASONS[value])
    if value.endswith(" (observed)") and value[: -len(" (observed)")] in DAY_REASONS:
        return _("%(holiday)s (observed)") % {"holiday": DAY_REASONS[value[: -len(" (observed)")]]}
    return value


def clock_label(label: str) -> str:
    """A clock's label (an English msgid stored on the clock) in the active language."""
    return _(label) if label else ""
