"""The screens of the structure and officers imports: upload, preview every row, confirm –
all or nothing – and download the layout. Between the preview and the confirmation the file
waits in a private folder under the uploads, named by a token only the uploader's session
knows; it is removed once imported and after a day in any case."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from emulation.documents.responses import attachment

from ..forms.officers import ImportForm
from ..models import Officer
from ..permissions import managed_organizations, may_keep_structure
from ..services import officer_import as officers_file
from ..services import structure_import as structure_file

_KEEP_SECONDS = 24 * 3600
SESSION_KEY = "pending_imports"


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < time.time() - _KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _park(request, upload, kind: str) -> str:
    token = secrets.token_urlsafe(16)
    (_folder() / f"{token}.upload").write_bytes(upload.read())
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind, "name": upload.name}
    request.session[SESSION_KEY] = pending
    return token


def _parked(request, token: str, kind: str):
    info = request.session.get(SESSION_KEY, {}).get(token or "")
    path = _folder() / f"{token}.upload"
    if not info or info["kind"] != kind or not path.exists():
        return None
    return SimpleUploadedFile(info["name"], path.read_bytes()), path


def _forget(request, token: str, path: Path) -> None:
    path.unlink(missing_ok=True)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


def _flow(request, *, kind: str, planner, template: str, context: dict):
    """Upload → preview → confirm. Returns the response, or the written plan for the caller
    to show."""
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = token = None
    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST.get("token", "")
        parked = _parked(request, token, kind)
        if parked is None:
            messages.error(request, _("The file to import is gone: upload it again."))
            return redirect(request.path)
        upload, path = parked
        reason = request.POST.get("reason", "").strip() or _("Imported")
        plan = planner(upload, user=request.user, reason=reason, write=True)
        if plan.written:
            _forget(request, token, path)
            return plan
        form = ImportForm(initial={"reason": reason})
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = _park(request, upload, kind)
        upload.seek(0)
        plan = planner(upload, user=request.user, reason=form.cleaned_data["reason"])
    return render(
        request,
        template,
        {**context, "form": form, "plan": plan, "token": token},
    )


@login_required
def structure_import(request):
    """Units the user keeps, from Excel or CSV."""
    if not may_keep_structure(request.user):
        raise PermissionDenied
    outcome = _flow(
        request,
        kind="structure",
        planner=structure_file.plan_import,
        template="structure/structure_import.html",
        context={},
    )
    if not hasattr(outcome, "written"):
        return outcome
    messages.success(
        request,
        _("Imported: %(created)s units created, %(updated)s changed.")
        % {"created": outcome.count("create"), "updated": outcome.count("update")},
    )
    return redirect("structure:organization_list")


@login_required
def structure_export(request):
    """The units the user keeps, in the import's layout (an empty layout with ?empty=1)."""
    if not may_keep_structure(request.user):
        raise PermissionDenied
    units = []
    if not request.GET.get("empty"):
        units = (
            managed_organizations(request.user)
            .filter(valid_to__isnull=True)
            .prefetch_related("former_names")
            .order_by("code")
        )
    content = structure_file.export_workbook(units)
    day = timezone.localdate().strftime("%Y%m%d")
    return attachment(content, f"don-vi-{day}", "xlsx")


@login_required
def officer_import(request):
    """Officers of many units at once; new accounts get one-time passwords shown once."""
    if not may_keep_structure(request.user):
        raise PermissionDenied
    outcome = _flow(
        request,
        kind="officers",
        planner=officers_file.plan_import,
        template="structure/officers/import.html",
        context={},
    )
    if not hasattr(outcome, "written"):
        return outcome
    messages.success(
        request,
        _("Imported: %(created)s accounts created, %(updated)s officers changed.")
        % {"created": outcome.count("create"), "updated": outcome.count("update")},
    )
    return render(
        request,
        "structure/officers/credentials.html",
        {"credentials": outcome.extra["credentials"], "organization": None},
    )


@login_required
def officer_template(request):
    """The officers' layout, filled with the current officers of the units the user keeps."""
    if not may_keep_structure(request.user):
        raise PermissionDenied
    officers = []
    if not request.GET.get("empty"):
        officers = (
            Officer.objects.current()
            .filter(organization__in=managed_organizations(request.user))
            .select_related("user", "user__person", "organization")
            .order_by("organization__code", "user__first_name")[:20000]
        )
    content = officers_file.template_workbook(officers)
    return attachment(content, f"can-bo-{timezone.localdate():%Y%m%d}", "xlsx")
