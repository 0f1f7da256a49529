"""Show a notice's plain-text body as HTML: paragraphs, and lists for "- " lines."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def body_html(body: str, css: str = "govuk-body"):
    """Paragraphs split on blank lines; a paragraph of "- " lines becomes a bulleted list.

    css is the class for paragraphs and lists (GOV.UK in pages, none in emails).
    """
    paragraph_class = format_html(' class="{}"', css) if css else ""
    list_class = format_html(' class="{} govuk-list govuk-list--bullet"', css) if css else ""
    blocks = []
    for paragraph in (body or "").split("\n\n"):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            blocks.append(format_html("<ul{}>{}</ul>", list_class, items))
        else:
            text = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
            blocks.append(format_html("<p{}>{}</p>", paragraph_class, text))
    return mark_safe("".join(blocks))  # noqa: S308 - every piece is escaped above
