"""The settings of a round on the form, in words: per setting its label and a sentence saying
what it does; for a weight, what raising it does. The config classes hold the defaults and
the checks; this only says them to people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from matcher.engines.groups.config import GOALS
from matcher.plans.kinds import Family, kinds


@dataclass(frozen=True)
class Setting:
    """One setting of a config on the form: where it lives in the config, its label and what it does."""

    path: str
    label: Any
    help: Any
    #: The modes it applies to; empty for every mode.
    modes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.replace(".", "__")

    def applies(self, mode: str) -> bool:
        return not self.modes or mode in self.modes


_DIRECTED = tuple(sorted(k.name for k in kinds(Family.PAIRS) if k.directed))

RULES = (
    Setting(
        "rules.capacity",
        _l("Respect each person's capacity"),
        _l("Nobody gets more learners than the places they offered (or the default capacity below)."),
    ),
    Setting(
        "rules.not_own_manager",
        _l("Never with one's own manager"),
        _l("Nobody is paired with their manager."),
    ),
    Setting(
        "rules.not_in_reporting_line",
        _l("Never within one reporting line"),
        _l("Stricter: nobody is paired with anyone above or below them in their line."),
    ),
    Setting(
        "rules.shared_language", _l("A shared language"), _l("The two speak at least one language in common.")
    ),
    Setting(
        "rules.min_overlap_minutes",
        _l("Shared working time (minutes a week)"),
        _l(
            "The two must share this much working time in a usual week, across time zones; 0 switches it off."
        ),
    ),
    Setting(
        "rules.cooldown_rounds",
        _l("No repeats within this many rounds"),
        _l("A pair of the same kind does not meet again within this many earlier rounds; 0 switches it off."),
    ),
    Setting(
        "rules.one_role",
        _l("One role per round"),
        _l("In one round a person either teaches or learns, never both."),
        _DIRECTED,
    ),
    Setting(
        "rules.buddy_outside_team",
        _l("Buddies come from outside the team"),
        _l("A rule instead of a preference: never a buddy from the newcomer's own team."),
        ("buddy",),
    ),
)

WEIGHTS = (
    Setting(
        "weights.learning",
        _l("Learning"),
        _l(
            "Raising it makes the wishes a pair serves (how much they are wanted, and the level gap) "
            "count more against everything else."
        ),
    ),
    Setting(
        "weights.related_credit",
        _l("Credit for a related skill"),
        _l(
            "Raising it (up to 1) gives more credit to a teacher who holds a skill related to the wish "
            "rather than the wish itself."
        ),
    ),
    Setting(
        "weights.department", _l("Different departments"), _l("Raising it favours pairs across departments.")
    ),
    Setting(
        "weights.function", _l("Different functions"), _l("Raising it favours pairs of different functions.")
    ),
    Setting("weights.site", _l("Different sites"), _l("Raising it favours pairs across sites.")),
    Setting(
        "weights.experience_gap",
        _l("Experience gap"),
        _l("Raising it favours pairs whose years of experience differ by at least the gap below."),
    ),
    Setting(
        "weights.experience_gap_years",
        _l("Experience gap in years"),
        _l("How many years count as a gap; raising it lets fewer pairs earn the bonus above."),
    ),
    Setting(
        "weights.same_team",
        _l("Same team"),
        _l("Raising it favours pairs within one team: you learn most from those your work depends on."),
    ),
    Setting(
        "weights.cross_team",
        _l("Across teams"),
        _l("Raising it favours pairs from different teams, so the organisation mixes."),
    ),
    Setting(
        "weights.spread",
        _l("Spread popular experts"),
        _l("Raising it makes each further learner of the same person cost more, so experts are shared out."),
    ),
    Setting(
        "weights.unmatched_last_round",
        _l("Left out last time"),
        _l("Raising it gives more priority to people left out in the last round of this kind."),
    ),
    Setting(
        "weights.repeat",
        _l("Repeat penalty"),
        _l("Raising it keeps apart more strongly the pairs that met before the cooldown."),
    ),
    Setting(
        "weights.repeat_fade",
        _l("Repeat fade"),
        _l(
            "Between 0 and 1: raising it lets an older repeat weigh nearly as much as a recent one; "
            "lowering it lets repeats fade faster."
        ),
    ),
    Setting(
        "weights.buddy_same_site",
        _l("Buddy at the same site"),
        _l("Raising it favours a buddy who works at the newcomer's site."),
        ("buddy",),
    ),
    Setting(
        "weights.buddy_other_team",
        _l("Buddy from another team"),
        _l("Raising it favours a buddy from outside the newcomer's team."),
        ("buddy",),
    ),
)

OTHER = (
    Setting(
        "default_capacity",
        _l("Default capacity"),
        _l("Places for people who did not state a mentor capacity (buddies, managers)."),
    ),
    Setting(
        "min_teacher_level",
        _l("Lowest level of a mentor"),
        _l("A mentor holds the wished skill at least at this level (0 to 4)."),
        ("mentor",),
    ),
    Setting(
        "junior_years",
        _l("Junior up to (years)"),
        _l("Juniors, who teach, have at most this many years of experience; seniors have more."),
        ("reverse",),
    ),
    Setting(
        "newcomer_days",
        _l("Newcomer for (days)"),
        _l("Who started this many days ago or fewer counts as a newcomer."),
        ("buddy",),
    ),
    Setting(
        "buddy_min_tenure_years",
        _l("Buddy's least tenure (years)"),
        _l("How long a buddy must have been with the organisation."),
        ("buddy",),
    ),
    Setting(
        "time_limit",
        _l("Time limit (seconds)"),
        _l("How long the optimiser may search; it returns the best plan found by then."),
    ),
)

#: Fairness over rounds: what a round remembers of the earlier rounds of its kind.
FAIRNESS = (
    Setting(
        "fairness.window",
        _l("Rounds looked back on"),
        _l("How many earlier rounds of this kind the settings below look back on; 0 switches them all off."),
    ),
    Setting(
        "fairness.unplaced",
        _l("Priority per round left out"),
        _l(
            "Raising it gives more priority to people left out in the last rounds, "
            "more for each round in a row."
        ),
    ),
    Setting(
        "fairness.max_unplaced_rounds",
        _l("Left out at most (rounds in a row)"),
        _l(
            "Someone left out this many rounds in a row is placed first where a place exists; "
            "0 switches it off."
        ),
    ),
    Setting(
        "fairness.guarantee",
        _l("Weight of that promise"),
        _l("Raising it makes the promise above win over more of the other weights."),
    ),
    Setting(
        "fairness.recent_load",
        _l("Spread the load over rounds"),
        _l(
            "Raising it makes each learner a person took in the last rounds cost more, "
            "so colleagues who carried many get a rest."
        ),
        _DIRECTED,
    ),
    Setting(
        "fairness.fresh_partners",
        _l("No repeat until everyone has been met"),
        _l("Nobody meets a partner again while there is still a possible partner they have not met."),
        ("exchange",),
    ),
)

#: What sessions of earlier rounds of the same kind feed in (matcher.services.learning_loop).
LEARNING_LOOP = (
    Setting(
        "rules.repeat_when_rated_highly",
        _l("Meet again when both rated it highly"),
        _l(
            "A pair who both said their sessions together led to applied value or more may meet again "
            "despite the cooldown."
        ),
    ),
    Setting(
        "rules.fewer_mentees_when_not_held",
        _l("Fewer learners when sessions did not take place"),
        _l(
            "Whoever teaches gets one place fewer for every two of their sessions that did not take place "
            "in recent rounds, never fewer than one."
        ),
        _DIRECTED,
    ),
    Setting(
        "weights.valued_skills",
        _l("Skills whose sessions brought applied value"),
        _l(
            "Raising it makes wishes count more in skills whose sessions led at least five colleagues to "
            "applied value or more; 0 switches it off."
        ),
    ),
)

PAIRING_SECTIONS = (
    (_l("Rules"), RULES),
    (_l("Weights"), WEIGHTS),
    (_l("Fairness over rounds"), FAIRNESS),
    (_l("What earlier sessions feed in"), LEARNING_LOOP),
    (_l("Other settings"), OTHER),
)
ODD_ONE_OUT_CHOICES = (("trio", _l("joins a pair as a third")), ("report", _l("is reported as left out")))

ATTRIBUTE_WORDS = {
    "department": _l("department"),
    "function": _l("function"),
    "site": _l("site"),
    "team": _l("team"),
    "experience": _l("experience (in bands of years)"),
}
GOAL_WORDS = (("diverse", _l("mixed")), ("similar", _l("alike")), ("ignore", _l("ignore")))
assert [g for g, _ in GOAL_WORDS] == list(GOALS)

GROUP_OTHER = (
    Setting("size_min", _l("Smallest group"), _l("No group has fewer people.")),
    Setting("size_max", _l("Largest group"), _l("No group has more people.")),
    Setting(
        "topic_level",
        _l("Topic level"),
        _l("Each group holds someone at this level or more in each topic skill (0 to 4)."),
    ),
    Setting(
        "cooldown_rounds",
        _l("Earlier groupmates from this many rounds"),
        _l("Pairs of people who were in one group that recently count as repeats; 0 switches it off."),
    ),
    Setting(
        "max_repeats",
        _l("Repeats allowed per group"),
        _l("Raising it allows more such repeats in one group."),
    ),
    Setting(
        "fresh_groupmates",
        _l("No repeat until everyone has been met"),
        _l(
            "Earlier groupmates from any round of this kind count as repeats, "
            "except for someone who has already met everyone taking part."
        ),
    ),
    Setting(
        "left_out_first",
        _l("Left out last time, placed first"),
        _l(
            "Where the sizes do not divide, who was left out of the last rounds of this kind "
            "is placed before others, the longest waiting first."
        ),
    ),
    Setting(
        "worst_group",
        _l("Protect the weakest group"),
        _l("Raising it makes the lowest group's score count more, so no group gets the leftovers."),
    ),
    Setting(
        "time_limit",
        _l("Time limit (seconds)"),
        _l("How long the search may take; it returns the best plan found by then."),
    ),
)


def criterion_help(attribute: str) -> Any:
    return _l(
        "Mixed: raising the weight puts more different %(what)s values in each group. "
        "Alike: raising it gathers people of the same %(what)s.",
        what=ATTRIBUTE_WORDS[attribute],
    )
