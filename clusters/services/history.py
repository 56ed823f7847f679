"""Who changed a record and why: the two attributes simple-history reads when it saves."""


def stamp(obj, by, reason: str):
    """Mark `obj`'s next save with the user and the reason (none when blank)."""
    obj._history_user = by
    obj._change_reason = reason or None
