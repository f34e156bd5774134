"""Stamp cycles: goals, milestones once per cycle, multi-cycle sales and their reversal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.loyalty.cards.progress import (
    GoalReached,
    MilestoneReached,
    Progress,
    ProgressEvent,
    Reversal,
    apply_stamps,
    reverse_stamps,
    rewards_reached,
    stamps_within_rewards,
)

GOAL = 9
MILESTONES = [3, 6]


def test_the_9_stamp_card_stamped_one_at_a_time() -> None:
    stamps, cycle = 0, 1
    seen: list[tuple[int, object]] = []
    for visit in range(1, 2 * GOAL + 1):
        progress = apply_stamps(stamps, cycle, 1, GOAL, MILESTONES)
        stamps, cycle = progress.stamps, progress.cycle
        seen.extend((visit, event) for event in progress.events)
    assert seen == [
        (3, MilestoneReached(3, 1)),
        (6, MilestoneReached(6, 1)),
        (9, GoalReached(1)),
        (12, MilestoneReached(3, 2)),
        (15, MilestoneReached(6, 2)),
        (18, GoalReached(2)),
    ]
    assert (stamps, cycle) == (0, 3)


def test_one_sale_completing_two_cycles_keeps_the_excess() -> None:
    assert apply_stamps(7, 1, 13, GOAL, MILESTONES) == Progress(
        stamps=2,
        cycle=3,
        events=(GoalReached(1), MilestoneReached(3, 2), MilestoneReached(6, 2), GoalReached(2)),
    )


def test_a_milestone_already_passed_does_not_fire_again() -> None:
    assert apply_stamps(3, 1, 2, GOAL, MILESTONES) == Progress(5, 1, ())
    assert apply_stamps(2, 1, 1, GOAL, MILESTONES).events == (MilestoneReached(3, 1),)


def test_adding_nothing_changes_nothing() -> None:
    assert apply_stamps(4, 2, 0, GOAL, MILESTONES) == Progress(4, 2, ())


def test_milestones_at_or_past_a_lowered_goal_are_ignored() -> None:
    # The goal went from 9 to 5 while the card held 7: the next stamp completes the cycle.
    assert apply_stamps(7, 1, 1, 5, [3, 5, 6]) == Progress(
        3, 2, (GoalReached(1), MilestoneReached(3, 2))
    )


@pytest.mark.parametrize(
    ("stamps", "cycle", "count", "goal"), [(-1, 1, 1, 9), (0, 0, 1, 9), (0, 1, -1, 9), (0, 1, 1, 0)]
)
def test_impossible_inputs_are_refused(stamps: int, cycle: int, count: int, goal: int) -> None:
    with pytest.raises(ValueError, match="must"):
        apply_stamps(stamps, cycle, count, goal, MILESTONES)
    with pytest.raises(ValueError, match="must"):
        reverse_stamps(stamps, cycle, count, goal)


def test_reversal_within_the_cycle() -> None:
    assert reverse_stamps(5, 2, 3, GOAL, MILESTONES) == Reversal(
        stamps=2,
        cycle=2,
        removed=3,
        shortfall=0,
        undone_cycles=(),
        undone_milestones=(MilestoneReached(3, 2),),
    )


def test_reversal_goes_back_across_cycles_newest_first() -> None:
    assert reverse_stamps(2, 3, 14, GOAL, MILESTONES) == Reversal(
        stamps=6,
        cycle=1,
        removed=14,
        shortfall=0,
        undone_cycles=(2, 1),
        undone_milestones=(MilestoneReached(6, 2), MilestoneReached(3, 2)),
    )


def test_reversal_never_goes_below_zero_and_reports_the_shortfall() -> None:
    reversal = reverse_stamps(4, 2, 20, GOAL)
    assert (reversal.stamps, reversal.cycle) == (0, 1)
    assert (reversal.removed, reversal.shortfall) == (13, 7)
    assert reversal.undone_cycles == (1,)
    assert reversal.undone_milestones == ()  # none were given


def test_removing_the_stamp_that_completed_a_cycle_reopens_it() -> None:
    # Back in cycle 1 with 8 of 9: its goal was undone, and the next stamp reaches it again.
    reversal = reverse_stamps(0, 2, 1, GOAL)
    assert (reversal.stamps, reversal.cycle, reversal.undone_cycles) == (8, 1, (1,))
    assert apply_stamps(8, 1, 1, GOAL, []).events == (GoalReached(1),)


goals = st.integers(1, 12)


@st.composite
def cards(draw: st.DrawFn) -> tuple[int, int, int, list[int]]:
    goal = draw(goals)
    stamps = draw(st.integers(0, goal - 1))
    cycle = draw(st.integers(1, 5))
    milestones = draw(st.lists(st.integers(1, max(goal - 1, 1)), max_size=4))
    return stamps, cycle, goal, milestones


def position(stamps: int, cycle: int, goal: int) -> int:
    return (cycle - 1) * goal + stamps


@given(cards(), st.integers(0, 60))
def test_apply_conserves_stamps_and_counts_goals(
    card: tuple[int, int, int, list[int]], added: int
) -> None:
    stamps, cycle, goal, milestones = card
    progress = apply_stamps(stamps, cycle, added, goal, milestones)
    assert 0 <= progress.stamps < goal
    assert position(progress.stamps, progress.cycle, goal) == position(stamps, cycle, goal) + added
    goals_reached = [e.cycle for e in progress.events if isinstance(e, GoalReached)]
    assert goals_reached == list(range(cycle, progress.cycle))


@given(cards(), st.lists(st.integers(0, 25), max_size=6))
def test_each_milestone_fires_once_per_cycle_however_stamps_arrive(
    card: tuple[int, int, int, list[int]], additions: list[int]
) -> None:
    stamps, cycle, goal, milestones = card
    start = position(stamps, cycle, goal)
    events: list[MilestoneReached | GoalReached] = []
    for added in additions:
        progress = apply_stamps(stamps, cycle, added, goal, milestones)
        stamps, cycle = progress.stamps, progress.cycle
        events.extend(progress.events)
    reached = [e for e in events if isinstance(e, MilestoneReached)]
    assert len(reached) == len(set(reached))
    marks = {m for m in milestones if m < goal}
    expected = {
        MilestoneReached(mark, c)
        for c in range(1, cycle + 1)
        for mark in marks
        if start < position(mark, c, goal) <= position(stamps, cycle, goal)
    }
    assert set(reached) == expected
    at_once = apply_stamps(*card[:2], sum(additions), goal, milestones)
    assert at_once.events == tuple(events)


@given(cards(), st.integers(0, 60))
def test_reversing_an_addition_undoes_exactly_what_it_reached(
    card: tuple[int, int, int, list[int]], added: int
) -> None:
    stamps, cycle, goal, milestones = card
    progress = apply_stamps(stamps, cycle, added, goal, milestones)
    reversal = reverse_stamps(progress.stamps, progress.cycle, added, goal, milestones)
    assert (reversal.stamps, reversal.cycle) == (stamps, cycle)
    assert (reversal.removed, reversal.shortfall) == (added, 0)
    newest_first = tuple(reversed(progress.events))
    assert reversal.undone_cycles == tuple(
        e.cycle for e in newest_first if isinstance(e, GoalReached)
    )
    assert reversal.undone_milestones == tuple(
        e for e in newest_first if isinstance(e, MilestoneReached)
    )


@given(cards(), st.integers(0, 100))
def test_reversal_never_goes_negative(card: tuple[int, int, int, list[int]], removed: int) -> None:
    stamps, cycle, goal, milestones = card
    reversal = reverse_stamps(stamps, cycle, removed, goal, milestones)
    before = position(stamps, cycle, goal)
    assert reversal.stamps >= 0
    assert reversal.cycle >= 1
    assert reversal.shortfall == max(removed - before, 0)
    assert reversal.removed + reversal.shortfall == removed
    assert position(reversal.stamps, reversal.cycle, goal) == before - reversal.removed


def _stepwise(stamps: int, cycle: int, added: int, goal: int, milestones: list[int]) -> Progress:
    """The reference: one stamp at a time, recording what each stamp reaches."""
    marks = {mark for mark in milestones if 0 < mark < goal}
    events: list[ProgressEvent] = []
    for _ in range(added):
        stamps += 1
        if stamps == goal:
            events.append(GoalReached(cycle))
            stamps, cycle = 0, cycle + 1
        elif stamps in marks:
            events.append(MilestoneReached(stamps, cycle))
    return Progress(stamps=stamps, cycle=cycle, events=tuple(events))


def _cycle_by_cycle(
    stamps: int, cycle: int, added: int, goal: int, milestones: list[int]
) -> Progress:
    """The former implementation: one loop turn per completed cycle."""
    marks = sorted({mark for mark in milestones if 0 < mark < goal})
    events: list[ProgressEvent] = []
    current, position = stamps, stamps + added
    while position >= goal:
        events.extend(MilestoneReached(mark, cycle) for mark in marks if current < mark)
        events.append(GoalReached(cycle))
        position -= goal
        current = 0
        cycle += 1
    events.extend(MilestoneReached(mark, cycle) for mark in marks if current < mark <= position)
    return Progress(stamps=position, cycle=cycle, events=tuple(events))


@given(goals, st.integers(0, 30), st.integers(1, 5), st.lists(st.integers(1, 12), max_size=4))
def test_arithmetic_cycles_equal_the_former_loop_also_after_a_lowered_goal(
    goal: int, stamps: int, cycle: int, milestones: list[int]
) -> None:
    # Stamps at or past the goal happen when a program's goal is lowered after cards exist.
    for added in (0, 1, goal, 3 * goal + 1):
        assert apply_stamps(stamps, cycle, added, goal, milestones) == _cycle_by_cycle(
            stamps, cycle, added, goal, milestones
        )


@given(cards(), st.integers(0, 200))
def test_arithmetic_cycles_equal_stamping_one_at_a_time(
    card: tuple[int, int, int, list[int]], added: int
) -> None:
    stamps, cycle, goal, milestones = card
    progress = apply_stamps(stamps, cycle, added, goal, milestones)
    assert progress == _stepwise(stamps, cycle, added, goal, milestones)
    assert rewards_reached(stamps, added, goal, milestones) == len(progress.events)


@given(cards(), st.integers(0, 200), st.integers(0, 30))
def test_the_reward_cap_keeps_the_most_stamps_that_stay_within_it(
    card: tuple[int, int, int, list[int]], added: int, cap: int
) -> None:
    stamps, _cycle, goal, milestones = card
    kept = stamps_within_rewards(stamps, added, goal, milestones, cap)
    assert 0 <= kept <= added
    assert rewards_reached(stamps, kept, goal, milestones) <= cap
    if kept < added:  # one stamp more would have given one reward too many
        assert rewards_reached(stamps, kept + 1, goal, milestones) == cap + 1


def test_a_huge_addition_is_counted_and_capped_without_walking_its_cycles() -> None:
    # The 9-stamp card gives a reward at every position divisible by 3: counted, not walked.
    def up_to(position: int) -> int:
        return position // 3

    assert rewards_reached(0, 3_000_000_000, GOAL, MILESTONES) == 1_000_000_000
    assert rewards_reached(5, 10**15, GOAL, MILESTONES) == up_to(10**15 + 5) - up_to(5)
    kept = stamps_within_rewards(5, 10**15, GOAL, MILESTONES, 100)
    assert kept == 300  # the 101st reward would be at position 306
    progress = apply_stamps(5, 1, kept, GOAL, MILESTONES)
    assert len(progress.events) == 100
    assert progress.events[-1] == MilestoneReached(6, 34)
    assert (progress.stamps, progress.cycle) == (8, 34)
