"""The engine's English explanation data, shown in the reader's language."""

from django.utils import translation

from dsar.deadlines.rules import MX_LATE, RULES
from dsar.rules.presentation import consequence_text, starts_on_text, total_text


def test_arco_and_habeas_data_consequences_are_english_in_english_and_spanish_in_spanish():
    explanation = {"rule": "mx-arco-response", "consequence": {"text": MX_LATE.text}}
    with translation.override("en"):
        english = consequence_text(code="mx-arco-response", explanation=explanation)
    with translation.override("es"):
        spanish = consequence_text(code="mx-arco-response", explanation=explanation)
    assert english.startswith("The controller did not answer in time")
    assert "recurso de revisión" in spanish and spanish.startswith("El responsable")
    with translation.override("en"):
        colombia = consequence_text(
            code="co-habeas-data-consulta",
            explanation={"rule": "co-habeas-data-consulta", "consequence": {"text": "x"}},
        )
    assert colombia.startswith("The controller did not answer in time")


def test_every_rule_with_a_consequence_has_a_translation():
    from dsar.rules.presentation import CONSEQUENCES

    assert {code for code, rule in RULES.items() if rule.consequence} <= set(CONSEQUENCES)


def test_how_it_was_computed_reads_in_spanish():
    with translation.override("es"):
        assert total_text({"unit": "business", "count": 20, "extension": 10}) == ("30 días hábiles")
        assert starts_on_text("receipt by the proper component") == (
            "la recepción por el componente competente"
        )
        assert starts_on_text("recepción de la solicitud") == "la recepción de la solicitud"
    with translation.override("en"):
        assert starts_on_text("recepción de la solicitud") == "receipt of the request"
        assert total_text({"unit": "month", "count": 1, "extension": 0}) == "1 month"


def test_unknown_rule_text_falls_back_to_the_stored_text():
    assert consequence_text(code="zz", explanation={"consequence": {"text": "Stored."}}) == (
        "Stored."
    )


def test_calculator_menu_shows_readable_rule_names_in_the_users_language():
    from dsar.rules.forms import CalculatorForm

    with translation.override("en"):
        labels = dict(CalculatorForm().fields["clock"].choices)
    assert labels["us-foia-response"].startswith("FOIA response due (")
    assert not any(code in label for code, label in labels.items())
    with translation.override("es"):
        labels = dict(CalculatorForm().fields["clock"].choices)
    assert labels["us-foia-response"].startswith("Vence la respuesta FOIA (")
