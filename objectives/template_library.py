"""The objective templates the application ships with, as plain data (our own writing).

Migration 0004 loads them, so every installation has the library, demo data or not. Each entry
is keyed: a later migration can update or retire a template by its key without touching the ones
admins saved themselves. Titles carry no numbers and key results read as outcomes, so a template
passes every coaching hint (a test holds them to it).

Values are strings of decimals; kinds are KeyResult.Kind values. This module imports nothing from
the app so that the migration that reads it stays valid whatever the models become.
"""

from decimal import Decimal
from typing import TypedDict


class TemplateKeyResult(TypedDict, total=False):
    title: str
    kind: str  # metric, at_least, at_most, milestone
    unit: str
    start: str
    target: str
    weight: str


class TemplateEntry(TypedDict, total=False):
    key: str
    title: str
    description: str
    department: str
    level: str  # company, team, individual
    objective_type: str  # aspirational, committed
    key_results: list[TemplateKeyResult]


def _kr(title: str, kind: str, start: str, target: str, unit: str = "") -> TemplateKeyResult:
    return {"title": title, "kind": kind, "unit": unit, "start": start, "target": target}


METRIC, AT_LEAST, AT_MOST, MILESTONE = "metric", "at_least", "at_most", "milestone"

LIBRARY: list[TemplateEntry] = [
    # --- Sales ------------------------------------------------------------------------------
    {
        "key": "sales-predictable-revenue",
        "title": "Make new revenue predictable quarter after quarter",
        "description": "Forecasts we can trust let the whole company plan with confidence.",
        "department": "sales",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Raise forecast accuracy from 70% to 90%", METRIC, "70", "90", "%"),
            _kr("Grow qualified pipeline from $1.2M to $2M", METRIC, "1200000", "2000000", "$"),
            _kr("Reduce median sales cycle from 60 to 45 days", METRIC, "60", "45", "days"),
        ],
    },
    {
        "key": "sales-win-mid-market",
        "title": "Win the mid-market segment",
        "description": "Mid-market customers buy fastest and stay longest: go where we win.",
        "department": "sales",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Sign 30 new mid-market customers", METRIC, "0", "30", "customers"),
            _kr("Raise win rate on mid-market deals from 20% to 30%", METRIC, "20", "30", "%"),
            _kr("Grow average contract value from $18k to $24k", METRIC, "18000", "24000", "$"),
            _kr("Keep discount on closed deals at or below 12%", AT_MOST, "18", "12", "%"),
        ],
    },
    {
        "key": "sales-personal-pipeline",
        "title": "Own a healthy pipeline of my own",
        "description": "A full, honest pipeline is the best predictor of a good quarter.",
        "department": "sales",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Grow my qualified pipeline from $150k to $400k", METRIC, "150000", "400000", "$"),
            _kr(
                "Raise first-meeting to proposal conversion from 25% to 40%",
                METRIC,
                "25",
                "40",
                "%",
            ),
            _kr("Keep deals without a next step at or below 10%", AT_MOST, "25", "10", "%"),
        ],
    },
    {
        "key": "sales-expand-accounts",
        "title": "Grow with the customers who already trust us",
        "description": "Expansion revenue costs a fraction of new business.",
        "department": "sales",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Grow expansion revenue from $80k to $150k", METRIC, "80000", "150000", "$"),
            _kr(
                "Raise accounts with more than one product from 15% to 25%", METRIC, "15", "25", "%"
            ),
            _kr("Hold account reviews with 40 top customers", METRIC, "0", "40", "reviews"),
        ],
    },
    # --- Marketing --------------------------------------------------------------------------
    {
        "key": "marketing-demand",
        "title": "Fill the funnel with buyers who are ready to talk",
        "description": "Fewer, better leads beat a long list nobody calls back.",
        "department": "marketing",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Grow marketing-qualified leads from 300 to 500 a month",
                METRIC,
                "300",
                "500",
                "leads",
            ),
            _kr("Raise lead-to-opportunity conversion from 8% to 12%", METRIC, "8", "12", "%"),
            _kr("Reduce cost per qualified lead from $220 to $160", METRIC, "220", "160", "$"),
        ],
    },
    {
        "key": "marketing-brand",
        "title": "Become the name operations leaders think of first",
        "description": "When a buyer starts looking, our name should already be on their list.",
        "department": "marketing",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise aided brand awareness in our segment from 12% to 20%",
                METRIC,
                "12",
                "20",
                "%",
            ),
            _kr(
                "Grow organic search visits from 40k to 65k a month",
                METRIC,
                "40000",
                "65000",
                "visits",
            ),
            _kr(
                "Grow newsletter subscribers from 8k to 15k", METRIC, "8000", "15000", "subscribers"
            ),
        ],
    },
    {
        "key": "marketing-content",
        "title": "Publish content our buyers actually use",
        "description": "Useful guides earn trust long before a sales call.",
        "department": "marketing",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise average time on guide pages from 1.5 to 3 minutes", METRIC, "1.5", "3", "min"
            ),
            _kr(
                "Grow sign-ups attributed to content from 60 to 120 a month",
                METRIC,
                "60",
                "120",
                "sign-ups",
            ),
            _kr("Keep content bounce rate at or below 55%", AT_MOST, "68", "55", "%"),
        ],
    },
    {
        "key": "marketing-launch",
        "title": "Give our next release a launch customers notice",
        "description": "A release nobody hears about did not happen for the market.",
        "department": "marketing",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Reach 2,000 trial starts in the launch month", METRIC, "0", "2000", "trials"),
            _kr(
                "Raise feature adoption among active accounts from 0% to 35%",
                METRIC,
                "0",
                "35",
                "%",
            ),
            _kr("Earn coverage in 5 industry publications", METRIC, "0", "5", "articles"),
            _kr("Announcement and launch page live on release day", MILESTONE, "0", "1"),
        ],
    },
    # --- Product ----------------------------------------------------------------------------
    {
        "key": "product-activation",
        "title": "Make the first week with our product effortless",
        "description": "People who reach value in their first week stay for years.",
        "department": "product",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Raise week-one activation from 35% to 55%", METRIC, "35", "55", "%"),
            _kr("Reduce median time to first value from 3 days to 1", METRIC, "3", "1", "days"),
            _kr(
                "Cut onboarding support tickets from 120 to 60 a month",
                METRIC,
                "120",
                "60",
                "tickets",
            ),
        ],
    },
    {
        "key": "product-retention",
        "title": "Build a product people cannot imagine working without",
        "description": "Retention is the truest measure of product value.",
        "department": "product",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Raise month-three retention from 60% to 72%", METRIC, "60", "72", "%"),
            _kr("Grow weekly active teams from 1,800 to 2,600", METRIC, "1800", "2600", "teams"),
            _kr("Raise NPS from 30 to 45", METRIC, "30", "45"),
        ],
    },
    {
        "key": "product-discovery",
        "title": "Base every roadmap bet on evidence from customers",
        "description": "Talk to customers before we build, not after we ship.",
        "department": "product",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Hold 24 customer discovery interviews", METRIC, "0", "24", "interviews"),
            _kr(
                "Raise roadmap items backed by customer evidence from 40% to 80%",
                METRIC,
                "40",
                "80",
                "%",
            ),
            _kr(
                "Validate 3 prototypes with at least 5 customers each",
                METRIC,
                "0",
                "3",
                "prototypes",
            ),
        ],
    },
    {
        "key": "product-self-serve",
        "title": "Let customers help themselves",
        "description": "Every question the product answers is one support never has to.",
        "department": "product",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Self-serve onboarding available to every new account", MILESTONE, "0", "1"),
            _kr("Raise accounts onboarded without a call from 20% to 60%", METRIC, "20", "60", "%"),
            _kr("Raise help-centre search success from 50% to 75%", METRIC, "50", "75", "%"),
        ],
    },
    # --- Engineering ------------------------------------------------------------------------
    {
        "key": "engineering-reliability",
        "title": "Run a platform customers never have to think about",
        "description": "Reliability is a feature; customers notice it only when it is missing.",
        "department": "engineering",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Keep monthly uptime at or above 99.95%", AT_LEAST, "99.8", "99.95", "%"),
            _kr("Reduce mean time to recovery from 90 to 30 minutes", METRIC, "90", "30", "min"),
            _kr(
                "Keep customer-facing incidents at or below 2 a month",
                AT_MOST,
                "5",
                "2",
                "incidents",
            ),
        ],
    },
    {
        "key": "engineering-delivery",
        "title": "Ship small changes quickly and safely",
        "description": "Fast feedback from production makes every team better.",
        "department": "engineering",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Grow deploys to production from 10 to 40 a week", METRIC, "10", "40", "deploys"),
            _kr(
                "Reduce lead time from merge to production from 3 days to 4 hours",
                METRIC,
                "72",
                "4",
                "h",
            ),
            _kr("Keep change failure rate at or below 10%", AT_MOST, "18", "10", "%"),
        ],
    },
    {
        "key": "engineering-quality",
        "title": "Make quality everyone's habit",
        "description": "Bugs found by customers cost ten times more than bugs we catch.",
        "department": "engineering",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise automated test coverage of my services from 55% to 75%",
                METRIC,
                "55",
                "75",
                "%",
            ),
            _kr("Reduce escaped defects from 8 to 3 a month", METRIC, "8", "3", "defects"),
            _kr("Keep median code review wait at or below 4 hours", AT_MOST, "10", "4", "h"),
        ],
    },
    {
        "key": "engineering-scale",
        "title": "Be ready for our biggest customers",
        "description": "Enterprise accounts bring ten times the data; nothing may slow down.",
        "department": "engineering",
        "level": "company",
        "objective_type": "committed",
        "key_results": [
            _kr(
                "Reduce p95 page load for large accounts from 2.4 to 1.0 seconds",
                METRIC,
                "2.4",
                "1.0",
                "s",
            ),
            _kr("Keep p95 API latency at or below 300 ms", AT_MOST, "450", "300", "ms"),
            _kr(
                "Reduce infrastructure cost per active team from $4.20 to $3.00",
                METRIC,
                "4.2",
                "3.0",
                "$",
            ),
            _kr("Load test at five times today's peak passes", MILESTONE, "0", "1"),
        ],
    },
    # --- Customer success -------------------------------------------------------------------
    {
        "key": "cs-retention",
        "title": "Keep every customer who is getting value",
        "description": "Customers leave quietly: see the signs early and act.",
        "department": "customer_success",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Keep monthly logo churn at or below 1.5%", AT_MOST, "2.4", "1.5", "%"),
            _kr("Raise gross revenue retention from 88% to 93%", METRIC, "88", "93", "%"),
            _kr("Raise accounts with a health score from 50% to 100%", METRIC, "50", "100", "%"),
        ],
    },
    {
        "key": "cs-support-experience",
        "title": "Make asking us for help a pleasure",
        "description": "A fast, friendly answer turns a problem into loyalty.",
        "department": "customer_success",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Reduce median first response from 6 hours to 1", METRIC, "6", "1", "h"),
            _kr("Keep customer satisfaction at or above 95%", AT_LEAST, "89", "95", "%"),
            _kr("Raise tickets solved at first contact from 45% to 65%", METRIC, "45", "65", "%"),
        ],
    },
    {
        "key": "cs-advocacy",
        "title": "Turn happy customers into advocates",
        "description": "Referrals are our cheapest and most trusted leads.",
        "department": "customer_success",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Secure 6 published customer stories", METRIC, "0", "6", "stories"),
            _kr("Grow referrals from my accounts from 2 to 10", METRIC, "2", "10", "referrals"),
            _kr("Raise NPS of my accounts from 35 to 50", METRIC, "35", "50"),
        ],
    },
    # --- People (HR) ------------------------------------------------------------------------
    {
        "key": "people-hiring",
        "title": "Hire great people without slowing teams down",
        "description": "Every open seat costs a team momentum; every wrong hire costs more.",
        "department": "people",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Reduce median time to hire from 55 to 35 days", METRIC, "55", "35", "days"),
            _kr("Raise offer acceptance rate from 70% to 85%", METRIC, "70", "85", "%"),
            _kr(
                "Keep new hires leaving in their first six months at or below 5%",
                AT_MOST,
                "9",
                "5",
                "%",
            ),
        ],
    },
    {
        "key": "people-engagement",
        "title": "Make this the best place our people have worked",
        "description": "Engaged people do their best work and bring their friends.",
        "department": "people",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Raise employee engagement score from 72 to 80", METRIC, "72", "80"),
            _kr("Reduce regretted attrition from 12% to 7%", METRIC, "12", "7", "%"),
            _kr("Raise people with a written growth plan from 30% to 90%", METRIC, "30", "90", "%"),
        ],
    },
    {
        "key": "people-onboarding",
        "title": "Help every new joiner feel at home and productive quickly",
        "description": "The first month decides how long people stay.",
        "department": "people",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise new-joiner onboarding satisfaction from 3.6 to 4.5",
                METRIC,
                "3.6",
                "4.5",
                "/5",
            ),
            _kr(
                "Reduce time to first shipped contribution from 20 to 10 days",
                METRIC,
                "20",
                "10",
                "days",
            ),
            _kr(
                "Raise new joiners with a buddy in week one from 60% to 100%",
                METRIC,
                "60",
                "100",
                "%",
            ),
        ],
    },
    # --- Finance and operations -------------------------------------------------------------
    {
        "key": "finance-efficient-growth",
        "title": "Grow efficiently, on a runway we can count on",
        "description": "Every dollar spent should bring more than a dollar back.",
        "department": "finance_operations",
        "level": "company",
        "objective_type": "committed",
        "key_results": [
            _kr("Raise gross margin from 72% to 78%", METRIC, "72", "78", "%"),
            _kr("Reduce CAC payback from 18 to 12 months", METRIC, "18", "12", "months"),
            _kr("Keep monthly net burn at or below $250k", AT_MOST, "320000", "250000", "$"),
        ],
    },
    {
        "key": "finance-close",
        "title": "Close the books fast and right",
        "description": "Leaders decide better with last month's numbers in the first week.",
        "department": "finance_operations",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr("Reduce month-end close from 12 to 5 working days", METRIC, "12", "5", "days"),
            _kr("Keep audit adjustments at or below 2 a quarter", AT_MOST, "6", "2", "adjustments"),
            _kr("Raise invoices paid on time from 80% to 95%", METRIC, "80", "95", "%"),
        ],
    },
    {
        "key": "operations-vendors",
        "title": "Spend only on tools that earn their keep",
        "description": "Unused licences and duplicate tools drain money quietly.",
        "department": "finance_operations",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Reduce software spend from $42k to $34k a month", METRIC, "42000", "34000", "$"),
            _kr("Raise licence utilisation from 65% to 90%", METRIC, "65", "90", "%"),
            _kr("Raise contracts with a named owner from 50% to 100%", METRIC, "50", "100", "%"),
        ],
    },
    # --- Leadership -------------------------------------------------------------------------
    {
        "key": "leadership-focus",
        "title": "Focus the whole company on what matters most",
        "description": "Saying no to good ideas makes room for great ones.",
        "department": "leadership",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise people who can name the company's top priorities from 40% to 90%",
                METRIC,
                "40",
                "90",
                "%",
            ),
            _kr(
                "Raise team objectives aligned to a company objective from 50% to 95%",
                METRIC,
                "50",
                "95",
                "%",
            ),
            _kr("Reduce projects in flight from 25 to 12", METRIC, "25", "12", "projects"),
        ],
    },
    {
        "key": "leadership-team-health",
        "title": "Grow a team that runs well without me in the room",
        "description": "A strong team decides well on its own and learns from every quarter.",
        "department": "leadership",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Raise team engagement score from 68 to 78", METRIC, "68", "78"),
            _kr("Keep weekly check-in rate at or above 90%", AT_LEAST, "70", "90", "%"),
            _kr("Raise decisions made without escalation from 50% to 80%", METRIC, "50", "80", "%"),
        ],
    },
    {
        "key": "leadership-coaching",
        "title": "Become the manager people grow fastest with",
        "description": "Growth conversations, not status meetings.",
        "department": "leadership",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                "Raise my team's manager feedback score from 3.8 to 4.5", METRIC, "3.8", "4.5", "/5"
            ),
            _kr(
                "Raise direct reports with a growth goal they own from 40% to 100%",
                METRIC,
                "40",
                "100",
                "%",
            ),
            _kr("Keep one-to-ones held as planned at or above 90%", AT_LEAST, "75", "90", "%"),
        ],
    },
    {
        "key": "leadership-customer-closeness",
        "title": "Keep leadership close to our customers",
        "description": "Leaders who hear customers directly make better calls.",
        "department": "leadership",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr("Hold 40 leadership customer conversations", METRIC, "0", "40", "conversations"),
            _kr(
                "Raise roadmap themes traced to customer feedback from 50% to 90%",
                METRIC,
                "50",
                "90",
                "%",
            ),
            _kr(
                "Raise strategic accounts with an executive sponsor from 30% to 100%",
                METRIC,
                "30",
                "100",
                "%",
            ),
        ],
    },
]


def install_library(*, template_model: type, key_result_model: type) -> int:
    """Create or update every library template (matched by its key) with its key results; the
    templates admins saved themselves are left alone. Returns how many templates were written.

    The models come from the caller: migration 0004 passes its historical models.
    """
    for entry in LIBRARY:
        template, _created = template_model.objects.update_or_create(
            library_key=entry["key"],
            defaults={
                "title": entry["title"],
                "description": entry.get("description", ""),
                "department": entry["department"],
                "level": entry["level"],
                "objective_type": entry.get("objective_type", "aspirational"),
            },
        )
        key_result_model.objects.filter(template=template).delete()
        key_result_model.objects.bulk_create(
            key_result_model(
                template=template,
                title=kr["title"],
                kind=kr["kind"],
                unit=kr.get("unit", ""),
                start_value=Decimal(kr["start"]),
                target_value=Decimal(kr["target"]),
                weight=Decimal(kr.get("weight", "1")),
                order=order,
            )
            for order, kr in enumerate(entry["key_results"])
        )
    return len(LIBRARY)
