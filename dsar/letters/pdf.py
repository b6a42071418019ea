"""HTML → tagged PDF with WeasyPrint, fetching nothing but the project's own static files.

WeasyPrint is imported lazily: it is slow to import and only the render worker needs it.
"""

import functools
import logging
import mimetypes
from pathlib import Path
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

STATIC_SCHEME = "dsar-static:"

# The per-step progress log is noise in worker logs; warnings (refused URLs) still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def static_dirs() -> list[Path]:
    dirs = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        dirs.append(Path(settings.STATIC_ROOT).resolve())
    return dirs


def static_path(url: str) -> Path:
    """The file a letter's URL points to, if it is one of the project's static files;
    ``ValueError`` for anything else (network, data: URLs, other files)."""
    if url.startswith(STATIC_SCHEME):
        try:
            found = finders.find(url[len(STATIC_SCHEME) :].lstrip("/"))
        except SuspiciousFileOperation as exc:
            raise ValueError(f"Refused to fetch {url!r}: outside the static files") from exc
        path = Path(found).resolve() if found else None
    elif url.startswith("file:"):
        path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
    else:
        raise ValueError(f"Refused to fetch {url!r}: only the project's static files")
    if path is None or not any(path.is_relative_to(d) for d in static_dirs()):
        raise ValueError(f"Refused to fetch {url!r}: not a static file")
    if not path.is_file():
        raise ValueError(f"No such static file: {url!r}")
    return path


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def static_only_fetcher():
    return _fetcher_class()()


def html_to_pdf(html: str) -> bytes:
    """Title, author and language come from the HTML's <title>, <meta name=author> and
    <html lang>; PDF/UA-1 makes the output tagged and accessible."""
    from weasyprint import HTML

    base = (Path(settings.BASE_DIR) / "dsar" / "static").resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=static_only_fetcher())
    return scope_table_headers(document.write_pdf(pdf_variant="pdf/ua-1"))


def scope_table_headers(pdf_bytes: bytes) -> bytes:
    """Give every table header cell of the tag tree its scope (PDF/UA 7.5): a header in a
    table's head row labels a column, any other labels its row. WeasyPrint tags TH cells but
    does not carry the HTML ``scope`` attribute into the PDF."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf_bytes
        changed = False
        stack = [tree.get("/K")]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            if node.S == "/TH":
                row = node.get("/P")
                section = row.get("/P") if row is not None else None
                in_head = section is not None and section.get("/S") == "/THead"
                scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
                attributes = node.get("/A")
                if isinstance(attributes, pikepdf.Dictionary):
                    attributes.Scope = scope
                else:
                    node.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
                changed = True
            stack.append(node.get("/K"))
        if not changed:
            return pdf_bytes
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
