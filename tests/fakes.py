"""Local fakes of the providers' HTTP APIs: small http.server servers on 127.0.0.1 (a random port) that
record each request and answer as the provider does. ``fail`` decides per request: None for the
provider's success answer, or an HTTP status (500: try again later; 400: refused for good)."""

import json
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SMS_SETTINGS = {"SAMPARK_SMS_ACCOUNT_SID": "sampark1", "SAMPARK_SMS_API_KEY": "key", "SAMPARK_SMS_API_TOKEN": "tok",
                "SAMPARK_SMS_SENDER": "SMPARK", "SAMPARK_SMS_DLT_ENTITY_ID": "1101000000000000001"}
WHATSAPP_SETTINGS = {"SAMPARK_WHATSAPP_PHONE_ID": "10987654321", "SAMPARK_WHATSAPP_TOKEN": "wa-token",
                     "SAMPARK_WHATSAPP_APP_SECRET": "app-secret-for-tests", "SAMPARK_WHATSAPP_VERIFY_TOKEN": "verify-me"}


class FakeProvider:
    kind = ""

    def __init__(self, fail: Callable[[dict], int | None] | None = None):
        self.requests: list[dict] = []
        self.fail = fail or (lambda request: None)
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = {"path": self.path, "headers": dict(self.headers), "raw": raw, **outer.parse(raw)}
                with outer.lock:
                    outer.requests.append(request)
                    n = len(outer.requests)
                status = outer.fail(request)
                payload = (outer.success(request, n) if status is None
                           else {"error": {"message": "fake provider refused", "code": status}})
                body = json.dumps(payload).encode()
                self.send_response(status or 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def parse(self, raw: bytes) -> dict:
        raise NotImplementedError

    def success(self, request: dict, n: int) -> dict:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class FakeSmsProvider(FakeProvider):
    """The bulk-SMS provider: a form POST to /v1/Accounts/{sid}/Sms/send.json, answered with its Sid."""

    def parse(self, raw: bytes) -> dict:
        return {"form": {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}}

    def success(self, request: dict, n: int) -> dict:
        return {"SMSMessage": {"Sid": f"sms-{n}", "To": request["form"].get("To"), "Status": "queued"}}

    def settings(self) -> dict:
        return {**SMS_SETTINGS, "SAMPARK_SMS_API_URL": self.url}

    def to(self, phone: str) -> list[dict]:
        return [r["form"] for r in self.requests if r["form"].get("To") == phone]


class FakeWhatsApp(FakeProvider):
    """The WhatsApp Cloud API: JSON POST to /{phone id}/messages, answered with a wamid."""

    def parse(self, raw: bytes) -> dict:
        return {"json": json.loads(raw or b"{}")}

    def success(self, request: dict, n: int) -> dict:
        to = request["json"].get("to")
        return {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": f"wamid.fake{n}"}]}

    def settings(self) -> dict:
        return {**WHATSAPP_SETTINGS, "SAMPARK_WHATSAPP_API_URL": self.url}

    def to(self, phone: str) -> list[dict]:
        digits = phone.lstrip("+")
        return [r["json"] for r in self.requests if r["json"].get("to") == digits]
