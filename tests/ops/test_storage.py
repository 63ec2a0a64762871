"""All-or-nothing media writes; a full disk is a clear error and leaves nothing behind.

The full disk is real: the subprocess lowers RLIMIT_FSIZE, so the kernel refuses
the write (EFBIG) exactly as a full file system refuses it (ENOSPC).
"""

import json

import pytest
from django.core.files.base import ContentFile

from core.storage import SafeFileSystemStorage
from tests.ops.helpers import prod_env, run_python

FULL_DISK = """
import json, os, resource, signal
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
outcome = {}
try:
    name = default_storage.save("jobs/2026/12/paket.pdf", ContentFile(b"x" * {size}))
    outcome = {"saved": name, "size": default_storage.size(name)}
except OSError as exc:
    outcome = {"error": type(exc).__name__, "errno": exc.errno, "message": str(exc)}
files = []
for root, _dirs, names in os.walk(os.environ["MEDIA_ROOT"]):
    files += [os.path.join(root, n) for n in names]
outcome["files"] = files
print(json.dumps(outcome))
"""


def _save_with_limit(tmp_path, size, limit=64 * 1024):
    code = FULL_DISK.replace("{limit}", str(limit)).replace("{size}", str(size))
    env = prod_env(MEDIA_ROOT=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_full_disk_is_a_clear_error_and_nothing_is_half_written(tmp_path):
    outcome = _save_with_limit(tmp_path / "media", size=200 * 1024)
    assert outcome["error"] == "StorageFull"
    # the message follows the active language (German by default)
    assert (
        "file store is full" in outcome["message"] or "Dateispeicher ist voll" in outcome["message"]
    )
    assert outcome["files"] == []  # no truncated file, no temporary file


@pytest.mark.parametrize("size", [1024, 64 * 1024])
def test_below_and_at_the_limit_the_file_is_complete(tmp_path, size):
    outcome = _save_with_limit(tmp_path / "media", size=size)
    assert outcome["size"] == size
    assert len(outcome["files"]) == 1


def test_a_second_file_with_the_same_name_never_overwrites(tmp_path):
    storage = SafeFileSystemStorage(location=tmp_path)
    first = storage.save("a/report.pdf", ContentFile(b"first"))
    second = storage.save("a/report.pdf", ContentFile(b"second"))
    assert first != second
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(
        [first.split("/")[-1], second.split("/")[-1]]
    )
