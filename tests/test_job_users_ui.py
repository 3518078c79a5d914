"""The users on a job on the Job tab, driven by keys on the demo company: a
user whose group lets them (EDIT_JOB_USERS) puts a co-rep on the sold job
with keys typed in a burst, sees the shares and the split commission, and
takes the co-rep off after a confirm; a share over what is left is refused
in the form, saving nothing; without the permission there is no key for it.
The snapshot: the Job tab with two users on the job at 80×24."""

from __future__ import annotations

from decimal import Decimal

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.screens.confirm import ConfirmScreen
from rep_tui.screens.job_user_dialog import JobUserScreen
from rep_tui.store import queries, writes
from rep_tui.store.job_users import add_job_user
from rep_tui.store.leads import load_lead
from rep_tui.store.models import JobUser, Lead, User

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def office_app(store) -> RepApp:
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_JOB_USERS}
    return app


def co_rep(store) -> tuple:
    """Another rep of the company to share the sale with: (id, full name)."""
    with store.session() as session:
        rep_id = session.scalar(select(Lead.rep_id).where(Lead.id == sale_lead(session)))
        return session.execute(select(User.id, User.full_name).where(User.role == "rep", User.id != rep_id,
                                                                     User.active.is_(True))
                               .order_by(User.full_name)).first()


def users_rows(app) -> list[tuple[str, ...]]:
    """The Job tab's users list as shown (nothing while a dialog is over it)."""
    tables = app.screen.query("#job-users-table")
    if not tables:
        return []
    table = tables.first()
    return [tuple(str(cell).strip() for cell in table.get_row_at(n)) for n in range(table.row_count)]


def live_job_users(store, lead_id) -> dict:
    with store.session() as session:
        job = load_lead(session, lead_id).current_job.job
        return {(row.user_id, row.role): row.share_pct for row in session.scalars(
            select(JobUser).where(JobUser.job_id == job.id, JobUser.deleted.is_(False)))}


async def open_sale(pilot, store):
    with store.session() as session:
        lead_id = sale_lead(session)
    pilot.app.open_lead(lead_id)
    await settle(pilot)
    return lead_id


async def test_a_co_rep_added_in_a_burst_splits_the_shares_and_comes_off_after_a_confirm(store):
    other_id, other_name = co_rep(store)
    app = office_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        assert [row[1:3] for row in users_rows(app)] == [("rep", "100 %")]
        burst(pilot, "s", "enter", other_name[:4], "enter", "tab", "tab", "40", "ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: not isinstance(app.screen, JobUserScreen), "the dialog to close")
        await wait_until(pilot, lambda: len(users_rows(app)) == 2, "the co-rep to show")
        assert [row[:3] for row in users_rows(app)][1] == (other_name, "co-rep", "40 %")
        assert users_rows(app)[0][1:3] == ("rep", "60 %")
        with store.session() as session:
            rep_id = session.get(Lead, lead_id).rep_id
        assert live_job_users(store, lead_id) == {(rep_id, "rep"): Decimal(60), (other_id, "co-rep"): Decimal(40)}

        app.screen.query_one("#job-users-table").focus()
        await settle(pilot)
        burst(pilot, "down", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm")
        burst(pilot, "y")
        await wait_until(pilot, lambda: len(users_rows(app)) == 1, "the co-rep to go")
        assert users_rows(app)[0][1:3] == ("rep", "100 %")


async def test_a_share_over_what_is_left_is_refused_in_the_form_and_nothing_is_saved(store):
    other_id, other_name = co_rep(store)
    with store.session() as session:  # an installer holds 70 %: 30 % is left to share
        lead_id = sale_lead(session)
        job = load_lead(session, lead_id).current_job.job
        add_job_user(session, writes.Actor(queries.current_user(session).id, "Office"), job.id, other_id,
                     "installer", Decimal(70))
    before = live_job_users(store, lead_id)
    app = office_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sale(pilot, store)
        burst(pilot, "s", "enter", other_name[:4], "enter", "tab", "tab", "40", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, JobUserScreen)
        assert "Nothing was saved" in str(app.screen.query_one("#dialog-message").render())
        error = " ".join(str(w.render()) for w in app.screen.query(".field-error"))
        assert "add up to 110 %: at most 100 %; 30 % is left" in error, error
        burst(pilot, "ctrl+u", "140", "ctrl+s")
        await settle(pilot)
        error = " ".join(str(w.render()) for w in app.screen.query(".field-error"))
        assert "between 0 and 100" in error, error
    assert live_job_users(store, lead_id) == before


async def test_without_the_permission_there_is_no_key_for_it(store):
    app = RepApp(store)
    app.permissions = granted("rep")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sale(pilot, store)
        burst(pilot, "s")
        await settle(pilot)
        assert not isinstance(app.screen, JobUserScreen)
        assert str(app.screen.query_one("#job-users .section-title").render()) == "Users on the Job"


def test_the_job_tab_with_two_users_on_the_job(snap_compare, store):
    other_id, _name = co_rep(store)
    with store.session() as session:
        lead_id = sale_lead(session)
        job = load_lead(session, lead_id).current_job.job
        actor = writes.Actor(queries.current_user(session).id, "Office")
        add_job_user(session, actor, job.id, other_id, "co-rep", Decimal(40))

    async def show_users(pilot):
        pilot.app.open_lead(lead_id)
        await settle(pilot)
        pilot.app.screen.query_one("#job-users-table").focus()
        await settle(pilot)

    assert snap_compare(office_app(store), terminal_size=(80, 24), run_before=show_users)
