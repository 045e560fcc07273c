"""Ejection chains: an open request placed by moving one placed request, or two one after the other.

CP-SAT's parts free the placed requests in an open request's way and keep the rest fixed, so a
request one step further (in the way of where a freed one could go) never moves. On the
benchmark's large round such chains of two moves placed three more requests that the parts had
left open: an open request's only host full with a guest who could go to a colleague, whose
time was taken by a request that could go to a third. A chain is tried only where one placed
request alone stands in the way of a start, and every move books a start that fits, so the
plan keeps every rule.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable

from matcher.engines.shadowing.placing import Choice, Ledger
from matcher.engines.shadowing.problem import ShadowProblem
from matcher.engines.shadowing.rules import capacity_key, occupied

#: The longest chain tried: an open request placed by moving one request, which may move one more.
MOST_MOVES = 2


class Board(Ledger):
    """A :class:`Ledger` that also knows which request is where, so that slots can be taken back."""

    def __init__(self, problem: ShadowProblem, chosen: Iterable[Choice]) -> None:
        super().__init__(problem)
        self.at: dict[str, Choice] = {}
        self.slots: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.members: dict[tuple[str, tuple[int, int]], set[str]] = defaultdict(set)
        for choice in chosen:
            self.book(*choice)

    def book(self, request_id: str, host_id: str, start: int) -> None:
        super().book(request_id, host_id, start)
        self.at[request_id] = (request_id, host_id, start)
        for person_id, a, b in occupied(self.problem, self.problem.requests[request_id], host_id, start):
            self.slots[person_id].append((a, b, request_id))
        self.members[capacity_key(self.problem, host_id, start)].add(request_id)

    def unbook(self, request_id: str) -> Choice:
        choice = self.at.pop(request_id)
        _, host_id, start = choice
        for person_id, a, b in occupied(self.problem, self.problem.requests[request_id], host_id, start):
            self.taken[person_id].remove((a, b))
            self.slots[person_id].remove((a, b, request_id))
        key = capacity_key(self.problem, host_id, start)
        self.load[key] -= 1
        self.members[key].discard(request_id)
        self.chosen.remove(choice)
        return choice

    def place(self, request_id: str) -> bool:
        """Books the request at its first valid start that fits; False when none does."""
        for host_id in self.problem.hosts[request_id]:
            for start in self.problem.starts(request_id, host_id):
                if self.blocker(request_id, host_id, start) is None:
                    self.book(request_id, host_id, start)
                    return True
        return False

    def alone_in_the_way(self, request_id: str) -> set[str]:
        """The placed requests each of which alone keeps the request from some valid start."""
        problem, request, found = self.problem, self.problem.requests[request_id], set()
        for host_id in problem.hosts[request_id]:
            for start in problem.starts(request_id, host_id):
                clashing = {
                    other
                    for person_id, a, b in occupied(problem, request, host_id, start)
                    for x, y, other in self.slots.get(person_id, ())
                    if x < b and a < y
                }
                key = capacity_key(problem, host_id, start)
                if self.load[key] < problem.capacity(host_id):
                    found |= clashing if len(clashing) == 1 else set()
                elif not clashing:
                    found |= self.members[key]
                elif len(clashing) == 1 and clashing <= self.members[key]:
                    found |= clashing
        return found


def place_by_chains(
    problem: ShadowProblem, chosen: list[Choice], open_requests: Iterable[str], deadline: float
) -> list[Choice]:
    """The plan with each of ``open_requests`` placed where a chain of one or two moves makes room."""
    board = Board(problem, chosen)
    for request_id in open_requests:
        if time.perf_counter() > deadline:
            break
        if request_id not in board.at and not board.place(request_id):
            _make_room(board, request_id, MOST_MOVES, frozenset(), deadline)
    return board.chosen


def _make_room(board: Board, request_id: str, moves: int, kept: frozenset[str], deadline: float) -> bool:
    """Places the request by moving one placed request in its way elsewhere, which may in turn
    move another, up to ``moves`` in all; the ``kept`` requests, just placed, stay where they are.
    The board is as it was when no chain is found."""
    for moved in sorted(board.alone_in_the_way(request_id) - kept):
        if time.perf_counter() > deadline:
            return False
        before = board.unbook(moved)
        if board.place(request_id):
            if board.place(moved) or (
                moves > 1 and _make_room(board, moved, moves - 1, kept | {request_id}, deadline)
            ):
                return True
            board.unbook(request_id)
        board.book(*before)
    return False
