"""Officers by import: one row per person and unit – unit code, full name, position, e-mail,
phone, role – for the units whose officers the importer keeps.

A row matches a current role at the unit by the e-mail, else by the full name: a match
updates the position, phone and role where they differ; no match creates the person's account
(username proposed from the name) with the role from today. Importing the same file again
changes nothing. New accounts get a one-time password, shown once after the import for the
staff to print and hand over; the first login asks for a password of one's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources

from emulation.text import fold

from ..models import Officer, OfficerRole, Organization, Person
from ..permissions import forget_access, officer_rights
from .history import stamp
from .imports import (
    ImportFileError,
    ImportPlan,
    RowPlan,
    choice_label,
    choice_value,
    error_messages,
    read_dataset,
    text,
    workbook_with_lists,
)
from .people import clean_full_name, propose_username, set_one_time_password

COLUMNS = {
    "unit": "Mã đơn vị",
    "full_name": "Họ và tên",
    "title": "Chức vụ",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "role": "Vai trò",
}
ROW = "_row"
User = get_user_model()


@dataclass
class Credential:
    """A new account's one-time password, shown once after the import."""

    unit: str
    full_name: str
    username: str
    password: str


class OfficerResource(resources.ModelResource):
    unit = fields.Field(column_name=COLUMNS["unit"])
    full_name = fields.Field(column_name=COLUMNS["full_name"])
    title = fields.Field(attribute="title", column_name=COLUMNS["title"])
    email = fields.Field(column_name=COLUMNS["email"])
    phone = fields.Field(column_name=COLUMNS["phone"])
    role = fields.Field(column_name=COLUMNS["role"])

    class Meta:
        model = Officer
        fields = ("unit", "full_name", "title", "email", "phone", "role")
        import_id_fields = ()
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
        self.credentials: list[Credential] = []
        self._work: dict[int, dict] = {}

    def before_import(self, dataset, **kwargs):
        missing = [
            COLUMNS[key]
            for key in ("unit", "full_name", "role")
            if COLUMNS[key] not in dataset.headers
        ]
        if missing:
            raise ImportFileError(
                _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)}
            )
        for key in ("title", "email", "phone"):
            if COLUMNS[key] not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=COLUMNS[key])
        dataset.append_col(list(range(2, len(dataset) + 2)), header=ROW)
        codes = {text(row[COLUMNS["unit"]]).lower() for row in dataset.dict}
        forget_access(self.user)
        self.units = {o.code: o for o in Organization.objects.filter(code__in=codes)}
        self.rights = {code: officer_rights(self.user, org) for code, org in self.units.items()}
        officers = (
            Officer.objects.current(self.today)
            .filter(organization__in=self.units.values())
            .select_related("user", "user__person", "organization")
        )
        self.current: dict[tuple, Officer] = {}
        for officer in officers:
            code = officer.organization.code
            if officer.user.email:
                self.current.setdefault((code, "email", officer.user.email.lower()), officer)
            name = fold(officer.user.get_full_name())
            self.current.setdefault((code, "name", name), officer)
        self.seen: dict[tuple, int] = {}
        self.usernames: set[str] = set()

    def get_or_init_instance(self, instance_loader, row):
        code = text(row[COLUMNS["unit"]]).lower()
        email = text(row.get(COLUMNS["email"])).lower()
        name = fold(clean_full_name(text(row[COLUMNS["full_name"]])))
        found = (email and self.current.get((code, "email", email))) or self.current.get(
            (code, "name", name)
        )
        if found is not None:
            return found, False
        return Officer(), True

    def import_instance(self, instance, row, **kwargs):
        number = row[ROW]
        code = text(row[COLUMNS["unit"]]).lower()
        full_name = clean_full_name(text(row[COLUMNS["full_name"]]))
        plan = RowPlan(number=number, key=f"{code} · {full_name}")
        self.plan.rows.append(plan)
        errors = []
        unit = self.units.get(code)
        if unit is None:
            errors.append(_("No unit has the code %(code)s.") % {"code": code or "—"})
        if not full_name:
            errors.append(_("Enter the person's full name."))
        email = text(row.get(COLUMNS["email"]))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_('"%(value)s" is not an e-mail address.') % {"value": email[:60]})
        try:
            role = choice_value(row[COLUMNS["role"]], OfficerRole.choices, COLUMNS["role"])
        except ValidationError as error:
            errors += error_messages(error)
            role = ""
        if not role:
            errors.append(_("Enter the role: %(roles)s.") % {"roles": self._roles()})
        rights = self.rights.get(code)
        if unit is not None and rights is not None:
            if not rights.manages:
                errors.append(_("You do not keep the officers of %(unit)s.") % {"unit": unit.name})
            elif not rights.manage_all and role and role != OfficerRole.VIEWER:
                errors.append(_("At %(unit)s you add viewers only.") % {"unit": unit.name})
        key = (code, fold(email) or fold(full_name))
        if key in self.seen:
            errors.append(_("The same person and unit as row %(row)s.") % {"row": self.seen[key]})
        self.seen.setdefault(key, number)
        title = text(row.get(COLUMNS["title"]))
        phone = text(row.get(COLUMNS["phone"]))
        work = {"row": plan, "unit": unit, "full_name": full_name, "email": email, "phone": phone}
        if instance.pk is None:
            instance.organization = unit if unit is not None else Organization()
            instance.role, instance.title = role or OfficerRole.VIEWER, title
            instance.valid_from = self.today
            plan.action = "create"
            plan.changes.append(
                _("New account for %(name)s: %(role)s at %(unit)s")
                % {
                    "name": full_name,
                    "role": choice_label(role, OfficerRole.choices) or "—",
                    "unit": unit.name if unit else code,
                }
            )
        else:
            changes = []
            if role and role != instance.role:
                instance.role = role
                changes.append(
                    _("role → %(role)s") % {"role": choice_label(role, OfficerRole.choices)}
                )
            if title != instance.title:
                instance.title = title
                changes.append(_("position → %(title)s") % {"title": title or "—"})
            person = getattr(instance.user, "person", None)
            if phone and phone != (person.phone if person else ""):
                work["new_phone"] = phone
                changes.append(_("phone → %(phone)s") % {"phone": phone})
            if email and email.lower() != instance.user.email.lower():
                work["new_email"] = email
                changes.append(_("e-mail → %(email)s") % {"email": email})
            work["changes"] = changes
            plan.action = "update" if changes else "unchanged"
            if changes:
                plan.changes.append(
                    _("%(name)s at %(unit)s: %(changes)s")
                    % {"name": full_name, "unit": unit.name, "changes": "; ".join(changes)}
                )
        plan.errors = errors
        self._work[id(instance)] = work
        if errors:
            raise ValidationError(errors)

    def _roles(self) -> str:
        return ", ".join(
            choice_label(value, OfficerRole.choices) for value, _l in OfficerRole.choices
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return not self._work.get(id(instance), {}).get("changes")

    def save_instance(self, instance, is_create, row, **kwargs):
        work = self._work[id(instance)]
        if is_create:
            username = propose_username(work["full_name"], taken=self.usernames)
            self.usernames.add(username)
            user = User(username=username, first_name=work["full_name"], email=work["email"])
            user.set_unusable_password()
            stamp(user, self.user, self.reason)
            user.save()
            person = Person(user=user, phone=work["phone"])
            stamp(person, self.user, self.reason)
            person.save()
            instance.user = user
            stamp(instance, self.user, self.reason)
            instance.save()
            password = set_one_time_password(user, by=self.user, reason=self.reason)
            self.credentials.append(
                Credential(work["unit"].name, work["full_name"], username, password)
            )
            return
        stamp(instance, self.user, self.reason)
        instance.save()
        user = instance.user
        if work.get("new_email"):
            user.email = work["new_email"]
            stamp(user, self.user, self.reason)
            user.save()
        if work.get("new_phone"):
            person, _created = Person.objects.get_or_create(user=user)
            person.phone = work["new_phone"]
            stamp(person, self.user, self.reason)
            person.save()


def plan_import(upload, *, user, reason: str = "", write: bool = False) -> ImportPlan:
    """The preview (nothing written), or the import itself when `write` and every row is
    right. The plan's `extra["credentials"]` lists the new accounts' one-time passwords."""
    try:
        dataset = read_dataset(upload, COLUMNS)
    except ImportFileError as error:
        return ImportPlan(errors=[str(error)])
    resource = OfficerResource(user=user, reason=reason)
    with translation.override("vi"):
        result = resource.import_data(
            dataset, dry_run=not write, use_transactions=True, rollback_on_validation_errors=True
        )
    if result.base_errors:
        return ImportPlan(errors=[str(error.error) for error in result.base_errors])
    plan = resource.plan
    for position, errors in result.row_errors():
        for error in errors:
            plan.errors.append(
                _("Row %(row)s: %(error)s") % {"row": position + 1, "error": error.error}
            )
    plan.rows.sort(key=lambda r: r.number)
    plan.written = write and plan.ok
    plan.extra["credentials"] = resource.credentials if plan.written else []
    return plan


def template_workbook(officers=()) -> bytes:
    """The import's layout (with the current officers given), roles in a drop-down."""
    dataset = tablib.Dataset(headers=list(COLUMNS.values()))
    for officer in officers:
        person = getattr(officer.user, "person", None)
        dataset.append(
            [
                officer.organization.code,
                officer.user.get_full_name(),
                officer.title,
                officer.user.email,
                person.phone if person else "",
                choice_label(officer.role, OfficerRole.choices),
            ]
        )
    with translation.override("vi"):
        lists = {COLUMNS["role"]: [str(label) for _v, label in OfficerRole.choices]}
        return workbook_with_lists(dataset, lists)
