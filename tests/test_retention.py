"""Retention (DPDP Act): the timed work deletes login codes and outbox messages past their use, keeps
those within it, and deletes a bounded batch per tick."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from sampark.core.jobs import run_ticks
from sampark.core.models import OutboxMessage
from sampark.people import jobs
from sampark.people.models import LoginCode


def _code(phone, created_at):
    return LoginCode.objects.create(phone=phone, code_hash="x", created_at=created_at,
                                    expires_at=created_at + timedelta(minutes=10))


def _outbox(to, created_at):
    message = OutboxMessage.objects.create(channel="sms", to=to, body="code")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created_at)  # auto_now_add ignores a given time
    return message


@pytest.mark.django_db
def test_old_login_codes_and_outbox_messages_go_and_recent_ones_stay(settings):
    settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS = 24
    settings.SAMPARK_RETAIN_OUTBOX_DAYS = 30
    now = timezone.now()
    old_code, new_code = _code("+919000000011", now - timedelta(hours=25)), _code("+919000000011", now - timedelta(hours=23))
    old_msg, new_msg = _outbox("+919000000011", now - timedelta(days=31)), _outbox("+919000000011", now - timedelta(days=29))

    assert run_ticks(now)["people"] == {"sessions_cleared": 0, "login_codes_purged": 1, "outbox_purged": 1}
    assert list(LoginCode.objects.values_list("pk", flat=True)) == [new_code.pk]
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [new_msg.pk]
    assert old_code.pk != new_code.pk and old_msg.pk != new_msg.pk
    assert run_ticks(now)["people"] == {"sessions_cleared": 0}  # nothing more to delete


@pytest.mark.django_db
def test_the_limits_are_settings(settings):
    now = timezone.now()
    _code("+919000000012", now - timedelta(hours=3))
    _outbox("+919000000012", now - timedelta(days=3))
    settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS = 4
    settings.SAMPARK_RETAIN_OUTBOX_DAYS = 4
    assert jobs.purge_login_codes(now) == 0 and jobs.purge_outbox(now) == 0
    settings.SAMPARK_RETAIN_LOGIN_CODES_HOURS = 2
    settings.SAMPARK_RETAIN_OUTBOX_DAYS = 2
    assert jobs.purge_login_codes(now) == 1 and jobs.purge_outbox(now) == 1


@pytest.mark.django_db
def test_a_tick_deletes_a_bounded_batch(settings, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 2)
    now = timezone.now()
    for _ in range(3):
        _code("+919000000013", now - timedelta(days=2))
        _outbox("+919000000013", now - timedelta(days=40))
    assert jobs.purge_login_codes(now) == 2 and jobs.purge_outbox(now) == 2
    assert jobs.purge_login_codes(now) == 1 and jobs.purge_outbox(now) == 1


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "day"])
def test_a_retention_setting_must_be_a_whole_number_of_at_least_one(monkeypatch, value):
    from sampark.settings import env_count

    monkeypatch.setenv("SAMPARK_RETAIN_OUTBOX_DAYS", value)
    with pytest.raises(ImproperlyConfigured):
        env_count("SAMPARK_RETAIN_OUTBOX_DAYS", 30)
    monkeypatch.setenv("SAMPARK_RETAIN_OUTBOX_DAYS", "7")
    assert env_count("SAMPARK_RETAIN_OUTBOX_DAYS", 30) == 7
