"""Demo data: realistic cases in different states, for trying the product and for reviews.

Dates are relative to today so the demo always shows running, due-soon and overdue clocks.
Everything goes through the same services a user's clicks go through.
"""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from dsar.accounts.models import Membership, Organization, User
from dsar.directory.models import Agency, RecordSystem, Regime

from . import services
from .models import Case

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-dsar-2026"
ADVOCATE_EMAIL = "advocate@example.org"
ADMIN_EMAIL = "admin@example.org"


def _ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _agency(code: str, *fallback_regimes: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None and fallback_regimes:
        agency = Agency.objects.filter(regimes__code__in=fallback_regimes).first()
    if agency is None:
        raise LookupError(f"The directory has no agency '{code}'; run load_directory first")
    return agency


def _system(code: str) -> RecordSystem | None:
    return RecordSystem.objects.filter(code=code).first()


def _events(user, proceeding, steps) -> None:
    for kind, days, extra in steps:
        services.proceeding_record_event(
            user=user, proceeding=proceeding, kind=kind, occurred_on=_ago(days), **extra
        )


@transaction.atomic
def demo_load() -> dict:
    """Create the demo accounts and cases; does nothing if they already exist."""
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        # The administrator of the demo: the admin site (/admin/, closure days and rule
        # overrides at /admin/rules/).
        User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, display_name="Administrator")
    if User.objects.filter(email=DEMO_EMAIL).exists():
        return {
            "created": False,
            "email": DEMO_EMAIL,
            "password": DEMO_PASSWORD,
            "admin": ADMIN_EMAIL,
        }
    from dsar.directory.services import directory_load

    if not Regime.objects.exists():
        directory_load()
    regime = {r.code: r for r in Regime.objects.all()}

    user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, display_name="Demo user")
    advocate = User.objects.create_user(ADVOCATE_EMAIL, DEMO_PASSWORD, display_name="Advocate")
    for account in (user, advocate):  # addresses are verified before anyone can sign in
        EmailAddress.objects.create(user=account, email=account.email, verified=True, primary=True)
    clinic = Organization.objects.create(name="Border Rights Clinic", slug="border-rights-clinic")
    Membership.objects.create(organization=clinic, user=user, role=Membership.Role.ADMIN)
    Membership.objects.create(organization=clinic, user=advocate, role=Membership.Role.ADVOCATE)

    # 1. A face match failed at a US airport: FOIA to CBP and OBIM, DHS TRIP redress.
    jfk = services.case_create(
        user=user,
        title="Face did not match at JFK — sent to secondary twice",
        subject_name="María Fernanda López Ruiz",
        subject_nationality="MX",
        subject_us_status="none",
        subject_residence="MX",
        subject_date_of_birth="1988-05-17",
        subject_passport_number="G12345678",
        subject_address="Av. Insurgentes Sur 1234, Col. Del Valle, 03100 Ciudad de México, México",
        subject_email="maria.lopez@example.org",
        organization=clinic,
        decision_date=_ago(100),
        decision_place="JFK International Airport, Terminal 4",
        decision_system=_system("tvs"),
        decision_description=(
            "At entry, the facial comparison kiosk did not match my face to my passport photo. "
            "I was sent to secondary inspection and questioned for two hours. It happened again "
            "on my next trip."
        ),
        decision_outcome="Referred to secondary inspection; admitted after 2 hours",
        decision_references="I-94 admission number 123456789A1",
    )
    cbp_foia = services.proceeding_create(
        user=user,
        case=jfk,
        regime=regime["us-foia"],
        request_type="access",
        agency=_agency("cbp"),
        record_system=_system("tvs"),
        title="TVS match records, secondary inspection notes",
        description="All records of facial comparisons, match scores and secondary referral.",
    )
    _events(
        user,
        cbp_foia,
        [
            ("filed", 60, {"channel": "portal"}),
            ("acknowledged", 58, {"tracking_number": "CBP-OT-2026-081234"}),
            ("info_requested", 50, {"notes": "CBP asked for a signed Certification of Identity."}),
            ("info_provided", 45, {"channel": "portal"}),
        ],
    )
    obim_foia = services.proceeding_create(
        user=user,
        case=jfk,
        regime=regime["us-foia"],
        request_type="access",
        agency=_agency("obim"),
        record_system=_system("ident-hart"),
        title="IDENT/HART encounter records and biometrics",
    )
    _events(
        user,
        obim_foia,
        [
            ("filed", 55, {"channel": "portal"}),
            ("received", 54, {}),
            ("acknowledged", 50, {"tracking_number": "2026-OBFO-01977"}),
        ],
    )
    trip = services.proceeding_create(
        user=user,
        case=jfk,
        regime=regime["us-dhs-trip"],
        request_type="redress",
        agency=_agency("dhs-trip"),
        title="Redress inquiry for repeated secondary referrals",
    )
    _events(
        user,
        trip,
        [
            ("filed", 40, {"channel": "portal"}),
            ("acknowledged", 40, {"tracking_number": "RCN 2401234"}),
        ],
    )

    # 2. ESTA denied; CBP denied the FOIA request in part: the appeal window is running.
    esta = services.case_create(
        user=user,
        title="ESTA denied after a trip to Istanbul",
        subject_name="Lukas Schneider",
        subject_nationality="DE",
        subject_us_status="none",
        subject_residence="DE",
        decision_date=_ago(150),
        decision_system=_system("esta"),
        decision_description="ESTA application refused with no reason given.",
        decision_outcome="Travel authorization denied",
    )
    esta_foia = services.proceeding_create(
        user=user,
        case=esta,
        regime=regime["us-foia"],
        request_type="access",
        agency=_agency("cbp"),
        record_system=_system("esta"),
        title="ESTA application and vetting records",
    )
    _events(
        user,
        esta_foia,
        [
            ("filed", 120, {"channel": "portal"}),
            ("acknowledged", 118, {"tracking_number": "CBP-OT-2026-066001"}),
            (
                "extension_notice",
                95,
                {"notes": "Unusual circumstances: consultation with another component."},
            ),
            (
                "determination",
                30,
                {"outcome": "partial", "exemptions": "(b)(6), (b)(7)(C), (b)(7)(E)"},
            ),
        ],
    )
    gdpr_agency = Agency.objects.filter(regimes__code="eu-gdpr", country="DE").first() or (
        Agency.objects.filter(regimes__code="eu-gdpr").first()
    )
    if gdpr_agency is not None:
        gdpr = services.proceeding_create(
            user=user,
            case=esta,
            regime=regime["eu-gdpr"],
            request_type="automated-decision",
            agency=gdpr_agency,
            title="Data shared with US authorities and the logic of automated checks",
        )
        _events(user, gdpr, [("filed", 20, {"channel": "email"})])

    # 3. A US citizen whose FBI record shows an arrest that is not theirs.
    fbi = services.case_create(
        user=user,
        title="FBI record shows an arrest that isn't mine",
        subject_name="James Carter",
        subject_nationality="US",
        subject_us_status="citizen",
        subject_residence="US",
        subject_date_of_birth="1979-11-02",
        subject_address="1450 Elm Street, Apt 3B, Dayton, OH 45402",
        decision_description="Employment background check flagged a 2011 arrest in another state.",
        decision_system=_system("ngi"),
    )
    idhs = services.proceeding_create(
        user=user,
        case=fbi,
        regime=regime["us-fbi-idhs"],
        request_type="access",
        agency=_agency("fbi-cjis"),
        record_system=_system("ngi"),
        title="Identity History Summary",
    )
    _events(
        user,
        idhs,
        [
            ("filed", 70, {"channel": "postal"}),
            ("determination", 55, {"outcome": "granted"}),
            ("closed", 55, {}),
        ],
    )
    services.proceeding_create(
        user=user,
        case=fbi,
        regime=regime["us-fbi-idhs"],
        request_type="challenge",
        agency=_agency("fbi-cjis"),
        record_system=_system("ngi"),
        parent=idhs,
        title="Challenge the 2011 arrest entry",
    )
    amendment = services.proceeding_create(
        user=user,
        case=fbi,
        regime=regime["us-privacy-act"],
        request_type="amendment",
        agency=_agency("fbi-cjis"),
        record_system=_system("ngi"),
        title="Privacy Act amendment of the NGI record",
    )
    _events(user, amendment, [("filed", 25, {"channel": "postal"}), ("received", 21, {})])

    # 4. A permanent resident's A-file: FOIA denied, appeal filed and pending.
    afile = services.case_create(
        user=user,
        title="Fingerprints attached to the wrong A-file",
        subject_name="Nguyen Thi Lan",
        subject_nationality="VN",
        subject_us_status="lpr",
        subject_residence="US",
        subject_a_number="A098765432",
        subject_date_of_birth="1992-03-09",
        subject_address="2200 Mission Street, San Francisco, CA 94110",
    )
    uscis = services.proceeding_create(
        user=user,
        case=afile,
        regime=regime["us-foia"],
        request_type="access",
        agency=_agency("uscis"),
        record_system=_system("uscis-afile"),
        title="A-file and biometrics appointment records",
    )
    _events(
        user,
        uscis,
        [
            ("filed", 110, {"channel": "portal"}),
            ("acknowledged", 109, {"tracking_number": "NRC2026123456"}),
            ("determination", 70, {"outcome": "no_records"}),
            ("appeal_filed", 40, {"channel": "portal", "notes": "Search was inadequate."}),
        ],
    )

    # 5. Colombia: a habeas data claim that was answered; the case is closed.
    co_agency = Agency.objects.filter(regimes__code="co-habeas-data").first()
    if co_agency is not None and "co-habeas-data" in regime:
        co_case = services.case_create(
            user=user,
            title="Migración Colombia: datos biométricos compartidos",
            subject_name="Andrés Felipe Gómez",
            subject_nationality="CO",
            subject_us_status="none",
            subject_residence="CO",
        )
        consulta = services.proceeding_create(
            user=user,
            case=co_case,
            regime=regime["co-habeas-data"],
            request_type="access",
            agency=co_agency,
            title="Consulta: qué datos biométricos se compartieron",
        )
        _events(
            user,
            consulta,
            [
                ("filed", 45, {"channel": "email"}),
                ("determination", 35, {"outcome": "granted"}),
                ("closed", 30, {}),
            ],
        )
        services.case_close(user=user, case=co_case)

    return {
        "created": True,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "advocate": ADVOCATE_EMAIL,
        "admin": ADMIN_EMAIL,
        "cases": Case.objects.filter(owner=user).count(),
    }
