"""Commands for invites: calendar files, e-mail, feed addresses, and changes after publishing."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from cli import common
from matcher.domain.phrases import counted, phrase
from matcher.io.ics import InviteSettings
from matcher.io.mail import SmtpSettings
from matcher.services import meeting_times, publishing, rounds


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _settings() -> InviteSettings:
    return InviteSettings.from_env(os.environ)


@click.command()
@click.argument("round_name", required=False)
@click.option("--out", type=click.Path(path_type=Path), help="Folder for a round's files.")
@click.option("--person", "person_id", help="A person's own events, as one file.")
@click.option("--event", "event_id", type=int, help="One event, as one file.")
@click.pass_context
def ics(
    ctx: click.Context, round_name: str | None, out: Path | None, person_id: str | None, event_id: int | None
) -> None:
    """Calendar files (.ics) to download or import.

    \b
    meeloop ics ROUND --out DIR     one file per person in the round, and round.ics with all of it
    meeloop ics --person ID         that person's events (to standard output, or --out FILE)
    meeloop ics --event N           one event
    """
    chosen = [x for x in (round_name, person_id, event_id) if x is not None]
    if len(chosen) != 1:
        raise click.UsageError(common.said(phrase("give one of ROUND, --person ID or --event N")))
    database, settings = common.open_db(ctx), _settings()
    if round_name is not None:
        if out is None:
            raise click.UsageError(common.said(phrase("a round's files need --out DIR")))
        written = publishing.source_files(database, settings, round_name, out, now=_now())
        people = counted(len(written) - 1, "{n} person", "{n} people")
        common.echo(
            counted(
                len(written),
                "wrote {n} file to {out}: {people} and round.ics",
                "wrote {n} files to {out}: {people} and round.ics",
                out=str(out),
                people=people,
            )
        )
        return
    if person_id is not None:
        data = publishing.person_calendar(database, settings, person_id, now=_now())
    else:
        data = publishing.event_calendar(database, settings, event_id, now=_now())
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
        common.echo(phrase("wrote {out}", out=str(out)))


@click.command()
@click.argument("source", required=False)
@click.option("--dry-run", is_flag=True, help="Only list what would be sent; change nothing.")
@click.option(
    "--retry-failed", is_flag=True, help="First queue the failed messages again, written with today's data."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def send(ctx: click.Context, source: str | None, dry_run: bool, retry_failed: bool, as_json: bool) -> None:
    """E-mail the invites, updates and cancellations that SOURCE (a round, or every plan when left
    out) calls for since the last send, and deliver what waits in the outbox.

    The mail server comes from MEELOOP_SMTP_HOST, _PORT, _SECURITY (starttls, ssl, none), _USER,
    _PASSWORD and _FROM. Without it the messages wait in the outbox for a later send. A message the
    server refused for good is marked failed; after fixing the address, --retry-failed sends it again.
    """
    database, settings = common.open_db(ctx), _settings()
    smtp = SmtpSettings.from_env(os.environ)
    retried = None
    if retry_failed and not dry_run:
        retried = publishing.retry_failed(database, settings, now=_now(), source=source)
    due = publishing.queue_invites(database, settings, source=source, now=_now(), dry_run=dry_run)
    late = len(publishing.too_late(database, source=source, now=_now()))
    listed = [
        {
            "event": d.event.id,
            "title": d.event.title,
            "person": d.person_id,
            "method": d.method,
            "sequence": d.sequence,
        }
        for d in due
    ]
    delivery = None
    if not dry_run and smtp is not None:
        delivery = publishing.deliver(database, smtp, settings, now=_now(), source=source)
    if as_json:
        common.emit_json(
            {
                "dry_run": dry_run,
                "retried": retried or 0,
                "queued": listed,
                "too_late": late,
                "sent": delivery.sent if delivery else 0,
                "failed": [{"outbox_id": i, "error": e} for i, e in delivery.failed] if delivery else [],
                "waiting": delivery.waiting if delivery else None,
            }
        )
    else:
        if retried is not None:
            common.echo(
                counted(retried, "{n} failed message queued again", "{n} failed messages queued again")
            )
        common.echo(_queued(len(due), source, dry_run))
        if late:
            common.echo(publishing.too_late_words(late))
        for item in listed:
            title = common.said(item["title"])
            click.echo(f"  {item['method']:<7} seq {item['sequence']}  {item['person']:<16} {title}")
        if delivery is not None:
            common.echo(delivery.summary())
            for outbox_id, error in delivery.failed:
                failed = (
                    phrase("failed (outbox {id}): {error}", id=outbox_id, error=error)
                    if outbox_id
                    else phrase("failed: {error}", error=error)
                )
                common.echo(failed, indent="  ", err=True)
        elif not dry_run:
            common.echo(
                phrase("e-mail is not configured (MEELOOP_SMTP_HOST): the messages wait in the outbox")
            )
    if delivery is not None and delivery.failed:
        ctx.exit(1)


@click.command()
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def outbox(ctx: click.Context, source: str | None, as_json: bool) -> None:
    """The e-mails queued, sent and failed (for SOURCE's events, or all)."""
    found = publishing.outbox_messages(common.open_db(ctx), source=source)
    if as_json:
        common.emit_json([m.as_dict() for m in found])
        return
    for m in found:
        error = f"  ({m.last_error})" if m.last_error else ""
        click.echo(f"{m.id:>5} {m.status:<7} {m.method:<7} seq {m.sequence} {m.email:<32} {m.subject}{error}")
    if not found:
        common.echo(phrase("The outbox is empty."))


@click.command("feed-token")
@click.argument("person_id")
@click.option("--revoke", is_flag=True, help="Stop the person's feed address from working.")
@click.pass_context
def feed_token(ctx: click.Context, person_id: str, revoke: bool) -> None:
    """A new secret calendar feed address for PERSON_ID (the old one stops working), or --revoke it."""
    database = common.open_db(ctx)
    if revoke:
        gone = publishing.revoke_feed_token(database, person_id, now=_now())
        if gone:
            common.echo(phrase("{person}: feed address revoked", person=person_id))
        else:
            common.echo(phrase("{person}: had no feed address", person=person_id))
        return
    address = publishing.new_feed_token(database, _settings(), person_id, now=_now())
    common.echo(phrase("feed for {person} (shown once; only its hash is stored):", person=person_id))
    click.echo(f"  {address.webcal}")
    click.echo(f"  {address.https}")


@click.command()
@click.argument("event_id", type=int)
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]))
@click.pass_context
def move(ctx: click.Context, event_id: int, start: dt.datetime) -> None:
    """Move a planned event (a series: all of it) to START, in the event's own time zone.
    Then 'meeloop send' sends the update."""
    event = meeting_times.move_event(common.open_db(ctx), event_id, start, now=_now())
    common.echo(
        phrase(
            "event {id} moved to {start} UTC, sequence {sequence}",
            id=str(event.id),
            start=f"{event.start:%Y-%m-%d %H:%M}",
            sequence=str(event.sequence),
        )
    )


