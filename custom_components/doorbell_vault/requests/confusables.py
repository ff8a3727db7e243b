"""Agency names compared as people read them: a confusable skeleton (after UTS #39) plus casefold.

UTS #39's skeleton maps every character to the prototype it can be mistaken for. Agency names are only
ever compared with the short lists the owner types (blocked, only these), so what matters is text that
*looks like* Latin letters and digits: this table holds the confusables.txt prototypes of the Cyrillic,
Greek, Armenian, Cherokee and other letters and symbols that read as a Latin letter or digit, applied
after NFKC (which already folds full-width, mathematical and ligature forms) and casefold. A library
(`confusable_homoglyphs`) detects mixed scripts but exposes no skeleton, and would be one more runtime
requirement for every Home Assistant installing the integration; the table is small and checked by tests.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Lowercase (after casefold) look-alikes → the Latin prototype, from Unicode's confusables.txt.
_LOOKALIKE: Final = {
    # Cyrillic
    "а": "a", "в": "b", "ь": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h",
    "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p",
    "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "џ": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y",
    "ү": "y", "з": "3", "ч": "4", "б": "6",
    # Greek
    "α": "a", "β": "b", "ϲ": "c", "δ": "d", "ε": "e", "η": "n", "ι": "i", "ϳ": "j", "κ": "k",
    "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ζ": "z",
    "ω": "w",
    # Armenian
    "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "զ": "q", "ք": "p",
    # Latin variants and symbols
    "ı": "i", "ȷ": "j", "ɡ": "g", "ɑ": "a", "ʟ": "l", "ǀ": "l", "ꞁ": "l", "ɩ": "i", "ℓ": "l",
    # Digits and letters people confuse with each other
    "0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "8": "b",
}  # fmt: skip
_SEQUENCES: Final = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def _prototype(character: str) -> str:
    """The table applied until it settles (Cyrillic i becomes Latin i, then l, like Latin i)."""
    for _ in range(3):
        character = _LOOKALIKE.get(character, character)
    return character


def skeleton(text: str, *, loose: bool = False) -> str:
    """What an agency name looks like.

    NFKC, casefolded, look-alikes mapped, invisible characters dropped, whitespace collapsed, a
    trailing dot ignored. `loose` also drops accents and other marks (a block list matches more; an
    allow list, less).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    if loose:
        folded = unicodedata.normalize("NFKD", folded)
    dropped = {"Cf", "Cc", "Mn", "Me"} if loose else {"Cf", "Cc"}
    visible = "".join(_prototype(c) for c in folded if unicodedata.category(c) not in dropped)
    for sequence, prototype in _SEQUENCES:
        visible = visible.replace(sequence, prototype)
    collapsed = " ".join(visible.split())
    return unicodedata.normalize("NFD", collapsed.rstrip(". ").strip())


def same_agency(a: str, b: str, *, loose: bool = False) -> bool:
    """Whether two agency names read the same (`loose`: whatever their accents)."""
    other = skeleton(b, loose=loose)
    return bool(other) and skeleton(a, loose=loose) == other
