"""The state of a cluster-year, as its pages show it."""

from types import SimpleNamespace

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ..services.meetings import year_state as _year_state

register = template.Library()


@register.simple_tag
def year_state(cluster_year) -> str:
    return _year_state(cluster_year)


# Stand-ins the grid's classification form is drawn with once (`classify_form`): no unit's
# code, level or reason is one of them.
CLASSIFY_CODE = "zz-unit-918273645546372819"
CLASSIFY_LEVEL = "zz-level-918273645546372819"
CLASSIFY_REASON = "zz-reason-918273645546372819"
CLASSIFY_TEMPLATE = "clusters/partials/results_classify.html"


@register.simple_tag(takes_context=True)
def classify_form(context, row):
    """A member's classification form of the results grid. Drawn once per grid for a
    stand-in member, then for each row with its code, its reason and its level selected (the
    template drew 25 forms in 8 ms, a fifth of the grid); the row sent back to confirm a
    level beyond the cap is drawn by the template itself."""
    template = context.template.engine.get_template(CLASSIFY_TEMPLATE)
    code = row.entry.organization.code
    # The row sent back to confirm, drawn whole; every row so when that is the stand-in's.
    if context.get("confirm_unit") in (code, CLASSIFY_CODE):
        with context.push(row=row):
            return template.render(context)
    drawn = context.render_context.get(CLASSIFY_TEMPLATE)
    if drawn is None:
        stand_in = SimpleNamespace(
            entry=SimpleNamespace(organization=SimpleNamespace(code=CLASSIFY_CODE)),
            level=CLASSIFY_LEVEL,
            result=SimpleNamespace(level_reason=CLASSIFY_REASON),
        )
        with context.push(row=stand_in):
            drawn = context.render_context[CLASSIFY_TEMPLATE] = template.render(context)
    reason = row.result.level_reason if row.result is not None else ""
    html = drawn.replace(CLASSIFY_CODE, conditional_escape(code)).replace(
        CLASSIFY_REASON, conditional_escape(reason or "")
    )
    level = conditional_escape(row.level)
    html = html.replace(f'<option value="{level}">', f'<option value="{level}" selected>', 1)
    return mark_safe(html)
