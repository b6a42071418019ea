"""Every PDF dsar makes is accessible: tagged, its language set, its title shown, its fonts
embedded, its first heading an H1 and its table headers scoped (checked with pikepdf)."""

import io

import pikepdf
import pytest

from dsar.letters import registry, services
from tests.letters.factories import proceeding_for, sample_inputs

VARIANTS = [(spec, lang) for spec in registry.LETTERS for lang in spec.languages]


def _structure_elements(pdf: pikepdf.Pdf):
    """Every structure element of the tag tree, in reading order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def _role(pdf: pikepdf.Pdf, element) -> str:
    role = str(element.S)
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap")
    if role_map is not None and role in role_map:
        return str(role_map[role])
    return role


def _scope(element) -> str:
    attributes = element.get("/A")
    if attributes is None:
        return ""
    for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(attribute, pikepdf.Dictionary) and "/Scope" in attribute:
            return str(attribute.Scope)
    return ""


def assert_accessible_pdf(document, language: str, *, expects_tables: bool = False) -> None:
    """``document`` is stored encrypted on disk: check its decrypted content."""
    with pikepdf.open(io.BytesIO(document.read_content())) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True, "not tagged"
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == language
        assert str(pdf.docinfo.get("/Title", "")).strip(), "no title"
        assert root.ViewerPreferences.DisplayDocTitle is True, "title not shown"
        for page in pdf.pages:
            fonts = page.Resources.get("/Font", {})
            for font in fonts.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (
                    descendants[0].FontDescriptor if descendants else font.get("/FontDescriptor")
                )
                assert descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ), f"font {font.get('/BaseFont')} not embedded"
        roles = [(element, _role(pdf, element)) for element in _structure_elements(pdf)]
        headings = [role for _e, role in roles if role in {"/H1", "/H2", "/H3", "/H4"}]
        assert headings and headings[0] == "/H1", f"first heading is {headings[:1]}"
        header_cells = [element for element, role in roles if role == "/TH"]
        if expects_tables:
            assert header_cells
        for cell in header_cells:
            assert _scope(cell) in {"/Row", "/Column", "/Both"}, "table header without scope"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spec", "lang"), VARIANTS, ids=[f"{s.code}.{lang}" for s, lang in VARIANTS]
)
def test_every_letter_pdf_is_accessible(spec, lang, user):
    proceeding = proceeding_for(spec, user)
    letter_request = services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code=spec.code,
        language=lang,
        inputs=sample_inputs(spec),
    )
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "ready", letter_request.error
    assert_accessible_pdf(
        letter_request.document,
        lang,
        expects_tables="signing_location" in spec.fields,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_case_report_pdf_is_accessible(lang, user):
    proceeding = proceeding_for(registry.letter_spec("foia-access"), user)
    letter_request = services.case_report_request(user=user, case=proceeding.case, language=lang)
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "ready", letter_request.error
    assert_accessible_pdf(letter_request.document, lang, expects_tables=True)
