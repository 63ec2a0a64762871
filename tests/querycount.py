"""Query-count checks: a page's number of queries must not grow with its rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = func()
    status = getattr(response, "status_code", 200)
    assert status == 200, f"expected 200, got {status}"
    return len(ctx.captured_queries)


def assert_constant_queries(
    fetch: Callable[[], object], add_rows: Callable[[int], None], *, small: int = 2, large: int = 12
) -> tuple[int, int]:
    """fetch() the page with `small` rows, then with `large` more; the counts must be equal."""
    add_rows(small)
    fetch()  # warm caches (content types, sessions)
    few = count_queries(fetch)
    add_rows(large)
    many = count_queries(fetch)
    assert many == few, f"query count grows with rows: {few} → {many}"
    return few, many
