"""The cells of the fairness view's grids, drawn in Python: a page holds ten clusters' member ×
year grids and their units' gaps – some 4,000 cells, which as template logic took most of its
time. The HTML is the one the template drew (one `<td>` per year)."""

from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from emulation.templatetags.emulation import num
from emulation.text import number_formatter

register = template.Library()

NO_GAP = '<td class="text-center"><span class="text-muted">–</span></td>'


@register.simple_tag
def award_cells(row):
    """A unit's row of a cluster's grid, one cell per year: the awards in force, the
    proposals, the rotation mark; shaded where the unit was not a member."""
    no_year = None
    cells = []
    for cell in row.cells:
        if cell.rotating:
            css = "table-warning"
        elif not cell.member:
            css = "bg-light text-muted"
        else:
            css = ""
        if not cell.exists:
            if no_year is None:
                no_year = format_html(
                    '<span class="text-muted" title="{}">·</span>',
                    _("The cluster has no year here."),
                )
            inner = no_year
        elif cell.awards or cell.proposals or cell.rotating:
            inner = _marks(cell)
        else:
            inner = ""
        cells.append(f'<td class="{css}">{inner}</td>')
    return mark_safe("".join(cells))


def _marks(cell) -> str:
    marks = format_html_join(
        "", '<span class="badge text-bg-success">{}</span> ', ((a.label,) for a in cell.awards)
    ) + format_html_join(
        "",
        '<span class="badge text-bg-light border text-muted fw-normal" title="{}">{} ({})</span> ',
        ((status, label, str(status).lower()) for label, status in cell.proposals),
    )
    if cell.rotating:
        marks += format_html('<span class="visually-hidden">{}</span>', _("Rotation"))
    return marks


@register.simple_tag
def gap_cells(row):
    """A unit's row of the gaps, one cell per year: its self-assessed / verified totals and
    their gap, or a dash."""
    cells = []
    figure = number_formatter()  # as `|num`, the language read once for the row
    for cell in row.cells:
        if not cell:
            cells.append(NO_GAP)
            continue
        own, verified, gap = cell
        # Escaped as format_html escapes them (Django's `escape` is the standard library's),
        # without its lazy-text wrappers: a page prints a thousand such cells.
        signed = f"+{figure(gap)}" if gap > 0 else figure(gap)  # as `|num:"signed"`
        cells.append(
            f'<td class="text-center">{escape(figure(own))} / {escape(figure(verified))}'
            f'<div class="{"text-danger" if gap > 0 else "text-muted"}">'
            f"{escape(signed)}</div></td>"
        )
    return mark_safe("".join(cells))


@register.simple_tag
def award_rows(rows):
    """A cluster's grid, a row per unit: its name, then `award_cells` – the rows the
    template's loop drew, without the loop (a page holds some 250 of them)."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row" class="fw-normal">{escape(str(row.name))}</th>'
            f"{award_cells(row)}</tr>"
            for row in rows
        )
    )


@register.simple_tag
def gap_rows(rows):
    """The gaps, a row per unit: its name, its clusters, `gap_cells`, the average gap (as
    `|num:"signed"`, in red above zero)."""
    drawn = []
    for row in rows:
        clusters = ", ".join(escape(str(name)) for name in row.clusters)
        shown = num(row.average, "signed")
        danger = " text-danger" if row.average is not None and row.average > 0 else ""
        drawn.append(
            f'<tr><th scope="row" class="fw-normal">{escape(str(row.name))}</th>'
            f"<td>{clusters}</td>{gap_cells(row)}"
            f'<td class="text-end fw-bold{danger}">{escape(shown)}</td></tr>'
        )
    return mark_safe("".join(drawn))
