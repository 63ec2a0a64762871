"""Backup and restore exactly as the runbook says (docs/operations.md, "Back up and restore").

Back up, wipe database and media, restore, and compare every table's row count
and a document's checksum. A tampered backup is refused before anything is restored.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from tests.ops.helpers import ROOT
from tests.ops.stack import (
    drop_database,
    manage,
    query,
    recreate_database,
    require_stack,
    stack_env,
)

pytestmark = pytest.mark.postgres

DB = "pw_ops_backup"

SEED = """
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django_scopes import scopes_disabled
from core.models import Job
from tests.factories import LandFactory, SchoolBoardFactory, SchoolFactory
with scopes_disabled():
    land = LandFactory()
    for b in range(2):
        board = SchoolBoardFactory(land=land)
        for s in range(3):
            SchoolFactory(school_board=board)
    user = get_user_model().objects.create_user("backup-owner")
    job = Job.objects.create(kind="core.selftest", owner=user, status="succeeded")
    job.result_file.save("foerderantrag-42.pdf", ContentFile(b"%PDF-1.7 " + bytes(range(256)) * 64))
print(job.result_file.name)
"""


def _counts(url: str) -> dict[str, int]:
    tables = [
        r[0]
        for r in query(
            url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    return {t: query(url, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def _script(name: str, arg, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name), str(arg)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def seeded(tmp_path):
    require_stack()
    url = recreate_database(DB)
    env = stack_env(url, tmp_path)
    manage(env, "migrate", "--noinput")
    document = manage(env, "shell", "-c", SEED).strip().splitlines()[-1]
    yield url, env, tmp_path / "media" / document
    drop_database(DB)


def test_backup_wipe_restore_gives_the_same_rows_and_documents(seeded, tmp_path):
    url, env, document = seeded
    before = _counts(url)
    checksum = hashlib.sha256(document.read_bytes()).hexdigest()
    assert before["schools_school"] == 6 and before["core_job"] == 1

    backup = tmp_path / "backup"
    result = _script("backup.sh", backup, env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in backup.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz"]

    # disaster: the database and the media directory are gone
    recreate_database(DB)
    shutil.rmtree(tmp_path / "media")
    assert _counts(url) == {}

    result = _script("restore.sh", backup, env)
    assert result.returncode == 0, result.stderr
    assert _counts(url) == before
    assert hashlib.sha256(document.read_bytes()).hexdigest() == checksum
    manage(env, "migrate", "--check")  # the schema is complete: nothing to apply


def test_a_tampered_backup_is_refused_and_nothing_is_restored(seeded, tmp_path):
    url, env, _document = seeded
    backup = tmp_path / "backup"
    assert _script("backup.sh", backup, env).returncode == 0
    with open(backup / "db.dump", "ab") as f:
        f.write(b"tampered")
    recreate_database(DB)
    result = _script("restore.sh", backup, env)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
    assert _counts(url) == {}


def test_backup_refuses_sqlite_with_a_clear_message(tmp_path):
    env = stack_env(f"sqlite:///{tmp_path}/db.sqlite3", tmp_path)
    result = _script("backup.sh", tmp_path / "b", env)
    assert result.returncode == 2 and "PostgreSQL only" in result.stderr
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
