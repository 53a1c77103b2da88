"""Read side: load what a page needs in a fixed number of queries and score it with `scoring`.

One module per page; the shared pieces live in `common`.
"""

from dashboards.selectors.common import (
    KeyResultView,
    ObjectiveView,
    current_cycle,
    key_result_view,
    resolve_cycle,
    score_key_result,
    with_threshold_counts,
)
from dashboards.selectors.my_week import MyWeek, my_week

__all__ = [
    "KeyResultView",
    "MyWeek",
    "ObjectiveView",
    "current_cycle",
    "key_result_view",
    "my_week",
    "resolve_cycle",
    "score_key_result",
    "with_threshold_counts",
]
