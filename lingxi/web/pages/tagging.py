"""§2 deep indexing pages: taxonomies (browse, edit as YAML, export), free-text classification, the review queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import TAGS_REVIEW
from lingxi.errors import LingxiError
from lingxi.tagging import service as tagging
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/tagging")
def tagging_home(request: Request, taxonomy: str = "", text: str = "",
                 principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    taxonomies = tagging.list_taxonomies(session, principal)
    latest = {t["name"]: t for t in taxonomies}  # the list is ordered by version: the last one wins
    chosen = taxonomy or next(iter(latest), "")
    results = tagging.classify(session, principal, chosen, text) if text.strip() and chosen else None
    return render(request, "tagging/index.html", taxonomies=list(latest.values()), chosen=chosen, text=text,
                  results=results, may_review=principal.can(TAGS_REVIEW), new_yaml=NEW_TAXONOMY_TEMPLATE)


NEW_TAXONOMY_TEMPLATE = """name: my_chain
kind: chain
title_zh: 新产业链
title_en: New industry chain
nodes:
  - key: up
    name_zh: 上游
    stream: upstream
  - key: up.materials
    parent: up
    name_zh: 关键材料
    ipc_patterns: [H01M4/*]
    keywords_zh: [正极材料, 负极材料]
"""


def _save(session: Session, principal: Principal, yaml_text: str) -> tuple[dict | None, str | None]:
    """Save YAML as a taxonomy's next version; invalid YAML comes back as a message for the form, not an error page."""
    try:
        with session.begin_nested():
            return tagging.save_taxonomy(session, principal, yaml_text), None
    except LingxiError as error:
        if error.code == "permission_denied":
            raise
        return None, error.message


@router.post("/tagging/taxonomies")
def taxonomy_create(request: Request, yaml_text: str = Form(...), principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    saved, error = _save(session, principal, yaml_text)
    if error is not None:
        taxonomies = {t["name"]: t for t in tagging.list_taxonomies(session, principal)}
        return render(request, "tagging/index.html", status_code=422, taxonomies=list(taxonomies.values()),
                      chosen="", text="", results=None, may_review=True, new_yaml=yaml_text, error=error)
    return RedirectResponse(f"/tagging/taxonomies/{saved['name']}?saved={saved['version']}", 303)


@router.get("/tagging/taxonomies/{name}")
def taxonomy_page(request: Request, name: str, version: int | None = None,
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    return render(request, "tagging/taxonomy.html", taxonomy=tagging.get_taxonomy(session, principal, name, version),
                  versions=[t for t in tagging.list_taxonomies(session, principal) if t["name"] == name],
                  may_edit=principal.can(TAGS_REVIEW), saved=request.query_params.get("saved"))


@router.get("/tagging/taxonomies/{name}/export.yaml")
def taxonomy_export(name: str, version: int | None = None, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    taxonomy = tagging.get_taxonomy(session, principal, name, version)
    return Response(taxonomy["yaml"], media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}-v{taxonomy["version"]}.yaml"'})


@router.post("/tagging/taxonomies/{name}")
def taxonomy_save(request: Request, name: str, yaml_text: str = Form(...),
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    saved, error = _save(session, principal, yaml_text)
    if error is not None:
        taxonomy = tagging.get_taxonomy(session, principal, name)
        taxonomy["yaml"] = yaml_text  # keep the user's text so the mistake can be fixed, not retyped
        return render(request, "tagging/taxonomy.html", status_code=422, taxonomy=taxonomy, versions=[],
                      may_edit=True, error=error)
    return RedirectResponse(f"/tagging/taxonomies/{saved['name']}?saved={saved['version']}", 303)


@router.get("/tagging/review")
def review_page(request: Request, taxonomy: str = "", page: int = 1,
                principal: Principal = Depends(page_principal),
                session: Session = Depends(db_session, scope="function")):
    taxonomies = {t["name"]: t for t in tagging.list_taxonomies(session, principal)}
    chosen = taxonomy or next(iter(taxonomies), "")
    queue = tagging.review_queue(session, principal, chosen, page=page, page_size=25)
    nodes = tagging.get_taxonomy(session, principal, chosen)["nodes_with_levels"] if chosen else []
    return render(request, "tagging/review.html", taxonomies=list(taxonomies.values()), chosen=chosen,
                  queue=queue, nodes=nodes, pages=max(1, -(-queue["total"] // queue["page_size"])))


@router.post("/tagging/review/{tag_id}")
def review_action(tag_id: int, action: str = Form(...), node: str = Form(""), taxonomy: str = Form(""),
                  principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    tagging.review_tag(session, principal, tag_id, action, node or None)
    return RedirectResponse(f"/tagging/review?taxonomy={taxonomy}", 303)
