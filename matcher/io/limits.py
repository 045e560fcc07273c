"""How much one imported file may hold, checked while it is read.

A file over a limit is refused with a sentence that says which limit and what to do (split the
file, shorten the text), before it can hold more memory or time than the limits allow. The README
lists them under "Limits". The calendar upload has its own, beside its reader
(:mod:`matcher.domain.availability.calendar_file`).
"""

from __future__ import annotations

#: Rows below the header row, per CSV file or per sheet of a workbook.
MAX_ROWS = 50_000
#: Columns of a skills matrix: the person columns, a level and a wish column per skill.
MAX_COLUMNS = 2_000
#: Cells read from one file or sheet (every row as wide as its last value), and how many of them
#: hold something: an empty cell costs a pointer, a filled one a value of its own.
MAX_CELLS = 25_000_000
MAX_FILLED = 2_000_000
#: The size of a CSV or JSON file.
MAX_FILE_BYTES = 100 * 2**20
#: What a workbook (.xlsx, a zip archive) unpacks to, all its parts together, and how many parts
#: it may have.
MAX_UNPACKED_BYTES = 50 * 2**20
MAX_PARTS = 1_000
#: How deeply lists and objects nest in a JSON file; an organisation needs five levels.
MAX_DEPTH = 64
#: The digits of a whole number in a JSON file; no number meeloop reads needs more.
MAX_DIGITS = 20

#: The length of a text, as the database keeps it: an id (person, skill, manager), an e-mail
#: address, and any other text (a name, department, function, site, team, category, alias).
MAX_ID = 120
MAX_EMAIL = 254
MAX_TEXT = 200
#: Any one cell or value of a file (a list of aliases, working hours, anything).
MAX_CELL = 2_000
