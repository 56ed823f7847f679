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
    with transaction.atomic():
        seed_briefings(stats, today)
    # The reviews of binh-thuan-1 2024 and soc-trang-2 2018: their texts and history in Vietnamese.
    with transaction.atomic(), translation.override("vi"):
        seed_meetings(stats, today)
    # Last: the pact of binh-thuan-1 2025 points to the 2024 review meeting when it is seeded.
    with transaction.atomic(), translation.override("vi"):
        seed_pacts(stats, today)
    with transaction.atomic(), translation.override("vi"):
        seed_approvals(stats, today)
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
    from clusters.services import cluster_standings, result_for
    from clusters.services.scoring import load_table

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
    from clusters.services import result_for, submit_result, verify_result
    from clusters.services.scoring import load_table

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


# Pacts ---------------------------------------------------------------------------------------

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


def seed_pacts(stats: Stats, today: datetime.date):
    """The pacts: binh-thuan-1 2025, signed at the review of 14/12/2024 in Bắc Bình, and
    lam-dong-1 of the current year, whose targets are its members' result targets."""
    from clusters.models import IndicatorValue, Meeting, MeetingKind, PactTarget
    from clusters.services.pacts import save_pact_targets
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


# Meetings ------------------------------------------------------------------------------------

# The award forms of a provincial federation: name, short name, kind, required level, order.
PROVINCE_AWARD_TYPES = [
    ("Cờ thi đua của Liên đoàn Lao động tỉnh", "Cờ thi đua", "leading_flag", "htxsnv", 1),
    (
        "Cờ thi đua xuất sắc của Liên đoàn Lao động tỉnh",
        "Cờ thi đua xuất sắc",
        "excellent_flag",
        "htxsnv",
        2,
    ),
    ("Bằng khen của Liên đoàn Lao động tỉnh", "Bằng khen", "certificate", "", 3),
]
# The quotas (invented): kind → scope, at most, at most per cent, blocking.
PROVINCE_AWARD_RULES = {
    "leading_flag": ("cluster", 1, None, True),
    "excellent_flag": ("cluster", 2, None, False),
    "certificate": ("share", None, Decimal(20), False),
}

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


def seed_award_types(stats: Stats, organizer, year: int) -> dict:
    """The province's award forms, and its quotas for the year."""
    from awards.models import AwardRule, AwardType

    types = {}
    for name, short_name, kind, level, order in PROVINCE_AWARD_TYPES:
        award_type = ensure(
            stats,
            AwardType,
            {"organizer": organizer, "name": name},
            short_name=short_name,
            kind=kind,
            requires_level=level,
            order=order,
        )
        scope, max_count, max_percent, blocking = PROVINCE_AWARD_RULES[kind]
        ensure(
            stats,
            AwardRule,
            {"organizer": organizer, "year": year, "award_type": award_type, "scope": scope},
            max_count=max_count,
            max_percent=max_percent,
            blocking=blocking,
        )
        types[kind] = award_type
    return types


def _hold_review(stats: Stats, cluster_year, plan: dict, run_vote) -> None:
    """The year-end review through the meeting services, as the head ran it: prepared,
    everyone present, the summary adopted, the vote (`run_vote(meeting, units)`), the election
    of next year's term exactly as the demo records it, the conclusions, closed.

    The demo loads its past years closed; at the review the year was in review and the next
    one not yet running, so both are reopened for the services and then put back, without a
    history entry of their own."""
    from clusters.services.meetings import (
        adopt_summary,
        close_meeting,
        create_review,
        elect,
        save_attendance,
        save_conclusions,
    )

    next_year = ClusterYear.objects.get(cluster=cluster_year.cluster, year=cluster_year.year + 1)
    statuses = {cluster_year.pk: cluster_year.status, next_year.pk: next_year.status}
    started = timezone.now()
    ClusterYear.objects.filter(pk=cluster_year.pk).update(status=ClusterYearStatus.REVIEW)
    ClusterYear.objects.filter(pk=next_year.pk).update(status=ClusterYearStatus.SETUP)
    cluster_year.refresh_from_db()

    units = {o.code: o for o in Organization.objects.filter(memberships__cluster_year=cluster_year)}
    chair = cluster_year.head_person or ""
    meeting = create_review(
        cluster_year,
        by=None,
        held_on=plan["held_on"],
        starts_at=plan["starts_at"],
        place=plan["place"],
        host=Organization.objects.get(code=plan["host"]),
        chair=chair,
        chair_title=cluster_year.head_person_title,
        secretary=plan["secretary"],
        secretary_title=plan["secretary_title"],
        guests="\n".join(plan["guests"]),
        agenda="\n".join(plan["agenda"]),
    )
    save_attendance(
        meeting,
        {
            units[code].pk: {"present": True, "representative": name, "representative_title": title}
            for code, (name, title) in plan["representatives"].items()
        },
        by=None,
    )
    adopt_summary(
        meeting,
        achievements="\n".join(plan["achievements"]),
        limitations="\n".join(plan["limitations"]),
        directions="\n".join(plan["directions"]),
        by=None,
    )
    run_vote(meeting, units)
    elect(
        meeting,
        head=next_year.head,
        deputy=next_year.deputy,
        handover_on=next_year.handover_on,
        handover_note=next_year.handover_note,
        by=None,
    )
    save_conclusions(
        meeting,
        [{"text": text, "owner": owner, "due_on": due} for text, owner, due in plan["conclusions"]],
        by=None,
    )
    close_meeting(meeting, by=None, ends_at=plan["ends_at"])

    for pk, status in statuses.items():
        ClusterYear.objects.filter(pk=pk).update(status=status)
    # The election's entry in next year's history shows the year as it stands.
    ClusterYear.history.filter(id=next_year.pk, history_date__gte=started).update(
        status=statuses[next_year.pk]
    )
    cluster_year.refresh_from_db()
    stats.created += 1


