"""Downloads prepared in the background: an organiser's year and a cluster-year as one zip,
the overview; their progress, their rights, the worker that prepares them, their deletion."""

import datetime
import io
import signal
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from awards.models import Export, ExportKind, ExportStatus, Notification
from awards.services import exports
from clusters.models import ClusterYear, Officer, Organization
from tests.emulation.test_export_document import demo  # noqa: F401

pytestmark = pytest.mark.django_db


def user(username):
    return get_user_model().objects.get(username=username)


def ask(client, url, data=None):
    """POST the request; the parts run at once (the tests' immediate backend) once the
    request's transaction commits. Returns the export's page address."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302, response.status_code
    return response.url


def zip_of(client, page_url):
    response = client.get(page_url + "download/")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_staff_download_the_organisers_year_as_one_zip(demo, client):  # noqa: F811
    client.force_login(user("lamdong"))
    page_url = ask(
        client,
        reverse("awards:export_organizer_start"),
        {"organizer": "ldld-binh-thuan", "year": 2024, "kind": "year"},
    )
    page = client.get(page_url).content.decode()
    assert "Sẵn sàng" in page and "ldld-binh-thuan-2024.zip" in page
    archive = zip_of(client, page_url)
    names = archive.namelist()
    assert "binh-thuan-1/bien-ban-binh-thuan-1-2024.pdf" in names
    assert "binh-thuan-1/bao-cao-tong-ket-binh-thuan-1-2024.docx" in names
    assert "binh-thuan-1/bao-cao-thanh-tich-ldld-tuy-phong-2024.pdf" in names
    assert "tong-hop-cum-ldld-binh-thuan-2024.pdf" in names
    listing = archive.read("DANH-SACH.txt").decode()
    assert "Giao ước thi đua" in listing  # no pact in 2024: listed, not in the zip
    # The requester hears of it, with a link to the page.
    notification = Notification.objects.get(user=user("lamdong"), url=page_url)
    assert notification.text.startswith("Tệp tải về đã sẵn sàng")
    # Listed among the user's downloads.
    listed = client.get(reverse("awards:export_list")).content.decode()
    assert page_url in listed


def test_a_cluster_years_zip_holds_what_its_reader_may_read(demo, client):  # noqa: F811
    year = timezone.localdate().year
    url = reverse("awards:export_cluster_year_start", args=["lam-dong-1", year])
    # A member while the year is open: not the others' scores.
    client.force_login(user("vinhhao"))
    archive = zip_of(client, ask(client, url))
    names = archive.namelist()
    assert any(name.startswith(f"lam-dong-1/danh-sach-lam-dong-1-{year}") for name in names)
    assert not any("ket-qua" in name for name in names), names
    listing = archive.read("DANH-SACH.txt").decode()
    assert "Bảng tổng hợp kết quả" in listing and "không thuộc phạm vi bạn được xem" in listing
    # The head: every member's scores.
    client.force_login(user("phuongphanthiet"))
    names = zip_of(client, ask(client, url)).namelist()
    assert any(name.startswith(f"lam-dong-1/ket-qua-lam-dong-1-{year}") for name in names), names


def test_a_download_is_its_requesters_own_while_the_rights_last(demo, client):  # noqa: F811
    client.force_login(user("lamdong"))
    page_url = ask(
        client,
        reverse("awards:export_organizer_start"),
        {"organizer": "ldld-binh-thuan", "year": 2024, "kind": "overview", "format": "pdf"},
    )
    assert client.get(page_url + "download/")["Content-Type"] == "application/pdf"
    # Another user, even one with the same rights: 404.
    client.force_login(user("admin"))
    assert client.get(page_url).status_code == 404
    assert client.get(page_url + "download/").status_code == 404
    # The requester, once no longer working for Lâm Đồng: 404.
    Officer.objects.filter(user=user("lamdong")).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(user("lamdong"))
    assert client.get(page_url).status_code == 404
    assert client.get(page_url + "download/").status_code == 404


def test_the_page_follows_the_progress_until_the_file_is_ready(demo, client):  # noqa: F811
    export = Export.objects.create(
        kind=ExportKind.YEAR,
        organizer=Organization.objects.get(code="ldld-binh-thuan"),
        year=2024,
        requested_by=user("lamdong"),
        status=ExportStatus.RUNNING,
        parts_total=4,
        parts_done=1,
    )
    client.force_login(user("lamdong"))
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and "1 trên 4 phần" in page and "25%" in page
    # htmx asks for the progress alone; once done, it stops asking and offers the file.
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.DONE, parts_done=4)
    part = client.get(export.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in part and "hx-trigger" not in part
    assert reverse("awards:export_download", args=[export.pk]) in part
    # Not there yet: the download answers 404.
    assert client.get(reverse("awards:export_download", args=[export.pk])).status_code == 404


def test_a_failed_part_fails_the_export_and_says_so(demo, client, monkeypatch):  # noqa: F811
    def broken(export, cluster_year):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_write_cluster_year", broken)
    client.force_login(user("lamdong"))
    page_url = ask(
        client,
        reverse("awards:export_organizer_start"),
        {"organizer": "ldld-binh-thuan", "year": 2024, "kind": "year"},
    )
    export = Export.objects.get()
    assert export.status == ExportStatus.FAILED and "OSError" in export.error
    assert "Không chuẩn bị được" in client.get(page_url).content.decode()
    assert client.get(page_url + "download/").status_code == 404
    assert not (exports.export_folder(export) / "parts").exists()
    assert Notification.objects.filter(user=user("lamdong"), url=page_url).exists()


def test_a_year_without_clusters_is_refused_with_the_reason(demo, client):  # noqa: F811
    client.force_login(user("lamdong"))
    response = client.post(
        reverse("awards:export_organizer_start"),
        {"organizer": "ldld-binh-thuan", "year": 2019, "kind": "year"},
        follow=True,
    )
    assert "không tổ chức cụm thi đua nào" in response.content.decode()
    assert not Export.objects.exists()


def test_old_downloads_are_deleted_with_their_files(demo, client, settings):  # noqa: F811
    settings.EXPORT_RETENTION_DAYS = 3
    client.force_login(user("lamdong"))
    data = {"organizer": "ldld-binh-thuan", "year": 2024, "kind": "overview", "format": "xlsx"}
    ask(client, reverse("awards:export_organizer_start"), data)
    ask(client, reverse("awards:export_organizer_start"), data)
    old, recent = Export.objects.order_by("created_at")
    Export.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "1" in out.getvalue()
    assert list(Export.objects.all()) == [recent]
    assert not exports.export_folder(old).exists()
    assert exports.export_folder(recent).exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_prepares_what_the_browser_asked_for(client, settings):
    """The production path: the request queues the parts in the database; `db_worker` runs
    them (here in this process, one batch) and the last one packs the zip."""
    from emulation.demo import seed_demo

    seed_demo()
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "exports"],
        }
    }
    client.force_login(user("lamdong"))
    response = client.post(
        reverse("awards:export_organizer_start"),
        {"organizer": "ldld-tp-phan-thiet", "year": 2024, "kind": "year"},
    )
    export = Export.objects.get()
    assert export.status == ExportStatus.QUEUED and export.parts_total == 10  # 9 clusters
    assert "0 trên 10 phần" in client.get(response.url).content.decode()
    # The command installs the worker's signal handlers in this process: put ours back after.
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command(
            "db_worker",
            batch=True,
            queue_name="exports",
            reload=False,
            startup_delay=False,
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.parts_done == 10
    names = zip_of(client, response.url).namelist()
    assert {name.split("/")[0] for name in names if "/" in name} == {
        f"phan-thiet-{n}" for n in range(1, 10)
    }


def test_a_cluster_year_export_is_for_its_readers_only(demo, client):  # noqa: F811
    cluster_year = ClusterYear.objects.get(cluster__code="soc-trang-2", year=2018)
    url = reverse("awards:export_cluster_year_start", args=["soc-trang-2", 2018])
    client.force_login(user("khanhhoa"))
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert not Export.objects.filter(cluster_year=cluster_year).exists()
