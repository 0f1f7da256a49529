"""Template helpers: status and RAG tags that carry their meaning in words, not colour alone."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

STATUS_COLOURS = {
    "not_started": "grey",
    "in_progress": "blue",
    "on_hold": "yellow",
    "submitted": "purple",
    "closed": "green",
}
RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green"}
GRADE_COLOURS = {
    "outstanding": "green",
    "good": "turquoise",
    "adequate": "blue",
    "requires_improvement": "orange",
    "inadequate": "red",
}


def _tag(colour, text):
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, text)


@register.simple_tag
def status_tag(action):
    return _tag(STATUS_COLOURS.get(action.status, "grey"), action.get_status_display())


@register.simple_tag
def rag_tag(rag, label=""):
    if not rag:
        return mark_safe('<span class="govuk-hint govuk-!-margin-0">Not rated</span>')  # noqa: S308
    return _tag(RAG_COLOURS.get(rag, "grey"), label or rag.title())


@register.simple_tag
def grade_tag(judgment):
    return _tag(GRADE_COLOURS.get(judgment.grade, "grey"), judgment.get_grade_display())


@register.simple_tag
def due_text(action):
    """'Due in 5 days', 'Due today', '3 days overdue' — words, not colour."""
    days = action.days_to_due()
    if days is None:
        return "No due date"
    if not action.is_open:
        return "Closed"
    if action.status == "submitted":
        return "Waiting for the board's decision"
    if days < 0:
        n = -days
        return format_html(
            '<strong class="app-overdue">{} day{} overdue</strong>', n, "" if n == 1 else "s"
        )
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'' if days == 1 else 's'}"


@register.simple_tag(takes_context=True)
def querystring_page(context, number):
    query = context.get("query", "")
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.filter
def kind_label(value):
    """'area_for_improvement' -> 'Area for improvement'."""
    from inspections.models import FindingKind

    try:
        return FindingKind(value).label
    except ValueError:
        return value


@register.filter
def grade_label(value):
    """'requires_improvement' -> 'Requires improvement'."""
    from inspections.models import Grade

    try:
        return Grade(value).label
    except ValueError:
        return value
