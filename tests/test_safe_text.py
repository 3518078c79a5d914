"""`visible`: any text in, nothing a terminal would obey out."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rep_tui.domain.rules import check_text
from rep_tui.domain.safe_text import INVISIBLE, json_text, visible
from rep_tui.domain.validation import Invalid

CONTROL = re.compile(rf"[\x00-\x1f\x7f-\x9f\ud800-\udfff{INVISIBLE}]")
#: Printable text: no C0/C1 controls, no surrogates (categories Cc, Cs), nothing invisible, anything else.
printable_text = st.text(st.characters(blacklist_categories=("Cc", "Cs"),
                                       blacklist_characters=[chr(c) for c in range(0x10000) if CONTROL.match(chr(c))]))
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff"]


@given(st.text(st.characters(blacklist_categories=())))  # surrogates too
def test_no_control_character_or_surrogate_survives(text: str) -> None:
    assert not CONTROL.search(visible(text))


@given(st.text())
def test_lines_keep_only_newline_and_tab(text: str) -> None:
    assert set(CONTROL.findall(visible(text, lines=True))) <= {"\n", "\t"}


@given(printable_text)
def test_printable_text_is_unchanged(text: str) -> None:
    assert visible(text) == text
    assert visible(text, lines=True) == text


@given(printable_text, st.sampled_from(["\x1b", "\x07", "\x00", "\x9b", "\x7f", "\n"]), printable_text)
def test_the_rest_of_the_text_is_kept_around_a_control(before: str, control: str, after: str) -> None:
    shown = visible(before + control + after)
    assert shown.startswith(before) and shown.endswith(after)
    assert len(shown) > len(before) + len(after)  # the control is shown, not dropped


def test_escape_sequences_are_shown_as_symbols() -> None:
    assert visible("\x1b]52;c;SGVsbG8=\x07") == "␛]52;c;SGVsbG8=␇"
    assert visible("\x1b[2J") == "␛[2J"
    assert visible("a\x00b\x7fc\x9b2Jd\ud800") == "a␀b␡c\\x9b2Jd\\ud800"
    assert visible("one\ntwo\tthree") == "one␊two␉three"
    assert visible("one\ntwo\tthree\r", lines=True) == "one\ntwo\tthree␍"
    assert visible("one\r\ntwo\r\n", lines=True) == "one\ntwo\n"
    assert visible("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"  # markup is the widget's business


@pytest.mark.parametrize("char", BIDI + ZERO_WIDTH + ["\u200e", "\u200f", "\u061c"])
def test_characters_that_draw_nothing_are_shown(char: str) -> None:
    """A direction override makes "invoice\u202efdp.exe" read "invoiceexe.pdf";
    a zero-width space makes two names that look the same differ."""
    shown = f"\\u{ord(char):04x}"
    assert visible(f"invoice{char}fdp.exe") == f"invoice{shown}fdp.exe"
    assert visible(f"one\n{char}two", lines=True) == f"one\n{shown}two"
    assert json_text([char]) == f'[\n  "{shown}"\n]'


@pytest.mark.parametrize("char", BIDI)
def test_short_text_with_a_direction_override_is_refused_and_long_text_keeps_it(char: str) -> None:
    with pytest.raises(Invalid, match=f"direction override \\(U\\+{ord(char):04X}\\)"):
        check_text(f"invoice{char}fdp.exe", max_length=200, long=False)
    assert check_text(f"a comment{char} in Arabic", max_length=None, long=True)


@pytest.mark.parametrize("text", ["Hasan\u200cpur", "\u05e9\u05dc\u05d5\u05dd\u200f 123", "👩\u200d💻"])
def test_right_to_left_marks_and_joiners_stay_allowed_in_names(text: str) -> None:
    assert check_text(text, max_length=200, long=False) == text


any_text = st.text(st.characters(blacklist_categories=()))


@given(st.dictionaries(any_text, st.lists(any_text | st.integers() | st.none())))
def test_json_text_is_json_of_the_same_value_with_every_control_escaped(value: dict) -> None:
    shown = json_text(value)
    assert json.loads(shown) == value
    assert set(CONTROL.findall(shown)) <= {"\n"}  # the indentation's newlines only
    shown.encode("utf-8")  # printable on a UTF-8 terminal: no lone surrogate


def test_json_text_keeps_accents_readable() -> None:
    assert json_text(["José", "\x1b[2J\x9b"]) == '[\n  "José",\n  "\\u001b[2J\\u009b"\n]'
