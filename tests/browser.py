"""Headless Chromium for the report's screenshots (skipped where there is none).

Set AHUAL_SCREENSHOT_DIR to keep a copy of each screenshot for a look."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = next((path for path in ("/usr/bin/chromium", shutil.which("chromium"),
                                   shutil.which("chromium-browser"))
                 if path and Path(path).exists()), None)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NO_CHROMIUM = ("no chromium (Debian: apt-get install chromium); the HTML itself is checked in "
               "test_html.py")


def screenshot(page: Path, png: Path, width: int = 1300, height: int = 2400) -> None:
    """Render `page` to `png`. Background networking and QUIC are off, so the browser talks to
    nothing while it renders; the profile is a fresh folder beside the PNG."""
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={png.parent / 'chromium-profile'}",
         "--hide-scrollbars", f"--screenshot={png}", f"--window-size={width},{height}",
         page.as_uri()],
        check=True, capture_output=True, timeout=120)


def keep(png: Path) -> None:
    if os.environ.get("AHUAL_SCREENSHOT_DIR"):
        target = Path(os.environ["AHUAL_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target / png.name)


def assert_not_blank(png: Path, size: tuple[int, int]) -> None:
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    try:
        from PIL import Image
    except ImportError:
        assert png.stat().st_size > 50_000  # a blank 1300x2400 PNG compresses to a few KB
        return
    with Image.open(png) as image:
        assert image.size == size
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, "the screenshot looks blank"


PROBE = """<script>
window.addEventListener('load', function () { setTimeout(function () {
  var found = (function () { %s })();
  document.documentElement.setAttribute('data-probe', JSON.stringify(found));
}, 500); });
</script>"""


def probe(page: Path, script: str, offline: bool = True) -> dict:
    """Open `page` in headless Chromium (with no network at all where `unshare -n` can make a
    namespace), run `script` (a function body returning a JSON-able value) once it has loaded,
    and return the value. The probe runs on a copy beside the page, so relative links hold."""
    import html
    import json
    import re

    copy = page.with_name(page.stem + ".probe.html")
    copy.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", PROBE % script + "</body>", 1), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               f"--user-data-dir={page.parent / '.chromium-probe'}",
               "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()]
    if offline and shutil.which("unshare") and subprocess.run(
            ["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", *command]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    finally:
        copy.unlink(missing_ok=True)
    found = re.search(r'data-probe="([^"]*)"', out)
    assert found, f"the page did not run the probe: {out[:500]}"
    return json.loads(html.unescape(found.group(1)))
