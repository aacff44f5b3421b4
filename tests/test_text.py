"""Text at the edge: NFC, nukta and joiners, Roman search keys for the names of the press note."""

import unicodedata

import pytest

from sampark.core.text import clean, gentle_key, indian_grouping, name_tokens, query_variants, skeleton_key

# Names from a press note about one of our first users' workshops (a Bihar social-media cell) with the English
# spellings people usually type for them.
PRESS_NOTE_NAMES = {
    "विनोद तावड़े": ["Vinod Tawde", "vinod tavade", "Vinod Tawade"],
    "राजेश वर्मा": ["rajesh varma", "Rajesh Verma"],
    "मनन कृष्ण": ["Manan Krishna", "manan krishn", "Manan Krishan"],
    "भीखूभाई दलसानिया": ["Bhikhubhai Dalsania", "Bhikhubhai Dalsaniya", "bhikhu bhai dalsania"],
    "रितेश रंजन": ["Ritesh Ranjan"],
    "शुभम राज सिंह": ["Shubham Raj Singh", "Subham Raj Singh"],
    "रविशंकर सिंह": ["Ravishankar Singh", "Ravi Shankar Singh", "Ravishanker Singh"],
    "अमल अवस्थी": ["Amal Awasthi", "Amal Avasthi"],
    "नवीन कुमार": ["Naveen Kumar", "Navin Kumar"],
    "आशुतोष मिश्र": ["Ashutosh Mishra"],
    "विकास मेहता": ["Vikas Mehta", "Vikash Mehta"],
}


def _found_by(stored_hi: str, query: str) -> bool:
    """What search does: some variant of the query has every token prefixing a stored token."""
    stored = name_tokens(stored_hi)
    return any(all(any(s.startswith(t) for s in stored) for t in variant) for variant in query_variants(query))


@pytest.mark.parametrize(("hindi", "spellings"), PRESS_NOTE_NAMES.items())
def test_press_note_names_meet_their_english_spellings(hindi, spellings):
    for spelling in spellings:
        assert _found_by(hindi, spelling), (hindi, spelling)


def test_most_press_note_names_share_the_whole_skeleton():
    same = sum(skeleton_key(hi) == skeleton_key(ens[0]) for hi, ens in PRESS_NOTE_NAMES.items())
    assert same >= 10, same


def test_different_names_do_not_meet():
    assert not _found_by("राजेश वर्मा", "ritesh ranjan")
    assert not _found_by("नवीन कुमार", "vikas mehta")
    assert skeleton_key("अमल अवस्थी") != skeleton_key("नवीन कुमार")


def test_nukta_precomposed_or_combining_gives_one_key():
    precomposed = "ताव\u095Cे"  # ड़ as one code point
    combining = "ताव\u0921\u093Cे"  # ड + nukta
    assert precomposed != combining
    assert clean(precomposed) == clean(combining)
    assert skeleton_key(precomposed) == skeleton_key(combining) == skeleton_key("tawde")
    assert gentle_key(precomposed) == gentle_key(combining)


def test_zero_width_joiners_do_not_change_the_key():
    plain = "मनन कृष्ण"
    for joined in ("मनन कृष्\u200dण", "मनन कृष्\u200cण", "\ufeffमनन कृष्ण"):
        assert skeleton_key(joined) == skeleton_key(plain)
        assert gentle_key(joined) == gentle_key(plain)
    # Issue 12: clean() keeps a joiner inside Devanagari (it changes the conjunct drawn), drops the BOM.
    assert clean("\ufeffमनन कृष्ण") == clean(plain)


def test_clean_is_nfc_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "ज़िला")
    assert clean(f"  {decomposed}\t\n पटना  ") == unicodedata.normalize("NFC", "ज़िला पटना")
    assert clean(None) == ""


def test_query_variants_join_neighbouring_words_and_cap_length():
    assert query_variants("ravi shankar singh") == [["rv", "snkr", "sn"], ["rvsnkr", "sn"], ["rv", "snkrsn"]]
    assert len(query_variants("a b c d e f g h")[0]) == 4
    assert query_variants("!!! ...") == []


def test_indian_grouping():
    assert indian_grouping(1050000) == "10,50,000"
    assert indian_grouping(105000) == "1,05,000"
    assert indian_grouping(999) == "999"
    assert indian_grouping(-1234) == "-1,234"


def test_clean_multiline_keeps_line_breaks_and_cleans_each_line():
    from sampark.core.text import clean_multiline

    assert clean_multiline("  पहली\t\tपंक्ति \r\n\r\n\r\n\r\nदूसरी\u2028तीसरी\rचौथी\n\n") == (
        "पहली पंक्ति\n\nदूसरी\nतीसरी\nचौथी")
    assert clean_multiline("\n\n a\u202eb \n") == "ab"  # a bidi override is dropped, as clean() does
    assert clean_multiline("") == "" and clean_multiline(None) == ""
    with pytest.raises(ValueError):
        clean_multiline("ok\n\ud800")
