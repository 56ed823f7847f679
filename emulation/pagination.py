"""A page of a QuerySet in one query: the rows of the page counted with the page itself
(COUNT(*) OVER ()), so a list costs the same whether it is empty, short or long – the
query counts of a page stay constant whatever the data."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """The page `number` (as asked for: a string, or None for the first) of `queryset`; a
    number past the end gives the last page, as `Paginator.get_page` does."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(queryset, per_page)
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(rows_in_list=Window(Count("pk")))[bottom : bottom + per_page])
    if rows:
        paginator.count = rows[0].rows_in_list
    elif number == 1:
        paginator.count = 0
    else:
        # Past the end (an old link): the last page, counted and read on its own.
        return paginator.get_page(number)
    return Page(rows, number, paginator)
