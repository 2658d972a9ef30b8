"""``python -m kubernaut``: the same as the ``kubernaut`` command."""

from kubernaut.cli import main

main()
