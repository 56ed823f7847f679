"""The demo data: the events of the three articles in shared/seeds, on the dated structure.

Facts the articles do not give are invented but consistent with them; every person is
fictional. Each object is looked up by its natural key and created only when missing, so a
second run writes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from clusters.models import (
    Cluster,
    ClusterKind,
    ClusterYear,
    ClusterYearStatus,
    EmulationProgram,
    Membership,
    Officer,
    OfficerRole,
    Organization,
    OrganizationKind,
    OrganizationName,
    ParentPeriod,
    Restructuring,
)
from clusters.services import apply_restructuring, plan_restructuring, propose_rotation

D = datetime.date
PASSWORD = "demo"
LAST_DAY_BEFORE_MERGER = D(2025, 6, 30)
FIRST_DAY_AFTER_MERGER = D(2025, 7, 1)
REASON = "Dữ liệu mẫu (seed_demo)"


@dataclass
class Stats:
    created: int = 0


def ensure(stats: Stats, model, lookup: dict, **defaults):
    """Get by the natural key, or create; never update what exists."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj
    obj = model(**lookup, **defaults)
    obj._change_reason = REASON
    obj.save()
    stats.created += 1
    return obj


def org(stats, code, name, kind, locality="", parent=None, valid_from=None, **extra):
    organization = ensure(
        stats,
        Organization,
        {"code": code},
        name=name,
        kind=kind,
        locality=locality,
        valid_from=valid_from,
        **extra,
    )
    if parent is not None:
        ensure(
            stats,
            ParentPeriod,
            {"organization": organization, "parent": parent, "valid_from": valid_from},
        )
    return organization


def make_cluster(stats, code, organizer, number, decision, founded_on):
    return ensure(
        stats,
        Cluster,
        {"code": code},
        organizer=organizer,
        kind=ClusterKind.CLUSTER,
        number=number,
        name=f"Cụm thi đua số {number}",
        founding_decision=decision,
        founded_on=founded_on,
    )


def cluster_year(stats, cluster, year, members, *, head=None, deputy=None, status, **extra):
    cy = ensure(
        stats,
        ClusterYear,
        {"cluster": cluster, "year": year},
        head=head,
        deputy=deputy,
        status=status,
        **extra,
    )
    for member in members:
        joined_on = None
        if isinstance(member, tuple):
            member, joined_on = member
        ensure(stats, Membership, {"cluster_year": cy, "organization": member}, joined_on=joined_on)
    return cy


K = OrganizationKind

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

DEMO_USERS = [
    # username, full name, organisation code, role, title, what the README says they can do
    (
        "lamdong",
        "Nguyễn Thị Thanh Hương",
        "ldld-lam-dong",
        OfficerRole.STAFF,
        "Chuyên viên, Thư ký Hội đồng Thi đua - Khen thưởng",
    ),
    (
        "phuongphanthiet",
        "Trần Minh Tuấn",
        "cd-phuong-phan-thiet",
        OfficerRole.MANAGER,
        "Chủ tịch Công đoàn phường",
    ),
    (
        "vinhhao",
        "Lê Thị Ngọc Mai",
        "cdcs-vinh-hao",
        OfficerRole.MANAGER,
        "Chủ tịch Công đoàn cơ sở",
    ),
    ("muine", "Phan Văn Lộc", "cd-phuong-mui-ne", OfficerRole.MANAGER, "Chủ tịch Công đoàn phường"),
    ("bacbinh", "Đỗ Văn Thành", "ldld-bac-binh", OfficerRole.MANAGER, "Chủ tịch (đến 30/6/2025)"),
    (
        "tpphanthiet",
        "Võ Thị Kim Oanh",
        "ldld-tp-phan-thiet",
        OfficerRole.STAFF,
        "Phó Chủ tịch (đến 30/6/2025)",
    ),
    ("cantho", "Lâm Thị Mỹ Duyên", "ldld-can-tho", OfficerRole.STAFF, "Chuyên viên Ban Tổ chức"),
    ("khanhhoa", "Hồ Văn Nam", "ldld-khanh-hoa", OfficerRole.STAFF, "Chuyên viên"),
]


