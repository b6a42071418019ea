"""The letters as data: which letter exists for which regime, request type, language and
proceeding state, what it asks the user for, and what it cites.

A letter's HTML lives in ``templates/letters/pdf/<code>.<language>.html``. Raising a letter's
``version`` makes every stored PDF of it stale (the version is part of the inputs hash).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# When a letter fits a proceeding (see ``selectors.letter_fits``):
INITIAL = "initial"  # the request itself: while the proceeding is not decided
LATE = "late"  # a response clock was missed
ADVERSE = "adverse"  # after a denial, partial grant, no-records answer or fee decision
ADVERSE_OR_LATE = "adverse_or_late"
FINAL_REFUSAL = "final_refusal"  # the review (appeal) of a refusal was refused too
ANY = "any"


@dataclass(frozen=True)
class InputField:
    name: str
    label: str
    kind: str = "textarea"  # text | textarea | choice | bool
    required: bool = False
    help: str = ""
    choices: tuple = ()


FIELDS: dict[str, InputField] = {
    f.name: f
    for f in [
        InputField(
            "addressee_address",
            _("Addressee's postal address"),
            required=True,
            help=_("Where the letter goes, as printed on the envelope."),
        ),
        InputField(
            "records_sought",
            _("Records you ask for"),
            required=True,
            help=_("Describe the records as precisely as you can: dates, places, systems."),
        ),
        InputField("date_range", _("Time period covered"), kind="text"),
        InputField(
            "expedite",
            _("Ask for expedited processing"),
            kind="choice",
            choices=(
                ("", _("No")),
                ("life_safety", _("Imminent threat to life or physical safety")),
                ("due_process", _("Loss of substantial due-process rights")),
                ("inform_public", _("Urgency to inform the public (news media)")),
            ),
        ),
        InputField(
            "expedite_explanation",
            _("Why it is urgent (facts)"),
            help=_("Required when you ask for expedited processing."),
        ),
        InputField(
            "fee_choice",
            _("Fees"),
            kind="choice",
            choices=(
                ("limit", _("Agree to pay up to a limit")),
                ("waiver", _("Ask for a fee waiver")),
                ("none", _("Say nothing about fees")),
            ),
        ),
        InputField("fee_limit", _("Fee limit (US dollars)"), kind="text"),
        InputField("fee_waiver_grounds", _("Why disclosure is in the public interest")),
        InputField(
            "signing_location",
            _("Where you will sign"),
            kind="choice",
            required=True,
            choices=(
                ("outside_us", _("Outside the United States")),
                ("inside_us", _("Inside the United States")),
            ),
            help=_("The 28 U.S.C. § 1746 declaration has a different wording for each."),
        ),
        InputField("what_is_wrong", _("What is wrong in the record"), required=True),
        InputField("what_it_should_say", _("What it should say"), required=True),
        InputField("evidence", _("Evidence you enclose")),
        InputField("appeal_reasons", _("Your reasons, in your own words")),
        InputField("contest_exemptions", _("Contest the exemptions cited"), kind="bool"),
        InputField("contest_search", _("Contest the adequacy of the search"), kind="bool"),
        InputField("contest_fees", _("Contest the fee decision"), kind="bool"),
        InputField("objection_grounds", _("Your particular situation (grounds for objecting)")),
        InputField("complaint_facts", _("What the authority should know"), required=True),
        InputField("free_paragraph", _("Anything else to add (optional paragraph)")),
        InputField(
            "advocate_name",
            _("Representative filing for the subject (leave blank if none)"),
            kind="text",
        ),
        InputField("advocate_organization", _("Representative's organization"), kind="text"),
    ]
}


@dataclass(frozen=True)
class LetterSpec:
    code: str
    title: str
    regimes: tuple[str, ...]
    request_types: tuple[str, ...]
    languages: tuple[str, ...]
    fields: tuple[str, ...]
    citations: tuple[str, ...]
    when: str = INITIAL
    # Sensitive identifiers printed in this letter (and only these).
    identifiers: tuple[str, ...] = ()
    # Subject's US status required (e.g. the Privacy Act covers citizens and LPRs only).
    us_status: tuple[str, ...] = ()
    version: str = "1"
    # The Spanish title, in the letter itself (PDF title and footer), independent of the UI
    # catalogue.
    title_es: str = ""
    # Languages that are a translation for the user to read; the filed copy is the other one.
    reader_languages: tuple[str, ...] = ()
    description: str = ""
    extra: dict = field(default_factory=dict)

    def template_name(self, language: str) -> str:
        return f"letters/pdf/{self.code}.{language}.html"


US_FOIA = ("us-foia", "us-dhs-foia")
US_PA = ("us-privacy-act",)
GDPR = ("eu-gdpr", "uk-gdpr")
EES = ("eu-ees",)
ARCO = ("mx-arco", "mx-lgpdppso", "mx-lgpdppso-2025", "mx-lfpdppp", "mx-lfpdppp-2025")
HABEAS = ("co-habeas-data", "co-ley1581")
ACCESS = ("access", "automated-decision")
SIGNED = ("signing_location", "advocate_name", "advocate_organization")

LETTERS: tuple[LetterSpec, ...] = (
    LetterSpec(
        code="foia-access",
        title=_("FOIA request for your own records"),
        title_es="Solicitud FOIA de sus propios registros (traducción para su lectura)",
        regimes=US_FOIA,
        request_types=ACCESS,
        languages=("en", "es"),
        reader_languages=("es",),
        fields=(
            "addressee_address",
            "records_sought",
            "date_range",
            "expedite",
            "expedite_explanation",
            "fee_choice",
            "fee_limit",
            "fee_waiver_grounds",
            "free_paragraph",
            *SIGNED,
        ),
        citations=("5 U.S.C. § 552", "5 U.S.C. § 552(a)(6)(E)", "5 U.S.C. § 552(a)(4)(A)"),
        identifiers=("date_of_birth", "place_of_birth", "a_number", "passport_number"),
        description=_("First-party request with a Certification of Identity."),
        extra={"prints_record_system": True},
    ),
    LetterSpec(
        code="foia-pa-access",
        title_es=(
            "Solicitud combinada FOIA y Privacy Act de sus propios registros"
            " (traducción para su lectura)"
        ),
        title=_("Combined FOIA and Privacy Act request for your own records"),
        regimes=US_FOIA + US_PA,
        request_types=ACCESS,
        languages=("en", "es"),
        reader_languages=("es",),
        fields=(
            "addressee_address",
            "records_sought",
            "date_range",
            "fee_choice",
            "fee_limit",
            "free_paragraph",
            *SIGNED,
        ),
        citations=("5 U.S.C. § 552", "5 U.S.C. § 552a(d)(1)", "5 U.S.C. § 552a(f)(5)"),
        identifiers=("date_of_birth", "place_of_birth", "a_number"),
        us_status=("citizen", "lpr"),
        description=_("For US citizens and permanent residents: both statutes at once."),
        extra={"prints_record_system": True},
    ),
    LetterSpec(
        code="pa-amendment",
        title_es="Solicitud de enmienda de un registro (Privacy Act) (traducción para su lectura)",
        title=_("Privacy Act request to amend a record"),
        regimes=US_PA,
        request_types=("amendment", "challenge"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=(
            "addressee_address",
            "what_is_wrong",
            "what_it_should_say",
            "evidence",
            "free_paragraph",
            *SIGNED,
        ),
        citations=("5 U.S.C. § 552a(d)(2)",),
        extra={"channel_purposes": ("challenge", "request")},
        identifiers=("date_of_birth", "place_of_birth", "a_number"),
        us_status=("citizen", "lpr"),
    ),
    LetterSpec(
        code="dhs-trip-cover",
        title_es="Carta de presentación para DHS TRIP (traducción para su lectura)",
        title=_("DHS TRIP cover letter"),
        regimes=("us-dhs-trip",),
        request_types=("redress", "automated-decision", "challenge"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=("addressee_address", "what_is_wrong", "evidence", "free_paragraph", *SIGNED),
        citations=("49 U.S.C. § 44926", "6 U.S.C. § 1303"),
        extra={"channel_purposes": ("redress", "request")},
        identifiers=("date_of_birth", "place_of_birth", "passport_number"),
        description=_("Goes with the DHS TRIP online form or the paper form."),
    ),
    LetterSpec(
        code="fbi-idhs-request",
        title_es=(
            "Solicitud del resumen de historial de identidad del FBI (traducción para su lectura)"
        ),
        title=_("FBI Identity History Summary request"),
        regimes=("us-fbi-idhs",),
        request_types=("access",),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=("addressee_address", "free_paragraph", *SIGNED),
        citations=("28 CFR 16.30", "28 CFR 16.31", "28 CFR 16.32"),
        identifiers=("date_of_birth", "place_of_birth"),
    ),
    LetterSpec(
        code="fbi-idhs-challenge",
        title_es=(
            "Impugnación del resumen de historial de identidad del FBI (traducción para su lectura)"
        ),
        title=_("Challenge to an FBI Identity History Summary"),
        regimes=("us-fbi-idhs",),
        request_types=("challenge", "amendment"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=(
            "addressee_address",
            "what_is_wrong",
            "what_it_should_say",
            "evidence",
            "free_paragraph",
            *SIGNED,
        ),
        citations=("28 CFR 16.34", "28 CFR 16.30–16.34"),
        extra={"channel_purposes": ("challenge", "request")},
        identifiers=("date_of_birth", "place_of_birth"),
        when=ANY,
    ),
    LetterSpec(
        code="gdpr-access",
        title_es="Solicitud de acceso (artículo 15 RGPD)",
        title=_("GDPR subject access request (Article 15)"),
        regimes=GDPR,
        request_types=ACCESS,
        languages=("en", "es"),
        fields=("addressee_address", "records_sought", "free_paragraph", "advocate_name"),
        citations=("Article 15 GDPR", "Article 15(1)(h) GDPR", "CJEU C-203/22"),
        identifiers=("date_of_birth", "passport_number"),
    ),
    LetterSpec(
        code="gdpr-rectification",
        title_es="Solicitud de rectificación (artículo 16 RGPD)",
        title=_("GDPR request for rectification (Article 16)"),
        regimes=GDPR,
        request_types=("amendment",),
        languages=("en", "es"),
        fields=(
            "addressee_address",
            "what_is_wrong",
            "what_it_should_say",
            "evidence",
            "free_paragraph",
            "advocate_name",
        ),
        citations=("Article 16 GDPR", "Article 18(1)(a) GDPR"),
        identifiers=("date_of_birth", "passport_number"),
    ),
    LetterSpec(
        code="gdpr-objection",
        title_es="Oposición e intervención humana (artículos 21 y 22 RGPD)",
        title=_("GDPR objection and request for human intervention (Articles 21 and 22)"),
        regimes=GDPR,
        request_types=("automated-decision", "challenge"),
        languages=("en", "es"),
        fields=("addressee_address", "objection_grounds", "free_paragraph", "advocate_name"),
        citations=("Article 21(1) GDPR", "Article 22(3) GDPR"),
        identifiers=("date_of_birth", "passport_number"),
        when=ANY,
    ),
    LetterSpec(
        code="ees-request",
        title_es="Sistema de Entradas y Salidas: acceso y rectificación",
        title=_("Entry/Exit System: access and rectification request"),
        regimes=EES,
        request_types=("access", "amendment", "automated-decision"),
        languages=("en", "es"),
        fields=("addressee_address", "what_is_wrong", "what_it_should_say", "free_paragraph"),
        citations=("Article 52 of Regulation (EU) 2017/2226", "Articles 15–18 GDPR"),
        identifiers=("date_of_birth", "passport_number"),
    ),
    LetterSpec(
        code="mx-arco",
        title_es="Solicitud de derechos ARCO",
        title=_("ARCO request (Mexico)"),
        regimes=ARCO,
        request_types=("access", "amendment", "challenge", "automated-decision"),
        languages=("es",),
        fields=(
            "addressee_address",
            "records_sought",
            "what_is_wrong",
            "what_it_should_say",
            "free_paragraph",
            "advocate_name",
        ),
        citations=(
            "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados",
        ),
        identifiers=("date_of_birth",),
    ),
    LetterSpec(
        code="co-consulta",
        title_es="Consulta de habeas data",
        title=_("Habeas data consulta (Colombia)"),
        regimes=HABEAS,
        request_types=ACCESS,
        languages=("es",),
        fields=("addressee_address", "records_sought", "free_paragraph", "advocate_name"),
        citations=("Ley 1581 de 2012, artículo 14",),
        identifiers=(),
        when=ANY,
    ),
    LetterSpec(
        code="co-reclamo",
        title_es="Reclamo de habeas data",
        title=_("Habeas data reclamo (Colombia)"),
        regimes=HABEAS,
        request_types=("amendment", "challenge"),
        languages=("es",),
        fields=(
            "addressee_address",
            "what_is_wrong",
            "what_it_should_say",
            "evidence",
            "free_paragraph",
            "advocate_name",
        ),
        citations=("Ley 1581 de 2012, artículo 15",),
        when=ANY,
    ),
    # Follow-ups and escalation.
    LetterSpec(
        code="status-inquiry",
        title_es="Consulta sobre el estado de la solicitud",
        title=_("Status inquiry: the answer is late"),
        regimes=(),  # any regime
        request_types=(),
        languages=("en", "es"),
        fields=("addressee_address", "free_paragraph"),
        citations=(),
        when=LATE,
    ),
    LetterSpec(
        code="foia-appeal",
        title_es="Recurso administrativo FOIA (traducción para su lectura)",
        title=_("FOIA administrative appeal"),
        regimes=US_FOIA,
        request_types=(*ACCESS, "appeal"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=(
            "addressee_address",
            "contest_exemptions",
            "contest_search",
            "contest_fees",
            "appeal_reasons",
            "free_paragraph",
        ),
        citations=("5 U.S.C. § 552(a)(6)(A)(i)", "5 U.S.C. § 552(b)", "5 U.S.C. § 552(a)(6)(C)"),
        when=ADVERSE,
        extra={"channel_purposes": ("appeal",)},
    ),
    LetterSpec(
        code="ogis-mediation",
        title_es="Solicitud de mediación a OGIS (traducción para su lectura)",
        title=_("OGIS mediation request"),
        regimes=US_FOIA,
        request_types=(*ACCESS, "appeal", "mediation"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=("appeal_reasons", "free_paragraph"),
        citations=("5 U.S.C. § 552(h)",),
        when=ADVERSE_OR_LATE,
        extra={"addressee": "ogis"},
    ),
    LetterSpec(
        code="pa-amendment-appeal",
        title_es="Recurso contra la negativa a enmendar (Privacy Act) (traducción para su lectura)",
        title=_("Privacy Act appeal of a refusal to amend"),
        regimes=US_PA,
        request_types=("amendment", "appeal"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=("addressee_address", "appeal_reasons", "evidence", "free_paragraph"),
        citations=("5 U.S.C. § 552a(d)(3)",),
        when=ADVERSE,
        extra={"channel_purposes": ("appeal",)},
    ),
    LetterSpec(
        code="pa-statement-disagreement",
        title_es="Declaración de desacuerdo (Privacy Act) (traducción para su lectura)",
        title=_("Privacy Act statement of disagreement"),
        regimes=US_PA,
        request_types=("amendment", "appeal"),
        languages=("en", "es"),
        reader_languages=("es",),
        fields=("addressee_address", "what_is_wrong", "what_it_should_say"),
        citations=("5 U.S.C. § 552a(d)(3)", "5 U.S.C. § 552a(d)(4)"),
        extra={"channel_purposes": ("challenge", "request")},
        when=FINAL_REFUSAL,
    ),
    LetterSpec(
        code="dpa-complaint",
        title_es="Reclamación ante la autoridad de protección de datos",
        title=_("Complaint to the data-protection authority"),
        regimes=GDPR + EES,
        request_types=(),
        languages=("en", "es"),
        fields=("addressee_address", "complaint_facts", "free_paragraph"),
        citations=("Article 77 GDPR",),
        when=ADVERSE_OR_LATE,
        extra={"addressee": "dpa"},
    ),
)

# The case history report is rendered through the same machinery.
CASE_REPORT = LetterSpec(
    code="case-report",
    title_es="Historial del caso",
    title=_("Case history report"),
    regimes=(),
    request_types=(),
    languages=("en", "es"),
    fields=(),
    citations=(),
    when=ANY,
)

BY_CODE: dict[str, LetterSpec] = {spec.code: spec for spec in (*LETTERS, CASE_REPORT)}


def letter_spec(code: str) -> LetterSpec | None:
    return BY_CODE.get(code)
