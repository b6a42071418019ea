from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language

from dsar.directory.texts import translate

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The Spanish name when the active language is Spanish and one is recorded."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("es") and getattr(obj, "name_es", ""):
        return obj.name_es
    return getattr(obj, "name", str(obj))


@register.filter
def is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


@register.filter
def local_label(obj) -> str:
    """'CBP — Oficina de Aduanas…': an agency or system with its abbreviation, in the active
    language."""
    if obj is None:
        return ""
    name = local_name(obj)
    abbreviation = getattr(obj, "abbreviation", "")
    return f"{abbreviation} — {name}" if abbreviation and abbreviation != name else name


@register.filter
def dir_text(value) -> str:
    """A directory fact's prose in the active language; marked ``lang="en"`` when the catalogue
    has no translation of it yet."""
    if not value:
        return ""
    translated = translate(str(value), get_language() or "en")
    if translated is None:
        return format_html('<span lang="en">{}</span>', value)
    return conditional_escape(translated)
