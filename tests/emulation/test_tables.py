"""The list cells drawn without asking the same question per cell: the render methods'
signatures remembered, a column's `<td>` attributes worked out once – the HTML unchanged."""

from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils import translation
from django.utils.html import format_html
from django_tables2 import utils as tables_utils

from emulation.tables import td_attributes


class Row:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


class People(tables.Table):
    name = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    parity = tables.Column(
        accessor="pk", attrs={"td": {"data-parity": lambda record: record.pk % 2}}
    )

    def render_name(self, value, record):
        return f"{value} ({record.pk})"


def test_a_render_method_gets_the_arguments_it_names_with_its_signature_remembered():
    signature = tables_utils.signature
    assert getattr(signature, "remembered", False)  # installed by EmulationConfig.ready()
    table = People([Row(1, "An"), Row(2, "Bình")])
    assert signature(table.render_name) == signature.original(table.render_name)
    assert signature(lambda value: value) == (("value",), None)
    assert signature(lambda **kwargs: 1) == ((), "kwargs")
    assert [row.get_cell("name") for row in table.rows] == ["An (1)", "Bình (2)"]

    class Loud(tables.Table):
        name = tables.Column()

        def render_name(*args, record):  # self among the *args: nothing to drop
            return record.name.upper()

    loud = Loud([Row(1, "An")])
    assert (
        signature(loud.render_name) == signature.original(loud.render_name) == (("record",), None)
    )
    assert [row.get_cell("name") for row in loud.rows] == ["AN"]


def test_a_static_td_is_worked_out_once_and_a_computed_one_per_record():
    table = People([Row(1, "An"), Row(2, "Bình")])
    name, parity = table.columns["name"], table.columns["parity"]
    assert td_attributes(name) == 'class="text-nowrap"'
    assert "_td_html" in name.__dict__
    values = []
    for row in table.rows:
        for column, _cell in row.items():
            if column.name == "parity":
                values.append(td_attributes(parity))
    assert values == ['data-parity="1"', 'data-parity="0"']
    assert "_td_html" not in parity.__dict__


class Figures(tables.Table):
    """Every kind of cell the rows tag draws: escaped and safe text, numbers localized by
    the language, always and never, computed row attributes."""

    name = tables.Column()
    badge = tables.Column(accessor="name", verbose_name="Badge")
    share = tables.Column(localize=True)
    plain = tables.Column(accessor="share", localize=False)
    amount = tables.Column()
    missing = tables.Column(default="–")

    class Meta:
        row_attrs = {"data-id": lambda record: record["id"]}

    def render_badge(self, value):
        return format_html('<span class="badge">{}</span>', value)


FIGURES = [
    {"id": 1, "name": 'Công đoàn "Vĩnh Hảo" & <b>', "share": Decimal("1234.5"), "amount": 12},
    {"id": 2, "name": "Bình", "share": Decimal("0.25"), "amount": None},
]


def _both(table_class, data, **kwargs):
    request = RequestFactory().get("/")
    ours = table_class(data, **kwargs).as_html(request)
    theirs = table_class(
        data, template_name="django_tables2/bootstrap5-responsive.html", **kwargs
    ).as_html(request)
    return ours, theirs


def test_the_table_template_draws_what_django_tables2_draws():
    ours, theirs = _both(People, [Row(1, "An"), Row(2, "Bình")])
    assert '<td class="text-nowrap">An (1)</td>' in ours
    assert '<td data-parity="1">1</td>' in ours and '<td data-parity="0">2</td>' in ours
    assert parse_html(ours) == parse_html(theirs)


def test_the_rows_are_drawn_in_python_as_the_template_language_draws_them():
    with translation.override("vi"):
        ours, theirs = _both(Figures, FIGURES)
    assert parse_html(ours) == parse_html(theirs)
    assert "Công đoàn &quot;Vĩnh Hảo&quot; &amp; &lt;b&gt;" in ours  # escaped
    assert '<span class="badge">Bình</span>' in ours  # a safe cell kept as it is
    assert '<tr data-id="2" class="odd">' in ours
    # Localized by the column: always (Vietnamese separators), never, or as the page is.
    assert "<td >1234,5</td>" in ours and "<td >1234.5</td>" in ours


def test_the_template_does_not_loop_over_the_rows(monkeypatch):
    """The template language draws the header and the frame; its loops do not grow with the
    rows (they cost a block, a loop step and three lookups per cell)."""
    from django.template import defaulttags

    steps = []
    original = defaulttags.ForNode.render

    def counted(node, context):
        steps.append(node)
        return original(node, context)

    monkeypatch.setattr(defaulttags.ForNode, "render", counted)
    request = RequestFactory().get("/")
    Figures(FIGURES[:1]).as_html(request)
    few = len(steps)
    steps.clear()
    Figures(FIGURES * 20).as_html(request)
    assert len(steps) == few


def test_an_empty_table_says_so_in_one_row_across_its_columns():
    ours, theirs = _both(Figures, [], empty_text="Chưa có <gì>")
    assert parse_html(ours) == parse_html(theirs)
    assert '<td colspan="6">Chưa có &lt;gì&gt;</td>' in ours


class Dated:
    def __init__(self, pk, day, moment):
        self.pk, self.day, self.moment = pk, day, moment


