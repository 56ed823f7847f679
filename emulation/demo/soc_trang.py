"""soc-trang-2: Cụm thi đua số 2 of LĐLĐ tỉnh Sóc Trăng (article of 07/01/2019) – its 8 members,
its years 2018 and 2019, the 2018 results, the review of 07/01/2019 at Công đoàn các KCN with
its open vote, and the proposal submitted to the provincial council."""

from __future__ import annotations

import datetime
from decimal import Decimal

from clusters.models import ClusterYear, ClusterYearStatus, Organization

from .base import D, K, Stats, cluster_year, make_cluster, org
from .results import ensure_program, seed_year_results
from .reviews import _nominate_all, seed_award_types, seed_review


def seed_before_2025(stats: Stats, soc_trang):
    """The cluster's members under the province and its years 2018 and 2019."""
    # Sóc Trăng, Cụm thi đua số 2 (article of 07/01/2019).
    st = {}
    for code, name, kind, locality in [
        ("ldld-tp-soc-trang", "Liên đoàn Lao động thành phố Sóc Trăng", K.DISTRICT, "Sóc Trăng"),
        ("ldld-ke-sach", "Liên đoàn Lao động huyện Kế Sách", K.DISTRICT, "Kế Sách"),
        ("ldld-thanh-tri", "Liên đoàn Lao động huyện Thạnh Trị", K.DISTRICT, "Thạnh Trị"),
        ("ldld-nga-nam", "Liên đoàn Lao động huyện Ngã Năm", K.DISTRICT, "Ngã Năm"),
        ("ldld-my-tu", "Liên đoàn Lao động huyện Mỹ Tú", K.DISTRICT, "Mỹ Tú"),
        ("ldld-chau-thanh-st", "Liên đoàn Lao động huyện Châu Thành", K.DISTRICT, "Châu Thành"),
        ("cd-y-te-soc-trang", "Công đoàn ngành Y tế tỉnh Sóc Trăng", K.SECTOR, "Sóc Trăng"),
        (
            "cd-kcn-soc-trang",
            "Công đoàn các Khu công nghiệp tỉnh Sóc Trăng",
            K.INDUSTRIAL_ZONE,
            "Sóc Trăng",
        ),
    ]:
        st[code] = org(stats, code, name, kind, locality, soc_trang)
    st2 = make_cluster(
        stats,
        "soc-trang-2",
        soc_trang,
        2,
        "Quyết định số 102/QĐ-LĐLĐ ngày 15/3/2016",
        D(2016, 3, 15),
    )
    st_members = list(st.values())
    cluster_year(
        stats,
        st2,
        2018,
        st_members,
        head=st["ldld-chau-thanh-st"],
        deputy=st["cd-kcn-soc-trang"],
        status=ClusterYearStatus.CLOSED,
        head_person="Lý Văn Phước",
        head_person_title="Chủ tịch LĐLĐ huyện Châu Thành",
        number_suffix="CTĐ",
    )
    cluster_year(
        stats,
        st2,
        2019,
        st_members,
        head=st["cd-kcn-soc-trang"],
        deputy=st["ldld-my-tu"],
        status=ClusterYearStatus.CLOSED,
        head_person="Thạch Thị Sa Rươl",
        head_person_title="Chủ tịch Công đoàn các Khu công nghiệp tỉnh",
        handover_on=D(2019, 1, 7),
        handover_received_by="Công đoàn các Khu công nghiệp tỉnh Sóc Trăng",
        handover_note="Bầu tại Hội nghị tổng kết năm 2018 tổ chức tại Cơ quan Công đoàn các Khu công nghiệp tỉnh.",
        number_suffix="CTĐ",
    )


# Results -------------------------------------------------------------------------------------

# Per unit, as binh_thuan.BT1_2024: points lost on the scored criteria, bonus, penalty, and the
# head's corrections. Invented, in the order the article gives (TP Sóc Trăng first).
ST2_2018 = {
    "ldld-tp-soc-trang": (2, 2.5, 0, []),
    "cd-y-te-soc-trang": (3, 2, 0, []),
    "ldld-ke-sach": (3.5, 1.5, 0, []),
    "cd-kcn-soc-trang": (5, 1, 0, []),
    "ldld-my-tu": (6, 0.5, 0, []),
    "ldld-thanh-tri": (8, 0, 0, []),
    "ldld-nga-nam": (9.5, 0, 0.5, []),
    "ldld-chau-thanh-st": (11, 0, 1, [("V.1", 0.5, "Nộp báo cáo 6 tháng chậm 10 ngày.")]),
}


