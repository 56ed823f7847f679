"""binh-thuan-1: Cụm thi đua số 1 of LĐLĐ tỉnh Bình Thuận (article of 14/12/2024) – its members,
its years 2024 and 2025, the 2024 results, the review of 14/12/2024 hosted by Bắc Bình, the
2025 pact signed there, the proposal and the province's decision."""

from __future__ import annotations

import datetime

from clusters.models import (
    ClusterYear,
    ClusterYearStatus,
    EmulationProgram,
    Organization,
    OrganizationName,
)
from clusters.services import propose_rotation

from .base import D, K, Stats, cluster_year, ensure, make_cluster, org
from .pacts import _demo_pact, _pact_figures
from .results import ensure_program, seed_year_results
from .reviews import _nominate_all, seed_award_types, seed_review


def seed_before_2025(stats: Stats, binh_thuan) -> dict:
    """The district federations of the province (the cluster's members) and the cluster's
    years; returns the district federations by code."""
    # Bình Thuận, Cụm thi đua số 1 (article of 14/12/2024).
    districts = {
        code: org(stats, code, f"Liên đoàn Lao động {name}", K.DISTRICT, locality, binh_thuan)
        for code, name, locality in [
            ("ldld-bac-binh", "huyện Bắc Bình", "Bắc Bình"),
            ("ldld-tuy-phong", "huyện Tuy Phong", "Tuy Phong"),
            ("ldld-ham-thuan-bac", "huyện Hàm Thuận Bắc", "Hàm Thuận Bắc"),
            ("ldld-phu-quy", "huyện Phú Quý", "Phú Quý"),
            ("ldld-tp-phan-thiet", "thành phố Phan Thiết", "Phan Thiết"),
        ]
    }
    bac_binh, tuy_phong, ham_thuan_bac, phu_quy, phan_thiet = districts.values()
    # Grassroots unions that later moved: Vĩnh Hảo and a school under Tuy Phong and Bắc Bình.
    vinh_hao = org(
        stats,
        "cdcs-vinh-hao",
        "Công đoàn cơ sở Công ty Cổ phần Nước khoáng Vĩnh Hảo",
        K.GRASSROOTS,
        "Tuy Phong",
        tuy_phong,
    )
    org(
        stats,
        "cdcs-thpt-tuy-phong",
        "Công đoàn cơ sở Trường THPT Tuy Phong",
        K.GRASSROOTS,
        "Tuy Phong",
        tuy_phong,
    )
    org(
        stats,
        "cdcs-thpt-bac-binh",
        "Công đoàn cơ sở Trường THPT Bắc Bình",
        K.GRASSROOTS,
        "Bắc Bình",
        bac_binh,
    )
    if not vinh_hao.former_names.exists():
        ensure(
            stats,
            OrganizationName,
            {"organization": vinh_hao, "used_until": D(2015, 12, 31)},
            name="Công đoàn cơ sở Công ty Nước khoáng Vĩnh Hảo",
        )

    bt1 = make_cluster(
        stats,
        "binh-thuan-1",
        binh_thuan,
        1,
        "Quyết định số 215/QĐ-LĐLĐ ngày 20/02/2020",
        D(2020, 2, 20),
    )
    bt1_members = [bac_binh, tuy_phong, ham_thuan_bac, phu_quy, phan_thiet]
    bt1_2024 = cluster_year(
        stats,
        bt1,
        2024,
        bt1_members,
        head=bac_binh,
        deputy=tuy_phong,
        status=ClusterYearStatus.CLOSED,
        head_person="Trần Văn Hòa",
        head_person_title="Chủ tịch LĐLĐ huyện Bắc Bình",
        deputy_person="Phạm Thị Thu",
        deputy_person_title="Chủ tịch LĐLĐ huyện Tuy Phong",
        header_issuer_line="Cụm thi đua số 1",
        number_suffix="CTĐ",
    )
    # Elected at the review of 14/12/2024: Tuy Phong heads 2025, the deputy by rotation.
    rotation = propose_rotation(cluster_year=bt1_2024)
    cluster_year(
        stats,
        bt1,
        2025,
        bt1_members,
        head=rotation.head,
        deputy=rotation.deputy,
        status=ClusterYearStatus.OPEN,
        head_person="Phạm Thị Thu",
        head_person_title="Chủ tịch LĐLĐ huyện Tuy Phong",
        handover_on=D(2024, 12, 14),
        handover_received_by="Phạm Thị Thu, Chủ tịch LĐLĐ huyện Tuy Phong",
        handover_note="Bàn giao hồ sơ, nhiệm vụ Cụm trưởng tại Hội nghị tổng kết năm 2024 tổ chức tại LĐLĐ huyện Bắc Bình.",
        number_suffix="CTĐ",
    )
    return districts


