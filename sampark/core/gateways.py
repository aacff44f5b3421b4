"""The real phone channels: an Indian bulk-SMS provider's HTTP API under TRAI's DLT rules, and the
WhatsApp Business Cloud API. Both send a message made from a template kept as data
(sampark/data/message_templates.csv): per kind of message, its text in Hindi and English with
``{#var#}`` where a value goes (DLT's notation), the DLT template id registered for that text, and
the name of the WhatsApp template approved for it.

DLT (TRAI's Telecom Commercial Communications Customer Preference Regulations): every SMS names the
registered sender header, the sender's entity id and the template id of the registered text, and its
text must be that template with each variable at most 30 characters. A message in Devanagari goes as
Unicode (UCS-2): 70 characters in one SMS, 67 per part when it needs more; one in the GSM alphabet
160, or 153 per part. Providers bill per part, so each message records its parts.

Each sender's ``send`` returns (the provider's id, parts) or raises TransientError (try again later:
unreachable, 429, 5xx) or PermanentError (the provider refused it: 4xx).
"""

import base64
import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from sampark.core.datafiles import data_path

TEMPLATES_FILE = "message_templates.csv"
VAR = "{#var#}"
DLT_VAR_MAX = 30  # characters a DLT variable may hold
TIMEOUT = 5.0

# The GSM 03.38 alphabet: one septet each; the extension table's characters take two.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")


class TransientError(Exception):
    """Try again later (gateway down, 5xx, 429, timeout)."""


class PermanentError(Exception):
    """Do not retry (the gateway refused the message, or a template is missing)."""


# ---- SMS parts -----------------------------------------------------------------------------------

def sms_encoding(text: str) -> str:
    return "gsm" if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text) else "unicode"


def sms_parts(text: str) -> int:
    """How many SMS a text is sent as: GSM 160 alone or 153 per part; Unicode 70 alone or 67 per part
    (counted in UTF-16 units: a character outside the BMP, an emoji, takes two)."""
    if sms_encoding(text) == "gsm":
        size, single, each = sum(2 if ch in GSM_EXTENSION else 1 for ch in text), 160, 153
    else:
        size, single, each = len(text.encode("utf-16-le")) // 2, 70, 67
    if size <= single:
        return 1
    return -(-size // each)


# ---- templates (data) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    key: str
    lang: str
    dlt_template_id: str
    whatsapp_name: str
    text: str

    @property
    def variables(self) -> int:
        return self.text.count(VAR)

    def render(self, params) -> str:
        """The template's text with each {#var#} replaced by its value, cut to DLT's 30 characters."""
        values = [dlt_value(p) for p in params or []]
        parts = self.text.split(VAR)
        out = parts[0]
        for i, rest in enumerate(parts[1:]):
            out += (values[i] if i < len(values) else "") + rest
        return out


def dlt_value(value) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= DLT_VAR_MAX else value[:DLT_VAR_MAX - 1] + "…"


@cache
def _templates() -> dict[tuple[str, str], Template]:
    with open(data_path(TEMPLATES_FILE), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {(r["key"], r["lang"]): Template(r["key"], r["lang"], r["dlt_template_id"], r["whatsapp_template"],
                                            r["text"]) for r in rows}


def template(key: str, lang: str) -> Template:
    found = _templates().get((key, "hi" if lang != "en" else "en"))
    if found is None:
        raise PermanentError(f"no message template {key!r} in {TEMPLATES_FILE}")
    return found


def template_keys() -> set[str]:
    return {key for key, _lang in _templates()}


# ---- HTTP ----------------------------------------------------------------------------------------

def _post(url: str, data: bytes, headers: dict[str, str]) -> dict:
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            answer = resp.read(20_000)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace")
        if exc.code >= 500 or exc.code == 429:
            raise TransientError(f"gateway answered {exc.code}") from exc
        raise PermanentError(f"gateway answered {exc.code}: {detail[:200]}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TransientError(f"gateway unreachable: {exc}") from exc
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


# ---- the senders ---------------------------------------------------------------------------------

class DltSms:
    """A bulk-SMS provider's send API (shaped as Exotel's: a form POST to
    /v1/Accounts/{sid}/Sms/send.json with basic authentication), every message with its DLT ids."""

    def __init__(self):
        s = settings
        self.url = f"{s.SAMPARK_SMS_API_URL.rstrip('/')}/v1/Accounts/{s.SAMPARK_SMS_ACCOUNT_SID}/Sms/send.json"
        self.auth = base64.b64encode(f"{s.SAMPARK_SMS_API_KEY}:{s.SAMPARK_SMS_API_TOKEN}".encode()).decode()
        self.sender, self.entity = s.SAMPARK_SMS_SENDER, s.SAMPARK_SMS_DLT_ENTITY_ID

    def send(self, to: str, key: str, lang: str, params) -> tuple[str, int]:
        t = template(key, lang)
        text = t.render(params)
        form = {"From": self.sender, "To": to, "Body": text, "DltEntityId": self.entity,
                "DltTemplateId": t.dlt_template_id, "SmsType": "transactional",
                "EncodingType": "plain" if sms_encoding(text) == "gsm" else "unicode"}
        answer = _post(self.url, urllib.parse.urlencode(form).encode(),
                       {"Authorization": "Basic " + self.auth,
                        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        sid = (answer.get("SMSMessage") or {}).get("Sid", "") if isinstance(answer.get("SMSMessage"), dict) else ""
        return str(sid)[:100], sms_parts(text)


class WhatsAppCloud:
    """The WhatsApp Business Cloud API: POST {base}/{phone number id}/messages with a bearer token.
    Outside the 24 hours after the person last wrote to us, only an approved template may be sent."""

    def __init__(self):
        s = settings
        self.url = f"{s.SAMPARK_WHATSAPP_API_URL.rstrip('/')}/{s.SAMPARK_WHATSAPP_PHONE_ID}/messages"
        self.token = s.SAMPARK_WHATSAPP_TOKEN

    def _send(self, payload: dict) -> str:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **payload}
        answer = _post(self.url, json.dumps(body, ensure_ascii=False).encode(),
                       {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        messages = answer.get("messages") or [{}]
        return str(messages[0].get("id", "") if isinstance(messages[0], dict) else "")[:100]

    def send_template(self, to: str, key: str, lang: str, params) -> tuple[str, int]:
        t = template(key, lang)
        values = [{"type": "text", "text": dlt_value(p)} for p in params or []]
        components = [{"type": "body", "parameters": values}] if values else []
        if key == "login_code":  # an authentication template: its copy-code button carries the code too
            components.append({"type": "button", "sub_type": "url", "index": "0", "parameters": values[:1]})
        payload = {"to": digits(to), "type": "template",
                   "template": {"name": t.whatsapp_name, "language": {"code": t.lang}, "components": components}}
        return self._send(payload), 0

    def send_text(self, to: str, text: str) -> tuple[str, int]:
        return self._send({"to": digits(to), "type": "text", "text": {"preview_url": False, "body": text}}), 0
