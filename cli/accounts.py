"""``meeloop user``: web accounts from the command line, among them the first HR account."""

from __future__ import annotations

import datetime as dt
import secrets
import sys

import click

from cli import common
from matcher import storage
from matcher.storage import accounts as store
from web.auth import hash_password, password_problem_text


def _password(given_on_stdin: bool, login: str) -> str:
    if given_on_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    problem = password_problem_text(password, login)
    if problem:
        raise click.UsageError(f"the password is not accepted: {problem}")
    return password


def _account(session, login: str) -> store.Account:
    account = store.account_by_login(session, login)
    if account is None:
        raise click.UsageError(f"there is no account '{login}' ('meeloop user list' shows them)")
    return account


@click.group("user")
def user() -> None:
    """Web accounts: add (the first HR account too), list, password, role, disable, enable."""


@user.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(store.ROLES), required=True)
@click.option("--person", "person_id", metavar="ID", help="The person on the talent map this account is.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option(
    "--generate", is_flag=True, help="Make up a strong password and print it once (for handing over)."
)
@click.pass_context
def add(
    ctx: click.Context, login: str, role: str, person_id: str | None, password_stdin: bool, generate: bool
) -> None:
    """Add an account. Without --person it is nobody on the map (fine for an HR administrator)."""
    database = common.open_db(ctx)
    password = secrets.token_urlsafe(12) if generate else _password(password_stdin, login)
    with database.transaction() as session:
        if person_id is not None and storage.load_person(session, person_id) is None:
            raise click.UsageError(f"there is nobody with the id '{person_id}' on the talent map")
        try:
            account = store.add_account(
                session,
                login,
                role=role,
                password_hash=hash_password(password),
                person_id=person_id,
                now=dt.datetime.now(dt.UTC),
            )
        except store.AccountError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(f"account '{account.login}' added ({account.role}{', ' + person_id if person_id else ''})")
    if generate:
        click.echo(f"password: {password}")


@user.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every account with its role and person."""
    with common.open_db(ctx).transaction() as session:
        found = store.accounts(session)
    if not found:
        click.echo("no accounts yet: add the first HR account with 'meeloop user add LOGIN --role hr'")
    for account in found:
        state = "" if account.active else "  (switched off)"
        click.echo(f"{account.login:40} {account.role:9} {account.person_id or '-'}{state}")


@user.command("password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_context
def password(ctx: click.Context, login: str, password_stdin: bool) -> None:
    """Set a new password; the account's open sessions end."""
    with common.open_db(ctx).transaction() as session:
        account = _account(session, login)
        new = _password(password_stdin, account.login)
        store.set_password(session, account.id, hash_password(new), now=dt.datetime.now(dt.UTC))
    click.echo(f"password of '{account.login}' changed; its open sessions have ended")


@user.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice(store.ROLES))
@click.pass_context
def role(ctx: click.Context, login: str, role: str) -> None:
    """Give an account another role."""
    with common.open_db(ctx).transaction() as session:
        try:
            account = store.set_role(session, _account(session, login).id, role)
        except store.AccountError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(f"'{account.login}' is now {account.role}")


@user.command("disable")
@click.argument("login")
@click.pass_context
def disable(ctx: click.Context, login: str) -> None:
    """Switch an account off: it can no longer log in, and its sessions end."""
    with common.open_db(ctx).transaction() as session:
        try:
            store.set_active(session, _account(session, login).id, False)
        except store.AccountError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(f"'{login}' is switched off")


@user.command("enable")
@click.argument("login")
@click.pass_context
def enable(ctx: click.Context, login: str) -> None:
    """Switch an account on again."""
    with common.open_db(ctx).transaction() as session:
        store.set_active(session, _account(session, login).id, True)
    click.echo(f"'{login}' is switched on")
