"""Imports, organisations, users and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lingxi.accounts import organisations as orgs
from lingxi.accounts import users
from lingxi.accounts.principal import Principal
from lingxi.audit.queries import list_audit_entries
from lingxi.patents import import_jobs
from lingxi.web.api.schemas import ERROR_RESPONSES, Page
from lingxi.web.deps import api_principal, db_session, index_after_import

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


# --- imports ---------------------------------------------------------------------------------------------------

class ImportJobOut(BaseModel):
    id: int
    source: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    new: int
    updated: int
    unchanged: int
    rejected: int
    descriptions_left_out: int  # documents whose full-text description was not kept (upload without with_description)
    documents_done: int
    documents_total: int | None
    percent: int | None
    files: list[dict[str, Any]]
    error: str | None


@router.get("/imports", response_model=Page[ImportJobOut], tags=["imports 导入"])
def list_imports(page: int = 1, page_size: int = 20, principal: Principal = Depends(api_principal),
                 session: Session = Depends(db_session, scope="function")):
    return Page.of(import_jobs.list_import_jobs(session, principal, page, page_size))


WITH_DESCRIPTION = "Keep full-text descriptions 说明书 (left out by default)"


@router.post("/imports", response_model=ImportJobOut, status_code=202, tags=["imports 导入"],
             summary="Upload a file and import it in the background; poll the job for progress")
def upload_import(request: Request, file: UploadFile = File(...),
                  with_description: bool = Form(False, description=WITH_DESCRIPTION),
                  principal: Principal = Depends(api_principal),
                  session: Session = Depends(db_session, scope="function")):
    job_id = import_jobs.start_upload_import(request.app.state.db, request.app.state.settings, principal,
                                             file.filename or "", file.file, include_description=with_description,
                                             on_finished=index_after_import(request))
    return import_jobs.get_import_job(session, principal, job_id)


@router.get("/imports/{job_id}", response_model=ImportJobOut, tags=["imports 导入"])
def get_import(job_id: int, principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return import_jobs.get_import_job(session, principal, job_id)


@router.get("/imports/{job_id}/rejections.csv", tags=["imports 导入"], response_class=Response,
            summary="The job's rejections as CSV (UTF-8 with BOM)")
def import_rejections(job_id: int, principal: Principal = Depends(api_principal),
                      session: Session = Depends(db_session, scope="function")):
    content = import_jobs.rejection_report_csv(session, principal, job_id)
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="import-{job_id}-rejections.csv"'})


# --- organisations ---------------------------------------------------------------------------------------------

class OrganisationOut(BaseModel):
    """Confidential fields are present only for the organisation's own users and operators."""

    model_config = ConfigDict(extra="allow")
    id: int
    name: str
    kind: str
    province: str | None
    city: str | None


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    kind: str | None = None
    province: str | None = None
    city: str | None = None
    credit_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    notes: str | None = None
    party_id: int | None = None


@router.get("/organisations", response_model=Page[OrganisationOut], tags=["organisations 机构"])
def list_organisations(kind: str | None = None, name: str | None = None, page: int = 1, page_size: int = 20,
                       principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return Page.of(orgs.list_organisations(session, principal, page, page_size, kind=kind, name=name))


@router.get("/organisations/stats", tags=["organisations 机构"], summary="Counts by kind and province (aggregates)")
def organisation_stats(principal: Principal = Depends(api_principal),
                       session: Session = Depends(db_session, scope="function")) -> dict[str, dict[str, int]]:
    return orgs.organisation_counts(session, principal)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut, tags=["organisations 机构"])
def get_organisation(organisation_id: int, principal: Principal = Depends(api_principal),
                     session: Session = Depends(db_session, scope="function")):
    return orgs.get_organisation(session, principal, organisation_id)


@router.post("/organisations", response_model=OrganisationOut, status_code=201, tags=["organisations 机构"])
def create_organisation(body: OrganisationIn, principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")):
    organisation = orgs.create_organisation(session, principal, **body.model_dump(exclude_unset=True))
    return orgs.full_view(organisation)


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut, tags=["organisations 机构"])
def update_organisation(organisation_id: int, body: OrganisationIn, principal: Principal = Depends(api_principal),
                        session: Session = Depends(db_session, scope="function")):
    return orgs.update_organisation(session, principal, organisation_id, **body.model_dump(exclude_unset=True))


# --- users -----------------------------------------------------------------------------------------------------

class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    organisation_id: int | None
    is_active: bool
    last_login_at: dt.datetime | None
    created_at: dt.datetime


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str
    role: str
    display_name: str | None = None
    email: str | None = None
    organisation_id: int | None = None


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str | None = None
    display_name: str | None = None
    email: str | None = None
    is_active: bool | None = None
    organisation_id: int | None = None
    password: str | None = None


@router.get("/users", response_model=Page[UserOut], tags=["users 用户"])
def list_users(role: str | None = None, page: int = 1, page_size: int = 50,
               principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return Page.of(users.list_users(session, principal, page, page_size, role=role))


@router.post("/users", response_model=UserOut, status_code=201, tags=["users 用户"])
def create_user(body: UserIn, principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return users.create_user(session, principal, **body.model_dump())


@router.get("/users/{user_id}", response_model=UserOut, tags=["users 用户"])
def get_user(user_id: int, principal: Principal = Depends(api_principal), session: Session = Depends(db_session, scope="function")):
    return users.get_user(session, principal, user_id)


@router.patch("/users/{user_id}", response_model=UserOut, tags=["users 用户"])
def update_user(user_id: int, body: UserChange, principal: Principal = Depends(api_principal),
                session: Session = Depends(db_session, scope="function")):
    return users.update_user(session, principal, user_id, **body.model_dump(exclude_unset=True))


# --- audit log -------------------------------------------------------------------------------------------------

class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: str
    summary: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("/audit", response_model=Page[AuditEntryOut], tags=["audit 审计"])
def audit_log(entity: str | None = None, entity_id: str | None = None, actor: str | None = None, page: int = 1,
              page_size: int = 50, principal: Principal = Depends(api_principal),
              session: Session = Depends(db_session, scope="function")):
    return Page.of(list_audit_entries(session, principal, page, page_size, entity=entity, actor_name=actor,
                                      entity_id=entity_id))
