"""The PDF report: the HTML report laid out on A4 by WeasyPrint, with Debian's Japanese font."""

import gc
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

JAPANESE_FONT = "Noto Sans CJK JP"  # Debian package fonts-noto-cjk


class PdfError(Exception):
    """The PDF cannot be made as it must be (e.g. Japanese would show as empty boxes)."""


@dataclass(frozen=True)
class RenderedPdf:
    """A written PDF, its page count and how long the one WeasyPrint pass took."""

    path: Path
    pages: int
    seconds: float


def write_pdf(run_dir: Path, html: str) -> RenderedPdf:
    """Lay out `html` once and write RUN_DIR/report.pdf; the report fetches nothing from anywhere."""
    _require_japanese_font()
    started = time.monotonic()
    no_fetching = URLFetcher(allowed_protocols=frozenset())
    path = run_dir / "report.pdf"
    with _cycle_collector_paused():
        document = HTML(string=html, base_url=str(run_dir.resolve()), url_fetcher=no_fetching).render()
        document.write_pdf(path)  # fonts are subset here, once for the whole report
    return RenderedPdf(path, len(document.pages), time.monotonic() - started)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works: its passes over the layout's many young
    objects cost ~8 % of a render's CPU and free next to nothing (peak memory is the same)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _require_japanese_font() -> None:
    try:
        found = subprocess.run(["fc-list", f":family={JAPANESE_FONT}", "family"],
                               capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise PdfError(f"cannot ask fontconfig for the Japanese font: {error}") from error
    if JAPANESE_FONT not in found:
        raise PdfError(f"the font {JAPANESE_FONT} is not installed (Debian: fonts-noto-cjk; "
                       "scripts/install.sh installs it): Japanese would show as empty boxes")
