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
