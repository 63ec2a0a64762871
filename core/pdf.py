"""The one way to make a PDF: data → Django template (HTML/CSS) → WeasyPrint.

Documents are tagged (PDF/UA-1 by default), carry lang and title, embed the
KERN fonts (Fira Sans), and may only load files from our static folders or
data: URIs — never the network (allow-list URL fetcher).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pikepdf
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
    return finish_structure(document.write_pdf(**options), archive=variant == PDF_VARIANT_ARCHIVE)


# ------------------------------------------------------------------ structure repairs
# WeasyPrint 70 writes a good tagged PDF with four gaps that PDF/UA and PDF/A validators (and
# screen readers) notice; they are repaired here, after rendering, in one pass over the file:
# 1. running headers/footers (@page margin boxes) are marked content with MCIDs whose
#    structure elements are not linked into the tree: they become /Artifact (Pagination);
# 2. <th> cells carry no /Scope: header-row cells get /Column, the others /Row (our templates
#    use <thead> for column headers and a leading <th scope="row"> for row headers);
# 3. the archive variant lists each embedded file twice in the catalogue's /AF;
# 4. the archive variant (PDF/A-3b) lacks the PDF/UA identification (pdfuaid:part) that the
#    normal variant has: both now carry one XMP packet with pdfuaid, and the archive variant
#    adds pdfaid part/conformance and the extension schema PDF/A requires for pdfuaid.

_XMP_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}

# PDF/A allows only its predefined XMP schemas unless others are described: pdfuaid is not one
_PDFUA_EXTENSION_SCHEMA = """<rdf:Description rdf:about=""><pdfaExtension:schemas><rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _pdf_date_to_iso(value: str) -> str:
    """D:20261203142426Z / D:20261203142426+01'00' → 2026-12-03T14:24:26Z / +01:00."""
    raw = value[2:] if value.startswith("D:") else value
    stamp = f"{raw[0:4]}-{raw[4:6]}-{raw[6:8]}T{raw[8:10]}:{raw[10:12]}:{raw[12:14]}"
    zone = raw[14:].replace("'", "")
    if zone in ("", "Z"):
        return stamp + "Z"
    return f"{stamp}{zone[:3]}:{zone[3:5] or '00'}"


def _xmp_packet(info: dict[str, str], *, archive: bool) -> bytes:
    """One XMP packet that agrees with the document information dictionary (PDF/A 6.6.2)."""
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in _XMP_NS.items() if k != "x")
    ids = '<rdf:Description rdf:about="" pdfuaid:part="1"'
    if archive:
        ids += ' pdfaid:part="3" pdfaid:conformance="B"'
    parts = [ids + "/>"]
    props = []
    if info.get("/Title"):
        props.append(
            '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{_xml_escape(info['/Title'])}</rdf:li></rdf:Alt></dc:title>"
        )
    if info.get("/Author"):
        props.append(
            f"<dc:creator><rdf:Seq><rdf:li>{_xml_escape(info['/Author'])}</rdf:li></rdf:Seq>"
            "</dc:creator>"
        )
    simple = {
        "/Creator": "xmp:CreatorTool",
        "/Producer": "pdf:Producer",
        "/CreationDate": "xmp:CreateDate",
        "/ModDate": "xmp:ModifyDate",
    }
    for key, tag in simple.items():
        if info.get(key):
            value = info[key]
            if key.endswith("Date"):
                value = _pdf_date_to_iso(value)
            props.append(f"<{tag}>{_xml_escape(value)}</{tag}>")
    parts.append('<rdf:Description rdf:about="">' + "".join(props) + "</rdf:Description>")
    if archive:
        parts.append(_PDFUA_EXTENSION_SCHEMA)
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF {ns}>'
        + "\n".join(parts)
        + '</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


def _scope(cell) -> None:
    """A header cell's /Scope: Column in the table head, Row elsewhere."""
    in_head = cell.get("/P", {}).get("/P", {}).get("/S") == "/THead"
    scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
    attrs = cell.get("/A")
    if isinstance(attrs, pikepdf.Dictionary) and attrs.get("/O") == "/Table":
        attrs.Scope = scope
    else:
        cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)


def _walk_tree(root) -> set:
    """objgen of every structure element reachable from the StructTreeRoot; scopes the THs."""
    seen: set = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
            if node.S == "/TH":
                _scope(node)
            stack.append(node.get("/K"))
    return seen


def _artifact_mcids(page, parent_tree: dict, linked: set) -> set[int]:
    """MCIDs on `page` whose structure element is not part of the tree (margin boxes)."""
    index = page.get("/StructParents")
    elements = parent_tree.get(int(index)) if index is not None else None
    if elements is None:
        return set()
    orphans = set()
    for mcid, element in enumerate(elements):
        if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked:
            orphans.add(mcid)
            elements[mcid] = pikepdf.Object.parse(b"null")
    return orphans


# a tagged content item as pydyf writes it: "/Span\n<</MCID 17>>\nBDC" (text is hex-encoded, so
# this pattern cannot occur inside a string); matching bytes is ~20x faster than parsing
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _mark_artifacts(pdf, page, mcids: set[int]) -> None:
    """Turn the marked content with these MCIDs into pagination artifacts."""
    if not mcids:
        return

    def swap(match: re.Match) -> bytes:
        return _ARTIFACT if int(match.group(1)) in mcids else match.group(0)

    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)
    page.obj.Contents = pdf.make_stream(_MARKED.sub(swap, data))


def _parent_tree(root) -> dict:
    nums = root.get("/ParentTree", {}).get("/Nums", [])
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}


def finish_structure(data: bytes, *, archive: bool) -> bytes:
    """Repair what WeasyPrint leaves open (see above); returns the PDF's new bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            linked = _walk_tree(root)
            parent_tree = _parent_tree(root)
            for page in pdf.pages:
                _mark_artifacts(pdf, page, _artifact_mcids(page, parent_tree, linked))
        if "/AF" in pdf.Root:
            unique = {f.objgen: f for f in pdf.Root.AF}
            pdf.Root.AF = pikepdf.Array(list(unique.values()))
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        metadata = pikepdf.Stream(pdf, _xmp_packet(info, archive=archive))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        pdf.Root.Metadata = pdf.make_indirect(metadata)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, compress_streams=True)
        return out.getvalue()


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
