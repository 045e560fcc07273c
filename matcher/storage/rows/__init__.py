"""The tables, one module per area; :mod:`matcher.storage` loads them all, so the metadata is whole."""
