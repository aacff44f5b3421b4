"""Finding 7: the outbox keeps login codes masked; only the channel sees the code."""

import re

from sampark.core.channels import MASK, ConsoleSMS, MemorySMS
from sampark.core.models import OutboxMessage
from sampark.people.auth import request_code


def test_the_outbox_keeps_the_code_masked(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_code(world.patna_worker.phone, "10.0.0.1")
    delivered = MemorySMS.last_to(world.patna_worker.phone)
    code = re.search(r"\b(\d{6})\b", delivered).group(1)
    kept = OutboxMessage.objects.get(to=world.patna_worker.phone).body
    assert code not in kept and MASK in kept
    assert kept == delivered.replace(code, MASK)
    assert not OutboxMessage.objects.filter(body__regex=r"\d{6}").exists()


def test_the_console_shows_the_code_only_in_the_demo(db, settings, capsys):
    settings.SAMPARK_DEMO = True
    ConsoleSMS().send("+919876543210", "code 123456 here", secret="123456")
    assert "123456" in capsys.readouterr().out
    settings.SAMPARK_DEMO = False
    ConsoleSMS().send("+919876543210", "code 112211 here", secret="112211")
    out = capsys.readouterr().out
    assert "112211" not in out and MASK in out
    assert not OutboxMessage.objects.filter(body__contains="123456").exists()
