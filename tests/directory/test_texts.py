"""The directory's prose in Spanish: complete, faithful to every number, address and citation,
and shown on the pages in the reader's language."""

import re
from html import unescape

import pytest

from dsar.directory.services import directory_read
from dsar.directory.texts import catalogue, directory_texts, translate

# What a translation must carry over unchanged: numbers (days, sections, form numbers), URLs,
# e-mail addresses and the acronyms of agencies, systems and forms.
_KEPT = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d+|\b[A-Z]{2,}[A-Z0-9-]*\b")


# Abbreviations Spanish has its own words for (EE. UU., Reino Unido, UE, identificación).
_TRANSLATED = {"US", "USA", "UK", "EU", "ID"}


def _kept(text: str) -> list[str]:
    found = (m.group(0).rstrip(".,;:)") for m in _KEPT.finditer(text))
    return sorted(token for token in found if token not in _TRANSLATED)


def test_every_directory_text_has_a_spanish_translation_and_none_is_stale():
    texts = directory_texts(directory_read())
    spanish = catalogue("es")
    missing = [t for t in texts if not spanish.get(t, "").strip()]
    assert missing == [], f"{len(missing)} directory texts without Spanish: {missing[:3]}"
    stale = sorted(set(spanish) - set(texts))
    assert stale == [], f"translations of texts the directory no longer has: {stale[:3]}"


@pytest.mark.parametrize("english", directory_texts(directory_read()))
def test_a_translation_keeps_every_number_address_and_acronym(english):
    spanish = catalogue("es")[english]
    assert set(_kept(english)) <= set(_kept(spanish)), (english, spanish)


def test_translate_falls_back_to_none_and_keeps_english_as_is():
    assert translate("Not in the directory.", "es") is None
    assert translate("Not in the directory.", "en") == "Not in the directory."
    some = directory_texts(directory_read())[0]
    assert translate(some, "es-mx") == catalogue("es")[some]


def _visible(body: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_agency_pages_show_the_directory_prose_in_the_readers_language(client, directory):
    from dsar.directory.models import Agency

    cbp = Agency.objects.get(code="cbp")
    spanish = catalogue("es")[cbp.description]
    body = client.get("/directory/agencies/cbp/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert spanish in _visible(body)
    assert cbp.description not in _visible(body)
    # Only the sources (in each fact's status line) stay in their language, marked as such.
    prose = re.sub(r'<p class="fact-meta.*?</p>', "", body, flags=re.S)
    prose = re.sub(r"<select.*?</select>", "", prose, flags=re.S)  # the language switcher
    assert 'lang="en"' not in prose
    english = client.get("/directory/agencies/cbp/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert cbp.description in _visible(english) and spanish not in _visible(english)


def test_a_text_without_translation_is_shown_in_english_and_marked(client, directory):
    from dsar.directory.models import Agency

    Agency.objects.filter(code="cbp").update(description="A fact added after the catalogue.")
    body = client.get("/directory/agencies/cbp/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<span lang="en">A fact added after the catalogue.</span>' in body
