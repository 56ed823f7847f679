"""How a serving process sets up Python's garbage collector.

A page of the national dataset allocates a few hundred thousand objects (model instances,
template nodes, table cells). With Python's default thresholds (700, 10, 10) the collector
then ran hundreds of times per request and walked the app's long-lived objects again and
again: 50 ms of the confederation's register went to it, at random points of the page, which
also made the times swing from one request to the next. A serving process therefore

- moves everything alive once the app is loaded (modules, models, URL patterns, settings)
  into the collector's permanent generation (`gc.freeze()`): never walked again, and, when
  gunicorn forks its workers from a preloaded master, shared with them instead of copied;
- collects the young generation after `GC_THRESHOLD[0]` new objects instead of 700.

Cycles are still collected: later, in fewer and larger passes."""

from __future__ import annotations

import gc

from django.conf import settings


def tune_garbage_collector() -> tuple[int, ...] | None:
    """Freeze what is alive and set the thresholds of `settings.GC_THRESHOLD`; the thresholds
    set, or None when the setting is empty (Python's defaults kept)."""
    threshold = tuple(settings.GC_THRESHOLD)
    if not threshold:
        return None
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)
    return threshold
