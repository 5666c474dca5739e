"""PDF export of the reports (headless Chromium) and the web page's report links."""

from __future__ import annotations

import pytest

from parkzero.api.routers.pages import REPORT_LINKS
from parkzero.reports.pdf import render_pdf

from .conftest import YEAR, World

MEDIA = {
    "rep.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "rep.pdf": "application/pdf",
    "rep.csv": "text/csv; charset=utf-8",
    "rep.html": "text/html; charset=utf-8",
}


def test_render_pdf_prints_html() -> None:
    pdf = render_pdf("<!doctype html><meta charset=utf-8><h1>碳盘查 inventory</h1>")
    assert pdf.startswith(b"%PDF") and len(pdf) > 500


def test_inventory_and_plan_as_pdf(world: World) -> None:
    auth = world.auth(world.home.tokens["manager"])
    base = f"/api/parks/{world.home.id}/reports"
    r = world.client.get(f"{base}/inventory?format=pdf&year={YEAR}&lang=en", headers=auth)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert f'inventory-home-park-{YEAR}.en.pdf"' in r.headers["content-disposition"]
    r = world.client.get(f"{base}/plan?format=pdf", headers=auth)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = world.client.get(f"{base}/plan?format=doc", headers=auth)
    assert r.status_code == 422


def test_every_report_link_of_the_page_answers(world: World) -> None:
    auth = world.auth(world.home.tokens["manager"])
    page = world.client.get("/reports", headers=auth)
    assert page.status_code == 200
    for link in REPORT_LINKS:
        href = link["href"].replace("{park}", world.home.id).format(year=YEAR)
        assert href.replace("&", "&amp;") in page.text, href
        r = world.client.get(href, headers=auth)
        assert r.status_code == 200, (href, r.text[:200])
        assert r.headers["content-type"] == MEDIA[link["key"]], href
        assert r.headers["content-disposition"].startswith("attachment;")


def test_without_chromium_pdf_is_503(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARKZERO_CHROMIUM", "no-such-chromium-here")
    world.app.state.caches.pop("reports", None)
    r = world.client.get(
        f"/api/parks/{world.home.id}/reports/inventory?format=pdf&year={YEAR}",
        headers=world.auth(world.home.tokens["auditor"]),
    )
    assert r.status_code == 503 and "PARKZERO_CHROMIUM" in r.json()["detail"]
    world.app.state.caches.pop("reports", None)
