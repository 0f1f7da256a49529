"""National accounts import a thematic report once; every force gets its recommendations.

Only superusers and national accounts (inspections.rules.can_import_national) reach these
pages. Forces see their own copies on their inspections pages."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import security
from forces.models import Force
from ui.forms import form_status

from .forms import NationalRecommendationForm, NationalReportForm, NationalUploadForm
from .importer import ReportUnreadable, parse_report_file
from .importer.plan import parse_published
from .models import Finding, ForceProgress, NationalReport, SourceKind
from .national import (
    distribute,
    national_correct,
    national_recommendation_add,
    national_report_create,
    plan_national,
)
from .rules import can_import_national
from .services import source_add

SESSION_KEY = "pending_national"


def _national_only(request) -> None:
    if not can_import_national(request.user):
        raise PermissionDenied


@login_required
def national_list(request):
    _national_only(request)
    reports = NationalReport.objects.annotate(
        recommendation_count=Count("recommendations", distinct=True),
        force_count=Count("force_inspections", distinct=True),
    )
    return render(
        request,
        "inspections/national_list.html",
        {"reports": reports, "forces": Force.objects.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def national_create(request):
    _national_only(request)
    form = NationalReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = national_report_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"{report} was added. Add its recommendations.")
            return redirect(report)
    return render(
        request, "inspections/national_form.html", {"form": form}, status=form_status(form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def national_import(request):
    _national_only(request)
    form = NationalUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["report"]
        data = upload.read()
        try:
            parsed = parse_report_file(data, upload.name)
        except ReportUnreadable as error:
            form.add_error(
                "report", f"{error} You can add the report and its recommendations by hand."
            )
        else:
            pending = default_storage.save(f"reports/pending/{uuid.uuid4().hex}", ContentFile(data))
            request.session[SESSION_KEY] = {
                "path": pending,
                "name": upload.name[:255],
                "parsed": parsed,
            }
            return redirect("inspections:national_preview")
    if request.method == "POST":
        # A national report belongs to no force: the event is for the back office.
        security.record_refused_uploads(request, force_id=None, where="national report import")
    return render(request, "inspections/national_upload.html", {"form": form})


def _about_initial(pending: dict) -> dict:
    parsed = pending["parsed"]
    return {
        "title": parsed.get("title") or pending["name"].rsplit(".", 1)[0],
        "programme": parsed.get("programme") or "",
        "published": parse_published(parsed.get("published")),
        "addressed_to": parsed.get("addressed_to") or "All chief constables",
    }


@login_required
@require_http_methods(["GET", "POST"])
def national_preview(request):
    _national_only(request)
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.info(request, "Upload a national report first.")
        return redirect("inspections:national_import")
    parsed = pending["parsed"]
    form = NationalReportForm(request.POST or None, initial=_about_initial(pending))
    choice_errors = {}
    if request.method == "POST":
        if "cancel" in request.POST:
            default_storage.delete(pending["path"])
            del request.session[SESSION_KEY]
            messages.info(request, "The import was cancelled; nothing was saved.")
            return redirect("inspections:national_list")
        for index, item in enumerate(parsed["findings"]):
            edited = request.POST.get(f"text-{index}", "").strip()
            if edited:
                item["text"] = edited
        request.session.modified = True
    programme = (form.data.get("programme") if form.is_bound else form.initial["programme"]) or ""
    report = NationalReport.objects.filter(programme__iexact=programme.strip()).first()
    rows = plan_national(parsed, report)
    if request.method == "POST":
        for row in rows:
            row["include"] = bool(request.POST.get(f"include-{row['index']}"))
            row["decision"] = request.POST.get(f"change-{row['index']}")
            if row["status"] == "changed" and row["decision"] not in {"use", "keep"}:
                row["error"] = (
                    f"Choose whether to keep the held words of {row['held'].reference} or use "
                    "this document's"
                )
                choice_errors[f"change-{row['index']}-use"] = row["error"]
        if form.is_valid() and not choice_errors:
            report = _confirm(request, pending, form.cleaned_data, report, rows)
            if report is not None:
                return redirect(report)
    else:
        for row in rows:
            row["include"] = row["offered"] and row["status"] == "new"
    context = {
        "pending": pending,
        "parsed": parsed,
        "form": form,
        "report": report,
        "rows": rows,
        "choice_errors": list(choice_errors.items()),
        "forces": Force.objects.count(),
    }
    return render(request, "inspections/national_preview.html", context)


def _confirm(request, pending, about, report, rows):
    """Create or add to the national report, then give every force its copies."""
    with default_storage.open(pending["path"], "rb") as handle:
        data = handle.read()
    try:
        with transaction.atomic():
            if report is None:
                report = national_report_create(by=request.user, **about)
            source, _new = source_add(
                by=request.user,
                data=data,
                name=pending["name"],
                kind=SourceKind.IMPORTED,
                national_report=report,
                format=pending["parsed"].get("source_format", ""),
            )
            added = corrected = 0
            for row in rows:
                item = row["item"]
                if row["status"] == "new" and row["include"]:
                    national_recommendation_add(
                        report=report,
                        by=request.user,
                        text=row["text"],
                        lead_in=item.get("lead_in") or item.get("stem") or "",
                        section=item.get("section") or "",
                        timescale=item.get("timescale") or "",
                        theme=item.get("theme") or "",
                        distribute_now=False,
                    )
                    added += 1
                elif row["status"] == "changed" and row["decision"] == "use":
                    national_correct(row["held"], by=request.user, text=row["text"])
                    corrected += 1
            copies = distribute(report, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    default_storage.delete(pending["path"])
    del request.session[SESSION_KEY]
    messages.success(
        request,
        f"{report}: {added} recommendation(s) added and {corrected} corrected; "
        f"{copies} finding(s) given to the forces to allocate.",
    )
    return report


@login_required
def national_detail(request, pk):
    _national_only(request)
    report = get_object_or_404(NationalReport, pk=pk)
    copies = Finding.objects.filter(national_recommendation__report=report)
    status = {
        "open": Count("pk", filter=Q(force_progress=ForceProgress.OPEN, withdrawn_at=None)),
        "in_progress": Count(
            "pk", filter=Q(force_progress=ForceProgress.IN_PROGRESS, withdrawn_at=None)
        ),
        "complete": Count("pk", filter=Q(force_progress=ForceProgress.COMPLETE, withdrawn_at=None)),
        "withdrawn": Count("pk", filter=~Q(withdrawn_at=None)),
    }
    by_recommendation = {
        row["national_recommendation"]: row
        for row in copies.values("national_recommendation").annotate(**status)
    }
    recommendations = list(report.recommendations.all())
    for recommendation in recommendations:
        recommendation.progress = by_recommendation.get(recommendation.pk, {})
    by_force = (
        copies.values("inspection__force__name")
        .annotate(**status)
        .order_by("inspection__force__name")
    )
    context = {
        "report": report,
        "recommendations": recommendations,
        "by_force": by_force,
        "sources": report.sources.all(),
    }
    return render(request, "inspections/national_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def national_recommendation_add_view(request, pk):
    _national_only(request)
    report = get_object_or_404(NationalReport, pk=pk)
    form = NationalRecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = national_recommendation_add(
                report=report, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request,
                f"{recommendation.reference} was added and given to every force to allocate.",
            )
            return redirect(report)
    return render(
        request, "inspections/national_recommendation_form.html", {"form": form, "report": report}
    )
