"""The award forms an organisation confers and its rules and quotas of a year, kept by its own
staff: the shipped defaults for its level (a proposal to confirm), saving the forms and the
year's rules, and copying last year's rules.

The defaults follow the demo's provincial federation (`emulation.demo.reviews`): the forms
printed with the organisation's own name, so that what is proposed is what the decision
prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import Level, Organization, OrganizationKind
from clusters.services.history import stamp

from ..models import AwardKind, AwardRule, AwardType, RecipientKind, RuleScope


@dataclass
class DefaultRule:
    scope: str
    max_count: int | None = None
    max_percent: Decimal | None = None
    blocking: bool = True


@dataclass
class DefaultForm:
    name: str
    short_name: str
    kind: str
    requires_level: str = ""
    recipient: str = RecipientKind.COLLECTIVE
    rules: list[DefaultRule] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return AwardKind(self.kind).label

    @property
    def recipient_label(self) -> str:
        return RecipientKind(self.recipient).label

    @property
    def requires_label(self) -> str:
        return Level(self.requires_level).label if self.requires_level else ""


# Levels whose defaults are the provincial federation's: provinces, central sector unions.
PROVINCE_LEVEL = {OrganizationKind.PROVINCIAL, OrganizationKind.CENTRAL_SECTOR}


def default_forms(organization: Organization) -> list[DefaultForm]:
    """The forms an organisation of this level usually confers, with their quotas."""
    name = organization.name
    if organization.kind == OrganizationKind.CONFEDERATION:
        return [
            DefaultForm(
                f"Cờ thi đua xuất sắc dẫn đầu của {name}",
                "Cờ xuất sắc dẫn đầu",
                AwardKind.LEADING_FLAG,
                Level.EXCELLENT,
                rules=[DefaultRule(RuleScope.CLUSTER, max_count=1, blocking=True)],
            ),
            DefaultForm(
                f"Bằng khen của {name}",
                "Bằng khen",
                AwardKind.CERTIFICATE,
                rules=[DefaultRule(RuleScope.SHARE, max_percent=Decimal(20), blocking=False)],
            ),
            DefaultForm(
                "Kỷ niệm chương Vì sự nghiệp xây dựng tổ chức Công đoàn",
                "Kỷ niệm chương",
                AwardKind.MEDAL,
                recipient=RecipientKind.INDIVIDUAL,
            ),
        ]
    if organization.kind in PROVINCE_LEVEL:
        return [
            DefaultForm(
                f"Cờ thi đua của {name}",
                "Cờ thi đua",
                AwardKind.LEADING_FLAG,
                Level.EXCELLENT,
                rules=[DefaultRule(RuleScope.CLUSTER, max_count=1, blocking=True)],
            ),
            DefaultForm(
                f"Cờ thi đua xuất sắc của {name}",
                "Cờ thi đua xuất sắc",
                AwardKind.EXCELLENT_FLAG,
                Level.EXCELLENT,
                rules=[DefaultRule(RuleScope.CLUSTER, max_count=2, blocking=False)],
            ),
            DefaultForm(
                f"Bằng khen của {name}",
                "Bằng khen",
                AwardKind.CERTIFICATE,
                rules=[DefaultRule(RuleScope.SHARE, max_percent=Decimal(20), blocking=False)],
            ),
        ]
    return [
        DefaultForm(
            f"Giấy khen của {name}",
            "Giấy khen",
            AwardKind.GIAY_KHEN,
            rules=[DefaultRule(RuleScope.SHARE, max_percent=Decimal(20), blocking=False)],
        )
    ]


@transaction.atomic
def apply_defaults(*, organization: Organization, year: int, by) -> list[AwardType]:
    """Confirm the proposal: the level's forms and the year's quotas. Only for an
    organisation that has no form yet (the page proposes nothing else)."""
    if AwardType.objects.filter(organizer=organization).exists():
        raise ValidationError(_("This organisation already has its award forms."))
    reason = _("Default award forms for its level")
    created = []
    for order, proposal in enumerate(default_forms(organization), start=1):
        award_type = AwardType(
            organizer=organization,
            name=proposal.name,
            short_name=proposal.short_name,
            kind=proposal.kind,
            requires_level=proposal.requires_level,
            recipient=proposal.recipient,
            order=order,
        )
        stamp(award_type, by, reason)
        award_type.save()
        for rule in proposal.rules:
            award_rule = AwardRule(
                organizer=organization,
                year=year,
                award_type=award_type,
                scope=rule.scope,
                max_count=rule.max_count,
                max_percent=rule.max_percent,
                blocking=rule.blocking,
            )
            stamp(award_rule, by, reason)
            award_rule.save()
        created.append(award_type)
    return created


def rules_source_year(organization: Organization, year: int) -> int | None:
    """The latest earlier year with rules: what "copy from last year" copies."""
    return (
        AwardRule.objects.filter(organizer=organization, year__lt=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


@transaction.atomic
def copy_rules(*, organization: Organization, year: int, by) -> int:
    """The rules of the latest earlier year as this year's, for the forms still in use.
    Refused when the year has rules already (nothing is merged). Returns how many."""
    if AwardRule.objects.filter(organizer=organization, year=year).exists():
        raise ValidationError(_("The rules of %(year)s are set already.") % {"year": year})
    source = rules_source_year(organization, year)
    if source is None:
        raise ValidationError(_("There is no earlier year to copy from."))
    reason = _("Copied from the rules of %(year)s") % {"year": source}
    count = 0
    for rule in AwardRule.objects.filter(
        organizer=organization, year=source, award_type__active=True
    ):
        rule.pk = None
        rule.year = year
        stamp(rule, by, reason)
        rule.save()
        count += 1
    return count
