"""The workbook reader refuses a zip bomb before unpacking it and reads a sheet as a stream: its peak
memory stays within a bound that does not depend on what the file claims, and it keeps nothing once
it has answered. Memory is measured with tracemalloc (what Python allocates), not with a clock."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.domain.problems import InvalidInput
from matcher.io.limits import MAX_ROWS, MAX_UNPACKED_BYTES
from matcher.io.matrix import read_matrix
from tests.corpus import xlsx

MIB = 2**20


def refused_within(path: Path) -> tuple[str, int, int]:
    """Read ``path`` as a matrix; the refusal, the peak of memory while reading and what was still
    held after it (both in bytes)."""
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            read_matrix(path)
        report = refused.value.report()
        del refused
        _, peak = tracemalloc.get_traced_memory()
        gc.collect()  # openpyxl's sheets and parsers refer to each other; the collector frees them
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, peak, held


def _bomb(folder: Path) -> Path:
    return xlsx.zeros(folder / "bomb.xlsx", 2 * MAX_UNPACKED_BYTES)


def _liar(folder: Path) -> Path:
    # Says its sheet is 10 kB; it unpacks to twice the limit.
    return xlsx.zeros(folder / "liar.xlsx", 2 * MAX_UNPACKED_BYTES, declared=10_000)


@pytest.mark.parametrize("write", [_bomb, _liar], ids=["declared", "lying"])
def test_a_zip_bomb_is_refused_holding_less_than_a_mebibyte(tmp_path, write: Callable[[Path], Path]):
    path = write(tmp_path)
    assert path.stat().st_size < MIB  # small on disk, 100 MiB unpacked
    report, peak, held = refused_within(path)
    assert f"{path.name}: " in report
    assert "unpacks to more than 50 MB" in report or "not an Excel workbook that can be opened" in report
    assert peak < MIB, f"{peak} bytes at the peak"
    assert held < 64 * 1024


def test_a_sheet_declaring_two_million_rows_is_refused_at_the_row_limit_as_it_streams(tmp_path):
    rows = [xlsx.row_xml(1, ["id", "name", "email"]), xlsx.row_xml(2_000_000, ["x", "X", "x@x.xx"])]
    path = xlsx.workbook(tmp_path / "rows.xlsx", xlsx.sheet_xml(rows, dimension="A1:C2000000"))
    report, peak, held = refused_within(path)
    assert f"rows.xlsx: the file has more than {MAX_ROWS:,} rows" in report
    # Two million rows of three cells would take hundreds of MiB; the reader held what 50,000 take.
    assert peak < 16 * MIB, f"{peak} bytes at the peak"
    assert held < 64 * 1024
