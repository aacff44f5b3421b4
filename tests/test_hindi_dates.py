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


# --- one date format across pages, PDFs and messages ---------------------------------------------

def test_the_named_formats_are_one_format():
    at = datetime.datetime(2026, 11, 28, 14, 5)
    with translation.override("hi"):
        assert formats.date_format(at.date(), "DATE_FORMAT") == "28 नवंबर 2026"
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(at, name) == "28 नवंबर 2026, 14:05"
    with translation.override("en"):
        assert formats.date_format(at, "DATETIME_FORMAT") == "28 Nov 2026, 14:05"


def test_templates_ask_for_the_named_formats_only():
    """A template's own pattern ("Y-m-d", "j M, H:i") made pages, PDFs and messages differ; only a form
    field's value (the browser's date input wants Y-m-d) may name one."""
    import re
    from pathlib import Path

    from django.conf import settings

    own = []
    for path in Path(settings.BASE_DIR, "sampark").rglob("*.html"):
        for line_no, line in enumerate(path.read_text().splitlines(), 1):
            for m in re.finditer(r"\|date:(\"[^\"]*\"|'[^']*')", line):
                fmt = m.group(1)[1:-1]
                if fmt in ("DATE_FORMAT", "DATETIME_FORMAT"):
                    continue
                if fmt == "Y-m-d" and re.search(r"value=\"[^\"]*$", line[:m.start()]):
                    continue
                own.append(f"{path.relative_to(settings.BASE_DIR)}:{line_no} {fmt}")
    assert own == []


def test_a_message_and_a_page_write_a_time_alike(world):
    """The reminder's text uses the same format as the pages (directives.jobs)."""
    from django.utils import timezone

    from sampark.directives import jobs

    at = datetime.datetime(2026, 11, 28, 8, 35, tzinfo=datetime.UTC)
    with translation.override("hi"):
        assert jobs._when(at) == "28 नवंबर 2026, 14:05" == formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")
