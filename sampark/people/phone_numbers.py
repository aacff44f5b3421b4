"""The error of a bad input about a person or post, and how a typed mobile number becomes the stored
one: below people.services, so that search (which services' helpers read) may use them too."""

import re

from django.utils.translation import gettext as _

from sampark.core.text import ascii_digits, clean


class PeopleError(ValueError):
    """Bad input about a person or post; the message is for the user. status: the HTTP code."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """Indian mobile numbers to E.164 (+91 and ten digits starting 6-9); accepts Devanagari
    digits, spaces, dashes, and the 0, 91, +91 or 0091 prefixes people type. Another country's
    number is accepted only written in full with + (or 00) and its country code."""
    value = _PHONE_JUNK.sub("", ascii_digits(clean(raw or "")))
    bad = PeopleError(_("Enter a valid mobile number, e.g. 98765 43210."))
    if value.startswith("00"):
        value = "+" + value[2:]
    international = value.startswith("+")
    digits = value[1:] if international else value
    if not digits.isascii() or not digits.isdigit():
        raise bad
    if international and not digits.startswith("91"):
        if digits[0] != "0" and 8 <= len(digits) <= 15:
            return "+" + digits
        raise bad
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0") and not international:
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "6789":
        raise bad
    return "+91" + digits
