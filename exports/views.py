"""Auditors' pages: exports, evidence packs, progress reports and the audit trail.

Every download is recorded as an audit event (who, the filter, how many rows or
files) before the first byte leaves.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from actions.filters import ActionFilter
from actions.models import Action
from audit import chain
from forces.models import Force
from forces.roles import forces_where
from inspections.models import Finding, Inspection

from . import packs, reports, rules, signing, tables, writers
from .filters import EventFilter

PAGE_SIZE = 50


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Exports hold police data: never kept by a shared cache or the browser's.
    response["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return f"{timezone.localtime():%Y-%m-%dT%H%M}"


def _refused(request, message: str, status: int = 400):
    return render(request, "exports/export_refused.html", {"message": message}, status=status)


@login_required
def export(request, resource, fmt):
    """A filtered list as CSV or XLSX: the same filters as the page it came from."""
    try:
        built = tables.build_export(
            resource, user=request.user, params=request.GET, request=request
        )
    except tables.FilterError as error:
        return _refused(request, str(error))
    tables.record_download(
        request.user,
        verb=f"export.{resource}",
        title=f"{built.title} ({fmt.upper()})",
        summary=f"Exported {built.count} {built.title.lower()} as {fmt.upper()}",
        per_force=built.per_force,
        format=fmt,
        filters=built.filters,
        path=tables.address_of(request, built.filters),
    )
    content_type = writers.CSV_CONTENT_TYPE if fmt == "csv" else writers.XLSX_CONTENT_TYPE
    response = StreamingHttpResponse(tables.stream(built, fmt), content_type=content_type)
    return _attachment(response, f"{resource}-{_stamp()}.{fmt}")


def _check_exports(user, force_id: int) -> None:
    """Seeing a force's records is not always enough to take them away."""
    forces = forces_where(user, rules.EXPORTERS)
    if forces is not None and force_id not in forces:
        raise Http404


def _pack_response(request, pack: packs.EvidencePack, name: str):
    pack.record(path=tables.address_of(request, pack.filters))
    response = StreamingHttpResponse(pack.stream(), content_type="application/zip")
    return _attachment(response, f"{name}-{_stamp()}.zip")


@login_required
def inspection_pack(request, pk):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    _check_exports(request.user, inspection.force_id)
    pack = packs.inspection_pack(user=request.user, inspection=inspection)
    return _pack_response(request, pack, f"evidence-pack-inspection-{pk}")


@login_required
def finding_pack(request, pk):
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("inspection"), pk=pk
    )
    _check_exports(request.user, finding.inspection.force_id)
    pack = packs.finding_pack(user=request.user, finding=finding)
    return _pack_response(request, pack, f"evidence-pack-finding-{pk}")


@login_required
def actions_pack(request):
    """The evidence of a filtered action list."""
    base = tables.scoped(Action, request.user, "finding__inspection__force_id", rules.EXPORTERS)
    filterset = ActionFilter(request.GET or None, queryset=base, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return _refused(request, f"Some filters were not understood: {filterset.errors.as_text()}")
    actions = filterset.qs if filterset.is_bound else base
    filters = tables.filters_of(request.GET, filterset)
    pack = packs.actions_pack(user=request.user, actions=actions, filters=filters)
    return _pack_response(request, pack, "evidence-pack-actions")


def _since(request) -> tuple[dt.date | None, str]:
    value = request.GET.get("since", "").strip()
    if not value:
        return None, ""
    try:
        return dt.date.fromisoformat(value), ""
    except ValueError:
        return None, "Enter the date as YYYY-MM-DD, for example 2025-03-31."


def _inspection_for_report(request, pk):
    return get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("force"), pk=pk
    )


@login_required
def progress_report(request, pk):
    """The printable progress report (the browser's print turns it into a PDF too)."""
    inspection = _inspection_for_report(request, pk)
    since, error = _since(request)
    context = reports.progress_report(inspection, since=since)
    context["since_error"] = error
    context["since_value"] = request.GET.get("since", "")
    return render(request, "exports/progress_report.html", context)


