"""The units a federation's staff keep, by import and export in one layout (one row per
unit): code (the key), name, kind, parent code, from date, place, sector.

A row whose code is new creates the unit under its parent (an existing unit the importer may
place units under, or a row of the same file) from the date. A row whose code exists changes
what differs: a new name from the date (the old one kept as a former name), a new parent from
the date, the kind, place or sector as a correction. Importing the same file again changes
nothing. An exported file carries each row's fingerprint: a row of a unit changed by someone
else since the export is refused rather than overwriting that change.
"""

from __future__ import annotations

import datetime
from graphlib import CycleError, TopologicalSorter

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader

from ..models import (
    RESERVED_ORGANIZATION_CODES,
    Organization,
    OrganizationKind,
    OrganizationSector,
    ParentPeriod,
)
from ..permissions import access_for, forget_access, placement_choices
from .history import stamp
from .imports import (
    ImportFileError,
    ImportPlan,
    RowPlan,
    choice_label,
    choice_value,
    error_messages,
    fingerprint,
    parse_day,
    read_dataset,
    text,
    workbook_with_lists,
)
from .structure import move_organization, rename_organization

COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại hình",
    "parent": "Mã đơn vị cấp trên",
    "from_day": "Từ ngày",
    "locality": "Địa bàn",
    "sector": "Khối",
    "version": "Phiên bản (không sửa)",
}
ROW = "_row"


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


class OrganizationResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=COLUMNS["code"])
    name = fields.Field(attribute="name", column_name=COLUMNS["name"])
    kind = fields.Field(column_name=COLUMNS["kind"])
    parent = fields.Field(column_name=COLUMNS["parent"])
    from_day = fields.Field(column_name=COLUMNS["from_day"])
    locality = fields.Field(attribute="locality", column_name=COLUMNS["locality"])
    sector = fields.Field(column_name=COLUMNS["sector"])
    version = fields.Field(column_name=COLUMNS["version"])

    class Meta:
        model = Organization
        import_id_fields = ("code",)
        fields = ("code", "name", "kind", "parent", "from_day", "locality", "sector", "version")
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        skip_diff = True

    def __init__(self, *, user, reason: str = ""):
        super().__init__()
        self.user = user
        self.reason = reason or _("Imported")
        self.today = timezone.localdate()
        self.plan = ImportPlan()
        self._work: dict[int, dict] = {}

    # Export -------------------------------------------------------------------------------

    def export_rows(self, organizations) -> list[list]:
        parents = ParentPeriod.objects.parents_on([o.pk for o in organizations], self.today)
        rows = []
        for org in organizations:
            parent = parents.get(org.pk)
            started = org.former_names.order_by("-used_until").first()
            day = (started.used_until + datetime.timedelta(days=1)) if started else org.valid_from
            values = self._stored(org, parent)
            rows.append(
                [
                    org.code,
                    org.name,
                    choice_label(org.kind, OrganizationKind.choices),
                    parent.code if parent else "",
                    _fmt(day),
                    org.locality,
                    choice_label(org.sector, OrganizationSector.choices),
                    fingerprint(*values),
                ]
            )
        return rows

    @staticmethod
    def _stored(org, parent) -> tuple:
        return (org.name, org.kind, parent.code if parent else "", org.locality, org.sector)

    # Import -------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        missing = [
            COLUMNS[key]
            for key in ("code", "name", "kind", "parent", "from_day")
            if COLUMNS[key] not in dataset.headers
        ]
        if missing:
            raise ImportFileError(
                _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)}
            )
        for key in ("locality", "sector", "version"):
            if COLUMNS[key] not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=COLUMNS[key])
        headers = list(dataset.headers) + [ROW]
        code_at = headers.index(COLUMNS["code"])
        parent_at = headers.index(COLUMNS["parent"])
        rows = []
        for number, values in enumerate(list(dataset), start=2):
            values = list(values) + [number]
            values[code_at] = text(values[code_at]).lower()
            values[parent_at] = text(values[parent_at]).lower()
            rows.append(values)
        # Parents first: a unit may sit under a row of the same file.
        position = {}
        for index, values in enumerate(rows):
            position.setdefault(values[code_at], index)
        graph = {
            index: {position[values[parent_at]]}
            if values[parent_at] in position and position[values[parent_at]] != index
            else set()
            for index, values in enumerate(rows)
        }
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            raise ImportFileError(
                _("The parents of some rows form a circle: %(codes)s.")
                % {"codes": ", ".join(rows[i][code_at] for i in error.args[1][:-1])}
            ) from error
        dataset.wipe()
        dataset.headers = headers
        for index in order:
            dataset.append(rows[index])
        self.row_of_position = {pos: rows[index][-1] for pos, index in enumerate(order, 1)}
        codes = [values[code_at] for values in rows]
        self.file_rows = {values[code_at]: values[-1] for values in reversed(rows)}
        # What the rows refer to, read once.
        referred = set(codes) | {values[parent_at] for values in rows}
        self.known = {o.code: o for o in Organization.objects.filter(code__in=referred)}
        forget_access(self.user)
        access = access_for(self.user)
        self.is_superuser = access.is_superuser
        self.managed = set(
            Organization.objects.filter(pk__in=access.managed, code__in=referred).values_list(
                "pk", flat=True
            )
        )
        self.placeable = set(
            placement_choices(self.user).filter(code__in=referred).values_list("pk", flat=True)
        )
        self.parents_now = ParentPeriod.objects.parents_on(
            [o.pk for o in self.known.values()], self.today
        )
        self.created: dict[str, Organization] = {}
        self.seen_codes: dict[str, int] = {}

    def import_instance(self, instance, row, **kwargs):
        number = row[ROW]
        plan = RowPlan(number=number, key=text(row[COLUMNS["code"]]).lower())
        self.plan.rows.append(plan)
        errors = []
        code = plan.key
        new = instance.pk is None
        if not code or slugify(code) != code:
            errors.append(
                _("The code must be letters without diacritics, digits and '-', e.g. cdcs-abc.")
            )
        elif new and code in RESERVED_ORGANIZATION_CODES:
            errors.append(_("This code is reserved: choose another."))
        elif code in self.seen_codes:
            errors.append(_("The same code as row %(row)s.") % {"row": self.seen_codes[code]})
        self.seen_codes.setdefault(code, number)
        name = text(row[COLUMNS["name"]])
        if not name:
            errors.append(_("Enter the unit's name."))
        try:
            kind = choice_value(row[COLUMNS["kind"]], OrganizationKind.choices, COLUMNS["kind"])
        except ValidationError as error:
            errors += error_messages(error)
            kind = instance.kind
        try:
            sector = choice_value(
                row.get(COLUMNS["sector"]), OrganizationSector.choices, COLUMNS["sector"]
            )
        except ValidationError as error:
            errors += error_messages(error)
            sector = instance.sector
        try:
            from_day = parse_day(row[COLUMNS["from_day"]], COLUMNS["from_day"])
        except ValidationError as error:
            errors += error_messages(error)
            from_day = None
        locality = text(row.get(COLUMNS["locality"]))
        parent_code = text(row[COLUMNS["parent"]]).lower()
        parent = self.created.get(parent_code) or self.known.get(parent_code)
        if parent_code and parent is None and parent_code in self.file_rows:
            errors.append(
                _("Its parent %(code)s (row %(row)s) cannot be imported: correct that row.")
                % {"code": parent_code, "row": self.file_rows[parent_code]}
            )
        elif parent_code and parent is None:
            errors.append(
                _("No unit has the parent code %(code)s (neither here nor in this file).")
                % {"code": parent_code}
            )
        elif parent is not None and parent.pk == instance.pk and not new:
            errors.append(_("A unit cannot stand below itself."))
        elif (
            parent is not None
            and parent_code not in self.created
            and not self.is_superuser
            and parent.pk not in self.placeable
        ):
            errors.append(_("You cannot place units under %(parent)s.") % {"parent": parent.name})
        work = {"row": plan, "parent": parent, "from_day": from_day, "changes": []}
        if new:
            if not kind:
                errors.append(_("Enter the kind of the new unit."))
            if parent is None and not parent_code and not self.is_superuser:
                errors.append(_("Enter the parent code of the new unit."))
            instance.code, instance.name, instance.kind = code, name, kind
            instance.locality, instance.sector = locality, sector
            instance.valid_from = from_day
            plan.action = "create"
            plan.changes.append(
                _("New unit %(name)s (%(kind)s) under %(parent)s from %(day)s")
                % {
                    "name": name,
                    "kind": choice_label(kind, OrganizationKind.choices),
                    "parent": parent.name if parent else "—",
                    "day": _fmt(from_day) or "—",
                }
            )
        else:
            errors += self._changes(instance, row, work, name, kind, locality, sector)
            plan.action = (
                "update"
                if work["changes"] or work.get("rename") or work.get("move")
                else "unchanged"
            )
        plan.errors = errors
        self._work[id(instance)] = work
        if errors:
            raise ValidationError(errors)

    def _changes(self, org, row, work, name, kind, locality, sector) -> list[str]:
        plan = work["row"]
        errors = []
        if not self.is_superuser and org.pk not in self.managed:
            return [_("You do not keep %(unit)s: it cannot be changed here.") % {"unit": org.name}]
        current_parent = self.parents_now.get(org.pk)
        built = text(row.get(COLUMNS["version"]))
        stored = fingerprint(*self._stored(org, current_parent))
        parent = work["parent"]
        day = work["from_day"]
        if name and name != org.name:
            work["rename"] = name
            plan.changes.append(
                _("Renamed from %(day)s: %(old)s → %(new)s")
                % {"day": _fmt(day) or "?", "old": org.name, "new": name}
            )
        if parent is not None and (current_parent is None or parent.pk != current_parent.pk):
            work["move"] = parent
            plan.changes.append(
                _("Moved from %(day)s: under %(old)s → under %(new)s")
                % {
                    "day": _fmt(day) or "?",
                    "old": current_parent.name if current_parent else "—",
                    "new": parent.name,
                }
            )
        for attribute, value, label in (
            ("kind", kind, COLUMNS["kind"]),
            ("locality", locality, COLUMNS["locality"]),
            ("sector", sector, COLUMNS["sector"]),
        ):
            if value != getattr(org, attribute) and (value or attribute != "kind"):
                setattr(org, attribute, value)
                work["changes"].append(attribute)
                plan.changes.append(_("%(column)s corrected") % {"column": label})
        wants = work.get("rename") or work.get("move") or work["changes"]
        if wants and built and built != stored:
            errors.append(
                _(
                    "%(unit)s was changed after this file was exported: download the file "
                    "again and make your changes there."
                )
                % {"unit": org.name}
            )
        if (work.get("rename") or work.get("move")) and day is None:
            errors.append(_("A new name or parent takes effect from a date: fill in the date."))
        return errors

    def skip_row(self, instance, original, row, import_validation_errors=None):
        work = self._work.get(id(instance), {})
        if import_validation_errors:
            return False
        if instance.pk is None:
            return False
        return not (work.get("rename") or work.get("move") or work.get("changes"))

    def save_instance(self, instance, is_create, row, **kwargs):
        work = self._work[id(instance)]
        if is_create:
            stamp(instance, self.user, self.reason)
            instance.save()
            self.created[instance.code] = instance
            if work["parent"] is not None:
                period = ParentPeriod(
                    organization=instance,
                    parent=work["parent"],
                    valid_from=work["from_day"],
                    decision=self.reason,
                )
                stamp(period, self.user, self.reason)
                period.save()
            return
        try:
            if work.get("changes"):
                stamp(instance, self.user, self.reason)
                instance.save(update_fields=[*work["changes"], "search_text"])
            if work.get("rename"):
                rename_organization(
                    organization=instance,
                    new_name=work["rename"],
                    from_day=work["from_day"],
                    reason=self.reason,
                )
            if work.get("move"):
                move_organization(
                    organization=instance,
                    new_parent=work["move"],
                    from_day=work["from_day"],
                    decision=self.reason,
                )
        except ValidationError as error:
            work["row"].errors += error_messages(error)
            raise


