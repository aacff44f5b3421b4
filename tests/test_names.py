"""One rule for names kept in two languages: the reader's language first, the other as a fallback."""

import pytest
from django.utils import translation

from sampark.core.names import pick
from sampark.difficulties.models import DifficultyCategory
from sampark.org.models import Level, Unit
from sampark.people.models import Person
from sampark.reports.models import ReportField, ReportType


@pytest.mark.parametrize("lang, hi, en, shown", [
    ("hi", "पटना", "Patna", "पटना"),
    ("en", "पटना", "Patna", "Patna"),
    ("hi", "", "Patna", "Patna"),
    ("en", "पटना", "", "पटना"),
    ("en-gb", "पटना", "Patna", "Patna"),
    ("hi", "", "", ""),
])
def test_every_named_model_follows_the_same_rule(lang, hi, en, shown):
    with translation.override(lang):
        assert pick(hi, en) == shown
        for model in (Level, Unit, Person, ReportType, DifficultyCategory):
            obj = model(name_hi=hi, name_en=en)
            assert (obj.name, str(obj)) == (shown, shown), model
        assert ReportField(label_hi=hi, label_en=en).label == shown


def test_an_explicit_language_wins_over_the_request():
    with translation.override("hi"):
        assert pick("पटना", "Patna", "en") == "Patna"
    with translation.override("en"):
        assert pick("पटना", "Patna", "hi") == "पटना"
