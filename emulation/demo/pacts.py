"""Pacts: the text every demo pact carries, who signs it for each unit, and its targets."""

from __future__ import annotations

from .base import Stats, ensure
from .results import _demo_figures

PACT_COMMITMENTS = [
    "Thực hiện tốt chức năng đại diện, chăm lo, bảo vệ quyền, lợi ích hợp pháp, chính đáng "
    "của đoàn viên, người lao động.",
    "Đẩy mạnh phát triển đoàn viên, thành lập công đoàn cơ sở; xây dựng tổ chức công đoàn "
    "vững mạnh.",
    "Hưởng ứng sâu rộng các phong trào thi đua do Liên đoàn Lao động tỉnh phát động; phát "
    "hiện, bồi dưỡng và nhân rộng các điển hình tiên tiến.",
    "Thực hiện đầy đủ, đúng hạn chế độ thông tin, báo cáo; tham gia đầy đủ các hoạt động "
    "chung của Cụm.",
]
PACT_ACTIVITIES = [
    "Giao ban Cụm thi đua hằng quý, luân phiên tại các đơn vị thành viên.",
    "Giải bóng chuyền hơi nữ chào mừng ngày Quốc tế Lao động 1/5.",
    "Hoạt động về nguồn nhân kỷ niệm ngày thành lập Công đoàn Việt Nam 28/7.",
    "Sơ kết 6 tháng và tổng kết công tác thi đua của Cụm.",
]
# Who signs for each unit (fictional; the demo users sign for their own units).
PACT_SIGNERS = {
    "ldld-tuy-phong": ("Phạm Thị Thu", "Chủ tịch"),
    "ldld-bac-binh": ("Trần Văn Hòa", "Chủ tịch"),
    "ldld-ham-thuan-bac": ("Nguyễn Hữu Phúc", "Chủ tịch"),
    "ldld-phu-quy": ("Lê Minh Trí", "Phó Chủ tịch"),
    "ldld-tp-phan-thiet": ("Võ Thị Kim Oanh", "Phó Chủ tịch"),
    "cd-phuong-phan-thiet": ("Trần Minh Tuấn", "Chủ tịch"),
    "cd-phuong-mui-ne": ("Phan Văn Lộc", "Chủ tịch"),
    "cd-phuong-ham-thang": ("Nguyễn Thị Lan", "Chủ tịch"),
    "cd-xa-tuy-phong": ("Đặng Quốc Bảo", "Chủ tịch"),
    "cd-xa-bac-binh": ("Huỳnh Văn Tài", "Phó Chủ tịch"),
    "cdcs-vinh-hao": ("Lê Thị Ngọc Mai", "Chủ tịch"),
    "cdcs-pt-8-1": ("Trương Văn Dũng", "Chủ tịch"),
}


def _demo_pact(stats: Stats, cy, *, signed_on, place, meeting=None):
    """The pact of a cluster-year with its text and every member signing."""
    from clusters.models import Pact, PactSignatory

    pact = ensure(
        stats,
        Pact,
        {"cluster_year": cy},
        meeting=meeting,
        signed_on=signed_on,
        place=place,
        commitments="\n".join(PACT_COMMITMENTS),
        joint_activities="\n".join(PACT_ACTIVITIES),
    )
    for membership in cy.memberships.select_related("organization"):
        person, title = PACT_SIGNERS.get(membership.organization.code, ("", "Chủ tịch"))
        ensure(
            stats,
            PactSignatory,
            {"pact": pact, "organization": membership.organization},
            person=person,
            title=title,
        )
    return pact


def _pact_figures(cy, table, held: dict) -> dict:
    """A target per member and indicator: the one its result already holds (so the seeded
    scores stay as they are), else one invented like the results' figures."""
    from clusters.services.pacts import pact_indicators

    indicators = {i.pk for i in pact_indicators(cy)}
    targets = {}
    # From 3 on: the figures of the units seeded with results are 0 to 2.
    for index, entry in enumerate(cy.member_entries(), start=3):
        org_id = entry.membership.organization_id
        invented = _demo_figures(table, index)
        for indicator_id in indicators:
            value = held.get(org_id, {}).get(indicator_id)
            targets[org_id, indicator_id] = (
                value if value is not None else invented[indicator_id]["target"]
            )
    return targets