# Results -------------------------------------------------------------------------------------

# Per unit: points lost on the scored criteria, bonus, penalty, and the head's corrections
# (criterion label, points taken off, explanation). Invented, in the order the articles give.
BT1_2024 = {
    "ldld-tuy-phong": (3, 2, 0, []),
    "ldld-tp-phan-thiet": (4, 1.5, 0, []),
    "ldld-bac-binh": (7, 1, 0, []),
    "ldld-ham-thuan-bac": (
        10.5,
        0,
        0,
        [("II.3", 0.5, "Chưa có minh chứng tổ chức hoạt động về nguồn của đơn vị.")],
    ),
    "ldld-phu-quy": (14, 0, 1, [("IV.2", 1, "Chưa hoàn thành kế hoạch kiểm tra năm 2024.")]),
}


def seed_program(stats: Stats):
    """The province's programme of 2024."""
    return ensure_program(
        stats,
        Organization.objects.get(code="ldld-binh-thuan"),
        2024,
        theme="Đổi mới, sáng tạo, vì quyền lợi đoàn viên, người lao động",
        plan_reference="Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024",
        self_assessment_deadline=D(2024, 11, 30),
        verification_deadline=D(2024, 12, 10),
    )


def seed_results(stats: Stats):
    """The 2024 results, complete and locked (Tuy Phong first)."""
    seed_year_results(
        stats,
        ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024),
        BT1_2024,
        locked=True,
    )


# The review of 14/12/2024 --------------------------------------------------------------------

