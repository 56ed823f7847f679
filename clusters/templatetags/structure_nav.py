"""What the navigation bar offers a user, asked once per page; organisations' names linked
where the reader may open them, and the lists of an organisation's page."""

from django import template
from django.templatetags.l10n import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clusters.permissions import may_keep_structure as _may_keep_structure
from emulation import links

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


# An organisation's page: its lists of 50 rows drawn in Python, as `table_rows` draws the
# tables (drawn by the template language, a province's three lists were a third of the page).


def _day(value) -> str:
    """`{{ value|date:"d/m/Y"|default:"—" }}`."""
    return value.strftime("%d/%m/%Y") if value else "—"


@register.simple_tag
def unit_rows(children, readable):
    """The rows of the units below: the unit (linked when the reader may open it, as
    `org_link`), from, to."""
    return mark_safe(
        "".join(
            f"<tr><td>{org_link(period.organization, readable)}</td>"
            f"<td>{_day(period.valid_from)}</td><td>{_day(period.valid_to)}</td></tr>"
            for period in children
        )
    )


@register.simple_tag
def organised_rows(organised):
    """The rows of the cluster-years it organised: year, cluster (linked), head, members,
    status."""
    return mark_safe(
        "".join(
            format_html(
                '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td>'
                '<td class="text-end">{}</td><td>{}</td></tr>',
                f"{item.year:d}",
                links.link("clusters:cluster_year", item.cluster.code, item.year),
                item.cluster.name,
                item.head_name or "—",
                localize(item.member_count),
                item.get_status_display(),
            )
            for item in organised
        )
    )


@register.simple_tag
def cluster_items(clusters, managed_cluster_ids):
    """The items of the clusters it organises: name, kind, founding decision, the day it
    ended; the links to edit it and open a new year where the reader keeps it."""
    edit, new_year = _("Edit"), _("New year")
    items = []
    for cluster in clusters:
        about = [conditional_escape(cluster.get_kind_display())]
        if cluster.founding_decision:
            about.append(conditional_escape(cluster.founding_decision))
        if cluster.ended_on:
            about.append(_("ended %(date)s") % {"date": _day(cluster.ended_on)})
        actions = ""
        if cluster.pk in managed_cluster_ids:
            # After a space, as the template's line break gave.
            actions = format_html(
                ' <a class="small" href="{}">{}</a> · <a class="small" href="{}">{}</a>',
                links.link("structure:cluster_edit", cluster.code),
                edit,
                links.link("structure:cluster_year_create", cluster.code),
                new_year,
            )
        items.append(
            f"<li>{conditional_escape(cluster.name)} "
            f'<span class="text-muted small">({", ".join(about)})</span>{actions}</li>'
        )
    return mark_safe("".join(items))
