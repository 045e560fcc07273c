"""Calendar invites: iCalendar files, e-mail and feeds."""
