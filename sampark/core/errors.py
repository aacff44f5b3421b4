"""The one shape of every API error, declared in the OpenAPI document for each status a route answers.

``{"detail": "message"}``, and for problems with particular fields also
``{"detail": "message", "errors": {"field": "message"}}``. The handlers that turn exceptions into
these bodies live in sampark/api/errors.py; routes name their statuses with ``error_responses``."""

from typing import Annotated

from ninja import Field, Path, Schema
from pydantic import WithJsonSchema


def _empty(value) -> bool:
    return not value


class ErrorOut(Schema):
    """An error: a message for the person, and per-field messages when fields were wrong."""

    detail: str
    errors: dict[str, str] = Field(default_factory=dict, exclude_if=_empty,
                                   description="field -> message; only when particular fields were wrong")


# The answer for anything missing or not visible (the two look the same), kept as it always was.
NOT_FOUND = "Not found"

# Statuses common to the routes: 401 (no or unknown token), 422 (a path or query parameter or a body
# field of the wrong type, or text that cannot be stored); for routes that read a body also 400
# (not JSON), 403 (the CSRF check of a session caller) and 413 (over DATA_UPLOAD_MAX_MEMORY_SIZE).
AUTH = (401,)
READ = (401, 404, 422)
WRITE = (400, 401, 403, 404, 413, 422)


# A path id that is a UUID, documented as one; a malformed one is read as a string so that the route
# answers 404 ("names nothing"), the same as for an id it cannot see.
UUIDPath = Annotated[str, Path(...), WithJsonSchema({"type": "string", "format": "uuid"})]


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """{status: ErrorOut} for a route's ``response=``; give the statuses, or tuples of them."""
    flat: set[int] = set()
    for code in codes:
        flat.update(code if isinstance(code, tuple | list | set | frozenset) else (code,))
    return dict.fromkeys(sorted(flat), ErrorOut)


def error_body(message, errors: dict | None = None) -> dict:
    body = {"detail": str(message)}
    if errors:
        body["errors"] = {str(k): str(v) for k, v in errors.items()}
    return body