def _dated_tables():
    from emulation.tables import DateColumn, DateTimeColumn

    class Theirs(tables.Table):
        day = tables.DateColumn(format="d/m/Y", default="—")
        short = tables.DateColumn(accessor="day")
        moment = tables.DateTimeColumn(format="d/m/Y H:i", default="—")
        long = tables.DateTimeColumn(accessor="moment", short=False)

    class Ours(tables.Table):
        day = DateColumn(format="d/m/Y", default="—")
        short = DateColumn(accessor="day")
        moment = DateTimeColumn(format="d/m/Y H:i", default="—")
        long = DateTimeColumn(accessor="moment", short=False)

    return Ours, Theirs


def test_the_date_columns_draw_what_django_tables2_draws_without_a_template_per_cell(
    monkeypatch, settings
):
    import datetime

    from django.template import base

    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    # 23:30 UTC is the next day in Vietnam: the local date and time are shown.
    moment = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC)
    records = [Dated(1, datetime.date(2025, 6, 30), moment), Dated(2, None, None)]
    Ours, Theirs = _dated_tables()
    with translation.override("vi"):
        theirs = [[cell for _column, cell in row.items()] for row in Theirs(records).rows]
        compiled = []
        original = base.Template.__init__

        def counted(template, *args, **kwargs):
            compiled.append(template)
            original(template, *args, **kwargs)

        monkeypatch.setattr(base.Template, "__init__", counted)
        ours = [[cell for _column, cell in row.items()] for row in Ours(records * 25).rows]
    assert ours[:2] == theirs
    assert ours[0][0] == "30/06/2025" and ours[0][2] == "01/07/2025 06:30"
    assert ours[1][0] == "—" and ours[1][2] == "—"
    assert compiled == []  # django-tables2's own compiles a template for each of the 200
    assert list(Ours(records).as_values()) == list(Theirs(records).as_values())  # the export


def test_cell_html_escapes_as_format_html_does():
    from django.utils.safestring import SafeString, mark_safe
    from django.utils.translation import gettext_lazy

    from emulation.tables import cell_html

    args = ('Công đoàn "Vĩnh Hảo" & <b>', mark_safe("<i>an</i>"), 7, gettext_lazy("Year"), None)
    shape = "<a title='{}'>{}</a> {} {} {}"
    ours = cell_html(shape, *args)
    assert isinstance(ours, SafeString)
    assert ours == format_html(shape, *args)
    assert "&quot;Vĩnh Hảo&quot; &amp; &lt;b&gt;" in ours and "<i>an</i>" in ours


def test_row_url_is_the_reversed_address_of_each_row():
    from django.urls import reverse, set_script_prefix

    from emulation.tables import row_url

    for key in (1, 42, 918273645546372819, 10**20):
        assert row_url("awards:dossier")(key) == reverse("awards:dossier", args=[key])
    set_script_prefix("/thi-dua/")
    try:
        assert row_url("awards:dossier")(5) == reverse("awards:dossier", args=[5])
        assert row_url("awards:dossier")(5).startswith("/thi-dua/")
    finally:
        set_script_prefix("/")


class Years(tables.Table):
    """Every way a cell is found: a plain field, a choice shown by its label (on the record,
    across a relation, across an empty one), a linked name, a missing attribute, render
    methods naming the row, the table or an argument django-tables2 does not give."""

    year = tables.Column()
    status = tables.Column()
    kind = tables.Column(accessor="cluster__kind")
    head_kind = tables.Column(accessor="head__kind", default="–")
    cluster = tables.Column(accessor="cluster__name", linkify=lambda record: f"/y/{record.pk}/")
    missing = tables.Column(accessor="no_such_thing", default="?")
    row_number = tables.Column(accessor="pk", empty_values=())
    unknown = tables.Column(accessor="pk")
    everything = tables.Column(accessor="year")

    def render_row_number(self, bound_row, table, value):
        return f"{bound_row.row_counter + 1}/{len(table.rows)}:{value}"

    def render_unknown(self, record, something_else):
        return "never"

    def render_everything(self, **kwargs):
        return f"{kwargs['value']}-{kwargs['record'].cluster.code}"


@pytest.mark.django_db
def test_each_cell_is_the_one_django_tables2_finds():
    from clusters.models import ClusterYear
    from emulation.tables import cell_maker
    from tests.factories import ClusterYearFactory, OrganizationFactory

    ClusterYearFactory(year=2024, head=OrganizationFactory(kind="grassroots"))
    ClusterYearFactory(year=2025, head=None, status="closed")
    data = ClusterYear.objects.select_related("cluster", "head").order_by("year")
    table = Years(data)
    makers = {column.name: cell_maker(column) for column in table.columns}
    rows = list(table.rows)
    cells = [{name: make(row) for name, make in makers.items()} for row in rows]
    theirs = [{column.name: row.get_cell(column.name) for column in table.columns} for row in rows]
    assert cells == theirs
    first, second = cells
    assert first["status"] == "Đang triển khai" and first["kind"] == "Cụm thi đua"  # labels
    assert first["head_kind"] != "grassroots" and second["head_kind"] == "–"
    assert second["missing"] == "?" and first["unknown"] is None
    assert 'href="/y/' in str(first["cluster"])
    assert second["row_number"].startswith("2/2:")
    ours, template = _both(Years, data)
    assert parse_html(ours) == parse_html(template)
