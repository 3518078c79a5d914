"""Every date field of the app reads what a rep types the same way (one
parser, `domain/dates.py`): "tomorrow", "+2", "12/3" and "2026-12-03" mean
the same day in a follow-up, an engagement, the Result dialog and a date
range. The clock is the tests' fixed one: Tuesday Nov 24, 2026 in Chicago."""

from __future__ import annotations

from datetime import date

import pytest

from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.dialogs.follow_up import FollowUpDialog
from rep_tui.dialogs.result import ResultDialog
from rep_tui.domain.forms import check_engagement
from rep_tui.widgets.validated_input import ValidatedInput

TYPED = {"tomorrow": date(2026, 11, 25), "+2": date(2026, 11, 26), "12/3": date(2026, 12, 3),
         "2026-12-03": date(2026, 12, 3)}


async def _each_typed_into(pilot, field_id: str) -> dict[str, date]:
    """Type each of TYPED into the field (focused from the keyboard) and read what it understood."""
    field = pilot.app.screen.query_one(f"#{field_id}", ValidatedInput)
    field.input.focus()
    understood = {}
    for text in TYPED:
        await retype(pilot, text)
        await pilot.pause()
        understood[text] = field.cleaned()
    return understood


@pytest.mark.parametrize("typed", TYPED)
def test_an_engagement_takes_its_date_and_follow_up_as_every_date_field(typed):
    clean = check_engagement({"subject": "Call back", "day": typed, "contact_type": "phone", "follow_up": True,
                              "follow_up_on": typed}, "America/Chicago")
    assert clean["occurred_at"].date() == clean["follow_up_on"] == TYPED[typed]


def test_an_engagement_date_without_a_year_is_the_nearest_one():
    """An engagement is usually logged after it happened: Nov 20 is last week's, not next year's."""
    clean = check_engagement({"subject": "Visit", "day": "11/20", "contact_type": "visit"}, "America/Chicago")
    assert clean["occurred_at"].date() == date(2026, 11, 20)


async def press_each(pilot, *keys: str) -> None:
    """Each key once the app has done what the one before asked (screens open in workers)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.anyio
async def test_be_backs_follow_up_dialog(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_each(pilot, "3", "f")
        assert isinstance(app.screen, FollowUpDialog)
        assert await _each_typed_into(pilot, "day") == TYPED


@pytest.mark.anyio
async def test_result_dialog_follow_up_and_new_date(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_each(pilot, "4", "r")
        assert isinstance(app.screen, ResultDialog)
        await press_each(pilot, "b")  # Be Back: a follow-up date
        assert await _each_typed_into(pilot, "follow_up") == TYPED
        await press_each(pilot, "escape", "r")  # back to the codes; Reset: a new date
        assert await _each_typed_into(pilot, "new_day") == TYPED


@pytest.mark.anyio
async def test_stats_and_search_date_ranges(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_each(pilot, "6", "c")  # My Stats, a custom range
        assert await _each_typed_into(pilot, "since") == TYPED
        assert await _each_typed_into(pilot, "until") == TYPED
        await retype(pilot, "-7")  # a range looks back: a week ago
        assert app.screen.query_one("#until", ValidatedInput).cleaned() == date(2026, 11, 17)
        await press_each(pilot, "escape", "2", "ctrl+f")  # Search, its filters
        assert await _each_typed_into(pilot, "since") == TYPED
