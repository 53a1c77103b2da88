"""The demo company behind `manage.py seed_demo`, as plain data.

Northwind Labs, a small software company: its teams, people and one quarter of OKRs. Each key
result carries a small script (how it is going, when it was last checked in) from which the command
generates a believable check-in history relative to today. Keeping the content here leaves the
command to do only the mechanics.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from objectives.models import KeyResultKind

D = Decimal
METRIC = KeyResultKind.METRIC
AT_LEAST = KeyResultKind.AT_LEAST
AT_MOST = KeyResultKind.AT_MOST
MILESTONE = KeyResultKind.MILESTONE

PASSWORD = "demo1234"
# The three ready logins: the design promises these names to everyone who runs the demo.
ADMIN, MANAGER, EMPLOYEE = "admin", "manager", "employee"
LOGINS = (ADMIN, MANAGER, EMPLOYEE)
# The README also offers a Korean-speaking member to try the Korean interface with. Whoever the
# README names signs in with PASSWORD; everyone else has no usable password.
KOREAN_LOGIN = "jiwoo"
PASSWORD_LOGINS = (*LOGINS, KOREAN_LOGIN)
MANAGER_TEAM = "product"
COMPANY_SLUG = "northwind-labs"
EMAIL_DOMAIN = "northwind-labs.example"
HOME_TZ = "Europe/London"
# Fixed so every run on the same day tells the same story.
RANDOM_SEED = "northwind-labs-demo"


class Pace(StrEnum):
    """Where a key result stands by today, measured against the cycle's pace line."""

    AHEAD = "ahead"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    DONE = "done"


class Last(StrEnum):
    """When the owner last checked in, relative to the current week."""

    AUTO = "auto"  # on their usual day, if it has passed (and most weeks they do)
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"  # so it shows "due this week"
    STALE = "stale"  # quiet for more than ten days: "no update"
    NEVER = "never"


@dataclass(frozen=True)
class PersonSpec:
    username: str
    display_name: str
    time_zone: str = HOME_TZ
    language: str = ""
    # The weekday (0 = Monday) and local hour this person usually checks in.
    checkin_weekday: int = 0
    checkin_hour: int = 10

    @property
    def email(self) -> str:
        first, _, last = self.display_name.partition(" ")
        return f"{first}.{last}".lower().replace("'", "").replace(" ", "") + f"@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    parent: str | None  # slug of the parent team; None only for the company itself
    manager: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyResultSpec:
    title: str
    owner: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    unit: str = ""
    # Values are rounded to a multiple of this, so MRR moves in thousands and uptime in 0.01.
    step: Decimal = D(1)
    pace: Pace = Pace.ON_TRACK
    last: Last = Last.AUTO
    # Counts of things done never go down; rates and money can.
    cumulative: bool = False
    confidence: int | None = None  # the latest confidence; by default follows from the pace
    blocker: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: str
    key_results: tuple[KeyResultSpec, ...]
    owner_team: str | None = None
    owner_user: str | None = None
    parent: str | None = None  # key of an objective listed earlier
    description: str = ""
    committed: bool = False
    private: bool = False


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

