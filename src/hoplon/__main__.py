"""``python -m hoplon``: the same as the ``hoplon`` command."""

from hoplon.cli import main

main()
