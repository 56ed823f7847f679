"""The structure the articles share: the confederation and the provincial federations before
2025, the 2025 restructuring, and the demo users with their offices."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from clusters.models import Officer, OfficerRole, Organization, Restructuring
from clusters.services import apply_restructuring, plan_restructuring

from .base import FIRST_DAY_AFTER_MERGER, LAST_DAY_BEFORE_MERGER, PASSWORD, K, Stats, ensure, org

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
    (
        "tld",
        "Đặng Quốc Khánh",
        "tld",
        OfficerRole.STAFF,
        "Chuyên viên Ban Thi đua - Khen thưởng Tổng Liên đoàn",
    ),
]


def seed_provinces(stats: Stats) -> dict:
    """The confederation and the provincial federations before 2025, by code."""
    tld = org(stats, "tld", "Tổng Liên đoàn Lao động Việt Nam", K.CONFEDERATION, "Hà Nội")
    return {
        code: org(stats, code, f"Liên đoàn Lao động {name}", K.PROVINCIAL, locality, tld)
        for code, name, locality in [
            ("ldld-binh-thuan", "tỉnh Bình Thuận", "Bình Thuận"),
            ("ldld-soc-trang", "tỉnh Sóc Trăng", "Sóc Trăng"),
            ("ldld-lam-dong", "tỉnh Lâm Đồng", "Lâm Đồng"),
            ("ldld-can-tho", "thành phố Cần Thơ", "Cần Thơ"),
            ("ldld-khanh-hoa", "tỉnh Khánh Hòa", "Khánh Hòa"),
        ]
    }


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
