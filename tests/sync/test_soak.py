"""A short soak (see tests/soak.py): rounds of offline work on four device
processes, synced through the fault proxy while devices and the server are
killed; nothing may be lost, doubled or diverged. A new seed each run, printed
on failure; `REP_TUI_SOAK_SEED=S` replays one (or `python tests/soak.py --seed S --round N`)."""

from __future__ import annotations

import os
import random

import pytest

from soak import run_soak

ROUNDS = 20
#: Far more than 20 rounds take on a busy machine; hangs fail sooner, inside the soak.
BUDGET_MINUTES = 12


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_nothing_is_lost_doubled_or_diverged(db, request):
    seed = int(os.environ.get("REP_TUI_SOAK_SEED") or random.SystemRandom().randrange(1, 1 << 31))
    cluster = request.getfixturevalue("pg_cluster") if db == "postgresql" else None
    said: list[str] = []
    figures = run_soak(db, list(range(1, ROUNDS + 1)), seed, cluster=cluster, minutes=BUDGET_MINUTES,
                       say=said.append)
    summary = figures.line(db, seed)
    assert figures.bad == 0, "\n".join([summary, *said])
    assert figures.rounds == ROUNDS, f"the soak overran its {BUDGET_MINUTES} minutes: {summary}"
    assert figures.writes > ROUNDS and figures.faults > ROUNDS, f"the soak did not do much: {summary}"
