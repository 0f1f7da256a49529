"""Pages of results. Append-only tables (updates, audit events) use cursors, which stay
fast however deep a script reads; the rest use numbered pages."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 500


def _is_page_number(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and bool(raw.lstrip("0"))


class PagePagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not _is_page_number(raw):
            raise ValidationError({"page": ["Enter a page number: a whole number from 1."]})
        return super().paginate_queryset(queryset, request, view)


class CursorPagination(pagination.CursorPagination):
    """Newest first; follow `next` to read further back."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created_at", "-pk")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": ["The cursor is not valid: use the `next` or `previous` link as given."]}
            ) from None
