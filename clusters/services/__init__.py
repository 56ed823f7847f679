"""Workflows of the clusters app: the structure (rotation, next year, restructuring), the
annual results and the briefings of the cluster heads."""

from .briefings import (  # noqa: F401
    briefing_progress,
    create_briefing,
    follow_up_matrix,
    open_conclusions,
    save_briefing,
    save_conclusions,
    save_follow_ups,
)
from .programs import copy_program, create_default_program, program_in_use  # noqa: F401
from .results import (  # noqa: F401
    StaleResult,
    Standing,
    Standings,
    cluster_standings,
    lock_results,
    refresh_suggestions,
    reopen_result,
    result_for,
    result_history,
    return_result,
    save_result,
    score_errors,
    set_level,
    submit_result,
    verification_gaps,
    verify_result,
)
from .structure import (  # noqa: F401
    CHANGE_KEYS,
    apply_next_year,
    apply_restructuring,
    memberships_by_year,
    move_organization,
    next_year_candidates,
    plan_next_year,
    plan_restructuring,
    propose_rotation,
    propose_rotations,
    rename_organization,
    revert_blockers,
    revert_restructuring,
)
