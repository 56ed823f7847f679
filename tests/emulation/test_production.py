"""Production hardening: the health check, the login lock-out, the security headers, idle
sessions, the upload limit, static files under the production storage, the deployment recipe
and the backup round trip."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from emulation.middleware import IDLE_KEY
from tests.factories import UserFactory

BASE = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"


def _python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emulation.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# The health check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers_whatever_the_host(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://nobody@127.0.0.1:9/none",  # nothing listens on port 9
        "sqlite:////nonexistent-folder/db.sqlite3",
    ],
)
def test_healthz_answers_503_when_the_database_does_not(database_url):
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/healthz', HTTP_HOST='10.1.2.3', secure=False)\n"
        "print(response.status_code, response.content.decode().strip())\n"
    )
    result = _python(
        code,
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="thidua.example.vn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "503 database unavailable"


def test_production_keeps_database_connections_and_logs_to_stdout():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['CONN_MAX_AGE'],"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS'],"
        " settings.LOGGING['handlers']['console']['stream'])\n"
    )
    production = _python(code, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert production.stdout.split() == ["60", "True", "ext://sys.stdout"], production.stderr
    chosen = _python(code, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60, DJANGO_CONN_MAX_AGE="0")
    assert chosen.stdout.split()[0] == "0"
    development = _python(code, DJANGO_DEBUG="1")
    assert development.stdout.split()[0] == "0"


@pytest.mark.django_db
def test_postgresql_connections_plan_at_most_six_joined_tables_exhaustively():
    """PostgreSQL's planner orders at most six joined tables by trying them all (settings:
    the connection's `options`, beside any the URL gives); nothing is set on SQLite."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options')))\n"
    )
    url = "postgres://nobody@127.0.0.1:9/none"
    chosen = _python(code, DATABASE_URL=url, DJANGO_DEBUG="1")
    assert chosen.stdout.strip() == "'-c join_collapse_limit=6'", chosen.stderr
    given = _python(
        code, DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000", DJANGO_DEBUG="1"
    )
    assert given.stdout.strip() == "'-c statement_timeout=5000 -c join_collapse_limit=6'"
    sqlite = _python(code, DATABASE_URL="sqlite:////tmp/none.sqlite3", DJANGO_DEBUG="1")
    assert sqlite.stdout.strip() == "None", sqlite.stderr
    # The connection of this run, on PostgreSQL, has it.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW join_collapse_limit")
            assert cursor.fetchone()[0] == "6"


# The login lock-out ------------------------------------------------------------------------


