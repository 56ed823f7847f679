# The award models arrive with the meetings and approval issues; their admin classes with them.