OBJECTIVES: tuple[ObjectiveSpec, ...] = (
    # --- Company ------------------------------------------------------------------------------
    ObjectiveSpec(
        key="company-growth",
        title="Become the obvious choice for mid-market operations teams",
        owner_team=COMPANY_SLUG,
        description="Mid-market teams are where we win most often and churn least. Lean in.",
        key_results=(
            KeyResultSpec(
                title="Grow MRR from $520k to $740k",
                owner="grace",
                kind=METRIC,
                start=D(520000),
                target=D(740000),
                unit="$",
                step=D(1000),
                pace=Pace.ON_TRACK,
                notes=("Two mid-market upgrades landed.", "Renewals came in ahead of plan."),
            ),
            KeyResultSpec(
                title="Win 25 new mid-market customers",
                owner="daniel",
                kind=METRIC,
                start=D(0),
                target=D(25),
                unit="customers",
                pace=Pace.AT_RISK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Raise net revenue retention from 104% to 112%",
                owner="rachel",
                kind=METRIC,
                start=D(104),
                target=D(112),
                unit="%",
                step=D("0.5"),
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="company-customers",
        title="Delight customers so they stay and tell their friends",
        owner_team=COMPANY_SLUG,
        description="Retention is cheaper than acquisition, and referrals are our best leads.",
        key_results=(
            KeyResultSpec(
                title="Keep monthly logo churn at or below 2%",
                owner="rachel",
                kind=AT_MOST,
                start=D("2.6"),
                target=D(2),
                unit="%",
                step=D("0.1"),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Raise NPS from 31 to 45",
                owner=MANAGER,
                kind=METRIC,
                start=D(31),
                target=D(45),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Cut median first-response time from 6 to 2 hours",
                owner="rachel",
                kind=METRIC,
                start=D(6),
                target=D(2),
                unit="h",
                step=D("0.1"),
                pace=Pace.AHEAD,
            ),
        ),
    ),
    ObjectiveSpec(
        key="company-foundations",
        title="Run a dependable platform on a healthy, growing team",
        owner_team=COMPANY_SLUG,
        description="Customers trust us with daily operations; people trust us with their careers.",
        key_results=(
            KeyResultSpec(
                title="Keep customer-facing incidents at or below 2 a month",
                owner="marcus",
                kind=AT_MOST,
                start=D(5),
                target=D(2),
                unit="incidents",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Raise employee engagement from 72 to 80",
                owner=ADMIN,
                kind=METRIC,
                start=D(72),
                target=D(80),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Launch self-serve onboarding",
                owner=MANAGER,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.DONE,
            ),
        ),
    ),
    # --- Sales --------------------------------------------------------------------------------
    ObjectiveSpec(
        key="sales-motion",
        title="Make our sales motion faster and more predictable",
        owner_team="sales",
        parent="company-growth",
        key_results=(
            KeyResultSpec(
                title="Reduce median sales cycle from 45 to 30 days",
                owner="daniel",
                kind=METRIC,
                start=D(45),
                target=D(30),
                unit="days",
                pace=Pace.ON_TRACK,
                notes=("Mutual action plans are now standard on every deal.",),
            ),
            KeyResultSpec(
                title="Grow qualified pipeline from $1.2M to $2.5M",
                owner="priya",
                kind=METRIC,
                start=D(1200000),
                target=D(2500000),
                unit="$",
                step=D(10000),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Raise win rate on qualified deals from 18% to 25%",
                owner="tom",
                kind=METRIC,
                start=D(18),
                target=D(25),
                unit="%",
                step=D("0.5"),
                pace=Pace.BEHIND,
                blocker="Lost two late-stage deals on price; waiting on the discount policy.",
            ),
        ),
    ),
    ObjectiveSpec(
        key="sales-enterprise",
        title="Open the door to larger accounts",
        owner_team="sales",
        parent="company-growth",
        key_results=(
            KeyResultSpec(
                title="Run executive briefings with 15 target accounts",
                owner="daniel",
                kind=METRIC,
                start=D(0),
                target=D(15),
                unit="briefings",
                pace=Pace.AHEAD,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Publish the enterprise security pack",
                owner="tom",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.DONE,
            ),
            KeyResultSpec(
                title="Keep discount on closed deals at or below 15%",
                owner="daniel",
                kind=AT_MOST,
                start=D(22),
                target=D(15),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="enterprise-first-wave",
        title="Land our first wave of enterprise customers",
        owner_team="enterprise-accounts",
        parent="sales-enterprise",
        key_results=(
            KeyResultSpec(
                title="Close 4 enterprise deals above $50k ARR",
                owner="priya",
                kind=METRIC,
                start=D(0),
                target=D(4),
                unit="deals",
                pace=Pace.AT_RISK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Get 6 enterprise prospects through a security review",
                owner="tom",
                kind=METRIC,
                start=D(0),
                target=D(6),
                unit="prospects",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Sign 3 reference customers for enterprise deals",
                owner="priya",
                kind=METRIC,
                start=D(0),
                target=D(3),
                unit="references",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
        ),
    ),
    # --- Marketing ----------------------------------------------------------------------------
    ObjectiveSpec(
        key="marketing-brand",
        title="Be the name operations leaders think of first",
        owner_team="marketing",
        parent="company-growth",
        key_results=(
            KeyResultSpec(
                title="Grow marketing-qualified leads from 340 to 600 a month",
                owner="sofia",
                kind=METRIC,
                start=D(340),
                target=D(600),
                unit="leads",
                step=D(5),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Grow organic sign-ups from 900 to 1,500 a month",
                owner="jiwoo",
                kind=METRIC,
                start=D(900),
                target=D(1500),
                unit="sign-ups",
                step=D(10),
                pace=Pace.AHEAD,
            ),
            KeyResultSpec(
                title="Keep cost per lead at or below $85",
                owner="noah",
                kind=AT_MOST,
                start=D(110),
                target=D(85),
                unit="$",
                pace=Pace.BEHIND,
                blocker="Paid search prices jumped after a competitor's launch.",
            ),
        ),
    ),
    ObjectiveSpec(
        key="marketing-advocates",
        title="Turn happy customers into our loudest advocates",
        owner_team="marketing",
        parent="company-customers",
        key_results=(
            KeyResultSpec(
                title="Publish 8 customer case studies",
                owner="noah",
                kind=METRIC,
                start=D(0),
                target=D(8),
                unit="case studies",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Grow referrals from 20 to 60 a quarter",
                owner="sofia",
                kind=METRIC,
                start=D(20),
                target=D(60),
                unit="referrals",
                pace=Pace.AT_RISK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Launch the customer story hub",
                owner="jiwoo",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.ON_TRACK,
                last=Last.STALE,
            ),
        ),
    ),
    # --- Product (the demo manager's and employee's team) -------------------------------------
    ObjectiveSpec(
        key="product-onboarding",
        title="Make getting started effortless for new teams",
        owner_team=MANAGER_TEAM,
        parent="company-customers",
        description="Most trials that fail, fail in the first three days. Fix those days.",
        key_results=(
            KeyResultSpec(
                title="Raise trial-to-paid conversion from 14% to 20%",
                owner=EMPLOYEE,
                kind=METRIC,
                start=D(14),
                target=D(20),
                unit="%",
                step=D("0.1"),
                pace=Pace.BEHIND,
                last=Last.LAST_WEEK,
                confidence=2,
                blocker="Pricing-page experiment is stuck in legal review of the new terms.",
                notes=(
                    "New trial emails went out; too early to see an effect.",
                    "Conversion dipped after the pricing change.",
                ),
            ),
            KeyResultSpec(
                title="Ship the self-serve onboarding checklist",
                owner=EMPLOYEE,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.DONE,
                last=Last.LAST_WEEK,
                notes=("Design review done; build under way.", "In beta with five trial teams."),
            ),
            KeyResultSpec(
                title="Cut time to first value from 9 to 3 days",
                owner="lena",
                kind=METRIC,
                start=D(9),
                target=D(3),
                unit="days",
                step=D("0.5"),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Keep onboarding drop-off at or below 30%",
                owner=MANAGER,
                kind=AT_MOST,
                start=D(41),
                target=D(30),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="product-big-customers",
        title="Build what our biggest customers keep asking for",
        owner_team=MANAGER_TEAM,
        parent="company-growth",
        key_results=(
            KeyResultSpec(
                title="Ship the 5 most requested features",
                owner=MANAGER,
                kind=METRIC,
                start=D(0),
                target=D(5),
                unit="features",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Raise feature adoption in active accounts from 22% to 40%",
                owner="lena",
                kind=METRIC,
                start=D(22),
                target=D(40),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Keep customer-reported bugs per release at or below 3",
                owner=MANAGER,
                kind=AT_MOST,
                start=D(7),
                target=D(3),
                unit="bugs",
                pace=Pace.AT_RISK,
            ),
        ),
    ),
    # --- Engineering --------------------------------------------------------------------------
    ObjectiveSpec(
        key="engineering-dependable",
        title="Keep the platform dependable as we grow",
        owner_team="engineering",
        parent="company-foundations",
        committed=True,
        description="Committed: customers run their operations on us, so this is not optional.",
        key_results=(
            KeyResultSpec(
                title="Keep API uptime at or above 99.95%",
                owner="minjun",
                kind=AT_LEAST,
                start=D("99.90"),
                target=D("99.95"),
                unit="%",
                step=D("0.01"),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Keep p95 API latency at or below 300 ms",
                owner="oliver",
                kind=AT_MOST,
                start=D(340),
                target=D(300),
                unit="ms",
                step=D(5),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Cut mean time to recovery from 90 to 30 minutes",
                owner="marcus",
                kind=METRIC,
                start=D(90),
                target=D(30),
                unit="min",
                step=D(5),
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="engineering-delivery",
        title="Ship small changes often and with confidence",
        owner_team="engineering",
        parent="company-foundations",
        key_results=(
            KeyResultSpec(
                title="Raise deploys from 3 to 10 a week",
                owner="hannah",
                kind=METRIC,
                start=D(3),
                target=D(10),
                unit="deploys",
                pace=Pace.AHEAD,
            ),
            KeyResultSpec(
                title="Cut change failure rate from 18% to 8%",
                owner="ethan",
                kind=METRIC,
                start=D(18),
                target=D(8),
                unit="%",
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Move every service to the new CI pipeline",
                owner="oliver",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="platform-boring",
        title="Make our infrastructure boringly reliable",
        owner_team="platform",
        parent="engineering-dependable",
        key_results=(
            KeyResultSpec(
                title="Finish the database upgrade without customer-visible downtime",
                owner="oliver",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.DONE,
            ),
            KeyResultSpec(
                title="Reduce monthly cloud spend from $48k to $40k",
                owner="minjun",
                kind=METRIC,
                start=D(48000),
                target=D(40000),
                unit="$",
                step=D(100),
                pace=Pace.BEHIND,
                blocker="Reserved-instance purchase needs finance sign-off.",
            ),
            KeyResultSpec(
                title="Keep error-budget burn at or below 100%",
                owner="minjun",
                kind=AT_MOST,
                start=D(140),
                target=D(100),
                unit="%",
                step=D(5),
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="growth-activation",
        title="Make a new team's first week feel rewarding",
        owner_team="growth-squad",
        parent="product-onboarding",
        key_results=(
            KeyResultSpec(
                title="Raise week-one activation from 35% to 50%",
                owner="hannah",
                kind=METRIC,
                start=D(35),
                target=D(50),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Ship in-app guided setup",
                owner="ethan",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.ON_TRACK,
                last=Last.NEVER,
            ),
            KeyResultSpec(
                title="Run 12 activation experiments",
                owner="ethan",
                kind=METRIC,
                start=D(0),
                target=D(12),
                unit="experiments",
                pace=Pace.AHEAD,
                cumulative=True,
            ),
        ),
    ),
    # --- Customer Success ---------------------------------------------------------------------
    ObjectiveSpec(
        key="cs-first-quarter",
        title="Make every customer successful in their first quarter",
        owner_team="customer-success",
        parent="company-customers",
        key_results=(
            KeyResultSpec(
                title="Raise onboarding completion within 30 days from 60% to 85%",
                owner="liam",
                kind=METRIC,
                start=D(60),
                target=D(85),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Keep support CSAT at or above 92%",
                owner="rachel",
                kind=AT_LEAST,
                start=D(88),
                target=D(92),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Publish 30 help-centre articles",
                owner="liam",
                kind=METRIC,
                start=D(0),
                target=D(30),
                unit="articles",
                pace=Pace.AHEAD,
                cumulative=True,
            ),
        ),
    ),
    ObjectiveSpec(
        key="cs-expansion",
        title="Grow with the customers we already have",
        owner_team="customer-success",
        parent="company-growth",
        key_results=(
            KeyResultSpec(
                title="Grow expansion revenue from $30k to $60k MRR",
                owner="rachel",
                kind=METRIC,
                start=D(30000),
                target=D(60000),
                unit="$",
                step=D(500),
                pace=Pace.AT_RISK,
            ),
            KeyResultSpec(
                title="Hold business reviews with 40 top accounts",
                owner="liam",
                kind=METRIC,
                start=D(0),
                target=D(40),
                unit="reviews",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Launch the customer health score",
                owner="rachel",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.BEHIND,
                blocker="The data team's pipeline fix slipped to next sprint.",
            ),
        ),
    ),
    # --- People -------------------------------------------------------------------------------
    ObjectiveSpec(
        key="people-hiring",
        title="Make Northwind a place great people want to join",
        owner_team="people",
        parent="company-foundations",
        key_results=(
            KeyResultSpec(
                title="Fill 11 open roles",
                owner="chloe",
                kind=METRIC,
                start=D(0),
                target=D(11),
                unit="hires",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Cut time to hire from 52 to 35 days",
                owner="chloe",
                kind=METRIC,
                start=D(52),
                target=D(35),
                unit="days",
                pace=Pace.AT_RISK,
                last=Last.STALE,
            ),
            KeyResultSpec(
                title="Keep offer acceptance at or above 85%",
                owner=ADMIN,
                kind=AT_LEAST,
                start=D(78),
                target=D(85),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="people-managers",
        title="Help every manager grow their team",
        owner_team="people",
        key_results=(
            KeyResultSpec(
                title="Train all 9 managers in coaching conversations",
                owner=ADMIN,
                kind=METRIC,
                start=D(0),
                target=D(9),
                unit="managers",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Raise engagement survey participation from 70% to 90%",
                owner="chloe",
                kind=METRIC,
                start=D(70),
                target=D(90),
                unit="%",
                pace=Pace.AHEAD,
            ),
            KeyResultSpec(
                title="Launch the career framework",
                owner=ADMIN,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.AT_RISK,
            ),
        ),
    ),
    # --- Individuals --------------------------------------------------------------------------
    ObjectiveSpec(
        key="sam-trials",
        title="Understand why trials stall and fix the biggest leaks",
        owner_user=EMPLOYEE,
        parent="product-onboarding",
        key_results=(
            KeyResultSpec(
                title="Interview 20 trial users who did not convert",
                owner=EMPLOYEE,
                kind=METRIC,
                start=D(0),
                target=D(20),
                unit="interviews",
                pace=Pace.AHEAD,
                last=Last.THIS_WEEK,
                cumulative=True,
                notes=("Three more interviews; the pricing page keeps coming up.",),
            ),
            KeyResultSpec(
                title="Run at least 2 onboarding experiments every week",
                owner=EMPLOYEE,
                kind=AT_LEAST,
                start=D(1),
                target=D(2),
                unit="experiments",
                pace=Pace.ON_TRACK,
                last=Last.STALE,
            ),
            KeyResultSpec(
                title="Keep setup-wizard abandonment at or below 25%",
                owner=EMPLOYEE,
                kind=AT_MOST,
                start=D(34),
                target=D(25),
                unit="%",
                pace=Pace.ON_TRACK,
                last=Last.THIS_WEEK,
                notes=("Shorter wizard is live for everyone.",),
            ),
        ),
    ),
    ObjectiveSpec(
        key="maya-discovery",
        title="Build a steady rhythm of customer discovery",
        owner_user=MANAGER,
        parent="product-big-customers",
        key_results=(
            KeyResultSpec(
                title="Talk to 24 customers across all segments",
                owner=MANAGER,
                kind=METRIC,
                start=D(0),
                target=D(24),
                unit="calls",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Publish the product opportunity map",
                owner=MANAGER,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.DONE,
            ),
            KeyResultSpec(
                title="Keep the idea backlog at or below 20 untriaged items",
                owner=MANAGER,
                kind=AT_MOST,
                start=D(45),
                target=D(20),
                unit="items",
                pace=Pace.BEHIND,
                blocker="Roadmap planning took the week; triage keeps slipping.",
            ),
        ),
    ),
    ObjectiveSpec(
        key="tom-growth",
        title="Grow into a trusted advisor for my enterprise accounts",
        owner_user="tom",
        parent="enterprise-first-wave",
        private=True,
        description="My development goal for this quarter, agreed with Priya.",
        key_results=(
            KeyResultSpec(
                title="Complete the enterprise negotiation course",
                owner="tom",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.AT_RISK,
                last=Last.STALE,
            ),
            KeyResultSpec(
                title="Run 10 discovery workshops with prospects",
                owner="tom",
                kind=METRIC,
                start=D(0),
                target=D(10),
                unit="workshops",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Get written feedback from 5 senior buyers",
                owner="tom",
                kind=METRIC,
                start=D(0),
                target=D(5),
                unit="buyers",
                pace=Pace.AT_RISK,
                cumulative=True,
            ),
        ),
    ),
    ObjectiveSpec(
        key="jiwoo-content",
        title="Make our content the go-to resource for operations leaders",
        owner_user="jiwoo",
        parent="marketing-brand",
        key_results=(
            KeyResultSpec(
                title="Grow newsletter subscribers from 4,000 to 7,500",
                owner="jiwoo",
                kind=METRIC,
                start=D(4000),
                target=D(7500),
                unit="subscribers",
                step=D(10),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Publish 12 long-form guides",
                owner="jiwoo",
                kind=METRIC,
                start=D(0),
                target=D(12),
                unit="guides",
                pace=Pace.ON_TRACK,
                cumulative=True,
            ),
            KeyResultSpec(
                title="Keep blog bounce rate at or below 55%",
                owner="jiwoo",
                kind=AT_MOST,
                start=D(63),
                target=D(55),
                unit="%",
                pace=Pace.AT_RISK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="oliver-oncall",
        title="Make on-call calm and predictable",
        owner_user="oliver",
        parent="platform-boring",
        key_results=(
            KeyResultSpec(
                title="Cut noisy alerts from 120 to 30 a week",
                owner="oliver",
                kind=METRIC,
                start=D(120),
                target=D(30),
                unit="alerts",
                step=D(2),
                pace=Pace.AHEAD,
            ),
            KeyResultSpec(
                title="Write runbooks for every tier-one service",
                owner="oliver",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Keep out-of-hours pages at or below 2 a week",
                owner="oliver",
                kind=AT_MOST,
                start=D(6),
                target=D(2),
                unit="pages",
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
    ObjectiveSpec(
        key="liam-response",
        title="Be the fastest, friendliest first responder on the team",
        owner_user="liam",
        parent="cs-first-quarter",
        key_results=(
            KeyResultSpec(
                title="Keep my CSAT at or above 95%",
                owner="liam",
                kind=AT_LEAST,
                start=D(91),
                target=D(95),
                unit="%",
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Cut my median first response from 5 to 1.5 hours",
                owner="liam",
                kind=METRIC,
                start=D(5),
                target=D("1.5"),
                unit="h",
                step=D("0.1"),
                pace=Pace.ON_TRACK,
            ),
            KeyResultSpec(
                title="Launch the first-week welcome call for new customers",
                owner="liam",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                pace=Pace.ON_TRACK,
            ),
        ),
    ),
)

# What people write in "what changed" and "blockers" when a key result has no words of its own.
IMPROVED = (
    "Steady progress this week.",
    "Moving in the right direction.",
    "The new process is starting to pay off.",
    "Closed some of the gap.",
    "Good week; the team kept up the momentum.",
    "A couple of quick wins landed.",
)
SLIPPED = (
    "Slipped back a little this week.",
    "A step back; looking into why.",
    "Lost some ground after a slow week.",
    "Not the week we hoped for.",
)
FLAT = (
    "No real movement this week.",
    "Holding steady.",
    "Flat while the next change lands.",
)
MET = (
    "Met the target again.",
    "Comfortably inside the target.",
    "On target all week.",
)
MISSED = (
    "Missed the target this week.",
    "Outside the target after a rough couple of days.",
    "Missed it; a fix is in progress.",
)
MILESTONE_PENDING = (
    "Scope agreed with stakeholders.",
    "Design review done; build under way.",
    "First version in internal testing.",
    "Working through feedback from the pilot.",
    "Still on the plan; nothing to show yet.",
)
MILESTONE_DONE = "Done and live."
FIRST_CHECKIN = "First check-in of the quarter; baseline confirmed."
BLOCKERS = (
    "Waiting on another team before we can go further.",
    "Two people out this week; the work is on hold.",
    "Budget approval is still pending.",
    "Blocked on a dependency that slipped.",
)
MILD_BLOCKERS = (
    "Need a decision on priorities from leadership.",
    "Some risk from competing work next week.",
)


# --- The quarter before: graded, reflected on and closed -------------------------------------


@dataclass(frozen=True)
class PastKeyResultSpec:
    """A key result of the closed quarter: its check-in values in order (the last one is where it
    ended), the final grade its owner set (None: left ungraded, so progress became the score)."""

    title: str
    owner: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    values: tuple[Decimal, ...]
    unit: str = ""
    grade: Decimal | None = None
    note: str = ""
    blocker: str = ""


@dataclass(frozen=True)
class ReflectionSpec:
    what_worked: str
    what_did_not: str
    decision: str  # keep, change or drop
    root_cause: str = ""


@dataclass(frozen=True)
class PastObjectiveSpec:
    key: str
    title: str
    key_results: tuple[PastKeyResultSpec, ...]
    reflection: ReflectionSpec
    owner_team: str | None = None
    owner_user: str | None = None
    parent: str | None = None
    committed: bool = False


PAST_OBJECTIVES: tuple[PastObjectiveSpec, ...] = (
    PastObjectiveSpec(
        key="past-company-growth",
        title="Win the mid-market with a product teams love",
        owner_team=COMPANY_SLUG,
        key_results=(
            PastKeyResultSpec(
                title="Reach $520k MRR, up from $430k",
                owner="grace",
                kind=METRIC,
                start=D(430000),
                target=D(520000),
                unit="$",
                values=(D(445000), D(468000), D(489000), D(512000)),
                grade=D("0.9"),
                note="Landed just short: two signed deals went live in October, not September.",
            ),
            PastKeyResultSpec(
                title="Lift NPS from 24 to 31",
                owner=MANAGER,
                kind=METRIC,
                start=D(24),
                target=D(31),
                values=(D(25), D(27), D(29), D(31)),
            ),
            PastKeyResultSpec(
                title="Hold monthly logo churn at or below 3%",
                owner="rachel",
                kind=AT_MOST,
                start=D("3.4"),
                target=D(3),
                unit="%",
                values=(D("3.2"), D("2.9"), D("2.8"), D("3.1"), D("2.7"), D("2.9")),
                grade=D("0.6"),
                note="Two bad weeks in August after the price change; back under 3% since.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="Pointing sales and marketing at mid-market teams only.",
            what_did_not="The August price change surprised existing customers.",
            decision="keep",
        ),
    ),
    PastObjectiveSpec(
        key="past-company-platform",
        title="Build a platform customers can rely on",
        owner_team=COMPANY_SLUG,
        committed=True,
        key_results=(
            PastKeyResultSpec(
                title="Hold uptime at or above 99.9%",
                owner="marcus",
                kind=AT_LEAST,
                start=D("99.5"),
                target=D("99.9"),
                unit="%",
                values=(D("99.95"), D("99.92"), D("99.71"), D("99.93"), D("99.96"), D("99.94")),
                grade=D("0.8"),
                note="One long database outage in week seven; every other week above target.",
            ),
            PastKeyResultSpec(
                title="Cut p95 page load from 3.2 to 1.5 seconds",
                owner="marcus",
                kind=METRIC,
                start=D("3.2"),
                target=D("1.5"),
                unit="s",
                values=(D("2.9"), D("2.5"), D("2.2"), D("2")),
                grade=D("0.7"),
                note="Caching got us most of the way; the report pages are still slow.",
            ),
            PastKeyResultSpec(
                title="Ship single sign-on on every plan",
                owner="minjun",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                values=(D(0), D(0), D(0), D(1)),
                grade=D(1),
                note="Shipped in week eleven.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="Small, reversible releases; single sign-on landed without an incident.",
            what_did_not="Performance work started too late to finish the report pages.",
            decision="change",
        ),
    ),
    PastObjectiveSpec(
        key="past-sales-outbound",
        title="Build a repeatable outbound engine",
        owner_team="sales",
        parent="past-company-growth",
        key_results=(
            PastKeyResultSpec(
                title="Book 60 qualified meetings from outbound",
                owner="daniel",
                kind=METRIC,
                start=D(0),
                target=D(60),
                unit="meetings",
                values=(D(12), D(25), D(34), D(41)),
                grade=D("0.65"),
                note="Strong start, then the team was pulled into two large renewals.",
            ),
            PastKeyResultSpec(
                title="Raise outbound reply rate from 4% to 8%",
                owner="priya",
                kind=METRIC,
                start=D(4),
                target=D(8),
                unit="%",
                values=(D("4.5"), D("5.2"), D("5.6"), D("5.9")),
                grade=D("0.5"),
                note="New sequences helped; personalisation at scale did not happen.",
                blocker="No time to personalise sequences while covering renewals.",
            ),
            PastKeyResultSpec(
                title="Launch the partner referral programme",
                owner="tom",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                values=(D(0), D(0), D(0)),
                grade=D("0.2"),
                note="Programme designed; the partner contract is still with legal.",
                blocker="The partner contract has been with legal for six weeks.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="Weekly pipeline reviews kept the meetings target honest.",
            what_did_not="Outbound and the partner programme competed for the same people.",
            root_cause=(
                "We split three people across two new motions and renewals, and finished "
                "neither motion; the partner contract waited on legal with no owner chasing it."
            ),
            decision="change",
        ),
    ),
    PastObjectiveSpec(
        key="past-marketing-content",
        title="Make our content the go-to resource for operations leaders",
        owner_team="marketing",
        parent="past-company-growth",
        key_results=(
            PastKeyResultSpec(
                title="Grow organic blog visits from 18k to 30k a month",
                owner="jiwoo",
                kind=METRIC,
                start=D(18000),
                target=D(30000),
                unit="visits",
                values=(D(20000), D(23500), D(26000), D(28000)),
                grade=D("0.85"),
                note="The benchmark report brought most of the new traffic.",
            ),
            PastKeyResultSpec(
                title="Publish 12 customer stories",
                owner="noah",
                kind=METRIC,
                start=D(0),
                target=D(12),
                unit="stories",
                values=(D(3), D(6), D(8), D(10)),
            ),
            PastKeyResultSpec(
                title="Hold cost per lead at or below $95",
                owner="noah",
                kind=AT_MOST,
                start=D(120),
                target=D(95),
                unit="$",
                values=(D(110), D(98), D(92), D(94), D(96), D(93)),
                grade=D("0.5"),
                note="Under target only half the weeks; paid search stayed expensive.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="One big research piece beat many small posts.",
            what_did_not="Paid search costs kept rising; we reacted too slowly.",
            decision="keep",
        ),
    ),
    PastObjectiveSpec(
        key="past-product-onboarding",
        title="Make the first week of a new team effortless",
        owner_team=MANAGER_TEAM,
        parent="past-company-growth",
        key_results=(
            PastKeyResultSpec(
                title="Raise week-one activation from 22% to 35%",
                owner=EMPLOYEE,
                kind=METRIC,
                start=D(22),
                target=D(35),
                unit="%",
                values=(D(24), D(27), D(30), D(33)),
                grade=D("0.8"),
                note="The checklist helped; the invite flow still loses people.",
            ),
            PastKeyResultSpec(
                title="Cut time to first value from 5 days to 2",
                owner="lena",
                kind=METRIC,
                start=D(5),
                target=D(2),
                unit="days",
                values=(D("4.5"), D("3.8"), D("3.1"), D("2.6")),
            ),
            PastKeyResultSpec(
                title="Ship the in-app onboarding checklist",
                owner=EMPLOYEE,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                values=(D(0), D(0), D(1), D(1)),
                grade=D(1),
                note="Shipped in mid-August.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="Watching new teams onboard, every week, with the whole squad.",
            what_did_not="We left the invite flow for last and ran out of time.",
            decision="change",
        ),
    ),
    PastObjectiveSpec(
        key="past-engineering-debt",
        title="Pay down the debt that slows us down",
        owner_team="engineering",
        parent="past-company-platform",
        key_results=(
            PastKeyResultSpec(
                title="Cut CI time from 25 to 10 minutes",
                owner="hannah",
                kind=METRIC,
                start=D(25),
                target=D(10),
                unit="min",
                values=(D(22), D(18), D(15), D(14)),
                grade=D("0.7"),
                note="Parallel test runs did most of it; the build cache is next.",
            ),
            PastKeyResultSpec(
                title="Retire the legacy billing service",
                owner="minjun",
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                values=(D(0), D(0), D(0), D(0)),
                grade=D("0.3"),
                note="Most accounts migrated; the cut-over moved to next quarter.",
                blocker="Two enterprise accounts need custom invoices first.",
            ),
            PastKeyResultSpec(
                title="Hold escaped bugs at or below 5 a month",
                owner="oliver",
                kind=AT_MOST,
                start=D(9),
                target=D(5),
                unit="bugs",
                values=(D(6), D(5), D(4), D(5), D(7), D(4)),
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="CI work was small, measurable and shipped every week.",
            what_did_not="The billing migration was far bigger than we planned for.",
            root_cause=(
                "We estimated the billing migration from the code, not from the customers: "
                "the custom invoices of two enterprise accounts were unknown until week eight."
            ),
            decision="change",
        ),
    ),
    PastObjectiveSpec(
        key="past-employee-learning",
        title="Understand what new customers struggle with in their first week",
        owner_user=EMPLOYEE,
        parent="past-product-onboarding",
        key_results=(
            PastKeyResultSpec(
                title="Interview 15 new customers about their first week",
                owner=EMPLOYEE,
                kind=METRIC,
                start=D(0),
                target=D(15),
                unit="interviews",
                values=(D(3), D(7), D(10), D(12)),
                grade=D("0.8"),
                note="Twelve interviews; the last three were booked and cancelled.",
            ),
            PastKeyResultSpec(
                title="Publish a first-week insights report",
                owner=EMPLOYEE,
                kind=MILESTONE,
                start=D(0),
                target=D(1),
                values=(D(0), D(0), D(1)),
                grade=D(1),
                note="Shared with the whole company at the September all-hands.",
            ),
        ),
        reflection=ReflectionSpec(
            what_worked="Booking interviews straight from the onboarding checklist.",
            what_did_not="Late-quarter interviews kept being cancelled.",
            decision="keep",
        ),
    ),
)


# --- Initiatives ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeSpec:
    """The work behind a current-quarter key result (named by its title). Dates are days from
    the day the demo is installed, so some are always overdue and some still ahead."""

    key_result: str
    title: str
    owner: str
    due_in_days: int
    status: str = "todo"  # todo | in_progress | blocked | done
    priority: str = "medium"  # high | medium | low
    link: str = ""


TRACKER = "https://tracker.northwind-labs.example/browse"

INITIATIVES: tuple[InitiativeSpec, ...] = (
    # Product: the manager's team, so the demo's team page and My week show all the states.
    InitiativeSpec(
        "Raise trial-to-paid conversion from 14% to 20%",
        "Add a pricing page nudge on day 10 of the trial",
        EMPLOYEE,
        -4,
        "in_progress",
        "high",
        f"{TRACKER}/PRD-412",
    ),
    InitiativeSpec(
        "Raise trial-to-paid conversion from 14% to 20%",
        "Email trial users who stall after the first import",
        EMPLOYEE,
        -1,
        "todo",
        "medium",
    ),
    InitiativeSpec(
        "Raise trial-to-paid conversion from 14% to 20%",
        "Offer a 20-minute setup call to trials from larger teams",
        "lena",
        9,
        "todo",
        "low",
    ),
    InitiativeSpec(
        "Raise trial-to-paid conversion from 14% to 20%",
        "Ship annual-plan checkout in the trial banner",
        EMPLOYEE,
        -12,
        "done",
        "high",
        f"{TRACKER}/PRD-377",
    ),
    InitiativeSpec(
        "Cut time to first value from 9 to 3 days",
        "Import sample data for new workspaces",
        "lena",
        -6,
        "blocked",
        "high",
        f"{TRACKER}/PRD-398",
    ),
    InitiativeSpec(
        "Cut time to first value from 9 to 3 days",
        "Rewrite the connect-your-data step",
        "lena",
        5,
        "in_progress",
        "medium",
    ),
    InitiativeSpec(
        "Keep onboarding drop-off at or below 30%",
        "Instrument every onboarding step in analytics",
        MANAGER,
        -15,
        "done",
        "medium",
    ),
    InitiativeSpec(
        "Ship the 5 most requested features",
        "Bulk edit for records",
        MANAGER,
        12,
        "in_progress",
        "high",
        f"{TRACKER}/PRD-301",
    ),
    InitiativeSpec(
        "Ship the 5 most requested features",
        "Saved views",
        "lena",
        -2,
        "blocked",
        "medium",
        f"{TRACKER}/PRD-305",
    ),
    InitiativeSpec(
        "Ship the 5 most requested features",
        "Audit log export",
        MANAGER,
        -20,
        "done",
        "low",
    ),
    InitiativeSpec(
        "Keep customer-reported bugs per release at or below 3",
        "Add a release checklist with a regression pass",
        MANAGER,
        3,
        "todo",
        "medium",
    ),
    InitiativeSpec(
        "Interview 20 trial users who did not convert",
        "Book interviews straight from the cancellation survey",
        EMPLOYEE,
        -3,
        "todo",
        "high",
    ),
    # Elsewhere in the company, so other team pages and the company's export have some too.
    InitiativeSpec(
        "Raise win rate on qualified deals from 18% to 25%",
        "Run win-loss reviews on every deal above $20k",
        "tom",
        -5,
        "in_progress",
        "high",
    ),
    InitiativeSpec(
        "Grow qualified pipeline from $1.2M to $2.5M",
        "Launch the partner referral programme",
        "priya",
        -8,
        "blocked",
        "high",
    ),
    InitiativeSpec(
        "Reduce monthly cloud spend from $48k to $40k",
        "Move batch jobs to spot instances",
        "minjun",
        -7,
        "in_progress",
        "high",
        "https://tracker.northwind-labs.example/browse/PLAT-88",
    ),
    InitiativeSpec(
        "Reduce monthly cloud spend from $48k to $40k",
        "Delete unattached volumes and old snapshots",
        "oliver",
        -25,
        "done",
        "medium",
    ),
    InitiativeSpec(
        "Cut change failure rate from 18% to 8%",
        "Add canary deploys for the API",
        "ethan",
        10,
        "todo",
        "medium",
    ),
    InitiativeSpec(
        "Keep monthly logo churn at or below 2%",
        "Call every account that downgraded last month",
        "liam",
        -2,
        "todo",
        "high",
    ),
    InitiativeSpec(
        "Cut time to hire from 52 to 35 days",
        "Replace the take-home task with a paired session",
        "chloe",
        14,
        "in_progress",
        "low",
    ),
)
