"""The state of a cluster-year, as its pages show it."""

from types import SimpleNamespace

from django import template
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from emulation.templatetags.emulation import num, person
from emulation.text import number_formatter

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


# The classes of a result's status badge in the grid.
STATUS_BADGES = {
    "locked": "text-bg-dark",
    "verified": "text-bg-success",
    "submitted": "text-bg-info",
}


@register.simple_tag(takes_context=True)
def results_row(context, item):
    """A member's row of the results grid (`item`: the row, whether its scores are shown,
    whether it is classified from the grid), drawn here rather than by the template: its
    forty lookups and conditions cost the template language 6 ms for 25 members, a fifth of
    the grid. The markup is the one the template drew."""
    row = item["row"]
    visible = item["visible"]
    cluster_year, cluster = context["cluster_year"], context["cluster"]
    result = row.result
    code = row.entry.organization.code
    esc = conditional_escape
    name = esc(row.name)
    if visible:
        url = reverse("clusters:result_detail", args=[cluster.code, cluster_year.year, code])
        name = f'<a href="{esc(url)}">{name}</a>'
    role_label = row.entry.role_label
    role = (
        f'<span class="badge text-bg-light border">{esc(role_label)}</span>' if role_label else ""
    )
    left = ""
    if not row.member_at_end:
        left_on = row.entry.membership.left_on  # (none: no longer a member by the year's end)
        day = esc(date_format(left_on, "d/m/Y")) if left_on else ""
        left = '<div class="small">%s</div>' % (_("left on %(date)s – not ranked") % {"date": day})
    if result is not None:
        badge = STATUS_BADGES.get(row.status, "text-bg-secondary")
        status = f'<span class="badge {badge}">{esc(result.get_status_display())}</span>'
        if result.submitted_late and not cluster_year.recorded_afterwards:
            status += f' <span class="badge text-bg-warning">{_("late")}</span>'
        if row.status == "submitted" and row.organization_id == cluster_year.head_id:
            status += '<div class="small text-muted">%s</div>' % (
                _("the head unit's own result: verified by the staff of %(organizer)s")
                % {"organizer": esc(cluster.organizer.name)}
            )
    else:
        status = f'<span class="text-muted small">{_("Nothing entered")}</span>'
    if visible:
        difference = ""
        if row.difference:
            tone = "text-danger" if row.difference < 0 else "text-success"
            difference = f'<span class="{tone}">{esc(num(row.difference, "signed"))}</span>'
        scores = (
            f'\n                <td class="text-end">{esc(num(row.self_total))}</td>'
            f'\n                <td class="text-end fw-semibold">{esc(num(row.verified_total))}</td>'
            f'\n                <td class="text-end">{difference}</td>\n                '
        )
        if not context["see_all"]:
            scores += "<td></td><td></td>"
        else:
            level = ""
            if row.suggested_label:
                level = f'<span title="{_("suggested")}">{esc(row.suggested_label)}</span>'
                if row.is_override:
                    level += (
                        f' → <strong title="{esc(result.level_reason)}">'
                        f"{esc(row.level_label)}</strong>"
                    )
            elif result is not None and result.level:
                level = f"<strong>{esc(row.level_label)}</strong>"
            reason = ""
            if result is not None and result.level == "none" and result.level_reason:
                reason = f'<div class="small text-muted">{esc(result.level_reason)}</div>'
            classify = classify_form(context, row) if item["classify"] else ""
            rank = "" if row.rank is None else render_value_in_context(row.rank, context)
            scores += (
                f'\n                  <td class="text-end">{level}'
                f"\n                    {reason}"
                f"\n                    {classify}"
                f"\n                  </td>"
                f'\n                  <td class="text-end fw-bold">{rank}</td>'
            )
        scores += "\n              "
    else:
        hidden = _("visible after the review meeting")
        scores = (
            f'\n                <td colspan="5" class="text-muted small text-center">{hidden}</td>'
            "\n              "
        )
    last = ""
    if result is not None and visible:
        when = (
            date_format(template_localtime(result.updated_at), "SHORT_DATETIME_FORMAT")
            if result.updated_at
            else ""
        )
        last = f"{esc(person(result.updated_by, ''))} {esc(when)}"
    muted = "" if row.member_at_end else ' class="text-muted"'
    return mark_safe(
        f'\n            <tr id="row-{esc(code)}"{muted}>'
        "\n              <td>"
        f"\n                {name}"
        f"\n                {role}"
        f"\n                {left}"
        "\n              </td>"
        f"\n              <td>{status}</td>"
        f"\n              {scores}"
        f'\n              <td class="small">{last}</td>'
        "\n            </tr>"
        "\n          "
    )


