"""`make smoke`: the application as production runs it, crawled as every demo user.

Production settings (DJANGO_DEBUG=0, a generated secret key; plain HTTP on loopback, so no SSL
redirect), a database of its own (a temporary SQLite file, or a database created on the
PostgreSQL server of DATABASE_URL and dropped afterwards), the container's entrypoint
(deploy/entrypoint.sh: migrate, collectstatic, the demo data) and gunicorn on a free port.
Then it logs in as every demo user and follows the links of the dashboard and the menus and
of the pages they lead to (a bounded crawl), and fails on:

* any answer 500 (or any other 5xx), and any page that does not answer in time;
* any static file a page uses that does not load;
* an HTML page without a Content-Security-Policy header, or with an inline script.

Run from the project folder with the virtualenv's Python; exit status 0 when all is well.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_PAGES_PER_USER = int(os.environ.get("SMOKE_MAX_PAGES", "90"))
MAX_DEPTH = 2
TIMEOUT = 60
# Never followed: leaving the session, and the operator's own tool beyond its index.
SKIP = re.compile(r"^/(accounts/logout/|admin/.+|i18n/)")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database -------------------------------------------------------------------------------


class Database:
    """A fresh database for this run: removed afterwards whatever happens."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.pg_name = None
        self.admin_url = os.environ.get("DATABASE_URL", "")
        if self.admin_url.startswith(("postgres://", "postgresql://")):
            self.pg_name = f"smoke_{os.getpid()}_{secrets.token_hex(3)}"
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
            parts = urllib.parse.urlsplit(self.admin_url)
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.pg_name))
        else:
            self.url = f"sqlite:///{tmp / 'smoke.sqlite3'}"

    def _pg(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def drop(self) -> None:
        if self.pg_name:
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    @property
    def label(self) -> str:
        return f"PostgreSQL database {self.pg_name}" if self.pg_name else "SQLite file"


# HTTP with a cookie jar that ignores the Secure flag (the server speaks plain HTTP here) ------


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect())

    def request(self, path: str, data: dict | None = None, follow: bool = True) -> Answer:
        url = urllib.parse.urljoin(self.base, path)
        for _hop in range(10):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            req = urllib.request.Request(url, data=body)
            req.add_header("Referer", self.base + "/")
            if self.cookies:
                req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            try:
                response = self.opener.open(req, timeout=TIMEOUT)
                status, headers, content = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, headers, content = error.code, error.headers, error.read()
            for raw in headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(raw)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            answer = Answer(status, {k.lower(): v for k, v in headers.items()}, content)
            if follow and status in (301, 302, 303, 307, 308):
                url = urllib.parse.urljoin(url, headers["Location"])
                data = None
                continue
            return answer
        raise RuntimeError(f"too many redirects from {path}")


# Reading pages ------------------------------------------------------------------------------


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.inline_scripts = 0
        self.inline_handlers: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}=…>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            elif attrs.get("type", "text/javascript") in ("text/javascript", "module", ""):
                self.inline_scripts += 1
        elif tag == "link" and attrs.get("href") and "stylesheet" in attrs.get("rel", ""):
            self.assets.append(attrs["href"])
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.assets.append(attrs["src"])
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value", "")


def parse(answer: Answer) -> PageParser:
    parser = PageParser()
    parser.feed(answer.text)
    return parser


# The crawl ----------------------------------------------------------------------------------


@dataclass
class Report:
    pages: int = 0
    assets: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        log("  FAIL " + message)


