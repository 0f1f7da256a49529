"""Coordinators bring an existing action plan: upload, map the columns, check each row,
confirm. Thin: the reading, matching and writing live in reading, fields and importer."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import security
from actions.models import ConcurrentEdit
from audit.models import Event
from forces.roles import can_manage_force, force_ids_for
from inspections.models import Inspection
from inspections.rules import managed_forces
from ui.files import download_name

from .fields import FIELDS, guess_mapping
from .forms import MappingForm, PlanUploadForm
from .importer import PlanChanged, apply_plan, plan_rows
from .models import PlanMapping, PlanRow, PlanUpload
from .reading import PlanUnreadable, read_table
from .template import template_csv, template_workbook

SESSION_KEY = "pending_plan"
SHOWN_ROWS = 200


def action_page_extras(request, action) -> dict:
    """An imported action's page says which plan, row and reference it came from."""
    if not action.imported:
        return {}
    row = PlanRow.objects.filter(action=action).select_related("first_upload", "upload").first()
    return {"plan_row": row}


def _forces_or_403(request):
    forces = managed_forces(request.user)
    if not forces.exists():
        raise PermissionDenied
    return forces


def _pending(request):
    """The upload in progress, if it is still the user's to carry on; else None."""
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return None, None, None
    force = managed_forces(request.user).filter(pk=pending["force"]).first()
    if force is None:
        raise PermissionDenied
    try:
        with default_storage.open(pending["path"], "rb") as handle:
            data = handle.read()
    except OSError:  # the pending file was cleared away: start again
        request.session.pop(SESSION_KEY, None)
        return None, None, None
    return pending, force, data


def _forget(request, pending) -> None:
    default_storage.delete(pending["path"])
    request.session.pop(SESSION_KEY, None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request):
    forces = _forces_or_403(request)
    form = PlanUploadForm(request.POST or None, request.FILES or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["plan"]
        data = upload.read()
        try:
            table = read_table(data, upload.name)
        except PlanUnreadable as error:
            form.add_error("plan", str(error))
        else:
            previous = request.session.get(SESSION_KEY)
            if previous:
                default_storage.delete(previous["path"])
            inspection = form.cleaned_data["inspection"]
            request.session[SESSION_KEY] = {
                "path": default_storage.save(
                    f"plans/pending/{uuid.uuid4().hex}", ContentFile(data)
                ),
                "name": upload.name[:255],
                "force": form.cleaned_data["force"].pk,
                "inspection": inspection.pk if inspection else None,
                "rows": len(table.rows),
            }
            return redirect("plans:mapping")
    if request.FILES:
        # Only a post with a file can have had one refused; its form is bound and checked.
        force = form.cleaned_data.get("force") or (forces.first() if len(forces) == 1 else None)
        security.record_refused_uploads(
            request, force_id=force.pk if force else None, where="action plan upload"
        )
    uploads = PlanUpload.objects.filter(force__in=forces).select_related("uploaded_by", "force")
    context = {"form": form, "uploads": uploads[:20]}
    return render(request, "plans/upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_mapping(request):
    pending, force, data = _pending(request)
    if pending is None:
        messages.info(request, "Upload an action plan first.")
        return redirect("plans:upload")
    table = read_table(data, pending["name"])
    examples = {i: table.examples(i) for i in range(len(table.headings))}
    if "mapping" in pending:
        chosen = pending["mapping"]
    else:
        remembered = PlanMapping.objects.filter(force=force).first()
        chosen = guess_mapping(table.headings, remembered.columns if remembered else None)
    initial = {name: str(index) for name, index in chosen.items()}
    form = MappingForm(
        request.POST or None, headings=table.headings, examples=examples, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        pending["mapping"] = form.mapping()
        request.session[SESSION_KEY] = pending
        return redirect("plans:preview")
    context = {"form": form, "pending": pending, "table": table, "force": force}
    return render(request, "plans/mapping.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_preview(request):
    pending, force, data = _pending(request)
    if pending is None:
        messages.info(request, "Upload an action plan first.")
        return redirect("plans:upload")
    if "mapping" not in pending:
        return redirect("plans:mapping")
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, pending)
        messages.info(request, "The upload was cancelled; nothing was saved.")
        return redirect("plans:upload")
    table = read_table(data, pending["name"])
    inspection = None
    if pending["inspection"]:
        inspection = Inspection.objects.filter(pk=pending["inspection"], force=force).first()
    plan = plan_rows(table, pending["mapping"], force=force, inspection=inspection)
    error = ""
    if request.method == "POST":
        try:
            upload = apply_plan(
                plan,
                force=force,
                by=request.user,
                table=table,
                data=data,
                name=pending["name"],
                inspection=inspection,
                headings=table.headings,
                expected=request.POST.get("fingerprint", ""),
            )
        except PlanChanged as refusal:
            error = str(refusal)
        except (ConcurrentEdit, IntegrityError, ValidationError):
            error = (
                "Someone changed these actions while the plan was being imported, so nothing "
                "was saved. Check the rows again and confirm."
            )
        else:
            _forget(request, pending)
            counts = upload.counts
            messages.success(
                request,
                f"The plan was imported: {counts['new']} new action(s), {counts['update']} "
                f"updated, {counts['unchanged']} unchanged; {counts['error']} row(s) left out.",
            )
            return redirect(upload)
        plan = plan_rows(table, pending["mapping"], force=force, inspection=inspection)
    importable = [r for r in plan.rows if r.status in {"new", "update"}]
    context = {
        "pending": pending,
        "force": force,
        "inspection": inspection,
        "plan": plan,
        "counts": plan.counts,
        "problems": plan.problems[:SHOWN_ROWS],
        "importable": importable[:SHOWN_ROWS],
        "more": max(0, len(importable) - SHOWN_ROWS),
        "more_problems": max(0, len(plan.problems) - SHOWN_ROWS),
        "new_findings": list(plan.new_findings.values()),
        "mapped": [
            (spec.label, table.headings[pending["mapping"][spec.name]])
            for spec in FIELDS
            if spec.name in pending["mapping"]
        ],
        "error": error,
    }
    return render(request, "plans/preview.html", context)


def _upload_or_404(request, pk) -> PlanUpload:
    upload = get_object_or_404(PlanUpload.objects.select_related("force", "uploaded_by"), pk=pk)
    forces = force_ids_for(request.user)
    if forces is not None and upload.force_id not in forces:
        raise Http404
    if not can_manage_force(request.user, upload.force_id):
        raise PermissionDenied
    return upload


@login_required
def plan_detail(request, pk):
    upload = _upload_or_404(request, pk)
    rows = upload.rows.select_related("action__finding").order_by("row_number")
    context = {"upload": upload, "rows": rows[:SHOWN_ROWS], "row_count": rows.count()}
    return render(request, "plans/detail.html", context)


@login_required
def plan_file(request, pk):
    upload = _upload_or_404(request, pk)
    with transaction.atomic():
        Event.record(
            request.user,
            "plan.download",
            upload,
            summary=f"Action plan downloaded: {upload.name}",
            sha256=upload.sha256,
        )
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=download_name(upload.name, f"action-plan-{upload.pk}"),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def plan_template(request):
    _forces_or_403(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="peeltrack-action-plan.csv"'
        return response
    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="peeltrack-action-plan.xlsx"'
    return response
