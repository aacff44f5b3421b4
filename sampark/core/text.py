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

from indic_transliteration import sanscript

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DEV_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_SPACES = re.compile(r"\s+")
# A Devanagari word whose last letter is a bare consonant (or consonant + nukta) carries no final
# vowel when spoken, though ITRANS writes one ("राजेश" -> "rAjesha").
_ENDS_IN_CONSONANT = re.compile(r"[\u0915-\u0939\u0958-\u095F]\u093C?$")
_VOWELS = set("aeiouy")


def clean(value: str) -> str:
    """NFC, trimmed, inner whitespace collapsed; zero-width joiners kept only inside Devanagari."""
    value = unicodedata.normalize("NFC", value or "")
    # ZWJ/ZWNJ change only the rendering of a conjunct, never the name: drop them so that two
    # spellings of one name compare equal.
    value = value.replace("\u200c", "").replace("\u200d", "").replace("\ufeff", "")
    return _SPACES.sub(" ", value).strip()


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
    return " ".join(_word_to_roman(w) for w in clean(value).split(" ") if w)


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
