"""Coordinators import a report: upload, check the preview, decide each difference, confirm."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import security
from forces.roles import can_manage_force

from .forms import ReportUploadForm
from .importer import ReportUnreadable, parse_report_file
from .importer.plan import KEEP, USE, PlanOutdated, apply_import, parse_published, plan_import
from .rules import managed_forces

SESSION_KEY = "pending_import"
OUTDATED = (
    "The differences below changed since the page was shown: you changed the programme "
    "or month, or someone else changed this inspection. Check them and confirm again."
)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    forces = managed_forces(request.user)
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
    if request.FILES:
        # Only a post with a file can have had one refused; its form is bound and checked.
        force = form.cleaned_data.get("force") or (forces.first() if len(forces) == 1 else None)
        security.record_refused_uploads(
            request, force_id=force.pk if force else None, where="inspection report import"
        )
    return render(request, "inspections/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request):
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.info(request, "Upload a report first.")
        return redirect("inspections:import")
    force = managed_forces(request.user).filter(pk=pending["force"]).first()
    if force is None or not can_manage_force(request.user, force.pk):
        raise PermissionDenied
    parsed = pending["parsed"]
    errors, decisions = {}, {}
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
        request.session.modified = True  # keep the edits if the page is shown again
        errors = _check_about(parsed)
        plan = plan_import(parsed, force=force) if not errors else None
        if plan is not None:
            decisions = _decisions(request.POST, plan)
            if request.POST.get("fingerprint") != plan.fingerprint:
                errors["plan"] = OUTDATED
            else:
                errors.update(_undecided(plan, decisions))
        if not errors:
            response = _confirm(request, pending, parsed, force, selected, decisions, plan)
            if response is not None:
                return response
            errors["plan"] = OUTDATED
    else:
        selected = set(range(len(parsed["findings"])))
    plan = plan_import(parsed, force=force)
    if request.method == "POST":  # keep every choice made, whatever else was wrong
        decisions = _decisions(request.POST, plan)
    named = (parsed.get("force") or "").strip()
    mismatch = named and named.lower() != force.name.lower()
    rows = [
        {
            "change": c,
            "decision": decisions.get(c.key, c.default),
            "error": errors.get(f"change-{c.key}"),
        }
        for c in plan.changes
    ]
    context = {
        "pending": pending,
        "parsed": parsed,
        "plan": plan,
        "force": force,
        "mismatch": named if mismatch else "",
        "selected": selected,
        "errors": errors,
        "replacements": [row for row in rows if not row["change"].fills_gap],
        "additions": [row for row in rows if row["change"].fills_gap],
        "change_errors": [
            (f"change-{r['change'].key}-use", r["error"]) for r in rows if r["error"]
        ],
    }
    return render(request, "inspections/import_preview.html", context)


def _decisions(data, plan) -> dict:
    """The coordinator's choice for each difference, as posted ("use" or "keep")."""
    chosen = {}
    for change in plan.changes:
        value = data.get(f"change-{change.key}")
        if value in {USE, KEEP}:
            chosen[change.key] = value
    return chosen


def _undecided(plan, decisions) -> dict:
    """Every difference that would replace a held value needs an explicit choice."""
    return {
        f"change-{c.key}": f"Choose whether to keep the held {c.field_label.lower()} of "
        f"{c.subject} or use the document's"
        for c in plan.changes
        if c.default is None and c.key not in decisions
    }


def _confirm(request, pending, parsed, force, selected, decisions, plan):
    """Apply the import; None when what is held changed since the preview."""
    with default_storage.open(pending["path"], "rb") as handle:
        source = handle.read()
    try:
        inspection, done = apply_import(
            parsed,
            force=force,
            by=request.user,
            source=source,
            source_name=pending["name"],
            selected=selected,
            decisions=decisions,
            expected=plan.fingerprint,
        )
    except (PlanOutdated, IntegrityError, ValidationError):
        return None
    default_storage.delete(pending["path"])
    del request.session[SESSION_KEY]
    messages.success(
        request,
        f"Imported {inspection}: {len(done.created_findings)} new finding(s); "
        f"{len(done.accepted)} difference(s) accepted and {len(done.kept)} kept as held. "
        f"The document is kept with the inspection's sources.",
    )
    return redirect(inspection)


def _check_about(parsed: dict) -> dict:
    """Errors in the programme and publication month the coordinator confirmed."""
    errors = {}
    if not parsed["programme"]:
        errors["programme"] = 'Enter the inspection programme, for example "PEEL 2021/22"'
    if parsed["published"] and parse_published(parsed["published"]) is None:
        errors["published"] = "Enter the month of publication as YYYY-MM, for example 2022-09"
    return errors
