"""Read side: load what a page needs in a fixed number of queries and score it with `scoring`.

One module per page; the shared pieces live in `common`.
"""

from dashboards.selectors.common import (
    KeyResultView,
    ObjectiveView,
    key_result_view,
    score_key_result,
)
from dashboards.selectors.company import CompanyDashboard, company_dashboard, objective_children
from dashboards.selectors.cycle_report import CycleReport, cycle_report
from dashboards.selectors.key_result import (
    KeyResultPage,
    key_result_page,
    live_part_context,
    load_key_result,
)
from dashboards.selectors.my_week import MyWeek, WeekHead, my_week, my_week_scopes, week_head
from dashboards.selectors.objective import ObjectivePage, objective_page
from dashboards.selectors.okr_health import okr_health as okr_health
from dashboards.selectors.team import TeamDashboard, TeamPage, team_dashboard, team_page
from objectives.cycles.selectors import current_cycle, resolve_cycle

__all__ = [
    "CycleReport",
    "KeyResultView",
    "MyWeek",
    "ObjectiveView",
    "current_cycle",
    "cycle_report",
    "key_result_view",
    "my_week",
    "my_week_scopes",
    "week_head",
    "WeekHead",
    "resolve_cycle",
    "score_key_result",
    "CompanyDashboard",
    "KeyResultPage",
    "ObjectivePage",
    "TeamDashboard",
    "company_dashboard",
    "key_result_page",
    "live_part_context",
    "load_key_result",
    "objective_children",
    "objective_page",
    "team_dashboard",
    "TeamPage",
    "team_page",
]
