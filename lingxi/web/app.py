"""The web platform. Until the web issue lands it serves a plain status page and a JSON status endpoint."""

from __future__ import annotations

import html
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from lingxi import __version__
from lingxi.db import open_database
from lingxi.db.models import ImportJob
from lingxi.patents.queries import collection_stats
from lingxi.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.ensure_home()
        app.state.db = open_database(settings.resolved_database_url)
        yield
        app.state.db.dispose()

    app = FastAPI(title="Lingxi 灵犀", version=__version__, lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url="/api/docs")

    @app.get("/api/status")
    def status(request: Request) -> dict:
        return _status(request.app.state.db)

    @app.get("/", response_class=HTMLResponse)
    def status_page(request: Request) -> str:
        return _render_status(_status(request.app.state.db))

    return app


def _status(db) -> dict:
    with db.sessions() as session:
        stats = collection_stats(session)
        jobs = session.execute(select(ImportJob).order_by(ImportJob.id.desc()).limit(10)).scalars().all()
        recent = [
            {"id": j.id, "source": j.source, "status": j.status, "new": j.new, "updated": j.updated,
             "unchanged": j.unchanged, "rejected": j.rejected, "started_at": j.started_at.isoformat()}
            for j in jobs
        ]
    return {"version": __version__, "stats": stats, "recent_imports": recent}


def _render_status(status: dict) -> str:
    stats = status["stats"]
    esc = html.escape

    def table(title: str, counts: dict) -> str:
        rows = "".join(f"<tr><td>{esc(str(k))}</td><td>{v:,}</td></tr>" for k, v in counts.items())
        return f"<h2>{esc(title)}</h2><table>{rows}</table>"

    demo_note = ""
    if any(job["source"] == "demo" for job in status["recent_imports"]):
        demo_note = "<p class=note>演示数据来自虚构省份“青峦省”，并非真实专利。Demo data: a fictional province.</p>"
    jobs = "".join(
        f"<tr><td>{j['id']}</td><td>{esc(j['source'][:80])}</td><td>{j['status']}</td><td>{j['new']}</td>"
        f"<td>{j['updated']}</td><td>{j['unchanged']}</td><td>{j['rejected']}</td></tr>"
        for j in status["recent_imports"]
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>灵犀 · 产业知识产权运营服务平台</title>
<style>body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin-bottom:1em}}
td,th{{border:1px solid #ccc;padding:.2em .6em}}.note{{background:#fff4d6;padding:.5em}}</style></head><body>
<h1>灵犀 Lingxi · 产业知识产权运营服务平台</h1>
<p>状态页 Status — version {esc(status['version'])}</p>{demo_note}
<p>专利 Patents: <b>{stats['patents']:,}</b> · 主体 Parties: <b>{stats['parties']:,}</b></p>
{table('按类型 By document type', stats['by_doc_type'])}
{table('按申请人类型 By applicant type', stats['by_applicant_type'])}
{table('按国家 By country', stats['by_country'])}
{table('按年份 By year', stats['by_year'])}
<h2>最近导入 Recent imports</h2><table><tr><th>#</th><th>来源 source</th><th>状态</th><th>新增</th><th>更新</th>
<th>未变</th><th>拒收</th></tr>{jobs}</table></body></html>"""
