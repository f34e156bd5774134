"""``python -m gateway`` is the ``stampgate`` command."""

from gateway.cli import main

main()
