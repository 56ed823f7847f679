"""The editors of an emulation programme: the scoring table (sections and criteria), the
indicators and the classification rules.

Each editor checks the programme as a whole (codes, sums, links, thresholds) before anything
is written, then writes everything in one transaction with the reason as the history's change
reason. A scored section's maximum is never typed: it is the sum of its criteria, set on save.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    LEVEL_ABBREVIATIONS,
    RANKED_LEVELS,
    ClassificationRule,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    ScoreEntry,
    ScoreSection,
)
from ..services.scoring import is_half_step
from .programs import (
    CODE_VALIDATOR,
    ZERO,
    ProgramFormStyle,
    ReasonForm,
    delete_with_reason,
    park_keys,
    points_text,
    save_with_reason,
)

# Shared by the three editors -------------------------------------------------------------


class _RowForm(ProgramFormStyle, forms.ModelForm):
    compact = True

    def _get_validation_exclusions(self):
        # Codes and levels are checked across the whole submission by the editor: a code may
        # move from one row to another in a single save.
        exclude = super()._get_validation_exclusions()
        exclude.update({"code", "level"} & set(self.fields))
        return exclude


class _Editor:
    """One or more formsets of a programme, checked together and written together."""

    def __init__(self, program: EmulationProgram, data=None):
        self.program = program
        self.data = data
        self.reason_form = ReasonForm(data)
        self.errors: list[str] = []

    @staticmethod
    def is_deleted(formset, form) -> bool:
        return bool(form.cleaned_data) and formset._should_delete_form(form)

    def live(self, formset) -> list:
        """The rows that remain after the save: existing ones not removed, and new ones
        filled in."""
        return [
            form
            for form in formset.forms
            if not self.is_deleted(formset, form) and (form.instance.pk or form.has_changed())
        ]

    def deleted(self, formset) -> list:
        return [
            form for form in formset.forms if form.instance.pk and self.is_deleted(formset, form)
        ]

    def formsets(self) -> list:
        raise NotImplementedError

    def check(self) -> None:
        """Whole-programme checks; add errors to rows or to `self.errors`."""

    def is_valid(self) -> bool:
        valid = self.reason_form.is_valid()
        valid = all([fs.is_valid() for fs in self.formsets()]) and valid
        if not valid:
            return False
        self.check()
        return not self.errors and all(fs.is_valid() for fs in self.formsets())

    @property
    def reason(self) -> str:
        return self.reason_form.cleaned_data["reason"]

    def duplicates(self, forms_, key, message) -> bool:
        """Mark every row that shares its key with another; whether any does."""
        rows = defaultdict(list)
        for form in forms_:
            value = key(form)
            if value is not None:
                rows[value].append(form)
        found = False
        for same in rows.values():
            if len(same) > 1:
                found = True
                for form in same:
                    form.add_error("code" if "code" in form.fields else None, message(form))
        return found

    def follow_renames(self, renames: dict[str, str]) -> None:
        """A renamed section or indicator keeps its place in the tie-break order."""
        program = self.program
        codes = program.tie_break_codes
        renamed = [renames.get(code, code) for code in codes]
        if renamed != codes:
            program.tie_break = ", ".join(renamed)
            save_with_reason(program, self.reason)

    def guard_tie_break(self, removed_codes) -> None:
        kept_in_order = set(self.program.tie_break_codes) & set(removed_codes)
        if kept_in_order:
            self.errors.append(
                _(
                    "%(codes)s is in the tie-break order: take it out on the general page "
                    "before removing it."
                )
                % {"codes": ", ".join(sorted(kept_in_order))}
            )


# The scoring table ------------------------------------------------------------------------


class SectionForm(_RowForm):
    class Meta:
        model = ScoreSection
        fields = ["code", "title", "kind", "max_points", "order"]
        labels = {"max_points": gettext_lazy("Limit (bonus, penalty)")}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_VALIDATOR)
        self.fields["max_points"].required = False
        if self.instance.pk and self.instance.kind == CriterionKind.SCORE:
            # A scored section's maximum is the sum of its criteria: nothing to type.
            self.initial["max_points"] = None

    def clean(self):
        data = super().clean()
        kind, points = data.get("kind"), data.get("max_points")
        if kind in (CriterionKind.BONUS, CriterionKind.PENALTY):
            if points is None:
                self.add_error(
                    "max_points", _("Give the most points the section may add or deduct.")
                )
            elif points <= 0 or not is_half_step(points):
                self.add_error(
                    "max_points", _("The limit is a positive number of half points (e.g. 5).")
                )
        elif kind:
            data["max_points"] = self.instance.max_points if self.instance.pk else ZERO
        return data


class CriterionForm(_RowForm):
    class Meta:
        model = Criterion
        fields = ["section", "code", "title", "max_points", "indicator", "formula", "order"]
        labels = {"indicator": gettext_lazy("Scored from the indicator")}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, sections, section_choices, indicators, indicator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_VALIDATOR)
        # Choices built once for all the rows (no query per row); values checked against the
        # programme's own sections and indicators.
        section = self.fields["section"]
        section.queryset = sections
        section.choices = section_choices
        indicator = self.fields["indicator"]
        indicator.queryset = indicators
        indicator.choices = indicator_choices
        self.fields["formula"].choices = [("", "—")] + list(self.fields["formula"].choices)[1:]

    def clean_max_points(self):
        points = self.cleaned_data.get("max_points")
        if points is not None and (points <= 0 or not is_half_step(points)):
            raise ValidationError(
                _("A criterion is worth a positive number of half points (e.g. 2 or 1,5).")
            )
        return points


class TableEditor(_Editor):
    """The sections and their criteria on one page. A new section gets its criteria once it
    is saved (its rows then appear under it)."""

    def __init__(self, program, data=None):
        super().__init__(program, data)
        sections = list(program.sections.order_by("order", "pk"))
        self.section_list = sections
        section_qs = program.sections.all()
        indicator_qs = program.indicators.all()
        indicators = list(indicator_qs.order_by("order", "pk"))
        next_section = max((s.order for s in sections), default=0) + 1
        SectionFormSet = forms.modelformset_factory(
            ScoreSection, form=SectionForm, extra=1, can_delete=True
        )
        self.sections = SectionFormSet(
            data,
            prefix="sections",
            queryset=section_qs.order_by("order", "pk"),
            initial=[{"order": next_section, "kind": CriterionKind.SCORE}],
        )
        criteria_qs = (
            Criterion.objects.filter(section__program=program)
            .select_related("section", "indicator")
            .order_by("section__order", "section_id", "order", "pk")
        )
        # Evaluated here and reused by the formset (its result cache): one query.
        criteria = list(criteria_qs)
        last_order = defaultdict(int)
        for criterion in criteria:
            last_order[criterion.section_id] = max(
                last_order[criterion.section_id], criterion.order
            )
        # Two blank rows under each section for new criteria.
        extra = [
            {"section": section.pk, "order": last_order[section.pk] + step}
            for section in sections
            for step in (1, 2)
        ]
        CriterionFormSet = forms.modelformset_factory(
            Criterion, form=CriterionForm, extra=len(extra), can_delete=True
        )
        self.criteria = CriterionFormSet(
            data,
            prefix="criteria",
            queryset=criteria_qs,
            initial=extra,
            form_kwargs={
                "sections": section_qs,
                "section_choices": [("", "—")] + [(s.pk, f"{s.code}. {s.title}") for s in sections],
                "indicators": indicator_qs,
                "indicator_choices": [("", "—")]
                + [(i.pk, f"{i.code} – {i.name}") for i in indicators],
            },
        )

    def formsets(self):
        return [self.sections, self.criteria]

    def groups(self) -> list[dict]:
        """The criterion rows under their section, as the page shows them."""
        by_section = defaultdict(list)
        for form in self.criteria.forms:
            value = form["section"].value()
            by_section[str(value) if value not in (None, "") else ""].append(form)
        groups = [
            {"section": section, "forms": by_section.pop(str(section.pk), [])}
            for section in self.section_list
        ]
        leftover = [form for forms_ in by_section.values() for form in forms_]
        if leftover:
            groups.append({"section": None, "forms": leftover})
        return groups

    def check(self):
        sections, criteria = self.sections, self.criteria
        live_sections = self.live(sections)
        gone_sections = {form.instance.pk for form in self.deleted(sections)}
        self.duplicates(
            live_sections,
            lambda form: form.cleaned_data.get("code", "").upper() or None,
            lambda form: (
                _("Code %(code)s is used by another section.")
                % {"code": form.cleaned_data.get("code")}
            ),
        )
        live_criteria = self.live(criteria)
        self.duplicates(
            live_criteria,
            lambda form: (form.cleaned_data["section"].pk, form.cleaned_data["code"].upper()),
            lambda form: (
                _("Code %(code)s is used twice in section %(section)s.")
                % {"code": form.cleaned_data["code"], "section": form.cleaned_data["section"].code}
            ),
        )
        # What each section will be after the save: its kind and limit from the section row.
        section_rows = {form.instance.pk: form for form in live_sections if form.instance.pk}
        for form in live_criteria:
            data = form.cleaned_data
            section = data["section"]
            if section.pk in gone_sections:
                form.add_error(
                    "section",
                    _("Section %(code)s is being removed: move this criterion or remove it too.")
                    % {"code": section.code},
                )
                continue
            row = section_rows.get(section.pk)
            kind = row.cleaned_data["kind"] if row else section.kind
            limit = row.cleaned_data["max_points"] if row else section.max_points
            if kind != CriterionKind.SCORE and data["max_points"] > limit:
                form.add_error(
                    "max_points",
                    _("At most the section's limit (%(limit)s points).")
                    % {"limit": points_text(limit)},
                )
            indicator = data.get("indicator")
            if (
                indicator is not None
                and data.get("formula")
                and not indicator.has_target
                and indicator.kind != IndicatorKind.YES_NO
            ):
                form.add_error(
                    "indicator",
                    _(
                        "%(code)s has no target, so no formula can score from it: give the "
                        "indicator a target on the indicators page, or score this criterion "
                        "by hand."
                    )
                    % {"code": indicator.code},
                )
        doomed = [form.instance for form in self.deleted(criteria)]
        used = sorted(
            {
                f"{entry.criterion.section.code}.{entry.criterion.code}"
                for entry in ScoreEntry.objects.filter(criterion__in=doomed).select_related(
                    "criterion__section"
                )
            }
        )
        if used:
            self.errors.append(
                _(
                    "Units have already entered scores for %(criteria)s in their drafts: "
                    "these criteria cannot be removed."
                )
                % {"criteria": ", ".join(used)}
            )
        old_codes = {section.pk: section.code for section in self.section_list}
        self.guard_tie_break(old_codes[form.instance.pk] for form in self.deleted(sections))

    def section_sums(self) -> dict[int, Decimal]:
        sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for form in self.live(self.criteria):
            sums[form.cleaned_data["section"].pk] += form.cleaned_data["max_points"]
        return sums

    @transaction.atomic
    def save(self):
        reason = self.reason
        sections, criteria = self.sections, self.criteria
        sums = self.section_sums()
        for form in self.deleted(criteria):
            delete_with_reason(form.instance, reason)
        gone_sections = [form.instance for form in self.deleted(sections)]
        old = {s.pk: s for s in ScoreSection.objects.filter(program=self.program)}
        live_sections = self.live(sections)
        renamed = {
            old[form.instance.pk].code: form.instance.code
            for form in live_sections
            if form.instance.pk and old[form.instance.pk].code != form.instance.code
        }
        park_keys(
            ScoreSection,
            gone_sections
            + [
                form.instance
                for form in live_sections
                if form.instance.pk and old[form.instance.pk].code != form.instance.code
            ],
            "code",
        )
        old_criteria = {
            c.pk: (c.section_id, c.code)
            for c in Criterion.objects.filter(section__program=self.program)
        }
        live_criteria = self.live(criteria)
        park_keys(
            Criterion,
            [
                form.instance
                for form in live_criteria
                if form.instance.pk
                and old_criteria[form.instance.pk] != (form.instance.section_id, form.instance.code)
            ],
            "code",
        )
        for form in live_sections:
            section = form.instance
            if section.kind == CriterionKind.SCORE:
                section.max_points = sums.get(section.pk, ZERO) if section.pk else ZERO
            before = old.get(section.pk)
            if (
                before is None
                or form.has_changed()
                or before.max_points != section.max_points
                or before.code != section.code
            ):
                section.program = self.program
                save_with_reason(section, reason)
        for form in live_criteria:
            if not form.instance.pk or form.has_changed():
                save_with_reason(form.instance, reason)
        for section in gone_sections:
            delete_with_reason(section, reason)
        self.follow_renames(renamed)


# Indicators -----------------------------------------------------------------------------


class IndicatorForm(_RowForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "kind", "has_target", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(CODE_VALIDATOR)


class IndicatorEditor(_Editor):
    def __init__(self, program, data=None):
        super().__init__(program, data)
        existing = program.indicators.order_by("order", "pk")
        next_order = max((i.order for i in existing), default=0) + 1
        FormSet = forms.modelformset_factory(
            Indicator, form=IndicatorForm, extra=2, can_delete=True
        )
        self.indicators = FormSet(
            data,
            prefix="indicators",
            queryset=existing,
            initial=[{"order": next_order}, {"order": next_order + 1}],
        )

    def formsets(self):
        return [self.indicators]

    def check(self):
        live = self.live(self.indicators)
        self.duplicates(
            live,
            lambda form: form.cleaned_data["code"].upper(),
            lambda form: (
                _("Code %(code)s is used by another indicator.")
                % {"code": form.cleaned_data["code"]}
            ),
        )
        criteria = list(
            Criterion.objects.filter(section__program=self.program, indicator__isnull=False)
            .select_related("section")
            .order_by("section__order", "order")
        )
        users = defaultdict(list)
        for criterion in criteria:
            users[criterion.indicator_id].append(criterion.label)
        for form in live:
            indicator = form.instance
            data = form.cleaned_data
            if (
                indicator.pk in users
                and not data["has_target"]
                and data["kind"] != IndicatorKind.YES_NO
            ):
                form.add_error(
                    "has_target",
                    _(
                        "Criteria %(criteria)s are scored against this indicator's target: "
                        "keep the target, or score them by hand first."
                    )
                    % {"criteria": ", ".join(users[indicator.pk])},
                )
        # A formset ignores the errors of rows marked for removal: these go above the rows.
        old = dict(self.program.indicators.values_list("pk", "code"))
        deleted = self.deleted(self.indicators)
        for form in deleted:
            if form.instance.pk in users:
                self.errors.append(
                    _(
                        "%(code)s scores criteria %(criteria)s: unlink them in the scoring "
                        "table before removing it."
                    )
                    % {
                        "code": old[form.instance.pk],
                        "criteria": ", ".join(users[form.instance.pk]),
                    }
                )
        entered = sorted(
            set(
                IndicatorValue.objects.filter(
                    indicator__in=[form.instance for form in deleted]
                ).values_list("indicator__code", flat=True)
            )
        )
        if entered:
            self.errors.append(
                _("Units have already entered figures for %(codes)s: they cannot be removed.")
                % {"codes": ", ".join(entered)}
            )
        self.guard_tie_break(old[form.instance.pk] for form in deleted)

    @transaction.atomic
    def save(self):
        reason = self.reason
        old = {i.pk: i.code for i in self.program.indicators.all()}
        deleted = self.deleted(self.indicators)
        for form in deleted:
            delete_with_reason(form.instance, reason)
        live = self.live(self.indicators)
        moved = [
            form.instance
            for form in live
            if form.instance.pk and old[form.instance.pk] != form.instance.code
        ]
        park_keys(Indicator, moved, "code")
        for form in live:
            if not form.instance.pk or form.has_changed():
                form.instance.program = self.program
                save_with_reason(form.instance, reason)
        self.follow_renames({old[i.pk]: i.code for i in moved})


# Classification rules ---------------------------------------------------------------------


class RuleForm(_RowForm):
    class Meta:
        model = ClassificationRule
        fields = ["level", "min_total", "min_criterion_percent", "max_penalty"]
        help_texts = {
            "min_criterion_percent": gettext_lazy("e.g. 50: no criterion below half its points"),
        }

    def clean_min_total(self):
        value = self.cleaned_data.get("min_total")
        if value is not None and value < 0:
            raise ValidationError(_("The threshold cannot be negative."))
        return value


class RuleEditor(_Editor):
    def __init__(self, program, data=None, reachable: Decimal | None = None):
        super().__init__(program, data)
        self.reachable = reachable
        existing = program.classification_rules.all()
        missing = len(RANKED_LEVELS) - existing.count()
        FormSet = forms.modelformset_factory(
            ClassificationRule, form=RuleForm, extra=1 if missing > 0 else 0, can_delete=True
        )
        self.rules = FormSet(data, prefix="rules", queryset=existing)

    def formsets(self):
        return [self.rules]

    def ordered_forms(self):
        """Rows in the order of the levels, best first; new rows last."""
        rank = {level: index for index, level in enumerate(RANKED_LEVELS)}
        return sorted(
            self.rules.forms,
            key=lambda form: (
                form.instance.pk is None,
                rank.get(form.instance.level, len(rank)),
            ),
        )

    def check(self):
        live = self.live(self.rules)
        if not live:
            self.errors.append(_("Keep at least one level's rule."))
            return
        if self.duplicates(
            live,
            lambda form: form.cleaned_data["level"],
            lambda form: (
                _("%(level)s has another rule: one rule per level.")
                % {"level": LEVEL_ABBREVIATIONS[form.cleaned_data["level"]]}
            ),
        ):
            return
        rank = {level: index for index, level in enumerate(RANKED_LEVELS)}
        rows = sorted(
            ((form, form.cleaned_data["level"], form.cleaned_data["min_total"]) for form in live),
            key=lambda row: rank[row[1]],
        )
        for (_form, better, high), (form, worse, low) in zip(rows, rows[1:], strict=False):
            if high <= low:
                form.add_error(
                    "min_total",
                    _(
                        "Thresholds decrease with the level: %(worse)s needs less than "
                        "%(better)s (%(high)s)."
                    )
                    % {
                        "worse": LEVEL_ABBREVIATIONS[worse],
                        "better": LEVEL_ABBREVIATIONS[better],
                        "high": points_text(high),
                    },
                )
        if self.reachable:
            for form, _level, threshold in rows:
                if threshold > self.reachable:
                    form.add_error(
                        "min_total",
                        _(
                            "No unit can reach it: the table gives at most %(max)s points "
                            "with the bonus."
                        )
                        % {"max": points_text(self.reachable)},
                    )

    @transaction.atomic
    def save(self):
        reason = self.reason
        for form in self.deleted(self.rules):
            delete_with_reason(form.instance, reason)
        old = dict(self.program.classification_rules.values_list("pk", "level"))
        live = self.live(self.rules)
        park_keys(
            ClassificationRule,
            [f.instance for f in live if f.instance.pk and old[f.instance.pk] != f.instance.level],
            "level",
        )
        for form in live:
            if not form.instance.pk or form.has_changed():
                form.instance.program = self.program
                save_with_reason(form.instance, reason)