def local_path(base: str, page: str, href: str) -> str | None:
    url = urllib.parse.urljoin(base + page, href)
    parts = urllib.parse.urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or parts.scheme not in ("http", "https"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.match(parts.path) else path


def login(browser: Browser, username: str, password: str, report: Report) -> bool:
    page = browser.request("/accounts/login/")
    token = parse(page).csrf
    answer = browser.request(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        follow=False,
    )
    if answer.status != 302:
        report.fail(f"{username}: login answered {answer.status}, not a redirect")
        return False
    return True


def crawl(base: str, username: str, password: str, report: Report, assets_seen: set) -> None:
    browser = Browser(base)
    if not login(browser, username, password, report):
        return
    queue = deque([("/", 0, "(start)")])
    seen_paths: set[str] = set()
    visited = 0
    while queue and visited < MAX_PAGES_PER_USER:
        path, depth, source = queue.popleft()
        # One visit per address and per page with a query string of the same path (sorting,
        # filters, pages of a list): the bound is spent on different pages.
        key = path if "export=" in path else path.split("?")[0]
        if key in seen_paths:
            continue
        seen_paths.add(key)
        visited += 1
        started = time.monotonic()
        try:
            answer = browser.request(path)
        except Exception as error:  # a timeout or a dropped connection is a failure too
            report.fail(f"{username}: {path} (linked from {source}): {error}")
            continue
        report.pages += 1
        took = time.monotonic() - started
        if answer.status >= 500:
            report.fail(f"{username}: {path} answered {answer.status} (linked from {source})")
            continue
        if took > 10:
            log(f"  slow {took:.1f} s {path}")
        if not answer.html or answer.status != 200:
            continue
        if "content-security-policy" not in answer.headers:
            report.fail(f"{username}: {path} has no Content-Security-Policy header")
        page = parse(answer)
        if page.inline_scripts or page.inline_handlers:
            report.fail(
                f"{username}: {path} has inline script: {page.inline_scripts} <script> "
                f"without src, handlers {sorted(set(page.inline_handlers))}"
            )
        for href in page.assets:
            asset = local_path(base, path, href)
            if asset is None or asset in assets_seen:
                continue
            assets_seen.add(asset)
            report.assets += 1
            loaded = browser.request(asset)
            if loaded.status != 200 or not loaded.body:
                report.fail(f"static file {asset} answered {loaded.status} (used by {path})")
        if depth < MAX_DEPTH:
            for href in page.links:
                target = local_path(base, path, href)
                if target is not None:
                    queue.append((target, depth + 1, path))
    log(f"  {username}: {visited} pages")


def background_export(base: str, password: str, report: Report) -> None:
    """A staff user asks for a year as one zip; the worker beside gunicorn prepares it; the
    page reports it ready and the file downloads."""
    browser = Browser(base)
    if not login(browser, "lamdong", password, report):
        return
    overview = browser.request("/awards/overview/?organizer=ldld-binh-thuan&year=2024")
    answer = browser.request(
        "/awards/exports/organizer/",
        {
            "organizer": "ldld-binh-thuan",
            "year": "2024",
            "kind": "year",
            "csrfmiddlewaretoken": parse(overview).csrf,
        },
        follow=False,
    )
    if answer.status != 302:
        report.fail(f"lamdong: asking for the year's zip answered {answer.status}")
        return
    page = urllib.parse.urlsplit(answer.headers["location"]).path
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if "/download/" in browser.request(page).text:
            break
        time.sleep(1)
    else:
        report.fail(f"lamdong: the year's zip was not ready within 300 s ({page})")
        return
    download = browser.request(page + "download/")
    if download.status != 200 or not download.body.startswith(b"PK"):
        report.fail(f"lamdong: the year's zip answered {download.status}")
        return
    log(f"  background export: {len(download.body)} bytes")


# Running ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, limit: float = 900) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped before answering (exit {server.returncode}).")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise SystemExit("The server did not answer /healthz in time.")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="smoke-"))
    database = Database(tmp)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_LOAD_DEMO": "1",
        "DATABASE_URL": database.url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log(f"smoke: {database.label}, gunicorn on {base}")
    server = subprocess.Popen(
        [
            str(ROOT / "deploy" / "entrypoint.sh"),
            "gunicorn",
            "emulation.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            "--error-logfile",
            str(tmp / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    report = Report()
    worker = None
    try:
        wait_until_up(base, server)
        # The background worker, as the compose file's worker service runs it.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        users = demo_users(env)
        assets_seen: set[str] = set()
        for username, password in users:
            crawl(base, username, password, report, assets_seen)
        background_export(base, users[0][1], report)
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=60)
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode("utf-8", "replace")
        if report.failures or server.returncode not in (0, -signal.SIGTERM):
            log(output[-5000:])
            log(
                (tmp / "gunicorn.log").read_text()[-5000:]
                if (tmp / "gunicorn.log").exists()
                else ""
            )
        database.drop()
        shutil.rmtree(tmp, ignore_errors=True)
    log(
        f"smoke: {len(users)} users, {report.pages} pages, {report.assets} static files, "
        f"{len(report.failures)} failures"
    )
    for failure in report.failures:
        print(failure)
    return 1 if report.failures else 0


def demo_users(env: dict) -> list[tuple[str, str]]:
    """The administrator and every demo user of README.md, as seed_demo defines them."""
    code = (
        "import django; django.setup()\n"
        "from emulation.demo.base import PASSWORD\n"
        "from emulation.demo.structure import DEMO_USERS\n"
        "print(PASSWORD); print('admin')\n"
        "for user in DEMO_USERS: print(user[0])\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "emulation.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    password, names = output[0], output[1:]
    return [(name, password) for name in names]


if __name__ == "__main__":
    sys.exit(main())
