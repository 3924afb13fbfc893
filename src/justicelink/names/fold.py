"""Folding names to lower-case ASCII words, and splitting them into words."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not reduce to an ASCII base letter.
_SPECIAL_LETTERS = str.maketrans(
    {"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "ı": "i"}
)
_NOT_LETTER = re.compile(r"[^a-z]+")
# Slash connectors of Malaysian Indian and South Asian names (a/l: anak lelaki, son of; a/p:
# anak perempuan, daughter of; s/o, d/o, w/o): one word, matched before folding would cut
# them into single letters that look like initials.
SLASH_CONNECTOR = re.compile(r"(?<![A-Za-z])([AaSsDdWw])\s*/\s*([LlPpOo])(?![A-Za-z])")


def fold(text: str | None) -> str:
    """Lower-case ASCII letters and single spaces: diacritics, punctuation and case removed.

    >>> fold("  NGUYỄN Văn-Đức ")
    'nguyen van duc'
    """
    if not text:
        return ""
    letters = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    stripped = "".join(ch for ch in letters if not unicodedata.combining(ch))
    return _NOT_LETTER.sub(" ", stripped.lower()).strip()


def raw_words(text: str) -> list[str]:
    """The words of a name as written (case kept), a slash connector as one word "a/l".

    >>> raw_words("KUMAR a / l Rajan")
    ['KUMAR', 'a/l', 'Rajan']
    """
    marked = SLASH_CONNECTOR.sub(lambda m: f" {m.group(1)}/{m.group(2)} ", text)
    return marked.split()


def word_key(word: str) -> str:
    """A word as looked up in the tables: folded, joined ("Min-jun" -> "minjun"), slash
    connectors lower-cased as written ("A/L" -> "a/l")."""
    if "/" in word and SLASH_CONNECTOR.fullmatch(word):
        return word.lower()
    return fold(word).replace(" ", "")
