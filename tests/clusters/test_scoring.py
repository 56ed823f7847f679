"""Totals, limits, formulas, classification with gates and cap, ranking with ties – on a
small hand-made table, so each figure can be checked by hand."""

from decimal import Decimal

import pytest

from clusters.models import (
    ClassificationRule,
    Criterion,
    CriterionKind,
    EmulationProgram,
    Formula,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    ScoreEntry,
    ScoreSection,
)
from clusters.services import scoring
from clusters.services.scoring import (
    apply_cap,
    competition_ranks,
    compute_totals,
    formula_points,
    load_table,
    suggest_level,
    top_level_quota,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def table():
    program = EmulationProgram.objects.create(
        organizer=OrganizationFactory(), year=2024, tie_break="S, NEW"
    )
    new = Indicator.objects.create(program=program, code="NEW", name="Đoàn viên mới", order=1)
    house = Indicator.objects.create(
        program=program, code="HOUSE", name="Mái ấm", kind=IndicatorKind.YES_NO, order=2
    )
    s = ScoreSection.objects.create(program=program, code="S", title="Chính", max_points=25)
    u = ScoreSection.objects.create(program=program, code="U", title="Phụ", max_points=5, order=1)
    b = ScoreSection.objects.create(
        program=program, code="B", title="Thưởng", kind=CriterionKind.BONUS, max_points=3, order=2
    )
    t = ScoreSection.objects.create(
        program=program, code="T", title="Trừ", kind=CriterionKind.PENALTY, max_points=2, order=3
    )
    Criterion.objects.create(section=s, code="1", title="a", max_points=10, order=1)
    Criterion.objects.create(section=s, code="2", title="b", max_points=10, order=2)
    Criterion.objects.create(
        section=s, code="3", title="c", max_points=5, order=3, indicator=new, formula=Formula.RATIO
    )
    Criterion.objects.create(
        section=u, code="1", title="d", max_points=5, indicator=house, formula=Formula.THRESHOLD
    )
    for code in "12":
        Criterion.objects.create(section=b, code=code, title="bonus", max_points=2)
        Criterion.objects.create(section=t, code=code, title="penalty", max_points=2)
    ClassificationRule.objects.create(
        program=program,
        level=Level.EXCELLENT,
        min_total=27,
        min_criterion_percent=50,
        max_penalty=1,
    )
    ClassificationRule.objects.create(program=program, level=Level.GOOD, min_total=20)
    ClassificationRule.objects.create(program=program, level=Level.COMPLETED, min_total=15)
    return load_table(program)


def crit(table, label):
    return next(c for c in table.criteria if c.label == label)


def entries(table, scores: dict, na=()):
    out = {}
    for label, value in scores.items():
        c = crit(table, label)
        out[c.pk] = ScoreEntry(criterion=c, self_score=D(value), verified_score=D(value))
    for label in na:
        c = crit(table, label)
        out[c.pk] = ScoreEntry(criterion=c, not_applicable=True)
    return out


def values(table, new=(10, 10), house=1):
    by_code = {i.code: i for i in table.indicators}
    return {
        by_code["NEW"].pk: IndicatorValue(target=D(new[0]), actual=D(new[1])),
        by_code["HOUSE"].pk: IndicatorValue(actual=D(house)),
    }


def test_totals_add_sections_with_bonus_and_penalty_within_their_limits(table):
    scored = entries(table, {"S.1": 9.5, "S.2": 8, "B.1": 2, "B.2": 2, "T.1": 2, "T.2": 1})
    totals = compute_totals(table, scored, values(table), "self")
    assert totals.section_scores == {"S": D("22.5"), "U": D(5), "B": D(3), "T": D(2)}
    assert totals.bonus == 3  # 4 entered, limit 3
    assert totals.penalty == 2  # 3 entered, limit 2
    assert totals.total == D("28.5")  # 27.5 + 3 - 2


def test_a_missing_score_leaves_the_total_open_but_a_blank_bonus_counts_as_none(table):
    totals = compute_totals(table, entries(table, {"S.1": 10}), values(table), "self")
    assert totals.missing == 1 and totals.total is None
    assert totals.running_total == D(20)


@pytest.mark.parametrize(
    ("target", "actual", "points"),
    [(10, 10, 5), (10, 15, 5), (10, 7, 3.5), (10, 3, 1.5), (8, 1, 0.5), (10, 0, 0), (0, 3, 5)],
)
def test_ratio_formula_rounds_down_to_half_points(table, target, actual, points):
    c = crit(table, "S.3")
    assert formula_points(c, IndicatorValue(target=D(target), actual=D(actual))) == D(points)


def test_threshold_and_yes_no_formulas(table):
    house = crit(table, "U.1")
    assert formula_points(house, IndicatorValue(actual=D(1))) == 5
    assert formula_points(house, IndicatorValue(actual=D(0))) == 0
    assert formula_points(house, None) is None
    ratio = crit(table, "S.3")
    assert formula_points(ratio, IndicatorValue(target=None, actual=D(3))) is None


def test_a_criterion_that_does_not_apply_is_left_out_and_the_score_brought_back(table):
    # S.2 (10 points) does not apply: 7 + 5 + 5 = 17 of 20 applicable → 17 × 30 / 20 = 25.5.
    scored = entries(table, {"S.1": 7}, na=["S.2"])
    totals = compute_totals(table, scored, values(table), "self")
    assert totals.applicable_max == 20
    assert totals.total == D("25.5")


def test_classification_by_threshold(table):
    good = compute_totals(table, entries(table, {"S.1": 8, "S.2": 8}), values(table), "self")
    assert good.total == 26
    assert suggest_level(table, good).level == Level.GOOD
    low = compute_totals(
        table, entries(table, {"S.1": 5, "S.2": 5}), values(table, house=0), "self"
    )
    assert low.total == 15 and suggest_level(table, low).level == Level.COMPLETED
    failed = compute_totals(
        table, entries(table, {"S.1": 2, "S.2": 2}), values(table, (10, 0), 0), "self"
    )
    assert suggest_level(table, failed).level == Level.FAILED


def test_gate_keeps_a_high_total_from_the_top_level(table):
    # 10 + 4 + 5 + 5 + 3 bonus = 27, but S.2 reached 40% of its points (gate: 50%).
    scored = entries(table, {"S.1": 10, "S.2": 4, "B.1": 2, "B.2": 1})
    totals = compute_totals(table, scored, values(table), "self")
    suggestion = suggest_level(table, totals)
    assert totals.total == 27
    assert suggestion.level == Level.GOOD
    assert "S.2" in suggestion.reasons[0]


def test_penalty_gate(table):
    scored = entries(table, {"S.1": 10, "S.2": 10, "B.1": 2, "B.2": 1, "T.1": 2})
    totals = compute_totals(table, scored, values(table), "self")
    assert totals.total == 31
    assert suggest_level(table, totals).level == Level.GOOD
    scored = entries(table, {"S.1": 10, "S.2": 10, "T.1": 1})
    totals = compute_totals(table, scored, values(table), "self")
    assert suggest_level(table, totals).level == Level.EXCELLENT


def test_ranking_with_ties_shares_the_rank():
    ranks = competition_ranks(
        [("a", (D(90), D(30))), ("b", (D(95), D(20))), ("c", (D(90), D(30))), ("d", (D(90), D(31)))]
    )
    assert ranks == {"b": 1, "d": 2, "a": 3, "c": 3}


@pytest.mark.parametrize(("classified", "quota"), [(12, 2), (5, 1), (4, 0), (20, 4), (10, 2)])
def test_top_level_quota_is_rounded_down(classified, quota):
    assert top_level_quota(classified, D(20)) == quota


def test_cap_keeps_the_best_ranked_and_steps_the_others_down():
    ranked = [("a", 1, Level.EXCELLENT), ("b", 2, Level.EXCELLENT), ("c", 3, Level.EXCELLENT)]
    ranked += [(f"x{i}", 4 + i, Level.GOOD) for i in range(7)]
    levels, quota = apply_cap(ranked, D(20), 10)
    assert quota == 2
    assert [levels[k] for k in "abc"] == [Level.EXCELLENT, Level.EXCELLENT, Level.GOOD]


def test_cap_never_exceeded_by_a_tie_at_the_boundary():
    ranked = [("a", 1, Level.EXCELLENT), ("b", 2, Level.EXCELLENT), ("c", 2, Level.EXCELLENT)]
    ranked += [(f"x{i}", 4 + i, Level.GOOD) for i in range(7)]
    levels, quota = apply_cap(ranked, D(20), 10)
    assert quota == 2
    assert [levels[k] for k in "abc"] == [Level.EXCELLENT, Level.GOOD, Level.GOOD]


def _shape(table) -> list:
    """What a table holds, to compare two reads of it."""
    return [
        [(s.pk, s.code, s.title, s.max_points, s.program_id) for s in table.sections],
        [(c.pk, c.label, c.title, c.max_points, c.indicator_id) for c in table.criteria],
        [(r.level, r.min_total, r.min_criterion_percent) for r in table.rules],
        [(i.pk, i.code, i.name) for i in table.indicators],
    ]


def committed(program):
    """The table's creation committed, as in production: the test's own transaction never
    commits, so the fixture's changes would keep the table from being kept."""
    scoring._changed_here().discard(program.pk)


def test_a_process_keeps_a_table_it_read_until_the_table_changes(
    table, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A programme's table is read once per process and version (four queries, then none),
    each read handing out instances of its own; a change of the table – even seen through the
    programme read before it – is read at once, and kept again only once committed."""
    settings.SCORING_TABLES_KEPT = 10
    program = EmulationProgram.objects.get(pk=table.program.pk)
    committed(program)
    with django_assert_num_queries(4):
        first = load_table(program)
    with django_assert_num_queries(0):
        second = load_table(program)
    assert _shape(first) == _shape(second) == _shape(table)
    assert first.criteria[0] is not second.criteria[0]
    assert second.criteria[0].section is second.sections[0]
    assert crit(second, "S.3").indicator is second.indicators[0]
    assert all(s.program is program for s in second.sections)
    first.criteria[0].title = "changed in memory only"
    assert load_table(program).criteria[0].title == "a"
    # A criterion saved: the programme's version changes (the other processes read it with
    # the programme) and this process reads the table again, the programme read before too.
    before = program.table_version
    with django_capture_on_commit_callbacks(execute=True):
        criterion = Criterion.objects.get(pk=crit(table, "S.1").pk)
        criterion.title = "Tổ chức hoạt động"
        criterion.save()
    assert EmulationProgram.objects.get(pk=program.pk).table_version != before
    with django_assert_num_queries(4):
        assert crit(load_table(program), "S.1").title == "Tổ chức hoạt động"
    with django_assert_num_queries(0):
        assert crit(load_table(program), "S.1").title == "Tổ chức hoạt động"
    # So does a criterion added to a section at hand, a rule, an indicator or a section,
    # deleted or added.
    section = ScoreSection.objects.get(program=program, code="U")
    with django_capture_on_commit_callbacks(execute=True):
        Criterion.objects.create(section=section, code="2", title="e", max_points=1, order=2)
    assert "U.2" in [c.label for c in load_table(program).criteria]
    with django_capture_on_commit_callbacks(execute=True):
        ClassificationRule.objects.filter(program=program, level=Level.COMPLETED).delete()
    assert [r.level for r in load_table(program).rules] == [Level.EXCELLENT, Level.GOOD]
    with django_capture_on_commit_callbacks(execute=True):
        Indicator.objects.create(program=program, code="X", name="Mới", order=3)
    assert [i.code for i in load_table(program).indicators] == ["NEW", "HOUSE", "X"]
    # A fresh programme row of another process carries the new version: no kept table of
    # the old one is read for it.
    fresh = EmulationProgram.objects.get(pk=program.pk)
    assert fresh.table_version != before
    assert _shape(load_table(fresh)) == _shape(load_table(program))


def test_a_table_changed_and_rolled_back_is_not_kept_as_changed(
    table, settings, django_assert_num_queries
):
    """Read in the transaction that changed it, a table is not kept: rolled back, the next
    read gives the table as it is."""
    from django.db import transaction

    settings.SCORING_TABLES_KEPT = 10
    program = EmulationProgram.objects.get(pk=table.program.pk)
    committed(program)
    load_table(program)
    with django_assert_num_queries(0):
        load_table(program)
    with pytest.raises(RuntimeError), transaction.atomic():
        criterion = Criterion.objects.get(pk=crit(table, "S.1").pk)
        criterion.title = "đổi rồi huỷ"
        criterion.save()
        assert crit(load_table(program), "S.1").title == "đổi rồi huỷ"
        raise RuntimeError
    assert crit(load_table(program), "S.1").title == "a"
    assert crit(load_table(EmulationProgram.objects.get(pk=program.pk)), "S.1").title == "a"


def test_a_programme_saved_after_its_table_changed_does_not_bring_the_old_table_back(
    table, settings, django_capture_on_commit_callbacks
):
    """A programme saved with the version it was read with (a form opened before a change of
    its table, a revert from its history) gets a version of its own: no process goes back
    to the table it kept under the old one."""
    settings.SCORING_TABLES_KEPT = 10
    opened = EmulationProgram.objects.get(pk=table.program.pk)
    committed(opened)
    kept = opened.table_version
    load_table(opened)  # kept under its version
    with django_capture_on_commit_callbacks(execute=True):
        criterion = Criterion.objects.get(pk=crit(table, "S.1").pk)
        criterion.title = "Tổ chức hoạt động"
        criterion.save()
    changed = EmulationProgram.objects.get(pk=opened.pk).table_version
    with django_capture_on_commit_callbacks(execute=True):
        opened.theme = "Chủ đề mới"
        opened.save()  # writes back the version it was read with
    now = EmulationProgram.objects.get(pk=opened.pk).table_version
    assert len({kept, changed, now}) == 3 and opened.table_version == now
    assert crit(load_table(EmulationProgram.objects.get(pk=opened.pk)), "S.1").title == (
        "Tổ chức hoạt động"
    )
    # Not a change of the programme its history shows.
    assert "table_version" not in [f.name for f in opened.history.model._meta.fields]


def test_a_criterion_moved_to_another_programme_leaves_the_first_table(
    table, settings, django_capture_on_commit_callbacks
):
    """A row moved to another programme (the admin lets staff change its section or
    programme) changes both tables."""
    settings.SCORING_TABLES_KEPT = 10
    program = EmulationProgram.objects.get(pk=table.program.pk)
    committed(program)
    other = EmulationProgram.objects.create(organizer=OrganizationFactory(), year=2024)
    section = ScoreSection.objects.create(program=other, code="S", title="Chính", max_points=5)
    committed(other)
    assert "S.1" in [c.label for c in load_table(program).criteria]
    before = EmulationProgram.objects.get(pk=program.pk).table_version
    with django_capture_on_commit_callbacks(execute=True):
        criterion = Criterion.objects.get(pk=crit(table, "S.1").pk)
        criterion.section = section
        criterion.save()
    assert EmulationProgram.objects.get(pk=program.pk).table_version != before
    assert "S.1" not in [c.label for c in load_table(program).criteria]
    assert [c.label for c in load_table(EmulationProgram.objects.get(pk=other.pk)).criteria] == [
        "S.1"
    ]
