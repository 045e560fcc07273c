"""Candidate pairs of a directed round computed as arrays, one learner at a time.

The same learning credit as :func:`~matcher.engines.pairing.problem.gains_from`, the same score
as :func:`~matcher.engines.pairing.problem.score_parts` (the parts added in the same order, so
the floating-point sums are the same) and the same hard rules as
:mod:`matcher.engines.pairing.rules`, but for all teachers of a learner at once. Pairs that met
in an earlier round (rare) are scored by the reference functions themselves. The reasons in
words are not made here: they are made when a pair or a person is explained.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from matcher.domain.model import Level
from matcher.engines.pairing import feedback
from matcher.engines.pairing.fairness import left_out_points
from matcher.engines.pairing.problem import SCALE, PairingProblem, scored
from matcher.engines.pairing.rules import OWN_TEAM_RULE, PAIR_RULES

#: Codes of :func:`Table.broken`: 0 allowed, then the pair rules in the order of ``PAIR_RULES``.
ALLOWED, INELIGIBLE, OWN_TEAM = 0, -1, -2
FORBIDDEN, OWN_MANAGER, REPORTING_LINE, LANGUAGE, OVERLAP, COOLDOWN = 1, 2, 3, 4, 5, 6
#: Rule name (as counted in ``rule_counts``) to its code.
RULE_CODES = {OWN_TEAM_RULE: OWN_TEAM} | {name: i + 1 for i, name in enumerate(PAIR_RULES)}


@dataclass
class Held:
    """A skill's holders among the teachers, highest level first: person indices and levels."""

    who: np.ndarray
    levels: np.ndarray  # as floats, for the credit (level - own)
    at_least: list[int]  # at_least[k]: how many hold it at level k or higher (k from 0 to 5)

    def above(self, floor: int) -> int:
        """How many hold the skill at ``floor`` or higher (they come first)."""
        return self.at_least[min(max(floor, 0), len(self.at_least) - 1)]


