"""The document pipeline reads fonts and styles from disk and never goes over HTTP."""

import pytest
from django.conf import settings

from emulation.documents.pdf import LocalFileRefused, _fetcher_class, static_path


def test_static_urls_map_to_the_bundled_files():
    path = static_path(settings.STATIC_URL + "fonts/LiberationSerif-Regular.ttf")
    assert path is not None and path.name == "LiberationSerif-Regular.ttf"
    assert (path.parent / "LICENSE-LiberationSerif.txt").is_file()
    assert static_path("http://127.0.0.1:8000/static/fonts/LiberationSerif-Bold.ttf").is_file()


def test_the_fetcher_serves_static_files_without_a_server():
    fetcher = _fetcher_class()()
    response = fetcher.fetch("http://document.invalid/static/fonts/LiberationSerif-Italic.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "file:///etc/passwd",
        "http://document.invalid/static/../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises(LocalFileRefused):
        _fetcher_class()().fetch(url)
