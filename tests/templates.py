"""The templates the code hands to the catalog's marking calls, read from Python's syntax tree
(not by Babel's extractor, which skips some calls silently)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def marking_calls(
    folders: Sequence[str], keywords: Mapping[str, tuple[int, ...] | None]
) -> Iterator[tuple[str, list[ast.expr]]]:
    """Each call of a keyword in the Python files below ``folders``: where it is ("matcher/x.py:12")
    and its arguments at the keyword's positions (1-based, the first when None)."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in keywords:
                    continue
                wanted = keywords[name] or (1,)
                args = [node.args[i - 1] for i in wanted if i - 1 < len(node.args)]
                yield f"{path.relative_to(ROOT)}:{node.lineno}", args


def literal(arg: ast.expr) -> str | None:
    """The string an argument is, when it is a literal."""
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
