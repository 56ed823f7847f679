"""Vietnamese formats: dd/mm/yyyy shown and accepted, 127.000 and 147,6, years never grouped."""

import datetime

from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from emulation.documents.base import document_number, vi_date_line


class DateForm(forms.Form):
    day = forms.DateField()


def test_dates_typed_day_first_are_read_day_first():
    with translation.override("vi"):
        form = DateForm({"day": "07/01/2019"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == datetime.date(2019, 1, 7)
        assert DateForm({"day": "14/12/2024"}).is_valid()
        assert formats.date_format(datetime.date(2019, 1, 7), "SHORT_DATE_FORMAT") == "07/01/2019"


def test_numbers_group_with_dots_and_decimals_take_a_comma():
    with translation.override("vi"):
        rendered = Template(
            "{% load humanize %}{{ n|intcomma }} {{ m|intcomma }} {{ p|floatformat:1 }} năm {{ year }}"
        ).render(Context({"n": 127000, "m": 11800000, "p": 147.6, "year": 2024}))
    assert rendered == "127.000 11.800.000 147,6 năm 2024"


def test_date_line_of_the_administrative_format():
    assert (
        vi_date_line("Bắc Bình", datetime.date(2024, 12, 14))
        == "Bắc Bình, ngày 14 tháng 12 năm 2024"
    )
    assert (
        vi_date_line("Sóc Trăng", datetime.date(2019, 1, 7))
        == "Sóc Trăng, ngày 07 tháng 01 năm 2019"
    )
    assert (
        vi_date_line("Phan Thiết", datetime.date(2024, 3, 27))
        == "Phan Thiết, ngày 27 tháng 3 năm 2024"
    )
    assert document_number(5, "BC", "CTĐ") == "05/BC-CTĐ"
