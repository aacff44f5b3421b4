"""clean(): what may not be stored is refused (lone surrogates), what misleads is dropped (bidi
overrides, control characters), and what shapes Devanagari is kept (ZWJ/ZWNJ inside a word)."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sampark.core.text import UnsafeText, clean, skeleton_key


@pytest.mark.parametrize("value", ["\ud800", "नाम\udfff", "a\udc00b", "\ud83d"])
def test_a_lone_surrogate_is_refused_with_a_hindi_message(value):
    with pytest.raises(UnsafeText) as caught:
        clean(value)
    with translation.override("hi"):
        message = str(caught.value)
    assert any("\u0900" <= ch <= "\u097f" for ch in message), message


def test_a_whole_emoji_is_kept():
    assert clean("धन्यवाद 🙏") == "धन्यवाद 🙏"


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                  "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_overrides_and_isolates_are_dropped(char):
    assert clean(f"पटना{char}जिला{char}") == "पटनाजिला"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x9b"])
def test_control_characters_are_dropped(char):
    assert clean(f"ab{char}c") == "abc"


def test_newlines_and_tabs_become_one_space():
    assert clean("पहली\r\nदूसरी\tतीसरी") == "पहली दूसरी तीसरी"


@pytest.mark.parametrize("joined", ["क्\u200dष", "क्\u200cष", "र्\u200dय", "कृष्\u200dण"])
def test_joiners_inside_devanagari_are_kept(joined):
    assert clean(joined) == joined
    assert clean(f"  {joined}  ") == joined
    assert skeleton_key(joined) == skeleton_key(joined.replace("\u200d", "").replace("\u200c", ""))


@pytest.mark.parametrize(("raw", "stored"), [
    ("\u200dक्ष", "क्ष"), ("क्ष\u200d", "क्ष"), ("a\u200db", "ab"), ("a\u200c", "a"),
    ("क्\u200d\u200dष", "क्\u200dष"), ("क्\u200d ष", "क् ष"),
])
def test_joiners_elsewhere_are_dropped(raw, stored):
    assert clean(raw) == stored


ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
DEVANAGARI_AND_FRIENDS = st.sampled_from(
    ["क", "्", "ष", "\u200d", "\u200c", "\u202e", "\x00", "\ud800", "\udfff", " ", "\n", "ि", "़", "\u095c", "a"])


@settings(max_examples=500, derandomize=True)
@given(st.text(st.one_of(ANY_CHARACTER, DEVANAGARI_AND_FRIENDS)))
def test_clean_raises_only_unsafe_text_and_its_output_encodes(value):
    try:
        out = clean(value)
    except UnsafeText:
        assert any("\ud800" <= ch <= "\udfff" for ch in value)
        return
    out.encode("utf-8")
    assert out == out.strip()
    assert clean(out) == out
    assert not any(ch in out for ch in "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
