"""Typed-text rules: NIST SP 800-63B passwords, stated purposes, no control characters.
Expected outcomes are the rules' own examples (NIST's list of what a verifier refuses) and
hand-made strings."""

from __future__ import annotations

import pytest

from justicelink.errors import InputError
from justicelink.policy import check_password, clean_purpose, printable, visible
from justicelink.policy.passwords import blocklist


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1234", "common or breached"),  # on the list as it is
        ("Password1234", "common or breached"),  # letter case does not help
        ("Qwertyuiop!!", "common or breached"),  # punctuation at the end neither
        ("2024iloveyou", "common or breached"),  # nor digits at the start
        ("short one", "at least 12"),
        ("x" * 1001, "at most 1000"),
        ("line\nbreak in it", "control characters"),
        ("JusticeLink rocks", "service's name"),
        ("ab" * 8, "too few characters"),
    ],
)
def test_passwords_nist_refuses_are_refused(password: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_password(password)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Ünïcödé passphrase ok", "twelve chars", "Tạm biệt, 2026"],
)
def test_long_uncommon_passwords_of_any_characters_pass(password: str) -> None:
    check_password(password)


def test_the_blocklist_is_shipped_and_complete() -> None:
    words = blocklist()
    assert len(words) == 19_640  # the source's line count (see the file's header)
    assert {"123456", "password", "password1234", "qwerty"} <= words
    assert all(w == w.lower() for w in words)


def test_a_password_with_the_users_name_is_refused() -> None:
    with pytest.raises(InputError, match="user name"):
        check_password("my name is Amira, hello", user_name="amira")
    check_password("my name is Amira, hello", user_name="kim")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("  pre-sentence report  ", "pre-sentence report"), ("ดูประวัติเพื่อรายงาน", "ดูประวัติเพื่อรายงาน")],
)
def test_a_purpose_is_trimmed(typed: str, kept: str) -> None:
    assert clean_purpose(typed) == kept


@pytest.mark.parametrize(
    "typed", [None, "", " " * 10, "  too short ", "tab\tin the middle", "\x1b[2Jwipe the screen"]
)
def test_a_purpose_without_substance_is_refused(typed: str | None) -> None:
    with pytest.raises(InputError):
        clean_purpose(typed)


def test_control_characters_are_shown_as_escapes() -> None:
    assert visible("a\tb\x1b[31mc\x7f\x85\u2028") == "a\\x09b\\x1b[31mc\\x7f\\x85\\u2028"
    assert visible("Nguyễn Văn A\u200d") == "Nguyễn Văn A\u200d"  # letters and joiners stay
    assert printable("Nguyễn") and not printable("a\nb")
