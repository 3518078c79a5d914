"""The footer of the app's screens, fitted to the terminal's width.

Textual's Footer puts every shown key in one row and docks Ctrl+P over its
end, so at 80 columns the last keys are cut mid-word. This one chooses what
fits: the screen's own keys first (in the order the screen lists them), `?`
Help always, the F1–F6 screen keys as one item (and a manager's F8 Team)
when there is room, Ctrl+P on the right. A binding group is one item
("jncdplogh Tabs", "f1–f6 Screens", "f8 Team"). Nothing is lost: `?` and
Ctrl+P reach every key."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS, SCREEN, IF_ROOM = range(3)


@dataclass(frozen=True)
class FooterItem:
    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    rank: int

    @property
    def width(self) -> int:
        """" k " then "description " (FooterKey's padding in a normal Footer)."""
        return cell_len(self.display) + cell_len(self.description) + 3


def _item(app: App, entries: list[ActiveBinding]) -> FooterItem:
    """One footer item for a binding, or for all the bindings of one group."""
    first = entries[0]
    binding = first.binding
    from_app = isinstance(first.node, App)
    if binding.group is None:
        return FooterItem(binding.key, app.get_key_display(binding), binding.description, binding.action,
                          first.enabled, first.tooltip or binding.tooltip, ALWAYS if from_app else SCREEN)
    shown = [app.get_key_display(entry.binding) for entry in entries]
    if len(shown) == 1 or all(len(key) == 1 for key in shown):
        display = "".join(shown)
    else:
        display = f"{shown[0]}–{shown[-1]}"
    tooltip = ", ".join(f"{key} {entry.binding.description}" for key, entry in zip(shown, entries))
    return FooterItem(binding.key, display, binding.group.description, binding.action,
                      any(entry.enabled for entry in entries), tooltip, IF_ROOM if from_app else SCREEN)


def footer_items(screen: Screen) -> list[FooterItem]:
    """The shown bindings of a screen as footer items, in footer order: the
    focused widget's and the screen's, then the app's. One item per action."""
    by_row: dict[object, dict[str, ActiveBinding]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show:
            by_row.setdefault(binding.group or binding.action, {}).setdefault(binding.action, active)
    return [_item(screen.app, list(row.values())) for row in by_row.values()]


def fit(items: list[FooterItem], width: int) -> list[FooterItem]:
    """The items that fit in `width`, in their order: every ALWAYS item, then
    SCREEN items while room is left, then IF_ROOM ones."""
    room = width - sum(item.width for item in items if item.rank == ALWAYS)
    kept = {id(item) for item in items if item.rank == ALWAYS}
    for rank in (SCREEN, IF_ROOM):
        for item in items:
            if item.rank == rank and item.width <= room:
                kept.add(id(item))
                room -= item.width
    return [item for item in items if id(item) in kept]


class RepFooter(Footer):
    """Textual's Footer, but what is shown fits the width (see the module)."""

    shown: tuple[FooterItem, ...] = ()

    def bindings_changed(self, screen: Screen) -> None:
        """Textual composes the footer again on every `refresh_bindings` (a screen
        opening asks a dozen times: focus, tabs, data loaded), and each compose
        restyles every key. Compose again only when the keys shown change."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._fitted(self._palette()) != self.shown:
            await self.recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        palette = self._palette()
        self.shown = self._fitted(palette)
        for item in self.shown:
            key = FooterKey(item.key, item.display, item.description, item.action, disabled=not item.enabled,
                            tooltip=item.tooltip)
            key.set_reactive(FooterKey.compact, self.compact)  # set, not bound: no class flip and restyle per key
            yield key
        if palette:
            yield FooterKey(palette.key, palette.display, palette.description, palette.action,
                            classes="-command-palette", disabled=not palette.enabled, tooltip=palette.tooltip)

    def _fitted(self, palette: FooterItem | None) -> tuple[FooterItem, ...]:
        return tuple(fit(footer_items(self.screen), self.size.width - (palette.width if palette else 0)))

    def _palette(self) -> FooterItem | None:
        app = self.app
        active = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if not (self.show_command_palette and app.ENABLE_COMMAND_PALETTE and active):
            return None
        binding = active.binding
        return FooterItem(binding.key, app.get_key_display(binding), binding.description, binding.action,
                          active.enabled, binding.tooltip or binding.description, ALWAYS)

    @property
    def up_to_date(self) -> bool:
        """Whether the keys shown are the ones the focused widget has now: the
        footer is composed again after a refresh, so briefly it is not."""
        return not self._bindings_ready or self._fitted(self._palette()) == self.shown

    def on_resize(self) -> None:
        """Compose again only when a different set of keys fits (each key costs a restyle)."""
        if self._bindings_ready:
            self.call_after_refresh(self._recompose_if_changed)
