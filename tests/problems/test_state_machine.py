"""The state machine is exactly DESIGN.md's table, each transition with a guard and a
permission, and the state field protected."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from problems.models import CustomerProblem

# DESIGN.md, "Customer problem state machine": (transition, from, to).
DESIGN = {
    ("assign", "open", "assigned"),
    ("assign", "assigned", "assigned"),
    ("assign", "in_jeopardy", "in_jeopardy"),
    ("mark_in_jeopardy", "open", "in_jeopardy"),
    ("mark_in_jeopardy", "assigned", "in_jeopardy"),
    ("replan", "in_jeopardy", "assigned"),
    ("replan", "in_jeopardy", "open"),
    ("clear", "assigned", "cleared"),
    ("clear", "in_jeopardy", "cleared"),
    ("reopen", "cleared", "assigned"),
    ("close", "cleared", "closed"),
    ("cancel", "open", "cancelled"),
    ("cancel", "assigned", "cancelled"),
    ("cancel", "in_jeopardy", "cancelled"),
}
DESIGN_FILE = Path(__file__).resolve().parents[3] / "shared" / "DESIGN.md"


def graph_edges():
    out = io.StringIO()
    call_command("graph_transitions", "problems.CustomerProblem", stdout=out)
    pattern = re.compile(r'state\.(\w+)" -> "[\w.]+state\.(\w+)" \[label=(\w+)\]')
    return {(name, source, target) for source, target, name in pattern.findall(out.getvalue())}


def test_graph_transitions_shows_exactly_the_design():
    assert graph_edges() == DESIGN


def test_the_design_file_still_says_the_same():
    if not DESIGN_FILE.exists():
        pytest.skip("../shared/DESIGN.md is not beside this checkout")
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", DESIGN_FILE.read_text(), re.M)
    table = {name: (sources, target) for name, sources, target in rows}
    for name, source, _target in DESIGN:
        assert source in table[name][0], (name, source)
    assert set(table) == {name for name, _, _ in DESIGN}


def test_every_transition_has_a_guard_and_a_permission():
    for transition in CustomerProblem().get_all_state_transitions():
        assert transition.conditions, transition.name
        assert transition.permission, transition.name
        for condition in transition.conditions:
            assert condition.refusal, condition  # a message for the person refused


def test_the_state_field_is_protected():
    assert CustomerProblem._meta.get_field("state").protected
