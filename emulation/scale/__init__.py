"""The national dataset of `manage.py seed_scale`: the whole confederation at real size, built
in bulk beside the demo (its own codes, all starting with `qg-`), so that `make bench`
measures every page where the data is large."""
