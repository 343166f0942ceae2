"""The web platform: REST API under /api and server-rendered pages, both thin over the same services."""

from __future__ import annotations

import gc
import logging

import anyio
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi import __version__
from lingxi.accounts.principal import Principal
from lingxi.db import open_database
from lingxi.db.models import ImportJob
from lingxi.matching.warm_up import WarmUpState, start_warm_up
from lingxi.patents.import_jobs import job_view
from lingxi.patents.queries import collection_stats
from lingxi.search.service import SearchService
from lingxi.settings import Settings, load_settings
from lingxi.web.api import auth as auth_api
from lingxi.web.api import operations as operations_api
from lingxi.web.api import patents as patents_api
from lingxi.web.api import search as search_api
from lingxi.web.api import tagging as tagging_api
from lingxi.web.api import value as value_api
from lingxi.web.api import enterprises as enterprises_api
from lingxi.web.api import matching as matching_api
from lingxi.web.api import push as push_api
from lingxi.web.api import market as market_api
from lingxi.web.api import kpi as kpi_api
from lingxi.web.api import finance as finance_api
from lingxi.web.api import pools as pools_api
from lingxi.web.api import talent as talent_api
from lingxi.web.api import graph as graph_api
from lingxi.web.api import navigation as navigation_api
from lingxi.web.api import saved_searches as saved_searches_api
from lingxi.web.deps import api_principal, db_session
from lingxi.web.empty_fields import EmptyQueryFieldsAreAbsent
from lingxi.web.errors import install_error_handlers
from lingxi.web.pages import auth as auth_pages
from lingxi.web.pages import main as main_pages
from lingxi.web.pages import operations as operations_pages
from lingxi.web.pages import parties as parties_pages
from lingxi.web.pages import tagging as tagging_pages
from lingxi.web.pages import value as value_pages
from lingxi.web.pages import enterprises as enterprises_pages
from lingxi.web.pages import matching as matching_pages
from lingxi.web.pages import push as push_pages
from lingxi.web.pages import market as market_pages
from lingxi.web.pages import kpi as kpi_pages
from lingxi.web.pages import finance as finance_pages
from lingxi.web.pages import pools as pools_pages
from lingxi.web.pages import talent as talent_pages
from lingxi.web.pages import graph as graph_pages
from lingxi.web.pages import navigation as navigation_pages
from lingxi.web.pages import saved_searches as saved_searches_pages

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    if not (STATIC_DIR / "vendor" / "echarts.min.js").is_file():
        log.warning("front-end assets missing in %s: charts and live progress will not work; build them with "
                    "`python3 scripts/build_assets.py` (make run does)", STATIC_DIR / "vendor")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.ensure_home()
        # Few request threads: Python runs one at a time, and many threads spend their time handing the interpreter
        # lock around. Measured on 2 cores, CPU per search call with 8 clients: 7.5 ms at 8 threads, 5.3 ms at 2,
        # 4.6 ms at 1 (anyio's default is 40). 4 keeps a slow call (an export) from stalling the others.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        app.state.db = open_database(settings.resolved_database_url)
        app.state.search = SearchService(settings, app.state.db)
        if settings.embed_in_background:  # vectors for semantic search: a background thread, requests never wait
            from lingxi.search.vector_jobs import start_background_embedding, stop_background_embedding

            start_background_embedding(settings, app.state.db)
        app.state.matching_warm_up = WarmUpState()
        if settings.warm_up_matching:  # the first match of a fresh worker need not wait for the models
            app.state.matching_warm_up, _ = start_warm_up(settings, app.state.db, app.state.search)
        # What is loaded by now (modules, routes, templates, the ORM's mappings) lives as long as the process: kept
        # out of the cyclic collector, a full collection no longer walks it in the middle of a request
        gc.collect()
        gc.freeze()
        # A search answer allocates thousands of small objects (hits, highlights, facets): with the default 700 the
        # youngest generation is collected several times per request, inside it. (bench/web_load.py, search
        # p95 46.6–50.6 → 41.2–48.1 ms over two runs each: within run-to-run noise, but never worse.)
        gc.set_threshold(20_000, 50, 100)
        yield
        if settings.embed_in_background:
            stop_background_embedding(settings)
        app.state.db.dispose()

    app = FastAPI(title="Lingxi 灵犀", version=__version__, lifespan=lifespan,
                  description="产业知识产权运营服务平台 REST API. Authenticate with `POST /api/auth/token`, then send "
                              "`Authorization: Bearer <token>`.",
                  openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None)
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(EmptyQueryFieldsAreAbsent)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Routes are tried in order, and each miss costs (≈ 0.3 ms for a page behind 180 routes): the busiest calls,
    # search and the patent pages, come first. tests/test_web.py checks no route is shadowed by the order.
    for router in (auth_api.router, search_api.router, main_pages.router, patents_api.router, tagging_api.router,
                   operations_api.router, value_api.router, enterprises_api.router, matching_api.router,
                   push_api.router, market_api.router, finance_api.router, pools_api.router,
                   auth_pages.router, operations_pages.router, parties_pages.router, tagging_pages.router,
                   value_pages.router, enterprises_pages.router, matching_pages.router, push_pages.router,
                   finance_pages.router, pools_pages.router, market_pages.router, kpi_api.router, kpi_pages.router,
                   talent_api.router, graph_api.router, talent_pages.router, graph_pages.router,
                   navigation_api.router, navigation_pages.router, saved_searches_api.router,
                   saved_searches_pages.router):
        app.include_router(router)

    @app.get("/api/health", tags=["platform 平台"], summary="Liveness: answers without credentials")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.get("/api/status", tags=["platform 平台"], summary="Collection figures and recent imports")
    def status(request: Request, principal: Principal = Depends(api_principal),
               session: Session = Depends(db_session, scope="function")) -> dict:
        jobs = session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(10)).all()
        recent = [job_view(job) for job in jobs] if principal.can("patents.import") else []
        return {"version": __version__, "stats": collection_stats(session), "recent_imports": recent,
                "matching_warm_up": request.app.state.matching_warm_up.as_dict()}

    return app


def create_app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` with several worker processes; settings come from LINGXI_* variables."""
    return create_app(load_settings())
