"""Planner outcomes for every situation and US status, checked by hand against the legal-rules
fact table (P-1 Privacy Act only for citizens and LPRs; U-1 FOIA for any person; T-1/T-2 DHS
TRIP for anyone; J-1/J-2 Judicial Redress Act; E-1 EES; CA-1 Canada)."""

import pytest
from django.test import override_settings

from dsar.directory.planner import (
    REQUEST_TYPES,
    PlannerInputError,
    plan,
    planner_data,
    situations,
)
from dsar.directory.services import directory_read

STATUSES = ("citizen", "lpr", "none")

FACE = {("us-foia", "access", "cbp"), ("us-foia", "access", "obim")}
FACE |= {("us-dhs-trip", "redress", "dhs-trip")}
WATCH = {("us-dhs-trip", "redress", "dhs-trip"), ("us-foia", "access", "tsa")}
ESTA = {
    ("us-foia", "access", "cbp"),
    ("us-dhs-trip", "redress", "dhs-trip"),
    ("us-foia", "access", "state"),
}
AFILE = {("us-foia", "access", "uscis"), ("us-foia", "access", "obim")}
ICE = {("us-foia", "access", "ice"), ("us-foia", "access", "obim")}
FBI = {
    ("us-fbi-idhs", "access", "fbi-cjis"),
    ("us-fbi-idhs", "challenge", "fbi-cjis"),
    ("us-foia", "access", "fbi-cjis"),
}
EES = {
    ("eu-ees", "access", "eu-ees-authority"),
    ("eu-ees", "amendment", "eu-ees-authority"),
    ("eu-gdpr", "automated-decision", "eu-ees-authority"),
}
ETA = {("uk-gdpr", "access", "uk-home-office"), ("uk-gdpr", "automated-decision", "uk-home-office")}
CURP = {
    ("mx-arco", "access", "renapo"),
    ("mx-arco", "amendment", "renapo"),
    ("mx-arco", "challenge", "renapo"),
}
CO = {
    ("co-habeas-data", "access", "migracion-colombia"),
    ("co-habeas-data", "access", "registraduria"),
    ("co-habeas-data", "challenge", "migracion-colombia"),
    # FOIA is open to any person (552(a)(3)): the biometrics shared with DHS are at OBIM.
    ("us-foia", "access", "obim"),
}
CA = {("ca-privacy-act", "access", "ircc"), ("ca-privacy-act", "access", "cbsa")}

# (situation, us_status) -> expected routes for a Mexican national living in Mexico.
EXPECTED = {}
for status in STATUSES:
    us_person = status in ("citizen", "lpr")
    EXPECTED[("us-border-face-match", status)] = FACE | (
        {("us-privacy-act", "amendment", "obim")} if us_person else set()
    )
    EXPECTED[("us-watchlist-screening", status)] = WATCH | (
        {("us-privacy-act", "access", "tsa")} if us_person else set()
    )
    EXPECTED[("us-visa-esta-denial", status)] = ESTA
    EXPECTED[("us-immigration-file", status)] = AFILE | (
        {("us-privacy-act", "amendment", "uscis")} if us_person else set()
    )
    EXPECTED[("us-ice-encounter", status)] = ICE | (
        {("us-privacy-act", "amendment", "ice")} if us_person else set()
    )
    EXPECTED[("us-criminal-history-fingerprints", status)] = FBI | (
        {("us-privacy-act", "access", "fbi-cjis")} if us_person else set()
    )
    EXPECTED[("eu-border-ees", status)] = EES
    EXPECTED[("uk-eta-refusal", status)] = ETA
    EXPECTED[("mx-curp-biometrics", status)] = CURP
    EXPECTED[("co-biometric-sharing", status)] = CO
    EXPECTED[("ca-immigration-biometrics", status)] = set()


def routes(proposals):
    return {(p.regime, p.request_type, p.agency) for p in proposals}


def test_every_situation_is_covered_by_the_expectations():
    assert {situation for situation, _ in EXPECTED} == set(situations())
    for code in (
        "us-border-face-match",
        "us-watchlist-screening",
        "us-visa-esta-denial",
        "us-immigration-file",
        "us-ice-encounter",
        "us-criminal-history-fingerprints",
        "eu-border-ees",
        "uk-eta-refusal",
        "mx-curp-biometrics",
        "co-biometric-sharing",
    ):
        assert code in situations()


@pytest.mark.parametrize(("situation", "us_status"), sorted(EXPECTED))
def test_plan_matrix(situation, us_status):
    proposals = plan(situation, "MX", us_status, "MX")
    assert routes(proposals) == EXPECTED[(situation, us_status)]
    for p in proposals:
        assert p.why and p.citation
        assert p.request_type in REQUEST_TYPES
        assert p.status in ("verified", "secondary", "unconfirmed")
    regimes = {p.regime for p in proposals}
    if us_status == "none":
        assert "us-privacy-act" not in regimes
    if situation.startswith("us-"):
        assert "us-foia" in regimes
    if situation in ("us-border-face-match", "us-watchlist-screening", "us-visa-esta-denial"):
        assert "us-dhs-trip" in regimes
    assert "us-judicial-redress" not in regimes  # Mexico is not a covered country


def test_privacy_act_never_proposed_to_foreign_nationals():
    for situation in situations():
        for nationality in ("MX", "DE", "GB", "CO", "CA"):
            regimes = {p.regime for p in plan(situation, nationality, "none", nationality)}
            assert "us-privacy-act" not in regimes


