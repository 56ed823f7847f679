"""Forms are drawn from Django's Jinja2 templates where Django ships them, else from Django's
template language (emulation/forms.py: FormRenderer), and read the same either way."""

import datetime
from decimal import Decimal
from unittest import mock

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test import SimpleTestCase

from emulation.forms import FormRenderer

CHOICES = [("a", "Ánh"), ("b", 'B "quoted" & <b>'), ("c", "Cường")]


class EveryWidgetForm(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": "Tên đơn vị"}))
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.5"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=[("Nhóm", CHOICES), ("z", "Khác")])
    many = forms.MultipleChoiceField(choices=CHOICES)
    ticks = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(required=False)
    disabled = forms.CharField(disabled=True, required=False)


def _forms(renderer):
    data = {
        "text": 'Công đoàn "Vĩnh Hảo" & <b>',
        "number": "12,5",
        "day": "31/02/2025",  # invalid: drawn with its error
        "note": "dòng một\ndòng hai",
        "flag": "on",
        "choice": "b",
        "grouped": "c",
        "many": ["a", "c"],
        "ticks": ["b"],
        "radio": "zz",  # not a choice: an error
        "hidden": '{"self_1": ["8", "8"]}',
    }
    initial = {
        "text": "Ánh",
        "number": Decimal("7.25"),
        "day": datetime.date(2025, 12, 31),
        "many": ["b"],
        "disabled": "khóa",
    }
    bound = EveryWidgetForm(data, renderer=renderer)
    bound.is_valid()
    return [bound, EveryWidgetForm(initial=initial, renderer=renderer)]


class FormRendererTests(SimpleTestCase):
    def test_it_is_the_projects_renderer(self):
        self.assertIsInstance(get_default_renderer(), FormRenderer)

    def test_djangos_widgets_are_drawn_from_jinja2(self):
        renderer = FormRenderer()
        for name in (
            "django/forms/widgets/text.html",
            "django/forms/widgets/select.html",
            "django/forms/div.html",
            "django/forms/errors/list/ul.html",
        ):
            self.assertIsInstance(renderer.get_template(name), Jinja2Template, name)

    def test_other_widgets_fall_back_to_djangos_template_language(self):
        template = FormRenderer().get_template("django_filters/widgets/multiwidget.html")
        self.assertIsInstance(template, DjangoTemplate)

    def test_every_widget_reads_as_djangos_own_renderer_draws_it(self):
        ours, djangos = _forms(FormRenderer()), _forms(DjangoTemplates())
        for mine, theirs in zip(ours, djangos, strict=True):
            self.assertHTMLEqual(str(mine), str(theirs))
            for name in mine.fields:
                self.assertHTMLEqual(str(mine[name]), str(theirs[name]))
        self.assertTrue(ours[0].errors)
        self.assertIn("errorlist", str(ours[0]))

    def test_a_template_jinja2_lacks_is_looked_for_there_once(self):
        renderer = FormRenderer()
        name = "django_filters/widgets/multiwidget.html"
        renderer.get_template(name)
        with mock.patch.object(renderer.jinja2, "get_template") as jinja2:
            self.assertIsInstance(renderer.get_template(name), DjangoTemplate)
        jinja2.assert_not_called()


class DirectWidgetsTests(SimpleTestCase):
    """The widgets drawn in Python draw what Django's templates draw for the same widget:
    values typed, stored and absent, localized figures, text to escape, ticked or not,
    disabled, required and invalid fields."""

    def test_the_same_html_as_the_templates(self):
        from django.utils import translation

        from emulation.forms import DirectCheckboxInput, DirectTextarea, DirectTextInput

        attrs = {"class": "form-control text-end", "inputmode": "decimal", "data-max": "10"}
        pairs = [
            (DirectTextInput(attrs=attrs), forms.TextInput(attrs=attrs)),
            (DirectTextarea(attrs={"rows": 1}), forms.Textarea(attrs={"rows": 1})),
            (DirectCheckboxInput(attrs={"class": "c"}), forms.CheckboxInput(attrs={"class": "c"})),
        ]
        values = [None, "", "95,5", 'Theo "biên bản" <họp> & QĐ\'s', Decimal("1234.5"), 0, 7]
        values += [True, False]
        extra = [
            None,
            {"id": "id_x", "disabled": True, "required": False},
            {"aria-invalid": "true"},
        ]
        with translation.override("vi"):
            for ours, theirs in pairs:
                for localize in (False, True):
                    ours.is_localized = theirs.is_localized = localize
                    for value in values:
                        for more in extra:
                            drawn = ours.render("self_7", value, more)
                            expected = theirs.render("self_7", value, more, FormRenderer())
                            self.assertEqual(drawn, expected, (type(theirs), value, more))
                            self.assertHTMLEqual(
                                drawn, theirs.render("self_7", value, more, DjangoTemplates())
                            )

    def test_a_select_draws_what_the_templates_draw(self):
        from django.utils import translation

        from emulation.forms import DirectSelect

        flat = [("", "chính xác"), ("tren", "trên"), ("gan", 'gần "khoảng" <&>'), (3, "ba")]
        grouped = [("", "—"), ("Nhóm <1>", [("a", "A"), ("b", "B")]), ("c", "C")]
        attrs = {"class": "form-select form-select-sm", "aria-label": 'Chỉ tiêu "1" – mức'}
        extra = [None, {"id": "id_q", "disabled": True, "required": False}]
        with translation.override("vi"):
            for choices in (flat, grouped, []):
                ours = DirectSelect(attrs=attrs, choices=choices)
                theirs = forms.Select(attrs=attrs, choices=choices)
                for value in (None, "", "tren", "gan", 3, "3", "b", "nothing"):
                    for more in extra:
                        with mock.patch.object(FormRenderer, "render", side_effect=AssertionError):
                            drawn = ours.render("qualifier_7", value, more)
                        expected = theirs.render("qualifier_7", value, more, FormRenderer())
                        self.assertEqual(drawn, expected, (choices, value, more))
                        self.assertHTMLEqual(
                            drawn, theirs.render("qualifier_7", value, more, DjangoTemplates())
                        )

    def test_the_scoring_form_draws_its_inputs_without_a_template(self):
        with mock.patch.object(FormRenderer, "render", side_effect=AssertionError):
            from emulation.forms import DirectTextInput

            html = DirectTextInput().render("actual_1", "1.500.000", {"id": "id_actual_1"})
        self.assertEqual(
            html, '<input type="text" name="actual_1" value="1.500.000" id="id_actual_1">'
        )
