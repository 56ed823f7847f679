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


def test_format_number_writes_what_djangos_number_format_writes():
    """format_number groups by three with the language's marks itself (a fifth of the time of
    Django's number_format, asked thousands of times by a grid): the same text, in both
    languages, for every kind of figure a page prints."""
    from decimal import ROUND_HALF_UP, Decimal

    from emulation.text import format_number

    values = [0, 7, -7, 1234, -1234567, 10**15, Decimal("0.5"), Decimal("-0.5"), Decimal("95.50")]
    values += [Decimal("127000"), Decimal("1234567.891"), Decimal("-0"), Decimal("-0.004")]
    values += [Decimal("0.0001"), Decimal("-1234.5678"), 2.5, Decimal("1E+3"), Decimal("12.30")]
    for language in ("vi", "en"):
        with translation.override(language):
            for value in values:
                for places in (None, 0, 1, 2, 3):
                    figure = Decimal(value)
                    if places is None:
                        exact = figure == figure.to_integral()
                        digits = 0 if exact else -figure.normalize().as_tuple().exponent
                        figure = figure if digits else figure.quantize(Decimal(1))
                    else:
                        digits = places
                        figure = figure.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
                    expected = formats.number_format(
                        figure, decimal_pos=max(digits, 0), use_l10n=True, force_grouping=True
                    )
                    assert format_number(value, places) == expected, (language, value, places)
    with translation.override("vi"):
        assert format_number(Decimal("1234567.5")) == "1.234.567,5"
        assert format_number(Decimal("-0.004"), 2) == "0,00"  # never "-0,00"
    with translation.override("en"):
        assert format_number(Decimal("1234567.5")) == "1,234,567.5"


def test_format_number_does_not_ask_djangos_number_format_for_ordinary_figures(monkeypatch):
    from decimal import Decimal

    from emulation import text

    def refused(*args, **kwargs):
        raise AssertionError("number_format asked")

    monkeypatch.setattr(text, "number_format", refused)
    with translation.override("vi"):
        assert text.format_number(Decimal("95.5")) == "95,5"
        assert text.format_number(127000) == "127.000"
        assert text.format_number(Decimal("14.2857"), 1) == "14,3"


def test_the_separators_are_looked_up_again_when_the_formats_change(settings):
    from emulation import text

    with translation.override("vi"):
        text.format_number(1234)
    assert text._SEPARATORS
    settings.FORMAT_MODULE_PATH = ["emulation.formats"]  # setting_changed: forgotten
    assert text._SEPARATORS == {}


def test_a_figures_text_is_kept_per_language_and_forgotten_when_the_formats_change(
    monkeypatch, settings
):
    """A figure printed again is not formatted again (a page of totals prints the same ones
    over and over); its text is kept per language, and dropped when the formats change."""
    from decimal import Decimal

    from emulation import text

    figure = Decimal("4321.25")
    with translation.override("vi"):
        assert text.format_number(figure) == "4.321,25"
    with translation.override("en"):
        assert text.format_number(figure) == "4,321.25"

    def refused(*args, **kwargs):
        raise AssertionError("formatted again")

    monkeypatch.setattr(text, "_format_number", refused)
    with translation.override("vi"):
        assert text.format_number(Decimal("4321.250")) == "4.321,25"  # the same figure
    with translation.override("en"):
        assert text.format_number(figure) == "4,321.25"
    monkeypatch.undo()
    settings.FORMAT_MODULE_PATH = ["emulation.formats"]  # setting_changed: forgotten
    assert text._formatted.cache_info().currsize == 0
    assert text.FIGURES_KEPT > 0


def test_a_number_formatter_writes_what_format_number_writes_in_its_language(monkeypatch):
    """`number_formatter` (a page's thousand figures) reads the language once and writes what
    `format_number` writes in it, None blank."""
    from decimal import Decimal

    from emulation import text

    values = [0, -7, 1234, Decimal("95.50"), Decimal("-1234.5678"), Decimal("0.0001"), 2.5]
    for language in ("vi", "en"):
        with translation.override(language):
            for places in (None, 0, 1, 2):
                figure = text.number_formatter(places)
                assert figure(None) == ""
                for value in values:
                    assert figure(value) == text.format_number(value, places), (language, value)
    with translation.override("vi"):
        figure = text.number_formatter()
        asked = []
        monkeypatch.setattr(text, "get_language", lambda: asked.append(1) or "vi")
        assert [figure(Decimal("1234.5")), figure(7)] == ["1.234,5", "7"]
        assert asked == []
