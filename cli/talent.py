"""Commands for the organisation and its talent map: init, import, export, ask, risks, bridges
(and hub persons)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from cli import common
from matcher.domain import ownership
from matcher.domain.model import Level, WorkingHours
from matcher.domain.phrases import clauses, counted, phrase, term
from matcher.domain.talentmap import TalentMap
from matcher.io import fields
from matcher.services import organisation
from matcher.services.mapcache import MapCache


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date."""
    database = common.open_db(ctx)
    url = database.engine.url.render_as_string(hide_password=True)
    common.echo(phrase("database ready: {url}", url=url))


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--skills", "skills_file", type=click.Path(path_type=Path), help="Skills file for a CSV matrix."
)
@click.option("--replace", is_flag=True, help="Remove people (and skills) that are not in the file.")
@click.option("--dry-run", is_flag=True, help="Show per person what would change, and store nothing.")
@click.option(
    "--take",
    "takes",
    multiple=True,
    metavar="PERSON:FIELD",
    help="Take the file's value over what the person entered (FIELD alone: for everyone; "
    "skills.ID or wishes.ID for one level or wish); repeatable. An opt-in is never switched on.",
)
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    skills_file: Path | None,
    replace: bool,
    dry_run: bool,
    takes: tuple[str, ...],
) -> None:
    """Import the organisation from JSON, or a skills matrix from CSV or XLSX (an upsert by id).

    What people own or entered themselves (opt-ins, hours, languages, their own levels and wishes)
    stays; the output lists each conflict, and --take chooses the file's value for one."""
    for take in takes:
        if ownership.BY_KEY.get(take.rpartition(":")[2].split(".", 1)[0]) is None:
            raise click.BadParameter(
                common.said(phrase("'{take}' names no field of a person", take=take)), param_hint="--take"
            )
    result = organisation.import_file(
        common.open_db(ctx),
        file,
        skills_path=skills_file,
        replace=replace,
        dry_run=dry_run,
        takes=takes,
        progress=common.progress(common.on_terminal()),
    )
    if result.changes.nothing and not result.reviews:
        common.echo(
            phrase(
                "nothing changed ({people}, {skills} stored)",
                people=counted(result.people, "{n} person", "{n} people"),
                skills=counted(result.skills, "{n} skill", "{n} skills"),
            )
        )
    elif dry_run:
        common.echo(
            phrase(
                "preview of {file}, nothing was stored: {changes}",
                file=file.name,
                changes=result.changes.summary(),
            )
        )
    elif result.changes.nothing:
        common.echo(phrase("nothing changed in {file}", file=file.name))
    else:
        common.echo(phrase("imported {file}: {changes}", file=file.name, changes=result.changes.summary()))
    _show_reviews(result)


#: How many ids a line lists before it says "and N more".
SHOWN_IDS = 20


def _ids(ids: list[str]) -> str:
    if len(ids) <= SHOWN_IDS:
        return ", ".join(ids)
    return phrase("{ids} and {n} more", ids=", ".join(ids[:SHOWN_IDS]), n=len(ids) - SHOWN_IDS)


def _shown(kind: str, value: object, skill_names: Mapping[str, str]) -> str:
    """A field's value as the output says it."""
    if value is None or value == "":
        return term("(none)")
    if isinstance(value, WorkingHours):
        return fields.format_working_hours(value)
    if isinstance(value, bool):
        return term("yes") if value else term("no")
    if kind == ownership.LEVEL and isinstance(value, int):
        return phrase("{level} ({word})", level=value, word=Level(value).label)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return common.said(value)


def _field(key: str, skill_names: Mapping[str, str]) -> str:
    return ownership.said_key(key, skill_names.get(key.partition(".")[2]))


def _show_reviews(result: organisation.ImportResult) -> None:
    """Per person: what changes (old -> new) and each conflict with what they entered."""
    names = result.skill_names
    added = [r for r in result.reviews if r.status == ownership.ADDED]
    if added:
        common.echo(
            phrase(
                "added: {people} ({ids})",
                people=counted(len(added), "{n} person", "{n} people"),
                ids=_ids([r.person_id for r in added]),
            )
        )
        not_on = [r.person_id for r in added if r.conflicts]
        if not_on:
            common.echo(
                phrase(
                    "opt-ins in the file not switched on for {people} ({ids}): they opt in themselves",
                    people=counted(len(not_on), "{n} new person", "{n} new people"),
                    ids=_ids(not_on),
                )
            )
    for review in result.reviews:
        if review.status == ownership.ADDED:
            continue
        status = STATUS_WORDS[review.status]
        common.echo(phrase("{id} {name}: {status}", id=review.person_id, name=review.name, status=status))
        for change in review.changes:
            common.echo(
                phrase(
                    "{field}: {old} -> {new}",
                    field=_field(change.key, names),
                    old=_shown(change.kind, change.old, names),
                    new=_shown(change.kind, change.new, names),
                ),
                indent="  ",
            )
        for conflict in review.conflicts:
            values = {
                "field": _field(conflict.key, names),
                "theirs": _shown(conflict.kind, conflict.theirs, names),
                "in_file": _shown(conflict.kind, conflict.in_file, names),
                "take": f"{review.person_id}:{conflict.key}",
            }
            if conflict.taken:
                line = phrase(
                    "taken from the file: {field}: they entered {theirs}, the file says {in_file}", **values
                )
            elif conflict.takeable:
                line = phrase(
                    "kept as they entered it: {field}: {theirs}, the file says {in_file} "
                    "(--take {take} takes the file's)",
                    **values,
                )
            else:
                line = phrase(
                    "not switched on: {field}: {theirs}, the file says {in_file} (only they can opt in)",
                    **values,
                )
            common.echo(line, indent="  ")


