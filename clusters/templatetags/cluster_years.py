"""The state of a cluster-year, as its pages show it."""

from django import template

from ..services.meetings import year_state as _year_state

register = template.Library()


@register.simple_tag
def year_state(cluster_year) -> str:
    return _year_state(cluster_year)
