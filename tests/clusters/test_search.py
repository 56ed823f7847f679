"""Search folds case and diacritics, đ included, the same way on SQLite and PostgreSQL."""

import datetime

import pytest

from clusters.models import Cluster, OrganizationName
from emulation.text import fold, vi_sort_key
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_fold():
    assert fold("VĨNH HẢO") == fold("Vĩnh Hảo") == fold("vinh hao") == "vinh hao"
    assert fold("ĐỒNG Đức") == "dong duc"
    assert fold("  Liên   đoàn ") == "lien doan"


def test_vietnamese_sort_order():
    names = ["Zeta", "Đông", "Dương", "Ấp", "An", "Ăn", "Bắc"]
    assert sorted(names, key=vi_sort_key) == ["An", "Ăn", "Ấp", "Bắc", "Dương", "Đông", "Zeta"]


@pytest.fixture
def clusters():
    vinh_hao = OrganizationFactory(code="vh", name="Công đoàn cơ sở Công ty Nước khoáng Vĩnh Hảo")
    other = OrganizationFactory(code="o", name="Công đoàn cơ sở Trường Tiểu học Đức Nghĩa")
    OrganizationName.objects.create(
        organization=other,
        name="Công đoàn cơ sở Trường cấp 1 Đồng Tiến",
        used_until=datetime.date(2010, 12, 31),
    )
    first = ClusterFactory(code="a-1", name="Cụm thi đua số 1")
    second = ClusterFactory(code="b-2", name="Khối thi đua Doanh nghiệp Đông Nam")
    ClusterYearFactory(cluster=first, year=2024, members=[vinh_hao])
    ClusterYearFactory(cluster=second, year=2024, members=[other])
    return first, second


@pytest.mark.parametrize("query", ["vinh hao", "VĨNH HẢO", "Vĩnh Hảo", "vĩnh hao", "VINH"])
def test_finds_a_member_whatever_the_case_and_diacritics(clusters, query):
    assert list(Cluster.objects.search(query)) == [clusters[0]]


@pytest.mark.parametrize("query", ["dong tien", "ĐỒNG TIẾN"])
def test_finds_a_member_by_a_past_name(clusters, query):
    assert list(Cluster.objects.search(query)) == [clusters[1]]


@pytest.mark.parametrize("query", ["dong nam", "ĐÔNG NAM", "khoi thi dua"])
def test_finds_a_cluster_by_its_own_name(clusters, query):
    assert list(Cluster.objects.search(query)) == [clusters[1]]


def test_an_empty_query_finds_everything(clusters):
    assert Cluster.objects.search("  ").count() == 2
