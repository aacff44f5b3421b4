"""Directives' eraser (sampark.core.erasure): an erased person's replies to directives become the
marker (the receipts stay: they are counted), and the messages queued or sent to them go. The
directives they wrote stay as written: organisational instructions to many people, not about them
(tests/test_erasure.py names this among the fields kept, with the reason)."""

from sampark.core.erasure import register_eraser
from sampark.directives.models import Message, Receipt, WhatsAppWindow


def erase(person, marker: str) -> int:
    n = Receipt.objects.filter(person=person).exclude(reply="").update(reply=marker)
    n += Message.objects.filter(recipient=person).delete()[0]
    n += WhatsAppWindow.objects.filter(person=person).delete()[0]
    return n


def register() -> None:
    register_eraser("directives", erase, covers=["directives.Receipt.reply", "directives.Message.*"])
