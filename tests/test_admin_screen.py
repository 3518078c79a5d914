"""The Admin screen, by keys only, on the demo company with its admin signed
in: F9 (or Ctrl+P "admin") opens users, teams and groups; a new group gets
its permissions ticked, a user is put in it, and both are local writes queued
to sync. A rep (whose group does not grant "Manage users") has no F9, no
palette entry, and F9 does nothing. A snapshot at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, palette_answered, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import func, select
from textual.command import CommandList
from textual.widgets import Select, SelectionList
from test_shell import footer_showing, footer_text, palette_pick

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission
from rep_tui.screens.admin import AdminScreen
from rep_tui.screens.admin_dialogs import DeleteUserDialog, GroupDialog, UserDialog
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Appointment, Lead, User, UserGroup

pytestmark = pytest.mark.anyio


def _user(store, username: str) -> User:
    with store.session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_an_admin_adds_a_group_ticks_its_permissions_and_puts_a_user_in_it(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.may(Permission.MANAGE_USERS)
        await _press(pilot, "f9")
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        await _press(pilot, "g")
        assert [row.cells[0] for row in screen.table.rows_shown] == ["Managers", "Office admins", "Reps"]

        await _press(pilot, "a")
        assert isinstance(app.screen, GroupDialog)
        await pilot.press(*"Closers")
        await _press(pilot, "tab", *"Reps who may delete", "tab")  # the description, then the list
        permissions = app.screen.query_one("#permissions", SelectionList)
        assert app.focused is permissions
        labels = [permissions.get_option_at_index(i).prompt.plain for i in range(permissions.option_count)]
        for wanted in (Permission.SEE_PAYMENTS, Permission.DELETE_LEADS):
            while permissions.highlighted != labels.index(wanted.label):
                await pilot.press("down")
            await _press(pilot, "space")
        await _press(pilot, "ctrl+s")
        assert app.screen is screen
        assert screen.table.current.cells[0] == "Closers"  # the cursor on what was saved
        with store.session() as s:
            group = s.scalars(select(UserGroup).where(UserGroup.name == "Closers")).one()
            assert (group.description, group.permissions) == ("Reps who may delete", ["delete_leads", "see_payments"])

        await _press(pilot, "u")
        keys = [row.key for row in screen.table.rows_shown]
        screen.table.move_cursor(row=keys.index(str(_user(store, "demo").id)))
        await _press(pilot, "enter")
        form = app.screen
        assert isinstance(form, UserDialog)
        form.query_one("#group_id").value = group.id  # the Select's own keys are Textual's; the value is ours
        await _press(pilot, "ctrl+s")
        assert app.screen is screen
        assert _user(store, "demo").group_id == group.id
        assert "Closers" in screen.table.current.cells
        with store.session() as s:
            queued = [(e.table_name, e.op) for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq))]
        assert queued == [("user_groups", "insert"), ("users", "update")]


async def test_a_refused_field_keeps_the_form_open_with_the_reason(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9", "a")
        assert isinstance(app.screen, UserDialog)
        await pilot.press(*"demo")  # the demo rep's username
        await _press(pilot, "tab", *"Second Demo", "ctrl+s")
        assert isinstance(app.screen, UserDialog)
        assert "someone else's username" in str(app.screen.query_one("#field-username .field-error").render())
        assert app.focused is app.screen.query_one("#username")  # the refused field, its text kept
        await retype(pilot, "demo2")
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, AdminScreen)
        assert _user(store, "demo2").full_name == "Second Demo"


async def test_disabling_a_user_is_one_key_and_queued_to_sync(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9")
        screen = app.screen
        name = screen.table.current.cells[0]
        await _press(pilot, "d")
        with store.session() as s:
            assert s.scalars(select(User.active).where(User.full_name == name)).one() is False
        assert screen.table.current.cells[-1].text == "disabled"
        await _press(pilot, "d")
        assert screen.table.current.cells[-1].text == "active"


async def test_deleting_a_user_gives_their_leads_to_the_user_chosen(store):
    demo, manager = _user(store, "demo"), _user(store, "demo-manager")
    with store.session() as s:
        theirs = set(s.scalars(select(Lead.id).where(Lead.rep_id == demo.id, Lead.deleted.is_(False))))
        open_visits = set(s.scalars(select(Appointment.id).where(
            Appointment.rep_id == demo.id, Appointment.result_code.is_(None), Appointment.lead_id.in_(theirs))))
    assert theirs and open_visits
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9")
        screen = app.screen
        keys = [row.key for row in screen.table.rows_shown]
        screen.table.move_cursor(row=keys.index(str(demo.id)))
        await _press(pilot, "x")
        form = app.screen
        assert isinstance(form, DeleteUserDialog)
        assert f"{len(theirs)} lead(s) on this device are theirs" in str(form.query_one(".dialog-note").render())
        form.query_one("#leads_to").value = manager.id
        await _press(pilot, "ctrl+s")
        assert app.screen is screen
        assert str(demo.id) not in [row.key for row in screen.table.rows_shown]
    with store.session() as s:
        assert s.get(User, demo.id).deleted
        assert set(s.scalars(select(Lead.id).where(Lead.rep_id == manager.id))) >= theirs
        assert {s.get(Appointment, a).rep_id for a in open_visits} == {manager.id}
        queued = {(e.table_name, e.op) for e in s.scalars(select(OutboxEntry))}
    assert queued == {("leads", "update"), ("appointments", "update"), ("users", "delete")}


async def test_a_rep_whose_group_gains_manage_users_by_a_sync_gets_admin_at_once(store):
    from rep_tui.messages import RowsChanged

    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.may(Permission.MANAGE_USERS)
        with store.session() as s:  # what a pull writes: the Reps group's new grant
            reps = s.scalars(select(UserGroup).where(UserGroup.name == "Reps")).one()
            reps.permissions = ["manage_users", "see_payments"]
        app.post_message(RowsChanged(frozenset({"user_groups"})))
        await settle(pilot)
        assert app.may(Permission.MANAGE_USERS)
        assert "f9 Admin" in await footer_showing(pilot, "Admin")
        await _press(pilot, "f9")
        assert isinstance(app.screen, AdminScreen)
        await _press(pilot, "a")
        roles = app.screen.query_one("#role")  # a rep who manages users does not make admins
        assert [value for _label, value in roles._options if value is not Select.NULL] == ["rep", "manager"]


async def test_a_user_manager_who_is_no_admin_may_not_touch_an_admins_account(store):
    with store.session() as s:  # what a pull writes: the Reps group may manage users
        s.scalars(select(UserGroup).where(UserGroup.name == "Reps")).one().permissions = ["manage_users"]
    admin = _user(store, "admin")
    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9")
        screen = app.screen
        while screen.table.current.key != str(admin.id):
            await _press(pilot, "down")
        for key in ("d", "x", "enter"):
            await _press(pilot, key)
            assert app.screen is screen, key  # no form, no question
        with store.session() as s:
            assert s.get(User, admin.id).active is True
            assert s.scalars(select(OutboxEntry)).first() is None
        assert "Only an admin may change an admin's account." in [n.message for n in app._notifications]


async def test_a_rep_has_no_admin_screen(store):
    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.may(Permission.MANAGE_USERS)
        assert "f8 Team" not in footer_text(app.screen) and "Admin" not in footer_text(app.screen)
        await _press(pilot, "f9")
        assert isinstance(app.screen, DashboardScreen)
        await _press(pilot, "ctrl+p", *"admin")
        await palette_answered(pilot)
        hits = app.screen.query_one(CommandList)
        assert not any("Admin" in str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count))


async def test_an_admin_finds_it_in_the_palette_and_the_footer(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "f9 Admin" in await footer_showing(pilot, "Admin")
        await palette_pick(pilot, "open admin")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)


def test_a_deleted_users_leads_may_be_left_with_no_rep_but_nobody_deletes_themselves(store):
    from rep_tui.domain.forms import FormErrors
    from rep_tui.store import people, writes

    office, demo = _user(store, "admin"), _user(store, "demo")
    actor = writes.Actor(office.id, office.full_name, "office")
    with store.session() as s:
        moved = people.delete_user(s, actor, demo.id, None)
        assert moved and s.scalar(select(func.count()).select_from(Lead).where(Lead.rep_id == demo.id)) == 0
        with pytest.raises(FormErrors, match="yourself"):
            people.delete_user(s, actor, office.id, None)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_admin_snapshot(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await _press(pilot, "f9", "g")

    assert snap_compare(RepApp(store, user_id=_user(store, "admin").id), terminal_size=size, run_before=run_before)


def test_nobody_locks_themselves_out_or_leaves_the_company_without_an_admin(store):
    from rep_tui.domain.forms import FormErrors
    from rep_tui.store import people, writes

    office = _user(store, "admin")
    actor = writes.Actor(office.id, office.full_name, "office")

    def refused(match: str, change) -> None:
        with pytest.raises(FormErrors, match=match), store.session() as s:
            change(s)

    def own_group_without_managing(s):
        group = s.get(UserGroup, office.group_id)
        people.save_group(s, actor, group.id, {"name": group.name, "description": group.description, "permissions": [
            p for p in group.permissions if p != Permission.MANAGE_USERS.value]})

    refused("your own right to manage users", own_group_without_managing)
    refused("your own right", lambda s: people.toggle_active(s, actor, office.id))
    # A manager given "Manage users" by a group may not demote the only admin...
    with store.session() as s:
        manager = s.scalars(select(User).where(User.role == "manager")).first()
        boss = people.save_group(s, actor, None, {"name": "Bosses", "description": "",
                                                  "permissions": [Permission.MANAGE_USERS.value]})
        people.save_user(s, actor, manager.id, {**_user_values(manager), "group_id": boss.id})
        by_manager = writes.Actor(manager.id, manager.full_name, "manager")
    refused("no active admin", lambda s: people.save_user(s, by_manager, office.id,
                                                          {**_user_values(office), "role": "manager"}))
    # ...nor delete the group that gives it to them (their role's defaults lack it)...
    refused("your own right", lambda s: people.delete_group(s, by_manager, boss.id))
    # ...while the admin may: its member falls back to the manager's defaults.
    with store.session() as s:
        assert people.delete_group(s, actor, boss.id) == 1
    with store.session() as s:
        assert s.get(User, manager.id).group_id is None and s.get(UserGroup, boss.id).deleted
        assert s.get(User, office.id).active and s.get(User, office.id).role == "admin"


def _user_values(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone,
            "role": user.role, "team_id": user.team_id, "group_id": user.group_id, "active": user.active}


async def test_deleting_a_team_asks_and_leaves_its_members_with_no_team(store):
    from rep_tui.screens.confirm import ConfirmScreen

    demo = _user(store, "demo")
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9", "t")
        screen = app.screen
        keys = [row.key for row in screen.table.rows_shown]
        screen.table.move_cursor(row=keys.index(str(demo.team_id)))
        await _press(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        assert "member(s) will have no team" in str(app.screen.query_one("Static").render())
        await _press(pilot, "n")
        assert _user(store, "demo").team_id == demo.team_id  # no: nothing changed
        await _press(pilot, "x", "y")
        assert app.screen is screen
        assert _user(store, "demo").team_id is None
        assert str(demo.team_id) not in [row.key for row in screen.table.rows_shown]


async def test_an_admin_is_told_why_they_may_not_disable_themselves(store):
    admin = _user(store, "admin")
    app = RepApp(store, user_id=admin.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9")
        screen = app.screen
        keys = [row.key for row in screen.table.rows_shown]
        screen.table.move_cursor(row=keys.index(str(admin.id)))
        await _press(pilot, "d")
        assert _user(store, "admin").active
        assert any("your own right to manage users" in str(n.message) for n in app._notifications)


async def test_p_sets_a_users_new_password_typed_twice_in_a_burst_and_keeps_only_its_hash(store):
    from rep_pilot import burst

    from rep_tui.screens.admin_dialogs import PasswordDialog
    from rep_tui.store.client_models import PasswordReset

    demo = _user(store, "demo")
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "f9")
        screen = app.screen
        keys = [row.key for row in screen.table.rows_shown]
        screen.table.move_cursor(row=keys.index(str(demo.id)))
        await _press(pilot, "p")
        assert isinstance(app.screen, PasswordDialog)
        burst(pilot, "short", "tab", "short", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)
        password = app.screen.fields()["password"]
        assert password.has_class("-invalid")
        assert "8 characters" in str(password.query_one(".field-error").render())
        burst(pilot, "end", " and longer", "tab", "end", " and longer", "ctrl+s")  # the first refused has focus
        await settle(pilot)
        assert app.screen is screen
        assert "new password waiting for a sync" in str(screen.query_one("#admin-detail").render())
    with store.session() as s:
        [reset] = s.scalars(select(PasswordReset))
        assert reset.user_id == demo.id and reset.password_hash.startswith("$argon2id$")
        assert "longer" not in reset.password_hash
