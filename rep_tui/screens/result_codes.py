"""Result Codes: the codes a rep picks in the Result dialog, in their order,
with the flags that decide what each counts as in every stat (stats re-read
them when next shown). Codes are never deleted: old appointments keep
theirs. Edited as every flagged list is (`flagged_list`).

Reached from the Ctrl+P palette ("Result codes") by users allowed to."""

from __future__ import annotations

from textual.app import ComposeResult

from rep_tui.domain.result_codes import FLAG_HEADS, FLAGS
from rep_tui.domain.safe_text import visible
from rep_tui.screens.flagged_list import FlaggedEntryDialog, FlaggedList, FlaggedListScreen
from rep_tui.store.result_codes import all_codes, save_code, set_active
from rep_tui.widgets.form_field import FormField, text_input


RESULT_CODES = FlaggedList(
    entry="result code", table="result_codes", table_id="codes",
    help="The codes of the Result dialog, in order. Flags decide every stat: "
         "a: add · e: edit · d: stop offering (old appointments keep it)",
    offered="Offered in the Result dialog", flags=FLAGS, flag_heads=FLAG_HEADS,
    columns=(("Code", 6), ("Label", 16), ("Key", 3)),
    cells=lambda code: (visible(code.code), visible(code.label), code.key),
    read=all_codes, save=save_code, set_active=set_active)


class ResultCodeDialog(FlaggedEntryDialog):
    kind = RESULT_CODES

    def text_fields(self, code) -> ComposeResult:
        yield FormField("Code", text_input("code", code.code if code else "", "e.g. ONELEG"), required=True)
        yield FormField("Label", text_input("label", code.label if code else "", "what a rep reads"), required=True)
        yield FormField("Key", text_input("key", code.key if code else "", "one letter or digit", max_length=1),
                        required=True)
        yield FormField("Order", text_input("sort_order", code.sort_order if code else "", "lower comes first"))


class ResultCodesScreen(FlaggedListScreen):
    TITLE = "Result Codes"
    kind = RESULT_CODES
    dialog = ResultCodeDialog