def plan_import(upload, *, user, reason: str = "", write: bool = False) -> ImportPlan:
    """The preview of an import (nothing written), or the import itself when `write` and
    every row is right: all or nothing."""
    try:
        dataset = read_dataset(upload, COLUMNS)
    except ImportFileError as error:
        return ImportPlan(errors=[str(error)])
    resource = OrganizationResource(user=user, reason=reason)
    with translation.override("vi"):
        try:
            result = resource.import_data(
                dataset,
                dry_run=not write,
                use_transactions=True,
                rollback_on_validation_errors=True,
            )
        except ImportFileError as error:
            return ImportPlan(errors=[str(error)])
    if result.base_errors:
        return ImportPlan(errors=[str(error.error) for error in result.base_errors])
    plan = resource.plan
    for position, errors in result.row_errors():
        number = resource.row_of_position.get(position, position)
        for error in errors:
            plan.errors.append(_("Row %(row)s: %(error)s") % {"row": number, "error": error.error})
    plan.rows.sort(key=lambda r: r.number)
    plan.written = write and plan.ok
    return plan


def export_workbook(organizations) -> bytes:
    """The units in the import's layout, with the kinds and sectors in drop-downs."""
    import tablib

    resource = OrganizationResource(user=None)
    dataset = tablib.Dataset(headers=list(COLUMNS.values()))
    for row in resource.export_rows(list(organizations)):
        dataset.append(row)
    with translation.override("vi"):
        lists = {
            COLUMNS["kind"]: [str(label) for _value, label in OrganizationKind.choices],
            COLUMNS["sector"]: [str(label) for _value, label in OrganizationSector.choices],
        }
        return workbook_with_lists(dataset, lists, grey=[COLUMNS["version"]])
