"""Pairs left out of the search by ``candidates_per_learner``, stored compactly and read in blocks.

At 100,000 people some 90 million pairs pass every rule while the search keeps about two million.
The bound still counts the others (see :mod:`.pricing`), so they are kept, but as little as they
need: per pair the teacher (a 32-bit person index) and the points (32 bits when they fit), grouped
by learner in blocks of a few million pairs. Every computation over them (pricing, the bound,
the places they count) runs a block at a time, so no temporary array is larger than a block. A
pair that joins the candidates is marked gone in place rather than copied out.

:class:`Collector` stores the rows as the candidates are built, a learner at a time;
:class:`TeachersChoice` picks, while the rows stream past, the learners each teacher could teach
most, keeping only the best seen so far.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

#: Pairs per block: large enough that a block's arithmetic is numpy's, small enough that its
#: temporary arrays stay in tens of megabytes.
BLOCK_PAIRS = 1 << 22


def _gone(dtype: np.dtype) -> int:
    """The points that mark a pair gone: far below any pair's reduced cost."""
    return int(np.iinfo(dtype).min)


@dataclass
class Block:
    """The pruned pairs of a run of learners: row ``i`` is learner ``learners[i]``, with the pairs
    ``starts[i]:starts[i + 1]``; ``offset`` is the position of the block's first pair overall."""

    offset: int
    learners: np.ndarray  # int32 person index per row
    starts: np.ndarray  # int64, one more than rows
    teacher: np.ndarray  # int32 person index per pair
    points: np.ndarray  # int32 (int64 when a value does not fit); gone pairs hold the dtype's minimum

    @property
    def gone(self) -> int:
        return _gone(self.points.dtype)

    def learner(self) -> np.ndarray:
        """The learner of each pair."""
        return np.repeat(self.learners, np.diff(self.starts))

    def live(self) -> np.ndarray:
        return self.points != self.gone


