"""The web app factory: `create_app(settings)` assembles routers, templates, static files and errors.

No app, database engine or settings object exists at import time; `hipcheck serve` and the
tests each call create_app with their own Settings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.trustedhost import TrustedHostMiddleware

import hipcheck
from hipcheck.config import Settings
from hipcheck.web.deps import close, model_of, store_of
from hipcheck.web.errors import install_error_handlers
from hipcheck.web.render import STATIC_DIR, make_templates
from hipcheck.web.security import CrossSiteWriteGuard, trusted_hosts

API_DESCRIPTION = (
    "hipcheck's JSON API: start an assessment, answer questions, read triage, the ranked causes "
    "and the next question, the care plan, the pain diary and HAGOS scores, and the knowledge base. "
    "Not a diagnosis. Every error has the shape {code, message, field}."
)


def create_app(settings: Settings) -> FastAPI:
    """Build the FastAPI app for these settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Requests that touch the engine or the store run in worker threads. They hold the GIL for
        # most of their time, so more threads than a few per CPU add memory (each holds a whole
        # assessment result in flight), not throughput.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        # Load the knowledge base and open the store before the first request, so a broken
        # knowledge base or an unreachable database stops `hipcheck serve` at once, with its message.
        await run_in_threadpool(model_of, app.state)
        await run_in_threadpool(store_of, app.state)
        yield
        close(app.state)

    app = FastAPI(
        title="hipcheck",
        version=hipcheck.__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = make_templates()

    install_error_handlers(app)
    app.add_middleware(CrossSiteWriteGuard)
    # Added last, so it runs first: a request for a host name that is not ours gets 400 before
    # anything else looks at it.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=trusted_hosts(settings), www_redirect=False)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        # Served from /static: the machine may be offline, so no CDN.
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="hipcheck API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    from hipcheck.web.api import router as api_router
    from hipcheck.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    return app
