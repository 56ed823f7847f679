"""Meetings of a cluster-year (the year-end review with its attendance, adopted summary,
election of next year's head and conclusions; briefings and interim reviews of an
organiser's cluster heads with numbered conclusions and their follow-up per cluster), and the
emulation pact of a cluster-year.

The vote and the nominations of a review meeting belong to the `awards` app and point here.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .results import FIGURE, Indicator
from .structure import Cluster, ClusterYear, Organization


class MeetingKind(models.TextChoices):
    REVIEW = "review", _("Year-end review")
    BRIEFING = "briefing", _("Briefing of the cluster heads")
    INTERIM = "interim", _("Interim review")
    PACT = "pact", _("Pact signing")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("meeting", "In progress")
    CLOSED = "closed", pgettext_lazy("meeting", "Closed")


class Meeting(models.Model):
    """A meeting: of a cluster-year (review, interim review, pact signing) or of an
    organiser's cluster heads (briefing, interim review), with its numbered conclusions."""

    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="organized_meetings",
        verbose_name=_("organiser"),
    )
    cluster_year = models.ForeignKey(
        ClusterYear,
        on_delete=models.CASCADE,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("cluster-year"),
        help_text=_("Empty for a briefing of all the organiser's cluster heads."),
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("closed at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300)
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        null=True,
        blank=True,
        verbose_name=_("host unit"),
    )
    chair = models.CharField(_("chair"), max_length=120, blank=True)
    chair_title = models.CharField(_("chair's title"), max_length=200, blank=True)
    secretary = models.CharField(_("secretary"), max_length=120, blank=True)
    secretary_title = models.CharField(_("secretary's title"), max_length=200, blank=True)
    guests = models.TextField(_("invited guests"), blank=True, help_text=_("One per line."))
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # The review's draft summary, adopted at step 1 of the meeting.
    achievements = models.TextField(_("achievements"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    directions = models.TextField(_("next year's directions"), blank=True)
    summary_adopted = models.BooleanField(_("summary adopted"), default=False)
    # The election of next year's head and deputy.
    elected_head = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("next year's head"),
    )
    elected_deputy = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("next year's deputy"),
    )
    handover_on = models.DateField(_("handover date"), null=True, blank=True)
    handover_note = models.TextField(_("handover note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "pk"]
        indexes = [
            models.Index(fields=["organizer", "year", "kind"], name="meeting_org_year_idx"),
            models.Index(fields=["cluster_year", "kind"], name="meeting_cy_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(kind="review"),
                name="meeting_one_review_per_year",
            )
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        if self.cluster_year_id:
            cluster_year = self.cluster_year
            return reverse(
                "clusters:meeting_detail",
                args=[cluster_year.cluster.code, cluster_year.year, self.pk],
            )
        return reverse("clusters:briefing_detail", args=[self.pk])

    def clean(self):
        if self.kind == MeetingKind.REVIEW and not self.cluster_year_id:
            raise ValidationError(_("A year-end review belongs to a cluster-year."))
        if self.kind == MeetingKind.BRIEFING and self.cluster_year_id:
            raise ValidationError(_("A briefing gathers all the organiser's cluster heads."))

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.kind == MeetingKind.REVIEW:
            return _("Year-end review %(year)s") % {"year": self.year}
        return f"{self.get_kind_display()} {self.held_on.strftime('%d/%m/%Y')}"

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED

    @property
    def guest_lines(self) -> list[str]:
        return [line.strip() for line in self.guests.splitlines() if line.strip()]

    @property
    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Attendance(models.Model):
    """A unit at a meeting: present or not, and who represented it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    present = models.BooleanField(_("present"), default=False)
    representative = models.CharField(_("representative"), max_length=120, blank=True)
    representative_title = models.CharField(_("representative's title"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="attendance_unique_unit"
            )
        ]

    def __str__(self):
        return f"{self.organization}: {'✓' if self.present else '–'}"


class Conclusion(models.Model):
    """A numbered conclusion (task) of a meeting, with its owner and due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conclusions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("conclusion"))
    owner = models.CharField(
        _("owner"), max_length=200, blank=True, help_text=_("e.g. every cluster, the head unit")
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="conclusion_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class FollowUp(models.Model):
    """How one cluster stands on one conclusion."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="follow_ups")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_STARTED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "cluster"], name="followup_unique")
        ]
        indexes = [models.Index(fields=["cluster", "status"], name="followup_cluster_idx")]

    def __str__(self):
        return f"{self.cluster} – {self.conclusion.number}: {self.get_status_display()}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        due = self.conclusion.due_on
        today = today or timezone.localdate()
        return self.status != FollowUpStatus.DONE and due is not None and due < today


class Pact(models.Model):
    """The emulation pact (giao ước thi đua) of a cluster-year."""

    cluster_year = models.OneToOneField(
        ClusterYear, on_delete=models.CASCADE, related_name="pact", verbose_name=_("cluster-year")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pacts",
        verbose_name=_("signed at the meeting"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    joint_activities = models.TextField(
        _("joint activities"), blank=True, help_text=_("One per line.")
    )
    commitments = models.TextField(_("commitments"), blank=True, help_text=_("One per line."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emulation pact")
        verbose_name_plural = _("emulation pacts")

    def __str__(self):
        return _("Pact %(year)s – %(cluster)s") % {
            "year": self.cluster_year.year,
            "cluster": self.cluster_year.cluster.name,
        }

    @property
    def activity_lines(self) -> list[str]:
        return [line.strip() for line in self.joint_activities.splitlines() if line.strip()]

    @property
    def commitment_lines(self) -> list[str]:
        return [line.strip() for line in self.commitments.splitlines() if line.strip()]


class PactTarget(models.Model):
    """A member's target for one indicator; it becomes the indicator's target in its result."""

    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    target = models.DecimalField(_("target"), **FIGURE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pact target")
        verbose_name_plural = _("pact targets")
        constraints = [
            models.UniqueConstraint(
                fields=["pact", "organization", "indicator"], name="pacttarget_unique"
            )
        ]

    def __str__(self):
        return f"{self.organization} – {self.indicator.code}: {self.target}"


class PactSignatory(models.Model):
    """A member unit signing the pact, and the person signing for it."""

    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="signatories")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    person = models.CharField(_("signed by"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pact signatory")
        verbose_name_plural = _("pact signatories")
        constraints = [
            models.UniqueConstraint(fields=["pact", "organization"], name="pactsignatory_unique")
        ]

    def __str__(self):
        return f"{self.organization}: {self.person}"
