"""Pages and JSON of the web front end through the whole app (TestClient, SQLite demo park)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

PARK = "demo-wuhan"

STAFF_PAGES = ["/screen", "/park", "/park/zones/cold-store", "/park/tenants/coldco", "/inventory",
               "/targets", "/plan", "/energy", "/reports", "/dispatch"]  # fmt: skip


class _Links(HTMLParser):
    """Collects every src/href/action and inline scripts, styles and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href", "action", "formaction", "poster", "data"):
            if a.get(name):
                self.urls.append(str(a[name]))
        if "style" in a:
            self.inline_styles.append(tag)
        self.inline_styles += [f"{tag}.{k}" for k in a if k.startswith("on")]
        if tag == "style":
            self.inline_styles.append("style")
        if tag == "script":
            self._in_script = a

    def handle_data(self, data: str) -> None:
        script = self._in_script
        if script is not None and data.strip() and script.get("type") != "application/json":
            self.inline_scripts.append(data[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(html: str) -> _Links:
    p = _Links()
    p.feed(html)
    return p


def test_pages_load_nothing_from_outside(
    client: TestClient, login: Any, demo_db: dict[str, Any]
) -> None:
    login(client, "manager1")
    seen = 0
    for path in [*STAFF_PAGES, "/login"]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        page = parse(r.text)
        for url in page.urls:
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I), (path, url)
            assert not url.lower().startswith(("javascript:", "data:")), (path, url)
        assert page.inline_scripts == [], (path, page.inline_scripts)
        assert page.inline_styles == [], (path, page.inline_styles)
        seen += len(page.urls)
        # every static file a page names is served
        for url in page.urls:
            if url.startswith("/static/"):
                assert client.get(url).status_code == 200, url
    assert seen > 50


def test_screen_json_has_every_panel_and_real_numbers(
    client: TestClient, login: Any, demo_db: dict[str, Any]
) -> None:
    login(client, "operator1")
    data = client.get("/api/screen?lang=en").json()
    assert data["park"] == PARK and data["year"] == 2024 and data["lang"] == "en"
    kpis = {k["id"]: k for k in data["kpis"]}
    # demo 2024: grid 19,306,413 kWh + PV 2,977,003 kWh = 22,283,416 kWh
    assert kpis["electricity"]["value"] == pytest.approx(22_283_416.0)
    assert kpis["pv"]["value"] == pytest.approx(2_977_003.0)
    # green share = (PV + 3,000 MWh of certificates and contracts) / electricity
    assert kpis["green_share"]["value"] == pytest.approx((2_977_003 + 3_000_000) / 22_283_416)
    assert kpis["clean_share"]["target"] == pytest.approx(0.9)
    assert kpis["tco2_per_tce"]["threshold"] == pytest.approx(0.2)
    # energy panels without the energy package's results say so instead of inventing numbers
    assert data["tou"] == {"status": "no_data", "reason": "energy"}
    assert data["load_24h"]["status"] == "no_data"
    assert data["energy_flow"]["status"] == "ok"
    assert sum(link["tce"] for link in data["energy_flow"]["links"]) == pytest.approx(
        data["energy_mix"]["total"]
    )
    assert data["labels"]["grid"] == "Grid electricity"
    assert data["labels"]["zone:cold-store"] == "冷库"  # the park's own zone name
    road = {i["id"]: i for i in data["logistics_intensity"]["items"]}["freight.road.hgv"]
    assert road["g_per_tkm"] == pytest.approx(42.0)  # the guide's 0.042 kgCO2e/t·km
    zh = client.get("/api/screen/kpis?lang=zh-CN").json()
    assert zh["labels"]["grid"] == "电网电力" and zh["kpis"][0]["id"] == "electricity"
    assert client.get("/api/screen/nonsense").status_code == 404


def test_screen_is_staff_only(client: TestClient, login: Any, demo_db: dict[str, Any]) -> None:
    assert client.get("/api/screen").status_code == 401
    login(client, "carrier-sf")
    assert client.get("/api/screen").status_code == 403
    r = client.get("/screen")
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]


def test_page_without_session_redirects_to_login(client: TestClient) -> None:
    r = client.get("/inventory?year=2023")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Finventory%3Fyear%3D2023"
    assert client.get("/").headers["location"] == "/login"


def test_login_failure_and_open_redirect(
    client: TestClient, login: Any, demo_db: dict[str, Any]
) -> None:
    r = client.post(
        "/login", data={"username": "manager1", "password": "wrong-password", "next": ""}
    )
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = client.post(
        "/login",
        data={
            "username": "manager1",
            "password": demo_db["passwords"]["manager1"],
            "next": "//evil.example/x",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/screen"


def test_language_switch_sets_cookie(
    client: TestClient, login: Any, demo_db: dict[str, Any]
) -> None:
    login(client, "manager1")
    zh = client.get("/inventory")
    assert '<html lang="zh-CN">' in zh.text and "碳盘查" in zh.text
    en = client.get("/inventory?lang=en")
    assert '<html lang="en">' in en.text and "GHG inventory" in en.text
    assert client.cookies.get("pz_lang") == "en"
    assert '<html lang="en">' in client.get("/park").text


def test_tenant_sees_only_itself(client: TestClient, login: Any, demo_db: dict[str, Any]) -> None:
    login(client, "tenant-coldco")
    assert client.get("/").headers["location"] == "/park/tenants/coldco"
    own = client.get("/park/tenants/coldco")
    assert own.status_code == 200 and "冷链第三方物流租户" in own.text
    assert client.get("/park/tenants/ecom").status_code == 404
    assert client.get("/park").status_code == 403
    assert client.get("/api/screen").status_code == 403


def test_drill_down_numbers(client: TestClient, login: Any, demo_db: dict[str, Any]) -> None:
    login(client, "manager1")
    park = client.get("/park?lang=en").text
    assert 'href="/park/zones/cold-store"' in park and 'href="/park/tenants/coldco"' in park
    zone = client.get("/park/zones/cold-store?lang=en")
    assert zone.status_code == 200 and 'href="/park/tenants/coldco"' in zone.text
    assert client.get("/park/zones/nowhere").status_code == 404
    assert client.get("/park/meters/nothing").status_code == 404
    # the plan pages render the plan package's own figures
    plan = client.get("/plan?lang=en")
    assert plan.status_code == 200 and "Marginal abatement cost curve" in plan.text
    targets = client.get("/targets?lang=en")
    assert "aca-1.5" in targets.text
