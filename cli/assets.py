"""The browser libraries meeloop serves itself: ``npm ci`` installs them from package-lock.json into
node_modules/, and they are copied into the git-ignored web/static/vendor/ folder, where the web app
serves them from its own address (no CDN). ``meeloop serve`` and ``meeloop demo`` do this when a
library is missing; without npm they say so, and the pages fall back to pictures drawn on the server.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import click

from cli import common
from matcher.domain.phrases import phrase

#: The source tree: package.json and node_modules/ sit beside the web package.
SOURCE = Path(__file__).resolve().parent.parent
#: Where the web app serves them from, and what it looks for (see web/explorer.py).
VENDOR = SOURCE / "web" / "static" / "vendor"
#: Name in the vendor folder -> the file npm installs.
LIBRARIES = {"cytoscape.min.js": Path("node_modules") / "cytoscape" / "dist" / "cytoscape.min.js"}

Runner = Callable[[list[str], Path], int]


def _npm_ci(command: list[str], folder: Path) -> int:
    return subprocess.run(command, cwd=folder, check=False).returncode


def install_assets(
    source: Path = SOURCE, vendor: Path = VENDOR, *, npm: str | None = None, run: Runner = _npm_ci
) -> bool:
    """Make sure every library is in ``vendor``; True when they all are. Runs ``npm ci`` in
    ``source`` when one is missing from node_modules/ too (``npm``: the npm program, found on the
    PATH when not given). Each step is said on stderr."""
    missing = [name for name, built in LIBRARIES.items() if not (source / built).is_file()]
    if missing and all((vendor / name).is_file() for name in missing):
        # An installed package (a container image) carries the libraries already, without the sources.
        return True
    if missing:
        npm = npm or shutil.which("npm")
        if not (source / "package-lock.json").is_file():
            common.echo(
                phrase(
                    "the browser libraries cannot be installed: there is no package-lock.json in {folder}; "
                    "the talent map explorer shows the picture drawn on the server instead",
                    folder=str(source),
                ),
                err=True,
            )
            return _copied(source, vendor)
        if npm is None:
            common.echo(
                phrase(
                    "npm is not installed, so the browser libraries ({names:list}) are missing; the talent "
                    "map explorer shows the picture drawn on the server instead. Install Node.js and npm "
                    "and run 'meeloop assets' to get the interactive map",
                    names=missing,
                ),
                err=True,
            )
            return _copied(source, vendor)
        common.echo(
            phrase("installing the browser libraries with npm ci in {folder}", folder=str(source)), err=True
        )
        status = run([npm, "ci", "--no-audit", "--no-fund"], source)
        if status != 0:
            common.echo(
                phrase(
                    "npm ci failed (exit status {status}); the talent map explorer shows the picture drawn "
                    "on the server instead",
                    status=status,
                ),
                err=True,
            )
    return _copied(source, vendor)


def _copied(source: Path, vendor: Path) -> bool:
    """Copy each installed library into ``vendor`` when it is missing or differs there."""
    complete = True
    for name, built in LIBRARIES.items():
        origin, target = source / built, vendor / name
        if not origin.is_file():
            complete = complete and target.is_file()
            continue
        if not target.is_file() or target.read_bytes() != origin.read_bytes():
            vendor.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, target)
            common.echo(phrase("copied {file} into {folder}", file=name, folder=str(vendor)), err=True)
    return complete


@click.command()
def assets() -> None:
    """Install the browser libraries the pages use (npm ci) and copy them into web/static/vendor."""
    if not install_assets():
        raise click.exceptions.Exit(1)
