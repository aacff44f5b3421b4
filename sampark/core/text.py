"""Text at the edge: NFC, digits, and Roman search keys so "rajesh varma" finds राजेश वर्मा.

Search compares in Roman key space (see docs/STACK.md trap 7): Devanagari is transliterated to Roman
(reliable in that direction), then folded. Two keys:

* ``gentle_key``: lower-case ASCII with common spelling variants folded but vowels kept; used to
  rank candidates with rapidfuzz.
* ``skeleton_key``: the gentle key with vowels (after the first letter) and aspiration dropped and
  doubles collapsed; coarse, used to fetch candidates from an indexed column.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from indic_transliteration import sanscript

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DEV_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SPACES = re.compile(r"\s+")
# A Devanagari word whose last letter is a bare consonant (or consonant + nukta) carries no final
# vowel when spoken, though ITRANS writes one ("राजेश" -> "rAjesha").
_ENDS_IN_CONSONANT = re.compile(r"[\u0915-\u0939\u0958-\u095F]\u093C?$")
_VOWELS = set("aeiouy")


class UnsafeText(ValueError):
    """Text that cannot be stored: a lone surrogate (half of a UTF-16 pair, e.g. a JSON "\\ud800"),
    which no UTF-8 database column accepts. The API answers 422 with this message."""

    def __init__(self):
        super().__init__(_("The text has a broken character (half of an emoji or symbol). Please type it again."))


_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters (C0, DEL, C1) other than the whitespace that collapses to a space below, and the
# bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) that can make a name or a
# directive read differently from what is stored; the byte-order mark too.
_DROP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_DEV = "\u0900-\u097f"
_JOINER_RUN = re.compile(r"[\u200c\u200d]{2,}")
# ZWNJ/ZWJ between two Devanagari characters choose how a conjunct is drawn (क्‍ष, half forms), so they
# are kept there; anywhere else they are invisible noise and dropped.
_STRAY_JOINER = re.compile(rf"(?<![{_DEV}])[\u200c\u200d]|[\u200c\u200d](?![{_DEV}])")
_JOINERS = re.compile(r"[\u200c\u200d]")


def check_storable(value: str) -> str:
    """The value unchanged, or UnsafeText when it holds a lone surrogate (it could not be written)."""
    if _SURROGATE.search(value):
        raise UnsafeText()
    return value


def clean(value: str) -> str:
    """One line of text as stored: NFC, trimmed, every run of whitespace (newlines and tabs too) made
    one space; other control characters, bidi overrides/isolates and the BOM dropped; ZWJ/ZWNJ kept
    only inside Devanagari. Raises UnsafeText (a ValueError) for a lone surrogate."""
    value = check_storable(value or "")
    value = unicodedata.normalize("NFC", _DROP.sub("", value))
    value = _STRAY_JOINER.sub("", _JOINER_RUN.sub(lambda m: m.group()[-1], value))
    return _SPACES.sub(" ", value).strip()


_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_BLANK_RUN = re.compile(r"\n{3,}")


def clean_multiline(value: str) -> str:
    """Text of several lines as stored (a directive's text, a reply): each line cleaned as clean()
    does, the line breaks kept as "\\n" (CR LF, CR and Unicode separators too), at most one blank
    line in a row, none at either end."""
    lines = [clean(line) for line in _LINE_BREAK.split(check_storable(value or ""))]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def ascii_digits(value: str) -> str:
    return (value or "").translate(_DEV_DIGITS)


def has_devanagari(value: str) -> bool:
    return bool(_DEVANAGARI.search(value or ""))


def _word_to_roman(word: str) -> str:
    if not has_devanagari(word):
        return word
    roman = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.ITRANS)
    if _ENDS_IN_CONSONANT.search(word) and roman.endswith("a"):
        roman = roman[:-1]
    # Anusvara: people type "m" before labials and "n" elsewhere (चंपारण champaran, सिंह singh).
    roman = re.sub(r"M(?=[pbm])", "m", roman)
    return roman.replace("M", "n")


def to_roman(value: str) -> str:
    """Devanagari words transliterated (ITRANS, final schwa dropped); Roman words kept."""
    # Joiners change how a conjunct is drawn, never the name: keys ignore them.
    return " ".join(_word_to_roman(w) for w in _JOINERS.sub("", clean(value)).split(" ") if w)


_GENTLE_RULES = [
    (re.compile(r"rri"), "ri"),  # ITRANS vocalic r: कृष्ण kRRiShNa
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"q"), "k"),
    (re.compile(r"f"), "ph"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"([a-z])\1+"), r"\1"),
]


def gentle_key(value: str) -> str:
    roman = unicodedata.normalize("NFKD", to_roman(value))
    roman = "".join(c for c in roman if not unicodedata.combining(c)).lower()
    roman = re.sub(r"[^a-z ]+", "", roman)
    for pattern, repl in _GENTLE_RULES:
        roman = pattern.sub(repl, roman)
    return _SPACES.sub(" ", roman).strip()


def _skeleton_word(word: str) -> str:
    if not word:
        return ""
    out = [word[0]]
    for ch in word[1:]:
        if ch in _VOWELS:
            continue
        if ch == "h" and out[-1] not in _VOWELS:
            continue  # aspiration: bh, dh, sh, ch, kh...
        out.append(ch)
    key = "".join(out)
    key = key.replace("ng", "n").replace("np", "mp").replace("nb", "mb")
    return re.sub(r"([a-z])\1+", r"\1", key)


def skeleton_key(value: str) -> str:
    return " ".join(_skeleton_word(w) for w in gentle_key(value).split(" ") if w)


def skeleton_tokens(value: str) -> list[str]:
    return [t for t in skeleton_key(value).split(" ") if t]


TOKEN_MAX = 32


def name_tokens(*names: str) -> set[str]:
    """Search tokens for stored names: each word's skeleton, and each pair of neighbouring words
    joined, so that a name written apart (भीखू भाई) is found by a query written together
    ("bhikhubhai"). The query side does the converse (see ``query_variants``)."""
    tokens: set[str] = set()
    for name in names:
        words = gentle_key(name).split()
        tokens.update(_skeleton_word(w) for w in words)
        tokens.update(_skeleton_word(a + b) for a, b in zip(words, words[1:], strict=False))
    return {t[:TOKEN_MAX] for t in tokens if t}


def query_variants(query: str, max_words: int = 4) -> list[list[str]]:
    """Token lists to look a query up by: its words, and the same with each neighbouring pair
    joined ("ravi shankar" also as "ravishankar"). Long queries are cut to ``max_words`` words."""
    words = gentle_key(query).split()[:max_words]
    variants = [words] + [words[:i] + [words[i] + words[i + 1]] + words[i + 2:] for i in range(len(words) - 1)]
    out: list[list[str]] = []
    for variant in variants:
        tokens = [t[:TOKEN_MAX] for t in (_skeleton_word(w) for w in variant) if t]
        if tokens and tokens not in out:
            out.append(tokens)
    return out


def indian_grouping(number: int | float | str) -> str:
    """1050000 -> '10,50,000': the last three digits, then groups of two."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        return str(number)
    sign = "-" if n < 0 else ""
    digits = str(abs(n))
    if len(digits) <= 3:
        return sign + digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return sign + ",".join(groups) + "," + tail
