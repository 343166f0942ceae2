"""The organisation register 权利人名录 (SPEC §1 parties), for operators: upload a list, see what is registered.

/parties/register    GET: the register, page by page; POST: an uploaded list registered and applied at once
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, File, Request, UploadFile
from sqlalchemy.orm import Session

from lingxi.accounts.principal import Principal
from lingxi.errors import LingxiError
from lingxi.parties import register
from lingxi.web.deps import db_session, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _page(request: Request, session: Session, principal: Principal, page: int = 1, status_code: int = 200,
          **shown):
    return render(request, "parties/register.html", status_code=status_code,
                  entries=register.list_registered(session, principal, page), **shown)


@router.get("/parties/register")
def register_page(request: Request, page: int = 1, principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    return _page(request, session, principal, page)


@router.post("/parties/register")
def register_list(request: Request, file: UploadFile = File(...), principal: Principal = Depends(page_principal),
                  session: Session = Depends(db_session, scope="function")):
    try:
        read, result = register.register_upload(session, principal, file.filename or "", file.file.read())
    except LingxiError as error:
        if error.code == "permission_denied":
            raise
        return _page(request, session, principal, status_code=422, error=error.message)
    session.commit()
    try:  # the holder-type and region facets of the patents whose holders changed
        request.app.state.search.index_patents(result.patents)
    except Exception as error:  # noqa: BLE001 - the stored register is right; `lingxi index rebuild` catches up
        log.warning("search index not updated after the register (%s)", error)
    return _page(request, session, principal, read=read, result=result)
