"""seed_demo (contract.md): the articles' events, the 2025 restructuring, and a second run that
writes nothing at all."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.models import (
    ClusterYear,
    ClusterYearStatus,
    Organization,
    Pact,
    PactTarget,
    Restructuring,
)
from clusters.permissions import can_act_as_head, cluster_years_for
from emulation.demo.structure import BINH_THUAN_DECISION

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_second_run_writes_nothing(demo):
    # Everything the demo holds is checked, the pacts and their targets included.
    assert Pact.objects.count() == 2 and PactTarget.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_binh_thuan_1(demo):
    year_2024 = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024)
    assert year_2024.head.name == "Liên đoàn Lao động huyện Bắc Bình"
    assert year_2024.deputy.name == "Liên đoàn Lao động huyện Tuy Phong"
    assert year_2024.memberships.count() == 5
    year_2025 = ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2025)
    assert year_2025.head.name == "Liên đoàn Lao động huyện Tuy Phong"  # the deputy moved up
    assert year_2025.handover_on == D(2024, 12, 14)
    assert year_2025.ended_on == D(2025, 6, 30) and year_2025.status == ClusterYearStatus.CLOSED


def test_the_2025_restructuring(demo):
    record = Restructuring.objects.get(decision=BINH_THUAN_DECISION)
    assert record.last_day == D(2025, 6, 30)
    lam_dong = Organization.objects.get(code="ldld-lam-dong")
    for code in [
        "ldld-bac-binh",
        "ldld-tuy-phong",
        "ldld-ham-thuan-bac",
        "ldld-phu-quy",
        "ldld-tp-phan-thiet",
        "ldld-binh-thuan",
    ]:
        org = Organization.objects.get(code=code)
        assert org.valid_to == D(2025, 6, 30) and list(org.successors.all()) == [lam_dong]
    soc_trang = Organization.objects.get(code="ldld-soc-trang")
    assert [o.code for o in soc_trang.successors.all()] == ["ldld-can-tho"]
    vinh_hao = Organization.objects.get(code="cdcs-vinh-hao")
    assert vinh_hao.parent_on(D(2024, 12, 31)).code == "ldld-tuy-phong"
    assert vinh_hao.parent_on(D(2025, 7, 1)) == lam_dong


def test_soc_trang_2_and_phan_thiet(demo):
    assert ClusterYear.objects.get(cluster__code="soc-trang-2", year=2018).memberships.count() == 8
    year_2019 = ClusterYear.objects.get(cluster__code="soc-trang-2", year=2019)
    assert (year_2019.head.code, year_2019.deputy.code) == ("cd-kcn-soc-trang", "ldld-my-tu")
    phan_thiet = ClusterYear.objects.filter(
        cluster__organizer__code="ldld-tp-phan-thiet", year=2024
    )
    assert phan_thiet.count() == 9
    assert all(cy.head_id for cy in phan_thiet)


def test_lam_dong_1_is_open_in_the_current_year_and_its_head_runs_it(demo):
    year = timezone.localdate().year
    current = ClusterYear.objects.get(cluster__code="lam-dong-1", year=year)
    assert current.status == ClusterYearStatus.OPEN
    User = get_user_model()
    head_officer = User.objects.get(username="phuongphanthiet")
    assert can_act_as_head(head_officer, current)
    member = User.objects.get(username="vinhhao")
    assert current in cluster_years_for(member) and not can_act_as_head(member, current)
    outsider = User.objects.get(username="khanhhoa")
    assert not cluster_years_for(outsider).exists()
    bac_binh = User.objects.get(username="bacbinh")
    assert set(
        cluster_years_for(bac_binh)
        .filter(cluster__code="binh-thuan-1")
        .values_list("year", flat=True)
    ) == {2024, 2025}
    assert not any(can_act_as_head(bac_binh, cy) for cy in cluster_years_for(bac_binh))
    lam_dong = User.objects.get(username="lamdong")
    assert can_act_as_head(
        lam_dong, ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2025)
    )


def test_the_demo_restructuring_is_recorded_with_its_changes_and_shown(client, demo):
    record = Restructuring.objects.get(decision=BINH_THUAN_DECISION)
    assert record.applied_at is not None and record.changes["organizations"]
    client.force_login(get_user_model().objects.get(username="lamdong"))
    page = client.get("/structure/organizations/ldld-bac-binh/").content.decode()
    assert "Liên đoàn Lao động tỉnh Lâm Đồng" in page and "30/06/2025" in page
    page = client.get("/structure/organizations/ldld-lam-dong/").content.decode()
    for name in ["huyện Bắc Bình", "huyện Tuy Phong", "huyện Hàm Thuận Bắc", "huyện Phú Quý"]:
        assert f"Liên đoàn Lao động {name}" in page
    page = client.get(f"/structure/restructurings/{record.pk}/").content.decode()
    assert "Cụm thi đua số 1 – 2025" in page
    # The 2024 roster still prints the 2024 structure.
    roster = client.get("/clusters/binh-thuan-1/2024/roster/").content.decode()
    assert "Liên đoàn Lao động tỉnh Bình Thuận" in roster
    assert "Liên đoàn Lao động huyện Bắc Bình" in roster
