"""API errors as JSON problem details (RFC 9457), never HTML.

One body for every error under /api/: ``type``, ``title``, ``status``, ``detail``,
``code`` and, for invalid input, ``errors`` (field name -> list of messages;
``non_field_errors`` for the rest). DRF's exceptions go through
`problem_exception_handler`; what Django answers itself (an unknown URL, an
unhandled exception) goes through `api_aware_handler404`/`api_aware_handler500`.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
PROBLEM_TYPE = "urn:paktwerk:problem:"


#: problem titles in the request's language (the statuses our API answers with)
TITLES = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    406: gettext_lazy("Not Acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition Failed"),
    413: gettext_lazy("Request Entity Too Large"),
    415: gettext_lazy("Unsupported Media Type"),
    428: gettext_lazy("Precondition Required"),
    429: gettext_lazy("Too Many Requests"),
    500: gettext_lazy("Internal Server Error"),
    503: gettext_lazy("Service Unavailable"),
}


def title_for(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("Error")


def problem(status: int, detail: str, *, code: str, errors: dict | None = None) -> dict:
    """The problem-details body; `type` names the error code (stable, machine-readable)."""
    body = {
        "type": f"{PROBLEM_TYPE}{code}",
        "title": title_for(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _field_errors(data) -> dict:
    """DRF's validation data (dict, list or str) as {field: [messages]}."""
    if isinstance(data, dict):
        return {str(k): _messages(v) for k, v in data.items()}
    return {"non_field_errors": _messages(data)}


def _messages(value) -> list:
    if isinstance(value, dict):  # nested serializer: keep the structure
        return [{str(k): _messages(v) for k, v in value.items()}]
    if isinstance(value, list | tuple):
        out: list = []
        for item in value:
            out.extend(_messages(item) if isinstance(item, list | tuple) else [_message(item)])
        return out
    return [str(value)]


def _message(item):
    if isinstance(item, dict):
        return {str(k): _messages(v) for k, v in item.items()}
    return str(item)


def _code_of(exc: exceptions.APIException) -> str:
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return str(code)


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: the usual status codes, bodies as problem details."""
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # unhandled: Django's handler500 answers (JSON under /api/)
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status,
            _("The request contains invalid input."),
            code="invalid",
            errors=_field_errors(exc.detail),
        )
    else:
        detail = getattr(exc, "detail", None)
        text = str(detail) if detail is not None else title_for(status)
        if isinstance(detail, dict | list):
            body = problem(status, title_for(status), code=_code_of(exc))
            body["errors"] = _field_errors(detail)
        else:
            body = problem(status, text, code=_code_of(exc))
    body.update(getattr(exc, "problem_extra", None) or {})
    return Response(body, status=status, headers=_kept_headers(response))


def _as_api_exception(exc):
    """Django's own exceptions as DRF's, so they get DRF's translated messages and codes.

    DRF converts Http404 and PermissionDenied itself but keeps their arguments: a 404 then
    read "Not Found" (or Django's untranslated "No Device matches the given query.") with
    the code "error", in every language.
    """
    if isinstance(exc, DjangoValidationError):  # a service's rule not wrapped by the view
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        # our services raise it with a translated reason; Django's bare one gets DRF's text
        return exceptions.PermissionDenied(str(exc.args[0]) if exc.args else None)
    return exc


def _kept_headers(response) -> dict:
    keep = ("WWW-Authenticate", "Retry-After", "Allow")
    return {name: response[name] for name in keep if response.has_header(name)}


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_problem(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(problem(status, detail, code=code), status=status)


def api_aware_handler404(request, exception=None):
    if is_api_request(request):
        return _json_problem(404, _("Not found."), "not_found")
    return defaults.page_not_found(request, exception)


def api_aware_handler500(request):
    if is_api_request(request):
        return _json_problem(500, _("A server error occurred."), "error")
    return defaults.server_error(request)


def api_aware_handler400(request, exception=None):
    if is_api_request(request):
        return _json_problem(400, _("Bad request."), "bad_request")
    return defaults.bad_request(request, exception)


def api_aware_handler403(request, exception=None):
    if is_api_request(request):
        return _json_problem(
            403, _("You do not have permission to perform this action."), "permission_denied"
        )
    return defaults.permission_denied(request, exception)
