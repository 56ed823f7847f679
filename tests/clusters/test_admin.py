"""The Django admin covers every model, for the administrator."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from emulation.demo import seed_demo

pytestmark = pytest.mark.django_db

APPS = ["clusters", "awards"]


def project_models():
    return [
        m
        for label in APPS
        for m in apps.get_app_config(label).get_models()
        if not m.__name__.startswith("Historical")
    ]


def test_every_model_is_in_the_admin_with_search_and_filters():
    for model in project_models():
        assert model in admin.site._registry, model
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert model_admin.list_filter, model


def test_every_changelist_opens_for_the_administrator(client, django_user_model):
    seed_demo()
    client.force_login(django_user_model.objects.get(username="admin"))
    for model in project_models():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "bình"}).status_code == 200, url
