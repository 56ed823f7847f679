"""Evidence of a self-assessment: files checked by their real type and size, links, and the
file served back only to those who read the result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Evidence
from tests.clusters.test_results import bt1  # noqa: F401 – the binh-thuan-1 shape

pytestmark = pytest.mark.django_db

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def add(client, w, **data):
    url = reverse("clusters:evidence_add", args=["bt-1", 2024, "ldld-phu-quy"])
    return client.post(url, {"description": "Báo cáo", "criterion": "", **data}, follow=True)


@pytest.mark.parametrize(
    "name, content",
    [
        ("bao-cao.pdf", b"%PDF-1.4 report"),
        ("anh.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        ("bien-ban.doc", OLE2 + b" word 97"),
        ("so-lieu.xls", OLE2 + b" excel 97"),
        ("so-lieu.xlsx", b"PK\x03\x04 excel"),
    ],
)
def test_a_member_attaches_a_file_of_an_accepted_type(client, bt1, name, content):  # noqa: F811
    client.force_login(bt1.phu_quy)
    response = add(client, bt1, file=SimpleUploadedFile(name, content))
    assert "Đã thêm minh chứng" in response.content.decode()
    item = Evidence.objects.get()
    assert item.file.read() == content


@pytest.mark.parametrize(
    "name, content",
    [
        ("bien-ban.doc", b"<html>not a Word file</html>"),
        ("so-lieu.xls", b"PK\x03\x04 a zip called .xls"),
        ("bao-cao.pdf", OLE2),
        ("chuong-trinh.exe", b"MZ"),
    ],
)
def test_a_file_whose_content_does_not_match_its_type_is_refused(
    client,
    bt1,  # noqa: F811
    name,
    content,
):
    client.force_login(bt1.phu_quy)
    response = add(client, bt1, file=SimpleUploadedFile(name, content))
    text = response.content.decode()
    assert "Nội dung tệp không khớp với loại tệp" in text or "Chấp nhận các tệp" in text
    assert not Evidence.objects.exists()


def test_a_file_over_10_mb_is_refused(client, bt1):  # noqa: F811
    client.force_login(bt1.phu_quy)
    big = SimpleUploadedFile("bao-cao.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    response = add(client, bt1, file=big)
    assert "10 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_link_instead_of_a_file(client, bt1):  # noqa: F811
    client.force_login(bt1.phu_quy)
    add(client, bt1, link="drive.example.vn/bao-cao")
    assert Evidence.objects.get().link == "https://drive.example.vn/bao-cao"


def test_neither_file_nor_link_is_refused(client, bt1):  # noqa: F811
    client.force_login(bt1.phu_quy)
    response = add(client, bt1)
    assert "Hãy đính kèm tệp hoặc nhập đường dẫn" in response.content.decode()
    assert not Evidence.objects.exists()


def test_another_member_cannot_attach_to_a_unit_it_is_not(client, bt1):  # noqa: F811
    client.force_login(bt1.tuy_phong)
    url = reverse("clusters:evidence_add", args=["bt-1", 2024, "ldld-phu-quy"])
    response = client.post(url, {"description": "x", "link": "https://a.vn"})
    assert response.status_code == 403
    assert not Evidence.objects.exists()
