from django import template
from django.utils.translation import get_language

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
