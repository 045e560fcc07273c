"""Commands for the organisation and its talent map: init, import, export, ask, risks, bridges."""

from __future__ import annotations

from pathlib import Path

import click

from cli import common
from matcher.domain.phrases import clauses, counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.services import organisation


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
@click.pass_context
def import_(ctx: click.Context, file: Path, skills_file: Path | None, replace: bool) -> None:
    """Import the organisation from JSON, or a skills matrix from CSV or XLSX (an upsert by id)."""
    result = organisation.import_file(
        common.open_db(ctx),
        file,
        skills_path=skills_file,
        replace=replace,
        progress=common.progress(common.on_terminal()),
    )
    if result.changes.nothing:
        common.echo(
            phrase(
                "nothing changed ({people}, {skills} stored)",
                people=counted(result.people, "{n} person", "{n} people"),
                skills=counted(result.skills, "{n} skill", "{n} skills"),
            )
        )
    else:
        common.echo(phrase("imported {file}: {changes}", file=file.name, changes=result.changes.summary()))


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
    talent = organisation.MapCache(common.open_db(ctx)).get()
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
            line = phrase("{line} — via {skill}", line=line, skill=talent.skill(answer.related_skill).name)
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
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def bridges(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Bridge figures: people who connect departments."""
    found = _talent_map(ctx, quiet=as_json).bridges(limit=limit)
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
