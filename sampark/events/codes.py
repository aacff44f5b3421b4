"""Check-in codes: each invitee's short code for one event, derived, never stored.

The code is the person's id in Crockford base32 followed by three check characters taken from an
HMAC of (SECRET_KEY, event id, person id); it is shown in groups of three ("7K3-QXA"). So a code
names its person without a lookup table, a typo or a guess is refused (one in 32,768 passes the
check), and a code for another event is worthless. Typing is forgiving: case, spaces and dashes do
not matter, O reads as 0 and I or L as 1. The QR code carries the same text."""

import hashlib
import hmac

import segno
from django.conf import settings
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK = 3
GROUP = 3
_READ = str.maketrans({"O": "0", "I": "1", "L": "1"})


class CodeError(ValueError):
    """A typed code that names nobody; the message is for the user."""


def _b32(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 32)
        out = ALPHABET[digit] + out
        if not number:
            return out


def _check(event_id: int, person_id: int) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"event-checkin:{event_id}:{person_id}".encode(),
                   hashlib.sha256).digest()
    bits = int.from_bytes(mac[:4], "big")
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(CHECK))


def code_for(event_id: int, person_id: int) -> str:
    """The person's code for this event, grouped for reading: "7K3-QXA"."""
    raw = _b32(int(person_id)) + _check(int(event_id), int(person_id))
    groups = [raw[max(0, i - GROUP):i] for i in range(len(raw), 0, -GROUP)][::-1]
    return "-".join(groups)


def normalise(typed: str) -> str:
    return "".join(ch for ch in str(typed or "").upper() if not ch.isspace() and ch not in "-_.").translate(_READ)


def person_id_for(event_id: int, typed: str) -> int:
    """The person a typed or scanned code names for this event; CodeError if it names nobody."""
    raw = normalise(typed)
    if not raw:
        raise CodeError(_("Type the check-in code."))
    if len(raw) <= CHECK or len(raw) > 16 or any(ch not in ALPHABET for ch in raw):
        raise CodeError(_("This is not a check-in code: {code}").format(code=str(typed)[:20]))
    number = 0
    for ch in raw[:-CHECK]:
        number = number * 32 + ALPHABET.index(ch)
    if not hmac.compare_digest(raw[-CHECK:], _check(int(event_id), number)):
        raise CodeError(_("This code is not valid for this event: {code}").format(code=str(typed)[:20]))
    return number


def qr_svg(text: str, scale: int = 4) -> str:
    """The QR code of the text as inline SVG (no script, no image file)."""
    return segno.make(text, error="m").svg_inline(scale=scale, border=2)
