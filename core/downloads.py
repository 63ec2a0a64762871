"""Protected downloads of stored files: the only way media leaves the server.

Views check the permission first and then call `file_response()`. The file is
streamed by Django, or — when `MEDIA_ACCEL_REDIRECT_PREFIX` is set and the
files live on the local disk — handed to nginx with X-Accel-Redirect, which
serves it from an `internal` location (see deploy/nginx/paktwerk.conf).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def file_response(field_file, filename: str = "", *, as_attachment: bool = True) -> HttpResponse:
    """A response with the stored file; 404 when there is no file (any longer)."""
    if not field_file or not field_file.name:
        raise Http404
    filename = filename or field_file.name.rsplit("/", 1)[-1]
    storage = field_file.storage
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix and isinstance(storage, FileSystemStorage):
        if not storage.exists(field_file.name):
            raise Http404
        response = HttpResponse(
            content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream"
        )
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    return FileResponse(handle, as_attachment=as_attachment, filename=filename)
