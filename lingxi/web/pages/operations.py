"""Pages of operators' and admins' work: imports, organisations, users and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingxi.accounts import organisations as orgs
from lingxi.accounts import users
from lingxi.accounts.principal import Principal
from lingxi.accounts.roles import Role
from lingxi.audit.queries import list_audit_entries
from lingxi.db.models import Organisation
from lingxi.errors import LingxiError
from lingxi.patents import import_jobs
from lingxi.web.deps import db_session, index_after_import, page_principal
from lingxi.web.templating import render

router = APIRouter(include_in_schema=False)


# --- imports ---------------------------------------------------------------------------------------------------

@router.get("/imports")
def imports_page(request: Request, page: int = 1, principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function"), error: str | None = None):
    return render(request, "imports/index.html", jobs=import_jobs.list_import_jobs(session, principal, page, 20),
                  error=error)


@router.post("/imports")
def imports_upload(request: Request, file: UploadFile = File(...), with_description: bool = Form(False),
                   principal: Principal = Depends(page_principal),
                   session: Session = Depends(db_session, scope="function")):
    try:
        job_id = import_jobs.start_upload_import(request.app.state.db, request.app.state.settings, principal,
                                                 file.filename or "", file.file, include_description=with_description,
                                                 on_finished=index_after_import(request))
    except LingxiError as error:
        return imports_page(request, 1, principal, session, error=error.message)
    return RedirectResponse(f"/imports/{job_id}", 303)


@router.get("/imports/{job_id}")
def import_job_page(request: Request, job_id: int, principal: Principal = Depends(page_principal),
                    session: Session = Depends(db_session, scope="function")):
    return render(request, "imports/job.html", job=import_jobs.get_import_job(session, principal, job_id))


@router.get("/imports/{job_id}/progress")
def import_job_progress(request: Request, job_id: int, principal: Principal = Depends(page_principal),
                        session: Session = Depends(db_session, scope="function")):
    return render(request, "imports/_progress.html", job=import_jobs.get_import_job(session, principal, job_id))


@router.get("/imports/{job_id}/rejections.csv")
def import_rejections(job_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    return csv_download(import_jobs.rejection_report_csv(session, principal, job_id),
                        f"import-{job_id}-rejections.csv")


def csv_download(content: bytes, filename: str) -> Response:
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- organisations ---------------------------------------------------------------------------------------------

@router.get("/organisations")
def organisations_page(request: Request, page: int = 1, principal: Principal = Depends(page_principal),
                       session: Session = Depends(db_session, scope="function")):
    return render(request, "organisations/index.html",
                  result=orgs.list_organisations(session, principal, page=page, page_size=50))


@router.get("/organisations/{organisation_id}")
def organisation_page(request: Request, organisation_id: int, principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    return render(request, "organisations/detail.html", org=orgs.get_organisation(session, principal, organisation_id),
                  saved=request.query_params.get("saved") == "1")


@router.post("/organisations/{organisation_id}")
def organisation_save(request: Request, organisation_id: int, credit_code: str = Form(""),
                      contact_name: str = Form(""), contact_phone: str = Form(""), contact_email: str = Form(""),
                      notes: str = Form(""), principal: Principal = Depends(page_principal),
                      session: Session = Depends(db_session, scope="function")):
    orgs.update_organisation(session, principal, organisation_id, credit_code=credit_code,
                             contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
                             notes=notes)
    return RedirectResponse(f"/organisations/{organisation_id}?saved=1", 303)


# --- users (admin) ---------------------------------------------------------------------------------------------

def _users_page(request: Request, session: Session, principal: Principal, page: int = 1, **extra):
    return render(request, "admin/users.html", users=users.list_users(session, principal, page=page),
                  roles=list(Role), organisations=session.scalars(select(Organisation).order_by(Organisation.name)),
                  **extra)


@router.get("/admin/users")
def users_page(request: Request, page: int = 1, principal: Principal = Depends(page_principal),
               session: Session = Depends(db_session, scope="function")):
    return _users_page(request, session, principal, page)


@router.post("/admin/users")
def users_create(request: Request, username: str = Form(...), password: str = Form(...), role: str = Form(...),
                 display_name: str = Form(""), organisation_id: str = Form(""),
                 principal: Principal = Depends(page_principal), session: Session = Depends(db_session, scope="function")):
    try:
        with session.begin_nested():
            users.create_user(session, principal, username=username, password=password, role=role,
                              display_name=display_name or None,
                              organisation_id=int(organisation_id) if organisation_id else None)
    except LingxiError as error:
        if error.code == "permission_denied":
            raise
        return _users_page(request, session, principal, error=error.message)
    return _users_page(request, session, principal, message=f"✓ {username}")


@router.post("/admin/users/{user_id}")
def users_update(user_id: int, is_active: str = Form(...), principal: Principal = Depends(page_principal),
                 session: Session = Depends(db_session, scope="function")):
    users.update_user(session, principal, user_id, is_active=is_active == "true")
    return RedirectResponse("/admin/users", 303)


# --- audit log (admin) -----------------------------------------------------------------------------------------

@router.get("/admin/audit")
def audit_page(request: Request, page: int = 1, entity: str | None = None, actor: str | None = None,
               principal: Principal = Depends(page_principal), session: Session = Depends(db_session, scope="function")):
    entries = list_audit_entries(session, principal, page=page, page_size=50, entity=entity or None,
                                 actor_name=actor or None)
    return render(request, "admin/audit.html", entries=entries, entity=entity, actor=actor)
