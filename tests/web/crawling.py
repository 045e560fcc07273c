"""A crawler for the web UI: it follows every link a role is shown and keeps what each page says.

:class:`Visible` reads a page as a person does: the text runs outside scripts and styles, and the
words in attributes that are read out or shown (``title``, ``aria-label``, ``alt``,
``placeholder``, the label of a button). :class:`Crawler` walks a site over real HTTP from its
start page, a breadth-first walk over the links of each page, and visits each kind of page
(its route) at most ``per_route`` times.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from flask import Flask
from werkzeug.exceptions import HTTPException

from tests.webtools import PASSWORD

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Attributes whose words a person reads or hears.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-description")
_SILENT = {"script", "style", "template"}
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown a failure
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class Visible(HTMLParser):
    """What a page says: its text runs (one per line of :attr:`text`), its links and its language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.links: list[str] = []
        self.language: str | None = None
        self.english: list[str] = []
        self._silent = 0
        self._english = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.language = attributes.get("lang")
        if tag in _SILENT:
            self._silent += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.runs.append(attributes[name] or "")
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.runs.append(attributes["value"] or "")
        if attributes.get("lang", "").startswith("en") and tag != "html":
            self._english += 1
            self._stack.append(tag)
        elif tag not in ("br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"):
            self._stack.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SILENT and self._silent:
            self._silent -= 1
        closes = tag not in ("br", "img", "input", "meta", "link", "hr", "source", "col", "wbr")
        if closes and self._stack and self._stack.pop() and self._english:
            self._english -= 1

    def handle_data(self, data: str) -> None:
        if self._silent or not data.strip():
            return
        self.runs.append(data)
        if self._english:
            self.english.append(data.strip())

    @property
    def text(self) -> str:
        return "\n".join(" ".join(run.split()) for run in self.runs)


def read(html: str) -> Visible:
    page = Visible()
    page.feed(html)
    page.close()
    return page


@dataclass
class Page:
    url: str
    route: str
    status: int
    visible: Visible


@dataclass
class Crawler:
    """Log in as ``login`` on the site at ``base`` (``app`` tells the route of each address)."""

    app: Flask
    base: str
    login: str
    language: str
    per_route: int = 12
    skip: tuple[str, ...] = ("/static/", "/api/", "/feed/", "/logout")
    visited: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            base_url=self.base, headers={"Accept-Language": self.language}, timeout=60, follow_redirects=True
        )
        form = self.client.get("/login").text
        token = _TOKEN.search(form)
        assert token, "no CSRF token on the login page"
        answer = self.client.post(
            "/login", data={"login": self.login, "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert answer.status_code == 200 and "/login" not in str(answer.url), f"{self.login} could not log in"

    def route(self, path: str) -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:
            return None
        return str(endpoint)

    def pages(self, start: str = "/") -> Iterator[Page]:
        """Every page reachable from ``start`` by links, each route at most ``per_route`` times."""
        queue, seen = deque([start]), {start}
        while queue:
            path = queue.popleft()
            route = self.route(urlsplit(path).path)
            if route is None or self.visited[route] >= self.per_route:
                continue
            self.visited[route] += 1
            response = self.client.get(path)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            visible = read(response.text)
            yield Page(path, route, response.status_code, visible)
            for href in visible.links:
                target = self._local(path, href)
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)

    def _local(self, here: str, href: str) -> str | None:
        address = urlsplit(urljoin(self.base + here, urldefrag(href)[0]))
        if f"{address.scheme}://{address.netloc}" != self.base:
            return None
        path = address.path + (f"?{address.query}" if address.query else "")
        if any(path.startswith(prefix) for prefix in self.skip) or path.endswith((".ics", ".json")):
            return None
        return path

    def close(self) -> None:
        self.client.close()