def seed_program(stats: Stats):
    """The province's programme of 2018."""
    # The 2018 regulation allowed more excellent units than today's 20% (invented figure).
    return ensure_program(
        stats,
        Organization.objects.get(code="ldld-soc-trang"),
        2018,
        plan_reference="Kế hoạch số 05/KH-LĐLĐ ngày 12/02/2018",
        self_assessment_deadline=D(2018, 12, 15),
        top_share_percent=Decimal(40),
    )


def seed_results(stats: Stats):
    """The 2018 results, complete and locked (TP Sóc Trăng first)."""
    seed_year_results(
        stats,
        ClusterYear.objects.get(cluster__code="soc-trang-2", year=2018),
        ST2_2018,
        locked=True,
    )


# The review of 07/01/2019 --------------------------------------------------------------------

ST2_2018_REVIEW = {
    "held_on": D(2019, 1, 7),
    "starts_at": datetime.time(14, 0),
    "ends_at": datetime.time(16, 30),
    "place": "Cơ quan Công đoàn các Khu công nghiệp tỉnh Sóc Trăng",
    "host": "cd-kcn-soc-trang",
    "secretary": "Trương Thị Ngọc Hân",
    "secretary_title": "Chuyên viên Công đoàn các Khu công nghiệp tỉnh Sóc Trăng",
    # Fictional: the article's vice-chair is not reused.
    "guests": ["Đồng chí Lâm Văn Hiếu – Phó Chủ tịch Liên đoàn Lao động tỉnh Sóc Trăng"],
    "agenda": [
        "Thông qua báo cáo tổng kết phong trào thi đua năm 2018 và phương hướng, nhiệm vụ năm "
        "2019 của Cụm thi đua số 2.",
        "Bình xét, biểu quyết các đơn vị đề nghị tặng Cờ thi đua của Liên đoàn Lao động tỉnh "
        "năm 2018.",
        "Bầu Cụm trưởng, Cụm phó năm 2019.",
        "Bàn giao hồ sơ, nhiệm vụ Cụm trưởng.",
    ],
    "representatives": {
        "ldld-tp-soc-trang": ("Trần Thanh Tùng", "Chủ tịch LĐLĐ thành phố Sóc Trăng"),
        "ldld-ke-sach": ("Huỳnh Văn Lực", "Chủ tịch LĐLĐ huyện Kế Sách"),
        "ldld-thanh-tri": ("Lâm Thị Bích Tuyền", "Phó Chủ tịch LĐLĐ huyện Thạnh Trị"),
        "ldld-nga-nam": ("Nguyễn Văn Bé Tư", "Chủ tịch LĐLĐ huyện Ngã Năm"),
        "ldld-my-tu": ("Sơn Thị Hồng Nhung", "Chủ tịch LĐLĐ huyện Mỹ Tú"),
        "ldld-chau-thanh-st": ("Lý Văn Phước", "Chủ tịch LĐLĐ huyện Châu Thành"),
        "cd-y-te-soc-trang": ("Đặng Thị Thu Hà", "Chủ tịch Công đoàn ngành Y tế"),
        "cd-kcn-soc-trang": (
            "Thạch Thị Sa Rươl",
            "Chủ tịch Công đoàn các Khu công nghiệp tỉnh",
        ),
    },
    # From the article.
    "achievements": [
        "Các đơn vị trong Cụm thi đua đã đẩy mạnh công tác tuyên truyền, tập trung vào các hoạt "
        "động chào mừng Đại hội công đoàn các cấp, Đại hội Công đoàn tỉnh lần thứ X, Đại hội "
        "Công đoàn Việt Nam lần thứ XII, nhiệm kỳ 2018 - 2023; thực hiện có hiệu quả công tác "
        "chăm lo đời sống, đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên "
        "và người lao động. Các phong trào thi đua diễn ra sôi nổi, hiệu quả.",
    ],
    "limitations": [
        "Việc phát triển đoàn viên, thành lập công đoàn cơ sở trong doanh nghiệp ngoài nhà nước "
        "ở một số đơn vị chưa đạt chỉ tiêu; chế độ thông tin, báo cáo của một số đơn vị còn "
        "chậm; hoạt động trao đổi kinh nghiệm giữa các đơn vị trong Cụm chưa thường xuyên.",
    ],
    "directions": [
        "Năm 2019, các đơn vị trong Cụm tiếp tục đẩy mạnh các phong trào thi đua phát triển cả "
        "bề rộng và chiều sâu, chú trọng đổi mới phương thức hoạt động; xây dựng, bồi dưỡng, "
        "nhân rộng và biểu dương, khen thưởng kịp thời các mô hình, gương điển hình tiên tiến; "
        "tăng cường trao đổi kinh nghiệm trong công tác thi đua, khen thưởng; tập trung thực "
        "hiện tốt công tác chăm lo, bảo vệ quyền, lợi ích hợp pháp, chính đáng cho CNVCLĐ, "
        "thực hiện tốt Quy chế dân chủ ở cơ sở, đẩy mạnh phát triển đoàn viên, thành lập công "
        "đoàn cơ sở, xây dựng tổ chức Công đoàn vững mạnh.",
    ],
    "conclusions": [
        (
            "Hoàn chỉnh hồ sơ đề nghị tặng Cờ thi đua dẫn đầu cho Liên đoàn Lao động thành phố "
            "Sóc Trăng, Cờ thi đua xuất sắc cho Công đoàn ngành Y tế và Liên đoàn Lao động huyện "
            "Kế Sách, trình Hội đồng Thi đua - Khen thưởng Liên đoàn Lao động tỉnh xem xét, "
            "quyết định.",
            "Cụm trưởng năm 2018 (LĐLĐ huyện Châu Thành)",
            D(2019, 1, 15),
        ),
        (
            "Tổ chức ký kết giao ước thi đua năm 2019 của Cụm.",
            "Cụm trưởng năm 2019 (Công đoàn các Khu công nghiệp tỉnh)",
            D(2019, 2, 28),
        ),
        (
            "Tăng cường trao đổi kinh nghiệm trong công tác thi đua, khen thưởng; nhân rộng các "
            "mô hình, gương điển hình tiên tiến của các đơn vị trong Cụm.",
            "Các đơn vị thành viên",
            None,
        ),
    ],
}