def seed_before_2025(stats: Stats):
    """The structure as it was before the 2025 restructuring, with the articles' events."""
    tld = org(stats, "tld", "Tổng Liên đoàn Lao động Việt Nam", K.CONFEDERATION, "Hà Nội")
    provinces = {
        code: org(stats, code, f"Liên đoàn Lao động {name}", K.PROVINCIAL, locality, tld)
        for code, name, locality in [
            ("ldld-binh-thuan", "tỉnh Bình Thuận", "Bình Thuận"),
            ("ldld-soc-trang", "tỉnh Sóc Trăng", "Sóc Trăng"),
            ("ldld-lam-dong", "tỉnh Lâm Đồng", "Lâm Đồng"),
            ("ldld-can-tho", "thành phố Cần Thơ", "Cần Thơ"),
            ("ldld-khanh-hoa", "tỉnh Khánh Hòa", "Khánh Hòa"),
        ]
    }
    binh_thuan, soc_trang = provinces["ldld-binh-thuan"], provinces["ldld-soc-trang"]

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


BINH_THUAN_DECISION = (
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025; hướng dẫn của Tổng Liên đoàn Lao động "
    "Việt Nam về sắp xếp tổ chức công đoàn (Bình Thuận)"
)
SOC_TRANG_DECISION = (
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025; hướng dẫn của Tổng Liên đoàn Lao động "
    "Việt Nam về sắp xếp tổ chức công đoàn (Sóc Trăng)"
)


def restructure_2025(stats: Stats):
    """The 2025 restructuring, through the same service the staff use."""
    by_code = {o.code: o for o in Organization.objects.all()}
    lam_dong = by_code["ldld-lam-dong"]
    can_tho = by_code["ldld-can-tho"]
    # The commune and ward unions created on 1/7/2025 under the merged province.
    wards = {}
    for code, name, kind, locality in [
        ("cd-phuong-phan-thiet", "Công đoàn phường Phan Thiết", K.COMMUNE, "Phan Thiết"),
        ("cd-phuong-mui-ne", "Công đoàn phường Mũi Né", K.COMMUNE, "Mũi Né"),
        ("cd-phuong-ham-thang", "Công đoàn phường Hàm Thắng", K.COMMUNE, "Hàm Thắng"),
        ("cd-xa-tuy-phong", "Công đoàn xã Tuy Phong", K.COMMUNE, "Tuy Phong"),
        ("cd-xa-bac-binh", "Công đoàn xã Bắc Bình", K.COMMUNE, "Bắc Bình"),
    ]:
        wards[code] = org(
            stats,
            code,
            name,
            kind,
            locality,
            lam_dong,
            valid_from=FIRST_DAY_AFTER_MERGER,
            founding_decision="Quyết định thành lập của LĐLĐ tỉnh Lâm Đồng ngày 01/7/2025",
        )

    if not Restructuring.objects.filter(decision=BINH_THUAN_DECISION).exists():
        ended = [
            by_code[c]
            for c in [
                "ldld-bac-binh",
                "ldld-tuy-phong",
                "ldld-ham-thuan-bac",
                "ldld-phu-quy",
                "ldld-tp-phan-thiet",
                "ldld-binh-thuan",
            ]
        ]
        new_parents = {
            by_code["cdcs-thpt-tuy-phong"]: wards["cd-xa-tuy-phong"],
            by_code["cdcs-thpt-bac-binh"]: wards["cd-xa-bac-binh"],
        }
        for number in range(1, 10):
            target = (
                wards["cd-phuong-phan-thiet"]
                if number <= 5
                else wards["cd-phuong-mui-ne"]
                if number <= 7
                else lam_dong
            )
            for index in range(1, 5):
                new_parents[by_code[f"cdcs-pt-{number}-{index}"]] = target
        plan = plan_restructuring(
            ended=ended,
            last_day=LAST_DAY_BEFORE_MERGER,
            successors={o: [lam_dong] for o in ended},
            new_parents=new_parents,
        )
        apply_restructuring(
            plan=plan,
            decision=BINH_THUAN_DECISION,
            note="Kết thúc hoạt động LĐLĐ cấp huyện; hợp nhất LĐLĐ tỉnh Bình Thuận vào LĐLĐ tỉnh Lâm Đồng.",
        )
        stats.created += 1

    if not Restructuring.objects.filter(decision=SOC_TRANG_DECISION).exists():
        ended = [
            by_code[c]
            for c in [
                "ldld-tp-soc-trang",
                "ldld-ke-sach",
                "ldld-thanh-tri",
                "ldld-nga-nam",
                "ldld-my-tu",
                "ldld-chau-thanh-st",
                "ldld-soc-trang",
            ]
        ]
        plan = plan_restructuring(
            ended=ended,
            last_day=LAST_DAY_BEFORE_MERGER,
            successors={o: [can_tho] for o in ended},
        )
        apply_restructuring(
            plan=plan,
            decision=SOC_TRANG_DECISION,
            note="Kết thúc hoạt động LĐLĐ cấp huyện; hợp nhất LĐLĐ tỉnh Sóc Trăng vào LĐLĐ thành phố Cần Thơ.",
        )
        stats.created += 1


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


