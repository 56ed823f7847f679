"""phan-thiet-1 … phan-thiet-9: the nine clusters of grassroots unions of LĐLĐ thành phố Phan
Thiết (2024), and the quarterly briefing of their heads of 27/3/2024 with its nine conclusions
and each cluster's follow-up."""

from __future__ import annotations

import datetime

from clusters.models import ClusterYear, ClusterYearStatus, Organization, OrganizationName

from .base import D, K, Stats, cluster_year, ensure, make_cluster, org

# The nine clusters of grassroots unions of LĐLĐ thành phố Phan Thiết (2024): invented members.
PHAN_THIET_CLUSTERS = [
    (
        "Cơ quan hành chính",
        [
            "Cơ quan Ủy ban nhân dân thành phố Phan Thiết",
            "Phòng Tài chính - Kế hoạch thành phố Phan Thiết",
            "Ban Quản lý dự án đầu tư xây dựng thành phố Phan Thiết",
            "Phòng Lao động - Thương binh và Xã hội thành phố Phan Thiết",
        ],
    ),
    (
        "Y tế",
        [
            "Trung tâm Y tế thành phố Phan Thiết",
            "Bệnh viện Đa khoa khu vực Phan Thiết",
            "Phòng khám Đa khoa Hàm Tiến",
            "Trạm Y tế phường Đức Nghĩa",
        ],
    ),
    (
        "Trường Trung học cơ sở",
        [
            "Trường THCS Nguyễn Trãi",
            "Trường THCS Lê Lợi",
            "Trường THCS Trần Phú",
            "Trường THCS Hùng Vương",
        ],
    ),
    (
        "Trường Tiểu học",
        [
            "Trường Tiểu học Đức Nghĩa 1",
            "Trường Tiểu học Phú Trinh 2",
            "Trường Tiểu học Hưng Long",
            "Trường Tiểu học Xuân An 1",
        ],
    ),
    (
        "Trường Mầm non",
        [
            "Trường Mầm non Hoa Hồng",
            "Trường Mầm non Hướng Dương",
            "Trường Mầm non Sơn Ca",
            "Trường Mầm non Hoa Mai",
        ],
    ),
    (
        "Phường Mũi Né - Hàm Tiến",
        [
            "Ủy ban nhân dân phường Mũi Né",
            "Ủy ban nhân dân phường Hàm Tiến",
            "Trường Tiểu học Mũi Né 1",
            "Trường THCS Mũi Né",
        ],
    ),
    (
        "Phường Phú Hài - Thiện Nghiệp",
        [
            "Ủy ban nhân dân phường Phú Hài",
            "Ủy ban nhân dân xã Thiện Nghiệp",
            "Trường Tiểu học Phú Hài",
            "Trường THCS Thiện Nghiệp",
        ],
    ),
    (
        "Doanh nghiệp Nhà nước",
        [
            "Công ty Cổ phần Cảng Phan Thiết",
            "Công ty Cổ phần Cấp thoát nước Bình Thuận - Chi nhánh Phan Thiết",
            "Công ty TNHH Một thành viên Xổ số kiến thiết Bình Thuận",
            "Điện lực Phan Thiết",
        ],
    ),
    (
        "Doanh nghiệp ngoài Nhà nước",
        [
            "Công ty TNHH Hải sản Phan Thiết",
            "Công ty TNHH Nước mắm Mũi Né",
            "Công ty Cổ phần Du lịch Hàm Tiến",
            "Công ty TNHH May mặc Phú Thủy",
        ],
    ),
]

HEAD_PERSONS = [
    "Nguyễn Văn An",
    "Lê Thị Bích",
    "Phạm Minh Châu",
    "Võ Thị Diệu",
    "Trần Quốc Đạt",
    "Huỳnh Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hạnh",
    "Ngô Văn Khang",
]


