"""A signed-in user's rights kept in the session (clusters.permissions): the floor of a page
costs no query for them, and any change of roles or structure is seen on the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import OrganizationKind
from clusters.permissions import RIGHTS_SESSION_KEY
from tests.factories import OfficerFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rights_in_session]

FLOOR = "/accounts/login/"


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


@pytest.fixture
def staff(client):
    province = OrganizationFactory(code="tinh", kind=OrganizationKind.PROVINCIAL)
    officer = OfficerFactory(organization=province)
    client.force_login(officer.user)
    return officer


def test_the_rights_stay_in_the_session_and_the_floor_costs_two_queries_less(
    client, staff, settings
):
    client.get(FLOOR)  # reads the rights and keeps them
    stored = client.session[RIGHTS_SESSION_KEY]
    assert stored["user"] == staff.user.pk and stored["officer"] == [staff.organization_id]
    _response, kept = queries(client, FLOOR)
    settings.RIGHTS_SESSION_SECONDS = 0
    _response, read = queries(client, FLOOR)
    # The officer records and the successions are not read again.
    assert kept == read - 2


def test_a_role_ended_by_someone_else_is_seen_on_the_next_request(client, staff):
    page = reverse("structure:organization_detail", args=["tinh"])
    assert client.get(page).status_code == 200
    assert RIGHTS_SESSION_KEY in client.session
    staff.delete()  # e.g. the confederation's staff remove the role
    assert client.get(page).status_code == 404


def test_a_new_role_is_seen_on_the_next_request(client, staff):
    other = OrganizationFactory(code="tinh-khac", kind=OrganizationKind.PROVINCIAL)
    page = reverse("structure:organization_detail", args=["tinh-khac"])
    assert client.get(page).status_code == 404
    OfficerFactory(organization=other, user=staff.user)
    assert client.get(page).status_code == 200


def test_the_kept_rights_are_read_again_after_their_time(client, staff, settings, monkeypatch):
    client.get(FLOOR)
    _response, kept = queries(client, FLOOR)
    import clusters.permissions as permissions

    later = permissions.time.time_ns() + (settings.RIGHTS_SESSION_SECONDS + 1) * 10**9
    monkeypatch.setattr(permissions.time, "time_ns", lambda: later)
    _response, again = queries(client, FLOOR)
    assert again > kept


def test_rights_kept_for_another_user_are_never_used(client, staff):
    client.get(FLOOR)
    session = client.session
    stored = dict(session[RIGHTS_SESSION_KEY])
    stored["user"] = staff.user.pk + 1000
    stored["officer"] = stored["read"] = stored["write"] = stored["staff"] = []
    session[RIGHTS_SESSION_KEY] = stored
    session.save()
    page = reverse("structure:organization_detail", args=["tinh"])
    assert client.get(page).status_code == 200


def test_the_confederation_reads_everything_only_when_every_unit_stands_below_it(client):
    """The links are dated: a unit that joined a parent only after that parent left the top
    is below no top – the confederation's staff do not read it (no shortcut to everything)."""
    import datetime

    from clusters.models import ParentPeriod

    top = OrganizationFactory(code="tld", kind=OrganizationKind.CONFEDERATION)
    province = OrganizationFactory(code="tinh-le", kind=OrganizationKind.PROVINCIAL, parent=None)
    ParentPeriod.objects.create(
        organization=province, parent=top, valid_to=datetime.date(2022, 6, 30)
    )
    stray = OrganizationFactory(code="don-vi-le", parent=None)
    ParentPeriod.objects.create(
        organization=stray, parent=province, valid_from=datetime.date(2023, 1, 1)
    )
    officer = OfficerFactory(organization=top)
    client.force_login(officer.user)
    assert client.get(reverse("structure:organization_detail", args=["tinh-le"])).status_code == 200
    assert (
        client.get(reverse("structure:organization_detail", args=["don-vi-le"])).status_code == 404
    )
    listed = client.get(reverse("structure:organization_list")).content.decode()
    assert "don-vi-le" not in listed


def test_the_confederation_keeps_everything_only_when_every_unit_is_kept(settings):
    """The shortcut of the confederation's staff (`keeps_everything`: what it keeps needs no
    subquery of the tree) answers as the tree does – and is not taken while one unit stands
    outside what it keeps (here a province that left the top and stands under nothing)."""
    import datetime

    from clusters.models import Organization, ParentPeriod
    from clusters.permissions import access_for

    settings.RIGHTS_SESSION_SECONDS = 60  # remembered, as in production
    top = OrganizationFactory(code="tld", kind=OrganizationKind.CONFEDERATION)
    province = OrganizationFactory(code="tinh", kind=OrganizationKind.PROVINCIAL, parent=top)
    unit = OrganizationFactory(code="don-vi", parent=province)
    # A unit that ended below the province: below nothing today, kept all the same.
    ended = OrganizationFactory(code="don-vi-cu", parent=None, valid_to=datetime.date(2024, 12, 31))
    ParentPeriod.objects.create(
        organization=ended, parent=province, valid_to=datetime.date(2024, 12, 31)
    )
    officer = OfficerFactory(organization=top)
    everyone = set(Organization.objects.values_list("pk", flat=True))

    access = access_for(officer.user)
    assert access.keeps_everything
    assert access.kept_among(everyone) == everyone
    assert set(access.kept_organizers.values_list("pk", flat=True)) == everyone
    assert set(access.managed.values_list("pk", flat=True)) == everyone - {top.pk}
    assert access.manages(unit.pk) and not access.manages(top.pk)
    # The same as the tree answers without the shortcut.
    assert set(access._kept_organizers().values_list("pk", flat=True)) == everyone

    stray = OrganizationFactory(code="tinh-le", kind=OrganizationKind.PROVINCIAL, parent=None)
    ParentPeriod.objects.create(organization=stray, parent=top, valid_to=datetime.date(2022, 6, 30))
    # A new request (the user read again); the structure changed since.
    access = access_for(type(officer.user).objects.get(pk=officer.user.pk))
    assert not access.keeps_everything
    assert access.kept_among({stray.pk, unit.pk}) == {unit.pk}
    assert not access.manages(stray.pk)
    assert stray.pk not in set(access.kept_organizers.values_list("pk", flat=True))
