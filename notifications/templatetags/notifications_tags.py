"""The header's unread badge."""

from django import template

from ..models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    access = getattr(request, "access", None)
    if user is None or not user.is_authenticated or access is None:
        return 0
    return Notification.objects.for_recipient(user, access).unread().count()
