"""The project's middleware: the interface language, the health check, private pages and
security headers, idle sessions and the upload limit."""

import time
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from emulation.text import format_number


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose otherwise with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set
    up in English would show the English interface; the officers expect Vietnamese.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class HealthCheckMiddleware:
    """`/healthz`: 200 when the database answers, 503 when it does not. Answered before any
    other middleware – no login, no host check, no HTTPS redirect – so that a container's or a
    load balancer's health check works from inside the network."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return health_response()
        return self.get_response(request)


def health_response() -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    else:
        response = HttpResponse("ok\n", content_type="text/plain")
    patch_cache_control(response, no_store=True)
    return response


class PrivatePagesMiddleware:
    """Nothing a logged-in user sees, and no downloaded document, is kept by a browser or a
    proxy cache (`Cache-Control: private, no-store`); every answer carries the
    Permissions-Policy of a government web application."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logged_in = user is not None and user.is_authenticated
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        if logged_in or attachment:
            patch_cache_control(response, private=True, no_store=True)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


IDLE_KEY = "last_activity"


def start_activity(sender, request, user, **kwargs):
    """The idle clock starts at the login (written with the new session, not by the first
    page)."""
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = int(time.time())


class IdleSessionMiddleware:
    """A session also ends after SESSION_IDLE_SECONDS without a request. The time of the last
    request is written to the session at most every SESSION_ACTIVITY_RESOLUTION seconds, so a
    busy user does not cost a session write per page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(hours)s hours without activity.")
                    % {"hours": format_number(Decimal(settings.SESSION_IDLE_SECONDS) / 3600)},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= settings.SESSION_ACTIVITY_RESOLUTION:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


class UploadLimitMiddleware:
    """A request body larger than an upload may be is refused from its Content-Length, before
    it is read (the reverse proxy's own limit catches bodies sent without one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_REQUEST_MAX_BYTES:
            return render(
                request,
                "413.html",
                {"limit": format_number(Decimal(settings.UPLOAD_MAX_BYTES) / (1024 * 1024))},
                status=413,
            )
        return self.get_response(request)


class PasswordChangeMiddleware:
    """Whoever logged in with a one-time password chooses a password of their own before
    anything else (the flag is in the session, set at the login)."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get("must_change_password")
            and not request.path_info.startswith(self.ALLOWED)
        ):
            return redirect("password_change")
        return self.get_response(request)
