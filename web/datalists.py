"""The suggestion list of skill names that the search and profile forms carry.

The same few hundred options are on every search and profile page, so their HTML is made once per
list of names and kept, instead of once per request. The map keeps its list of names while the
skills stay as they are, and an equal list is found again by its content.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup


@lru_cache(maxsize=8)
def name_options(names: tuple[str, ...]) -> Markup:
    """``<option value="...">`` for each name, escaped, for a ``<datalist>``."""
    option = Markup('<option value="{}">')
    return Markup("").join(option.format(name) for name in names)
