"""The pickers: a choice among units or clusters is a search as you type, scoped like the
lists, never a `<select>` of every unit."""

import re

import pytest
from django.urls import reverse

from clusters.models import Organization
from tests.clusters.test_structure_views import add_units
from tests.factories import ClusterFactory, ClusterYearFactory

pytestmark = pytest.mark.django_db


def found(client, name, query="", **kwargs):
    url = reverse(name, kwargs=kwargs or None)
    response = client.get(url, {"q": query} if query else {})
    assert response.status_code == 200
    # A unit's label: its name, then its locality where the name does not say it.
    return [row["text"].split(" – Huyện ")[0] for row in response.json()["results"]]


def test_unit_search_finds_without_diacritics_within_what_the_user_reads(client, world):
    client.force_login(world.users["staff"])
    texts = found(client, "structure:organization_autocomplete", "vinh hao", scope="readable")
    assert texts == ["Liên đoàn Lao động huyện Vĩnh Hảo"]
    # The other province is not read by the province's staff.
    assert found(client, "structure:organization_autocomplete", "khac", scope="readable") == []
    client.force_login(world.users["outsider"])
    assert found(client, "structure:organization_autocomplete", "vinh hao", scope="readable") == []


def test_unit_search_pages_by_twenty(client, world):
    add_units(world, 15)  # thirty units more below the province
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_autocomplete", kwargs={"scope": "readable"})
    first = client.get(url).json()
    assert len(first["results"]) == 20 and first["pagination"]["more"] is True
    second = client.get(url, {"page": 2}).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_organiser_chooser_sends_codes_and_only_the_organisers_kept(client, world):
    client.force_login(world.users["unit_officer"])
    url = reverse("structure:organization_autocomplete", kwargs={"scope": "organizers"})
    rows = client.get(url, {"value": "code"}).json()["results"]
    # The unit officer keeps the district's cluster, not the province's.
    assert [row["id"] for row in rows] == ["member-unit"]


def test_unknown_scope_is_not_found(client, world):
    client.force_login(world.users["staff"])
    url = reverse("structure:organization_autocomplete", kwargs={"scope": "everything"})
    assert client.get(url).status_code == 404
    url = reverse("structure:cluster_autocomplete", kwargs={"scope": "everything"})
    assert client.get(url).status_code == 404


def test_candidates_are_the_units_staff_keep_below_the_organiser_not_yet_members(client, world):
    client.force_login(world.users["staff"])
    kwargs = {"code": world.cluster.code, "year": world.year}
    texts = found(client, "structure:candidate_autocomplete", **kwargs)
    names = set(texts)
    assert "Công đoàn cơ sở Trường Tiểu học A" in names
    assert not names & {"Liên đoàn Lao động huyện Đầu", "Liên đoàn Lao động huyện Vĩnh Hảo"}
    assert "Liên đoàn Lao động tỉnh Khác" not in names
    members = found(client, "structure:member_autocomplete", "dau", **kwargs)
    assert members == ["Liên đoàn Lao động huyện Đầu"]


def test_cluster_search_by_organiser_without_diacritics(client, world):
    client.force_login(world.users["staff"])
    texts = found(client, "structure:cluster_autocomplete", "vinh hao", scope="readable")
    assert texts == ["Cụm thi đua số 1 – Liên đoàn Lao động huyện Vĩnh Hảo (cum-huyen-1)"]


def test_award_form_search_within_what_the_user_reads(client, world):
    from awards.models import AwardType

    AwardType.objects.create(
        organizer=world.province, name="Cờ thi đua xuất sắc", kind="excellent_flag"
    )
    AwardType.objects.create(
        organizer=world.other_province, name="Cờ của tỉnh khác", kind="excellent_flag"
    )
    client.force_login(world.users["staff"])
    texts = found(client, "awards:award_type_autocomplete", "Cờ")
    assert [t for t in texts if "Cờ" in t] == [
        "Cờ thi đua xuất sắc – Liên đoàn Lao động tỉnh Thử Nghiệm"
    ]


# Every form with a choice of unit, cluster or organiser, for the province's staff.
FORM_PAGES = [
    ("structure:organization_list", {}),
    ("structure:organization_create", {}),
    ("structure:organization_move", {"code": "head-unit"}),
    ("structure:cluster_create", {}),
    ("structure:cluster_edit", {"code": "cum-1"}),
    ("clusters:cluster_list", {}),
    ("structure:cluster_year_manage", "year"),
    ("structure:membership_batch", "year"),
    ("structure:restructure", {}),
    ("structure:prepare_next_year", {}),
    ("structure:program_list", {}),
    ("structure:program_create", {}),
    ("clusters:briefing_list", {}),
    ("clusters:briefing_create", {}),
    ("awards:inbox", {}),
    ("awards:register", {}),
    ("awards:fairness", {}),
    ("awards:decision_create", {}),
    ("awards:overview", {"_query": {"organizer": "province"}}),
]


def largest_select(html: str) -> int:
    selects = re.findall(r"<select\b.*?</select>", html, flags=re.S)
    return max((s.count("<option") for s in selects), default=0)


