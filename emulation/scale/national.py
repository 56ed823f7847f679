"""Build the national dataset in bulk.

The tree (codes start with `qg-`): the confederation `qg-tld`; 63 provincial federations
`qg-tinh-01` … `qg-tinh-63` until 30/6/2025, of which 01–34 continue and 35–63 end, each merged
into one of 01–29; about 700 district federations `qg-huyen-001` … under the 63, all ended on
30/6/2025 with their province's successor as theirs; about 125,000 grassroots unions
`qg-cs-000001` … below the districts until 30/6/2025 and below the successor province from
1/7/2025. The restructuring is recorded as the service records it: one `Restructuring` per
continuing province with the organisations it ended, the periods it closed and opened and the
clusters it ended – so it can be undone like one made on screen.

Clusters: each district organised clusters of 25 of its grassroots unions in 2023 and 2024
(ended with their organiser); each of the 34 provinces organises up to 60 clusters of 25 of its
units from 1/7/2025, with the years 2025 (closed) and 2026 (open). Every year has its head and
deputy, the default programme of its organiser, a result per member with its scores and figures
(totals and classification as the scoring service computes them), and every closed year its
review meeting with attendance, two nominations and the organiser's decision (the provinces'
2025 nominations of every other cluster are still waiting in the inbox).

Every organisation has an officer; everyone's password is `SCALE_PASSWORD`, hashed once. The
four personas of `make bench` are named in `PERSONAS`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from awards.models import (
    Award,
    AwardKind,
    AwardType,
    Decision,
    Nomination,
    NominationStatus,
    Proposal,
    ProposalStatus,
)
from clusters.models import (
    AnnualResult,
    Attendance,
    ClassificationRule,
    Cluster,
    ClusterKind,
    ClusterYear,
    ClusterYearStatus,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Officer,
    OfficerRole,
    Organization,
    OrganizationKind,
    OrganizationLink,
    OrganizationSector,
    OrganizationStatus,
    ParentPeriod,
    Restructuring,
    ResultStatus,
    ScoreEntry,
    ScoreSection,
)
from clusters.services import create_default_program
from clusters.services.scoring import compute_totals, load_table, suggest_level
from emulation.text import fold

from .bulk import BulkWriter

D = datetime.date
SCALE_PASSWORD = "quymo"
CONFEDERATION = "qg-tld"
LAST_DAY = D(2025, 6, 30)
FIRST_DAY = D(2025, 7, 1)
DISTRICT_YEARS = (2023, 2024)
PROVINCE_YEARS = (2025, 2026)
CLUSTER_SIZE = 25
PROVINCES_BEFORE = 63
PROVINCES_AFTER = 34
REASON = "Dữ liệu quy mô quốc gia (seed_scale)"

# username → (who, the organisation's code or how it is found). The head and the member are
# officers of units of the first cluster of qg-tinh-01 in 2026.
PERSONAS = {
    "confederation": "qg-tongliendoan",
    "province": "qg-tinh",
    "head": "qg-cumtruong",
    "member": "qg-thanhvien",
}
PERSONA_LABELS = {
    "confederation": "cán bộ Tổng Liên đoàn (qg-tld)",
    "province": "cán bộ LĐLĐ tỉnh Mẫu 01 (qg-tinh-01), kế thừa LĐLĐ tỉnh Mẫu 35",
    "head": "cán bộ của đơn vị cụm trưởng cụm qg-tinh-01-cum-01 năm 2026",
    "member": "cán bộ của một đơn vị thành viên cụm qg-tinh-01-cum-01",
}
SECTORS = [s for s, _label in OrganizationSector.choices]


# The tables written by the million, whose foreign keys are checked once at the end.
BULK_MODELS = [
    ParentPeriod,
    Officer,
    Membership,
    AnnualResult,
    ScoreEntry,
    IndicatorValue,
    Attendance,
    Nomination,
    Award,
]


class AlreadyLoaded(Exception):
    """The national dataset is there: seed_scale writes nothing."""


@dataclass
class Sizes:
    districts: int
    grassroots: int
    province_clusters: int = 60

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        return cls(
            districts=max(1, round(700 * scale)),
            grassroots=max(3 * CLUSTER_SIZE, round(125_000 * scale)),
        )


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    personas: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def province_code(number: int) -> str:
    return f"qg-tinh-{number:02d}"


def successor_province(number: int) -> int:
    """The continuing province (1–34) an old province (1–63) merged into, or itself."""
    return number if number <= PROVINCES_AFTER else (number - PROVINCES_AFTER - 1) % 29 + 1


def _decision(province: int) -> str:
    return (
        "Nghị quyết số 202/2025/QH15 ngày 12/6/2025; hướng dẫn của Tổng Liên đoàn Lao động "
        f"Việt Nam về sắp xếp tổ chức công đoàn (tỉnh Mẫu {province:02d})"
    )


class Builder:
    def __init__(self, sizes: Sizes, progress: Callable[[str], None]):
        self.sizes = sizes
        self.progress = progress
        self.w = BulkWriter()
        self.password = make_password(SCALE_PASSWORD)

    # The tree ---------------------------------------------------------------------------

    def organization(self, pk, code, name, kind, **extra):
        return {
            "id": pk,
            "code": code,
            "name": name,
            "kind": kind,
            "search_text": fold(name),
            **extra,
        }

    def build_tree(self):
        w, sizes = self.w, self.sizes
        total = 1 + PROVINCES_BEFORE + sizes.districts + sizes.grassroots
        ids = iter(w.ids(Organization, total))
        self.confederation = next(ids)
        self.provinces = {n: next(ids) for n in range(1, PROVINCES_BEFORE + 1)}
        self.districts = [next(ids) for _ in range(sizes.districts)]
        self.grassroots = [next(ids) for _ in range(sizes.grassroots)]
        # Which old province each district stood under, and each unit's district.
        self.district_province = [d % PROVINCES_BEFORE + 1 for d in range(sizes.districts)]
        self.unit_district = [g % sizes.districts for g in range(sizes.grassroots)]
        self.unit_province = [
            successor_province(self.district_province[d]) for d in self.unit_district
        ]
        ended = {"valid_to": LAST_DAY, "status": OrganizationStatus.ENDED}
        rows = [
            self.organization(
                self.confederation,
                CONFEDERATION,
                "Tổng Liên đoàn Lao động Việt Nam (dữ liệu quy mô quốc gia)",
                OrganizationKind.CONFEDERATION,
                locality="Hà Nội",
            )
        ]
        for number, pk in self.provinces.items():
            extra = {}
            if number > PROVINCES_AFTER:
                extra = {**ended, "end_decision": _decision(successor_province(number))}
            rows.append(
                self.organization(
                    pk,
                    province_code(number),
                    f"Liên đoàn Lao động tỉnh Mẫu {number:02d}",
                    OrganizationKind.PROVINCIAL,
                    locality=f"Tỉnh Mẫu {number:02d}",
                    **extra,
                )
            )
        for index, pk in enumerate(self.districts):
            province = successor_province(self.district_province[index])
            rows.append(
                self.organization(
                    pk,
                    f"qg-huyen-{index + 1:03d}",
                    f"Liên đoàn Lao động huyện Mẫu {index + 1:03d}",
                    OrganizationKind.DISTRICT,
                    locality=f"Huyện Mẫu {index + 1:03d}",
                    end_decision=_decision(province),
                    **ended,
                )
            )
        for index, pk in enumerate(self.grassroots):
            rows.append(
                self.organization(
                    pk,
                    f"qg-cs-{index + 1:06d}",
                    f"Công đoàn cơ sở Đơn vị Mẫu {index + 1:06d}",
                    OrganizationKind.GRASSROOTS,
                    sector=SECTORS[index % len(SECTORS)],
                    locality=f"Huyện Mẫu {self.unit_district[index] + 1:03d}",
                )
            )
        w.write(Organization, rows)
        self.progress(f"{len(rows)} organisations")

        # Parent periods, and what the restructuring of each continuing province changed.
        changes = {
            p: {
                "organizations": [],
                "periods": [],
                "created_periods": [],
                "cluster_years": [],
                "memberships": [],
                "clusters": [],
            }
            for p in range(1, PROVINCES_AFTER + 1)
        }
        self.ended_by = {p: [] for p in range(1, PROVINCES_AFTER + 1)}
        period_ids = iter(
            w.ids(ParentPeriod, PROVINCES_BEFORE + sizes.districts + 2 * sizes.grassroots)
        )
        periods, successors = [], []
        for number, pk in self.provinces.items():
            period = {
                "id": next(period_ids),
                "organization_id": pk,
                "parent_id": self.confederation,
            }
            if number > PROVINCES_AFTER:
                heir = successor_province(number)
                period["valid_to"] = LAST_DAY
                changes[heir]["periods"].append({"id": period["id"], "valid_to": None})
                self._ended(changes[heir], pk, heir)
                successors.append((pk, self.provinces[heir]))
            periods.append(period)
        for index, pk in enumerate(self.districts):
            heir = successor_province(self.district_province[index])
            period = {
                "id": next(period_ids),
                "organization_id": pk,
                "parent_id": self.provinces[self.district_province[index]],
                "valid_to": LAST_DAY,
            }
            changes[heir]["periods"].append({"id": period["id"], "valid_to": None})
            self._ended(changes[heir], pk, heir)
            successors.append((pk, self.provinces[heir]))
            periods.append(period)
        for index, pk in enumerate(self.grassroots):
            heir = self.unit_province[index]
            before = {
                "id": next(period_ids),
                "organization_id": pk,
                "parent_id": self.districts[self.unit_district[index]],
                "valid_to": LAST_DAY,
            }
            after = {
                "id": next(period_ids),
                "organization_id": pk,
                "parent_id": self.provinces[heir],
                "valid_from": FIRST_DAY,
                "decision": _decision(heir),
            }
            changes[heir]["periods"].append({"id": before["id"], "valid_to": None})
            changes[heir]["created_periods"].append(after["id"])
            periods += [before, after]
        # Each period keeps its unit's name (`ParentPeriod.unit_name`), as `save` sets it.
        names = self.names = {row["id"]: row["name"] for row in rows}
        for period in periods:
            period["unit_name"] = names[period["organization_id"]]
        w.write(ParentPeriod, periods)
        through = Organization.successors.through
        w.write(
            through,
            (
                {"id": pk, "from_organization_id": a, "to_organization_id": b}
                for pk, (a, b) in zip(w.ids(through, len(successors)), successors, strict=True)
            ),
        )
        self.progress(f"{len(periods)} parent periods")
        self.changes = changes

    def _ended(self, changes, pk, heir):
        changes["organizations"].append(
            {"id": pk, "status": "active", "valid_to": None, "end_decision": "", "successors": []}
        )
        self.ended_by[heir].append(pk)

    def record_restructurings(self):
        """One record per continuing province, as `apply_restructuring` writes it."""
        w = self.w
        provinces = [p for p in range(1, PROVINCES_AFTER + 1) if self.ended_by[p]]
        ids = dict(zip(provinces, w.ids(Restructuring, len(provinces)), strict=True))
        rows = []
        for p in provinces:
            changes = self.changes[p]
            changes["successors_set"] = {str(pk): [self.provinces[p]] for pk in self.ended_by[p]}
            rows.append(
                {
                    "id": ids[p],
                    "decision": _decision(p),
                    "last_day": LAST_DAY,
                    "note": "Kết thúc hoạt động LĐLĐ cấp huyện; hợp nhất LĐLĐ tỉnh.",
                    "created_at": w.now,
                    "changes": changes,
                    "applied_at": w.now,
                }
            )
        w.write(Restructuring, rows)
        through = Restructuring.ended.through
        pairs = [(ids[p], pk) for p in provinces for pk in self.ended_by[p]]
        w.write(
            through,
            (
                {"id": pk, "restructuring_id": r, "organization_id": o}
                for pk, (r, o) in zip(w.ids(through, len(pairs)), pairs, strict=True)
            ),
        )

    # People -----------------------------------------------------------------------------

    def build_people(self, head_unit: int, member_unit: int):
        """An officer per organisation; the personas are the officers of their units."""
        w = self.w
        User = get_user_model()
        persona_of = {
            self.confederation: PERSONAS["confederation"],
            self.provinces[1]: PERSONAS["province"],
            head_unit: PERSONAS["head"],
            member_unit: PERSONAS["member"],
        }
        orgs = list(
            Organization.objects.filter(code__startswith="qg-")
            .order_by("pk")
            .values_list("pk", "code", "kind")
        )
        user_ids = w.ids(User, len(orgs))
        officer_ids = w.ids(Officer, len(orgs))
        users, officers = [], []
        for (pk, code, kind), user_id, officer_id in zip(orgs, user_ids, officer_ids, strict=True):
            grassroots = kind == OrganizationKind.GRASSROOTS
            users.append(
                {
                    "id": user_id,
                    "username": persona_of.get(pk, code),
                    "password": self.password,
                    "first_name": f"Cán bộ {code}",
                    "email": f"{code}@example.invalid",
                    "date_joined": w.now,
                }
            )
            officers.append(
                {
                    "id": officer_id,
                    "user_id": user_id,
                    "organization_id": pk,
                    "role": OfficerRole.MANAGER if grassroots else OfficerRole.STAFF,
                    "title": "Chủ tịch công đoàn" if grassroots else "Chuyên viên thi đua",
                }
            )
        w.write(User, users)
        w.write(Officer, officers)
        self.progress(f"{len(users)} officers")

    # Programmes -------------------------------------------------------------------------

    def build_programs(self, organizer_years: list[tuple[int, int]]):
        """The default programme of the first organiser-year through the service, copied in
        bulk to every other one; `self.tables[(organizer, year)]` maps the template's
        criterion and indicator ids to the copy's."""
        w = self.w
        first, rest = organizer_years[0], organizer_years[1:]
        template = create_default_program(
            organizer=Organization.objects.get(pk=first[0]), year=first[1], reason=REASON
        )
        self.template = load_table(template)
        table = self.template
        identity = (
            {c.pk: c.pk for c in table.criteria},
            {i.pk: i.pk for i in table.indicators},
        )
        self.programs = {first: (template.pk, identity)}

        def values(obj, **override):
            row = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
            row.update(override)
            return row

        n = len(rest)
        program_ids = iter(w.ids(EmulationProgram, n))
        section_ids = iter(w.ids(ScoreSection, n * len(table.sections)))
        indicator_ids = iter(w.ids(Indicator, n * len(table.indicators)))
        criterion_ids = iter(w.ids(Criterion, n * len(table.criteria)))
        rule_ids = iter(w.ids(ClassificationRule, n * len(table.rules)))
        programs, sections, indicators, criteria, rules = [], [], [], [], []
        for organizer, year in rest:
            pk = next(program_ids)
            programs.append(values(template, id=pk, organizer_id=organizer, year=year))
            criterion_map, indicator_map = {}, {}
            section_map = {}
            for section in table.sections:
                section_map[section.pk] = next(section_ids)
                sections.append(values(section, id=section_map[section.pk], program_id=pk))
            for indicator in table.indicators:
                indicator_map[indicator.pk] = next(indicator_ids)
                indicators.append(values(indicator, id=indicator_map[indicator.pk], program_id=pk))
            for criterion in table.criteria:
                criterion_map[criterion.pk] = next(criterion_ids)
                criteria.append(
                    values(
                        criterion,
                        id=criterion_map[criterion.pk],
                        section_id=section_map[criterion.section_id],
                        indicator_id=indicator_map.get(criterion.indicator_id),
                    )
                )
            for rule in table.rules:
                rules.append(values(rule, id=next(rule_ids), program_id=pk))
            self.programs[(organizer, year)] = (pk, (criterion_map, indicator_map))
        w.write(EmulationProgram, programs)
        w.write(ScoreSection, sections)
        w.write(Indicator, indicators)
        w.write(Criterion, criteria)
        w.write(ClassificationRule, rules)
        self.progress(f"{len(organizer_years)} programmes")

    def build_profiles(self, count: int = 10):
        """`count` result profiles on the template table: scores, figures, and the totals and
        classification the scoring service computes from them."""
        table = self.template
        plain = [
            c for c in table.criteria if c.section.kind == CriterionKind.SCORE and not c.is_computed
        ]
        bonus = [c for c in table.criteria if c.section.kind == CriterionKind.BONUS]
        penalty = [c for c in table.criteria if c.section.kind == CriterionKind.PENALTY]
        self.profiles = []
        for k in range(count):
            entries = {}
            loss = Decimal(k) / 2 + (Decimal(6) if k >= 8 else 0)
            for position, criterion in enumerate(plain):
                take = min(loss, Decimal("1.5"), criterion.max_points)
                if (position + k) % 3 == 0 and loss > 0:
                    loss -= take
                else:
                    take = Decimal(0)
                score = criterion.max_points - take
                entries[criterion.pk] = ScoreEntry(
                    criterion_id=criterion.pk, self_score=score, verified_score=score
                )
            for items, points in ((bonus, k % 3), (penalty, 1 if k == 9 else 0)):
                for criterion in items[:1]:
                    value = min(Decimal(points), criterion.max_points)
                    entries[criterion.pk] = ScoreEntry(
                        criterion_id=criterion.pk, self_score=value, verified_score=value
                    )
            if k % 2 and plain:
                entry = entries[plain[k % len(plain)].pk]
                if entry.self_score >= Decimal("0.5"):
                    entry.verified_score = entry.self_score - Decimal("0.5")
                    entry.explanation = "Minh chứng chưa đầy đủ."
            values = {}
            for indicator in table.indicators:
                if indicator.kind == IndicatorKind.YES_NO:
                    target, actual = None, Decimal(1)
                else:
                    base = Decimal(100 if indicator.kind != IndicatorKind.MONEY else 150_000_000)
                    target = base if indicator.has_target else None
                    actual = base * (100 - 3 * k) / 100
                values[indicator.pk] = IndicatorValue(
                    indicator_id=indicator.pk, target=target, actual=actual
                )
            self_totals = compute_totals(table, entries, values, "self")
            verified = compute_totals(table, entries, values, "verified")
            self.profiles.append(
                {
                    "entries": list(entries.values()),
                    "values": list(values.values()),
                    "self_total": self_totals.total,
                    "verified_total": verified.total,
                    "self_level": suggest_level(table, self_totals).level,
                    "level": suggest_level(table, verified).level,
                }
            )

    # Clusters and their years -----------------------------------------------------------

    def plan_clusters(self):
        """[(organizer, code, number, members, years, founded, ended)]."""
        plans = []
        by_district: dict[int, list[int]] = {}
        by_province: dict[int, list[int]] = {}
        for index, pk in enumerate(self.grassroots):
            by_district.setdefault(self.unit_district[index], []).append(pk)
            by_province.setdefault(self.unit_province[index], []).append(pk)
        for number in range(1, PROVINCES_AFTER + 1):
            units = by_province.get(number, [])
            for k in range(min(self.sizes.province_clusters, len(units) // CLUSTER_SIZE)):
                plans.append(
                    (
                        self.provinces[number],
                        f"{province_code(number)}-cum-{k + 1:02d}",
                        k + 1,
                        units[k * CLUSTER_SIZE : (k + 1) * CLUSTER_SIZE],
                        PROVINCE_YEARS,
                        FIRST_DAY,
                        None,
                    )
                )
        for index, pk in enumerate(self.districts):
            units = by_district.get(index, [])
            chunks = [units[i : i + CLUSTER_SIZE] for i in range(0, len(units), CLUSTER_SIZE)]
            if len(chunks) > 1 and len(chunks[-1]) < 3:
                chunks[-2] += chunks.pop()
            for k, members in enumerate(chunks):
                if len(members) < 3:
                    continue
                plans.append(
                    (pk, f"qg-huyen-{index + 1:03d}-cum-{k + 1}", k + 1, members)
                    + (DISTRICT_YEARS, D(2020, 1, 1), LAST_DAY)
                )
        return plans

    def build_clusters(self, plans):
        w = self.w
        cluster_ids = w.ids(Cluster, len(plans))
        clusters = []
        heir_of_district = {
            pk: successor_province(self.district_province[i]) for i, pk in enumerate(self.districts)
        }
        for pk, (organizer, code, number, _m, _y, founded, ended) in zip(
            cluster_ids, plans, strict=True
        ):
            name = f"Cụm thi đua số {number}"
            clusters.append(
                {
                    "id": pk,
                    "organizer_id": organizer,
                    "kind": ClusterKind.CLUSTER,
                    "number": number,
                    "name": name,
                    "code": code,
                    "founding_decision": f"Quyết định thành lập cụm số {number}",
                    "founded_on": founded,
                    "ended_on": ended,
                    "search_text": "\n".join([fold(name), code]),
                    "organizer_current_name": self.names[organizer],  # as `Cluster.save` sets it
                }
            )
            if ended is not None:
                heir = heir_of_district[organizer]
                self.changes[heir]["clusters"].append({"id": pk, "ended_on": None})
        w.write(Cluster, clusters)
        self.progress(f"{len(clusters)} clusters")
        return list(cluster_ids)

    def build_years(self, plans, cluster_ids):
        """Every cluster-year with its members, results, meeting and nominations, written a
        few hundred cluster-years at a time."""
        award_types = self.build_award_types({plan[0] for plan in plans})
        decisions: dict[tuple[int, int], int] = {}
        batch = []
        for cluster_id, plan in zip(cluster_ids, plans, strict=True):
            for year in plan[4]:
                batch.append((cluster_id, plan, year))
                if len(batch) >= 400:
                    self._write_years(batch, award_types, decisions)
                    batch = []
        if batch:
            self._write_years(batch, award_types, decisions)
        self.progress(f"{self.w.counts.get('clusters.AnnualResult', 0)} results")

    def build_award_types(self, organizers) -> dict[int, tuple[int, int]]:
        w = self.w
        organizers = sorted(organizers)
        ids = iter(w.ids(AwardType, 2 * len(organizers)))
        rows, types = [], {}
        for organizer in organizers:
            flag, merit = next(ids), next(ids)
            types[organizer] = (flag, merit)
            rows += [
                {
                    "id": flag,
                    "organizer_id": organizer,
                    "name": "Cờ thi đua xuất sắc",
                    "short_name": "Cờ thi đua",
                    "kind": AwardKind.EXCELLENT_FLAG,
                    "order": 1,
                },
                {
                    "id": merit,
                    "organizer_id": organizer,
                    "name": "Giấy khen",
                    "kind": AwardKind.GIAY_KHEN,
                    "order": 2,
                },
            ]
        w.write(AwardType, rows)
        return types

    def _write_years(self, batch, award_types, decisions):
        w = self.w
        years = []
        memberships, results, entries, values = [], [], [], []
        meetings, attendance, nominations, awards, proposals, new_decisions = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        year_ids = iter(w.ids(ClusterYear, len(batch)))
        n_members = sum(len(plan[3]) for _c, plan, _y in batch)
        membership_ids = iter(w.ids(Membership, n_members))
        result_ids = iter(w.ids(AnnualResult, n_members))
        profile_entries = len(self.profiles[0]["entries"])
        profile_values = len(self.profiles[0]["values"])
        entry_ids = iter(w.ids(ScoreEntry, n_members * profile_entries))
        value_ids = iter(w.ids(IndicatorValue, n_members * profile_values))
        closed = [item for item in batch if item[2] < PROVINCE_YEARS[-1]]
        meeting_ids = iter(w.ids(Meeting, len(closed)))
        attendance_ids = iter(w.ids(Attendance, sum(len(p[3]) for _c, p, _y in closed)))
        nomination_ids = iter(w.ids(Nomination, 2 * len(closed)))
        award_ids = iter(w.ids(Award, 2 * len(closed)))
        for cluster_id, plan, year in batch:
            organizer, code, number, members = plan[:4]
            is_open = year == PROVINCE_YEARS[-1]
            shift = year - plan[4][0]
            head, deputy = members[shift % len(members)], members[(shift + 1) % len(members)]
            cy = next(year_ids)
            years.append(
                {
                    "id": cy,
                    "cluster_id": cluster_id,
                    "year": year,
                    "status": ClusterYearStatus.OPEN if is_open else ClusterYearStatus.CLOSED,
                    "head_id": head,
                    "deputy_id": deputy,
                }
            )
            joined = FIRST_DAY if year == FIRST_DAY.year and plan[6] is None else None
            program, (criterion_map, indicator_map) = self.programs[(organizer, year)]
            stamp = datetime.datetime(year, 11, 30, 9, tzinfo=datetime.UTC)
            ranked = []
            for index, member in enumerate(members):
                memberships.append(
                    {
                        "id": next(membership_ids),
                        "cluster_year_id": cy,
                        "organization_id": member,
                        "joined_on": joined,
                    }
                )
                profile = self.profiles[(index * 7 + number + year) % len(self.profiles)]
                submitted_only = is_open and index % 3 == 0
                status = (
                    ResultStatus.SUBMITTED
                    if submitted_only
                    else ResultStatus.VERIFIED
                    if is_open
                    else ResultStatus.LOCKED
                )
                result = next(result_ids)
                results.append(
                    {
                        "id": result,
                        "cluster_year_id": cy,
                        "organization_id": member,
                        "program_id": program,
                        "status": status,
                        "self_total": profile["self_total"],
                        "verified_total": None if submitted_only else profile["verified_total"],
                        "suggested_level": profile["self_level"]
                        if submitted_only
                        else profile["level"],
                        "level": "" if is_open else profile["level"],
                        "submitted_at": stamp,
                        "verified_at": None if submitted_only else stamp,
                        "updated_at": stamp,
                    }
                )
                ranked.append((profile["verified_total"] or Decimal(0), -index, member))
                for entry in profile["entries"]:
                    entries.append(
                        {
                            "id": next(entry_ids),
                            "result_id": result,
                            "criterion_id": criterion_map[entry.criterion_id],
                            "self_score": entry.self_score,
                            "verified_score": None if submitted_only else entry.verified_score,
                            "explanation": entry.explanation,
                        }
                    )
                for value in profile["values"]:
                    values.append(
                        {
                            "id": next(value_ids),
                            "result_id": result,
                            "indicator_id": indicator_map[value.indicator_id],
                            "target": value.target,
                            "actual": value.actual,
                        }
                    )
            if is_open:
                continue
            meeting = next(meeting_ids)
            held_on = D(year, 12, 15)
            next_head, next_deputy = deputy, members[(shift + 2) % len(members)]
            meetings.append(
                {
                    "id": meeting,
                    "kind": MeetingKind.REVIEW,
                    "organizer_id": organizer,
                    "cluster_year_id": cy,
                    "year": year,
                    "held_on": held_on,
                    "starts_at": datetime.time(8),
                    "ends_at": datetime.time(11),
                    "place": "Hội trường đơn vị cụm trưởng",
                    "host_id": head,
                    "chair": "Chủ tịch công đoàn đơn vị cụm trưởng",
                    "secretary": "Cán bộ đơn vị cụm phó",
                    "agenda": "Tổng kết phong trào thi đua\nBình xét khen thưởng\nBầu cụm trưởng",
                    "status": MeetingStatus.CLOSED,
                    "achievements": "Các đơn vị hoàn thành tốt nhiệm vụ năm.",
                    "directions": "Tiếp tục đẩy mạnh phong trào thi đua.",
                    "summary_adopted": True,
                    "elected_head_id": next_head,
                    "elected_deputy_id": next_deputy,
                    "handover_on": held_on,
                    "closed_at": datetime.datetime(year, 12, 15, 4, tzinfo=datetime.UTC),
                }
            )
            for member in members:
                attendance.append(
                    {
                        "id": next(attendance_ids),
                        "meeting_id": meeting,
                        "organization_id": member,
                        "present": True,
                        "representative": "Chủ tịch công đoàn",
                    }
                )
            ranked.sort(reverse=True)
            waiting = year == PROVINCE_YEARS[0] and number % 2 == 0
            flag, merit = award_types[organizer]
            decision = None
            if not waiting:
                decision = decisions.get((organizer, year))
                if decision is None:
                    decision = decisions[(organizer, year)] = w.ids(Decision, 1)[0]
                    new_decisions.append(
                        {
                            "id": decision,
                            "organizer_id": organizer,
                            "year": year,
                            "number": f"{len(decisions)}/QĐ-LĐLĐ",
                            "signed_on": D(year + 1, 1, 20),
                            "signer": "Chủ tịch",
                            "signer_title": "Chủ tịch",
                            "created_at": w.now,
                        }
                    )
            else:
                proposals.append(
                    {
                        "id": w.ids(Proposal, 1)[0],
                        "cluster_year_id": cy,
                        "number": f"{number}/TTr-CTĐ",
                        "issued_on": D(year, 12, 20),
                        "place": "Tỉnh Mẫu",
                        "signer": "Chủ tịch công đoàn đơn vị cụm trưởng",
                        "status": ProposalStatus.SUBMITTED,
                        "submitted_at": datetime.datetime(year, 12, 20, 2, tzinfo=datetime.UTC),
                    }
                )
            for (_total, _i, member), award_type, leading in zip(
                ranked[:2], (flag, merit), (True, False), strict=False
            ):
                nomination = next(nomination_ids)
                nominations.append(
                    {
                        "id": nomination,
                        "cluster_year_id": cy,
                        "organization_id": member,
                        "award_type_id": award_type,
                        "leading": leading,
                        "justification": "Dẫn đầu cụm theo kết quả chấm điểm.",
                        "status": NominationStatus.SUBMITTED
                        if waiting
                        else NominationStatus.AWARDED,
                        "granted_type_id": None if waiting else award_type,
                        "status_changed_at": datetime.datetime(
                            year, 12, 20, 2, tzinfo=datetime.UTC
                        ),
                        "created_at": datetime.datetime(year, 12, 15, 4, tzinfo=datetime.UTC),
                    }
                )
                if decision is not None:
                    awards.append(
                        {
                            "id": next(award_ids),
                            "decision_id": decision,
                            "nomination_id": nomination,
                            "organization_id": member,
                            "award_type_id": award_type,
                            "cluster_year_id": cy,
                            "year": year,
                        }
                    )
        for model, rows in (
            (ClusterYear, years),
            (Membership, memberships),
            (AnnualResult, results),
            (ScoreEntry, entries),
            (IndicatorValue, values),
            (Meeting, meetings),
            (Attendance, attendance),
            (Decision, new_decisions),
            (Proposal, proposals),
            (Nomination, nominations),
            (Award, awards),
        ):
            w.write(model, rows)


def seed_scale(*, scale: float = 1.0, progress: Callable[[str], None] = lambda text: None) -> Built:
    """Build the national dataset (`scale` 1: 125,000 grassroots unions); raise
    `AlreadyLoaded` if it is there."""
    import time

    started = time.perf_counter()
    if Organization.objects.filter(code=CONFEDERATION).exists():
        raise AlreadyLoaded(CONFEDERATION)
    builder = Builder(Sizes.for_scale(scale), progress)
    with (
        transaction.atomic(),
        builder.w.foreign_keys_checked_at_end(BULK_MODELS),
    ):
        builder.build_tree()
        progress("closing the tree over (OrganizationLink)")
        OrganizationLink.objects.rebuild()
        plans = builder.plan_clusters()
        organizer_years = sorted({(plan[0], year) for plan in plans for year in plan[4]})
        # The template programme first: the first province's current year.
        first = (builder.provinces[1], PROVINCE_YEARS[-1])
        organizer_years.remove(first)
        builder.build_programs([first, *organizer_years])
        builder.build_profiles()
        cluster_ids = builder.build_clusters(plans)
        builder.record_restructurings()
        head_plan = plans[0]  # qg-tinh-01-cum-01
        shift = PROVINCE_YEARS[-1] - head_plan[4][0]
        members = head_plan[3]
        head_unit = members[shift % len(members)]
        member_unit = members[(shift + 3) % len(members)]
        builder.build_people(head_unit, member_unit)
        builder.build_years(plans, cluster_ids)
        builder.w.reset_sequences()
        progress("checking the foreign keys")
    # Fresh statistics for the planner: with the counts of the empty tables it picks plans
    # that take minutes instead of milliseconds (as after any bulk load, e.g. pg_restore).
    progress("updating the planner's statistics")
    builder.w.analyze()
    # Written in bulk, without signals: the rights kept in sessions and caches are read again.
    from clusters.permissions import rights_changed

    rights_changed()
    built = Built(counts=dict(builder.w.counts), personas=dict(PERSONAS))
    built.seconds = time.perf_counter() - started
    return built
