"""The report as a person sees it: headless Chromium renders each language's page to a PNG."""

from __future__ import annotations

from pathlib import Path

import pytest

from ahual.flows.report.html import render_html
from tests.browser import CHROMIUM, NO_CHROMIUM, assert_not_blank, keep, screenshot
from tests.report.sample import LANGUAGES, sample_report


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_screenshot_is_not_blank(tmp_path: Path, lang: str):
    page = tmp_path / f"report-2008H2-{lang}.html"
    page.write_text(render_html(sample_report(), lang), encoding="utf-8")
    png = tmp_path / f"report-2008H2-{lang}.png"
    screenshot(page, png)
    assert_not_blank(png, (1300, 2400))
    keep(png)
