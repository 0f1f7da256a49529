"""The "Calendar feed" section of Your account (accounts sits below notifications, so its
page includes this section by tag rather than its view reading the feed)."""

from django import template

from ..models import CalendarFeed

register = template.Library()


@register.inclusion_tag("notifications/_calendar_feed_section.html", takes_context=True)
def calendar_feed_section(context):
    user = context["request"].user
    return {
        "feed": CalendarFeed.objects.filter(user_id=user.pk).first(),
        "csrf_token": context.get("csrf_token"),
    }
