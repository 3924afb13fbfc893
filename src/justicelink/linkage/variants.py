"""A name's *variant form*: nicknames, abbreviations and romanisations folded together.

Two records of one person may spell a name in different romanisations (Zhang / Chang,
Lee / Yi, Srisuk / Srisook), shorten it (Muh. for Muhammad) or use a nickname (Bobby for
Robert). Such names are compared at a level of their own, weaker than equality, whose weight
the model learns: the folding joins spellings of one name, but also some different names.

The variant form of each word: the name a nickname or variant spelling stands for
(``names/data/name_variants.csv``); then, for a Chinese name (one of its words a Chinese
family name), a folding of Wade–Giles and pinyin initials and finals; for a Vietnamese or
Korean name nothing more; for any other name a folding of romanisation spellings (see
``names/data/SOURCES.md``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from justicelink.linkage.normalise import canonical_spelling
from justicelink.names import knowledge

# Wade–Giles and pinyin, with the aspiration apostrophes records drop: each pair of
# initials that the two systems (or aspiration) distinguish folds to one class. Ordered:
# digraphs before single letters.
_CHINESE_INITIALS = (
    (re.compile(r"^(tz|ts|z|c)(?!h)"), "Z"),
    (re.compile(r"^(zh|ch|j|q)"), "C"),
    (re.compile(r"^(hs|x)"), "X"),
    (re.compile(r"^(b|p)"), "P"),
    (re.compile(r"^(d|t)"), "T"),
    (re.compile(r"^(g|k)"), "K"),
)
_CHINESE_FINALS = (
    (re.compile(r"ung$"), "ong"),
    (re.compile(r"ien$"), "ian"),
    (re.compile(r"ieh$"), "ie"),
    (re.compile(r"ueh$"), "ue"),
    (re.compile(r"uei$"), "ui"),
    (re.compile(r"^(C|sh|j|r)ih$"), r"\1i"),
    (re.compile(r"^(ss|sz)u$"), "si"),
    (re.compile(r"^Zu$"), "Zi"),
    (re.compile(r"(?<=^[Kh])o$"), "e"),
    (re.compile(r"^yeh$"), "ye"),
    (re.compile(r"^yen$"), "yan"),
    (re.compile(r"^erh$"), "er"),
)

_ROMAN_RULES = (
    (re.compile(r"([ptkbdg])h"), r"\1"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"(oo|ou)"), "u"),
    (re.compile(r"(?<=[a-z])y(?=[a-z])"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=.)h$"), ""),
)


def chinese_fold(word: str) -> str:
    """Fold one Chinese syllable's Wade–Giles or pinyin spelling to a shared form.

    >>> chinese_fold("chang") == chinese_fold("zhang"), chinese_fold("hsu") == chinese_fold("xu")
    (True, True)
    >>> chinese_fold("tsai") == chinese_fold("cai"), chinese_fold("chung") == chinese_fold("zhong")
    (True, True)
    """
    folded = word
    for pattern, repl in _CHINESE_INITIALS:
        folded, count = pattern.subn(repl, folded, count=1)
        if count:
            break
    for pattern, repl in _CHINESE_FINALS:
        folded = pattern.sub(repl, folded)
    return folded.lower()


def roman_fold(word: str) -> str:
    """Fold romanisation spellings of one word (Thai, South Asian, Malay, Arabic origin).

    >>> [roman_fold(w) for w in ("srisook", "suvit", "siddiqi", "fatimah", "rasheed")]
    ['srisuk', 'suvit', 'sidiki', 'fatima', 'rashid']
    """
    folded = word
    for pattern, repl in _ROMAN_RULES:
        folded = pattern.sub(repl, folded)
    return folded


@lru_cache(maxsize=500_000)
def variant_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The variant form of each word of a name (tokens as from ``name_tokens``), sorted.

    >>> variant_tokens(("bobby", "santos")) == variant_tokens(("robert", "santos"))
    True
    >>> variant_tokens(("chang", "wei")) == variant_tokens(("wei", "zhang"))
    True
    """
    k = knowledge()
    chinese = any(k.is_chinese(t) for t in tokens)
    # Vietnamese and Korean names have one Latin spelling each once diacritics are gone
    # (Anh and An, Thanh and Tan are different names): their variants come from the table
    # only.
    spelled = (
        any(k.traditions.get(t, frozenset()) & {"vietnamese", "korean"} for t in tokens)
        and not chinese
    )
    out = []
    for token in tokens:
        word = canonical_spelling(k.variants.get(token, token))
        if chinese:
            out.append(chinese_fold(word))
        else:
            out.append(word if spelled else roman_fold(word))
    return tuple(sorted(out))
