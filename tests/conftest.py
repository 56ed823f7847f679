"""Shared fixtures: the personas of the permission matrix on a small constructed world, and
the browser set-up for Debian's Chromium."""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone, translation

from clusters.models import ClusterYearStatus, OfficerRole, OrganizationKind
from tests.factories import (
    ClusterFactory,
    ClusterYearFactory,
    OfficerFactory,
    OrganizationFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls in the same test
# are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English (the language cookie)
    leaves English active in the thread, which would print the next test's figures as 95.5."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _rights_read_on_every_request(settings, request):
    """The rights are read from the officer records on every request, so that the query
    counts are those of a page whose rights are not in its session yet (the larger count);
    tests marked `rights_in_session` keep them there as production does."""
    if not request.node.get_closest_marker("rights_in_session"):
        settings.RIGHTS_SESSION_SECONDS = 0


@pytest.fixture(autouse=True)
def _tables_read_on_every_request(settings):
    """The scoring tables are read on every request, so that the query counts are those of
    a page whose programme this process has not read yet (the larger count); a test that
    keeps them sets SCORING_TABLES_KEPT again."""
    settings.SCORING_TABLES_KEPT = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test kept (the top of the tree, the
    rights' epoch) never leaks into the next, whose rows were rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings):
    """Background tasks run at once, in the request that queues them (on its commit), unless
    a test asks for the database backend and a worker (tests/awards/test_exports.py)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "exports"],
        }
    }


@dataclass
class World:
    """A province with a cluster of districts, a district organising its own cluster, and an
    unrelated province – with one officer per persona."""

    year: int
    province: object
    other_province: object
    head_unit: object
    deputy_unit: object
    member_unit: object
    cluster: object
    cluster_year: object
    previous_year: object
    district_cluster: object
    district_cluster_year: object
    grassroots: object
    users: dict


@pytest.fixture
def world(db):
    year = timezone.localdate().year
    province = OrganizationFactory(
        code="province",
        name="Liên đoàn Lao động tỉnh Thử Nghiệm",
        kind=OrganizationKind.PROVINCIAL,
        locality="Thử Nghiệm",
    )
    other = OrganizationFactory(
        code="other-province", name="Liên đoàn Lao động tỉnh Khác", kind=OrganizationKind.PROVINCIAL
    )
    head_unit = OrganizationFactory(
        code="head-unit", name="Liên đoàn Lao động huyện Đầu", parent=province
    )
    deputy_unit = OrganizationFactory(
        code="deputy-unit", name="Liên đoàn Lao động huyện Phó", parent=province
    )
    member_unit = OrganizationFactory(
        code="member-unit", name="Liên đoàn Lao động huyện Vĩnh Hảo", parent=province
    )
    grassroots = OrganizationFactory(
        code="grassroots",
        name="Công đoàn cơ sở Trường Tiểu học A",
        kind=OrganizationKind.GRASSROOTS,
        parent=member_unit,
    )
    cluster = ClusterFactory(organizer=province, number=1, code="cum-1")
    members = [head_unit, deputy_unit, member_unit]
    cluster_year = ClusterYearFactory(
        cluster=cluster, year=year, head=head_unit, deputy=deputy_unit, members=members
    )
    previous = ClusterYearFactory(
        cluster=cluster,
        year=year - 1,
        head=member_unit,
        deputy=head_unit,
        status=ClusterYearStatus.CLOSED,
        members=members,
    )
    district_cluster = ClusterFactory(organizer=member_unit, number=1, code="cum-huyen-1")
    district_cluster_year = ClusterYearFactory(
        cluster=district_cluster, year=year, head=grassroots, members=[grassroots]
    )
    users = {
        "outsider": OfficerFactory(user=UserFactory(username="outsider"), organization=other).user,
        "unit_officer": OfficerFactory(
            user=UserFactory(username="unit"), organization=member_unit
        ).user,
        "deputy_officer": OfficerFactory(
            user=UserFactory(username="deputy"), organization=deputy_unit
        ).user,
        "head_officer": OfficerFactory(
            user=UserFactory(username="head"), organization=head_unit
        ).user,
        "staff": OfficerFactory(user=UserFactory(username="staff"), organization=province).user,
        "viewer": OfficerFactory(
            user=UserFactory(username="viewer"), organization=province, role=OfficerRole.VIEWER
        ).user,
        "admin": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    return World(
        year,
        province,
        other,
        head_unit,
        deputy_unit,
        member_unit,
        cluster,
        cluster_year,
        previous,
        district_cluster,
        district_cluster_year,
        grassroots,
        users,
    )


def fresh(user):
    """The same user without the per-request caches of the permission functions."""
    return type(user).objects.get(pk=user.pk)


# Browser tests ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "accept_downloads": True,
    }
