"""Numbers in forms as people type them: "2,5" and "2.5" are both two and a half, whatever the
page's language, and a number is shown back the reader's way ("2,5" in Dutch). Forms ask for
weights, hours and years, never thousands, so a comma or a point is always the decimal sign.

A list of numbers ("the cut-offs in years") is split the reader's way: in Dutch, where the comma
is the decimal sign, by semicolons, spaces, or a comma followed by a space ("2; 5,5; 10" and
"2, 5, 10"); in English also by a bare comma ("2,5,10").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from babel.numbers import get_decimal_symbol
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import FloatField
from wtforms.widgets import TextInput

#: A number with at most one decimal sign, either way round, and an optional sign (also the
#: typographic minus).
NUMBER = re.compile(r"[+\-\u2212]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


def read_number(text: str) -> float:
    """``text`` as a number; ValueError when it is not one."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text.replace(",", ".").replace("\u2212", "-"))


def decimal_comma() -> bool:
    """Whether the reader writes decimals with a comma (Dutch)."""
    return get_decimal_symbol(get_locale()) == ","


def read_numbers(text: str | None, *, comma_decimals: bool) -> list[float]:
    """The numbers in a list as typed; ValueError when one is not a number."""
    separators = r"[\s;]+|,(?=\s|$)" if comma_decimals else r"[\s,;]+"
    return [read_number(part) for part in re.split(separators, text or "") if part]


def show_number(value: float) -> str:
    """A number the reader's way, without grouping: "2,5" in Dutch, "2.5" in English."""
    return format_decimal(value, format="0.###")


def show_numbers(values: Iterable[float]) -> str:
    """A list of numbers the reader's way: "2; 5,5; 10" in Dutch, "2, 5.5, 10" in English."""
    return ("; " if decimal_comma() else ", ").join(show_number(v) for v in values)


class NumberField(FloatField):
    """A float field that takes "2,5" as well as "2.5" and shows its value the reader's way. It is
    a text input that asks phones for a decimal keypad: a browser's number input holds only "2.5"
    and would empty a Dutch "2,5" (and then refuse the form)."""

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            return
        try:
            self.data = read_number(text)
        except ValueError:
            self.data = None
            raise ValueError(_l("Give a number, such as 2 or 2.5.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else show_number(self.data)
