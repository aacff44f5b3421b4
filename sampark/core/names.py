"""Names kept in Hindi and English, shown in the reader's language with the other as a fallback."""

from django.utils.translation import get_language


def in_english(lang: str | None = None) -> bool:
    """Hindi unless English is asked for (the language given, else the request's)."""
    return (lang or get_language() or "hi").startswith("en")


def pick(hi: str, en: str, lang: str | None = None) -> str:
    """English UI: the English text, else the Hindi; any other: the Hindi, else the English."""
    return (en or hi) if in_english(lang) else (hi or en)


class BilingualNameMixin:
    """For a model with ``name_hi`` and ``name_en``: ``name`` in the reader's language."""

    name_hi: str
    name_en: str

    @property
    def name(self) -> str:
        return pick(self.name_hi, self.name_en)
