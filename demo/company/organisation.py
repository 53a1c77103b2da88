"""Northwind Labs' people and teams: who works where, in which time zone, and when each person
usually checks in."""

from demo.company.specs import (
    ADMIN,
    COMPANY_SLUG,
    EMPLOYEE,
    KOREAN_LOGIN,
    MANAGER,
    MANAGER_TEAM,
    PersonSpec,
    TeamSpec,
)

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("grace", "Grace Okafor", checkin_weekday=0, checkin_hour=9),
    PersonSpec(ADMIN, "Alex Morgan", checkin_weekday=1, checkin_hour=11),
    PersonSpec("daniel", "Daniel Brooks", "America/New_York", checkin_weekday=0, checkin_hour=9),
    PersonSpec("priya", "Priya Nair", "America/New_York", checkin_weekday=1, checkin_hour=16),
    PersonSpec("tom", "Tom Fischer", "Europe/Berlin", checkin_weekday=4, checkin_hour=15),
    PersonSpec("sofia", "Sofia Rossi", checkin_weekday=0, checkin_hour=14),
    PersonSpec(KOREAN_LOGIN, "Ji-woo Park", "Asia/Seoul", "ko", checkin_weekday=1, checkin_hour=10),
    PersonSpec("noah", "Noah Williams", checkin_weekday=2, checkin_hour=12),
    PersonSpec(MANAGER, "Maya Chen", checkin_weekday=0, checkin_hour=10),
    PersonSpec(EMPLOYEE, "Sam Taylor", checkin_weekday=0, checkin_hour=11),
    PersonSpec("lena", "Lena Hoffmann", "Europe/Berlin", checkin_weekday=2, checkin_hour=9),
    PersonSpec("marcus", "Marcus Johnson", checkin_weekday=0, checkin_hour=16),
    PersonSpec("minjun", "Min-jun Kim", "Asia/Seoul", "ko", checkin_weekday=0, checkin_hour=15),
    PersonSpec("oliver", "Oliver Wright", checkin_weekday=3, checkin_hour=10),
    PersonSpec("hannah", "Hannah Schmidt", "Europe/Berlin", checkin_weekday=1, checkin_hour=9),
    PersonSpec("ethan", "Ethan Clarke", checkin_weekday=4, checkin_hour=11),
    PersonSpec("rachel", "Rachel Adeyemi", "America/New_York", checkin_weekday=0, checkin_hour=11),
    PersonSpec("liam", "Liam O'Connor", checkin_weekday=1, checkin_hour=14),
    PersonSpec("chloe", "Chloe Martin", checkin_weekday=2, checkin_hour=10),
)

TEAMS: tuple[TeamSpec, ...] = (
    # The leadership team sits in the company team itself.
    TeamSpec(
        COMPANY_SLUG,
        "Northwind Labs",
        None,
        "grace",
        ("daniel", "sofia", MANAGER, "marcus", "rachel", ADMIN),
    ),
    TeamSpec("sales", "Sales", COMPANY_SLUG, "daniel", ("priya", "tom")),
    TeamSpec("enterprise-accounts", "Enterprise accounts", "sales", "priya", ("tom",)),
    TeamSpec("marketing", "Marketing", COMPANY_SLUG, "sofia", ("jiwoo", "noah")),
    TeamSpec(MANAGER_TEAM, "Product", COMPANY_SLUG, MANAGER, (EMPLOYEE, "lena")),
    TeamSpec("engineering", "Engineering", COMPANY_SLUG, "marcus", ("minjun", "hannah")),
    TeamSpec("platform", "Platform", "engineering", "minjun", ("oliver",)),
    TeamSpec("growth-squad", "Growth squad", "engineering", "hannah", ("ethan",)),
    TeamSpec("customer-success", "Customer Success", COMPANY_SLUG, "rachel", ("liam",)),
    TeamSpec("people", "People", COMPANY_SLUG, ADMIN, ("chloe",)),
)
