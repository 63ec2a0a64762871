"""Read a PDF's structure back (pikepdf) for tests: what PDF/UA and PDF/A checkers look at."""

from __future__ import annotations

import io

import pikepdf

XMP = {
    "pdfuaid": "{http://www.aiim.org/pdfua/ns/id/}part",
    "pdfaid_part": "{http://www.aiim.org/pdfa/ns/id/}part",
    "pdfaid_conformance": "{http://www.aiim.org/pdfa/ns/id/}conformance",
}


def _walk(node, found: list) -> None:
    if isinstance(node, pikepdf.Array):
        for child in node:
            _walk(child, found)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        found.append(node)
        _walk(node.get("/K"), found)


def _marked_content(pdf) -> tuple[list[int], int]:
    """(MCIDs of tagged content, number of pagination artifacts: running header/footer)."""
    mcids, pagination = [], 0
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != "BDC" or not isinstance(operands[1], pikepdf.Dictionary):
                continue
            if operands[0] == "/Artifact":
                pagination += operands[1].get("/Type") == "/Pagination"
            else:
                mcids.append(int(operands[1].get("/MCID", -1)))
    return mcids, pagination


def structure(data: bytes) -> dict:
    """Facts a structure check asserts, read independently of how the PDF was written."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        tree = root.get("/StructTreeRoot")
        elements: list = []
        if tree is not None:
            _walk(tree.get("/K"), elements)
        linked = {e.objgen for e in elements}
        nums = tree.ParentTree.Nums if tree is not None else []
        parent_entries = [
            x for i in range(1, len(nums), 2) for x in nums[i] if isinstance(x, pikepdf.Dictionary)
        ]
        th = [e for e in elements if e.S == "/TH"]
        af = list(root.get("/AF", []))
        mcids, pagination = _marked_content(pdf)
        with pdf.open_metadata() as meta:
            xmp = {key: meta.get(name) for key, name in XMP.items()}
        return {
            "tagged": tree is not None and bool(root.get("/MarkInfo", {}).get("/Marked")),
            "lang": str(root.get("/Lang", "")),
            "elements": len(elements),
            "orphan_elements": sum(1 for e in parent_entries if e.objgen not in linked),
            "tagged_mcids": len(mcids),
            "pagination_artifacts": pagination,
            "th_total": len(th),
            "th_with_scope": sum(
                1 for e in th if isinstance(e.get("/A"), pikepdf.Dictionary) and "/Scope" in e.A
            ),
            "af": len(af),
            "af_unique": len({f.objgen for f in af}),
            "embedded_files": list(pdf.attachments.keys()),
            "output_intents": [str(oi.get("/S")) for oi in root.get("/OutputIntents", [])],
            "xmp": xmp,
            "metadata_filtered": "/Filter" in root.Metadata if "/Metadata" in root else None,
        }
