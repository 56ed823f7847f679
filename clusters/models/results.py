"""The emulation programme of an organiser's year (scoring table, indicators, classification
rules, visibility) and the annual result of each member unit scored against it.

A result keeps, per criterion, the unit's self-score and the head's verified score with an
explanation; its totals, suggested classification and rank are computed by `clusters.services.scoring`
and the totals are stored so lists sort and filter in the database.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .structure import ClusterYear, Organization, year_end

POINTS = {"max_digits": 6, "decimal_places": 1}
FIGURE = {"max_digits": 18, "decimal_places": 2}


class VoteTieRule(models.TextChoices):
    NEW_ROUND = "new_round", _("Another round between the tied units")
    TIE_BREAK = "tie_break", _("The ranking of the results (tie-break order)")


class CapBasis(models.TextChoices):
    """What the cap on the top level is a share of."""

    MEMBERS = "members", _("all the member units")
    CLASSIFIED = "classified", _("the classified units")


class CapRounding(models.TextChoices):
    DOWN = "down", _("rounded down")
    NEAREST = "nearest", _("rounded to the nearest unit (half up)")


class Visibility(models.TextChoices):
    AFTER_REVIEW = "after_review", _("Own scores only until the review meeting")
    ALWAYS = "always", _("Every member's scores at any time")
    OWN_ONLY = "own_only", _("Own scores only")


class EmulationProgram(models.Model):
    """An organiser's emulation year: its plan, scoring table and rules."""

    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("organiser"),
    )
    year = models.PositiveSmallIntegerField(
        _("emulation year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    plan_reference = models.CharField(
        _("plan"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024"),
    )
    self_assessment_deadline = models.DateField(
        _("deadline for the self-assessment"), null=True, blank=True
    )
    verification_deadline = models.DateField(
        _("deadline for the verification"), null=True, blank=True
    )
    top_share_percent = models.DecimalField(
        _("cap on the top level (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cap_basis = models.CharField(
        _("the cap is a share of"),
        max_length=12,
        choices=CapBasis.choices,
        default=CapBasis.MEMBERS,
        help_text=_(
            "The regulation counts the share of all the member units at the year's end; some "
            "programmes count only the units that are classified."
        ),
    )
    cap_rounding = models.CharField(
        _("the cap is"),
        max_length=8,
        choices=CapRounding.choices,
        default=CapRounding.DOWN,
    )
    tie_break = models.CharField(
        _("tie-break order"),
        max_length=200,
        blank=True,
        help_text=_(
            "Section or indicator codes, separated by commas, compared in this order when "
            "totals are equal (e.g. I, DV_MOI)."
        ),
    )
    visibility = models.CharField(
        _("members see"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.AFTER_REVIEW,
    )
    # The review meeting: a vote needs `quorum_numerator / quorum_denominator` of the members
    # present (default two thirds); a tie for the last place is resolved by `vote_tie_rule`.
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum: numerator"), default=2, validators=[MinValueValidator(1)]
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: denominator"), default=3, validators=[MinValueValidator(1)]
    )
    vote_tie_rule = models.CharField(
        _("a tie in the vote is resolved by"),
        max_length=12,
        choices=VoteTieRule.choices,
        default=VoteTieRule.NEW_ROUND,
    )
    # A year entered from paper: per unit only the total and the classification the reports
    # give, no per-criterion table; the typed total is the verified total.
    totals_only = models.BooleanField(
        _("totals only (a year from paper)"),
        default=False,
        help_text=_(
            "Per unit only the total score and the classification are entered or imported; "
            "the scoring table is not used."
        ),
    )

    # Changed with every change of its scoring table – a section, criterion, classification
    # rule or indicator saved, moved or deleted (`table_changed`) – and with every save of the
    # programme itself, which writes back the version it was read with (`program_saved`):
    # the key under which a process keeps the table it read
    # (`clusters.services.scoring.load_table`). Not part of the programme's history.
    table_version = models.UUIDField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["table_version"])

    class Meta:
        verbose_name = _("emulation programme")
        verbose_name_plural = _("emulation programmes")
        ordering = ["organizer__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year"], name="program_unique_year")
        ]

    def __str__(self):
        return _("Programme %(year)s – %(organizer)s") % {
            "year": self.year,
            "organizer": self.organizer.name_on(year_end(self.year)),
        }

    def get_absolute_url(self):
        return reverse("structure:program_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if (
            self.quorum_numerator
            and self.quorum_denominator
            and self.quorum_numerator > self.quorum_denominator
        ):
            raise ValidationError(
                {"quorum_numerator": _("The quorum cannot be more than all the members.")}
            )

    @property
    def tie_break_codes(self) -> list[str]:
        return [code.strip() for code in self.tie_break.split(",") if code.strip()]

    @classmethod
    def for_cluster_year(cls, cluster_year: ClusterYear) -> "EmulationProgram | None":
        return cls.objects.filter(
            organizer_id=cluster_year.cluster.organizer_id, year=cluster_year.year
        ).first()


