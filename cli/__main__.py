"""``python -m cli``: the ``meeloop`` command, for a process that has no script on its path."""

from cli.main import main

main()