def seed_before_2025(stats: Stats, phan_thiet):
    """The nine clusters of LĐLĐ thành phố Phan Thiết (`phan_thiet`) with their 2024 years."""
    # LĐLĐ thành phố Phan Thiết: nine clusters of grassroots unions (briefing of 27/3/2024).
    for number, (theme, members) in enumerate(PHAN_THIET_CLUSTERS, start=1):
        units = [
            org(
                stats,
                f"cdcs-pt-{number}-{index}",
                f"Công đoàn cơ sở {name}",
                K.GRASSROOTS,
                "Phan Thiết",
                phan_thiet,
            )
            for index, name in enumerate(members, start=1)
        ]
        cluster = make_cluster(
            stats,
            f"phan-thiet-{number}",
            phan_thiet,
            number,
            f"Quyết định số 45/QĐ-LĐLĐ ngày 10/01/2024 (khối {theme.lower()})",
            D(2024, 1, 10),
        )
        cluster_year(
            stats,
            cluster,
            2024,
            units,
            head=units[0],
            deputy=units[1],
            status=ClusterYearStatus.CLOSED,
            head_person=HEAD_PERSONS[number - 1],
            head_person_title="Chủ tịch Công đoàn cơ sở",
            number_suffix="CTĐ",
        )
    port = Organization.objects.get(code="cdcs-pt-8-1")
    if not port.former_names.exists():
        ensure(
            stats,
            OrganizationName,
            {"organization": port, "used_until": D(2018, 12, 31)},
            name="Công đoàn cơ sở Cảng cá Phan Thiết",
        )


# Briefings -----------------------------------------------------------------------------------

# The conclusions of the Phan Thiết briefing of 27/3/2024 as the article reports them (typos
# mended), with who carries them out and by when (invented): the anniversary items by 28/7.
PHAN_THIET_CONCLUSIONS = [
    (
        "Gắn biển công trình chào mừng kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam.",
        "Các Cụm thi đua",
        D(2024, 7, 28),
    ),
    (
        "Tổ chức giải bóng đá nam mini trong đoàn viên, công nhân, viên chức, lao động thành "
        "phố năm 2024; lựa chọn đội bóng xuất sắc tham gia Giải vô địch bóng đá công nhân tỉnh "
        "Bình Thuận năm 2024.",
        "Liên đoàn Lao động thành phố, các Cụm thi đua",
        D(2024, 6, 30),
    ),
    (
        "Lựa chọn mô hình, điển hình tiên tiến của công đoàn trong quá trình thực hiện phong "
        "trào thi đua để tuyên truyền trên trang thông tin điện tử của Liên đoàn Lao động Tỉnh "
        "và Thành phố.",
        "Các Cụm thi đua",
        D(2024, 6, 30),
    ),
    (
        "Các công đoàn cơ sở rà soát các đối tượng đủ điều kiện đề nghị xét tặng Kỷ niệm "
        "chương nhân kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam.",
        "Các công đoàn cơ sở",
        D(2024, 7, 28),
    ),
    (
        "Mỗi Cụm thi đua tổ chức ít nhất 01 hoạt động văn hóa/thể thao/về nguồn.",
        "Cụm trưởng các Cụm thi đua",
        D(2024, 6, 30),
    ),
    (
        "Tổ chức đợt cao điểm tuyên truyền, vận động phát triển đoàn viên, thành lập công đoàn "
        "cơ sở và tổ chức kết nạp “Đợt đoàn viên tháng 5”; chọn, giới thiệu đoàn viên ưu tú cho "
        "cấp ủy đảng xem xét, bồi dưỡng, kết nạp.",
        "Các công đoàn cơ sở",
        D(2024, 5, 31),
    ),
    (
        "Mỗi công đoàn cơ sở tổ chức ít nhất 01 hoạt động nhân “Tháng Công nhân” năm 2024.",
        "Các công đoàn cơ sở",
        D(2024, 5, 31),
    ),
    (
        "Tổ chức thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn, bị tai nạn lao động, bệnh "
        "nghề nghiệp; xét chọn đề nghị hỗ trợ xây dựng, sửa chữa nhà “Mái ấm Công đoàn” cho "
        "đoàn viên công đoàn có hoàn cảnh khó khăn.",
        "Các công đoàn cơ sở",
        D(2024, 6, 30),
    ),
    (
        "Triển khai Cuộc thi tìm hiểu “Nghị quyết Đại hội XI Công đoàn Bình Thuận và Nghị quyết "
        "Đại hội XIII Công đoàn Việt Nam” kết hợp tìm hiểu truyền thống 95 năm Công đoàn Việt "
        "Nam theo hình thức thích hợp.",
        "Các Cụm thi đua",
        D(2024, 7, 28),
    ),
]

