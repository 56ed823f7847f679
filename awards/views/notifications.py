"""The user's notifications: the list, opening one (marks it read) and marking all read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


@login_required
def notification_list(request):
    page = Paginator(request.user.notifications.all(), 50).get_page(request.GET.get("page"))
    return render(request, "awards/notifications/list.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Mark one of the user's notifications read and follow its link (404 for another's)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("awards:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("awards:notifications")
