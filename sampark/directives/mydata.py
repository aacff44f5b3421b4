"""Directives' sections of "my data": the person's reads and acknowledgements, the messages sent to
them, and the directives they wrote."""

from django.utils.translation import gettext_lazy as _

from sampark.core.mydata import register_section
from sampark.directives.models import Directive, Message, Receipt


def receipts(p) -> list[dict]:
    return [{"directive": r.directive_id, "directive_title": r.directive.title, "kind": r.kind, "at": r.at,
             "reply": r.reply}
            for r in Receipt.objects.filter(person=p).select_related("directive").order_by("at", "pk")]


def messages(p) -> list[dict]:
    return [{"directive": m.directive_id, "kind": m.kind, "channel": m.channel, "body": m.body,
             "status": m.status, "created_at": m.created_at, "sent_at": m.sent_at}
            for m in Message.objects.filter(recipient=p).order_by("created_at", "pk")]


def directives_written(p) -> list[dict]:
    return [{"directive": d.pk, "directive_title": d.title, "unit": d.target_unit_id, "created_at": d.created_at}
            for d in Directive.objects.filter(author=p).order_by("created_at", "pk")]


def register() -> None:
    register_section("receipts", _("Reads and acknowledgements"), receipts, covers=["directives.Receipt.person"])
    register_section("messages", _("Messages sent to you"), messages, covers=["directives.Message.recipient"])
    register_section("directives_written", _("Directives you wrote"), directives_written, covers=["directives.Directive.author"])