@login_required
def progress_report_pdf(request, pk):
    inspection = _inspection_for_report(request, pk)
    since, error = _since(request)
    if error:
        return _refused(request, error)
    _check_exports(request.user, inspection.force_id)
    context = reports.progress_report(inspection, since=since)
    content = reports.render_pdf(context, by=request.user)
    tables.record_download(
        request.user,
        verb=reports.REPORT_VERB,
        title=f"Progress report: {inspection}",
        summary=f"Progress report downloaded: {inspection}",
        per_force={inspection.force_id: 1},
        format="pdf",
        inspection=inspection.pk,
        since=since.isoformat() if since else None,
        path=tables.address_of(request, {"since": [since.isoformat()]} if since else {}),
    )
    response = HttpResponse(content, content_type="application/pdf")
    return _attachment(response, f"progress-report-inspection-{pk}-{_stamp()}.pdf")


@login_required
def audit_events(request):
    """The force's audit trail, filtered, for auditors and coordinators."""
    base = tables.scoped(
        tables.RESOURCES["events"].model, request.user, "force_id", rules.AUDIT_READERS
    )
    filterset = EventFilter(request.GET or None, queryset=base, request=request)
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if filterset.is_bound and not filterset.is_valid():
        events = base.none()
    events = events.select_related("actor", "force").order_by("-created_at", "-pk")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "Audit trail",
        "filter": filterset,
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
    return render(request, "exports/audit_events.html", context)


def _audit_chains(user) -> list[int | None]:
    """The hash chains user may check: their forces' (every chain for a superuser)."""
    forces = forces_where(user, rules.AUDIT_READERS)
    if forces == []:
        raise PermissionDenied("Only auditors and coordinators read the audit trail.")
    return chain.chain_forces() if forces is None else sorted(forces)


@login_required
def audit_verify(request):
    """Each of the user's forces' audit chains, recomputed now: intact, or its first break."""
    chains = _audit_chains(request.user)
    names = dict(Force.objects.filter(pk__in=[c for c in chains if c]).values_list("pk", "name"))
    results = [(names.get(c, "No force (site-wide events)"), chain.walk(c)) for c in chains]
    context = {
        "title": "Check the audit trail",
        "results": results,
        "broken": sum(not report.ok for _, report in results),
        "checked_at": timezone.now(),
    }
    return render(request, "exports/audit_verify.html", context)


@login_required
def audit_anchors(request):
    """Each day's last hash of each of the user's forces' chains, as CSV: kept by an
    outsider, it holds the app to the trail as it stood (verify_audit --anchors)."""
    chains = _audit_chains(request.user)
    slugs = dict(Force.objects.filter(pk__in=[c for c in chains if c]).values_list("pk", "slug"))
    rows = [
        [a.day.isoformat(), slugs.get(a.force_id, ""), a.seq, a.hash, a.events]
        for a in chain.daily_anchors(chains)
    ]
    tables.record_download(
        request.user,
        verb="export.anchors",
        title="Audit trail anchors (CSV)",
        summary=f"Downloaded {len(rows)} daily audit trail anchors",
        per_force={c: sum(1 for a in rows if a[1] == slugs.get(c)) for c in chains if c},
        format="csv",
        path=request.get_full_path(),
    )
    content = b"".join(writers.csv_stream(chain.ANCHOR_HEADERS, rows))
    response = HttpResponse(content, content_type=writers.CSV_CONTENT_TYPE)
    return _attachment(response, f"audit-anchors-{_stamp()}.csv")


def _check_key_reader(user) -> None:
    if forces_where(user, rules.KEY_READERS) == []:
        raise PermissionDenied("Only auditors download the pack signing key.")


@login_required
def signing_key(request):
    """The site's public key for evidence packs, with its fingerprint, for auditors to keep."""
    _check_key_reader(request.user)
    context = {
        "title": "Evidence pack signing key",
        "fingerprint": signing.fingerprint(),
        "pem": signing.public_pem().decode(),
    }
    return render(request, "exports/signing_key.html", context)


@login_required
def signing_key_pem(request):
    _check_key_reader(request.user)
    response = HttpResponse(signing.public_pem(), content_type="application/x-pem-file")
    return _attachment(response, signing.PEM_NAME)
