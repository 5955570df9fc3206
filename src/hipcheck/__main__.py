"""`python -m hipcheck` runs the command-line interface."""

from hipcheck.cli.app import main

main()
