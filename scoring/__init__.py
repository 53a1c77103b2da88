"""Every number the OKR product shows, computed in pure Python (DESIGN.md section 3).

Plain values in, plain values out: Decimals (or ints), dates and strings; no Django, no floats.
"""

from scoring.grades import grade_band, kr_score, objective_score
from scoring.numbers import STORED_PLACES, plain_number, round2, stored_share
from scoring.progress import (
    expected_progress,
    kr_progress,
    mean_progress,
    objective_progress,
    threshold_share,
)
from scoring.status import (
    AT_RISK_RATIO,
    EARLY_EXPECTED,
    ON_TRACK_RATIO,
    STALE_AFTER_DAYS,
    kr_done,
    kr_status,
    kr_status_changes_on,
    objective_status,
)
from scoring.trends import (
    change,
    confidence_as_of,
    cycle_weeks,
    mean_confidence,
    pace_value,
    share,
    shown_change,
    weekly_mean_confidence,
)
from scoring.types import Band, Kind, ObjectiveType, Reason, Status, StatusResult, worst
from scoring.weeks import checkin_rate, week_bounds, week_start

__all__ = [
    "AT_RISK_RATIO",
    "EARLY_EXPECTED",
    "ON_TRACK_RATIO",
    "STALE_AFTER_DAYS",
    "STORED_PLACES",
    "Band",
    "Kind",
    "ObjectiveType",
    "Reason",
    "Status",
    "StatusResult",
    "change",
    "checkin_rate",
    "confidence_as_of",
    "cycle_weeks",
    "expected_progress",
    "grade_band",
    "kr_done",
    "kr_progress",
    "kr_score",
    "kr_status",
    "kr_status_changes_on",
    "mean_confidence",
    "mean_progress",
    "objective_progress",
    "objective_score",
    "objective_status",
    "pace_value",
    "plain_number",
    "round2",
    "share",
    "shown_change",
    "stored_share",
    "threshold_share",
    "week_bounds",
    "week_start",
    "weekly_mean_confidence",
    "worst",
]