def test_judicial_redress_only_for_covered_countries_and_shown_unconfirmed():
    german = plan("us-criminal-history-fingerprints", "DE", "none")
    jra = [p for p in german if p.regime == "us-judicial-redress"]
    assert len(jra) == 1
    assert jra[0].status == "unconfirmed"
    assert "transferred" in jra[0].caveat
    assert routes(german) == FBI | {("us-judicial-redress", "access", "fbi-cjis")}
    # Citizens and LPRs use the Privacy Act itself.
    assert "us-judicial-redress" not in {
        p.regime for p in plan("us-criminal-history-fingerprints", "DE", "citizen")
    }
    # Border data collected directly by DHS is not covered.
    assert "us-judicial-redress" not in {p.regime for p in plan("us-border-face-match", "DE")}
    assert planner_data()["lists"]["judicial_redress_covered"]["status"] == "unconfirmed"


@override_settings(DIRECTORY_JUDICIAL_REDRESS_COUNTRIES=["MX"])
def test_judicial_redress_list_is_configurable():
    assert "us-judicial-redress" in {
        p.regime for p in plan("us-criminal-history-fingerprints", "MX", "none")
    }
    assert "us-judicial-redress" not in {
        p.regime for p in plan("us-criminal-history-fingerprints", "DE", "none")
    }


def test_ees_not_proposed_to_eu_nationals_who_are_told_what_applies_instead():
    gdpr = {("eu-gdpr", "access", "eu-ees-authority")}
    for nationality in ("DE", "NO", "CH"):
        proposals = plan("eu-border-ees", nationality, "none")
        assert routes(proposals) == gdpr
        assert "not registered in the Entry/Exit System" in proposals[0].why
    assert routes(plan("eu-border-ees", "US", "citizen")) == EES


def test_a_colombian_in_colombia_gets_foia_to_obim_and_dhs_trip_once_screened():
    # U-1: FOIA for any person; T-1/T-2: DHS TRIP for anyone screened travelling to the US.
    plain = routes(plan("co-biometric-sharing", "CO", "none", "CO", present_in="CO"))
    assert ("us-foia", "access", "obim") in plain
    assert ("us-dhs-trip", "redress", "dhs-trip") not in plain
    screened = routes(plan("co-biometric-sharing", "CO", "none", "CO", screened_us=True))
    assert ("us-dhs-trip", "redress", "dhs-trip") in screened
    assert ("co-habeas-data", "access", "migracion-colombia") in screened


def test_uk_eta_not_proposed_to_british_or_irish_citizens():
    assert plan("uk-eta-refusal", "GB") == []
    assert plan("uk-eta-refusal", "IE") == []


def test_canada_privacy_act_only_for_citizens_or_people_in_canada():
    # CA-1: presence in Canada counts (Extension Order No. 2), not residence.
    assert plan("ca-immigration-biometrics", "MX", "none", "MX") == []
    assert plan("ca-immigration-biometrics", "MX", "none", "CA", present_in="MX") == []
    assert routes(plan("ca-immigration-biometrics", "MX", "none", "MX", present_in="CA")) == CA
    assert routes(plan("ca-immigration-biometrics", "CA", "none", "US")) == CA


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "MX", "none"), "situation"),
        (("us-border-face-match", "XX", "none"), "nationality"),
        (("us-border-face-match", "MEX", "none"), "nationality"),
        (("us-border-face-match", "MX", "green"), "US status"),
        (("us-border-face-match", "MX", "none", "ZZ"), "residence"),
        (("us-border-face-match", "MX", "none", "MX", "ZZ"), "where the person is now"),
    ],
)
def test_unknown_inputs_are_refused(args, message):
    with pytest.raises(PlannerInputError, match=message):
        plan(*args)


def test_inputs_are_normalised():
    assert routes(plan("us-border-face-match", " mx ", "NONE", "us")) == FACE


def test_planner_data_refers_to_directory_entries():
    directory = directory_read()
    regimes = {r["code"] for r in directory["regimes"]}
    agencies = {a["code"] for a in directory["agencies"]}
    systems = {s["code"]: s["agency"] for s in directory["record_systems"]}
    channels = {c["code"] for a in directory["agencies"] for c in a.get("channels", [])}
    for code, situation in situations().items():
        assert situation["title"] and situation["title_es"], code
        for route in situation["routes"]:
            assert route["regime"] in regimes, route
            assert route["agency"] in agencies, route
            assert route["request_type"] in REQUEST_TYPES, route
            assert route["status"] in ("verified", "secondary", "unconfirmed"), route
            assert route["citation"] and route["why"], route
            if route.get("record_system"):
                assert route["record_system"] in systems, route
            if route.get("channel"):
                assert route["channel"] in channels, route
            for key in route.get("eligibility") or {}:
                assert key in (
                    "us_status_in",
                    "nationality_in",
                    "nationality_not_in",
                    "nationality_or_residence_in",
                    "nationality_or_present_in",
                    "screened_travelling_to_us",
                ), route


def test_country_lists_are_strings():
    # YAML reads a bare NO (Norway) as a boolean: every code must be a two-letter string.
    for name, data in planner_data()["lists"].items():
        assert all(isinstance(code, str) and len(code) == 2 for code in data["countries"]), name


def test_every_route_has_spanish_text():
    from dsar.directory.planner import planner_texts_es

    texts = planner_texts_es()
    for code, situation in situations().items():
        keys = {f"{r['regime']}/{r['request_type']}/{r['agency']}" for r in situation["routes"]}
        assert set(texts.get(code, {})) == keys, code
        for route in situation["routes"]:
            es = texts[code][f"{route['regime']}/{route['request_type']}/{route['agency']}"]
            assert es["why"], (code, route["regime"])
            assert bool(es.get("caveat")) == bool(route.get("caveat")), (code, route["regime"])


def test_localized_text():
    proposal = plan("us-border-face-match", "MX")[0]
    assert proposal.localized("es")[0].startswith("CBP opera")
    assert proposal.localized("en")[0].startswith("CBP runs")
