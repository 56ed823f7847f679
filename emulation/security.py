"""Who is asking: the client's address behind the reverse proxies the operator declared."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or – behind DJANGO_TRUSTED_PROXIES reverse proxies that each append the
    address they were reached from to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for) – the
    entry that many places from the right. Entries further left are whatever the client wrote
    and are never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
