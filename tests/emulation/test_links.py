"""`emulation.links.link` gives the text `reverse` gives, for every named URL of the project,
under any script prefix; a value `reverse` would quote or refuse goes through `reverse`."""

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix
from django.urls.converters import IntConverter

from emulation import links
from emulation.links import link


def _named_patterns():
    """(name, converters) of every named URL pattern, with its namespace."""
    found = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(
                    pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
            elif pattern.name and not namespace.startswith("admin:"):
                converters = list(pattern.pattern.converters.values())
                if pattern.pattern.regex.groups == len(converters):  # not a bare regex
                    found.append((f"{namespace}{pattern.name}", converters))

    walk(get_resolver(), "")
    return found


SAMPLES = {True: [2025, "7", 0], False: ["qg-cs-000001", "binh-thuan-1", "A_b-9", 2024]}


@pytest.fixture(autouse=True)
def fresh_shapes():
    links._shape.cache_clear()
    yield
    links._shape.cache_clear()
    set_script_prefix("/")


def test_every_named_url_reads_as_reverse_gives_it():
    patterns = _named_patterns()
    assert len(patterns) > 100
    for name, converters in patterns:
        if any(not isinstance(c, IntConverter) and c.regex != "[-a-zA-Z0-9_]+" for c in converters):
            continue  # `str` / `path` arguments: none in a list's links
        for turn in range(3):
            args = [
                SAMPLES[isinstance(c, IntConverter)][
                    turn % len(SAMPLES[isinstance(c, IntConverter)])
                ]
                for c in converters
            ]
            assert link(name, *args) == reverse(name, args=args), name


def test_a_script_prefix_is_kept():
    set_script_prefix("/thi-dua/")
    assert link("structure:organization_detail", "qg-tinh-01") == reverse(
        "structure:organization_detail", args=["qg-tinh-01"]
    )
    assert link("structure:organization_detail", "qg-tinh-01").startswith("/thi-dua/")
    set_script_prefix("/")
    assert not link("structure:organization_detail", "qg-tinh-01").startswith("/thi-dua/")


def test_values_reverse_would_quote_or_refuse_go_through_reverse():
    # A space, a Vietnamese letter: refused by the slug pattern, through reverse as by it.
    for value in ("a b", "Đà-Lạt"):
        with pytest.raises(NoReverseMatch):
            reverse("structure:organization_detail", args=[value])
        with pytest.raises(NoReverseMatch):
            link("structure:organization_detail", value)
    # Letters where the pattern asks for an int: refused, as by reverse.
    with pytest.raises(NoReverseMatch):
        link("clusters:cluster_year", "binh-thuan-1", "2024a")
    with pytest.raises(NoReverseMatch):
        link("clusters:cluster_year", "binh-thuan-1", -1)
    # A name that does not exist, or the wrong number of arguments: as reverse.
    with pytest.raises(NoReverseMatch):
        link("structure:no_such_page", "x")
    with pytest.raises(NoReverseMatch):
        link("structure:organization_detail")


def test_the_pattern_is_matched_once_per_name(monkeypatch):
    calls = []
    real = links.reverse

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(links, "reverse", counting)
    urls = [link("clusters:cluster_year", f"cum-{i}", 2000 + i) for i in range(50)]
    assert urls[7] == "/clusters/cum-7/2007/"
    # Once with markers, and the probes of each position (the year takes digits only).
    assert len(calls) <= 1 + 2 * len(links._PROBES)
