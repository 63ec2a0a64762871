"""No ad-hoc status checks outside the workflow tables (issue 10, point 1).

Services, views, API and import code ask the tables of `<app>/workflow.py`
(`WORKFLOW.can(obj, target)`, `WORKFLOW.is_in(obj, "guard")`, `WORKFLOW.ensure(...)`)
instead of comparing a status with literals. This test greps the source for such
comparisons and fails on any that is not on the (tiny, explained) allow-list.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "schools", "mediaplans", "devices", "funding", "imports")

#: files that are not scanned, and why
NOT_SCANNED = {
    "workflow.py": "the status tables and their guards themselves",
    "models.py": "cheap read-only properties of one row (is_editable, is_overdue)",
    "choices.py": "the vocabulary",
    "permissions.py": "read-only predicates for templates, next to the tables they mirror",
    "selectors.py": "read-only page data",
    "documents.py": "read-only document data",
    "querysets.py": "read-only query shapes",
    "filters.py": "read-only list filters",
    "demo.py": "demo seed data, not product behaviour",
}

PATTERN = re.compile(
    r"\.(?:status|tpek_status)\s*(?:==|!=|not\s+in\b|in\b)"
    r"|\bstatus\s*(?:==|!=)\s"
    r"|\bstatus\s+(?:not\s+)?in\s*\("
)

#: (file, code on the line) -> why it may stay
ALLOWED = {
    (
        "devices/rules.py",
        'if status == DeviceStatus.IN_USE and (room is None or room == ""):',
    ): "the row rule 'a device in use needs a room' (issue 10 point 3), not a status step",
    (
        "imports/mdm.py",
        "and device.status not in INACTIVE_STATUSES",
    ): "read-only MDM reconciliation report: which active devices the MDM does not know",
}


def _findings() -> list[tuple[str, int, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or path.name in NOT_SCANNED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if PATTERN.search(code):
                    found.append((rel, number, code.strip()))
    return found


def test_no_ad_hoc_status_checks_outside_the_tables():
    offending = [
        f"{rel}:{number}: {code}" for rel, number, code in _findings() if (rel, code) not in ALLOWED
    ]
    assert not offending, "status compared outside the workflow tables:\n" + "\n".join(offending)


def test_the_allow_list_has_no_stale_entries():
    present = {(rel, code) for rel, _n, code in _findings()}
    stale = [key for key in ALLOWED if key not in present]
    assert not stale, f"remove from ALLOWED (no longer in the source): {stale}"


def test_the_pattern_catches_the_usual_shapes():
    for bad in (
        "if locked.status != LoanStatus.PREPARED:",
        "if app.status not in (S.DRAFT,):",
        "if x.status in (A, B):",
        "if status == DeviceStatus.IN_USE and room is None:",
        "if entry.tpek_status == 'submitted':",
    ):
        assert PATTERN.search(bad), bad
    for fine in ('LOAN.is_in(loan, "open")', "status=ImportStatus.UPLOADED", "to_status=target"):
        assert not PATTERN.search(fine), fine
