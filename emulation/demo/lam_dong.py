"""lam-dong-1: a cluster of LĐLĐ tỉnh Lâm Đồng after the 2025 merger, of commune/ward unions and
grassroots unions in the former Bình Thuận area – its years up to the current one (open), the
current year's programme, results partly entered so that every workflow can be tried from the
start, the province's award forms of the year, and the pact."""

from __future__ import annotations

import datetime

from clusters.models import ClusterYear, ClusterYearStatus, EmulationProgram, Organization
from clusters.services import propose_rotation

from .base import REASON, D, Stats, cluster_year, make_cluster
from .pacts import _demo_pact, _pact_figures
from .results import ensure_program, score_demo_result
from .reviews import seed_award_types


def seed_after_2025(stats: Stats, today: datetime.date):
    """lam-dong-1: a cluster of the merged Lâm Đồng, open in the current year."""
    by_code = {
        o.code: o
        for o in Organization.objects.filter(
            code__in=[
                "ldld-lam-dong",
                "cd-phuong-phan-thiet",
                "cd-phuong-mui-ne",
                "cd-phuong-ham-thang",
                "cd-xa-tuy-phong",
                "cd-xa-bac-binh",
                "cdcs-vinh-hao",
                "cdcs-pt-8-1",
            ]
        )
    }
    cluster = make_cluster(
        stats,
        "lam-dong-1",
        by_code["ldld-lam-dong"],
        1,
        "Quyết định số 25/QĐ-LĐLĐ ngày 15/7/2025",
        D(2025, 7, 15),
    )
    members = [
        by_code[c]
        for c in [
            "cd-phuong-phan-thiet",
            "cd-phuong-mui-ne",
            "cd-phuong-ham-thang",
            "cd-xa-tuy-phong",
            "cd-xa-bac-binh",
            "cdcs-vinh-hao",
            "cdcs-pt-8-1",
        ]
    ]
    first = cluster_year(
        stats,
        cluster,
        2025,
        [(m, D(2025, 7, 15)) for m in members],
        head=by_code["cd-phuong-mui-ne"],
        deputy=by_code["cd-phuong-phan-thiet"],
        status=ClusterYearStatus.CLOSED if today.year > 2025 else ClusterYearStatus.OPEN,
        head_person="Phan Văn Lộc",
        head_person_title="Chủ tịch Công đoàn phường Mũi Né",
        number_suffix="CTĐ",
    )
    previous = first
    for year in range(2026, today.year + 1):
        rotation = propose_rotation(cluster_year=previous)
        is_current = year == today.year
        head, deputy = rotation.head, rotation.deputy
        if is_current:
            # The demo's head officer (README) belongs to the current year's head unit.
            head = by_code["cd-phuong-phan-thiet"]
            deputy = rotation.deputy if rotation.deputy != head else rotation.head
        previous = cluster_year(
            stats,
            cluster,
            year,
            members,
            head=head,
            deputy=deputy,
            status=ClusterYearStatus.OPEN if is_current else ClusterYearStatus.CLOSED,
            head_person="Trần Minh Tuấn" if year == 2026 else "",
            head_person_title="Chủ tịch Công đoàn phường Phan Thiết" if year == 2026 else "",
            handover_on=D(year - 1, 12, 18),
            number_suffix="CTĐ",
        )


# Results -------------------------------------------------------------------------------------


def seed_program(stats: Stats, today: datetime.date):
    """The province's programme of the current year."""
    return ensure_program(
        stats,
        Organization.objects.get(code="ldld-lam-dong"),
        today.year,
        theme="Thi đua lao động sáng tạo, xây dựng tổ chức Công đoàn vững mạnh",
        plan_reference=f"Kế hoạch số 08/KH-LĐLĐ ngày 20/01/{today.year}",
        self_assessment_deadline=D(today.year, 12, 15),
        verification_deadline=D(today.year, 12, 25),
    )


def seed_results(stats: Stats, today: datetime.date, this_year):
    """The current year's results, partly entered, on the programme `this_year`: one verified,
    one submitted, one draft. Skipped when the year already has results."""
    from clusters.models import ResultStatus
    from clusters.services import result_for, submit_result, verify_result
    from clusters.services.scoring import load_table

    current = ClusterYear.objects.filter(cluster__code="lam-dong-1", year=today.year).first()
    if current is None or current.results.exists():
        return
    table = load_table(this_year)
    plans = {
        "cd-xa-tuy-phong": ((4, 1, 0, []), "verified"),
        "cdcs-vinh-hao": ((6.5, 0, 0, []), "submitted"),
        "cd-phuong-mui-ne": ((5, 0, 0, []), "draft"),
    }
    members = {o.code: o for o in Organization.objects.filter(code__in=plans)}
    for index, (code, (plan, status)) in enumerate(plans.items()):
        result = result_for(current, members[code], by=None)
        draft = status == "draft"
        # The draft is half done: the unit still has to score section V and send it.
        result = score_demo_result(
            result,
            table,
            plan,
            index,
            verified=status == ResultStatus.VERIFIED,
            skip=("V",) if draft else (),
        )
        if not draft:
            result = submit_result(result, by=None)
            if status == ResultStatus.VERIFIED:
                verify_result(result, by=None, table=table)
        stats.created += 1


def seed_province_awards(stats: Stats, today: datetime.date) -> dict:
    """Lâm Đồng's award forms and its quotas of the current year, by kind."""
    return seed_award_types(stats, Organization.objects.get(code="ldld-lam-dong"), today.year)


# The pact ------------------------------------------------------------------------------------


def seed_pacts(stats: Stats, today: datetime.date):
    """The pact of the current year, whose targets are its members' result targets."""
    from clusters.models import IndicatorValue
    from clusters.services.pacts import save_pact_targets
    from clusters.services.scoring import load_table

    current = ClusterYear.objects.filter(cluster__code="lam-dong-1", year=today.year).first()
    if current is None:
        return
    previous = (
        ClusterYear.objects.filter(cluster=current.cluster, year=current.year - 1)
        .select_related("head")
        .first()
    )
    host = previous.head if previous is not None and previous.head else current.head
    pact = _demo_pact(
        stats,
        current,
        signed_on=current.handover_on or D(current.year, 7, 25),
        place=host.name if host else "",
    )
    program = EmulationProgram.for_cluster_year(current)
    if program is None or pact.targets.exists():
        return
    held: dict[int, dict] = {}
    for org_id, indicator_id, target in IndicatorValue.objects.filter(
        result__cluster_year=current
    ).values_list("result__organization_id", "indicator_id", "target"):
        held.setdefault(org_id, {})[indicator_id] = target
    targets = _pact_figures(current, load_table(program), held)
    report = save_pact_targets(pact=pact, by=None, targets=targets, reason=REASON)
    stats.created += report.saved + len(report.updated)
