import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from dsar.directory.models import (
    Agency,
    AppealRoute,
    Channel,
    FactStatus,
    IdentityRequirement,
    RecordSystem,
    Regime,
)
from dsar.directory.services import directory_load, directory_read, directory_validate

REGIME_CODES = {
    "us-foia",
    "us-privacy-act",
    "us-judicial-redress",
    "us-dhs-trip",
    "us-fbi-idhs",
    "eu-gdpr",
    "eu-ees",
    "eu-etias",
    "eu-led",
    "uk-gdpr",
    "mx-arco",
    "co-habeas-data",
    "br-lgpd",
    "ca-privacy-act",
    "us-ogis",
}
SYSTEM_CODES = {
    "ident-hart",
    "tvs",
    "esta",
    "secure-flight",
    "ngi",
    "sevis",
    "ice-enforcement",
    "uscis-afile",
    "ees",
    "etias",
    "curp-biometrica",
}


def test_data_file_validates():
    assert directory_validate(directory_read()) == []


def test_validator_catches_problems():
    data = directory_read()
    data["record_systems"].append({"code": "x", "agency": "nowhere", "status": "maybe"})
    data["agencies"][0]["channels"].append(
        {"code": "c", "kind": "pigeon", "purpose": "request", "value": "", "status": "verified"}
    )
    data["agencies"][0]["regimes"].append("xx-unknown")
    problems = " | ".join(directory_validate(data))
    for expected in ("unknown agency nowhere", "invalid status", "invalid kind", "no value"):
        assert expected in problems
    assert "unknown regime xx-unknown" in problems


def test_regimes_agencies_and_systems_present(directory):
    assert REGIME_CODES <= set(Regime.objects.values_list("code", flat=True))
    assert SYSTEM_CODES <= set(RecordSystem.objects.values_list("code", flat=True))
    for regime in Regime.objects.all():
        assert regime.name and regime.name_es and regime.country and regime.citation
    components = {"dhs-privacy", "cbp", "obim", "ice", "uscis", "tsa", "dhs-trip"}
    for code in components:
        assert Agency.objects.get(code=code).parent.code == "dhs"
    assert Agency.objects.get(code="fbi-cjis").parent.parent.code == "doj"
    for code in ("state", "ogis", "ico", "eu-dpa", "sic", "anpd", "opc", "segob", "renapo"):
        assert Agency.objects.filter(code=code).exists(), code


def test_every_fact_is_sourced_dated_and_has_a_valid_status(directory):
    for model in (Regime, Agency, Channel, IdentityRequirement, AppealRoute, RecordSystem):
        for obj in model.objects.all():
            assert obj.source, obj
            assert obj.verified_on == datetime.date(2026, 11, 1), obj
            assert obj.status in FactStatus.values, obj


def test_every_channel_is_reachable(directory):
    assert Channel.objects.exists()
    for channel in Channel.objects.all():
        assert channel.value.strip() and channel.kind, channel


def test_key_facts_match_the_fact_table(directory):
    trip = Agency.objects.get(code="dhs-trip")
    values = set(trip.channels.values_list("value", flat=True))
    assert "TRIP@dhs.gov" in values
    assert "DHS TRIP\n601 South 12th Street, TSA-901\nArlington, VA 20598-6901" in values
    # The CBP postal address conflicts between page versions: shown as unconfirmed.
    cbp_post = Channel.objects.get(code="cbp-foia-postal")
    assert cbp_post.status == "unconfirmed" and "1300 Pennsylvania" in cbp_post.note
    # OBIM has no confirmed postal or e-mail address.
    obim = Agency.objects.get(code="obim")
    assert not obim.channels.filter(kind__in=["postal", "email"]).exists()
    assert "unconfirmed" in obim.contact_note
    fee = IdentityRequirement.objects.get(code="fbi-idhs-fee")
    assert "$18" in fee.description
    assert RecordSystem.objects.get(code="ident-hart").agency.code == "obim"
    assert RecordSystem.objects.get(code="ngi").sorn.startswith("JUSTICE/FBI-009")


def test_loader_is_idempotent(directory):
    counts = {
        model: model.objects.count()
        for model in (Regime, Agency, Channel, IdentityRequirement, AppealRoute, RecordSystem)
    }
    cbp = Agency.objects.get(code="cbp")
    cbp.name = "Edited"
    cbp.save()
    second = directory_load()
    assert second == directory
    for model, count in counts.items():
        assert model.objects.count() == count
    assert Agency.objects.get(code="cbp").name == "U.S. Customs and Border Protection"
    assert Agency.objects.get(code="cbp").pk == cbp.pk


def test_load_directory_command(db):
    out = StringIO()
    call_command("load_directory", stdout=out)
    call_command("load_directory", stdout=out)
    assert "Directory loaded" in out.getvalue()
    assert Agency.objects.filter(code="dhs").count() == 1


def test_directory_stale_command(directory):
    out = StringIO()
    call_command("directory_stale", "--days", "100000", stdout=out)
    assert out.getvalue().strip() == "none"
    Agency.objects.filter(code="cbp").update(verified_on=datetime.date(2000, 1, 1))
    out = StringIO()
    call_command("directory_stale", stdout=out)
    assert "agency\tcbp\t2000-01-01" in out.getvalue()


def test_plan_command_json(directory):
    out = StringIO()
    call_command(
        "plan",
        "--situation",
        "us-border-face-match",
        "--nationality",
        "MX",
        "--us-status",
        "none",
        "--json",
        stdout=out,
    )
    items = json.loads(out.getvalue())
    assert {(i["regime"], i["request_type"], i["agency"]) for i in items} == {
        ("us-foia", "access", "cbp"),
        ("us-foia", "access", "obim"),
        ("us-dhs-trip", "redress", "dhs-trip"),
    }
    for item in items:
        for key in ("why", "citation", "record_system", "channel", "caveat", "status"):
            assert key in item


def test_plan_command_readable():
    out = StringIO()
    call_command("plan", "--situation", "mx-curp-biometrics", "--nationality", "mx", stdout=out)
    assert "mx-arco" in out.getvalue()
    assert "not legal advice" in out.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["--situation", "nope", "--nationality", "MX"],
        ["--situation", "us-border-face-match", "--nationality", "QQ"],
        ["--situation", "us-border-face-match", "--nationality", "MX", "--us-status", "x"],
        ["--situation", "us-border-face-match", "--nationality", "MX", "--residence", "1"],
    ],
)
def test_plan_command_errors_exit_2(args, capsys):
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("plan", *args, stderr=err)
    assert exc.value.code == 2
    assert "Error:" in err.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/directory/agency/",
        "/admin/directory/agency/?status__exact=unconfirmed&country=US",
        "/admin/directory/agency/?q=border",
        "/admin/directory/recordsystem/",
        "/admin/directory/channel/?kind__exact=postal",
        "/admin/directory/regime/",
        "/admin/directory/identityrequirement/",
        "/admin/directory/appealroute/",
    ],
)
def test_admin_lists(admin_client, directory, url):
    assert admin_client.get(url).status_code == 200


def test_admin_change_page(admin_client, directory):
    agency = Agency.objects.get(code="cbp")
    response = admin_client.get(f"/admin/directory/agency/{agency.pk}/change/")
    assert response.status_code == 200
    assert "securerelease" in response.content.decode()
