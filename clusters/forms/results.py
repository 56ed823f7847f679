"""The scoring form of one unit's result, built from the programme's table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emulation.forms import (
    DirectCheckboxInput,
    DirectSelect,
    DirectTextarea,
    DirectTextInput,
    FigureField,
    parse_figure,
)

from ..models import IndicatorKind, Qualifier, ScoreEntry
from ..services.results import score_errors
from ..services.scoring import Table


def _plain(value):
    """26.00 → 26 and 1500000.00 → 1500000 in the form; 12.50 stays 12.5."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _points_field(criterion, disabled: bool, **attrs) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=0,
        max_value=criterion.max_points,
        max_digits=6,
        decimal_places=1,
        localize=True,
        disabled=disabled,
        widget=DirectTextInput(
            attrs={
                "class": "form-control form-control-sm text-end score-input",
                "inputmode": "decimal",
                "data-max": str(criterion.max_points),
                "aria-label": criterion.label,
                **attrs,
            }
        ),
    )


def _key(value) -> str:
    """A field's value as compared across saves: 1,50 = 1.5; blank = None; booleans 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return str(_plain(value))
    return str(value).strip()


@dataclass
class Conflict:
    """A field the user changed that another officer changed too, to something else, after
    the user opened the form: both values are shown and the user chooses."""

    name: str
    mine: str
    theirs: str


class ResultForm(forms.Form):
    """Fields per criterion: self_<pk>, verified_<pk>, explanation_<pk>, na_<pk>; per
    indicator: target_<pk>, actual_<pk>. Fields the user may not change are disabled, so
    their posted values are ignored.

    The optimistic lock: `version` is the result's version the form was built from, and
    `base` (JSON) each field's value as stored then and as shown then (the head's verified
    score starts as the self-score). A save writes only the fields whose value differs from
    the stored one; after a stale save is refused, `rebase` rebuilds the form on the current
    result: what the user did not touch takes the stored value, what only the user changed is
    kept, and a field both changed becomes a `Conflict` the user decides with keep_<field>."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    base = forms.CharField(required=False, widget=forms.HiddenInput)
    conflicts = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Note for the history (optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(
        self, *args, table: Table, entries: dict, values: dict, rights, shown=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.table = table
        self.rights = rights
        self._stored: dict[str, str] = {}
        can_self, can_verify = rights.enter_self, rights.verify
        for criterion in table.criteria:
            if criterion.is_computed:
                continue
            entry = entries.get(criterion.pk) or ScoreEntry()
            pk = criterion.pk
            self.fields[f"self_{pk}"] = _points_field(criterion, not can_self)
            self.fields[f"verified_{pk}"] = _points_field(
                criterion, not can_verify, tabindex="1" if can_verify else "-1"
            )
            self.fields[f"explanation_{pk}"] = forms.CharField(
                required=False,
                disabled=not can_verify,
                widget=DirectTextarea(
                    attrs={"rows": 1, "class": "form-control form-control-sm explanation"}
                ),
            )
            self.fields[f"na_{pk}"] = forms.BooleanField(
                required=False,
                disabled=not can_self,
                widget=DirectCheckboxInput(attrs={"class": "form-check-input"}),
            )
            verified = entry.verified_score
            if verified is None and can_verify and entry.self_score is not None:
                # The head confirms a score by leaving it: it starts as the self-score.
                verified = entry.self_score
            self.initial.update(
                {
                    f"self_{pk}": _plain(entry.self_score),
                    f"verified_{pk}": _plain(verified),
                    f"explanation_{pk}": entry.explanation,
                    f"na_{pk}": entry.not_applicable,
                }
            )
            self._stored.update(
                {
                    f"self_{pk}": _key(entry.self_score),
                    f"verified_{pk}": _key(entry.verified_score),
                    f"explanation_{pk}": _key(entry.explanation),
                    f"na_{pk}": _key(entry.not_applicable),
                }
            )
        for indicator in table.indicators:
            value = values.get(indicator.pk)
            for name in ("target", "actual"):
                if name == "target" and not indicator.has_target:
                    continue
                self.fields[f"{name}_{indicator.pk}"] = FigureField(
                    required=False,
                    min_value=0,
                    max_value=1 if indicator.kind == IndicatorKind.YES_NO else None,
                    max_digits=18,
                    decimal_places=2,
                    localize=True,
                    disabled=not can_self,
                    widget=DirectTextInput(
                        attrs={
                            "class": "form-control form-control-sm text-end",
                            "inputmode": "decimal",
                            "aria-label": f"{indicator.name} – {name}",
                        }
                    ),
                )
                self.initial[f"{name}_{indicator.pk}"] = _plain(getattr(value, name, None))
                self._stored[f"{name}_{indicator.pk}"] = _key(getattr(value, name, None))
            if indicator.kind != IndicatorKind.YES_NO:
                # "trên 1.200": how exact the reported figure is, kept with it.
                name = f"qualifier_{indicator.pk}"
                self.fields[name] = forms.ChoiceField(
                    required=False,
                    choices=[("", _("exact")), *Qualifier.choices],
                    disabled=not can_self,
                    widget=DirectSelect(
                        attrs={
                            "class": "form-select form-select-sm",
                            "aria-label": f"{indicator.name} – {_('the actual figure is')}",
                        }
                    ),
                )
                qualifier = getattr(value, "qualifier", "") or ""
                self.initial[name] = qualifier
                self._stored[name] = _key(qualifier)
        if "base" not in self.initial:
            self.initial["base"] = json.dumps(
                {name: [self._shown(name), stored] for name, stored in self._stored.items()},
                separators=(",", ":"),
            )
        # After a stale refusal: the values to show instead of the stored ones.
        self.initial.update(shown or {})
        self.conflict_list = self._conflicts_posted()
        for conflict in self.conflict_list:
            self.fields[f"keep_{conflict.name}"] = forms.ChoiceField(
                choices=[("mine", _("keep mine")), ("theirs", _("take the saved value"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose which value to keep.")},
            )

    # The optimistic lock ----------------------------------------------------------------

    def _shown(self, name: str) -> str:
        return _key(self.initial.get(name))

    def _base(self) -> dict[str, list[str]]:
        raw = self.data.get("base") if self.is_bound else self.initial.get("base")
        try:
            base = json.loads(raw or "{}")
        except ValueError:
            return {}
        return base if isinstance(base, dict) else {}

    def _conflicts_posted(self) -> list[Conflict]:
        raw = self.data.get("conflicts") if self.is_bound else self.initial.get("conflicts")
        try:
            items = json.loads(raw or "[]")
        except ValueError:
            return []
        return [
            Conflict(*item)
            for item in items
            if isinstance(item, list) and len(item) == 3 and item[0] in self._stored
        ]

    def _value(self, name: str):
        """The cleaned value to save: a conflict decided for the saved value takes it."""
        data = self.cleaned_data
        if data.get(f"keep_{name}") == "theirs":
            return self._stored_value(name)
        return data.get(name)

    def _stored_value(self, name: str):
        raw = self._base().get(name, ["", ""])[1]
        field = self.fields[name]
        if isinstance(field, forms.BooleanField):
            return raw == "1"
        if isinstance(field, forms.CharField | forms.ChoiceField):
            return raw
        return Decimal(raw) if raw else None

    def written(self) -> set[str]:
        """The fields a save writes: those whose value differs from the value stored when
        the form was built (never a value the user did not touch – save for the head's
        verified score, which the head confirms by leaving it as shown)."""
        base = self._base()
        out = set()
        for name in self._stored:
            if name not in self.cleaned_data or self.fields[name].disabled:
                continue
            stored = base.get(name, [None, self._stored[name]])[1]
            if _key(self._value(name)) != stored:
                out.add(name)
        return out

    def rebase(self, current_entries: dict, current_values: dict, current_version: int):
        """The form again after a stale refusal, built on the result as it is now."""
        base = self._base()
        fresh = ResultForm(
            table=self.table,
            entries=current_entries,
            values=current_values,
            rights=self.rights,
            initial={"version": current_version},
        )
        data = {}
        conflicts = []
        for name in self._stored:
            field = self.fields[name]
            now_shown = fresh.initial.get(name)
            now_stored = fresh._stored.get(name, "")
            if field.disabled or name not in self.cleaned_data:
                data[name] = now_shown
                continue
            mine = _key(self._value(name))
            shown, stored_then = base.get(name, [mine, now_stored])
            if mine == shown:
                data[name] = now_shown  # not touched: what is stored now
            elif now_stored == stored_then or now_stored == mine:
                data[name] = self._value(name)  # only this user changed it
            else:
                data[name] = self._value(name)
                conflicts.append([name, mine, now_stored])
        return ResultForm(
            table=self.table,
            entries=current_entries,
            values=current_values,
            rights=self.rights,
            initial={
                "version": current_version,
                "base": fresh.initial["base"],
                "conflicts": json.dumps(conflicts, separators=(",", ":")),
                "reason": self.cleaned_data.get("reason", ""),
            },
            shown=data,
        )

    def clean(self):
        cleaned = super().clean()
        whole = {IndicatorKind.COUNT, IndicatorKind.MONEY}
        for indicator in self.table.indicators:
            for name in ("target", "actual"):
                value = cleaned.get(f"{name}_{indicator.pk}")
                if indicator.kind in whole and value is not None and value != value.to_integral():
                    self.add_error(f"{name}_{indicator.pk}", _("A count is a whole number."))
        for name, value in list(cleaned.items()):
            if (
                name.startswith(("self_", "verified_"))
                and value is not None
                and value * 2 != (value * 2).to_integral_value()
            ):
                self.add_error(name, _("Scores are given in half points (e.g. 1,5)."))
        if self.errors:
            return cleaned
        errors = score_errors(self.table, self.scores())
        field_of = {
            "self_score": "self",
            "verified_score": "verified",
            "explanation": "explanation",
        }
        for (criterion_id, name), message in errors.items():
            self.add_error(f"{field_of[name]}_{criterion_id}", message)
        return cleaned

    def scores(self) -> dict[int, dict]:
        """The scores the user may change, as the services take them."""
        out = {}
        value = self._value
        for criterion in self.table.criteria:
            pk = criterion.pk
            if f"self_{pk}" not in self.fields:
                continue
            item = {}
            if self.rights.enter_self:
                item["self_score"] = value(f"self_{pk}")
                item["not_applicable"] = bool(value(f"na_{pk}"))
            if self.rights.verify:
                item["verified_score"] = value(f"verified_{pk}")
                item["explanation"] = (value(f"explanation_{pk}") or "").strip()
            if not self.rights.enter_self:
                item["self_score"] = self.initial.get(f"self_{pk}")
                item["not_applicable"] = bool(self.initial.get(f"na_{pk}"))
            out[pk] = item
        return out

    FIELD_OF = {
        "self_score": "self",
        "not_applicable": "na",
        "verified_score": "verified",
        "explanation": "explanation",
    }

    def editable_scores(self) -> dict[int, dict]:
        """The scores this save writes: what the user may change and changed."""
        keep = set()
        if self.rights.enter_self:
            keep |= {"self_score", "not_applicable"}
        if self.rights.verify:
            keep |= {"verified_score", "explanation"}
        written = self.written()
        out = {}
        for pk, item in self.scores().items():
            changed = {
                k: v for k, v in item.items() if k in keep and f"{self.FIELD_OF[k]}_{pk}" in written
            }
            if changed:
                out[pk] = changed
        return out

    def figures(self) -> dict[int, dict]:
        """The figures this save writes: what the unit's side changed."""
        if not self.rights.enter_self:
            return {}
        written = self.written()
        out = {}
        for indicator in self.table.indicators:
            item = {
                name: self._value(f"{name}_{indicator.pk}")
                for name in ("target", "actual", "qualifier")
                if f"{name}_{indicator.pk}" in written
            }
            if "qualifier" in item:
                item["qualifier"] = item["qualifier"] or ""
            if item:
                out[indicator.pk] = item
        return out


def preview_rows(table: Table, data, entries: dict, values: dict):
    """In-memory score and figure rows from a form's raw data, for the running totals: what
    parses is counted, the rest is left as it was."""
    from ..models import IndicatorValue

    def number(name, fallback):
        raw = (data.get(name) or "").strip().replace(" ", "")
        if not raw:
            return None
        try:
            value = parse_figure(raw)
        except (ArithmeticError, forms.ValidationError):
            return fallback
        if not value.is_finite() or value.adjusted() > 15:
            return fallback
        return value

    scores = {}
    for criterion in table.criteria:
        pk = criterion.pk
        entry = entries.get(pk)
        old = entry or ScoreEntry()
        scores[pk] = ScoreEntry(
            criterion_id=pk,
            self_score=number(f"self_{pk}", old.self_score)
            if f"self_{pk}" in data
            else old.self_score,
            verified_score=number(f"verified_{pk}", old.verified_score)
            if f"verified_{pk}" in data
            else old.verified_score,
            not_applicable=bool(data.get(f"na_{pk}"))
            if f"self_{pk}" in data
            else old.not_applicable,
        )
    figures = {}
    for indicator in table.indicators:
        old = values.get(indicator.pk) or IndicatorValue()
        figures[indicator.pk] = IndicatorValue(
            indicator_id=indicator.pk,
            target=number(f"target_{indicator.pk}", old.target)
            if f"target_{indicator.pk}" in data
            else old.target,
            actual=number(f"actual_{indicator.pk}", old.actual)
            if f"actual_{indicator.pk}" in data
            else old.actual,
        )
    return scores, figures


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Classification"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Required when it differs from the suggestion."),
    )
    beyond_cap = forms.BooleanField(
        label=gettext_lazy("Record it beyond the cap on the top level"), required=False
    )

    def __init__(self, *args, **kwargs):
        from ..models import Level

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "–"), *Level.choices]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class EvidenceForm(forms.Form):
    MAX_BYTES = 10 * 1024 * 1024
    TYPES = {
        ".pdf": "application/pdf",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".doc": "application/msword",
        ".xls": "application/vnd.ms-excel",
    }
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    criterion = forms.ChoiceField(label=gettext_lazy("For the criterion"), required=False)
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    link = forms.URLField(
        label=gettext_lazy("or a link"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, table: Table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "–")] + [
            (c.pk, f"{c.label} {c.title[:60]}") for c in table.criteria
        ]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        name = upload.name.lower()
        extension = name[name.rfind(".") :] if "." in name else ""
        if extension not in self.TYPES:
            raise forms.ValidationError(
                _("Accepted files: %(types)s.") % {"types": ", ".join(sorted(self.TYPES))}
            )
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("A file may be at most 10 MB."))
        head = upload.read(8)
        upload.seek(0)
        signatures = {
            ".pdf": b"%PDF",
            ".png": b"\x89PNG",
            ".jpg": b"\xff\xd8",
            ".jpeg": b"\xff\xd8",
        }
        # Word and Excel: a zip (2007 and later) or an OLE2 compound file (97–2003).
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        signatures.update({".docx": b"PK", ".xlsx": b"PK", ".doc": ole2, ".xls": ole2})
        expected = signatures.get(extension)
        if expected and not head.startswith(expected):
            raise forms.ValidationError(_("The file's content does not match its type."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("link") and not self.errors:
            raise forms.ValidationError(_("Attach a file or give a link."))
        return cleaned
