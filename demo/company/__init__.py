"""Northwind Labs, the demo company behind `manage.py seed_demo`, as plain data.

A small software company: its teams and people (organisation), the current quarter's OKRs, each
key result with the script its check-in history follows (current_quarter), the quarter before,
graded and reflected on (past_quarter), the work behind some key results (initiatives) and the
words of everyday check-ins (phrases), all written in the shapes of `specs`. Keeping the content
here leaves the command to do only the mechanics; everything is importable from this package.
"""

from demo.company.current_quarter import OBJECTIVES
from demo.company.initiatives import INITIATIVES, TRACKER
from demo.company.organisation import PEOPLE, TEAMS
from demo.company.past_quarter import PAST_OBJECTIVES
from demo.company.phrases import (
    BLOCKERS,
    FIRST_CHECKIN,
    FLAT,
    IMPROVED,
    MET,
    MILD_BLOCKERS,
    MILESTONE_DONE,
    MILESTONE_PENDING,
    MISSED,
    SLIPPED,
)
from demo.company.specs import (
    ADMIN,
    AT_LEAST,
    AT_MOST,
    COMPANY_SLUG,
    EMAIL_DOMAIN,
    EMPLOYEE,
    HOME_TZ,
    KOREAN_LOGIN,
    LOGINS,
    MANAGER,
    MANAGER_TEAM,
    METRIC,
    MILESTONE,
    PASSWORD,
    PASSWORD_LOGINS,
    RANDOM_SEED,
    InitiativeSpec,
    KeyResultSpec,
    Last,
    ObjectiveSpec,
    Pace,
    PastKeyResultSpec,
    PastObjectiveSpec,
    PersonSpec,
    ReflectionSpec,
    TeamSpec,
)

__all__ = [
    "ADMIN",
    "AT_LEAST",
    "AT_MOST",
    "BLOCKERS",
    "COMPANY_SLUG",
    "EMAIL_DOMAIN",
    "EMPLOYEE",
    "FIRST_CHECKIN",
    "FLAT",
    "HOME_TZ",
    "IMPROVED",
    "INITIATIVES",
    "KOREAN_LOGIN",
    "LOGINS",
    "MANAGER",
    "MANAGER_TEAM",
    "MET",
    "METRIC",
    "MILD_BLOCKERS",
    "MILESTONE",
    "MILESTONE_DONE",
    "MILESTONE_PENDING",
    "MISSED",
    "OBJECTIVES",
    "PASSWORD",
    "PASSWORD_LOGINS",
    "PAST_OBJECTIVES",
    "PEOPLE",
    "RANDOM_SEED",
    "SLIPPED",
    "TEAMS",
    "TRACKER",
    "InitiativeSpec",
    "KeyResultSpec",
    "Last",
    "ObjectiveSpec",
    "Pace",
    "PastKeyResultSpec",
    "PastObjectiveSpec",
    "PersonSpec",
    "ReflectionSpec",
    "TeamSpec",
]