class CriterionKind(models.TextChoices):
    SCORE = "score", _("Scored criteria")
    BONUS = "bonus", _("Bonus points")
    PENALTY = "penalty", _("Penalty points")


class ScoreSection(models.Model):
    """A section of the scoring table. For bonus and penalty sections `max_points` is the
    limit of what the section adds or deducts."""

    program = models.ForeignKey(EmulationProgram, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=10, help_text=_("e.g. I, II, B, T"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.SCORE
    )
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section of the scoring table")
        verbose_name_plural = _("sections of the scoring table")
        ordering = ["program", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="section_unique_code")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    MONEY = "money", _("Money (đồng)")
    PERCENT = "percent", _("Percent")
    YES_NO = "yes_no", _("Yes / no")


class Indicator(models.Model):
    """A figure every unit reports for the year, with or without a target."""

    program = models.ForeignKey(
        EmulationProgram, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. DV_MOI"))
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.COUNT
    )
    has_target = models.BooleanField(_("has a target"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["program", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="indicator_unique_code")
        ]

    def __str__(self):
        return self.name


class Formula(models.TextChoices):
    RATIO = "ratio", _("Points in proportion to the share of the target reached")
    THRESHOLD = "threshold", _("Full points when the target is reached, else none")


class Criterion(models.Model):
    section = models.ForeignKey(ScoreSection, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("criterion"), max_length=500)
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, validators=[MinValueValidator(Decimal("0.5"))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("scored from the indicator"),
    )
    formula = models.CharField(_("formula"), max_length=10, choices=Formula.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="criterion_unique_code")
        ]

    def __str__(self):
        return f"{self.label} {self.title}"

    def clean(self):
        if bool(self.indicator_id) != bool(self.formula):
            raise ValidationError(
                _("A criterion scored from an indicator needs both the indicator and a formula.")
            )

    @property
    def label(self) -> str:
        return f"{self.section.code}.{self.code}"

    @property
    def is_computed(self) -> bool:
        return bool(self.indicator_id and self.formula)


class Level(models.TextChoices):
    """Classification of a unit's year (since 2019), best first."""

    EXCELLENT = "htxsnv", _("Excellently completed the tasks")
    GOOD = "httnv", _("Well completed the tasks")
    COMPLETED = "htnv", _("Completed the tasks")
    FAILED = "khtnv", _("Did not complete the tasks")
    NONE = "none", _("Not classified")


LEVEL_ABBREVIATIONS = {
    Level.EXCELLENT: "HTXSNV",
    Level.GOOD: "HTTNV",
    Level.COMPLETED: "HTNV",
    Level.FAILED: "KHTNV",
    Level.NONE: "KXL",
}
RANKED_LEVELS = [Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.FAILED]


class ClassificationRule(models.Model):
    """The threshold and gate of one level; a unit gets the best level whose rule it meets,
    else "did not complete"."""

    program = models.ForeignKey(
        EmulationProgram, on_delete=models.CASCADE, related_name="classification_rules"
    )
    level = models.CharField(
        _("level"), max_length=10, choices=[c for c in Level.choices if c[0] != Level.NONE]
    )
    min_total = models.DecimalField(_("minimum total"), **POINTS)
    min_criterion_percent = models.DecimalField(
        _("no criterion below (percent of its points)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_penalty = models.DecimalField(
        _("at most this many penalty points"),
        **POINTS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        ordering = ["program", "-min_total"]
        constraints = [
            models.UniqueConstraint(fields=["program", "level"], name="rule_unique_level")
        ]

    def __str__(self):
        return f"{LEVEL_ABBREVIATIONS[self.level]} ≥ {self.min_total}"


class ResultStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("result", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("result", "Submitted")
    VERIFIED = "verified", pgettext_lazy("result", "Verified")
    LOCKED = "locked", pgettext_lazy("result", "Locked")


class AnnualResult(models.Model):
    """A member unit's year in its cluster: scores, figures, totals and classification."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="results")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="results", verbose_name=_("unit")
    )
    program = models.ForeignKey(EmulationProgram, on_delete=models.PROTECT, related_name="results")
    status = models.CharField(
        _("status"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.DRAFT
    )
    self_total = models.DecimalField(_("self-assessed total"), **POINTS, null=True, blank=True)
    verified_total = models.DecimalField(_("verified total"), **POINTS, null=True, blank=True)
    suggested_level = models.CharField(
        _("suggested classification"), max_length=10, choices=Level.choices, blank=True
    )
    level = models.CharField(_("classification"), max_length=10, choices=Level.choices, blank=True)
    level_reason = models.CharField(_("reason for the classification"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted after the deadline"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # Optimistic lock: every save through the services bumps it; a save based on an older
    # version is refused.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual result")
        verbose_name_plural = _("annual results")
        ordering = ["cluster_year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "organization"], name="result_unique_unit"
            )
        ]
        indexes = [models.Index(fields=["cluster_year", "status"], name="result_cy_status_idx")]

    def __str__(self):
        return f"{self.organization} – {self.cluster_year}"

    def get_absolute_url(self):
        cluster_year = self.cluster_year
        return reverse(
            "clusters:result_detail",
            args=[cluster_year.cluster.code, cluster_year.year, self.organization.code],
        )

    @property
    def final_level(self) -> str:
        return self.level or self.suggested_level


class ScoreEntry(models.Model):
    result = models.ForeignKey(AnnualResult, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="entries")
    self_score = models.DecimalField(_("self-score"), **POINTS, null=True, blank=True)
    verified_score = models.DecimalField(_("verified score"), **POINTS, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    not_applicable = models.BooleanField(_("does not apply"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["result", "criterion"], name="entry_unique_criterion")
        ]

    def __str__(self):
        return f"{self.criterion.label}: {self.self_score} / {self.verified_score}"


class Qualifier(models.TextChoices):
    """How exact a reported figure is: "trên 1.200", "gần 500", "khoảng 30"."""

    OVER = "over", _("over")
    NEARLY = "nearly", _("nearly")
    ABOUT = "about", _("about")


# As the documents print them, in Vietnamese whatever the reader's language.
QUALIFIER_WORDS = {Qualifier.OVER: "trên", Qualifier.NEARLY: "gần", Qualifier.ABOUT: "khoảng"}


def combined_qualifier(qualifiers) -> str:
    """The qualifier of a sum: none when every part is exact, the parts' own when they agree,
    "about" when they differ."""
    used = {q for q in qualifiers if q}
    if not used:
        return ""
    return used.pop() if len(used) == 1 else Qualifier.ABOUT


class IndicatorValue(models.Model):
    result = models.ForeignKey(
        AnnualResult, on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    target = models.DecimalField(_("target"), **FIGURE, null=True, blank=True)
    actual = models.DecimalField(_("actual"), **FIGURE, null=True, blank=True)
    qualifier = models.CharField(
        _("the actual figure is"), max_length=8, choices=Qualifier.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator figure")
        verbose_name_plural = _("indicator figures")
        constraints = [
            models.UniqueConstraint(fields=["result", "indicator"], name="value_unique_indicator")
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.actual} / {self.target}"


class ClusterFigure(models.Model):
    """An indicator's figure for the whole cluster-year, when a report gives only the
    cluster's figure: the documents use it where no member has a figure of its own."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("cluster-year"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="cluster_figures"
    )
    target = models.DecimalField(_("target"), **FIGURE, null=True, blank=True)
    actual = models.DecimalField(_("actual"), **FIGURE, null=True, blank=True)
    qualifier = models.CharField(
        _("the actual figure is"), max_length=8, choices=Qualifier.choices, blank=True
    )
    note = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("figure of the cluster")
        verbose_name_plural = _("figures of the cluster")
        ordering = ["cluster_year", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "indicator"], name="cluster_figure_unique_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.actual} / {self.target}"


def evidence_path(instance, filename):
    result = instance.result
    return f"evidence/{result.cluster_year.year}/{result.cluster_year_id}/{result.pk}/{filename}"


class Evidence(models.Model):
    """A file or a link supporting a result (a report, a photo, a decision)."""

    result = models.ForeignKey(AnnualResult, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the criterion"),
    )
    description = models.CharField(_("description"), max_length=300)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    link = models.URLField(_("link"), blank=True, max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["result", "added_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(link=""), name="evidence_file_or_link"
            )
        ]

    def __str__(self):
        return self.description


def _table_programs(sender, instance) -> set[int]:
    """The programmes whose table holds `instance` (a section, criterion, classification rule
    or indicator) as its row now stands in the database (none before it is first saved)."""
    if instance.pk is None:
        return set()
    if sender is Criterion:
        rows = Criterion.objects.filter(pk=instance.pk).values_list("section__program_id")
    else:
        rows = sender.objects.filter(pk=instance.pk).values_list("program_id")
    return {program_id for (program_id,) in rows}


def table_changing(sender, instance, raw=False, **kwargs):
    """Signal receiver (pre_save): remember the programme the row belonged to, so that a row
    moved to another programme (the admin lets staff change it) changes both tables."""
    instance._table_programs_before = set() if raw else _table_programs(sender, instance)


def table_changed(sender, instance, **kwargs):
    """Signal receiver: a section, criterion, classification rule or indicator of a scoring
    table was saved or deleted – its programme's `table_version` changes (in the same
    transaction as the change), so that no process uses the table it kept, and this process
    drops it at once; the programme it left too, when it moved."""
    if sender is Criterion:
        section = instance._state.fields_cache.get("section")  # (set when it was given)
        programs = (
            {section.program_id}
            if section is not None and section.pk == instance.section_id
            else set(
                ScoreSection.objects.filter(pk=instance.section_id).values_list(
                    "program_id", flat=True
                )
            )
        )
    else:
        programs = {instance.program_id}
    programs |= instance.__dict__.pop("_table_programs_before", set())
    _new_table_version(programs)


def program_saved(sender, instance, **kwargs):
    """Signal receiver: a programme was saved. A save writes back the `table_version` the
    programme was read with – older, perhaps, than a change of its table made meanwhile, or
    an old one restored from the history –, so its version changes again (the instance
    saved takes the new one)."""
    instance.table_version = _new_table_version({instance.pk})


def _new_table_version(program_ids) -> uuid.UUID:
    from ..services.scoring import forget_table

    version = uuid.uuid4()
    EmulationProgram.objects.filter(pk__in=program_ids).update(table_version=version)
    forget_table(program_ids)
    return version
