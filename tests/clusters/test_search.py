"""Search folds case and diacritics, đ included, the same way on SQLite and PostgreSQL."""

import datetime
import random
import unicodedata

import pytest

from clusters.models import Cluster, OrganizationName
from emulation.text import SORT_KEYS_KEPT, _spelled_key, fold, vi_sort_key
from tests.factories import ClusterFactory, ClusterYearFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_fold():
    assert fold("VĨNH HẢO") == fold("Vĩnh Hảo") == fold("vinh hao") == "vinh hao"
    assert fold("ĐỒNG Đức") == "dong duc"
    assert fold("  Liên   đoàn ") == "lien doan"


def test_vietnamese_sort_order():
    names = ["Zeta", "Đông", "Dương", "Ấp", "An", "Ăn", "Bắc"]
    assert sorted(names, key=vi_sort_key) == ["An", "Ăn", "Ấp", "Bắc", "Dương", "Đông", "Zeta"]


def test_a_names_sort_key_is_kept_once_read():
    """A name read again gets the key kept for it (the very tuple), not a new one; the keys
    kept are bounded."""
    name = f"Công đoàn cơ sở số {random.randrange(10**9)}"
    first = vi_sort_key(name)
    assert vi_sort_key(name) is first
    assert vi_sort_key.cache_info().maxsize == SORT_KEYS_KEPT > 0


def test_the_sort_key_read_per_character_is_the_one_spelled_out_mark_by_mark():
    """The fast key (one composed character at a time) equals the key spelled out from the
    decomposed marks – for composed and decomposed text, marks that compose into no
    character, and text that is not Vietnamese."""
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÔƠƯỳýỷỹỵàảãáạằẳẵắặầẩẫấậềểễếệờởỡớợừửữứự 0-.,ǅßİΩ"
    marks = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
    generator = random.Random(18)
    texts = ["", " ", "Công đoàn cơ sở Trường THPT Nguyễn Huệ", "x\u0300y", "q\u0323\u0302"]
    # Characters that are several letters, or none: a Hangul syllable, Bengali and Tibetan
    # vowel signs.
    texts += ["Công đoàn Công ty TNHH 한국", "\u09cb", "a\u0f73b"]
    for _ in range(3000):
        texts.append(
            "".join(generator.choice(letters + marks) for _ in range(generator.randint(1, 30)))
        )
    texts += [unicodedata.normalize("NFD", text) for text in texts]
    for text in texts:
        assert vi_sort_key(text) == _spelled_key(text), text
    # The fast path did answer: a name of composed letters is read from the remembered keys.
    assert vi_sort_key("Vĩnh Hảo") == _spelled_key("Vĩnh Hảo")


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
