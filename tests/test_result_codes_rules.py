"""The rules behind result codes: what a code's flags and an appointment's
"disregard in stats" mark make it count as (`stats.outcome_of`), and which
codes an admin may save (`result_codes.check_code`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rep_tui.domain.forms import FormErrors
from rep_tui.domain.result_codes import Existing, check_code
from rep_tui.domain.stats import Outcome, compute, outcome_of

SOLD = SimpleNamespace(counts_as_issued=True, counts_as_demo=True, counts_as_sale=True)
ONE_LEG = SimpleNamespace(counts_as_issued=True, counts_as_demo=False, counts_as_sale=False)


def test_a_disregarded_appointment_or_an_unknown_code_counts_in_no_figure():
    assert outcome_of(SOLD, disregarded=True, contract_cents=900_000) is None
    assert outcome_of(None, disregarded=False) is None
    counted = [outcome_of(SOLD, disregarded=False, contract_cents=900_000, commission_cents=70_000),
               outcome_of(SOLD, disregarded=True, contract_cents=500_000),
               outcome_of(ONE_LEG, disregarded=False, contract_cents=400_000, cancelled=True, commission_cents=9)]
    figures = compute(o for o in counted if o is not None)
    assert {k: figures[k].value for k in ("issued", "demos", "sales", "gross", "cancels", "commission_earned")} == \
        {"issued": 2, "demos": 1, "sales": 1, "gross": 900_000, "cancels": 0, "commission_earned": 70_000}


def test_a_codes_flags_decide_what_it_counts_as():
    one_leg_as_demo = SimpleNamespace(**{**vars(ONE_LEG), "counts_as_demo": True})
    assert outcome_of(ONE_LEG, disregarded=False) == Outcome(issued=True, demo=False, sale=False)
    assert outcome_of(one_leg_as_demo, disregarded=False) == Outcome(issued=True, demo=True, sale=False)


OTHERS = [Existing("SOLD", "s", True), Existing("OLD", "o", False)]
NEW = {"code": "sit", "label": "  Sat  down ", "key": "T", "counts_as_issued": "yes", "sort_order": " 9 "}


def test_a_new_code_is_cleaned():
    assert check_code(NEW, OTHERS) == {
        "code": "SIT", "label": "Sat down", "key": "t", "counts_as_issued": True, "counts_as_demo": False,
        "counts_as_sale": False, "needs_sale": False, "needs_follow_up": False, "reschedules": False,
        "sort_order": 9, "active": True}
    assert check_code({**NEW, "key": "o"}, OTHERS)["key"] == "o"  # OLD is not offered: its key is free


@pytest.mark.parametrize("change, field, reason", [
    ({"code": "SOLD"}, "code", "already a code SOLD"),
    ({"code": "no spaces"}, "code", "1 to 12 letters"),
    ({"label": ""}, "label", "1 to 40 characters"),
    ({"key": "S"}, "key", "taken by SOLD"),
    ({"key": "?"}, "key", "one letter or digit"),
    ({"sort_order": "first"}, "sort_order", "whole number"),
])
def test_refused_codes_say_why(change, field, reason):
    with pytest.raises(FormErrors) as refused:
        check_code({**NEW, **change}, OTHERS)
    assert reason in refused.value.errors[field]


def test_a_code_in_use_keeps_its_code_but_not_its_label():
    with pytest.raises(FormErrors) as refused:
        check_code({**NEW, "code": "SAT"}, OTHERS, old_code="SIT", in_use=True)
    assert "cannot change" in refused.value.errors["code"]
    assert check_code({**NEW, "label": "Sat"}, OTHERS, old_code="SIT", in_use=True)["label"] == "Sat"