# A unit's scoring form: its criteria and indicators drawn in Python, as `table_rows` draws
# the tables – some 50 rows of four fields each, whose loops and error loops were a quarter
# of the form's time in the template language. The cells are those the template drew.


def _errors(field) -> str:
    """`{% for e in field.errors %}<div class="invalid-feedback d-block">{{ e }}</div>…`."""
    return "".join(
        f'<div class="invalid-feedback d-block">{conditional_escape(error)}</div>'
        for error in field.errors
    )


def _field(field) -> str:
    """`{{ field }}` and its errors."""
    return f"{field}{_errors(field)}"


@register.simple_tag
def criterion_rows(criteria):
    """The rows of one section's criteria: label and title (with the indicator a computed
    one is scored from), the maximum, then the points computed from the figures, or the
    self-score, verified score, explanation and "does not apply" fields."""
    figure = number_formatter()  # as `|num`, the language read once for the section
    rows = []
    for item in criteria:
        criterion = item["criterion"]
        source = ""
        if item["computed"]:
            source = '<div class="small text-muted">%s</div>' % (
                _('From the indicator "%(name)s": %(formula)s.')
                % {
                    "name": conditional_escape(criterion.indicator.name),
                    "formula": conditional_escape(criterion.get_formula_display()),
                }
            )
            cells = (
                f'<td class="text-end">{figure(item["points_self"]) or "–"}</td>'
                f'<td class="text-end">{figure(item["points_verified"]) or "–"}</td>'
                f'<td class="small text-muted">{_("computed from the figures below")}</td>'
                "<td></td>"
            )
        else:
            cells = (
                f'<td class="col-score">{_field(item["self"])}</td>'
                f'<td class="col-score">{_field(item["verified"])}</td>'
                f"<td>{_field(item['explanation'])}</td>"
                f'<td class="text-center">{item["na"]}</td>'
            )
        rows.append(
            f'<tr data-criterion="{criterion.pk}"><td><span class="text-muted">'
            f"{conditional_escape(criterion.label)}</span> {conditional_escape(criterion.title)}"
            f'{source}</td><td class="text-end">{figure(criterion.max_points)}</td>{cells}</tr>'
        )
    return mark_safe("".join(rows))


@register.simple_tag
def indicator_rows(indicators):
    """The rows of the indicators: name and kind, the target field (or "no target"), the
    qualifier and actual fields, the share of the target."""
    share = number_formatter(1)  # as `|num:1`
    rows = []
    for item in indicators:
        indicator = item["indicator"]
        if item["target"]:
            target = _field(item["target"])
        else:
            target = f'<span class="text-muted small">{_("no target")}</span>'
        qualifier = f'<div class="mb-1">{item["qualifier"]}</div>' if item["qualifier"] else ""
        percent = "" if item["percent"] is None else f"{share(item['percent'])}%"
        rows.append(
            f"<tr><td>{conditional_escape(indicator.name)} "
            f'<span class="small text-muted">({conditional_escape(indicator.get_kind_display())})'
            f'</span></td><td class="col-figure">{target}</td>'
            f'<td class="col-figure">{qualifier}{_field(item["actual"])}</td>'
            f'<td class="text-end">{percent}</td></tr>'
        )
    return mark_safe("".join(rows))