BT1_2024_REVIEW = {
    "held_on": D(2024, 12, 14),
    "starts_at": datetime.time(8, 0),
    "ends_at": datetime.time(11, 30),
    "place": "Hội trường Liên đoàn Lao động huyện Bắc Bình",
    "host": "ldld-bac-binh",
    "secretary": "Nguyễn Thị Mỹ Lệ",
    "secretary_title": "Chuyên viên Liên đoàn Lao động huyện Bắc Bình",
    "guests": [
        "Đồng chí Lê Văn Quang – Phó Chủ tịch Liên đoàn Lao động tỉnh Bình Thuận",
        "Đồng chí Nguyễn Thị Hồng Nhung – Chuyên viên Văn phòng Liên đoàn Lao động tỉnh",
    ],
    "agenda": [
        "Thông qua dự thảo Báo cáo tổng kết công tác thi đua năm 2024 và phương hướng, "
        "nhiệm vụ năm 2025 của Cụm thi đua số 1.",
        "Bình xét thi đua, đề nghị khen thưởng năm 2024.",
        "Bầu Cụm trưởng, Cụm phó năm 2025.",
        "Bàn giao hồ sơ, nhiệm vụ Cụm trưởng.",
        "Ký kết giao ước thi đua năm 2025.",
    ],
    "representatives": {
        "ldld-bac-binh": ("Trần Văn Hòa", "Chủ tịch Liên đoàn Lao động huyện Bắc Bình"),
        "ldld-tuy-phong": ("Phạm Thị Thu", "Chủ tịch Liên đoàn Lao động huyện Tuy Phong"),
        "ldld-ham-thuan-bac": (
            "Nguyễn Hữu Phúc",
            "Chủ tịch Liên đoàn Lao động huyện Hàm Thuận Bắc",
        ),
        "ldld-phu-quy": ("Lê Minh Trí", "Phó Chủ tịch Liên đoàn Lao động huyện Phú Quý"),
        "ldld-tp-phan-thiet": (
            "Võ Thị Kim Oanh",
            "Phó Chủ tịch Liên đoàn Lao động thành phố Phan Thiết",
        ),
    },
    # The article's paragraph on the year, lightly shortened.
    "achievements": [
        "Thực hiện Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024 của Ban Thường vụ Liên đoàn Lao động "
        "tỉnh về phát động phong trào thi đua yêu nước năm 2024 và chào mừng kỷ niệm 95 năm "
        "Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/2024), bám sát chỉ tiêu, nhiệm vụ "
        "của Ban Thường vụ Liên đoàn Lao động tỉnh và cấp ủy cùng cấp giao, các thành viên Cụm "
        "thi đua số 1 vừa nỗ lực phấn đấu, vừa tập trung chỉ đạo, hướng dẫn, đôn đốc các công "
        "đoàn cơ sở trực thuộc hoàn thành tốt Chương trình thi đua năm 2024. Các phong trào "
        "thi đua được triển khai có trọng tâm, trọng điểm, đổi mới phương pháp và nội dung phù "
        "hợp với từng loại hình cơ sở; việc phát động và tổ chức các phong trào thi đua trong "
        "lao động, sản xuất, công tác, công vụ được duy trì thường xuyên, gắn với chăm lo đời "
        "sống, bảo vệ quyền lợi hợp pháp, chính đáng cho CNVCLĐ.",
        "Các chỉ tiêu về thành lập công đoàn cơ sở, nghiệp đoàn, chính sách pháp luật và quan "
        "hệ lao động, công tác tuyên giáo - nữ công đều đạt và vượt; công tác giới thiệu đoàn "
        "viên ưu tú cho Đảng được quan tâm đẩy mạnh; các hoạt động nhân Tháng Công nhân và "
        "chào mừng kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam được tổ chức thiết thực, "
        "hiệu quả, tạo được sự lan tỏa; tỷ lệ cán bộ, đoàn viên, CNVCLĐ tham gia các cuộc thi, "
        "các phong trào được nâng cao, trở thành nền nếp trong toàn Cụm.",
    ],
    "limitations": [
        "Một số đơn vị gửi báo cáo, số liệu về Cụm trưởng còn chậm so với thời gian quy định; "
        "minh chứng kèm theo kết quả tự chấm điểm của một số tiêu chí chưa đầy đủ.",
        "Việc phát triển đoàn viên, thành lập công đoàn cơ sở trong doanh nghiệp ngoài nhà "
        "nước còn khó khăn; hoạt động trao đổi, học tập kinh nghiệm giữa các đơn vị trong Cụm "
        "chưa thường xuyên, nhất là với huyện đảo Phú Quý.",
    ],
    "directions": [
        "Tiếp tục đẩy mạnh các phong trào thi đua yêu nước trong CNVCLĐ, thi đua lập thành tích "
        "chào mừng Đại hội Đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của "
        "Đảng; thực hiện tốt chức năng đại diện, chăm lo, bảo vệ quyền, lợi ích hợp pháp, chính "
        "đáng của đoàn viên, người lao động.",
        "Đẩy mạnh phát triển đoàn viên, thành lập công đoàn cơ sở; duy trì giao ban Cụm hằng "
        "quý luân phiên tại các đơn vị thành viên; thực hiện đầy đủ, đúng hạn chế độ thông tin, "
        "báo cáo và các nội dung giao ước thi đua năm 2025.",
    ],
    "conclusions": [
        (
            "Cụm trưởng năm 2024 hoàn chỉnh Báo cáo tổng kết công tác thi đua năm 2024 theo ý "
            "kiến đóng góp tại hội nghị, gửi Liên đoàn Lao động tỉnh.",
            "Cụm trưởng năm 2024 (LĐLĐ huyện Bắc Bình)",
            D(2024, 12, 20),
        ),
        (
            "Hoàn chỉnh hồ sơ đề nghị tặng Cờ thi đua của Liên đoàn Lao động tỉnh cho Liên đoàn "
            "Lao động huyện Tuy Phong và Bằng khen của Liên đoàn Lao động tỉnh cho Liên đoàn "
            "Lao động thành phố Phan Thiết, trình Hội đồng Thi đua - Khen thưởng Liên đoàn Lao "
            "động tỉnh.",
            "Cụm trưởng năm 2024 (LĐLĐ huyện Bắc Bình)",
            D(2024, 12, 25),
        ),
        (
            "Theo dõi, đôn đốc các đơn vị thành viên thực hiện giao ước thi đua năm 2025 đã ký "
            "kết tại hội nghị; tổ chức giao ban Cụm quý I/2025.",
            "Cụm trưởng năm 2025 (LĐLĐ huyện Tuy Phong)",
            D(2025, 3, 31),
        ),
    ],
}