# How the nine clusters followed the conclusions up (invented): done unless listed here, as
# (cluster number, conclusion number): (status, note).
PHAN_THIET_FOLLOW_UPS = {
    (2, 5): (
        "done",
        "Tổ chức giao lưu văn nghệ chào mừng ngày Thầy thuốc Việt Nam tại Trung tâm Y tế.",
    ),
    (3, 2): ("in_progress", "Đội bóng của Cụm đang tập luyện, chưa thi đấu vòng loại."),
    (4, 9): ("in_progress", "Đã phát động cuộc thi; số bài dự thi còn ít."),
    (5, 5): ("done", "Về nguồn tại Di tích Trường Dục Thanh ngày 18/5/2024."),
    (6, 1): ("in_progress", "Đã chọn công trình, đang làm biển."),
    (6, 8): ("not_started", ""),
    (7, 3): ("in_progress", "Đang tổng hợp mô hình của các công đoàn cơ sở thành viên."),
    (8, 2): ("done", "Đội bóng Cụm số 8 tham gia Giải vô địch bóng đá công nhân tỉnh."),
    (9, 6): ("in_progress", "Kết nạp 12/20 đoàn viên theo chỉ tiêu Đợt đoàn viên tháng 5."),
    (9, 1): ("not_started", ""),
}


def seed_briefings(stats: Stats, today: datetime.date):
    """The briefing of the nine Phan Thiết cluster heads of 27/3/2024 (chair and secretary
    fictional), its nine conclusions and each cluster's follow-up."""
    from clusters.models import Attendance, Conclusion, FollowUp, Meeting, MeetingKind

    organizer = Organization.objects.get(code="ldld-tp-phan-thiet")
    meeting = ensure(
        stats,
        Meeting,
        {"organizer": organizer, "kind": MeetingKind.BRIEFING, "held_on": D(2024, 3, 27)},
        year=2024,
        title="Hội nghị giao ban các Cụm thi đua quý I năm 2024",
        starts_at=datetime.time(7, 30),
        ends_at=datetime.time(11, 0),
        place="Hội trường Liên đoàn Lao động thành phố Phan Thiết",
        host=organizer,
        chair="Nguyễn Văn Hùng",
        chair_title="Chủ tịch Liên đoàn Lao động thành phố Phan Thiết",
        secretary="Lê Thị Thu Trang",
        secretary_title="Chuyên viên Văn phòng Liên đoàn Lao động thành phố Phan Thiết",
        guests="Đồng chí Phạm Quốc Bảo - Phó Chủ tịch Liên đoàn Lao động thành phố Phan Thiết",
        agenda="\n".join(
            [
                "Các đồng chí Cụm trưởng báo cáo tình hình hoạt động công đoàn quý I năm 2024",
                "Thảo luận thuận lợi, khó khăn và giải pháp",
                "Triển khai phương hướng, nhiệm vụ quý II năm 2024, “Tháng Công nhân” và kỷ "
                "niệm 95 năm Ngày thành lập Công đoàn Việt Nam",
                "Kết luận của đồng chí Chủ trì",
            ]
        ),
        status="closed",
    )
    years = list(
        ClusterYear.objects.filter(cluster__organizer=organizer, year=2024)
        .select_related("cluster")
        .order_by("cluster__number")
    )
    for cy in years:
        ensure(
            stats,
            Attendance,
            {"meeting": meeting, "organization_id": cy.head_id},
            present=True,
            representative=cy.head_person,
            representative_title=cy.head_person_title,
        )
    for number, (text, owner, due_on) in enumerate(PHAN_THIET_CONCLUSIONS, start=1):
        conclusion = ensure(
            stats,
            Conclusion,
            {"meeting": meeting, "number": number},
            text=text,
            owner=owner,
            due_on=due_on,
        )
        for cy in years:
            status, note = PHAN_THIET_FOLLOW_UPS.get((cy.cluster.number, number), ("done", ""))
            ensure(
                stats,
                FollowUp,
                {"conclusion": conclusion, "cluster": cy.cluster},
                status=status,
                note=note,
            )