def seed_users(stats: Stats):
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", "admin@example.invalid", PASSWORD, first_name="Quản trị hệ thống"
        )
        stats.created += 1
    for username, full_name, code, role, title in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Vietnamese names read family name first: keep the whole name in one field.
            user = User.objects.create_user(username, password=PASSWORD, first_name=full_name)
            stats.created += 1
        ensure(
            stats,
            Officer,
            {"user": user, "organization": Organization.objects.get(code=code)},
            role=role,
            title=title,
        )


def seed_demo(today: datetime.date | None = None) -> int:
    """Load the demo; returns how many records it created (0 on a second run)."""
    today = today or timezone.localdate()
    stats = Stats()
    with transaction.atomic():
        seed_before_2025(stats)
    with transaction.atomic():
        restructure_2025(stats)
    with transaction.atomic():
        seed_after_2025(stats, today)
        seed_users(stats)
    # The results' history keeps the workflow's reasons in the demo's language.
    with transaction.atomic(), translation.override("vi"):
        seed_results(stats, today)
    return stats.created


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


def _spread(criteria, points: Decimal, *, step=Decimal("1.5")) -> dict:
    """Take `points` off (or give them to) the criteria in turn, in half points."""
    out = {}
    remaining = Decimal(points)
    for criterion in criteria:
        take = min(remaining, step, criterion.max_points)
        out[criterion.pk] = take
        remaining -= take
        if remaining <= 0:
            break
    return out


