"""`hipcheck serve`: run the web app and JSON API with uvicorn (loopback by default)."""

from __future__ import annotations

import typer

from hipcheck.cli.app import app


@app.command()
def serve(
    host: str | None = typer.Option(
        None, "--host", help="Address to bind (default 127.0.0.1, or HIPCHECK_HOST)."
    ),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port to listen on (default 8000, or HIPCHECK_PORT)."
    ),
) -> None:
    """Start the web app and JSON API (open http://HOST:PORT/ in a browser; API docs at /docs)."""
    import uvicorn

    from hipcheck.config import get_settings
    from hipcheck.web.app import create_app
    from hipcheck.web.deps import model_of, store_of

    settings = get_settings()
    if host is not None:
        settings = settings.model_copy(update={"host": host})
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    web_app = create_app(settings)
    # Load the knowledge base and open (and migrate) the store now, so a broken knowledge base or
    # an unreachable database is one clear error line and exit code, not a server traceback.
    model_of(web_app.state)
    store_of(web_app.state)
    typer.echo(f"hipcheck: serving on http://{settings.host}:{settings.port}/ (Ctrl-C stops)")
    uvicorn.run(
        web_app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
        server_header=False,
    )
