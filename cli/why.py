"""``meeloop why``: why these two, and why not those two."""

from __future__ import annotations

import datetime as dt

import click

from cli import common
from matcher.domain.phrases import counted, phrase
from matcher.services import organisation
from matcher.services import why as why_service


@click.command()
@click.argument("round_name")
@click.argument("person_id")
@click.argument("partner", required=False)
@click.option("--all", "everyone", is_flag=True, help="Also list each partner a rule rules out.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_context
def why(
    ctx: click.Context, round_name: str, person_id: str, partner: str | None, everyone: bool, as_json: bool
) -> None:
    """Why not X? PERSON_ID's possible partners in ROUND (or the groups they could move to), each
    with the round's score when taken, or the rule that forbids it. With PARTNER: only that one."""
    today = dt.datetime.now(dt.UTC).date()
    db = common.open_db(ctx)
    found = why_service.answer(db, round_name, person_id, partner, today=today)
    if as_json:
        common.emit_json(found.as_dict())
        return
    known = organisation.person_names(db)

    def names(person: str | None) -> str:
        return known.get(person or "", person or "")

    common.echo(
        phrase(
            "round '{round}', {name} ({id}): the round scores {score} now",
            round=round_name,
            name=names(person_id),
            id=person_id,
            score=f"{found.objective:g}",
        )
    )
    for option in found.partners:
        pair = phrase(
            "{teacher} teaches {learner}", teacher=names(option.pair[0]), learner=names(option.pair[1])
        )
        if not option.allowed:
            if everyone or partner:
                common.echo(phrase("not {pair}: {reason}", pair=pair, reason=option.reason), indent="  ")
            continue
        if option.objective is None:
            common.echo(
                phrase("{pair}: allowed, not worked out (ask for this partner)", pair=pair), indent="  "
            )
            continue
        changes = counted(len(option.breaks_up), "{n} pair changes", "{n} pairs change")
        if option.current:
            common.echo(phrase("{pair}: in the plan now", pair=pair), indent="  ")
        else:
            common.echo(
                phrase(
                    "{pair}: the round scores {score} ({cost} less), {changes}",
                    pair=pair,
                    score=f"{option.objective:g}",
                    cost=f"{option.cost(found.objective) or 0:g}",
                    changes=changes,
                ),
                indent="  ",
            )
    ruled_out = sum(1 for option in found.partners if not option.allowed)
    if ruled_out and not (everyone or partner):
        common.echo(
            counted(
                ruled_out,
                "{n} other is ruled out by a rule (--all lists them)",
                "{n} others are ruled out by a rule (--all lists them)",
            ),
            indent="  ",
        )
    for move in found.moves:
        group = ", ".join(names(m) for m in move.members)
        how = (
            phrase("in exchange for {name}", name=names(move.swap_with))
            if move.swap_with
            else phrase("as an extra member")
        )
        line = phrase(
            "to the group of {group}, {how}: the round scores {score} ({cost} less)",
            group=group,
            how=how,
            score=f"{move.objective:g}",
            cost=f"{move.cost:g}",
        )
        if move.breaks:
            line = phrase(
                "{line}; breaks {rules:list}", line=line, rules=[f"{rule} ({n})" for rule, n in move.breaks]
            )
        common.echo(line, indent="  ")
