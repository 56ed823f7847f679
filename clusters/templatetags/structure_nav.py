"""What the navigation bar offers a user, asked once per page."""

from django import template
from django.utils.html import conditional_escape, format_html

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


@register.simple_tag
def org_link(organization, readable, label=None):
    """An organisation's name, linked to its page when the reader may open it (`readable`:
    the ids of the organisations on the page the reader reads) – never a link to a 404."""
    text = organization.name if label is None else label
    if organization.pk in readable:
        return format_html('<a href="{}">{}</a>', organization.get_absolute_url(), text)
    return conditional_escape(text)
