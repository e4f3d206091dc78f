"""`python -m spinscan` is the `spinscan` command."""

from .cli import main

main(prog_name="spinscan")