def _fail(client, username, address, times=10):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def _log_in(client, username, password, address, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


@pytest.mark.django_db
def test_failures_under_other_names_do_not_lock_the_office_out(client):
    UserFactory(username="lamdong", password="the-right-one")
    for number in range(12):
        client.post(LOGIN, {"username": f"nobody{number}", "password": "x"}, REMOTE_ADDR="10.0.0.1")
    response = _log_in(client, "lamdong", "the-right-one", "10.0.0.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_nobody_elsewhere_can_lock_a_named_officer_out(client):
    UserFactory(username="lamdong", password="the-right-one")
    _fail(client, "lamdong", "203.0.113.9")
    response = _log_in(client, "lamdong", "the-right-one", "10.0.0.1")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_locked_name_and_address_get_a_vietnamese_page_saying_when(client):
    UserFactory(username="lamdong", password="the-right-one")
    _fail(client, "lamdong", "10.0.0.1")
    response = _log_in(client, "lamdong", "the-right-one", "10.0.0.1")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in text
    assert re.search(r"Hãy thử lại sau \d\d:\d\d ngày \d\d/\d\d/\d{4}", text)


@pytest.mark.django_db
def test_the_forwarded_address_counts_only_behind_a_configured_proxy(client, settings):
    UserFactory(username="lamdong", password="the-right-one")
    # No proxy configured: X-Forwarded-For is anyone's to send, and ignored.
    for number in range(10):
        client.post(
            LOGIN,
            {"username": "lamdong", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    refused = _log_in(
        client, "lamdong", "the-right-one", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.77"
    )
    assert refused.status_code == 429
    # One trusted proxy: the client's own address is the one the proxy appended.
    settings.TRUSTED_PROXIES = 1
    accepted = _log_in(
        client, "lamdong", "the-right-one", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.77"
    )
    assert accepted.status_code == 302


# Headers ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_csp_permissions_policy_and_no_store_when_logged_in(client):
    anonymous = client.get(LOGIN)
    policy = anonymous["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "camera=()" in anonymous["Permissions-Policy"]
    client.force_login(UserFactory())
    page = client.get(reverse("dashboard"))
    assert "Content-Security-Policy" in page
    assert "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]


@pytest.mark.django_db
def test_a_downloaded_document_is_never_cached(client, world):
    client.force_login(world.users["staff"])
    cluster_year = world.cluster_year
    response = client.get(
        reverse("clusters:roster_pdf", args=[cluster_year.cluster.code, cluster_year.year])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_no_template_has_an_inline_script_or_event_handler():
    offending = []
    for template in (BASE / "templates").rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offending.append(f"{template.name}: {match.group(0)}")
        for match in re.finditer(r"<[a-z]+\b[^>]*\son[a-z]+=", text):
            offending.append(f"{template.name}: {match.group(0)[:80]}")
    assert offending == []


# Idle sessions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_time(client, settings):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 60
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert "8 giờ" in page.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_the_last_activity_is_written_every_few_minutes_not_on_every_request(client):
    client.force_login(UserFactory())
    client.get(reverse("dashboard"))
    first = client.session[IDLE_KEY]
    session = client.session
    session[IDLE_KEY] = first - 60  # a minute ago: within the resolution
    session.save()
    client.get(reverse("dashboard"))
    assert client.session[IDLE_KEY] == first - 60
    session = client.session
    session[IDLE_KEY] = first - 600  # ten minutes ago: refreshed
    session.save()
    client.get(reverse("dashboard"))
    assert client.session[IDLE_KEY] >= first


# Uploads -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_larger_than_an_upload_is_refused_before_it_is_read(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("dashboard"),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "10 MB" in response.content.decode()


# Static files and the deployment recipe ----------------------------------------------------


def test_collectstatic_succeeds_with_the_production_storage(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "css/bootstrap.min.css" in manifest
    assert "js/app.js" in manifest


def test_the_compose_file_validates_and_uses_the_smoke_tests_entrypoint(tmp_path):
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is installed by make test (Debian's docker-compose)"
    # As an office would: the recipe beside its .env, filled in from .env.example.
    for name in ("compose.yaml", "Dockerfile"):
        shutil.copy(BASE / name, tmp_path / name)
    shutil.copy(BASE / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [compose, "config", "--quiet"],
        env={k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    dockerfile = (BASE / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in dockerfile
    assert '"deploy" / "entrypoint.sh"' in (BASE / "deploy" / "smoke.py").read_text()
    compose_text = (BASE / "compose.yaml").read_text()
    for service in (
        "db:",
        "web:",
        "worker:",
        "db_worker",
        "scheduler:",
        "send_reminders",
        "prune_exports",
        "media:/data/media",
    ):
        assert service in compose_text


# Backup and restore ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_the_demo(tmp_path, settings):
    from django.db import connection

    from emulation.backup import backup, restore
    from emulation.demo import seed_demo

    seed_demo()
    scan = Path(settings.MEDIA_ROOT) / "decisions" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4 a scan")
    archive = backup(tmp_path / "backup.tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    target = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        import psycopg2

        target["NAME"] = f"restore_{os.getpid()}"
        admin = psycopg2.connect(
            dbname="postgres",
            **{
                k.lower(): v
                for k, v in target.items()
                if k in ("USER", "PASSWORD", "HOST", "PORT") and v
            },
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{target["NAME"]}"')
    else:
        target["NAME"] = str(tmp_path / "restored.sqlite3")
    media = tmp_path / "restored-media"
    try:
        done = restore(archive, database=target, media_root=media)
        assert "1 uploaded files" in done
        assert (media / "decisions" / "scan.pdf").read_bytes() == b"%PDF-1.4 a scan"
        code = (
            "import django; django.setup()\n"
            "from clusters.models import Cluster\n"
            "from django.contrib.auth import get_user_model\n"
            "print(Cluster.objects.filter(code='binh-thuan-1').count(),"
            " get_user_model().objects.filter(username='lamdong').count())\n"
        )
        url = (
            f"sqlite:///{target['NAME']}"
            if connection.vendor == "sqlite"
            else "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**target)
        )
        found = _python(code, DATABASE_URL=url, DJANGO_DEBUG="1")
        assert found.stdout.split() == ["1", "1"], found.stderr
        # Restoring twice is refused: the database is no longer empty.
        from emulation.backup import BackupError

        with pytest.raises(BackupError, match="not empty"):
            restore(archive, database=target, media_root=tmp_path / "other-media")
    finally:
        if connection.vendor == "postgresql":
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
            admin.close()


def test_the_client_address_is_read_from_the_trusted_proxies_only(settings, rf):
    from emulation.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.1")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "1.2.3.4"  # the spoofed 6.6.6.6 is never used
    settings.TRUSTED_PROXIES = 4
    assert client_ip(request) == "10.0.0.2"
