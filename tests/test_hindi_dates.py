"""Dates read right in Hindi: Django's own catalogue spells some months wrongly (नवमबर, दिस्); ours wins,
and the short month of "j M Y" is the whole name (as short as an abbreviation in Hindi)."""

import datetime

import pytest
from django.utils import formats, translation

MONTHS = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
          "दिसंबर"]


@pytest.mark.parametrize("fmt", ["j M Y", "j F Y", "j N Y", "DATE_FORMAT"])
def test_every_month_is_spelt_right_in_hindi(fmt):
    with translation.override("hi"):
        for month, name in enumerate(MONTHS, start=1):
            assert formats.date_format(datetime.date(2026, month, 28), fmt) == f"28 {name} 2026"


def test_english_keeps_its_short_months():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 28), "j M Y") == "28 Nov 2026"


def test_a_page_shows_the_month_spelt_right(client, world, login_as):
    login_as(world.patna_coord)
    page = client.get(f"/people/{world.patna_worker.pk}/").content.decode()
    month = MONTHS[world.patna_worker.created_at.month - 1]
    assert f" {month} " in page and "नवमबर" not in page and "दिस्" not in page
