"""The rotation of heads: the deputy moves up; units that headed most recently come last."""

import datetime

import pytest

from clusters.models import ClusterYearStatus, Membership
from clusters.services import propose_rotation
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def units(*names):
    return [OrganizationFactory(code=f"u-{i}", name=n) for i, n in enumerate(names)]


def test_deputy_moves_up_and_the_unit_that_never_headed_becomes_deputy():
    a, b, c, d = units(
        "Liên đoàn Lao động huyện A",
        "Liên đoàn Lao động huyện B",
        "Liên đoàn Lao động huyện C",
        "Liên đoàn Lao động huyện D",
    )
    cluster = ClusterFactory()
    ClusterYearFactory(
        cluster=cluster,
        year=2022,
        head=c,
        deputy=a,
        members=[a, b, c, d],
        status=ClusterYearStatus.CLOSED,
    )
    ClusterYearFactory(
        cluster=cluster,
        year=2023,
        head=a,
        deputy=d,
        members=[a, b, c, d],
        status=ClusterYearStatus.CLOSED,
    )
    cy = ClusterYearFactory(cluster=cluster, year=2024, head=d, deputy=b, members=[a, b, c, d])
    proposal = propose_rotation(cluster_year=cy)
    assert proposal.year == 2025
    assert proposal.head == b
    assert proposal.head_reason == "phó cụm năm 2024; chưa từng làm cụm trưởng"
    # c headed in 2022, a in 2023, d is the outgoing head: c has waited longest.
    assert proposal.deputy == c
    assert proposal.deputy_reason == "chưa làm cụm trưởng từ 2022"


def test_ties_are_broken_by_the_oldest_deputy_term_then_vietnamese_order():
    head, pho, dong, duong, zeta = units(
        "Công đoàn Trưởng", "Công đoàn Phó", "Công đoàn Đông", "Công đoàn Dương", "Công đoàn Zeta"
    )
    cluster = ClusterFactory()
    cy = ClusterYearFactory(
        cluster=cluster, year=2024, head=head, deputy=None, members=[head, pho, dong, duong, zeta]
    )
    # Nobody but the head ever headed: Vietnamese order, where Đ comes after D (not after Z).
    proposal = propose_rotation(cluster_year=cy)
    assert [proposal.head, proposal.deputy] == [duong, dong]
    # A unit that was deputy before waits behind those that never were.
    ClusterYearFactory(
        cluster=cluster, year=2020, deputy=duong, members=[], status=ClusterYearStatus.CLOSED
    )
    proposal = propose_rotation(cluster_year=cy)
    assert [proposal.head, proposal.deputy] == [dong, pho]


def test_a_head_that_left_is_not_proposed():
    a, b, c = units(
        "Liên đoàn Lao động huyện A", "Liên đoàn Lao động huyện B", "Liên đoàn Lao động huyện C"
    )
    cluster = ClusterFactory()
    cy = ClusterYearFactory(cluster=cluster, year=2024, head=a, deputy=b, members=[a, c])
    Membership.objects.create(cluster_year=cy, organization=b, left_on=datetime.date(2024, 9, 30))
    proposal = propose_rotation(cluster_year=cy)
    assert proposal.head == c
    assert proposal.deputy == a
    assert proposal.deputy_reason == "cụm trưởng sắp mãn nhiệm; không còn đơn vị nào khác"


def test_an_ended_unit_is_not_proposed():
    a, b, c = units(
        "Liên đoàn Lao động huyện A", "Liên đoàn Lao động huyện B", "Liên đoàn Lao động huyện C"
    )
    b.valid_to = datetime.date(2024, 12, 31)
    b.status = "ended"
    b.save()
    cy = ClusterYearFactory(year=2024, head=a, deputy=b, members=[a, b, c])
    proposal = propose_rotation(cluster_year=cy)
    assert proposal.head == c
    assert proposal.deputy == a


def test_a_one_member_cluster_has_a_head_and_no_deputy():
    (a,) = units("Công đoàn cơ sở Duy Nhất")
    cy = ClusterYearFactory(year=2024, head=a, members=[a])
    proposal = propose_rotation(cluster_year=cy)
    assert proposal.head == a
    assert proposal.deputy is None
    assert proposal.head_reason == "đơn vị duy nhất của cụm"


def test_an_empty_cluster_proposes_nobody():
    cy = ClusterYearFactory(year=2024, members=[])
    proposal = propose_rotation(cluster_year=cy)
    assert proposal.head is None and proposal.deputy is None
