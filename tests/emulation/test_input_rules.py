"""No typed input gives a 500: dates within 1900–2100 everywhere, numbers in ASCII digits with
the Vietnamese or plain separators only."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from clusters.models import Organization
from emulation.forms import parse_figure


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/1899", "01/01/2101", "0001-01-01"])
def test_a_date_outside_1900_to_2100_is_refused_by_every_date_field(typed):
    with translation.override("vi"), pytest.raises(forms.ValidationError) as refused:
        forms.DateField().clean(typed)
    assert "1900" in str(refused.value) and "2100" in str(refused.value)
    with translation.override("vi"), pytest.raises(forms.ValidationError):
        forms.DateTimeField().clean(f"{typed} 08:00")


@pytest.mark.parametrize("typed", ["1_000", "１２", "١٢", "12e3", "٣,5", "1__0"])
def test_numbers_accept_plain_and_vietnamese_digits_only(typed):
    with translation.override("vi"):
        for field in (
            forms.IntegerField(),
            forms.DecimalField(localize=True),
            forms.FloatField(),
        ):
            with pytest.raises(forms.ValidationError):
                field.clean(typed)
        with pytest.raises(forms.ValidationError):
            parse_figure(typed)


def test_plain_and_vietnamese_numbers_still_read():
    with translation.override("vi"):
        assert forms.IntegerField().clean("1234") == 1234
        assert str(forms.DecimalField(localize=True).clean("95,5")) == "95.5"
        assert parse_figure("1.234.567") == 1234567
        assert parse_figure("-3") == -3


@pytest.mark.django_db
def test_renaming_from_the_year_one_answers_with_a_message_not_a_500(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_rename", args=["head-unit"])
    response = client.post(url, {"new_name": "Tên mới", "from_day": "01/01/0001", "reason": "NQ 1"})
    assert response.status_code == 200
    assert "từ năm 1900 đến năm 2100" in response.content.decode()
    assert Organization.objects.get(code="head-unit").name == "Liên đoàn Lao động huyện Đầu"
