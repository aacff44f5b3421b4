"""Each request gets an id, sent back in ``X-Request-ID`` and written on every log record made
while it runs, so an error a person reports ("it failed at 10:42") is found in the log. Log
records carry no personal data: the formatter masks phone-like digit runs in messages and
tracebacks, and nothing writes a request's body or cookies."""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
# A proxy's id is kept when it looks like one; anything else (spaces, very long) is replaced.
_GIVEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Eight or more digits, single spaces allowed between them: phone numbers as written here (dates
# and times, with their dashes and colons, stay readable).
_PHONE_LIKE = re.compile(r"\+?\d(?: ?\d){7,}")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request.id = given if _GIVEN.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


def redact(text: str) -> str:
    return _PHONE_LIKE.sub("[number]", text)


class RedactingFormatter(logging.Formatter):
    """The message and the traceback with phone-like numbers masked (an exception's text may
    quote a value, e.g. a unique-constraint error naming a phone)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = redact(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))
