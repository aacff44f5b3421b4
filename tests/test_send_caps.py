"""Finding 6: the send caps hold under concurrent asks, on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connection

from sampark.people.auth import LoginError, request_code
from sampark.people.models import LoginCode


def ask_at_once(asks: list[tuple[str, str]]) -> list[str]:
    """Every ask in its own thread (its own connection), released together."""
    start = threading.Barrier(len(asks))
    outcomes: list[str] = []

    def ask(phone, ip):
        try:
            start.wait()
            request_code(phone, ip)
            outcomes.append("sent")
        except LoginError:
            outcomes.append("capped")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=a) for a in asks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == len(asks)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_thirty_asks_for_one_phone_send_at_most_five(settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 5
    settings.SAMPARK_OTP_PER_IP_HOUR = 1000
    outcomes = ask_at_once([("+919876543210", f"10.0.{i}.1") for i in range(30)])
    assert LoginCode.objects.filter(phone="+919876543210").count() == outcomes.count("sent") == 5


@pytest.mark.django_db(transaction=True)
def test_forty_asks_from_one_address_send_at_most_thirty(settings):
    settings.SAMPARK_OTP_PER_PHONE_HOUR = 5
    settings.SAMPARK_OTP_PER_IP_HOUR = 30
    outcomes = ask_at_once([(f"+9198765{i:05d}", "10.9.9.9") for i in range(40)])
    assert LoginCode.objects.filter(ip="10.9.9.9").count() == outcomes.count("sent") == 30
