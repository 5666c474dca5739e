"""Print an HTML report to PDF with headless Chromium, in memory (for the HTTP service).

:func:`render_pdf` writes the HTML to a private temporary folder and prints it with
:func:`parkzero.reports.claim.html_to_pdf` (the same Chromium command as the claim document:
A4, the page's print CSS, no header or footer), then returns the PDF's bytes. Chromium is
:func:`parkzero.reports.claim.find_chromium` (``PARKZERO_CHROMIUM`` or the PATH); Chinese text
needs a CJK font on the machine (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from parkzero.reports.claim import html_to_pdf

__all__ = ["PDF_TIMEOUT_S", "render_pdf"]

#: Longest time one print may take [s].
PDF_TIMEOUT_S = 60.0


def render_pdf(html: str, *, timeout: float = PDF_TIMEOUT_S, chromium: str | None = None) -> bytes:
    """The PDF of an HTML page (a report's :func:`~parkzero.reports.render_html`).

    Parameters
    ----------
    html : str
        A self-contained HTML document [-].
    timeout : float
        Longest time Chromium may take [s].
    chromium : str, optional
        Executable; default :func:`~parkzero.reports.claim.find_chromium` [-].

    Returns
    -------
    bytes
        The PDF, starting with ``%PDF`` [-].

    Raises
    ------
    ChromiumNotFound
        No Chromium on the machine (the message says what to install).
    ParkzeroError
        Chromium failed or timed out.
    """
    with tempfile.TemporaryDirectory(prefix="parkzero-report-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(html, encoding="utf-8")
        target = html_to_pdf(source, Path(tmp) / "report.pdf", chromium=chromium, timeout=timeout)
        return target.read_bytes()
