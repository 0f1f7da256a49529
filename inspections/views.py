"""Coordinators import a report: upload, check the preview, untick or correct, confirm."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from forces.models import Force
from forces.roles import can_manage_force

from .forms import ReportUploadForm
from .importer import ReportUnreadable, parse_report_file
from .importer.plan import apply_import, parse_published, plan_import

SESSION_KEY = "pending_import"


def _managed_forces(user):
    if user.is_superuser:
        return Force.objects.all()
    ids = user.memberships.filter(role="coordinator").values_list("force_id", flat=True)
    return Force.objects.filter(pk__in=ids)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    forces = _managed_forces(request.user)
    if not forces.exists():
        raise PermissionDenied
    form = ReportUploadForm(request.POST or None, request.FILES or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["report"]
        data = upload.read()
        try:
            parsed = parse_report_file(data, upload.name)
        except ReportUnreadable as error:
            form.add_error("report", str(error))
        else:
            pending = default_storage.save(f"reports/pending/{uuid.uuid4().hex}", ContentFile(data))
            request.session[SESSION_KEY] = {
                "path": pending,
                "name": upload.name[:255],
                "force": form.cleaned_data["force"].pk,
                "parsed": parsed,
            }
            return redirect("inspections:preview")
    return render(request, "inspections/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request):
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.info(request, "Upload a report first.")
        return redirect("inspections:import")
    force = _managed_forces(request.user).filter(pk=pending["force"]).first()
    if force is None or not can_manage_force(request.user, force.pk):
        raise PermissionDenied
    parsed = pending["parsed"]
    if request.method == "POST":
        if "cancel" in request.POST:
            default_storage.delete(pending["path"])
            del request.session[SESSION_KEY]
            messages.info(request, "The import was cancelled; nothing was saved.")
            return redirect("actions:inspections")
        selected = set()
        for index, item in enumerate(parsed["findings"]):
            if request.POST.get(f"include-{index}"):
                selected.add(index)
            edited = request.POST.get(f"text-{index}", "").strip()
            if edited:
                item["text"] = edited
        # The coordinator supplies what the report did not say (or corrects it).
        parsed["programme"] = request.POST.get("programme", "").strip()[:100] or None
        parsed["published"] = request.POST.get("published", "").strip()[:7] or None
        errors = _check_about(parsed)
        request.session.modified = True  # keep the edits if the page is shown again
        if not errors:
            with default_storage.open(pending["path"], "rb") as handle:
                source = handle.read()
            try:
                inspection, plan = apply_import(
                    parsed,
                    force=force,
                    by=request.user,
                    source=source,
                    source_name=pending["name"],
                    selected=selected,
                )
            except ValueError as error:
                errors = {"programme": str(error)}
            else:
                default_storage.delete(pending["path"])
                del request.session[SESSION_KEY]
                counts = plan.counts
                messages.success(
                    request,
                    f"Imported {inspection}: {len(selected)} finding(s) confirmed "
                    f"({counts['new']} new, {counts['changed']} corrected, "
                    f"{counts['unchanged']} unchanged).",
                )
                return redirect(inspection)
    else:
        selected = set(range(len(parsed["findings"])))
        errors = {}
    plan = plan_import(parsed, force=force)
    named = (parsed.get("force") or "").strip()
    mismatch = named and named.lower() != force.name.lower()
    context = {
        "pending": pending,
        "parsed": parsed,
        "plan": plan,
        "force": force,
        "mismatch": named if mismatch else "",
        "selected": selected,
        "errors": errors,
        "pillars": [j for j in parsed["judgments"] if not j.get("question")],
        "questions": [j for j in parsed["judgments"] if j.get("question")],
    }
    return render(request, "inspections/import_preview.html", context)


def _check_about(parsed: dict) -> dict:
    """Errors in the programme and publication month the coordinator confirmed."""
    errors = {}
    if not parsed["programme"]:
        errors["programme"] = 'Enter the inspection programme, for example "PEEL 2021/22"'
    if parsed["published"] and parse_published(parsed["published"]) is None:
        errors["published"] = "Enter the month of publication as YYYY-MM, for example 2022-09"
    return errors
