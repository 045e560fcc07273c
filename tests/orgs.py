"""Small hand-made organisations for tests."""

from __future__ import annotations

import datetime as dt

from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Person, RelatedSkill, Skill, Wish
from matcher.io.fields import parse_working_hours


def person(pid: str, name: str | None = None, **kwargs: object) -> Person:
    name = name or pid.capitalize()
    return Person(pid, name, kwargs.pop("email", f"{pid}@wadloo.example"), **kwargs)  # type: ignore[arg-type]


def small_org() -> Organisation:
    """A municipality in miniature: two departments, a taxonomy, one leaver."""
    people = (
        person(
            "anna",
            "Anna de Vries",
            department="Sociaal Domein",
            function="afdelingshoofd",
            site="Stadhuis",
            start_date=dt.date(1998, 3, 1),
            years_experience=30,
            mentor_capacity=2,
            languages=("nl", "en"),
        ),
        person(
            "bram",
            "Bram Çelik",
            department="Sociaal Domein",
            function="consulent Wmo",
            site="Stadhuis",
            manager_id="anna",
            start_date=dt.date(2024, 9, 1),
            years_experience=2,
            newcomer=True,
        ),
        person(
            "chen",
            "王芳",
            department="Informatievoorziening",
            function="data-analist",
            site="Gemeentewerf",
            manager_id="anna",
            start_date=dt.date(2015, 1, 1),
            years_experience=12,
            timezone="Europe/Brussels",
            working_hours=parse_working_hours("mon-thu 08:30-17:00; fri 08:30-12:30"),
            host_capacity=2,
        ),
        person(
            "dirk",
            "Dirk Zoë Ахмед",
            department="Informatievoorziening",
            function="informatieadviseur",
            site="Gemeentewerf",
            manager_id="chen",
            start_date=dt.date(2001, 5, 1),
            years_experience=25,
            leaving_date=dt.date(2026, 12, 31),
        ),
        person(
            "eva",
            "Eva Jansen",
            department="Sociaal Domein",
            function="stagiair",
            site="Stadhuis",
            manager_id="anna",
            start_date=dt.date(2026, 9, 1),
            intern=True,
            ask_me=False,
        ),
    )
    skills = (
        Skill("sociaal-recht", "Wet- en regelgeving sociaal domein", "Wet- en regelgeving"),
        Skill(
            "wmo",
            "Wmo-wetgeving",
            "Wet- en regelgeving",
            aliases=("Wmo", "Wet maatschappelijke ondersteuning"),
            parent_id="sociaal-recht",
        ),
        Skill("sql", "SQL", "Digitaal & data", related=(RelatedSkill("python", 0.6),)),
        Skill("python", "Python", "Digitaal & data"),
        Skill("archief", "Archiefwet", "Informatiehuishouding"),
    )
    holdings = (
        Holding("anna", "wmo", Level.EXPERT),
        Holding("bram", "wmo", Level.WORKING),
        Holding("chen", "sql", Level.EXPERT),
        Holding("chen", "python", Level.PROFICIENT),
        Holding("dirk", "archief", Level.EXPERT),
        Holding("dirk", "sql", Level.WORKING),
        Holding("eva", "python", Level.AWARE),
    )
    wishes = (Wish("bram", "sql", 3), Wish("eva", "wmo", 2), Wish("anna", "python", 1))
    history = (
        HistoryEntry(
            "2025-Q4 mentor", "mentor", ("anna", "bram"), dt.date(2025, 10, 1), dt.date(2025, 12, 31)
        ),
    )
    return Organisation("Gemeente Wadloo", people, skills, holdings, wishes, history)


def mentoring_org() -> Organisation:
    """Three mentors with four places and five mentees: one mentee is always left out."""
    mentor = {"years_experience": 22, "start_date": dt.date(2004, 2, 1)}
    mentee = {"years_experience": 1, "start_date": dt.date(2025, 1, 6)}
    people = (
        person("marit", "Marit Bos", department="Sociaal Domein", mentor_capacity=2, **mentor),
        person("niels", "Niels Kok", department="Informatievoorziening", mentor_capacity=1, **mentor),
        person("olga", "Olga Smit", department="Informatievoorziening", mentor_capacity=1, **mentor),
        person("pim", "Pim de Wit", department="Sociaal Domein", **mentee),
        person("roos", "Roos Visser", department="Informatievoorziening", **mentee),
        person("sara", "Sara Yılmaz", department="Sociaal Domein", **mentee),
        person("tom", "Tom Bakker", department="Publiekszaken", **mentee),
        person("umar", "Umar Aziz", department="Publiekszaken", **mentee),
    )
    skills = (
        Skill("wmo", "Wmo-wetgeving", "Wet- en regelgeving"),
        Skill("sql", "SQL", "Digitaal & data"),
        Skill("python", "Python", "Digitaal & data"),
        Skill("archief", "Archiefwet", "Informatiehuishouding"),
    )
    holdings = (
        Holding("marit", "wmo", Level.EXPERT),
        Holding("marit", "sql", Level.PROFICIENT),
        Holding("niels", "sql", Level.EXPERT),
        Holding("niels", "python", Level.EXPERT),
        Holding("olga", "archief", Level.EXPERT),
        Holding("olga", "wmo", Level.PROFICIENT),
    )
    wishes = (
        Wish("pim", "sql", 3),
        Wish("roos", "wmo", 2),
        Wish("sara", "python", 2),
        Wish("tom", "archief", 3),
        Wish("tom", "wmo", 1),
        Wish("umar", "sql", 2),
        Wish("umar", "wmo", 2),
    )
    return Organisation("Gemeente Wadloo", people, skills, holdings, wishes)
