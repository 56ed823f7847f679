"""The lists of decisions and of the award register (sorting, pagination, XLSX/CSV export)."""

from functools import cached_property

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import year_end
from emulation.tables import DateColumn, cell_html, row_url

from ..models import Award, AwardStatus, Decision

END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
# The number of the award the revoke form is drawn for once per table: no award has it, and
# the form holds no other long number (the way back holds it only if the visitor typed it
# into their own link, whose digits it then changes).
REVOKE_FORM_STAND_IN = 918273645546372819


class DecisionTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Number"), linkify=("awards:decision_detail", [tables.A("pk")])
    )
    signed_on = DateColumn(verbose_name=_("Date"), format="d/m/Y")
    signer = tables.Column(verbose_name=_("Signed by"))
    organizer = tables.Column(verbose_name=_("Issued by"), order_by=("organizer__name",))
    year = tables.Column(verbose_name=_("Emulation year"), localize=False)
    award_count = tables.Column(verbose_name=_("Awards"), attrs=END)

    class Meta:
        model = Decision
        fields = ["number", "signed_on", "signer", "organizer", "year", "award_count"]
        order_by = ("-signed_on",)
        empty_text = _("No decision recorded yet.")

    def value_signed_on(self, value):
        return value.strftime("%d/%m/%Y")

    def render_signer(self, record, value):
        if record.signer_title:
            return format_html(
                '{}<div class="small text-muted">{}</div>', value, record.signer_title
            )
        return value

    def value_signer(self, record, value):
        return f"{value} ({record.signer_title})" if record.signer_title else value

    def render_organizer(self, record):
        return record.organizer.name_on(year_end(record.year))

    def value_organizer(self, record):
        return record.organizer.name_on(year_end(record.year))

    def value_number(self, value):
        return value

    def value_year(self, value):
        return value


class AwardTable(tables.Table):
    """The award register. `can_revoke` and `decision_readable` (annotated by the view) say
    whether the user may revoke the row's award and open its decision's page."""

    year = tables.Column(verbose_name=_("Year"), localize=False)
    organization = tables.Column(verbose_name=_("Unit"), order_by=("organization__name",))
    award_type = tables.Column(
        verbose_name=_("Form"), order_by=("award_type__order", "award_type__name")
    )
    cluster = tables.Column(
        verbose_name=_("Cluster"),
        accessor="cluster_year__cluster__name",
        order_by=("cluster_year__cluster__organizer__name", "cluster_year__cluster__number"),
    )
    decision = tables.Column(verbose_name=_("Decision"), order_by=("decision__signed_on",))
    status = tables.Column(verbose_name=_("Status"))
    actions = tables.Column(
        verbose_name=_("Actions"),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Award
        fields = ["year", "organization", "award_type", "cluster", "decision", "status"]
        order_by = ("-year", "award_type")
        empty_text = _("No award matches.")
        attrs = {"class": "table table-sm align-middle"}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self._revoke_form = None

    @staticmethod
    def unit_name(record):
        # The name the unit bore that year (former names prefetched: no query per row).
        return record.organization.name_on(year_end(record.year))

    # 350 cells a page: drawn with `cell_html` and `row_url`, the words translated once.

    @cached_property
    def history_link(self) -> tuple[str, str]:
        return reverse("awards:register"), gettext("The unit's award history")

    def render_organization(self, record):
        register, title = self.history_link
        return cell_html(
            '<a href="{}?organization={}" title="{}">{}</a>',
            register,
            record.organization_id,
            title,
            self.unit_name(record),
        )

    def value_organization(self, record):
        return self.unit_name(record)

    def render_award_type(self, value):
        return value.name

    def value_award_type(self, value):
        return value.name

    def render_decision(self, record, value):
        text = str(value)
        if getattr(record, "decision_readable", False):
            return cell_html(
                '<a href="{}">{}</a>', row_url("awards:decision_detail")(value.pk), text
            )
        return text

    def value_decision(self, value):
        return str(value)

    def render_status(self, record):
        if record.status == AwardStatus.REVOKED:
            return cell_html(
                '<span class="badge text-bg-danger">{}</span>'
                '<div class="small">{}</div><div class="small text-muted">{}</div>',
                record.get_status_display(),
                record.revoked_reason,
                record.revoked_by_decision,
            )
        return cell_html(
            '<span class="badge text-bg-success">{}</span>', record.get_status_display()
        )

    def value_status(self, record):
        if record.status == AwardStatus.REVOKED:
            return _("Revoked by %(decision)s: %(reason)s") % {
                "decision": record.revoked_by_decision,
                "reason": record.revoked_reason,
            }
        return str(record.get_status_display())

    def render_actions(self, record):
        if record.status != AwardStatus.ACTIVE or not getattr(record, "can_revoke", False):
            return ""
        # The form drawn once per table (without the context processors, the token and the
        # way back read once), for a stand-in award whose number is then replaced by each
        # row's: 50 forms drawn one by one took 8 ms, this 0.5 ms.
        if self._revoke_form is None:
            self._revoke_form = get_template("awards/register/partials/revoke_form.html").render(
                {
                    "award": {"pk": REVOKE_FORM_STAND_IN},
                    "next": self.request.get_full_path() if self.request else "",
                    "csrf_token": get_token(self.request) if self.request else "",
                }
            )
        return mark_safe(self._revoke_form.replace(str(REVOKE_FORM_STAND_IN), str(record.pk)))

    def value_year(self, value):
        return value
