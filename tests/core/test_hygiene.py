"""House rules checked over the whole code base: stable orderings, self-contained migrations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("core", "schools", "devices", "funding", "mediaplans", "imports")


def _our_models():
    for label in OUR_APPS:
        yield from apps.get_app_config(label).get_models()


def _ends_in_unique_field(model) -> bool:
    ordering = list(model._meta.ordering)
    if not ordering or not isinstance(ordering[-1], str):
        return False
    name = ordering[-1].lstrip("-")
    if name == "pk":
        return True
    if "__" in name:
        return False
    field = model._meta.get_field(name)
    return bool(field.primary_key or field.unique)


@pytest.mark.parametrize("model", list(_our_models()), ids=lambda m: m._meta.label)
def test_every_model_has_a_stable_default_ordering(model):
    """Paginated pages (UI and API) must never repeat or skip rows: the order is total."""
    assert _ends_in_unique_field(model), (
        f"{model._meta.label}.Meta.ordering = {list(model._meta.ordering)!r} must be set and "
        "end in a unique field (e.g. [..., '-id'] or ['pk'])"
    )


def test_the_ordering_check_refuses_what_it_should():
    from funding.models import ProofOfUse

    class Fake:
        class _meta:  # noqa: N801 - mimics Model._meta
            ordering: list = []
            get_field = ProofOfUse._meta.get_field

    for ordering, ok in (
        ([], False),
        (["-created_at"], False),
        (["school_board"], False),
        (["application__number"], False),
        (["-created_at", "-id"], True),
        (["pk"], True),
    ):
        Fake._meta.ordering = ordering
        assert _ends_in_unique_field(Fake) is ok, ordering


# --- migrations -------------------------------------------------------------------------


def _imports_of_our_apps(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else ["<relative>"]
        else:
            continue
        for name in names:
            if name == "<relative>" or name.split(".")[0] in OUR_APPS:
                found.append((node.lineno, name))
    return found


def _only_callable_defaults(tree: ast.Module, module: str) -> bool:
    """`import funding.models` used only as `default=funding.models.some_callable` or in
    `validators=[funding.models.some_validator]`.

    makemigrations writes such references for callable field defaults and validators;
    Django needs them importable, and they hold no data. Anything else is refused.
    """
    if module.count(".") != 1 or not module.endswith(".models"):
        return False
    app = module.split(".")[0]
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "default":
            allowed.add(id(node.value))
        if isinstance(node, ast.keyword) and node.arg == "validators":
            allowed.update(id(v) for v in getattr(node.value, "elts", []))
    for node in ast.walk(tree):
        is_use = (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == app
        )
        if is_use and id(node) not in allowed:
            return False
    return True


def _violations(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of our apps' code a migration may not make."""
    tree = ast.parse(source)
    runs_code = any(
        isinstance(n, ast.Attribute) and n.attr in ("RunPython", "RunSQL") for n in ast.walk(tree)
    )
    return [
        (lineno, module)
        for lineno, module in _imports_of_our_apps(tree)
        if runs_code or not _only_callable_defaults(tree, module)
    ]


def test_migrations_do_not_import_live_app_code():
    """A migration carries its own data and uses apps.get_model, so it still runs when the
    app's code has moved on (the live code may no longer match that point in history)."""
    files = sorted(ROOT.glob("*/migrations/0*.py"))
    assert len(files) >= len(OUR_APPS)
    problems = [
        f"{f.relative_to(ROOT)}:{lineno} imports {module}"
        for f in files
        for lineno, module in _violations(f.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from mediaplans.choices import KMK_AREAS\n", True),
        ("import devices.services\n", True),
        ("from funding import rules\n", True),
        ("from .helpers import DATA\n", True),
        ("import funding.models\nx = funding.models.default_categories()\n", True),
        (
            "import funding.models\nfrom django.db import migrations\n"
            "ops = [migrations.RunPython(funding.models.seed)]\n",
            True,
        ),
        ("import funding.models\nf = Field(default=funding.models.default_categories)\n", False),
        ("from django.db import migrations\nimport simple_history.models\n", False),
        ("from django.db import migrations\nM = apps.get_model('funding', 'Budget')\n", False),
    ],
)
def test_the_migration_check_catches_imports(source, bad):
    assert bool(_violations(source)) is bad, source
