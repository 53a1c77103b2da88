"""The objective templates the application ships with, as plain data (our own writing).

Migration 0004 loads them, so every installation has the library, demo data or not. Each entry
is keyed: a later migration can update or retire a template by its key without touching the ones
admins saved themselves. Titles carry no numbers and key results read as outcomes, so a template
passes every coaching hint (a test holds them to it).

Values are strings of decimals; kinds are KeyResult.Kind values. This module imports nothing from
the app so that the migration that reads it stays valid whatever the models become.

The texts are stored in English (the migration writes them as they are here) and marked for
translation: `localize_template` shows a shipped template in the active language, so a Korean
reader browses Korean templates and a form filled from one starts in Korean. A template whose
text an admin changed, or one an admin saved, is shown as written.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext, pgettext_lazy

if TYPE_CHECKING:
    from objectives.models import ObjectiveTemplate


def _(text: str) -> str:
    """Marks a text for translation (makemessages finds it) and keeps it as written: the
    migration stores the English, `localize_template` translates it when it is shown."""
    return text


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
        "title": _("Make new revenue predictable quarter after quarter"),
        "description": _("Forecasts we can trust let the whole company plan with confidence."),
        "department": "sales",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Raise forecast accuracy from 70% to 90%"), METRIC, "70", "90", "%"),
            _kr(_("Grow qualified pipeline from $1.2M to $2M"), METRIC, "1200000", "2000000", "$"),
            _kr(_("Reduce median sales cycle from 60 to 45 days"), METRIC, "60", "45", "days"),
        ],
    },
    {
        "key": "sales-win-mid-market",
        "title": _("Win the mid-market segment"),
        "description": _("Mid-market customers buy fastest and stay longest: go where we win."),
        "department": "sales",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Sign 30 new mid-market customers"), METRIC, "0", "30", "customers"),
            _kr(_("Raise win rate on mid-market deals from 20% to 30%"), METRIC, "20", "30", "%"),
            _kr(_("Grow average contract value from $18k to $24k"), METRIC, "18000", "24000", "$"),
            _kr(_("Keep discount on closed deals at or below 12%"), AT_MOST, "18", "12", "%"),
        ],
    },
    {
        "key": "sales-personal-pipeline",
        "title": _("Own a healthy pipeline of my own"),
        "description": _("A full, honest pipeline is the best predictor of a good quarter."),
        "department": "sales",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Grow my qualified pipeline from $150k to $400k"), METRIC, "150000", "400000", "$"
            ),
            _kr(
                _("Raise first-meeting to proposal conversion from 25% to 40%"),
                METRIC,
                "25",
                "40",
                "%",
            ),
            _kr(_("Keep deals without a next step at or below 10%"), AT_MOST, "25", "10", "%"),
        ],
    },
    {
        "key": "sales-expand-accounts",
        "title": _("Grow with the customers who already trust us"),
        "description": _("Expansion revenue costs a fraction of new business."),
        "department": "sales",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Grow expansion revenue from $80k to $150k"), METRIC, "80000", "150000", "$"),
            _kr(
                _("Raise accounts with more than one product from 15% to 25%"),
                METRIC,
                "15",
                "25",
                "%",
            ),
            _kr(_("Hold account reviews with 40 top customers"), METRIC, "0", "40", "reviews"),
        ],
    },
    # --- Marketing --------------------------------------------------------------------------
    {
        "key": "marketing-demand",
        "title": _("Fill the funnel with buyers who are ready to talk"),
        "description": _("Fewer, better leads beat a long list nobody calls back."),
        "department": "marketing",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Grow marketing-qualified leads from 300 to 500 a month"),
                METRIC,
                "300",
                "500",
                "leads",
            ),
            _kr(_("Raise lead-to-opportunity conversion from 8% to 12%"), METRIC, "8", "12", "%"),
            _kr(_("Reduce cost per qualified lead from $220 to $160"), METRIC, "220", "160", "$"),
        ],
    },
    {
        "key": "marketing-brand",
        "title": _("Become the name operations leaders think of first"),
        "description": _("When a buyer starts looking, our name should already be on their list."),
        "department": "marketing",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise aided brand awareness in our segment from 12% to 20%"),
                METRIC,
                "12",
                "20",
                "%",
            ),
            _kr(
                _("Grow organic search visits from 40k to 65k a month"),
                METRIC,
                "40000",
                "65000",
                "visits",
            ),
            _kr(
                _("Grow newsletter subscribers from 8k to 15k"),
                METRIC,
                "8000",
                "15000",
                "subscribers",
            ),
        ],
    },
    {
        "key": "marketing-content",
        "title": _("Publish content our buyers actually use"),
        "description": _("Useful guides earn trust long before a sales call."),
        "department": "marketing",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise average time on guide pages from 1.5 to 3 minutes"),
                METRIC,
                "1.5",
                "3",
                "min",
            ),
            _kr(
                _("Grow sign-ups attributed to content from 60 to 120 a month"),
                METRIC,
                "60",
                "120",
                "sign-ups",
            ),
            _kr(_("Keep content bounce rate at or below 55%"), AT_MOST, "68", "55", "%"),
        ],
    },
    {
        "key": "marketing-launch",
        "title": _("Give our next release a launch customers notice"),
        "description": _("A release nobody hears about did not happen for the market."),
        "department": "marketing",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Reach 2,000 trial starts in the launch month"), METRIC, "0", "2000", "trials"),
            _kr(
                _("Raise feature adoption among active accounts from 0% to 35%"),
                METRIC,
                "0",
                "35",
                "%",
            ),
            _kr(_("Earn coverage in 5 industry publications"), METRIC, "0", "5", "articles"),
            _kr(_("Announcement and launch page live on release day"), MILESTONE, "0", "1"),
        ],
    },
    # --- Product ----------------------------------------------------------------------------
    {
        "key": "product-activation",
        "title": _("Make the first week with our product effortless"),
        "description": _("People who reach value in their first week stay for years."),
        "department": "product",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Raise week-one activation from 35% to 55%"), METRIC, "35", "55", "%"),
            _kr(_("Reduce median time to first value from 3 days to 1"), METRIC, "3", "1", "days"),
            _kr(
                _("Cut onboarding support tickets from 120 to 60 a month"),
                METRIC,
                "120",
                "60",
                "tickets",
            ),
        ],
    },
    {
        "key": "product-retention",
        "title": _("Build a product people cannot imagine working without"),
        "description": _("Retention is the truest measure of product value."),
        "department": "product",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Raise month-three retention from 60% to 72%"), METRIC, "60", "72", "%"),
            _kr(_("Grow weekly active teams from 1,800 to 2,600"), METRIC, "1800", "2600", "teams"),
            _kr(_("Raise NPS from 30 to 45"), METRIC, "30", "45"),
        ],
    },
    {
        "key": "product-discovery",
        "title": _("Base every roadmap bet on evidence from customers"),
        "description": _("Talk to customers before we build, not after we ship."),
        "department": "product",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Hold 24 customer discovery interviews"), METRIC, "0", "24", "interviews"),
            _kr(
                _("Raise roadmap items backed by customer evidence from 40% to 80%"),
                METRIC,
                "40",
                "80",
                "%",
            ),
            _kr(
                _("Validate 3 prototypes with at least 5 customers each"),
                METRIC,
                "0",
                "3",
                "prototypes",
            ),
        ],
    },
    {
        "key": "product-self-serve",
        "title": _("Let customers help themselves"),
        "description": _("Every question the product answers is one support never has to."),
        "department": "product",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Self-serve onboarding available to every new account"), MILESTONE, "0", "1"),
            _kr(
                _("Raise accounts onboarded without a call from 20% to 60%"),
                METRIC,
                "20",
                "60",
                "%",
            ),
            _kr(_("Raise help-centre search success from 50% to 75%"), METRIC, "50", "75", "%"),
        ],
    },
    # --- Engineering ------------------------------------------------------------------------
    {
        "key": "engineering-reliability",
        "title": _("Run a platform customers never have to think about"),
        "description": _("Reliability is a feature; customers notice it only when it is missing."),
        "department": "engineering",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Keep monthly uptime at or above 99.95%"), AT_LEAST, "99.8", "99.95", "%"),
            _kr(_("Reduce mean time to recovery from 90 to 30 minutes"), METRIC, "90", "30", "min"),
            _kr(
                _("Keep customer-facing incidents at or below 2 a month"),
                AT_MOST,
                "5",
                "2",
                "incidents",
            ),
        ],
    },
    {
        "key": "engineering-delivery",
        "title": _("Ship small changes quickly and safely"),
        "description": _("Fast feedback from production makes every team better."),
        "department": "engineering",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Grow deploys to production from 10 to 40 a week"), METRIC, "10", "40", "deploys"
            ),
            _kr(
                _("Reduce lead time from merge to production from 3 days to 4 hours"),
                METRIC,
                "72",
                "4",
                "h",
            ),
            _kr(_("Keep change failure rate at or below 10%"), AT_MOST, "18", "10", "%"),
        ],
    },
    {
        "key": "engineering-quality",
        "title": _("Make quality everyone's habit"),
        "description": _("Bugs found by customers cost ten times more than bugs we catch."),
        "department": "engineering",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise automated test coverage of my services from 55% to 75%"),
                METRIC,
                "55",
                "75",
                "%",
            ),
            _kr(_("Reduce escaped defects from 8 to 3 a month"), METRIC, "8", "3", "defects"),
            _kr(_("Keep median code review wait at or below 4 hours"), AT_MOST, "10", "4", "h"),
        ],
    },
    {
        "key": "engineering-scale",
        "title": _("Be ready for our biggest customers"),
        "description": _("Enterprise accounts bring ten times the data; nothing may slow down."),
        "department": "engineering",
        "level": "company",
        "objective_type": "committed",
        "key_results": [
            _kr(
                _("Reduce p95 page load for large accounts from 2.4 to 1.0 seconds"),
                METRIC,
                "2.4",
                "1.0",
                "s",
            ),
            _kr(_("Keep p95 API latency at or below 300 ms"), AT_MOST, "450", "300", "ms"),
            _kr(
                _("Reduce infrastructure cost per active team from $4.20 to $3.00"),
                METRIC,
                "4.2",
                "3.0",
                "$",
            ),
            _kr(_("Load test at five times today's peak passes"), MILESTONE, "0", "1"),
        ],
    },
    # --- Customer success -------------------------------------------------------------------
    {
        "key": "cs-retention",
        "title": _("Keep every customer who is getting value"),
        "description": _("Customers leave quietly: see the signs early and act."),
        "department": "customer_success",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Keep monthly logo churn at or below 1.5%"), AT_MOST, "2.4", "1.5", "%"),
            _kr(_("Raise gross revenue retention from 88% to 93%"), METRIC, "88", "93", "%"),
            _kr(_("Raise accounts with a health score from 50% to 100%"), METRIC, "50", "100", "%"),
        ],
    },
    {
        "key": "cs-support-experience",
        "title": _("Make asking us for help a pleasure"),
        "description": _("A fast, friendly answer turns a problem into loyalty."),
        "department": "customer_success",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Reduce median first response from 6 hours to 1"), METRIC, "6", "1", "h"),
            _kr(_("Keep customer satisfaction at or above 95%"), AT_LEAST, "89", "95", "%"),
            _kr(
                _("Raise tickets solved at first contact from 45% to 65%"), METRIC, "45", "65", "%"
            ),
        ],
    },
    {
        "key": "cs-advocacy",
        "title": _("Turn happy customers into advocates"),
        "description": _("Referrals are our cheapest and most trusted leads."),
        "department": "customer_success",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Secure 6 published customer stories"), METRIC, "0", "6", "stories"),
            _kr(_("Grow referrals from my accounts from 2 to 10"), METRIC, "2", "10", "referrals"),
            _kr(_("Raise NPS of my accounts from 35 to 50"), METRIC, "35", "50"),
        ],
    },
    # --- People (HR) ------------------------------------------------------------------------
    {
        "key": "people-hiring",
        "title": _("Hire great people without slowing teams down"),
        "description": _("Every open seat costs a team momentum; every wrong hire costs more."),
        "department": "people",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Reduce median time to hire from 55 to 35 days"), METRIC, "55", "35", "days"),
            _kr(_("Raise offer acceptance rate from 70% to 85%"), METRIC, "70", "85", "%"),
            _kr(
                _("Keep new hires leaving in their first six months at or below 5%"),
                AT_MOST,
                "9",
                "5",
                "%",
            ),
        ],
    },
    {
        "key": "people-engagement",
        "title": _("Make this the best place our people have worked"),
        "description": _("Engaged people do their best work and bring their friends."),
        "department": "people",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Raise employee engagement score from 72 to 80"), METRIC, "72", "80"),
            _kr(_("Reduce regretted attrition from 12% to 7%"), METRIC, "12", "7", "%"),
            _kr(
                _("Raise people with a written growth plan from 30% to 90%"),
                METRIC,
                "30",
                "90",
                "%",
            ),
        ],
    },
    {
        "key": "people-onboarding",
        "title": _("Help every new joiner feel at home and productive quickly"),
        "description": _("The first month decides how long people stay."),
        "department": "people",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise new-joiner onboarding satisfaction from 3.6 to 4.5"),
                METRIC,
                "3.6",
                "4.5",
                "/5",
            ),
            _kr(
                _("Reduce time to first shipped contribution from 20 to 10 days"),
                METRIC,
                "20",
                "10",
                "days",
            ),
            _kr(
                _("Raise new joiners with a buddy in week one from 60% to 100%"),
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
        "title": _("Grow efficiently, on a runway we can count on"),
        "description": _("Every dollar spent should bring more than a dollar back."),
        "department": "finance_operations",
        "level": "company",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Raise gross margin from 72% to 78%"), METRIC, "72", "78", "%"),
            _kr(_("Reduce CAC payback from 18 to 12 months"), METRIC, "18", "12", "months"),
            _kr(_("Keep monthly net burn at or below $250k"), AT_MOST, "320000", "250000", "$"),
        ],
    },
    {
        "key": "finance-close",
        "title": _("Close the books fast and right"),
        "description": _("Leaders decide better with last month's numbers in the first week."),
        "department": "finance_operations",
        "level": "team",
        "objective_type": "committed",
        "key_results": [
            _kr(_("Reduce month-end close from 12 to 5 working days"), METRIC, "12", "5", "days"),
            _kr(
                _("Keep audit adjustments at or below 2 a quarter"),
                AT_MOST,
                "6",
                "2",
                "adjustments",
            ),
            _kr(_("Raise invoices paid on time from 80% to 95%"), METRIC, "80", "95", "%"),
        ],
    },
    {
        "key": "operations-vendors",
        "title": _("Spend only on tools that earn their keep"),
        "description": _("Unused licences and duplicate tools drain money quietly."),
        "department": "finance_operations",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Reduce software spend from $42k to $34k a month"), METRIC, "42000", "34000", "$"
            ),
            _kr(_("Raise licence utilisation from 65% to 90%"), METRIC, "65", "90", "%"),
            _kr(_("Raise contracts with a named owner from 50% to 100%"), METRIC, "50", "100", "%"),
        ],
    },
    # --- Leadership -------------------------------------------------------------------------
    {
        "key": "leadership-focus",
        "title": _("Focus the whole company on what matters most"),
        "description": _("Saying no to good ideas makes room for great ones."),
        "department": "leadership",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise people who can name the company's top priorities from 40% to 90%"),
                METRIC,
                "40",
                "90",
                "%",
            ),
            _kr(
                _("Raise team objectives aligned to a company objective from 50% to 95%"),
                METRIC,
                "50",
                "95",
                "%",
            ),
            _kr(_("Reduce projects in flight from 25 to 12"), METRIC, "25", "12", "projects"),
        ],
    },
    {
        "key": "leadership-team-health",
        "title": _("Grow a team that runs well without me in the room"),
        "description": _("A strong team decides well on its own and learns from every quarter."),
        "department": "leadership",
        "level": "team",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Raise team engagement score from 68 to 78"), METRIC, "68", "78"),
            _kr(_("Keep weekly check-in rate at or above 90%"), AT_LEAST, "70", "90", "%"),
            _kr(
                _("Raise decisions made without escalation from 50% to 80%"),
                METRIC,
                "50",
                "80",
                "%",
            ),
        ],
    },
    {
        "key": "leadership-coaching",
        "title": _("Become the manager people grow fastest with"),
        "description": _("Growth conversations, not status meetings."),
        "department": "leadership",
        "level": "individual",
        "objective_type": "aspirational",
        "key_results": [
            _kr(
                _("Raise my team's manager feedback score from 3.8 to 4.5"),
                METRIC,
                "3.8",
                "4.5",
                "/5",
            ),
            _kr(
                _("Raise direct reports with a growth goal they own from 40% to 100%"),
                METRIC,
                "40",
                "100",
                "%",
            ),
            _kr(_("Keep one-to-ones held as planned at or above 90%"), AT_LEAST, "75", "90", "%"),
        ],
    },
    {
        "key": "leadership-customer-closeness",
        "title": _("Keep leadership close to our customers"),
        "description": _("Leaders who hear customers directly make better calls."),
        "department": "leadership",
        "level": "company",
        "objective_type": "aspirational",
        "key_results": [
            _kr(_("Hold 40 leadership customer conversations"), METRIC, "0", "40", "conversations"),
            _kr(
                _("Raise roadmap themes traced to customer feedback from 50% to 90%"),
                METRIC,
                "50",
                "90",
                "%",
            ),
            _kr(
                _("Raise strategic accounts with an executive sponsor from 30% to 100%"),
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


# The words used as units in the library, translated where they are shown ("30 days", "30 일").
# Symbols ("%", "$", "/5", "ms") read the same in every language.
UNIT_LABELS = {
    "days": pgettext_lazy("unit", "days"),
    "months": pgettext_lazy("unit", "months"),
    "h": pgettext_lazy("unit", "h"),
    "min": pgettext_lazy("unit", "min"),
    "s": pgettext_lazy("unit", "s"),
    "customers": pgettext_lazy("unit", "customers"),
    "reviews": pgettext_lazy("unit", "reviews"),
    "leads": pgettext_lazy("unit", "leads"),
    "visits": pgettext_lazy("unit", "visits"),
    "subscribers": pgettext_lazy("unit", "subscribers"),
    "sign-ups": pgettext_lazy("unit", "sign-ups"),
    "trials": pgettext_lazy("unit", "trials"),
    "articles": pgettext_lazy("unit", "articles"),
    "tickets": pgettext_lazy("unit", "tickets"),
    "teams": pgettext_lazy("unit", "teams"),
    "interviews": pgettext_lazy("unit", "interviews"),
    "prototypes": pgettext_lazy("unit", "prototypes"),
    "incidents": pgettext_lazy("unit", "incidents"),
    "deploys": pgettext_lazy("unit", "deploys"),
    "defects": pgettext_lazy("unit", "defects"),
    "stories": pgettext_lazy("unit", "stories"),
    "referrals": pgettext_lazy("unit", "referrals"),
    "adjustments": pgettext_lazy("unit", "adjustments"),
    "projects": pgettext_lazy("unit", "projects"),
    "conversations": pgettext_lazy("unit", "conversations"),
}


def localized_text(text: str) -> str:
    """A library text in the active language (unchanged when it is not one of the library's)."""
    return gettext(text) if text else text


def localized_unit(unit: str) -> str:
    label = UNIT_LABELS.get(unit)
    return str(label) if label is not None else unit


def localize_template(template: "ObjectiveTemplate") -> "ObjectiveTemplate":
    """Show a shipped template (one with a library key) in the active language, in memory only:
    its title, description and its key results' titles and units, those already loaded
    (prefetched) included. Admins' own templates are their words and are left as they are."""
    if not getattr(template, "library_key", None):
        return template
    template.title = localized_text(template.title)
    if "description" in template.__dict__:
        template.description = localized_text(template.description)
    for kr in getattr(template, "_prefetched_objects_cache", {}).get("key_results", ()):
        kr.title = localized_text(kr.title)
        kr.unit = localized_unit(kr.unit)
    return template
