"""Constructed worlds shared by the structure tests."""

import datetime

import pytest

from clusters.models import ClusterYearStatus, OrganizationKind
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

D = datetime.date


@pytest.fixture
def province_2025():
    old = OrganizationFactory(
        code="bt", name="Liên đoàn Lao động tỉnh Bình Thuận", kind=OrganizationKind.PROVINCIAL
    )
    new = OrganizationFactory(
        code="ld", name="Liên đoàn Lao động tỉnh Lâm Đồng", kind=OrganizationKind.PROVINCIAL
    )
    districts = [
        OrganizationFactory(code=f"h{i}", name=f"Liên đoàn Lao động huyện {n}", parent=old)
        for i, n in enumerate(["Bắc Bình", "Tuy Phong", "Phú Quý"])
    ]
    ward = OrganizationFactory(
        code="ward",
        name="Công đoàn phường Phan Thiết",
        kind=OrganizationKind.COMMUNE,
        valid_from=D(2025, 7, 1),
        parent=new,
        parent__valid_from=D(2025, 7, 1),
    )
    school = OrganizationFactory(
        code="school",
        name="Công đoàn cơ sở Trường A",
        kind=OrganizationKind.GRASSROOTS,
        parent=districts[0],
    )
    company = OrganizationFactory(
        code="company",
        name="Công đoàn cơ sở Công ty B",
        kind=OrganizationKind.GRASSROOTS,
        parent=districts[1],
    )
    cluster = ClusterFactory(organizer=old, code="bt-1")
    year_2024 = ClusterYearFactory(
        cluster=cluster,
        year=2024,
        head=districts[0],
        deputy=districts[1],
        members=districts,
        status=ClusterYearStatus.CLOSED,
    )
    year_2025 = ClusterYearFactory(
        cluster=cluster, year=2025, head=districts[1], deputy=districts[2], members=districts
    )
    district_cluster = ClusterFactory(organizer=districts[0], code="bb-1")
    district_2025 = ClusterYearFactory(cluster=district_cluster, year=2025, members=[school])
    return dict(
        old=old,
        new=new,
        districts=districts,
        ward=ward,
        school=school,
        company=company,
        year_2024=year_2024,
        year_2025=year_2025,
        district_2025=district_2025,
        cluster=cluster,
    )
