"""The awards part of the navigation bar: the unread notifications, counted once per page."""

from django import template

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not user.is_authenticated:
        return 0
    return user.notifications.filter(read_at__isnull=True).count()
