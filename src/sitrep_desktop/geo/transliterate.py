"""Fold place names so that the spellings people actually type meet.

Arabic place names reach us through many romanisations (Ḩamāh, Hama, Hamah;
Ţarţūs, Tartous; Tallbīsah, Talbiseh) and in Arabic script with optional
vowel marks. ``fold`` maps them all to one search key. It is deliberately
lossy: it only has to make two spellings of the same name equal, and it is
applied to both sides of every comparison, so over-folding costs a few extra
matches, never a missed one.

The gazetteer file stores keys made by this function; bump ``FOLD_VERSION``
whenever the output changes so that stale keys are recomputed on load.
"""

from __future__ import annotations

import re
import unicodedata

FOLD_VERSION = 1

# Definite-article tokens (with the sun-letter assimilations): "Ar Rastan",
# "al-Rastan" and "Rastan" are the same town.
_ARTICLES = frozenset("al el il ul ar er ad ed as es at et az ez an en ash esh ath adh".split())

# Letters NFKD does not decompose into base + mark.
_LATIN_EXTRA = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ə": "a",
    }
)

# Apostrophe-like signs (hamza, ʿayn, quotes) vanish instead of splitting words.
_APOSTROPHES = re.compile("['’‘`´ʿʾʼʻ\u02b9\u02ba]")

_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        "\u0640": None,
    }
)
# Tashkeel (harakat, shadda, sukun, superscript alef) and Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC = re.compile("[\u0600-\u06ff]")

# Latin transliteration variants, applied in order to each word. Arabic has
# three vowels, so e/i and o/u are the same sound written differently.
# Rules anchored at the word end ($) are skipped for the last word of a
# partial query: "Ale" must stay a prefix of Aleppo, not become "ala".
_LATIN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"dj", "j"),
        (r"dh", "d"),
        (r"th", "t"),
        (r"kh", "k"),
        (r"gh", "g"),
        (r"ck", "k"),
        (r"q", "k"),
        (r"(ou|oo|ue)", "u"),
        (r"aw(?![aeiou])", "u"),  # Zawr / Zor
        (r"(ay|ai|ei|ey)(?![aeiou])", "i"),  # Dayr / Deir
        (r"ee", "i"),
        (r"([aeiou])h$", r"\1"),  # taa marbuta: Hamah / Hama, Talbiseh
        (r"e$", "a"),  # final -e(h) is the same ending as -a(h)
        (r"e", "i"),
        (r"o", "u"),
        (r"(.)\1+", r"\1"),  # doubled letters: Tallbisah, Lattakia, Tartouss
    )
)


def _fold_latin_word(word: str, open_end: bool = False) -> str:
    for pattern, replacement in _LATIN_RULES:
        if not (open_end and pattern.pattern.endswith("$")):
            word = pattern.sub(replacement, word)
    return word


def _fold_arabic_word(word: str) -> str:
    word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS)
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    return word


def fold(text: str, partial: bool = False) -> str:
    """Return the search key of ``text``: lower case, no accents, variants unified.

    With ``partial`` the text is taken as typed so far: its last word may be
    incomplete, so word-ending rules are not applied to it.

    >>> fold("Ḩamāh"), fold("Ţarţūs"), fold("Tartous"), fold("al-Rastan")
    ('hama', 'tartus', 'tartus', 'rastan')
    """
    text = _APOSTROPHES.sub("", text.casefold()).translate(_LATIN_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    # Drop Latin combining marks only; Arabic marks are handled per word,
    # and NFKC afterwards re-composes any other script's characters.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = unicodedata.normalize("NFKC", stripped)
    words = [w for w in re.split(r"[\W_]+", stripped) if w]
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    words = [w for i, w in enumerate(words) if i == 0 or w not in _ARTICLES or i == len(words) - 1]
    last = len(words) - 1
    folded = [
        _fold_arabic_word(w) if _ARABIC.search(w) else _fold_latin_word(w, partial and i == last)
        for i, w in enumerate(words)
    ]
    return " ".join(w for w in folded if w)