def _demo_figures(table, index: int) -> dict:
    figures = {}
    for position, indicator in enumerate(table.indicators):
        base = 20 + 7 * position + 3 * index
        if indicator.kind == "money":
            base *= 1_500_000
        target = Decimal(base) if indicator.has_target else None
        actual = Decimal(base + base * (5 - index) // 20 + (index % 2))
        figures[indicator.pk] = {"target": target, "actual": actual}
    return figures


def score_demo_result(result, table, plan, index: int, *, by=None, verified=True, skip=()):
    """Fill a result from its plan: self-scores, figures, the head's corrections."""
    from clusters.models import CriterionKind
    from clusters.services import save_result

    loss, bonus, penalty, corrections = plan
    plain = [
        c for c in table.criteria if c.section.kind == CriterionKind.SCORE and not c.is_computed
    ]
    lost = _spread(plain[index % 3 :] + plain[: index % 3], Decimal(str(loss)))
    scores = {c.pk: {"self_score": c.max_points - lost.get(c.pk, 0)} for c in plain}
    for kind, amount in ((CriterionKind.BONUS, bonus), (CriterionKind.PENALTY, penalty)):
        items = [c for c in table.criteria if c.section.kind == kind]
        for pk, points in _spread(items, Decimal(str(amount)), step=Decimal(1)).items():
            scores[pk] = {"self_score": points}
    by_pk = {c.pk: c for c in table.criteria}
    scores = {pk: data for pk, data in scores.items() if by_pk[pk].section.code not in skip}
    for data in scores.values():
        data["verified_score"] = data["self_score"] if verified else None
    by_label = {c.label: c for c in table.criteria}
    for label, points, explanation in corrections:
        data = scores[by_label[label].pk]
        data["verified_score"] = data["self_score"] - Decimal(str(points))
        data["explanation"] = explanation
    return save_result(
        result=result,
        by=by,
        base_version=result.version,
        scores=scores,
        figures=_demo_figures(table, index),
        reason=REASON,
        table=table,
    )


def seed_year_results(stats: Stats, cluster_year, plans: dict, *, locked: bool):
    """A whole year's results, verified; locked with their classification when the year is
    over. Skipped when the year already has results."""
    from clusters.models import AnnualResult, ResultStatus
    from clusters.scoring import load_table
    from clusters.services import cluster_standings, result_for

    if cluster_year.results.exists():
        return
    program = EmulationProgram.for_cluster_year(cluster_year)
    table = load_table(program)
    members = {o.code: o for o in Organization.objects.filter(code__in=plans)}
    for index, (code, plan) in enumerate(plans.items()):
        result = result_for(cluster_year, members[code], by=None)
        result = score_demo_result(result, table, plan, index)
        AnnualResult.objects.filter(pk=result.pk).update(
            status=ResultStatus.VERIFIED, submitted_at=timezone.now(), verified_at=timezone.now()
        )
        stats.created += 1
    if locked:
        for row in cluster_standings(cluster_year, table).rows:
            if row.result is not None:
                AnnualResult.objects.filter(pk=row.result.pk).update(
                    status=ResultStatus.LOCKED, level=row.level
                )


def ensure_program(stats: Stats, organizer, year: int, **fields):
    from clusters.services import create_default_program

    program = EmulationProgram.objects.filter(organizer=organizer, year=year).first()
    if program is None:
        program = create_default_program(organizer=organizer, year=year, reason=REASON, **fields)
        stats.created += 1
    return program


def seed_results(stats: Stats, today: datetime.date):
    """Programmes and results: binh-thuan-1 2024 and soc-trang-2 2018 complete and locked
    (Tuy Phong and TP Sóc Trăng first), lam-dong-1 of the current year partly entered."""
    from clusters.models import ResultStatus
    from clusters.scoring import load_table
    from clusters.services import result_for, submit_result, verify_result

    orgs = {
        o.code: o
        for o in Organization.objects.filter(
            code__in=["ldld-binh-thuan", "ldld-soc-trang", "ldld-lam-dong"]
        )
    }
    ensure_program(
        stats,
        orgs["ldld-binh-thuan"],
        2024,
        theme="Đổi mới, sáng tạo, vì quyền lợi đoàn viên, người lao động",
        plan_reference="Kế hoạch số 13/KH-LĐLĐ ngày 18/3/2024",
        self_assessment_deadline=D(2024, 11, 30),
        verification_deadline=D(2024, 12, 10),
    )
    # The 2018 regulation allowed more excellent units than today's 20% (invented figure).
    ensure_program(
        stats,
        orgs["ldld-soc-trang"],
        2018,
        plan_reference="Kế hoạch số 05/KH-LĐLĐ ngày 12/02/2018",
        self_assessment_deadline=D(2018, 12, 15),
        top_share_percent=Decimal(40),
    )
    this_year = ensure_program(
        stats,
        orgs["ldld-lam-dong"],
        today.year,
        theme="Thi đua lao động sáng tạo, xây dựng tổ chức Công đoàn vững mạnh",
        plan_reference=f"Kế hoạch số 08/KH-LĐLĐ ngày 20/01/{today.year}",
        self_assessment_deadline=D(today.year, 12, 15),
        verification_deadline=D(today.year, 12, 25),
    )
    seed_year_results(
        stats,
        ClusterYear.objects.get(cluster__code="binh-thuan-1", year=2024),
        BT1_2024,
        locked=True,
    )
    seed_year_results(
        stats,
        ClusterYear.objects.get(cluster__code="soc-trang-2", year=2018),
        ST2_2018,
        locked=True,
    )
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
