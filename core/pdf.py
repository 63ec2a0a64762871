"""The one way to make a PDF: data → Django template (HTML/CSS) → WeasyPrint.

Documents are tagged (PDF/UA-1 by default), carry lang and title, embed the
KERN fonts (Fira Sans), and may only load files from our static folders or
data: URIs — never the network (allow-list URL fetcher).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

PDF_VARIANT_UA = "pdf/ua-1"
PDF_VARIANT_ARCHIVE = "pdf/a-3b"


def _allowed_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class AllowListFetcher(URLFetcher):
    """Serves `static:` names and file:// paths inside our static folders; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, timeout=2)

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme != "file":
            raise ValueError(f"PDF resource refused (not allow-listed): {url}")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in _allowed_roots()):
            raise ValueError(f"PDF resource refused (outside static): {url}")
        return super().fetch(url, headers)


def static_file_url(name: str) -> str:
    """file:// URL of a static file, for use inside PDF templates ({% pdf_static %})."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found).resolve().as_uri()


@dataclass(frozen=True)
class PdfAttachment:
    filename: str
    content: bytes
    description: str = ""
    relationship: str = "Data"


def render_pdf(
    template_name: str,
    context: dict,
    *,
    title: str,
    lang: str = "de",
    variant: str = PDF_VARIANT_UA,
    attachments: list[PdfAttachment] | None = None,
) -> bytes:
    """Render `template_name` (extending pdf/base.html) to a tagged PDF and return its bytes.

    Documents are addressed to German authorities and contract partners, so they render in
    `lang` ("de") whatever the UI language (docs/decisions.md, "Both languages").
    """
    ctx = {
        "pdf_title": title,
        "pdf_lang": lang,
        "generated_at": timezone.localtime(),
        **context,
    }
    with translation.override(lang):
        html = render_to_string(template_name, ctx)
    document = HTML(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=AllowListFetcher()
    )
    options = {
        "pdf_variant": variant,
        "pdf_tags": True,
        "custom_metadata": True,
        "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    }
    if attachments:
        options["attachments"] = [
            Attachment(
                string=a.content,
                name=a.filename,
                description=a.description,
                relationship=a.relationship,
            )
            for a in attachments
        ]
    return document.write_pdf(**options)


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def data_fingerprint(data: object) -> str:
    """SHA-256 of a document's data (canonical JSON), printed on documents for integrity."""
    payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF (tests read documents back with this)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_properties(pdf: bytes) -> dict:
    """Accessibility facts of a PDF: tagged (StructTreeRoot + MarkInfo), lang, title, fonts."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")))
    metadata = reader.metadata or {}
    return {
        "tagged": "/StructTreeRoot" in root and bool(mark_info and mark_info.get("/Marked")),
        "lang": str(root.get("/Lang", "")),
        "title": str(metadata.get("/Title", "")),
        "fonts": fonts,
        "pages": len(reader.pages),
        "attachments": list((reader.attachments or {}).keys()),
    }
