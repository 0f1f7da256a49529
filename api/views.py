"""The API's own answer for an address that names nothing."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing, and must answer JSON to a POST too
def not_found(request):
    """An address under /api/ that names nothing."""
    return JsonResponse(
        {
            "status": 404,
            "code": "not_found",
            "detail": "Not found. API addresses end with a slash; ids are whole numbers. "
            "See /api/docs/.",
        },
        status=404,
    )