@dataclass
class Table:
    """People's attributes as arrays (index: ``problem.codes().index``) and the skills' holders."""

    problem: PairingProblem
    names: list[str]
    rank: np.ndarray  # position of each id in sorted order: ties are broken by id, as the reference does
    teacher: np.ndarray  # bool: takes part as a teacher
    manager: np.ndarray  # index of the manager, -1 when none taking part in the organisation
    ancestors: np.ndarray  # [person, depth] indices of the reporting line, -1 padded
    languages: np.ndarray | None  # bit mask of base languages, None when more than 63 exist
    week: np.ndarray
    overlap: np.ndarray  # [week, week] minutes
    left_out: np.ndarray  # "left out before" points per learner (fairness)
    recent_load: np.ndarray  # "recent load" points per teacher (fairness, not yet negated)
    holders: dict[str, Held]
    forbidden: dict[int, np.ndarray]
    met: dict[int, dict[int, int]]  # rounds ago, both ways

    @classmethod
    def of(cls, problem: PairingProblem) -> Table:
        codes = problem.codes()
        index = codes.index
        names = list(index)
        n = len(names)
        people = problem.people
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(np.asarray(names, dtype=object), kind="stable")] = np.arange(n)
        teacher = np.zeros(n, dtype=bool)
        teacher[[index[t] for t in problem.teachers]] = True
        manager = np.asarray([index.get(people[p].manager_id or "", -1) for p in names], dtype=np.int64)
        chains = [[index[a] for a in problem.ancestors(p) if a in index] for p in names]
        ancestors = np.full((n, max(map(len, chains), default=0)), -1, dtype=np.int64)
        for i, chain in enumerate(chains):
            ancestors[i, : len(chain)] = chain
        bits: dict[str, int] = {}
        for p in names:
            for code in sorted(problem._languages[p]):
                bits.setdefault(code, len(bits))
        languages = None
        if len(bits) <= 63:
            languages = np.asarray(
                [sum(1 << bits[c] for c in problem._languages[p]) for p in names], dtype=np.int64
            )
        week = np.asarray([problem._week_of[p] for p in names], dtype=np.int64)
        reps = {w: p for p, w in zip(names, week.tolist(), strict=True)}
        overlap = np.zeros((len(problem._weeks), len(problem._weeks)), dtype=np.int64)
        if problem.config.rules.min_overlap_minutes:
            for a, pa in reps.items():
                for b, pb in reps.items():
                    overlap[a, b] = problem.overlap(pa, pb)
        fairness, recall = problem.config.fairness, problem.recall
        left_out = np.asarray([left_out_points(fairness, recall.streak.get(p, 0)) for p in names])
        recent_load = np.asarray([float(recall.load.get(p, 0) or 0) for p in names])
        holders: dict[str, Held] = {}
        forbidden: dict[int, list[int]] = defaultdict(list)
        for pair in problem.forbidden:
            found = [index[m] for m in pair if m in index]
            if len(found) == 2:
                forbidden[found[0]].append(found[1])
                forbidden[found[1]].append(found[0])
        met: dict[int, dict[int, int]] = defaultdict(dict)
        for pair, ago in problem.rounds_ago.items():
            found = [index[m] for m in pair if m in index]
            if len(found) == 2:
                met[found[0]][found[1]] = met[found[1]][found[0]] = ago
        table = cls(
            problem,
            names,
            rank,
            teacher,
            manager,
            ancestors,
            languages,
            week,
            overlap,
            left_out,
            recent_load,
            holders,
            {k: np.asarray(v, dtype=np.int64) for k, v in forbidden.items()},
            dict(met),
        )
        return table

    def __post_init__(self) -> None:
        self._total = np.zeros(len(self.names))
        self._best = np.full(len(self.names), -np.inf)
        self._last = np.zeros(len(self.names), dtype=np.int64)  # scratch of :meth:`gains`

    def held(self, skill_id: str) -> Held:
        """The teachers taking part who hold the skill, highest level first."""
        found = self.holders.get(skill_id)
        if found is None:
            pairs = self.problem.teaching_levels(skill_id)
            index = self.problem.codes().index
            who = np.asarray([index[t] for t, _ in pairs], dtype=np.int64)
            level = np.asarray([int(level) for _, level in pairs], dtype=np.int64)
            order = np.argsort(-level, kind="stable")
            at_least = [int((level >= k).sum()) for k in range(int(Level.EXPERT) + 2)]
            found = Held(who[order], level[order].astype(np.float64), at_least)
            self.holders[skill_id] = found
        return found

    # -- one learner, every teacher ------------------------------------------------------------------

    def gains(self, learner: str) -> tuple[np.ndarray, np.ndarray]:
        """Every teacher who can serve one of the learner's wishes (as indices, in index order) and
        the learning credit: :func:`gains_from` for all teachers at once, summed in the same order."""
        problem = self.problem
        tmap, config = problem.tmap, problem.config
        own_levels = tmap.levels_of(learner)
        minimum = config.min_teacher_level
        related_credit = config.weights.related_credit
        total, best = self._total, self._best  # all zero and -inf between calls
        touched = []
        for skill_id, wish_priority in tmap.wished_by(learner).items():
            own = int(own_levels.get(skill_id, Level.NONE))
            floor = max(own + 1, minimum)  # the lowest level that can teach this learner
            priority = wish_priority * feedback.skill_factor(config, skill_id)
            held = self.held(skill_id)
            cut = held.above(floor)
            found = [held.who[:cut]]
            credits = [priority * (held.levels[:cut] - own)]
            if related_credit > 0:
                for other, strength in tmap.related_to(skill_id).items():
                    factor = priority * strength * related_credit
                    if factor <= 0:
                        continue  # no credit: the reference keeps only pairs with credit > 0
                    held = self.held(other)
                    cut = held.above(floor)
                    found.append(held.who[:cut])
                    credits.append(factor * (held.levels[:cut] - own))
            at = np.concatenate(found)
            if not len(at):
                continue
            # The best credit per teacher for this wish, then added once per teacher (a fancy-index
            # += with repeated indices adds once), in the order of the wishes, as the reference does.
            np.maximum.at(best, at, np.concatenate(credits))
            total[at] += best[at]
            best[at] = -np.inf
            touched.append(at)
        if not touched:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        # Each teacher once, in index order: the last mention of each is kept (cheaper than a
        # sort or hash of every mention), then the few left are sorted.
        at = np.concatenate(touched)
        mention = np.arange(len(at))
        self._last[at] = mention
        teachers = np.sort(at[self._last[at] == mention])
        teachers = teachers[teachers != self.problem.codes().index[learner]]
        gains = total[teachers]
        total[at] = 0.0
        return teachers, gains

    def points(self, learner: str, teachers: np.ndarray, gains: np.ndarray) -> np.ndarray:
        """Each pair's points, exactly as :func:`scored` gives them."""
        problem = self.problem
        codes = problem.codes()
        w = problem.config.weights
        me = codes.index[learner]
        t = teachers
        total = w.learning * gains
        total = total + np.where(codes.department[t] != codes.department[me], float(w.department), 0.0)
        total = total + np.where(codes.function[t] != codes.function[me], float(w.function), 0.0)
        if problem.mode == "buddy":
            total = total + np.where(codes.site[t] == codes.site[me], float(w.buddy_same_site), 0.0)
            total = total + np.where(codes.team[t] != codes.team[me], float(w.buddy_other_team), 0.0)
        else:
            total = total + np.where(codes.site[t] != codes.site[me], float(w.site), 0.0)
        gap = np.abs(codes.experience[t] - codes.experience[me]) >= w.experience_gap_years
        total = total + np.where(gap, float(w.experience_gap), 0.0)
        if codes.has_team[me]:
            total = total + np.where(codes.team[t] == codes.team[me], float(w.same_team), float(w.cross_team))
        else:
            total = total + float(w.cross_team)
        if w.unmatched_last_round and learner in problem.previous_unmatched:
            total = total + float(w.unmatched_last_round)
        total = total + self.left_out[me]
        if problem.config.fairness.recent_load:
            total = total + np.where(
                self.recent_load[t] != 0, -problem.config.fairness.recent_load * self.recent_load[t], 0.0
            )
        points = np.rint(SCALE * total).astype(np.int64)
        for other in self.met.get(me, {}):
            # A pair that met before may carry a repeat penalty: scored by the reference.
            for at in np.flatnonzero(t == other).tolist():
                points[at] = scored(problem, self.names[other], learner, float(gains[at])).points
        return points

    def broken(self, learner: str, teachers: np.ndarray) -> np.ndarray:
        """The first rule each pair breaks, as a code (``ALLOWED`` when none), in the order of
        :func:`~matcher.engines.pairing.rules.mode_reason` and ``PAIR_RULES``."""
        problem = self.problem
        rules = problem.config.rules
        codes = problem.codes()
        me = codes.index[learner]
        t = teachers
        found = np.zeros(len(t), dtype=np.int64)

        def mark(mask: np.ndarray, code: int) -> None:
            found[(found == ALLOWED) & mask] = code

        experience = codes.experience
        if problem.mode == "mentor":
            mark(experience[t] <= experience[me], INELIGIBLE)
        elif problem.mode == "reverse":
            mark(experience[t] >= experience[me], INELIGIBLE)
        elif problem.mode == "buddy" and rules.buddy_outside_team and codes.has_team[me]:
            mark(codes.team[t] == codes.team[me], OWN_TEAM)
        if me in self.forbidden:
            mark(np.isin(t, self.forbidden[me]), FORBIDDEN)
        if rules.not_own_manager or rules.not_in_reporting_line:
            mark((self.manager[t] == me) | (t == self.manager[me]), OWN_MANAGER)
        if rules.not_in_reporting_line and self.ancestors.shape[1]:
            line = np.isin(t, self.ancestors[me]) | (self.ancestors[t] == me).any(axis=1)
            mark(line, REPORTING_LINE)
        if rules.shared_language:
            if self.languages is not None:
                mark((self.languages[t] & self.languages[me]) == 0, LANGUAGE)
            else:
                share = [problem.shares_language(self.names[i], learner) for i in t.tolist()]
                mark(~np.asarray(share, dtype=bool), LANGUAGE)
        if rules.min_overlap_minutes:
            mark(self.overlap[self.week[t], self.week[me]] < rules.min_overlap_minutes, OVERLAP)
        cooldown = rules.cooldown_rounds
        if cooldown:
            for other, ago in self.met.get(me, {}).items():
                if ago <= cooldown and not feedback.may_repeat(problem.config, self.names[other], learner):
                    mark(t == other, COOLDOWN)
        return found
