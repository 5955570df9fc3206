"""Command-line interface (Typer + Rich): one module per command group, assembled in app.py."""
