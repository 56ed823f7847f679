"""The list cells drawn without asking the same question per cell: the render methods'
signatures remembered, a column's `<td>` attributes worked out once – the HTML unchanged."""

import django_tables2 as tables
from django.test import RequestFactory
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


def test_the_table_template_draws_what_django_tables2_draws():
    request = RequestFactory().get("/")
    ours = People([Row(1, "An"), Row(2, "Bình")]).as_html(request)
    assert '<td class="text-nowrap">An (1)</td>' in ours
    assert '<td data-parity="1">1</td>' in ours and '<td data-parity="0">2</td>' in ours
    theirs = People(
        [Row(1, "An"), Row(2, "Bình")], template_name="django_tables2/bootstrap5-responsive.html"
    ).as_html(request)
    assert " ".join(ours.split()) == " ".join(theirs.split())
