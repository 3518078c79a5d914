"""`visible`: any text in, nothing a terminal would obey out."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from rep_tui.domain.safe_text import json_text, visible

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Printable text: no C0/C1 controls, no surrogates (categories Cc, Cs), anything else.
printable_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")))


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


any_text = st.text(st.characters(blacklist_categories=()))


@given(st.dictionaries(any_text, st.lists(any_text | st.integers() | st.none())))
def test_json_text_is_json_of_the_same_value_with_every_control_escaped(value: dict) -> None:
    shown = json_text(value)
    assert json.loads(shown) == value
    assert set(CONTROL.findall(shown)) <= {"\n"}  # the indentation's newlines only
    shown.encode("utf-8")  # printable on a UTF-8 terminal: no lone surrogate


def test_json_text_keeps_accents_readable() -> None:
    assert json_text(["José", "\x1b[2J\x9b"]) == '[\n  "José",\n  "\\u001b[2J\\u009b"\n]'