def seed_province_awards(stats: Stats) -> dict:
    """The province's award forms and its quotas of 2018, by kind."""
    return seed_award_types(stats, Organization.objects.get(code="ldld-soc-trang"), 2018)


def seed_meetings(stats: Stats, soc_trang: dict):
    """The review of 2018 (open vote: the leading flag to TP Sóc Trăng, excellent flags to Y tế
    and Kế Sách), with the province's award forms `soc_trang`. Skipped when held already."""
    from awards.models import VoteMode
    from awards.services.votes import record_open_vote, start_vote

    def st2_vote(meeting, units):
        # Show of hands: every unit raises its hand for the others, never for itself.
        leader = units["ldld-tp-soc-trang"]
        excellent = [units["cd-y-te-soc-trang"], units["ldld-ke-sach"]]
        flag = start_vote(
            meeting,
            award_type=soc_trang["leading_flag"],
            mode=VoteMode.OPEN,
            candidates=[leader],
            by=None,
        )
        record_open_vote(
            flag,
            {u.pk: {leader.pk} for u in units.values() if u.pk != leader.pk},
            by=None,
        )
        flags = start_vote(
            meeting,
            award_type=soc_trang["excellent_flag"],
            mode=VoteMode.OPEN,
            candidates=excellent,
            seats=2,
            by=None,
        )
        record_open_vote(
            flags,
            {u.pk: {c.pk for c in excellent if c.pk != u.pk} for u in units.values()},
            by=None,
        )
        _nominate_all(meeting, [soc_trang["leading_flag"], soc_trang["excellent_flag"]])

    seed_review(stats, "soc-trang-2", 2018, ST2_2018_REVIEW, st2_vote)


# The proposal --------------------------------------------------------------------------------

# The submission of the review (number, date and signer invented). The proposal is left as the
# article leaves it: submitted to the provincial council, waiting for its decision.
ST2_2018_APPROVAL = (
    "soc-trang-2",
    2018,
    {"number": "01/TTr-CTĐ", "issued_on": D(2019, 1, 9), "place": "Sóc Trăng"},
    None,
)
