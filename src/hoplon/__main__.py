"""``python -m hoplon``: the same as the ``hoplon`` command."""

from hoplon._command import main

main()
