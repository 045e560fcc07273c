"""A workbook is a zip archive: it is unpacked once, counting, before anything reads it.

A zip bomb (a few kB that unpack to gigabytes) and an archive whose parts unpack to more than they
declare are refused here, having held one chunk of 64 kB at a time; openpyxl then reads what is
known to fit the limits (:mod:`matcher.io.limits`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from matcher.domain.phrases import phrase
from matcher.domain.problems import Grouped, Location, Problems
from matcher.io.limits import MAX_PARTS, MAX_UNPACKED_BYTES


def unpacked_parts(path: Path, problems: Problems) -> dict[str, list[str]] | None:
    """Unpack every part of a workbook once, counting the bytes as they come, and refuse it when it
    has too many parts or unpacks (as declared, or in fact) to more than the limit; a zip bomb stops
    there, having held one chunk at a time. Returns the merged cell ranges per worksheet part."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                problems.add(Location(path.name), _too_many_parts(len(parts)))
                return None
            declared = sum(part.file_size for part in parts)
            if declared > MAX_UNPACKED_BYTES:
                problems.add(Location(path.name), _unpacks_too_large())
                return None
            merged: dict[str, list[str]] = {}
            total = 0
            for part in parts:
                size, ranges = _unpack(archive, part, MAX_UNPACKED_BYTES - total)
                if size is None:
                    problems.add(Location(path.name), _unpacks_too_large())
                    return None
                total += size
                if ranges:
                    merged[part.filename] = ranges
            return merged
    except FileNotFoundError:
        problems.add(Location(path.name), phrase("the file cannot be found"))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        # Not a zip archive, a damaged one (its sizes or checksums do not match what it holds),
        # or one that is encrypted or packed in a way Excel does not use.
        problems.add(Location(path.name), not_a_workbook())
    return None


_CHUNK = 64 * 1024
_MERGED = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _unpack(archive: zipfile.ZipFile, part: zipfile.ZipInfo, room: int) -> tuple[int | None, list[str]]:
    """The bytes a part unpacks to (None when more than ``room``) and, for a worksheet, the merged
    cell ranges it names. A part that unpacks to more than it declares is a damaged archive."""
    size = 0
    ranges: list[str] = []
    tail = b""
    sheet = part.filename.startswith("xl/worksheets/")
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > part.file_size:
                raise zipfile.BadZipFile(part.filename)
            if size > room:
                return None, ranges
            if sheet:
                window = tail + chunk
                found = list(_MERGED.finditer(window))
                ranges += [match[1].decode() for match in found]
                # Keep the end of the chunk, so that a tag cut in two is found in the next one.
                tail = window[max(found[-1].end() if found else 0, len(window) - 200) :]
    return size, ranges


def _too_many_parts(count: int) -> str:
    return phrase(
        "the workbook holds {count} parts; a workbook of at most {limit} parts is read",
        count=Grouped(count),
        limit=Grouped(MAX_PARTS),
    )


def _unpacks_too_large() -> str:
    return phrase(
        "the workbook unpacks to more than {limit} MB; save the people and skills sheets in a workbook "
        "of their own, or split it into smaller files",
        limit=Grouped(MAX_UNPACKED_BYTES // 2**20),
    )


def not_a_workbook() -> str:
    return phrase(
        "this is not an Excel workbook that can be opened; open it in Excel and save it again "
        "as 'Excel Workbook (*.xlsx)'"
    )