def seed_province_awards(stats: Stats) -> dict:
    """The province's award forms and its quotas of 2024, by kind."""
    return seed_award_types(stats, Organization.objects.get(code="ldld-binh-thuan"), 2024)


def seed_meetings(stats: Stats, binh_thuan: dict):
    """The review of 2024 (secret ballot: the flag to Tuy Phong, the certificate to Phan
    Thiết), with the province's award forms `binh_thuan`. Skipped when held already."""
    from awards.models import VoteMode
    from awards.services.votes import record_secret_ballot, start_vote

    def bt1_vote(meeting, units):
        # Secret ballots, one for each form; a unit's own ballot never names it.
        flag = start_vote(
            meeting,
            award_type=binh_thuan["leading_flag"],
            mode=VoteMode.SECRET,
            candidates=[units["ldld-tuy-phong"]],
            by=None,
        )
        record_secret_ballot(
            flag, issued=5, returned=5, valid=5, counts={units["ldld-tuy-phong"].pk: 4}, by=None
        )
        certificate = start_vote(
            meeting,
            award_type=binh_thuan["certificate"],
            mode=VoteMode.SECRET,
            candidates=[units["ldld-tp-phan-thiet"], units["ldld-bac-binh"]],
            by=None,
        )
        record_secret_ballot(
            certificate,
            issued=5,
            returned=5,
            valid=5,
            counts={units["ldld-tp-phan-thiet"].pk: 4, units["ldld-bac-binh"].pk: 1},
            by=None,
        )
        _nominate_all(meeting, [binh_thuan["leading_flag"], binh_thuan["certificate"]])

    seed_review(stats, "binh-thuan-1", 2024, BT1_2024_REVIEW, bt1_vote)


# The pact of 2025 ----------------------------------------------------------------------------


def seed_pacts(stats: Stats):
    """The pact of 2025, signed at the review of 14/12/2024 in Bắc Bình."""
    from clusters.models import Meeting, MeetingKind, PactTarget
    from clusters.services.scoring import load_table

    bt1_2025 = ClusterYear.objects.filter(cluster__code="binh-thuan-1", year=2025).first()
    if bt1_2025 is not None:
        review = Meeting.objects.filter(
            cluster_year__cluster__code="binh-thuan-1",
            cluster_year__year=2024,
            kind=MeetingKind.REVIEW,
        ).first()
        pact = _demo_pact(
            stats,
            bt1_2025,
            signed_on=D(2024, 12, 14),
            place="Liên đoàn Lao động huyện Bắc Bình",
            meeting=review,
        )
        program = EmulationProgram.for_cluster_year(bt1_2025)
        if program is not None:
            # The year closed on 30/6/2025: the targets stay in the pact, no result is opened.
            table = load_table(program)
            for (org_id, indicator_id), target in _pact_figures(bt1_2025, table, {}).items():
                ensure(
                    stats,
                    PactTarget,
                    {"pact": pact, "organization_id": org_id, "indicator_id": indicator_id},
                    target=target,
                )


# The proposal and the decision ---------------------------------------------------------------

# The submission of the review (number, date and signer invented), and the province's decision
# on it.
BT1_2024_APPROVAL = (
    "binh-thuan-1",
    2024,
    {"number": "05/TTr-CTĐ", "issued_on": D(2024, 12, 16), "place": "Bắc Bình"},
    {
        "number": "15/QĐ-LĐLĐ",
        "signed_on": D(2025, 1, 10),
        "signer": "Nguyễn Văn Hòa",
        "signer_title": "Chủ tịch",
    },
)
