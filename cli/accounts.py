"""``meeloop user``: web accounts from the command line, among them the first HR account."""

from __future__ import annotations

import datetime as dt
import secrets
import sys

import click

from cli import common
from matcher.domain.accounts import MIN_PASSWORD, ROLE_WORDS, ROLES, Account, AccountError, password_rule
from matcher.domain.phrases import phrase
from matcher.services import accounts

#: Why a password is refused, for the command line.
PASSWORD_PROBLEMS = {
    "length": phrase("use at least {n} characters", n=MIN_PASSWORD),
    "login": phrase("it cannot be the same as the login"),
    "variety": phrase("use more different characters"),
}


def _password(given_on_stdin: bool, login: str) -> str:
    if given_on_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    broken = password_rule(password, login)
    if broken:
        raise click.UsageError(
            common.said(phrase("the password is not accepted: {why}", why=PASSWORD_PROBLEMS[broken]))
        )
    return password


def _account(ctx: click.Context, login: str) -> Account:
    account = accounts.account_by_login(common.open_db(ctx), login)
    if account is None:
        raise click.UsageError(
            common.said(phrase("there is no account '{login}' ('meeloop user list' shows them)", login=login))
        )
    return account


@click.group("user")
def user() -> None:
    """Web accounts: add (the first HR account too), list, password, role, disable, enable."""


@user.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), required=True)
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
    try:
        account = accounts.add_account(
            database, login, role=role, password=password, person_id=person_id, now=dt.datetime.now(dt.UTC)
        )
    except AccountError as exc:
        raise click.UsageError(common.said(exc.message)) from None
    role_word = ROLE_WORDS.get(account.role, account.role)
    if person_id:
        common.echo(
            phrase(
                "account '{login}' added ({role}, {person})",
                login=account.login,
                role=role_word,
                person=person_id,
            )
        )
    else:
        common.echo(phrase("account '{login}' added ({role})", login=account.login, role=role_word))
    if generate:
        common.echo(phrase("password: {password}", password=password))


@user.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every account with its role and person."""
    found = accounts.accounts(common.open_db(ctx))
    if not found:
        common.echo(
            phrase("no accounts yet: add the first HR account with 'meeloop user add LOGIN --role hr'")
        )
    for account in found:
        state = "" if account.active else "  " + common.said(phrase("(switched off)"))
        role_word = common.said(ROLE_WORDS.get(account.role, account.role))
        click.echo(f"{account.login:40} {role_word:12} {account.person_id or '-'}{state}")


@user.command("password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_context
def password(ctx: click.Context, login: str, password_stdin: bool) -> None:
    """Set a new password; the account's open sessions end."""
    account = _account(ctx, login)
    new = _password(password_stdin, account.login)
    accounts.set_password(common.open_db(ctx), account.id, new, now=dt.datetime.now(dt.UTC))
    common.echo(phrase("password of '{login}' changed; its open sessions have ended", login=account.login))


@user.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
def role(ctx: click.Context, login: str, role: str) -> None:
    """Give an account another role."""
    try:
        account = accounts.set_role(common.open_db(ctx), _account(ctx, login).id, role)
    except AccountError as exc:
        raise click.UsageError(common.said(exc.message)) from None
    common.echo(
        phrase(
            "'{login}' is now {role}", login=account.login, role=ROLE_WORDS.get(account.role, account.role)
        )
    )


@user.command("disable")
@click.argument("login")
@click.pass_context
def disable(ctx: click.Context, login: str) -> None:
    """Switch an account off: it can no longer log in, and its sessions end."""
    try:
        accounts.set_active(common.open_db(ctx), _account(ctx, login).id, False)
    except AccountError as exc:
        raise click.UsageError(common.said(exc.message)) from None
    common.echo(phrase("'{login}' is switched off", login=login))


@user.command("enable")
@click.argument("login")
@click.pass_context
def enable(ctx: click.Context, login: str) -> None:
    """Switch an account on again."""
    accounts.set_active(common.open_db(ctx), _account(ctx, login).id, True)
    common.echo(phrase("'{login}' is switched on", login=login))
