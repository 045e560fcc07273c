"""Hand-written vocabulary for synthetic organisations: a Dutch municipality.

The tables here are data, not logic. :mod:`bench.synthetic` builds people,
skills and history from them; ``data/make_demo.py`` uses them as they are for
the demo organisation, the generator scales them up or down.

Names are common first names and surnames of the backgrounds found in a Dutch
or Flemish workforce; the generator combines them at random, so every person
is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Organisation shape


@dataclass(frozen=True)
class TeamPlan:
    """A kind of team in a department: its job families (with relative weights)
    and, for a team that sits elsewhere, its own site, time zone and the name
    background most of its people share."""

    name: str
    functions: tuple[tuple[str, float], ...]
    site: str | None = None
    timezone: str | None = None
    background: str | None = None


@dataclass(frozen=True)
class DepartmentPlan:
    """A department: relative size, home site, the skill categories its work
    draws on, and the teams it is made of. Departments of the same ``domain``
    (the district copies of one department) share a director in large
    organisations."""

    name: str
    weight: float
    site: str
    categories: tuple[str, ...]
    teams: tuple[TeamPlan, ...]
    domain: str = ""


DIRECTOR = "gemeentesecretaris"
DOMAIN_DIRECTOR = "directeur"
HEAD = "afdelingshoofd"
MANAGER = "manager"
TEAM_LEAD = "teamleider"
INTERN = "stagiair"

WET = "Wet- en regelgeving"
DIENST = "Dienstverlening"
DIGI = "Digitaal & data"
INFO = "Informatiehuishouding"
FIN = "Financiën"
COMM = "Communicatie"
SAMEN = "Samenwerken & persoonlijke vaardigheden"
PROJ = "Projecten & verandering"
RUIMTE = "Vakinhoud ruimte"
PO = "Personeel & organisatie"

CATEGORIES: tuple[str, ...] = (WET, DIENST, DIGI, INFO, FIN, COMM, SAMEN, PROJ, RUIMTE, PO)

SITES: tuple[str, ...] = (
    "Stadhuis",
    "Stadswinkel Noord",
    "Gemeentewerf",
    "Sociaal Wijkteam Oost",
    "Servicecentrum Scheldeland (Gent)",
)

DEPARTMENTS: tuple[DepartmentPlan, ...] = (
    DepartmentPlan(
        "Publiekszaken",
        40,
        "Stadswinkel Noord",
        (DIENST, WET, COMM),
        (
            TeamPlan("Burgerzaken", (("medewerker burgerzaken", 8), ("specialist burgerzaken", 2))),
            TeamPlan("Klantcontactcentrum", (("klantcontactmedewerker", 9), ("kwaliteitsmedewerker KCC", 1))),
            TeamPlan("Bijzondere wetten & APV", (("medewerker bijzondere wetten", 3), ("jurist", 1))),
        ),
    ),
    DepartmentPlan(
        "Sociaal Domein",
        55,
        "Stadhuis",
        (WET, DIENST, SAMEN),
        (
            TeamPlan("Wmo", (("consulent Wmo", 6), ("beleidsmedewerker", 1))),
            TeamPlan("Jeugd", (("jeugdconsulent", 6), ("consulent Wmo", 1))),
            TeamPlan("Werk & Inkomen", (("consulent werk en inkomen", 5), ("schuldhulpverlener", 2))),
            TeamPlan(
                "Sociaal Wijkteam Oost",
                (
                    ("wijkcoach", 3),
                    ("consulent Wmo", 2),
                    ("jeugdconsulent", 2),
                    ("schuldhulpverlener", 1),
                ),
                site="Sociaal Wijkteam Oost",
            ),
            TeamPlan("Beleid Sociaal Domein", (("beleidsmedewerker", 4), ("projectleider", 1))),
        ),
    ),
    DepartmentPlan(
        "Ruimte & Omgeving",
        44,
        "Gemeentewerf",
        (RUIMTE, WET, PROJ),
        (
            TeamPlan("Vergunningverlening", (("vergunningverlener", 6), ("jurist", 1)), site="Stadhuis"),
            TeamPlan("Toezicht & Handhaving", (("toezichthouder", 4), ("BOA", 3))),
            TeamPlan(
                "Ruimtelijke Ontwikkeling",
                (
                    ("adviseur ruimtelijke ordening", 4),
                    ("projectleider", 2),
                    ("beleidsmedewerker", 1),
                ),
                site="Stadhuis",
            ),
            TeamPlan(
                "Beheer Openbare Ruimte", (("medewerker beheer openbare ruimte", 5), ("projectleider", 1))
            ),
        ),
    ),
    DepartmentPlan(
        "Bedrijfsvoering",
        30,
        "Stadhuis",
        (PO, WET, FIN),
        (
            TeamPlan("HRM", (("HR-adviseur", 4), ("medewerker HR-administratie", 2))),
            TeamPlan(
                "Salarisadministratie",
                (("salarisadministrateur", 1),),
                site="Servicecentrum Scheldeland (Gent)",
                timezone="Europe/Brussels",
                background="flemish",
            ),
            TeamPlan(
                "Juridische Zaken & Inkoop", (("jurist", 3), ("inkoopadviseur", 2), ("privacy officer", 1))
            ),
            TeamPlan("Facilitaire Zaken", (("medewerker facilitaire zaken", 4), ("managementassistent", 1))),
        ),
    ),
    DepartmentPlan(
        "Informatievoorziening & ICT",
        32,
        "Stadhuis",
        (DIGI, INFO),
        (
            TeamPlan("Informatiebeheer", (("informatieadviseur", 3), ("medewerker DIV", 3))),
            TeamPlan("Applicatiebeheer", (("applicatiebeheerder", 1),)),
            TeamPlan("Data & Analyse", (("data-analist", 4), ("adviseur informatiebeveiliging", 1))),
            TeamPlan("ICT-werkplek", (("ICT-medewerker werkplek", 1),), site="Gemeentewerf"),
        ),
    ),
    DepartmentPlan(
        "Financiën",
        24,
        "Stadhuis",
        (FIN, DIGI),
        (
            TeamPlan("Planning & Control", (("controller", 2), ("financieel adviseur", 3))),
            TeamPlan("Financiële Administratie", (("medewerker financiële administratie", 1),)),
            TeamPlan("Belastingen", (("medewerker belastingen", 3), ("taxateur WOZ", 1))),
        ),
    ),
    DepartmentPlan(
        "Communicatie & Bestuursondersteuning",
        22,
        "Stadhuis",
        (COMM, PROJ, SAMEN),
        (
            TeamPlan("Communicatie", (("communicatieadviseur", 4), ("webredacteur", 1))),
            TeamPlan(
                "Bestuursondersteuning",
                (
                    ("bestuursadviseur", 3),
                    ("managementassistent", 2),
                    ("beleidsmedewerker", 1),
                ),
            ),
        ),
    ),
)

# Larger organisations repeat departments per district.
REGIONS: tuple[str, ...] = (
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Centrum",
    "Haven",
    "Nieuw-West",
    "Binnenstad",
    "Zuidoost",
    "Buitengebied",
)

PLACE_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "Wad",
        "Ooster",
        "Wester",
        "Zand",
        "Veen",
        "Kerk",
        "Brug",
        "Dijk",
        "Hoog",
        "Mol",
        "Haar",
        "Leeg",
        "Schel",
    ),
    ("loo", "veen", "wolde", "horst", "dam", "hoven", "broek", "rade", "wijk", "meer", "zijl", "um", "donk"),
)

# ---------------------------------------------------------------------------
# Skills: (id, Dutch name, category, parent id, aliases)

SKILLS: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    ("wetgeving-sociaal-domein", "Wet- en regelgeving sociaal domein", WET, None, ()),
    (
        "wmo-wetgeving",
        "Wmo 2015",
        WET,
        "wetgeving-sociaal-domein",
        ("Wmo", "Wet maatschappelijke ondersteuning"),
    ),
    ("jeugdwet", "Jeugdwet", WET, "wetgeving-sociaal-domein", ()),
    ("participatiewet", "Participatiewet", WET, "wetgeving-sociaal-domein", ("bijstand", "Pw")),
    ("schuldhulp-wet", "Wet gemeentelijke schuldhulpverlening", WET, "wetgeving-sociaal-domein", ("Wgs",)),
    ("bestuursrecht", "Bestuursrecht", WET, None, ()),
    ("awb-bezwaar", "Awb: bezwaar en beroep", WET, "bestuursrecht", ("Awb", "bezwaarschriften")),
    ("handhavingsrecht", "Handhavingsrecht", WET, "bestuursrecht", ("last onder dwangsom",)),
    ("woo", "Wet open overheid", WET, "bestuursrecht", ("Woo", "Wob")),
    ("gemeentewet-apv", "Gemeentewet en APV", WET, "bestuursrecht", ("APV",)),
    ("omgevingsrecht", "Omgevingsrecht", WET, None, ()),
    ("omgevingswet", "Omgevingswet", WET, "omgevingsrecht", ("Ow",)),
    ("bouwregelgeving", "Besluit bouwwerken leefomgeving", WET, "omgevingsrecht", ("Bbl", "Bouwbesluit")),
    ("bijzondere-wetten", "Bijzondere wetten (Alcoholwet, evenementen)", WET, None, ("Alcoholwet",)),
    ("contractrecht", "Contracten en privaatrecht", WET, None, ()),
    ("aanbestedingsrecht", "Aanbestedingsrecht", WET, None, ("Aanbestedingswet", "aanbesteden")),
    ("avg-privacy", "AVG en privacy", WET, None, ("AVG", "GDPR", "privacy")),
    ("arbeidsrecht", "Arbeidsrecht en Cao Gemeenten", WET, None, ("Cao Gemeenten",)),
    ("klantcontact", "Klantcontact", DIENST, None, ()),
    ("telefonisch-klantcontact", "Telefonisch klantcontact", DIENST, "klantcontact", ("KCC",)),
    ("balie", "Baliedienstverlening", DIENST, "klantcontact", ()),
    ("digitale-kanalen", "Digitale kanalen (chat, WhatsApp, e-mail)", DIENST, "klantcontact", ("webcare",)),
    ("klachtbehandeling", "Klachtbehandeling", DIENST, "klantcontact", ("klachten",)),
    ("burgerzaken", "Burgerzaken", DIENST, None, ()),
    ("brp", "Basisregistratie Personen", DIENST, "burgerzaken", ("BRP", "GBA")),
    ("reisdocumenten", "Reisdocumenten en rijbewijzen", DIENST, "burgerzaken", ("paspoort",)),
    ("burgerlijke-stand", "Burgerlijke stand", DIENST, "burgerzaken", ("BS",)),
    (
        "documentfraude",
        "Documentonderzoek en identiteitsfraude",
        DIENST,
        "burgerzaken",
        ("identiteitsfraude",),
    ),
    ("keukentafelgesprek", "Keukentafelgesprek", DIENST, None, ("vraagverheldering",)),
    ("casusregie", "Casusregie", DIENST, None, ("zorgcoördinatie",)),
    ("meldcode", "Meldcode huiselijk geweld", DIENST, None, ("huiselijk geweld",)),
    ("laaggeletterdheid", "Omgaan met laaggeletterdheid", DIENST, None, ()),
    ("data-analyse", "Data-analyse", DIGI, None, ()),
    ("sql", "SQL", DIGI, "data-analyse", ()),
    ("python", "Python", DIGI, "data-analyse", ()),
    ("power-bi", "Power BI", DIGI, "data-analyse", ("PowerBI", "Power-BI", "PBI")),
    ("excel", "Excel", DIGI, "data-analyse", ("MS Excel", "spreadsheets")),
    ("applicatiebeheer", "Applicatiebeheer", DIGI, None, ()),
    ("zaaksysteem", "Zaakgericht werken", DIGI, "applicatiebeheer", ("zaaksysteem", "ZGW")),
    ("functioneel-beheer", "Functioneel beheer (BiSL)", DIGI, "applicatiebeheer", ("BiSL",)),
    ("gis", "GIS en geo-informatie", DIGI, None, ("GIS", "QGIS", "ArcGIS")),
    ("m365", "Microsoft 365 en Teams", DIGI, None, ("Office 365", "Teams", "SharePoint")),
    ("informatiebeveiliging", "Informatiebeveiliging (BIO)", DIGI, None, ("BIO", "ISO 27001")),
    ("ai-toepassingen", "Generatieve AI in het werk", DIGI, None, ("AI", "Copilot", "ChatGPT")),
    ("informatiebeheer", "Informatiebeheer", INFO, None, ()),
    ("archiefwet", "Archiefwet", INFO, "informatiebeheer", ("Archiefwet 1995",)),
    ("selectielijst", "Selectielijst en vernietiging", INFO, "informatiebeheer", ()),
    ("metadata", "Metadata en ordening", INFO, "informatiebeheer", ("TMLO", "MDTO")),
    ("div", "Post en documentaire informatievoorziening", INFO, "informatiebeheer", ("DIV",)),
    ("basisregistraties", "Basisregistraties (BAG, BGT, BRK)", INFO, None, ("BAG", "BGT")),
    ("dpia", "DPIA en privacytoets", INFO, None, ("DPIA", "PIA")),
    ("planning-control", "Planning & control", FIN, None, ("P&C",)),
    ("begroting", "Begroting en kadernota", FIN, "planning-control", ()),
    ("jaarrekening", "Jaarrekening", FIN, "planning-control", ()),
    ("bbv", "BBV-voorschriften", FIN, "planning-control", ("BBV",)),
    ("rechtmatigheid", "Rechtmatigheidsverantwoording", FIN, "planning-control", ()),
    ("financiele-administratie", "Financiële administratie", FIN, None, ()),
    ("subsidieverlening", "Subsidieverlening", FIN, None, ("subsidies",)),
    ("belastingen-woz", "Gemeentelijke belastingen en WOZ", FIN, None, ("WOZ", "OZB")),
    ("inkoop", "Inkoop en contractmanagement", FIN, None, ("contractmanagement",)),
    ("businesscase", "Businesscase en kosten-batenanalyse", FIN, None, ("MKBA",)),
    ("schrijven-b1", "Schrijven op B1-niveau", COMM, None, ("B1", "begrijpelijke taal")),
    ("communicatiestrategie", "Communicatiestrategie en -advies", COMM, None, ()),
    ("woordvoering", "Woordvoering en persvoorlichting", COMM, None, ("pers",)),
    ("social-media", "Social media", COMM, None, ("socials",)),
    ("participatie", "Participatie en inwonersbetrokkenheid", COMM, None, ("burgerparticipatie", "inspraak")),
    ("bestuurlijk-advies", "Bestuurlijk advies schrijven", COMM, None, ("collegevoorstel", "B&W-advies")),
    ("raadsprocedures", "Raads- en collegeprocedures", COMM, None, ()),
    ("presenteren", "Presenteren", COMM, None, ()),
    ("webredactie", "Webredactie", COMM, None, ("CMS",)),
    ("gespreksvaardigheden", "Gespreksvaardigheden", SAMEN, None, ()),
    (
        "motiverende-gespreksvoering",
        "Motiverende gespreksvoering",
        SAMEN,
        "gespreksvaardigheden",
        ("MGV", "MI"),
    ),
    ("omgaan-met-agressie", "Omgaan met agressie", SAMEN, "gespreksvaardigheden", ()),
    ("feedback-geven", "Feedback geven en ontvangen", SAMEN, "gespreksvaardigheden", ("feedback",)),
    ("adviesvaardigheden", "Adviesvaardigheden", SAMEN, None, ("adviseren",)),
    ("intervisie", "Intervisie begeleiden", SAMEN, None, ()),
    ("coachen", "Coachen", SAMEN, None, ("coaching",)),
    (
        "politieke-sensitiviteit",
        "Politiek-bestuurlijke sensitiviteit",
        SAMEN,
        None,
        ("bestuurlijke sensitiviteit",),
    ),
    ("plannen-organiseren", "Plannen en organiseren", SAMEN, None, ("timemanagement",)),
    ("netwerken", "Netwerken en verbinden", SAMEN, None, ()),
    ("projectmatig-werken", "Projectmatig werken", PROJ, None, ()),
    ("prince2", "PRINCE2", PROJ, "projectmatig-werken", ()),
    ("agile-scrum", "Agile en Scrum", PROJ, "projectmatig-werken", ("Scrum", "agile")),
    ("procesverbetering", "Procesverbetering (Lean)", PROJ, None, ("Lean", "Lean Six Sigma")),
    ("verandermanagement", "Verandermanagement", PROJ, None, ()),
    ("opdrachtgeverschap", "Opdrachtgeverschap", PROJ, None, ()),
    ("risicomanagement", "Risicomanagement", PROJ, None, ()),
    ("beleidsontwikkeling", "Beleidsontwikkeling", PROJ, None, ("beleid schrijven",)),
    ("beleidsevaluatie", "Beleidsevaluatie en monitoring", PROJ, None, ("monitoring",)),
    ("ruimtelijke-ordening", "Ruimtelijke ordening", RUIMTE, None, ("RO",)),
    ("omgevingsplan", "Omgevingsplan", RUIMTE, "ruimtelijke-ordening", ("bestemmingsplan",)),
    ("omgevingsvisie", "Omgevingsvisie", RUIMTE, "ruimtelijke-ordening", ()),
    ("dso", "Digitaal Stelsel Omgevingswet", RUIMTE, "ruimtelijke-ordening", ("DSO", "Omgevingsloket")),
    ("vergunningverlening", "Vergunningverlening", RUIMTE, None, ("VTH",)),
    ("toezicht-handhaving", "Toezicht en handhaving", RUIMTE, None, ("handhaving",)),
    ("boa-bevoegdheden", "BOA-bevoegdheden (domein I)", RUIMTE, "toezicht-handhaving", ("BOA",)),
    ("bouwtechniek", "Bouwtechniek", RUIMTE, None, ()),
    ("energietransitie", "Energietransitie", RUIMTE, None, ("warmtetransitie", "RES")),
    ("openbare-ruimte", "Beheer openbare ruimte", RUIMTE, None, ("BOR",)),
    ("klimaatadaptatie", "Klimaatadaptatie", RUIMTE, None, ()),
    ("werving-selectie", "Werving en selectie", PO, None, ("recruitment",)),
    ("verzuimbegeleiding", "Verzuimbegeleiding", PO, None, ("Poortwachter",)),
    ("salarisadministratie", "Salarisadministratie", PO, None, ("payroll",)),
    ("strategische-personeelsplanning", "Strategische personeelsplanning", PO, None, ("SPP",)),
    ("arbo", "Arbo en veiligheid", PO, None, ("RI&E",)),
    ("leren-ontwikkelen", "Leren en ontwikkelen", PO, None, ("L&D", "opleiden")),
    ("onboarding", "Inwerken van nieuwe collega's", PO, None, ("inwerken",)),
    ("facilitair-beheer", "Facilitair beheer", PO, None, ()),
)

# Related skills, each pair once: (skill, related skill, strength 0.2-1.0).
RELATED: tuple[tuple[str, str, float], ...] = (
    ("wmo-wetgeving", "jeugdwet", 0.6),
    ("wmo-wetgeving", "keukentafelgesprek", 0.8),
    ("jeugdwet", "meldcode", 0.7),
    ("participatiewet", "schuldhulp-wet", 0.7),
    ("keukentafelgesprek", "motiverende-gespreksvoering", 0.8),
    ("casusregie", "keukentafelgesprek", 0.6),
    ("casusregie", "meldcode", 0.5),
    ("awb-bezwaar", "handhavingsrecht", 0.6),
    ("awb-bezwaar", "klachtbehandeling", 0.4),
    ("woo", "archiefwet", 0.5),
    ("handhavingsrecht", "toezicht-handhaving", 0.8),
    ("gemeentewet-apv", "bijzondere-wetten", 0.7),
    ("gemeentewet-apv", "boa-bevoegdheden", 0.6),
    ("omgevingswet", "omgevingsplan", 0.9),
    ("omgevingswet", "dso", 0.8),
    ("omgevingswet", "participatie", 0.6),
    ("omgevingswet", "vergunningverlening", 0.8),
    ("bouwregelgeving", "bouwtechniek", 0.8),
    ("contractrecht", "inkoop", 0.6),
    ("aanbestedingsrecht", "inkoop", 0.9),
    ("avg-privacy", "dpia", 0.9),
    ("avg-privacy", "informatiebeveiliging", 0.6),
    ("arbeidsrecht", "verzuimbegeleiding", 0.6),
    ("telefonisch-klantcontact", "digitale-kanalen", 0.7),
    ("balie", "omgaan-met-agressie", 0.5),
    ("brp", "basisregistraties", 0.5),
    ("reisdocumenten", "documentfraude", 0.8),
    ("laaggeletterdheid", "schrijven-b1", 0.7),
    ("sql", "python", 0.6),
    ("power-bi", "excel", 0.6),
    ("power-bi", "sql", 0.5),
    ("zaaksysteem", "functioneel-beheer", 0.7),
    ("zaaksysteem", "div", 0.6),
    ("gis", "basisregistraties", 0.7),
    ("gis", "omgevingsplan", 0.4),
    ("ai-toepassingen", "python", 0.4),
    ("ai-toepassingen", "avg-privacy", 0.3),
    ("archiefwet", "selectielijst", 0.9),
    ("begroting", "jaarrekening", 0.7),
    ("bbv", "rechtmatigheid", 0.6),
    ("businesscase", "risicomanagement", 0.5),
    ("financiele-administratie", "excel", 0.5),
    ("schrijven-b1", "webredactie", 0.6),
    ("social-media", "webredactie", 0.5),
    ("bestuurlijk-advies", "raadsprocedures", 0.8),
    ("bestuurlijk-advies", "politieke-sensitiviteit", 0.7),
    ("feedback-geven", "coachen", 0.6),
    ("coachen", "intervisie", 0.7),
    ("adviesvaardigheden", "communicatiestrategie", 0.4),
    ("netwerken", "politieke-sensitiviteit", 0.4),
    ("prince2", "opdrachtgeverschap", 0.5),
    ("beleidsontwikkeling", "beleidsevaluatie", 0.7),
    ("beleidsontwikkeling", "bestuurlijk-advies", 0.6),
    ("omgevingsvisie", "energietransitie", 0.5),
    ("klimaatadaptatie", "openbare-ruimte", 0.7),
    ("werving-selectie", "onboarding", 0.6),
    ("leren-ontwikkelen", "onboarding", 0.7),
    ("strategische-personeelsplanning", "leren-ontwikkelen", 0.5),
    ("arbo", "facilitair-beheer", 0.5),
    ("salarisadministratie", "arbeidsrecht", 0.6),
)

# Sub-themes that larger organisations split a skill into.
ASPECTS: tuple[str, ...] = (
    "basis",
    "verdieping",
    "advisering",
    "toetsing",
    "uitvoering",
    "beleid",
    "kwaliteitszorg",
    "implementatie",
    "training geven",
    "ketensamenwerking",
    "monitoring",
    "complexe casuïstiek",
)

# Skills that nearly every department uses, most widely held first.
POPULAR: tuple[str, ...] = (
    "m365",
    "excel",
    "schrijven-b1",
    "adviesvaardigheden",
    "zaaksysteem",
    "avg-privacy",
    "projectmatig-werken",
    "plannen-organiseren",
    "feedback-geven",
    "presenteren",
)

# Skills that many people want to learn, most wanted first.
WISHED: tuple[str, ...] = (
    "ai-toepassingen",
    "power-bi",
    "omgevingswet",
    "python",
    "participatie",
    "schrijven-b1",
    "motiverende-gespreksvoering",
    "agile-scrum",
    "coachen",
    "presenteren",
    "data-analyse",
)

# What each job family's daily work asks for.
FUNCTION_SKILLS: dict[str, tuple[str, ...]] = {
    DIRECTOR: ("politieke-sensitiviteit", "bestuurlijk-advies", "verandermanagement", "netwerken"),
    DOMAIN_DIRECTOR: ("politieke-sensitiviteit", "verandermanagement", "opdrachtgeverschap", "netwerken"),
    HEAD: ("verandermanagement", "politieke-sensitiviteit", "opdrachtgeverschap", "coachen"),
    MANAGER: ("verandermanagement", "coachen", "opdrachtgeverschap", "strategische-personeelsplanning"),
    TEAM_LEAD: ("coachen", "feedback-geven", "plannen-organiseren", "verzuimbegeleiding"),
    "medewerker burgerzaken": ("brp", "reisdocumenten", "burgerlijke-stand", "balie"),
    "specialist burgerzaken": ("brp", "documentfraude", "burgerlijke-stand", "awb-bezwaar"),
    "klantcontactmedewerker": ("telefonisch-klantcontact", "digitale-kanalen", "zaaksysteem"),
    "kwaliteitsmedewerker KCC": ("klachtbehandeling", "procesverbetering", "digitale-kanalen"),
    "medewerker bijzondere wetten": ("bijzondere-wetten", "gemeentewet-apv", "vergunningverlening"),
    "consulent Wmo": ("wmo-wetgeving", "keukentafelgesprek", "motiverende-gespreksvoering", "casusregie"),
    "jeugdconsulent": ("jeugdwet", "casusregie", "meldcode", "motiverende-gespreksvoering"),
    "consulent werk en inkomen": ("participatiewet", "motiverende-gespreksvoering", "laaggeletterdheid"),
    "schuldhulpverlener": ("schuldhulp-wet", "participatiewet", "laaggeletterdheid"),
    "wijkcoach": ("casusregie", "keukentafelgesprek", "netwerken", "meldcode"),
    "beleidsmedewerker": (
        "beleidsontwikkeling",
        "bestuurlijk-advies",
        "beleidsevaluatie",
        "adviesvaardigheden",
    ),
    "projectleider": ("projectmatig-werken", "prince2", "opdrachtgeverschap", "risicomanagement"),
    "jurist": ("awb-bezwaar", "bestuursrecht", "woo", "contractrecht"),
    "vergunningverlener": ("vergunningverlening", "omgevingswet", "bouwregelgeving", "dso"),
    "toezichthouder": ("toezicht-handhaving", "handhavingsrecht", "bouwtechniek", "omgaan-met-agressie"),
    "BOA": ("boa-bevoegdheden", "gemeentewet-apv", "omgaan-met-agressie"),
    "adviseur ruimtelijke ordening": ("omgevingsplan", "omgevingsvisie", "participatie", "gis"),
    "medewerker beheer openbare ruimte": ("openbare-ruimte", "klimaatadaptatie", "gis"),
    "HR-adviseur": ("arbeidsrecht", "verzuimbegeleiding", "werving-selectie", "adviesvaardigheden"),
    "medewerker HR-administratie": ("salarisadministratie", "onboarding", "excel"),
    "salarisadministrateur": ("salarisadministratie", "arbeidsrecht", "excel"),
    "inkoopadviseur": ("inkoop", "aanbestedingsrecht", "contractrecht"),
    "privacy officer": ("avg-privacy", "dpia", "woo"),
    "medewerker facilitaire zaken": ("facilitair-beheer", "arbo"),
    "managementassistent": ("plannen-organiseren", "m365", "raadsprocedures"),
    "informatieadviseur": ("informatiebeheer", "archiefwet", "metadata", "avg-privacy"),
    "medewerker DIV": ("div", "selectielijst", "archiefwet", "zaaksysteem"),
    "applicatiebeheerder": ("functioneel-beheer", "zaaksysteem", "sql", "applicatiebeheer"),
    "data-analist": ("sql", "python", "power-bi", "data-analyse"),
    "adviseur informatiebeveiliging": ("informatiebeveiliging", "avg-privacy", "dpia", "risicomanagement"),
    "ICT-medewerker werkplek": ("m365", "informatiebeveiliging"),
    "controller": ("planning-control", "bbv", "rechtmatigheid", "risicomanagement"),
    "financieel adviseur": ("begroting", "jaarrekening", "bbv", "businesscase"),
    "medewerker financiële administratie": ("financiele-administratie", "excel", "rechtmatigheid"),
    "medewerker belastingen": ("belastingen-woz", "awb-bezwaar", "klantcontact"),
    "taxateur WOZ": ("belastingen-woz", "basisregistraties", "gis"),
    "communicatieadviseur": ("communicatiestrategie", "schrijven-b1", "woordvoering", "participatie"),
    "webredacteur": ("webredactie", "schrijven-b1", "social-media"),
    "bestuursadviseur": ("bestuurlijk-advies", "raadsprocedures", "politieke-sensitiviteit"),
}

# ---------------------------------------------------------------------------
# Names. Surnames with a Dutch tussenvoegsel are written "van den|Berg".


@dataclass(frozen=True)
class Background:
    weight: float
    first: tuple[str, ...]
    last: tuple[str, ...]
    language: str  # a third language some people of this background speak


def _words(text: str) -> tuple[str, ...]:
    return tuple(" ".join(word.split()) for word in text.split(",") if word.strip())


BACKGROUNDS: dict[str, Background] = {
    "dutch": Background(
        0.55,
        _words("""
            Jan, Pieter, Kees, Henk, Willem, Joost, Bram, Daan, Sem, Lucas, Thijs, Ruben, Jeroen, Marco,
            Dennis, Bas, Maarten, Gert-Jan, Wouter, Niels, Hans, Gerrit, Dirk, Evert, Rutger, Lodewijk,
            Sanne, Anouk, Lotte, Fleur, Iris, Eva, Femke, Marieke, Ingrid, Annemarie, Petra, Esther,
            Miriam, Linda, Marloes, Nienke, Roos, Zoë, Chloë, Noor, Floor, Sophie, Julia, Emma, Tess,
            Liselotte, Gerda, Henriëtte, Mieke, Joke, Maaike, Renée, Inge, Karin, Noël, Mirjam
        """),
        _words("""
            de|Vries, van|Dijk, van den|Berg, de|Jong, Jansen, Bakker, Visser, Smit, Meijer, Mulder,
            de|Boer, van der|Meer, Bos, Vos, Peters, Hendriks, van|Leeuwen, Dekker, Brouwer, de|Wit, van
            der|Linden, Kok, de|Haan, Vermeulen, van den|Heuvel, van der|Veen, van den|Broek, de|Bruijn,
            de|Graaf, Schouten, van|Beek, Willems, van|Vliet, de|Ruiter, Hoogland, van der|Heijden,
            te|Velde, 't|Hart, ter|Horst, Verhoeven, Kuiper, Prins, Huisman, Koster, van|Wijk, Post, op
            de|Beek, Timmermans, Groeneveld, van|Rijn, Scholten, Evers, van|Dam, Veldhuis
        """),
        "de",
    ),
    "frisian": Background(
        0.05,
        _words("""
            Sjoerd, Tjitske, Wiebe, Jouke, Hylke, Sietse, Auke, Geeske, Baukje, Froukje, Tsjalling,
            Wietske, Jelmer, Hessel, Ytsje, Douwe, Rixt, Sjoukje, Jelle, Anke
        """),
        _words("""
            Hoekstra, Dijkstra, Terpstra, Wiersma, Bouma, Hiemstra, Kingma, Sikkema, Postma, Feenstra,
            Jongsma, Veenstra, Hettinga, Bergsma, Tuinstra, Zijlstra, Haitsma, de|Haan
        """),
        "fy",
    ),
    "flemish": Background(
        0.03,
        _words("""
            Wout, Jef, Stijn, Pieter-Jan, Bart, Koen, Dries, Lieven, Joris, Wannes, Arne, Seppe, Elke,
            Griet, Lien, An, Hilde, Katrien, Liesbeth, Nele, Anaïs, Ines, Febe, Marthe, Jolien, Maïté
        """),
        _words("""
            Peeters, Janssens, Maes, Mertens, Claes, Goossens, Wouters, De Smet, Van Damme, De Clercq,
            Verstraete, Van de Velde, Lambrecht, Vandenbroucke, Coppens, Declercq, Van Hecke, Vanhoutte
        """),
        "fr",
    ),
    "moroccan": Background(
        0.08,
        _words("""
            Mohamed, Youssef, Said, Karim, Hamza, Bilal, Anouar, Nordin, Soufiane, Ayoub, Fatima,
            Khadija, Samira, Nadia, Soumaya, Yasmina, Houda, Imane, Najat, Ilham, Salma, Meryem
        """),
        _words("""
            El Amrani, Bouzid, Benali, El Idrissi, Ouali, Aznag, Boukhari, El Khattabi, Ait Taleb,
            Zerouali, Haddou, Choukri, El Ouardi, Tahiri, Bakkali, Azzouzi
        """),
        "ar",
    ),
    "turkish": Background(
        0.07,
        _words("""
            Mehmet, Emre, Burak, Kerem, Yusuf, Murat, Serkan, Ahmet, Ayşe, Elif, Zeynep, Fatma, Esra,
            Büşra, Derya, Hatice, Özlem, Gül, Sevda, Songül
        """),
        _words("""
            Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Öztürk, Aydın, Arslan, Doğan, Koç, Kılıç, Aksoy,
            Güler, Polat, Tekin, Uçar
        """),
        "tr",
    ),
    "surinamese": Background(
        0.06,
        _words("""
            Rishi, Anil, Sunil, Vikash, Sharmila, Anjali, Reshma, Glenn, Clyde, Jerrel, Virgil, Marvin,
            Natasja, Sharon, Quincy, Denise, Sapna, Dewi
        """),
        _words("""
            Ramdin, Jagesar, Mahabier, Bhagwandin, Kalloe, Sewnarain, Doerga, Pinas, Amafo, Wijngaarde,
            Kartosen, Sarmo, Karijo, Biharie, Ramcharan
        """),
        "srn",
    ),
    "polish": Background(
        0.04,
        _words("""
            Agnieszka, Katarzyna, Małgorzata, Magdalena, Joanna, Wiktoria, Anna, Piotr, Tomasz, Łukasz,
            Krzysztof, Paweł, Michał, Marek, Kamil, Jakub
        """),
        _words("""
            Nowak, Wójcik, Kowalczyk, Woźniak, Mazur, Krawczyk, Zając, Król, Wieczorek, Pawlak,
            Michalak, Sikora, Baran, Dudek
        """),
        "pl",
    ),
    "moluccan": Background(
        0.02,
        _words("""
            Johan, Ronald, Melvin, Stefanie, Ivonne, Nancy, Rudy, Chantal
        """),
        _words("""
            Latuheru, Tuhumury, Pattipeilohy, Wattimena, Sahetapy, Manuhutu
        """),
        "en",
    ),
    "antillean": Background(
        0.02,
        _words("""
            Shurandy, Giovanni, Jurgen, Rosalinda, Shahaira, Ruthmila, Edsel
        """),
        _words("""
            Martina, Rosalia, Croes, Maduro, Isenia, Winklaar, Doran
        """),
        "pap",
    ),
    "ghanaian": Background(
        0.015,
        _words("""
            Kwame, Kofi, Yaw, Akosua, Abena, Ama, Kwabena, Efua
        """),
        _words("""
            Mensah, Owusu, Asante, Boateng, Appiah, Osei
        """),
        "en",
    ),
    "chinese": Background(
        0.015,
        _words("""
            Wei, Jing, Li, Ming, Xiaoyu, Hui, Jason, Mei
        """),
        _words("""
            Chen, Lin, Wong, Zhang, Liu, Chan
        """),
        "zh",
    ),
    "syrian": Background(
        0.015,
        _words("""
            Omar, Rami, Tarek, Lina, Rasha, Nour, Hiba, Majd
        """),
        _words("""
            Al-Hassan, Haddad, Khalil, Al-Khatib, Darwish, Hamdan
        """),
        "ar",
    ),
    "indian": Background(
        0.015,
        _words("""
            Arjun, Rohan, Vikram, Priya, Divya, Kavya, Aditya, Sneha
        """),
        _words("""
            Sharma, Iyer, Nair, Reddy, Patel, Menon
        """),
        "hi",
    ),
    "southern-european": Background(
        0.02,
        _words("""
            Marco, Giulia, Andrea, Lucía, Javier, João, Inês, Nikos
        """),
        _words("""
            Rossi, Bianchi, García, Fernández, Gonçalves, Papadopoulos
        """),
        "es",
    ),
}