def _nominate_all(meeting, award_types) -> None:
    from awards.services.votes import nominate_chosen

    for award_type in award_types:
        _, errors = nominate_chosen(meeting, award_type, by=None)
        if errors:
            raise ValueError("; ".join(errors))


def seed_meetings(stats: Stats, today: datetime.date):
    """The year-end reviews of the articles: binh-thuan-1 2024 (secret ballot: the flag to
    Tuy Phong, the certificate to Phan Thiết) and soc-trang-2 2018 (open vote: the leading
    flag to TP Sóc Trăng, excellent flags to Y tế and Kế Sách). Skipped when held already."""
    from awards.models import VoteMode
    from awards.services.votes import record_open_vote, record_secret_ballot, start_vote
    from clusters.models import Meeting, MeetingKind

    orgs = {
        o.code: o
        for o in Organization.objects.filter(
            code__in=["ldld-binh-thuan", "ldld-soc-trang", "ldld-lam-dong"]
        )
    }
    binh_thuan = seed_award_types(stats, orgs["ldld-binh-thuan"], 2024)
    soc_trang = seed_award_types(stats, orgs["ldld-soc-trang"], 2018)
    # Lâm Đồng's forms and quotas of this year, so that lam-dong-1's review can be run.
    seed_award_types(stats, orgs["ldld-lam-dong"], today.year)
    held = set(
        Meeting.objects.filter(kind=MeetingKind.REVIEW, cluster_year__isnull=False).values_list(
            "cluster_year__cluster__code", "cluster_year__year"
        )
    )

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

    for code, year, plan, run_vote in [
        ("binh-thuan-1", 2024, BT1_2024_REVIEW, bt1_vote),
        ("soc-trang-2", 2018, ST2_2018_REVIEW, st2_vote),
    ]:
        if (code, year) in held:
            continue
        cluster_year = ClusterYear.objects.filter(cluster__code=code, year=year).first()
        if cluster_year is None or not cluster_year.results.exists():
            continue
        _hold_review(stats, cluster_year, plan, run_vote)


# Proposals and decisions ---------------------------------------------------------------------

# The submissions of the two reviews (numbers, dates and signers invented), and the province's
# decision on binh-thuan-1 2024. The Sóc Trăng proposal is left as the article leaves it:
# submitted to the provincial council, waiting for its decision.
APPROVALS = [
    (
        "binh-thuan-1",
        2024,
        {"number": "05/TTr-CTĐ", "issued_on": D(2024, 12, 16), "place": "Bắc Bình"},
        {
            "number": "15/QĐ-LĐLĐ",
            "signed_on": D(2025, 1, 10),
            "signer": "Nguyễn Văn Hòa",
            "signer_title": "Chủ tịch",
        },
    ),
    (
        "soc-trang-2",
        2018,
        {"number": "01/TTr-CTĐ", "issued_on": D(2019, 1, 9), "place": "Sóc Trăng"},
        None,
    ),
]


def seed_approvals(stats: Stats, today: datetime.date):
    """Submit the reviews' proposals through the approval services; decide binh-thuan-1's
    and publish the province's honour roll of 2024. Skipped once a proposal exists.

    The years are closed in the demo; at the submission they were in review, so they are
    reopened for the services and put back, as `_hold_review` does."""
    from awards.models import HonourRoll, Proposal
    from awards.services.approval import approve, record_decision, save_proposal, submit

    for code, year, fields, decision in APPROVALS:
        cluster_year = ClusterYear.objects.filter(cluster__code=code, year=year).first()
        if (
            cluster_year is None
            or Proposal.objects.filter(cluster_year=cluster_year).exists()
            or not cluster_year.nominations.exists()
        ):
            continue
        status = cluster_year.status
        started = timezone.now()
        ClusterYear.objects.filter(pk=cluster_year.pk).update(status=ClusterYearStatus.REVIEW)
        cluster_year.refresh_from_db()
        save_proposal(cluster_year, by=None, signer=cluster_year.head_person, **fields)
        submit(cluster_year, by=None)
        if decision:
            nominations = list(cluster_year.nominations.all())
            for nomination in nominations:
                approve(nomination, by=None)
            record_decision(
                organizer=cluster_year.cluster.organizer,
                year=year,
                nominations=nominations,
                by=None,
                **decision,
            )
            HonourRoll.objects.create(
                organizer=cluster_year.cluster.organizer, year=year, published=True
            )
        ClusterYear.objects.filter(pk=cluster_year.pk).update(status=status)
        ClusterYear.history.filter(id=cluster_year.pk, history_date__gte=started).update(
            status=status
        )
        stats.created += 1


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
    for cluster_year in years:
        ensure(
            stats,
            Attendance,
            {"meeting": meeting, "organization_id": cluster_year.head_id},
            present=True,
            representative=cluster_year.head_person,
            representative_title=cluster_year.head_person_title,
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
        for cluster_year in years:
            status, note = PHAN_THIET_FOLLOW_UPS.get(
                (cluster_year.cluster.number, number), ("done", "")
            )
            ensure(
                stats,
                FollowUp,
                {"conclusion": conclusion, "cluster": cluster_year.cluster},
                status=status,
                note=note,
            )