@click.command()
@click.argument("round_name")
@click.argument("first")
@click.argument("second")
@click.pass_context
def swap(ctx: click.Context, round_name: str, first: str, second: str) -> None:
    """Swap two people between their pairs or groups of ROUND, also after publishing.
    Then 'meeloop meet ROUND --save' and 'meeloop send ROUND' update the invites."""
    now = _now()
    stored = rounds.swap_people(common.open_db(ctx), round_name, first, second, today=now.date(), now=now)
    common.echo(phrase("round '{round}': {what}", round=round_name, what=stored.events[-1].detail))


@click.command()
@click.argument("round_name")
@click.argument("person_id")
@click.pass_context
def drop(ctx: click.Context, round_name: str, person_id: str) -> None:
    """Take the pair or group PERSON_ID is in out of ROUND, also after publishing.
    Then 'meeloop meet ROUND --save' and 'meeloop send ROUND' send the cancellations."""
    now = _now()
    stored = rounds.remove_unit(common.open_db(ctx), round_name, person_id, today=now.date(), now=now)
    common.echo(phrase("round '{round}': {what}", round=round_name, what=stored.events[-1].detail))


COMMANDS = (ics, send, outbox, feed_token, move, swap, drop)


def _queued(n: int, source: str | None, dry_run: bool) -> str:
    if dry_run and source:
        return counted(
            n, "would queue {n} message for {source}", "would queue {n} messages for {source}", source=source
        )
    if dry_run:
        return counted(n, "would queue {n} message", "would queue {n} messages")
    if source:
        return counted(
            n, "queued {n} message for {source}", "queued {n} messages for {source}", source=source
        )
    return counted(n, "queued {n} message", "queued {n} messages")
