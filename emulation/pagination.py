"""A page of a QuerySet in one query: the rows of the page counted with the page itself
(COUNT(*) OVER ()), so a list costs the same whether it is empty, short or long – the
query counts of a page stay constant whatever the data."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

# Beyond this a page number is past the end of any list (and its offset past what a database
# takes): counted and answered with the last page, as Django's paginator does.
LAST_PAGE_ASKED = 10**9


def _counted_page(queryset: QuerySet, number: int, per_page: int) -> tuple[list, int] | None:
    """(the rows of page `number`, the number of rows in the list), read in one query; None
    when the page lies past the end (an old link), which the caller counts on its own."""
    if number > LAST_PAGE_ASKED:
        return None
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(rows_in_list=Window(Count("pk")))[bottom : bottom + per_page])
    if rows:
        first = rows[0]
        # Records, or dicts of a `values()` queryset.
        return rows, first["rows_in_list"] if isinstance(first, dict) else first.rows_in_list
    return ([], 0) if number == 1 else None


def page_of(queryset: QuerySet, number, per_page: int) -> Page:
    """The page `number` (as asked for: a string, or None for the first) of `queryset`; a
    number past the end gives the last page, as `Paginator.get_page` does."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(queryset, per_page)
    counted = _counted_page(queryset, number, per_page)
    if counted is None:
        # Past the end (an old link): the last page, counted and read on its own.
        return paginator.get_page(number)
    rows, paginator.count = counted
    return Page(rows, number, paginator)


class CountedWithPage(Paginator):
    """The paginator of a django-tables2 table whose rows cost as much to count as to sort
    (a scope that is a union of subqueries): the page read with its rows counted alongside
    (COUNT(*) OVER ()), the whole list evaluated once instead of twice; an empty first page
    counts none. A queryset the window would count wrongly (DISTINCT, a union, a slice), a
    paginator with orphans or a page past the end is counted on its own, as Django's
    paginator does."""

    def page(self, number):
        rows = self.object_list  # the table's BoundRows over its TableQuerysetData
        data = getattr(rows, "data", None)
        queryset = getattr(data, "data", None)
        if (
            not isinstance(queryset, QuerySet)
            or queryset.query.distinct
            or queryset.query.combinator
            or queryset.query.is_sliced
            or any((getattr(rows, "pinned_data", None) or {}).values())
            or self.orphans
        ):
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        counted = _counted_page(queryset, number, self.per_page) if number >= 1 else None
        if counted is None or not (counted[0] or self.allow_empty_first_page):
            return super().page(number)
        records, count = counted
        data._length = count  # what the table reports as its length
        self.__dict__["count"] = count  # Paginator.count, a cached property
        return self._get_page(type(rows)(data=records, table=rows.table), number, self)