STATUS_WORDS = {
    ownership.UPDATED: term("updated"),
    ownership.REMOVED: term("removed"),
    ownership.KEPT: term("kept, with conflicts"),
}


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def export(ctx: click.Context, file: Path) -> None:
    """Export the organisation; the format follows the extension (.json, .csv, .xlsx)."""
    database = common.open_db(ctx)
    for written in organisation.export_file(database, file):
        common.echo(phrase("wrote {file}", file=str(written)))
    if file.suffix.lower() != ".json":
        common.echo(
            phrase(
                "note: the skills matrix holds people, skills, levels and wishes; the organisation's name "
                "and its earlier pairings and groups are only in a .json export"
            ),
            err=True,
        )


def _talent_map(ctx: click.Context, *, quiet: bool) -> TalentMap:
    show = common.progress(common.on_terminal() and not quiet)
    show(phrase("loading the organisation and building the talent map"))
    talent = MapCache(common.open_db(ctx)).get()
    org = talent.organisation
    show(
        phrase(
            "talent map ready: {people}, {skills}",
            people=counted(len(org.people), "{n} person", "{n} people"),
            skills=counted(len(org.skills), "{n} skill", "{n} skills"),
        )
    )
    return talent


@click.command()
@click.argument("skill")
@click.option("--as", "asker", metavar="PERSON_ID", help="Rank by fit with this person, who is left out.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def ask(ctx: click.Context, skill: str, asker: str | None, limit: int, as_json: bool) -> None:
    """Who can I ask about SKILL (an id, name, alias or a near spelling)?"""
    talent = _talent_map(ctx, quiet=as_json)
    if asker is not None and talent.person(asker) is None:
        raise click.BadParameter(
            common.said(phrase("no person with id '{person}'", person=asker)), param_hint="--as"
        )
    result = talent.ask(skill, asker_id=asker, limit=limit)
    if result.matched_by == "spelling":
        shown = phrase("(showing {skill} for '{asked}')", skill=result.skill_name, asked=skill)
        common.echo(shown, err=as_json)
    if as_json:
        common.emit_json([a.as_dict() for a in result.answers])
        return
    if not result.answers:
        common.echo(phrase("Nobody who is open to questions knows {skill} yet.", skill=result.skill_name))
    for rank, answer in enumerate(result.answers, 1):
        line = phrase(
            "{rank}. {name} <{email}> level {level}, score {score}",
            rank=rank,
            name=answer.name,
            email=answer.email,
            level=answer.level,
            score=f"{answer.score:.1f}",
        )
        if answer.related_skill:
            related = talent.skill(answer.related_skill)
            via = related.name if related is not None else answer.related_skill
            line = phrase("{line} — via {skill}", line=line, skill=via)
        common.echo(line, indent=" " if rank < 10 else "")
        for reason in answer.reasons:
            click.echo(f"      - {common.said(reason)}")


@click.command()
@click.option("--min-holders", default=2, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--horizon",
    "horizon_days",
    default=180,
    show_default=True,
    type=click.IntRange(0, 3650),
    help="Days ahead in which planned departures count.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def risks(ctx: click.Context, min_holders: int, horizon_days: int, as_json: bool) -> None:
    """Knowledge at risk: skills held well by too few people, or by people who leave soon."""
    found = _talent_map(ctx, quiet=as_json).risks(min_holders=min_holders, horizon_days=horizon_days)
    if as_json:
        common.emit_json([r.as_dict() for r in found])
        return
    if not found:
        common.echo(phrase("No knowledge at risk."))
    for risk in found:
        common.echo(
            phrase(
                "{skill} ({id}): {remaining} left at level 3 or higher",
                skill=risk.skill_name,
                id=risk.skill_id,
                remaining=risk.remaining,
            )
        )
        for reason in risk.reasons:
            click.echo(f"   - {common.said(reason)}")
        for successor in risk.successors:
            common.echo(
                phrase("could take over: {name} — {reason}", name=successor.name, reason=successor.reason),
                indent="   ",
            )


@click.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--hubs", is_flag=True, help="The hub person (spilfiguur) of each skill instead.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def bridges(ctx: click.Context, limit: int, hubs: bool, as_json: bool) -> None:
    """Bridge figures: the few people through whom departments are linked, most of the link first."""
    talent = _talent_map(ctx, quiet=as_json)
    if hubs:
        _hubs(talent, as_json)
        return
    found = talent.bridges(limit=limit)
    if as_json:
        common.emit_json([b.as_dict() for b in found])
        return
    for bridge in found:
        common.echo(
            phrase(
                "{name} ({department}), score {score}: {reasons}",
                name=bridge.name,
                department=bridge.department,
                score=f"{bridge.score:.3f}",
                reasons=clauses(bridge.reasons),
            )
        )


def _hubs(talent: TalentMap, as_json: bool) -> None:
    """The hub person of each skill that has one, by skill name."""
    found = [(skill, hub) for skill in talent.skills_by_name if (hub := talent.hub(skill.id)) is not None]
    if as_json:
        common.emit_json(
            [{"skill_id": skill.id, "skill_name": skill.name, **hub.as_dict()} for skill, hub in found]
        )
        return
    for skill, hub in found:
        common.echo(
            phrase(
                "{skill}: {name} — {reasons}", skill=skill.name, name=hub.name, reasons=clauses(hub.reasons)
            )
        )
