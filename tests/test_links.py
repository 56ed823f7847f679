"""Every link a page shows answers for the person it is shown to: the demo crawled as every
demo user, from the dashboard and the menus, each link shown asked once."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from emulation.demo import seed_demo
from emulation.demo.structure import DEMO_USERS
from tests.crawl import crawl

USERS = ["admin", *(user[0] for user in DEMO_USERS)]


@pytest.mark.django_db
def test_every_link_shown_answers_for_the_user_it_is_shown_to():
    seed_demo()
    failures = []
    for username in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        result = crawl(client, depth=3, max_pages=200)
        assert len(result.statuses) > 20, username  # the crawl reached the user's pages
        failures += [
            f"{username}: {status} {link} (shown on {source})"
            for link, status, source in result.bad()
        ]
    assert failures == [], "\n".join(failures)
