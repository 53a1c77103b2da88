"""The team dashboard's key result table (django-tables2): columns, sorting and paging.

The rows are scored in Python (status, progress and confidence come from `scoring`), so the table
sorts the list it is given; each column names the row attributes it sorts by, with the title as a
tie-breaker so the order is stable across pages. The page template draws the cells itself.
"""

from collections.abc import Sequence

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.utils.translation import gettext_lazy as _

from dashboards.selectors.team import TeamRow

PER_PAGE = 10
SORT_FIELD = "sort"
PAGE_FIELD = "page"


class KeyResultTable(tables.Table):
    title = tables.Column(verbose_name=_("Key result"), order_by=("sort_title", "pk"))
    owner = tables.Column(
        verbose_name=_("Owner"), accessor="owner_name", order_by=("sort_owner", "sort_title", "pk")
    )
    level = tables.Column(verbose_name=_("Level"), order_by=("level", "sort_title", "pk"))
    progress = tables.Column(verbose_name=_("Progress"), order_by=("progress", "sort_title", "pk"))
    status = tables.Column(
        verbose_name=_("Status"),
        order_by=("status_rank", "progress", "sort_title", "pk"),
        # The first click shows the worst first: what a manager sorts by status for.
        initial_sort_descending=True,
    )
    confidence = tables.Column(
        verbose_name=_("Confidence"), order_by=("sort_confidence", "sort_title", "pk")
    )
    last_checkin = tables.Column(
        verbose_name=_("Last check-in"),
        accessor="last_checkin_at",
        order_by=("sort_last_checkin", "sort_title", "pk"),
    )

    class Meta:
        orderable = True
        order_by_field = SORT_FIELD
        page_field = PAGE_FIELD
        per_page_field = "per_page"
        empty_text = _("No key results match these filters.")


def key_result_table(
    *, rows: Sequence[TeamRow], sort: str | None, page: str | None
) -> KeyResultTable:
    """The table of `rows`, sorted by the `sort` column alias (e.g. "-confidence"; unknown ones
    are ignored) and showing `page` (a bad or missing page shows the first, one past the end the
    last)."""
    table = KeyResultTable(list(rows))
    if sort and sort.lstrip("-") in table.columns.names():
        table.order_by = (sort,)
    try:
        table.paginate(per_page=PER_PAGE, page=int(page or 1))
    except (ValueError, PageNotAnInteger):
        table.paginate(per_page=PER_PAGE, page=1)
    except EmptyPage:
        table.paginate(per_page=PER_PAGE, page=table.paginator.num_pages)
    return table
