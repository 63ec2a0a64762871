"""File storage for media: atomic writes, clear errors when the disk is full.

Django's FileSystemStorage writes straight into the final file, so a full disk
leaves a truncated file behind. Here the content goes to a temporary file in the
same directory first and is linked to its final name only when complete; on any
error the temporary file is removed and the final name never exists.
"""

from __future__ import annotations

import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class StorageFull(OSError):
    """The file store has no room left; nothing was written."""


def _write_chunks(fd: int, content) -> None:
    with os.fdopen(fd, "wb", closefd=False) as out:
        if hasattr(content, "temporary_file_path"):
            with open(content.temporary_file_path(), "rb") as src:
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)
        else:
            for chunk in content.chunks():
                out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
        out.flush()
        os.fsync(fd)


class SafeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose saves are all-or-nothing."""

    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            try:
                _write_chunks(fd, content)
            finally:
                os.close(fd)
            mode = self.file_permissions_mode
            if mode is None:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(tmp_path, mode)
            name = self._link_free_name(name, tmp_path)
        except OSError as exc:
            if exc.errno in DISK_FULL_ERRNOS:
                raise StorageFull(
                    exc.errno,
                    _("The file store is full; the file was not saved and nothing was written."),
                ) from exc
            raise
        finally:
            if os.path.exists(tmp_path):
                os.unlink(tmp_path)
        return str(name).replace("\\", "/")

    def _link_free_name(self, name: str, tmp_path: str) -> str:
        """Give the complete temporary file its final name without overwriting anything."""
        while True:
            try:
                os.link(tmp_path, self.path(name))
                return name
            except FileExistsError:
                name = self.get_available_name(name)
