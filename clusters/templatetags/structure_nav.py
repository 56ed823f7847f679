"""What the navigation bar offers a user, asked once per page."""

from django import template

from clusters.permissions import may_keep_structure as _may_keep_structure

register = template.Library()


@register.simple_tag
def may_keep_structure(user) -> bool:
    """Whether the user keeps part of the structure (federation staff)."""
    return user.is_authenticated and _may_keep_structure(user)


@register.simple_tag
def shows_briefings(user) -> bool:
    """Whether the navigation offers the briefings: federation staff and cluster heads."""
    from clusters.permissions import shows_briefings as _shows_briefings

    return user.is_authenticated and _shows_briefings(user)
