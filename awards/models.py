# Award forms, votes, nominations, proposals and decisions arrive with the meetings and
# approval issues; this app builds on `clusters` and is the only one of the two that may import
# the other.
