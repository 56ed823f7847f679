"""Award forms and their rules, the review meeting's vote, the nominations it produces, the
cluster's proposal (tờ trình) to the organiser, the organiser's decisions and the award register.

Builds on `clusters` and is the only one of the two apps that imports the other.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from clusters.models import ClusterYear, Level, Meeting, Organization
from emulation.text import fold


class AwardKind(models.TextChoices):
    LEADING_FLAG = "leading_flag", _("Emulation flag – leading unit")
    EXCELLENT_FLAG = "excellent_flag", _("Emulation flag – excellent unit")
    CERTIFICATE = "certificate", _("Certificate of merit")
    GIAY_KHEN = "giay_khen", _("Certificate of commendation (giấy khen)")
    MEDAL = "medal", _("Commemorative medal")


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class AwardType(models.Model):
    """A form of award conferred by an organiser (e.g. the province's emulation flag)."""

    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="award_types",
        verbose_name=_("conferred by"),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AwardKind.choices)
    recipient = models.CharField(
        _("recipient"),
        max_length=12,
        choices=RecipientKind.choices,
        default=RecipientKind.COLLECTIVE,
    )
    comprehensive = models.BooleanField(
        _("comprehensive"), default=True, help_text=_("Unticked for a thematic award.")
    )
    requires_level = models.CharField(
        _("requires the classification"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text=_("e.g. a flag requires HTXSNV in the year."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    # The name and short name folded (lower case, no diacritics), so "co thi dua" finds
    # "Cờ thi đua" on SQLite and PostgreSQL alike; kept up to date in save().
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["organizer", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "name"], name="awardtype_unique_name")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return "\n".join(fold(text) for text in (self.name, self.short_name) if text)

    @property
    def label(self) -> str:
        return self.short_name or self.name


class RuleScope(models.TextChoices):
    CLUSTER = "cluster", _("At most N per cluster")
    SHARE = "share", _("At most a share of the cluster's members")
    ORGANIZER = "organizer", _("At most N across all the organiser's clusters")


class AwardRule(models.Model):
    """A quota of an organiser's year (one version of its regulations): blocking or a
    warning."""

    organizer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="award_rules"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    award_type = models.ForeignKey(
        AwardType,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("award type"),
    )
    scope = models.CharField(_("quota"), max_length=10, choices=RuleScope.choices)
    max_count = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    max_percent = models.DecimalField(
        _("at most (percent of the members)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    blocking = models.BooleanField(
        _("blocking"), default=True, help_text=_("Unticked: only a warning.")
    )
    regulation = models.CharField(
        _("regulation"), max_length=200, blank=True, help_text=_("e.g. QĐ 999/QĐ-TLĐ 29/5/2024")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award rule")
        verbose_name_plural = _("award rules")
        ordering = ["organizer", "-year", "award_type__order"]
        indexes = [models.Index(fields=["organizer", "year"], name="awardrule_org_year_idx")]

    def __str__(self):
        if self.scope == RuleScope.SHARE:
            limit = f"{self.max_percent}%"
        else:
            limit = str(self.max_count)
        return f"{self.award_type} – {self.get_scope_display()}: {limit}"


class VoteMode(models.TextChoices):
    OPEN = "open", _("Open vote (show of hands)")
    SECRET = "secret", _("Secret ballot")


class VoteStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("vote", "Voting")
    COUNTED = "counted", pgettext_lazy("vote", "Counted")


class Vote(models.Model):
    """One round of the review meeting's vote (bình xét) for an award type."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="votes", verbose_name=_("award type")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    mode = models.CharField(_("mode"), max_length=8, choices=VoteMode.choices)
    seats = models.PositiveSmallIntegerField(
        _("units to choose"), default=1, help_text=_("How many units each voter may choose.")
    )
    voters = models.PositiveSmallIntegerField(_("member units present"), default=0)
    ballots_issued = models.PositiveSmallIntegerField(_("ballots issued"), null=True, blank=True)
    ballots_returned = models.PositiveSmallIntegerField(
        _("ballots returned"), null=True, blank=True
    )
    ballots_valid = models.PositiveSmallIntegerField(_("valid ballots"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=VoteStatus.choices, default=VoteStatus.OPEN
    )
    tie = models.BooleanField(_("tie"), default=False)
    tie_resolution = models.TextField(_("how the tie was resolved"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["meeting", "award_type__order", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "award_type", "round"], name="vote_unique_round"
            )
        ]

    def __str__(self):
        return _("%(award)s, round %(round)s") % {"award": self.award_type, "round": self.round}


class VoteCandidate(models.Model):
    """A unit standing in a round, with its votes and whether it was chosen."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    votes = models.PositiveSmallIntegerField(_("votes"), default=0)
    elected = models.BooleanField(_("chosen"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["vote", "-votes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "organization"], name="candidate_unique")
        ]

    def __str__(self):
        return f"{self.organization}: {self.votes}"


class VoteCast(models.Model):
    """In an open vote, one member unit's hand raised for one candidate."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="casts")
    voter = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote cast")
        verbose_name_plural = _("votes cast")
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter", "candidate"], name="cast_unique"),
            models.CheckConstraint(condition=~Q(voter=models.F("candidate")), name="cast_not_self"),
        ]

    def __str__(self):
        return f"{self.voter} → {self.candidate}"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("nomination", "Proposed")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination", "Withdrawn")
    SUBMITTED = "submitted", pgettext_lazy("nomination", "Submitted")
    RETURNED = "returned", pgettext_lazy("nomination", "Returned for supplement")
    RESUBMITTED = "resubmitted", pgettext_lazy("nomination", "Resubmitted")
    APPROVED = "approved", pgettext_lazy("nomination", "Approved")
    REJECTED = "rejected", pgettext_lazy("nomination", "Rejected")
    DOWNGRADED = "downgraded", pgettext_lazy("nomination", "Approved at a lower form")
    AWARDED = "awarded", pgettext_lazy("nomination", "Awarded")
    REVOKED = "revoked", pgettext_lazy("nomination", "Revoked")


# Nominations that still count against the quotas and the one-leading-unit rule.
ACTIVE_STATUSES = (
    NominationStatus.PROPOSED,
    NominationStatus.SUBMITTED,
    NominationStatus.RETURNED,
    NominationStatus.RESUBMITTED,
    NominationStatus.APPROVED,
    NominationStatus.DOWNGRADED,
    NominationStatus.AWARDED,
)
# Waiting for the organiser's staff.
PENDING_STATUSES = (NominationStatus.SUBMITTED, NominationStatus.RESUBMITTED)
# Approved and waiting for the decision.
GRANTABLE_STATUSES = (NominationStatus.APPROVED, NominationStatus.DOWNGRADED)


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal", "Being prepared")
    SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")


class Proposal(models.Model):
    """The cluster's dossier of a year to the organiser: its submission (tờ trình) with the
    nominations, the minutes of the review and each nominee's achievement report."""

    cluster_year = models.OneToOneField(
        ClusterYear, on_delete=models.CASCADE, related_name="proposal"
    )
    number = models.CharField(
        _("number"), max_length=40, blank=True, help_text=_('e.g. "05/TTr-CTĐ"')
    )
    issued_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    addressee = models.CharField(
        _("addressed to"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Hội đồng Thi đua – Khen thưởng Liên đoàn Lao động tỉnh Bình Thuận"),
    )
    signer = models.CharField(_("signed by"), max_length=120, blank=True)
    body = models.TextField(
        _("text of the submission"),
        blank=True,
        help_text=_("The paragraph before the list of nominees; blank for the usual wording."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["cluster_year"]

    def __str__(self):
        return _("Proposal of %(cluster_year)s") % {"cluster_year": self.cluster_year}


class Nomination(models.Model):
    """A unit proposed by its cluster for an award of the year."""

    cluster_year = models.ForeignKey(
        ClusterYear, on_delete=models.CASCADE, related_name="nominations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("unit")
    )
    award_type = models.ForeignKey(
        AwardType,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("award type"),
    )
    vote = models.ForeignKey(
        Vote, on_delete=models.SET_NULL, null=True, blank=True, related_name="nominations"
    )
    votes = models.PositiveSmallIntegerField(_("votes"), null=True, blank=True)
    leading = models.BooleanField(_("leading unit of the cluster"), default=False)
    justification = models.TextField(_("justification"), blank=True)
    warnings = models.TextField(_("rule warnings"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    granted_type = models.ForeignKey(
        AwardType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted form"),
        help_text=_("Set when the organiser approves a lower form than proposed."),
    )
    approval_warnings = models.TextField(_("warnings at approval"), blank=True)
    staff_reason = models.TextField(
        _("organiser's reason"),
        blank=True,
        help_text=_("Why it was returned, rejected or approved at a lower form."),
    )
    supplement = models.TextField(_("supplement"), blank=True)
    # The body above decided the award before the review meeting (the nomination is created
    # from its decision); the meeting records the handover instead of a vote.
    decided_in_advance = models.BooleanField(_("decided before the review meeting"), default=False)
    handed_over_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("handed over at the meeting"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["cluster_year", "award_type__order", "-leading", "-votes", "pk"]
        indexes = [
            models.Index(fields=["cluster_year", "status"], name="nomination_cy_status_idx"),
            models.Index(fields=["award_type", "status"], name="nomination_type_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "organization", "award_type"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="nomination_unique_active",
            )
        ]

    def __str__(self):
        return f"{self.organization} – {self.award_type}"

    @property
    def warning_lines(self) -> list[str]:
        return [
            line
            for line in (self.warnings + "\n" + self.approval_warnings).splitlines()
            if line.strip()
        ]

    @property
    def final_type(self) -> AwardType:
        """The form granted: the proposed one unless the organiser approved a lower one."""
        return self.granted_type if self.granted_type_id else self.award_type

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class Decision(models.Model):
    """The organiser's decision (quyết định) that grants approved nominations."""

    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="award_decisions",
        verbose_name=_("issued by"),
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    number = models.CharField(_("number"), max_length=40, help_text=_('e.g. "125/QĐ-LĐLĐ"'))
    signed_on = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    scan = models.FileField(_("scan"), upload_to="decisions/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["organizer", "year"], name="decision_org_year_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "number", "signed_on"], name="decision_unique_number"
            )
        ]

    def __str__(self):
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": self.signed_on.strftime("%d/%m/%Y"),
        }


class AwardStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("award", "In force")
    REVOKED = "revoked", pgettext_lazy("award", "Revoked")


class Award(models.Model):
    """An entry of the award register; a revoked award keeps its record."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="awards", verbose_name=_("decision")
    )
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, related_name="award", verbose_name=_("nomination")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="awards", verbose_name=_("unit")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="awards", verbose_name=_("form")
    )
    cluster_year = models.ForeignKey(
        ClusterYear, on_delete=models.PROTECT, related_name="awards", verbose_name=_("cluster")
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    status = models.CharField(
        _("status"), max_length=8, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)
    revoked_by_decision = models.CharField(_("revoked by the decision"), max_length=120, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "award_type__order", "organization__name"]
        indexes = [
            models.Index(fields=["year", "status"], name="award_year_status_idx"),
            models.Index(fields=["organization", "year"], name="award_org_year_idx"),
            # The decisions and years of the honour rolls the register links (read from the
            # index: the confederation's 24,000 awards joined to their decisions took 7 ms).
            models.Index(fields=["decision", "year"], name="award_decision_year_idx"),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.organization} ({self.year})"


class HonourRoll(models.Model):
    """Whether an organiser's honour roll of a year is published (readable without login)."""

    organizer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="honour_rolls"
    )
    year = models.PositiveSmallIntegerField(_("emulation year"))
    published = models.BooleanField(_("published"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("honour roll")
        verbose_name_plural = _("honour rolls")
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year"], name="honour_roll_unique")
        ]

    def __str__(self):
        return f"{self.organizer} – {self.year}"


class Notification(models.Model):
    """A message to one user in the app (and by e-mail when the user has an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=400)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Reminders are sent once per key (e.g. "returned:12:2026-12-02").
    key = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "key"], name="notification_key_idx"),
        ]

    def __str__(self):
        return self.text


class ExportKind(models.TextChoices):
    YEAR = "year", _("Every document of an organiser's year")
    CLUSTER_YEAR = "cluster_year", _("Every document of a cluster-year")
    OVERVIEW = "overview", _("The organiser's overview")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being prepared")
    ASSEMBLING = "assembling", _("Being packed")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A download prepared in the background (a task per cluster, see awards.tasks): a year's
    or a cluster-year's documents as one zip, or the organiser's overview. Personal – it holds
    what its requester may read – and deleted after `settings.EXPORT_RETENTION_DAYS`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    # "pdf", "xlsx" for the overview, "zip" for the others.
    format = models.CharField(_("format"), max_length=8, default="zip")
    organizer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cluster_year = models.ForeignKey(
        ClusterYear, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # None: asked for by `export_year` on the command line (every document, no download).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    parts_total = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_user_created_idx"),
            models.Index(fields=["created_at"], name="export_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}"

    def get_absolute_url(self):
        return reverse("awards:export_detail", args=[self.pk])

    @property
    def title(self) -> str:
        year = str(self.year)
        if self.kind == ExportKind.CLUSTER_YEAR:
            return _("Every document of %(cluster)s, %(year)s") % {
                "cluster": self.cluster_year.cluster.name,
                "year": year,
            }
        if self.kind == ExportKind.OVERVIEW:
            return _("Overview of the clusters of %(organizer)s, %(year)s (%(format)s)") % {
                "organizer": self.organizer.name,
                "year": year,
                "format": self.format.upper(),
            }
        return _("Every document of the clusters of %(organizer)s, %(year)s") % {
            "organizer": self.organizer.name,
            "year": year,
        }

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.parts_done / self.parts_total) if self.parts_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def waits_long(self) -> bool:
        """Still waiting for a worker two minutes on: none may be running."""
        return self.status == ExportStatus.QUEUED and self.created_at < timezone.now() - (
            datetime.timedelta(minutes=2)
        )
