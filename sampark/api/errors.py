"""Exceptions to API answers, all in the one shape of sampark/core/errors.py.

401 for a caller with no (or an unknown) token or session, 400 for a body that is not JSON, 413 for
a body over DATA_UPLOAD_MAX_MEMORY_SIZE, 422 for fields of the wrong type and for text that cannot
be stored, 404 for anything missing or not visible. The services' own errors (DirectiveError,
ReportError, DifficultyError) carry their status and are answered the same way."""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from sampark.core.errors import NOT_FOUND, error_body
from sampark.core.text import UnsafeText, check_storable
from sampark.difficulties.services import DifficultyError
from sampark.directives.authoring import DirectiveError
from sampark.events.services import EventError
from sampark.network.services import NetworkError
from sampark.reports.services import ReportError

UNAUTHORIZED = "Unauthorized"


def _check_strings(node) -> None:
    if isinstance(node, str):
        check_storable(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            check_storable(key)
            _check_strings(value)
    elif isinstance(node, list):
        for value in node:
            _check_strings(value)


class StrictJSONParser(Parser):
    """JSON bodies whose every string (keys too) can be stored: a lone surrogate ("\\ud800") is
    refused here, before any field reaches a service, so nothing is written. Fields that are cleaned
    (sampark.core.text.clean) refuse it too; this covers codes and ids that are only looked up."""

    def parse_body(self, request):
        data = json.loads(request.body)
        _check_strings(data)
        return data


def _field(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # "body", the parameter's name
    elif parts:
        parts = parts[1:]  # "path", "query", "form", "file"
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API."""

    def answer(request, status: int, message, errors: dict | None = None):
        return api.create_response(request, error_body(message, errors), status=status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, NOT_FOUND)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc, AuthenticationError):
            return answer(request, 401, UNAUTHORIZED)
        cause = exc.__cause__
        if isinstance(cause, UnsafeText):
            return answer(request, 422, cause)
        if exc.status_code == 400 and cause is not None:
            return answer(request, 400, _("The request body is not valid JSON."))
        return answer(request, exc.status_code, exc)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors: dict[str, str] = {}
        for e in exc.errors:
            key = _field(e.get("loc", ()))
            errors[key] = "; ".join(filter(None, [errors.get(key), str(e.get("msg", ""))]))
        return answer(request, 422, _("Some fields are not valid."), errors)

    def too_big(request, exc):
        return answer(request, 413, _("The request is too large."))

    # Django raises these (as SuspiciousOperation, a 400 HTML page) on reading an oversized body or
    # a form with too many fields or files; here they answer like any other API error.
    for limit in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        api.add_exception_handler(limit, too_big)

    @api.exception_handler(UnsafeText)
    def unsafe_text(request, exc):
        return answer(request, 422, exc)

    @api.exception_handler(ReportError)
    def report_error(request, exc):
        return answer(request, exc.status, exc, exc.errors)

    @api.exception_handler(DirectiveError)
    def directive_error(request, exc):
        return answer(request, exc.status, exc)

    @api.exception_handler(DifficultyError)
    def difficulty_error(request, exc):
        return answer(request, exc.status, exc.message)

    @api.exception_handler(EventError)
    def event_error(request, exc):
        return answer(request, exc.status, exc, {exc.field: str(exc)} if exc.field else None)

    @api.exception_handler(NetworkError)
    def network_error(request, exc):
        return answer(request, exc.status, exc, {exc.field: str(exc)} if exc.field else None)


def unknown_route(request, path: str = ""):  # noqa: ARG001
    """Any /api/ address no route matches: the API's own 404 shape, not the HTML page."""
    from django.http import JsonResponse

    return JsonResponse(error_body(NOT_FOUND), status=404)
