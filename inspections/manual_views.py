"""Coordinators bring work in by hand: an inspection or other source, its documents, and its
findings (add, correct, withdraw, reinstate). Every change is audited like an import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import security
from audit.models import Event
from forces.roles import can_manage_force
from ui.files import download_name
from ui.forms import form_status

from .forms import FindingForm, InspectionForm, SourceForm, WithdrawForm
from .models import Finding, Inspection, InspectionSource, StaleFinding
from .rules import can_import_national, managed_forces
from .services import attach_source, finding_create, inspection_create


def _managed_inspection(request, pk) -> Inspection:
    """An inspection of the user's forces (404 otherwise) that they may change (403)."""
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("force"), pk=pk
    )
    if not can_manage_force(request.user, inspection.force_id):
        raise PermissionDenied
    return inspection


def _managed_finding(request, pk) -> Finding:
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("inspection__force"), pk=pk
    )
    if not can_manage_force(request.user, finding.inspection.force_id):
        raise PermissionDenied
    return finding


@login_required
@require_http_methods(["GET", "POST"])
def inspection_add(request):
    forces = managed_forces(request.user)
    if not forces.exists():
        raise PermissionDenied
    form = InspectionForm(request.POST or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_create(
                force=form.cleaned_data["force"], by=request.user, **form.changes()
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request, f"{inspection.programme} was added. Add its findings and documents here."
            )
            return redirect(inspection)
    return render(
        request, "inspections/inspection_form.html", {"form": form}, status=form_status(form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request, pk):
    inspection = _managed_inspection(request, pk)
    form = InspectionForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            inspection.edit(by=request.user, changes=form.changes())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, "The inspection was saved.")
            return redirect(inspection)
    context = {"form": form, "inspection": inspection}
    return render(request, "inspections/inspection_form.html", context, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def source_add(request, pk):
    inspection = _managed_inspection(request, pk)
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = attach_source(
                inspection=inspection,
                by=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"“{source.name}” is kept with {inspection.programme}.")
            return redirect(inspection)
    if request.method == "POST":
        security.record_refused_uploads(
            request,
            force_id=inspection.force_id,
            where="source document",
            inspection=inspection.pk,
        )
    return render(request, "inspections/source_form.html", {"form": form, "inspection": inspection})


@login_required
def source_download(request, pk):
    """A kept source document, for anyone who may see its inspection; audited."""
    source = get_object_or_404(InspectionSource.objects.select_related("inspection"), pk=pk)
    if source.inspection_id is None:
        if not can_import_national(request.user):
            raise Http404
    elif not Inspection.objects.visible_to(request.user).filter(pk=source.inspection_id).exists():
        raise Http404
    with transaction.atomic():
        Event.record(
            request.user,
            "source.download",
            source,
            summary=f"Source document downloaded: {source.name}",
            sha256=source.sha256,
        )
    response = FileResponse(
        source.file.open("rb"),
        as_attachment=True,
        filename=download_name(source.name, f"source-{source.pk}"),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request, pk):
    inspection = _managed_inspection(request, pk)
    form = FindingForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            finding = finding_create(inspection=inspection, by=request.user, **form.changes())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"{finding.reference} was added.")
            return redirect(finding)
    context = {"form": form, "inspection": inspection}
    return render(request, "inspections/finding_form.html", context, status=form_status(form))


def _refuse_stale(form, error: StaleFinding) -> None:
    """Keep what was typed, say what changed, and let a deliberate re-submit through."""
    current = error.current
    latest = Event.objects.filter(object_type="finding", object_id=str(current.pk)).first()
    who = ""
    if latest and latest.actor:
        who = latest.actor.get_full_name() or latest.actor.username
    detail = f" {who} made a change: {latest.summary}." if latest and who else ""
    form.add_error(
        None,
        f"This finding was changed after you opened it.{detail} Your text is kept below: "
        "check the finding's current state and submit again to save it.",
    )
    form.data = form.data.copy()
    form.data["version"] = current.version
    form.conflict = True  # answered 409 (ui.forms.form_status)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = _managed_finding(request, pk)
    form = FindingForm(request.POST or None, inspection=finding.inspection, finding=finding)
    if request.method == "POST" and form.is_valid():
        try:
            changed = finding.edit(
                by=request.user,
                changes=form.changes(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        except StaleFinding as error:
            _refuse_stale(form, error)
        else:
            messages.success(
                request, f"{finding.reference} was saved." if changed else "Nothing was changed."
            )
            return redirect(finding)
    context = {"form": form, "inspection": finding.inspection, "finding": finding}
    return render(request, "inspections/finding_form.html", context, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def finding_withdraw(request, pk):
    finding = _managed_finding(request, pk)
    if finding.is_withdrawn:
        messages.info(request, f"{finding.reference} is already withdrawn.")
        return redirect(finding)
    form = WithdrawForm(request.POST or None, initial={"version": finding.version})
    if request.method == "POST" and form.is_valid():
        try:
            finding.withdraw(
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        except StaleFinding as error:
            _refuse_stale(form, error)
        else:
            messages.success(request, f"{finding.reference} was withdrawn. Nothing was deleted.")
            return redirect(finding)
    context = {
        "form": form,
        "finding": finding,
        "actions": finding.actions.count(),
        "open_actions": finding.actions.exclude(status="closed").count(),
    }
    return render(request, "inspections/finding_withdraw.html", context, status=form_status(form))


@login_required
@require_POST
def finding_reinstate(request, pk):
    finding = _managed_finding(request, pk)
    try:
        finding.reinstate(by=request.user, expected_version=int(request.POST.get("version", -1)))
    except (ValidationError, ValueError):
        messages.error(request, f"{finding.reference} is not withdrawn.")
    except StaleFinding:
        messages.error(
            request,
            f"{finding.reference} was changed after you opened it. Check it and try again.",
        )
    else:
        messages.success(request, f"{finding.reference} is back on the list of work.")
    return redirect(finding)
