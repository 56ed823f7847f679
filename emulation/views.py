import datetime

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from awards.services.dashboard import dashboard_context
from awards.services.year_state import submitted_year_states
from clusters.models import Cluster, ClusterYear, ClusterYearStatus, Membership
from clusters.permissions import access_for, managed_briefings
from clusters.services.briefings import briefing_progress, open_conclusions

DASHBOARD_ROWS = 20  # per list of cluster-years on the dashboard


class DashboardView(LoginRequiredMixin, TemplateView):
    """Việc cần làm: what each of the user's roles asks of them, in a few queries."""

    template_name = "emulation/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        access = access_for(user)
        this_year = timezone.localdate().year

        def listed(qs, limit=DASHBOARD_ROWS):
            # The first rows' ids only, cut in SQL: the confederation's staff organise
            # thousands; the clusters list pages through them all. The rows are read below.
            return list(qs.order_by("-year", "cluster__code").values_list("pk", flat=True)[:limit])

        # The head's page is offered where the user holds the head's rights: write officers
        # of an active head unit, the year not closed. Other years it headed are history.
        # The years the user's own units head or are members of are among those it reads
        # (`cluster_years_for` reads them by these same rules): asked without its whole
        # scope, which each list otherwise built again (3–6 ms each for a province).
        own_years = ClusterYear.objects.all()
        running = own_years.filter(head_id__in=access.write_org_ids).exclude(
            status=ClusterYearStatus.CLOSED
        )
        context["headed"] = listed(running)
        context["headed_before"] = listed(
            own_years.filter(head_id__in=access.officer_org_ids).exclude(
                pk__in=running.values("pk")
            ),
            limit=10,
        )
        membership_years = own_years.filter(
            pk__in=Membership.objects.filter(organization_id__in=access.officer_org_ids).values(
                "cluster_year_id"
            )
        )
        context["member_years"] = listed(membership_years)
        # The years of the clusters its staff roots organise are all among those it reads
        # (a staff root is one of its read roots, each at the top of its own subtree): asked
        # without the whole scope either (5 ms for a province).
        organised = Cluster.objects.filter(organizer_id__in=access.staff_root_ids)
        context["organised_years"] = listed(
            own_years.filter(cluster__in=organised).filter(
                Q(year=this_year) | ~Q(status=ClusterYearStatus.CLOSED)
            )
        )
        # The four lists' rows with their names and member counts in one query: each list
        # so annotated cost 6 ms of Python to build and compile its SQL.
        lists = ("headed", "headed_before", "member_years", "organised_years")
        read = (
            ClusterYear.objects.filter(pk__in={pk for key in lists for pk in context[key]})
            .with_names()
            .with_member_count()
            .select_related("cluster")
            .in_bulk()
        )
        for key in lists:  # (a year deleted meanwhile is left out)
            context[key] = [read[pk] for pk in context[key] if pk in read]
        # A submitted year says what became of its dossier (decided, approved, under review).
        rows = list(read.values())
        states = submitted_year_states(rows)
        for row in rows:
            row.state_label = states.get(row.pk, "")
        context["organised_count"] = organised.count()
        # Clusters still running this year with no next year recorded: staff prepare it.
        context["unprepared_count"] = (
            organised.filter(ended_on__isnull=True, years__year=this_year)
            .exclude(pk__in=ClusterYear.objects.filter(year=this_year + 1).values("cluster_id"))
            .distinct()
            .count()
        )
        # Briefings: the conclusions the head's clusters have not done yet, and for the
        # organiser's staff how each briefing of the year is followed up.
        today = timezone.localdate()
        context["open_conclusions"] = open_conclusions(context["headed"], today)
        context["briefings"] = briefing_progress(
            list(
                managed_briefings(user, this_year)
                .select_related("organizer")
                .prefetch_related("organizer__former_names")
                .order_by("held_on", "pk")
            ),
            today,
        )
        context["next_year"] = this_year + 1
        context["this_year"] = this_year
        context.update(dashboard_context(user, context["headed"]))
        context["officer_roles"] = list(
            user.officer_roles.select_related("organization").order_by("organization__name")
        )
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): in Vietnamese, and
    saying when the name may try again from this address."""
    username = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=address)
        .order_by("-attempt_time")
        .first()
    )
    cool_off = get_cool_off(request) or datetime.timedelta(hours=1)
    last = attempt.attempt_time if attempt is not None else timezone.now()
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "until": timezone.localtime(last + cool_off),
        },
        status=429,
    )
