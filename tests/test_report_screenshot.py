"""The report as a person sees it: headless Chromium renders the page to a PNG.

Set AHUAL_SCREENSHOT_DIR to keep a copy of the screenshot for a look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flows.report_render import render_html
from tests.test_report_render import sample_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2400) -> None:
    # Background networking is off so the browser talks to nothing while it renders.
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
         f"--window-size={width},{height}", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         f"--user-data-dir={png.parent / 'chromium-profile'}", page.as_uri()],
        check=True, capture_output=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (Debian: apt-get "
                    "install chromium); the HTML itself is checked in test_report_render.py")
def test_report_screenshot_is_not_blank(tmp_path: Path):
    page = tmp_path / "report-2008H2.html"
    page.write_text(render_html(sample_report()), encoding="utf-8")
    png = tmp_path / "report-2008H2.png"
    screenshot(page, png)

    assert png.read_bytes()[:8] == PNG_SIGNATURE
    try:
        from PIL import Image
    except ImportError:
        assert png.stat().st_size > 50_000  # a blank 1280x2400 PNG compresses to a few KB
    else:
        with Image.open(png) as image:
            assert image.size == (1280, 2400)
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is None or len(colours) > 50, "the screenshot looks blank"

    if os.environ.get("AHUAL_SCREENSHOT_DIR"):
        target = Path(os.environ["AHUAL_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target / png.name)
