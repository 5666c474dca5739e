"""The claim document: HTML content in both languages, and the PDF through headless Chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from parkzero.errors import ParkzeroError
from parkzero.neutrality import Claim, build_claim
from parkzero.neutrality.models import ClaimSettings, CreditBatch
from parkzero.reports.claim import (
    ChromiumNotFound,
    claim_report,
    find_chromium,
    html_to_pdf,
    write_claim_documents,
)
from parkzero.reports.html import render_html

from .conftest import PARK_ID, Retire, make_inventory

GENERATED = dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC)
ASCII_NAME = "Riverside Logistics Park"


@pytest.fixture
def claim(batches: dict[str, CreditBatch], retire: Retire) -> Claim:
    return build_claim(
        make_inventory(),
        ClaimSettings(excluded=("3.5",)),
        batches=batches,
        retirements=[retire("VCS-1529-2021", 0, 9999), retire("CCER-OWF-2023", 0, 3699)],
        declared_on=dt.date(2025, 4, 15),
    )


def test_html_in_english_shows_every_part_of_the_statement(claim: Claim) -> None:
    html = render_html(claim_report(claim, "en", generated_at=GENERATED))
    assert f"{ASCII_NAME}" in html and PARK_ID in html
    assert "carbon-neutrality claim 2024" in html
    for section in (
        "Statement",
        "Key figures",
        "Subject and boundary",
        "Greenhouse-gas emissions",
        "Reductions achieved",
        "Carbon credits retired",
        "Checks",
        "Validity",
    ):
        assert f">{section}<" in html, section
    assert "9012-70153245-70163244-VCS-VCU-263-VER-CN-1-1529-01012021-31122021-0" in html
    assert "CCER-CN-01-000037-2023-00000001 – CCER-CN-01-000037-2023-00003700" in html
    assert "13,700" in html  # credits retired
    assert "13,620.0" in html  # footprint without 3.5 (80 t)
    assert "ISO 14068-1:2023 clause 11.2" in html  # sources of the rules
    assert "valid until 2026-04-14" in html
    assert "status on 2025-04-15: valid" in html
    assert "DRAFT" not in html


def test_html_in_chinese_with_the_english_statement_below(claim: Claim) -> None:
    html = render_html(claim_report(claim, "zh-CN", generated_at=GENERATED))
    assert '<html lang="zh-CN">' in html
    assert "2024 年度碳中和声明" in html and "合格解释性声明" in html
    assert "注销的碳信用" in html and "合规检查" in html and "有效期" in html
    assert "English version:" in html and "declares that it has achieved carbon neutrality" in html
    assert "通过" in html and "不适用" in html


def test_a_failing_claim_is_marked_as_draft(batches: dict[str, CreditBatch]) -> None:
    draft = build_claim(make_inventory(), ClaimSettings(), batches=batches, retirements=[])
    html = render_html(claim_report(draft, "en", generated_at=GENERATED))
    assert "Draft: checks failed" in html
    assert "No credits have been retired for this period." in html
    assert re.search(r'class="[^"]*fail[^"]*"', html)


# -- PDF ----------------------------------------------------------------------------------------


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def chromium_or_skip() -> str:
    """The Chromium executable; skipped locally without one, failing under CI=true."""
    try:
        return find_chromium()
    except ChromiumNotFound as exc:
        if _ci():
            pytest.fail(f"{exc}; CI=true requires the PDF test", pytrace=False)
        pytest.skip(str(exc))


def pdf_text(path: Path) -> str:
    """Text of a PDF: pypdf if installed, else pdftotext, else the document title."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if shutil.which("pdftotext"):
        run = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return run.stdout.decode("utf-8")
    raw = path.read_bytes()  # Chromium writes the HTML <title> into the document information
    match = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)", raw)
    if not match:
        return ""
    token = match.group(1)
    if token.startswith(b"<"):
        data = bytes.fromhex(token[1:-1].decode())
        return data.decode("utf-16" if data.startswith(b"\xfe\xff") else "latin-1")
    return token[1:-1].decode("latin-1")


def test_pdf_is_written_and_names_the_park(claim: Claim, tmp_path: Path) -> None:
    chromium_or_skip()
    files = write_claim_documents(claim, tmp_path / "out", "en", generated_at=GENERATED)
    pdf = files["pdf"]
    assert pdf.name == f"claim-{PARK_ID}-2024.en.pdf" and files["html"].is_file()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    text = pdf_text(pdf)
    assert ASCII_NAME in text


def test_chromium_missing_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, claim: Claim
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PARKZERO_CHROMIUM", raising=False)
    with pytest.raises(ChromiumNotFound, match="apt-get install chromium"):
        find_chromium()
    with pytest.raises(ChromiumNotFound):
        write_claim_documents(claim, tmp_path / "out", "en")
    assert not (tmp_path / "out").exists()  # nothing written
    files = write_claim_documents(claim, tmp_path / "html-only", "en", pdf=False)
    assert set(files) == {"html"}


def test_a_failed_print_leaves_no_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'no display' >&2\nexit 3\n")
    fake.chmod(0o755)
    html = tmp_path / "a.html"
    html.write_text("<html><body>x</body></html>")
    with pytest.raises(ParkzeroError, match=r"could not print a\.html to PDF: no display"):
        html_to_pdf(html, tmp_path / "a.pdf", chromium=str(fake))
    assert not (tmp_path / "a.pdf").exists()