@dataclass
class Pruned:
    """Pairs that pass every rule but were left out of the search, by learner in blocks; ``size``
    counts those not gone (moved into the candidates)."""

    blocks: list[Block]
    size: int

    def per_teacher(self, people: int) -> np.ndarray:
        """How many pairs each teacher (person index) has here."""
        counts = np.zeros(people, dtype=np.int64)
        for block in self.blocks:
            counts += np.bincount(block.teacher[block.live()], minlength=people)
        return counts

    def where(self, test: Callable[[Block, np.ndarray], np.ndarray]) -> np.ndarray:
        """Positions of the pairs (not gone) for which ``test(block, learner of each pair)`` holds."""
        found = []
        for block in self.blocks:
            mask = test(block, block.learner()) & block.live()
            found.append(np.flatnonzero(mask) + block.offset)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def price(self, values: np.ndarray, reduced: Callable[[Block, np.ndarray], np.ndarray]) -> np.ndarray:
        """Raise values[l] to the best ``reduced(block, learner of each pair)`` of learner l's
        pairs here (gone pairs do not count), and return the positions of the pairs whose reduced
        value was above their learner's value before: those that could improve the flow."""
        found = []
        for block in self.blocks:
            learner = block.learner()
            cost = reduced(block, learner)
            cost[~block.live()] = np.iinfo(np.int64).min // 2
            found.append(np.flatnonzero(cost > values[learner]) + block.offset)
            best = np.maximum.reduceat(cost, block.starts[:-1])
            rows = block.learners
            values[rows] = np.maximum(values[rows], best)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def take(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Learner, teacher and points of the pairs at ``positions`` (sorted), which are then gone."""
        learners, teachers, points = self.read(positions)
        for block, local in self._located(positions):
            block.points[local] = block.gone
        self.size -= len(positions)
        return learners, teachers, points

    def read(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Learner, teacher and points (int64) of the pairs at ``positions`` (sorted)."""
        parts = [
            (block.learner()[local], block.teacher[local], block.points[local].astype(np.int64))
            for block, local in self._located(positions)
        ]
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return tuple(np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(3))  # type: ignore[return-value]

    def _located(self, positions: np.ndarray) -> Iterator[tuple[Block, np.ndarray]]:
        offsets = np.asarray([block.offset for block in self.blocks] + [np.iinfo(np.int64).max])
        cuts = np.searchsorted(positions, offsets)
        for at, block in enumerate(self.blocks):
            local = positions[cuts[at] : cuts[at + 1]] - block.offset
            if len(local):
                yield block, local


class Collector:
    """Stores every learner's pairs that pass the rules, best first, as the candidates are built;
    :meth:`finish` marks the pairs the search keeps as gone and returns the rest."""

    def __init__(self, block_pairs: int = BLOCK_PAIRS) -> None:
        self.block_pairs = block_pairs
        self.blocks: list[Block] = []
        self.total = 0
        self._rows: list[int] = []
        self._teachers: list[np.ndarray] = []
        self._points: list[np.ndarray] = []
        self._pending = 0

    def add(self, learner: int, teachers: np.ndarray, points: np.ndarray) -> int:
        """Store one learner's pairs (not empty); returns the position of the first."""
        position = self.total
        self._rows.append(learner)
        self._teachers.append(teachers.astype(np.int32, copy=False))
        self._points.append(points)
        self._pending += len(teachers)
        self.total += len(teachers)
        if self._pending >= self.block_pairs:
            self._flush()
        return position

    def finish(self, kept: np.ndarray) -> Pruned | None:
        """The pairs stored, without those at positions ``kept`` (sorted), which the search keeps."""
        self._flush()
        pruned = Pruned(self.blocks, self.total)
        pruned.take(kept)
        return pruned if pruned.size else None

    def _flush(self) -> None:
        if not self._rows:
            return
        points = np.concatenate(self._points)
        small = np.iinfo(np.int32)
        if len(points) and small.min < points.min() and points.max() <= small.max:
            points = points.astype(np.int32)
        sizes = np.fromiter((len(t) for t in self._teachers), dtype=np.int64, count=len(self._teachers))
        self.blocks.append(
            Block(
                offset=self.total - self._pending,
                learners=np.asarray(self._rows, dtype=np.int32),
                starts=np.concatenate(([0], np.cumsum(sizes))),
                teacher=np.concatenate(self._teachers),
                points=points,
            )
        )
        self._rows, self._teachers, self._points, self._pending = [], [], [], 0


class TeachersChoice:
    """For each teacher, the ``limit`` learners with the most to learn from them (ties: the learner
    offered first), chosen while the learners' pairs stream past: pairs are buffered, and each merge
    keeps only the best ``limit`` per teacher. Once a teacher has ``limit``, a pair that does not
    beat the weakest of them is dropped as it comes, so later merges are small."""

    def __init__(self, limit: np.ndarray, buffer_pairs: int = BLOCK_PAIRS) -> None:
        self.limit = limit
        self.buffer_pairs = buffer_pairs
        # The weakest gain kept by a teacher at its limit (nobody is chosen by a limit of 0).
        self.floor = np.where(limit > 0, -np.inf, np.inf)
        empty = np.zeros(0, dtype=np.int64)
        self.teacher, self.gain, self.position = empty.astype(np.int32), empty.astype(np.float64), empty
        self._buffer: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending = 0

    def offer(self, teachers: np.ndarray, gains: np.ndarray, first: int) -> None:
        """One learner's pairs: teachers, their learning credit, stored from position ``first``."""
        better = gains > self.floor[teachers]  # an equal gain loses to the learner offered earlier
        if not better.any():
            return
        at = np.flatnonzero(better)
        self._buffer.append((teachers[at].astype(np.int32), gains[at], at + first))
        self._pending += len(at)
        if self._pending >= self.buffer_pairs:
            self._merge()

    def chosen(self) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the chosen pairs (sorted) and their learning credit."""
        self._merge()
        order = np.argsort(self.position, kind="stable")
        return self.position[order], self.gain[order]

    def _merge(self) -> None:
        if not self._buffer:
            return
        teacher = np.concatenate([self.teacher, *(b[0] for b in self._buffer)])
        gain = np.concatenate([self.gain, *(b[1] for b in self._buffer)])
        position = np.concatenate([self.position, *(b[2] for b in self._buffer)])
        self._buffer, self._pending = [], 0
        order = np.lexsort((position, -gain, teacher))
        grouped = teacher[order]
        rank = np.arange(len(grouped)) - np.searchsorted(grouped, grouped, side="left")
        keep = order[rank < self.limit[grouped]]
        self.teacher, self.gain, self.position = teacher[keep], gain[keep], position[keep]
        if not len(keep):
            return
        # Teachers at their limit: the last kept of each (the weakest gain) becomes the floor.
        last = np.r_[self.teacher[1:] != self.teacher[:-1], True]
        ends, weakest = self.teacher[last], self.gain[last]
        at_limit = np.bincount(self.teacher, minlength=len(self.limit))[ends] >= self.limit[ends]
        self.floor[ends[at_limit]] = weakest[at_limit]
