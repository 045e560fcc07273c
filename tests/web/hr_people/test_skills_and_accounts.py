"""HR edits the skills taxonomy and the accounts; the taxonomy service also on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher import storage
from matcher.domain.model import RelatedSkill, Skill
from matcher.domain.problems import InvalidInput
from matcher.io import orgjson
from matcher.services import organisation, taxonomy
from matcher.storage import accounts as account_store
from matcher.storage.admin import recent_imports
from tests.orgs import small_org
from tests.web.hr_people.support import EMPLOYEE, HR, page_text
from tests.webtools import PASSWORD, add_account, csrf_token, log_in, post_form

# -- skills ------------------------------------------------------------------------------------------------


def _skill(app, skill_id):
    return next(
        (
            s
            for s in organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
            if s.id == skill_id
        ),
        None,
    )


def test_a_skill_is_added_and_edited_with_parent_aliases_and_related_skills(app, hr):
    response = post_form(
        hr,
        "/hr/skills/new",
        {"id": "jeugdwet", "name": "Jeugdwet", "category": "Wet- en regelgeving", "parent": "sociaal-recht",
         "aliases": "Jeugd; jeugdrecht", "related": "wmo:0.6\nsql"},
    )  # fmt: skip
    assert response.status_code == 302, page_text(response)[:3000]
    added = _skill(app, "jeugdwet")
    assert added.parent_id == "sociaal-recht" and added.aliases == ("Jeugd", "jeugdrecht")
    assert "Jeugdwet" in page_text(hr.get("/hr/skills"))
    # Relations are kept once, on either side; the form shows both.
    form = page_text(hr.get("/hr/skills/jeugdwet/edit"))
    assert "wmo:0.6" in form and "sql:0.5" in form
    response = post_form(
        hr,
        "/hr/skills/jeugdwet/edit",
        {"name": "Jeugdwet 2015", "category": "Recht", "parent": "", "aliases": "", "related": "wmo:0.9"},
    )
    assert response.status_code == 302
    changed = _skill(app, "jeugdwet")
    assert (changed.name, changed.category, changed.parent_id, changed.aliases) == (
        "Jeugdwet 2015",
        "Recht",
        None,
        (),
    )
    assert "Jeugdwet 2015" in page_text(hr.get("/skills/wmo"))  # the cached map was rebuilt
    with app.extensions["meeloop"]["db"].transaction() as session:
        assert recent_imports(session)[0].sources == ("skills page: changed jeugdwet",)


def test_a_parent_that_would_make_a_loop_is_refused(app, hr):
    before = organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
    response = post_form(
        hr,
        "/hr/skills/sociaal-recht/edit",
        {"name": "Wet- en regelgeving sociaal domein", "category": "Wet- en regelgeving", "parent": "wmo"},
    )
    html = page_text(response)
    assert response.status_code == 400
    assert "would form a loop: sociaal-recht -&gt; wmo -&gt; sociaal-recht" in html
    assert organisation.load_organisation(app.extensions["meeloop"]["db"]).skills == before


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"id": "sql", "name": "Structured Query Language"}, "already a skill with the id"),
        ({"id": "sql2", "name": "archiefwet"}, "is already the name of the skill &#39;archief&#39;"),
        ({"id": "sql2", "name": "python"}, "is already the id of the skill"),
        ({"id": "sql2", "name": "SQL 2", "aliases": "Wmo"}, "the alias &#39;Wmo&#39; is already"),
        ({"id": "a:b", "name": "A B"}, "cannot be a skill id"),
        ({"id": "manager", "name": "Manager"}, "name of a person column"),
        ({"id": "sql2", "name": "SQL 2", "related": "sql:2"}, "outside 0 to 1"),
        ({"id": "sql2", "name": "SQL 2", "related": "nothing:0.4"}, "not a known skill"),
        ({"id": "sql2", "name": ""}, "the name is empty"),
    ],
)
def test_a_skill_that_clashes_or_is_malformed_is_refused(app, hr, data, says):
    before = organisation.load_organisation(app.extensions["meeloop"]["db"]).skills
    response = post_form(hr, "/hr/skills/new", data)
    assert response.status_code == 400
    assert says in page_text(response)
    assert organisation.load_organisation(app.extensions["meeloop"]["db"]).skills == before


# -- accounts ----------------------------------------------------------------------------------------


def _shown_password(html: str) -> str:
    found = re.search(r'<p class="password"><code>([^<]+)</code></p>', html)
    assert found, html[:3000]
    return found.group(1)


def _account(app, login):
    with app.extensions["meeloop"]["db"].transaction() as session:
        return account_store.account_by_login(session, login)


def _can_log_in(app, login, password) -> bool:
    client = app.test_client()
    token = csrf_token(client, "/login")
    return (
        client.post("/login", data={"login": login, "password": password, "csrf_token": token}).status_code
        == 302
    )


def test_an_account_is_made_for_a_person_with_a_password_shown_once(app, hr):
    assert 'value="chen"' in page_text(hr.get("/hr/accounts?person=chen"))  # from the person's page
    response = post_form(hr, "/hr/accounts", {"person": "chen", "login": "", "role": "manager"})
    html = page_text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _shown_password(html)
    account = _account(app, "chen@wadloo.example")
    assert account.role == "manager" and account.person_id == "chen"
    assert password not in account.password_hash
    assert _can_log_in(app, "chen@wadloo.example", password)
    listing = page_text(hr.get("/hr/accounts"))
    assert "chen@wadloo.example" in listing and password not in listing


def test_an_account_for_an_unknown_person_or_a_taken_login_is_refused_at_the_field(app, hr):
    unknown = post_form(hr, "/hr/accounts", {"person": "nobody", "role": "employee"})
    assert unknown.status_code == 400 and "There is nobody with the id" in page_text(unknown)
    taken = post_form(hr, "/hr/accounts", {"person": "dirk", "login": EMPLOYEE, "role": "employee"})
    assert taken.status_code == 400 and "there is already an account" in page_text(taken)
    twice = post_form(
        hr, "/hr/accounts", {"person": "bram", "login": "other@wadloo.example", "role": "employee"}
    )
    assert twice.status_code == 400 and "already has an account" in page_text(twice)
    assert _account(app, "dirk@wadloo.example") is None and _account(app, "other@wadloo.example") is None


def test_a_role_is_changed_and_an_account_switched_off_and_on(app, hr):
    bram = _account(app, EMPLOYEE)
    employee = app.test_client()
    log_in(employee, EMPLOYEE)
    assert employee.get("/hr/people").status_code == 403
    response = post_form(hr, f"/hr/accounts/{bram.id}/role", {"role": "hr"}, form_page="/hr/accounts")
    assert response.status_code == 302
    assert _account(app, EMPLOYEE).role == "hr"
    assert employee.get("/hr/people").status_code == 200
    off = post_form(hr, f"/hr/accounts/{bram.id}/active", {"active": "0"}, form_page="/hr/accounts")
    assert off.status_code == 302
    assert employee.get("/hr/people").status_code == 302  # the open session ended
    assert not _can_log_in(app, EMPLOYEE, PASSWORD)
    on = post_form(hr, f"/hr/accounts/{bram.id}/active", {"active": "1"}, form_page="/hr/accounts")
    assert on.status_code == 302 and _can_log_in(app, EMPLOYEE, PASSWORD)


def test_a_reset_password_replaces_the_old_one(app, hr):
    bram = _account(app, EMPLOYEE)
    response = post_form(hr, f"/hr/accounts/{bram.id}/password", {}, form_page="/hr/accounts")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _shown_password(page_text(response))
    assert _can_log_in(app, EMPLOYEE, password)
    assert not _can_log_in(app, EMPLOYEE, PASSWORD)


def test_the_last_hr_account_cannot_be_demoted_or_switched_off(app, hr):
    me = _account(app, HR)
    demote = post_form(hr, f"/hr/accounts/{me.id}/role", {"role": "employee"}, form_page="/hr/accounts")
    assert demote.status_code == 400 and "last HR account" in page_text(demote)
    off = post_form(hr, f"/hr/accounts/{me.id}/active", {"active": "0"}, form_page="/hr/accounts")
    assert off.status_code == 400 and "last HR account" in page_text(off)
    assert _account(app, HR).role == "hr" and _account(app, HR).active


def test_an_hr_account_that_is_switched_off_does_not_count_as_another_hr(app, hr):
    spare = add_account(app, "spare@wadloo.example", "hr")
    assert (
        post_form(
            hr, f"/hr/accounts/{spare.id}/active", {"active": "0"}, form_page="/hr/accounts"
        ).status_code
        == 302
    )
    me = _account(app, HR)
    demote = post_form(hr, f"/hr/accounts/{me.id}/role", {"role": "employee"}, form_page="/hr/accounts")
    assert demote.status_code == 400 and "last HR account" in page_text(demote)
    assert _account(app, HR).role == "hr"


def test_an_unknown_account_is_a_404(hr):
    assert post_form(hr, "/hr/accounts/999/password", {}, form_page="/hr/accounts").status_code == 404


# -- the taxonomy service on both databases ---------------------------------------------------------


def test_a_skill_edit_is_written_like_an_import_and_a_loop_is_refused(db, tmp_path):
    orgjson.write_json(small_org(), tmp_path / "org.json")
    organisation.import_file(db, tmp_path / "org.json")
    with db.transaction() as session:
        version = storage.data_version(session)
    moment = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
    changed = Skill("sql", "SQL en databases", "Digitaal & data", related=(RelatedSkill("python", 0.8),))
    taxonomy.update_skill(db, changed, now=moment)
    org = organisation.load_organisation(db)
    # The relation is kept once, on the skill with the smaller id.
    assert org.skill("python").related == (RelatedSkill("sql", 0.8),) and org.skill("sql").related == ()
    assert org.skill("sql").name == "SQL en databases"
    with db.transaction() as session:
        assert storage.data_version(session) == version + 1
        run = recent_imports(session)[0]
    assert run.sources == ("skills page: changed sql",) and run.at == moment and "1 updated" in run.summary
    loop = Skill("sociaal-recht", "Wet- en regelgeving sociaal domein", parent_id="wmo")
    with pytest.raises(InvalidInput) as refused:
        taxonomy.update_skill(db, loop, now=moment)
    assert [p.where.field for p in refused.value.problems] == ["parent"]
    assert organisation.load_organisation(db).skill("sociaal-recht").parent_id is None


def _made(html: str) -> list[tuple[str, str, str]]:
    table = html[html.index('id="made-title"') : html.index("</table>", html.index('id="made-title"'))]
    return re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td><code>([^<]+)</code></td></tr>", table)


def test_accounts_for_one_department_then_everyone_are_made_at_once_each_password_shown_once(app, hr):
    # anna, bram (Sociaal Domein) have accounts; chen, dirk (Informatievoorziening) and eva do not
    page = page_text(hr.get("/hr/accounts"))
    assert "Accounts for many people at once" in page and '<option value="Informatievoorziening">' in page
    one = post_form(
        hr,
        "/hr/accounts/many",
        {"many-scope": "department", "many-department": "Informatievoorziening", "many-role": "employee"},
        form_page="/hr/accounts",
    )
    html = page_text(one)
    assert one.status_code == 200 and one.headers["Cache-Control"] == "no-store"
    made = _made(html)
    assert sorted(login for _, login, _ in made) == ["chen@wadloo.example", "dirk@wadloo.example"]
    for _, login, password in made:
        account = _account(app, login)
        assert account.role == "employee" and password not in account.password_hash
        assert _can_log_in(app, login, password)
    # the download holds the same passwords as the page
    link = re.search(r'download="accounts.csv" href="data:text/csv;charset=utf-8,([^"]+)"', html)
    from urllib.parse import unquote

    rows = [line.split(",") for line in unquote(link.group(1)).strip().splitlines()]
    assert sorted(rows[1:]) == sorted([name, login, password] for name, login, password in made)

    everyone = page_text(
        post_form(
            hr,
            "/hr/accounts/many",
            {"many-scope": "everyone", "many-role": "manager"},
            form_page="/hr/accounts",
        )
    )
    assert [login for _, login, _ in _made(everyone)] == ["eva@wadloo.example"]
    assert _account(app, "eva@wadloo.example").role == "manager"
    # anna, bram, chen and dirk already had one: passed over, said why
    assert "4 people passed over" in everyone and "already has an account" in everyone
    listing = page_text(hr.get("/hr/accounts"))
    assert all(password not in listing for _, _, password in made)


def test_accounts_for_a_department_need_one_and_nothing_is_made_without(app, hr):
    before = len(_accounts(app))
    refused = post_form(
        hr, "/hr/accounts/many", {"many-scope": "department", "many-department": ""}, form_page="/hr/accounts"
    )
    assert refused.status_code == 400 and "Choose one of the departments." in page_text(refused)
    assert len(_accounts(app)) == before


def _accounts(app):
    with app.extensions["meeloop"]["db"].transaction() as session:
        return account_store.accounts(session)
