"""The table of the organiser's proposals inbox."""

from decimal import Decimal
from functools import cached_property

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import LEVEL_ABBREVIATIONS
from emulation.tables import cell_html, row_url
from emulation.text import format_number

from ..models import Nomination, NominationStatus, VoteMode

RIGHT = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}

STATUS_BADGES = {
    NominationStatus.SUBMITTED: "text-bg-primary",
    NominationStatus.RESUBMITTED: "text-bg-primary",
    NominationStatus.RETURNED: "text-bg-warning",
    NominationStatus.APPROVED: "text-bg-success",
    NominationStatus.DOWNGRADED: "text-bg-success",
    NominationStatus.AWARDED: "text-bg-dark",
    NominationStatus.REJECTED: "text-bg-danger",
    NominationStatus.REVOKED: "text-bg-secondary",
}


def vote_figures(nomination: Nomination) -> tuple[int | None, int | None]:
    """(votes for, valid voices): the valid ballots of a secret ballot, else the member units
    present at the open vote."""
    vote = nomination.vote
    if vote is None:
        return nomination.votes, None
    valid = vote.ballots_valid if vote.mode == VoteMode.SECRET else vote.voters
    return nomination.votes, valid


def vote_text(nomination: Nomination) -> str:
    votes, valid = vote_figures(nomination)
    if votes is None:
        return ""
    if not valid:
        return str(votes)
    percent = format_number(Decimal(100 * votes) / valid, 1)
    return f"{votes}/{valid} ({percent}%)"


def days_waiting(nomination: Nomination) -> int | None:
    """Days since the last move of a nomination waiting for the staff."""
    if not nomination.is_pending:
        return None
    since = nomination.waiting_since
    return (timezone.now() - since).days if since else None


class InboxTable(tables.Table):
    select = tables.Column(
        verbose_name=_("Select"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
    )
    cluster = tables.Column(
        verbose_name=_("Cluster"),
        accessor="cluster_year__cluster__name",
        order_by=("cluster_year__cluster__name", "organization__name"),
    )
    year = tables.Column(verbose_name=_("Year"), accessor="cluster_year__year", localize=False)
    nominee = tables.Column(verbose_name=_("Nominee"), accessor="organization__name")
    award = tables.Column(
        verbose_name=_("Award form"),
        accessor="award_type__name",
        order_by=("award_type__order", "award_type__name"),
    )
    votes = tables.Column(
        verbose_name=_("Votes (for/valid)"), accessor="votes", attrs=RIGHT, default="—"
    )
    level = tables.Column(verbose_name=_("Classification"), accessor="result_level", default="—")
    totals = tables.Column(
        verbose_name=_("Self / verified total"),
        accessor="pk",
        order_by=("-result_verified_total",),
        attrs=RIGHT,
    )
    warning_count = tables.Column(
        verbose_name=_("Rule warnings"), accessor="pk", orderable=False, attrs=RIGHT
    )
    status = tables.Column(verbose_name=_("Status"))
    waiting = tables.Column(
        verbose_name=_("Days waiting"),
        accessor="waiting_since",
        order_by=("-waiting_since",),
        attrs=RIGHT,
    )
    dossier = tables.Column(
        verbose_name=_("Dossier"), accessor="pk", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Nomination
        fields = []
        sequence = [
            "select",
            "cluster",
            "year",
            "nominee",
            "award",
            "votes",
            "level",
            "totals",
            "warning_count",
            "status",
            "waiting",
            "dossier",
        ]
        empty_text = _("No nomination matches.")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "inbox-table"}

    # 600 cells a page: drawn with `cell_html` and `row_url`, the words translated once.

    @cached_property
    def select_label(self) -> str:
        return gettext("Select %(unit)s – %(award)s")

    @cached_property
    def dossier_label(self) -> str:
        return gettext("Open the dossier")

    def render_select(self, record):
        label = self.select_label % {
            "unit": record.organization.name,
            "award": record.award_type.label,
        }
        return cell_html(
            '<input class="form-check-input" type="checkbox" name="select" value="{}" '
            'form="inbox-bulk" aria-label="{}">',
            record.pk,
            label,
        )

    def render_nominee(self, record, value):
        return cell_html('<a href="{}">{}</a>', row_url("awards:dossier")(record.pk), value)

    def value_nominee(self, value):
        return value

    def render_award(self, record):
        if record.granted_type_id:
            return cell_html("<s>{}</s> → {}", record.award_type.label, record.granted_type.label)
        return record.award_type.label

    def value_award(self, record):
        if record.granted_type_id:
            return f"{record.award_type.label} → {record.granted_type.label}"
        return record.award_type.label

    def render_votes(self, record):
        return vote_text(record) or "—"

    def value_votes(self, record):
        return vote_text(record)

    def render_level(self, value):
        return LEVEL_ABBREVIATIONS.get(value, value)

    def value_level(self, value):
        return LEVEL_ABBREVIATIONS.get(value, value or "")

    def render_totals(self, record):
        own = format_number(record.result_self_total) or "—"
        verified = format_number(record.result_verified_total) or "—"
        return f"{own} / {verified}"

    def value_totals(self, record):
        return self.render_totals(record)

    def render_warning_count(self, record):
        lines = record.warning_lines
        if not lines:
            return "—"
        return cell_html(
            '<span class="badge text-bg-warning" title="{}" tabindex="0">⚠ {}</span>',
            "\n".join(lines),
            len(lines),
        )

    def value_warning_count(self, record):
        return "\n".join(record.warning_lines)

    def render_status(self, record):
        return cell_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return str(record.get_status_display())

    def render_waiting(self, record):
        days = days_waiting(record)
        return "—" if days is None else days

    def value_waiting(self, record):
        days = days_waiting(record)
        return "" if days is None else days

    def render_dossier(self, record):
        return cell_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a>',
            row_url("awards:dossier")(record.pk),
            self.dossier_label,
        )