def test_no_form_renders_a_select_of_every_unit(client, world):
    """With 300 units and 120 clusters, no page puts more than 100 options in one list."""
    add_units(world, 150)
    organisers = list(Organization.objects.filter(parent_periods__parent=world.province)[:120])
    for number, organiser in enumerate(organisers, start=10):
        cluster = ClusterFactory(organizer=organiser, number=number, code=f"cum-x-{number}")
        ClusterYearFactory(cluster=cluster, year=world.year, members=[])
    client.force_login(world.users["staff"])
    for name, kwargs in FORM_PAGES:
        kwargs = dict(kwargs) if isinstance(kwargs, dict) else kwargs
        if kwargs == "year":
            kwargs = {"code": world.cluster.code, "year": world.year}
        query = kwargs.pop("_query", {}) if isinstance(kwargs, dict) else {}
        response = client.get(reverse(name, kwargs=kwargs or None), query)
        assert response.status_code == 200, name
        assert largest_select(response.content.decode()) < 100, name


def test_a_picker_with_nothing_chosen_does_not_ask_its_scoped_queryset(world, monkeypatch):
    """Nothing chosen: the empty option only, the field's (scoped) queryset never filtered
    nor compiled; a chosen unit is read from it and drawn as the one option."""
    from django import forms
    from django.db.models import QuerySet

    from clusters.forms.pickers import unit_picker
    from clusters.permissions import organizations_for

    class Form(forms.Form):
        unit = forms.ModelChoiceField(queryset=Organization.objects.none(), widget=unit_picker("x"))

    asked = []
    original = QuerySet.filter

    def filter(queryset, *args, **kwargs):
        asked.append(kwargs)
        return original(queryset, *args, **kwargs)

    form = Form()
    form.fields["unit"].queryset = organizations_for(world.users["staff"])
    monkeypatch.setattr(QuerySet, "filter", filter)
    html = str(form["unit"])
    assert asked == []
    assert re.findall(r"<option[^>]*>[^<]*</option>", html) == [
        '<option value="" selected>---------</option>'
    ]
    chosen = Form(initial={"unit": world.member_unit.pk})
    chosen.fields["unit"].queryset = organizations_for(world.users["staff"])
    html = str(chosen["unit"])
    assert asked  # the chosen unit, read from the scope
    assert (
        f'<option value="{world.member_unit.pk}" selected>{world.member_unit.name}</option>' in html
    )


def test_a_chosen_unit_is_read_as_one_list_not_through_a_cursor(world, monkeypatch):
    """The chosen options of a picker are read in one plain query (a field's choices read
    themselves with `iterator()`: on PostgreSQL a cursor declared WITH HOLD of its own), the
    empty option first as before; a value that is no key draws no unit at all."""
    from django import forms
    from django.db import connection
    from django.db.models import QuerySet
    from django.test.utils import CaptureQueriesContext

    from clusters.forms.pickers import unit_picker
    from clusters.permissions import organizations_for

    class Form(forms.Form):
        unit = forms.ModelChoiceField(queryset=Organization.objects.none(), widget=unit_picker("x"))

    def iterator(*args, **kwargs):
        raise AssertionError("a chosen option read through QuerySet.iterator()")

    monkeypatch.setattr(QuerySet, "iterator", iterator)
    form = Form(initial={"unit": world.member_unit.pk})
    form.fields["unit"].queryset = organizations_for(world.users["staff"])
    with CaptureQueriesContext(connection) as queries:
        html = str(form["unit"])
    assert len(queries) == 1
    assert re.findall(r"<option[^>]*>[^<]*</option>", html) == [
        '<option value="">---------</option>',
        f'<option value="{world.member_unit.pk}" selected>{world.member_unit.name}</option>',
    ]
    junk = Form(data={"unit": "not-a-key"})
    junk.fields["unit"].queryset = organizations_for(world.users["staff"])
    html = str(junk["unit"])
    assert re.findall(r"<option[^>]*>[^<]*</option>", html) == [
        '<option value="">---------</option>'
    ]


def test_the_years_page_builds_no_candidates_for_its_empty_add_form(client, world, monkeypatch):
    """The form to add a member renders no unit: the candidates (a scoped query, milliseconds
    of Django to build at national size) are asked of the posted form and the picker's search
    only."""
    from clusters.views import cluster_setup

    def candidates(*args):
        raise AssertionError("candidates built for an empty form")

    client.force_login(world.users["staff"])
    url = reverse("structure:cluster_year_manage", args=[world.cluster.code, world.year])
    with monkeypatch.context() as patched:
        patched.setattr(cluster_setup, "_candidate_choices", candidates)
        response = client.get(url)
    assert response.status_code == 200
    assert 'name="organization"' in response.content.decode()
    # Posted, the unit is checked against the candidates: a member already is refused.
    add = reverse("structure:membership_add", args=[world.cluster.code, world.year])
    response = client.post(add, {"organization": world.head_unit.pk, "reason": "x"})
    assert response.status_code == 200
    assert response.context["add_form"].has_error("organization", "invalid_choice")


def test_a_value_that_is_no_key_does_not_make_a_picker_list_every_unit(client, world):
    """`?organization=abc` on the register, `?organizer=abc` on the clusters list: the picker
    draws no unit (django-autocomplete-light, failing to filter by such a value, left its
    whole scoped queryset to render: 22,686 options for the confederation's staff)."""
    add_units(world, 150)
    client.force_login(world.users["staff"])
    for name, query in [
        ("awards:register", {"organization": "abc"}),
        ("clusters:cluster_list", {"organizer": "abc", "member": "1x"}),
    ]:
        response = client.get(reverse(name), query)
        assert response.status_code == 200, name
        html = response.content.decode()
        for field in query:
            (picker,) = re.findall(rf'<select name="{field}".*?</select>', html, flags=re.S)
            assert picker.count("<option") <= 1, (name, field)
