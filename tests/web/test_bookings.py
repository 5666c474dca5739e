"""Carrier bookings through the JSON API and the carrier page: own bookings only, QR, e-POD."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from parkzero.ledger.epod import sign_epod
from parkzero.ledger.note import Signer, Verifier, generate_key
from parkzero.ledger.receipt import verify_receipt

DAY = (dt.date.today() + dt.timedelta(days=3)).isoformat()


def _csrf(client: TestClient) -> str:
    import re

    page = client.get("/carrier")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def test_book_reschedule_cancel_and_isolation(client: TestClient, login: Any) -> None:
    login(client, "carrier-jd")
    token = _csrf(client)
    headers = {"X-CSRF-Token": token}
    slots = client.get(f"/api/bookings/slots?day={DAY}").json()
    assert slots and slots[0]["docks_free"] >= 1
    body = {"day": DAY, "start_min": slots[2]["start_min"], "plate": "鄂B00001", "pallets": 10}
    r = client.post("/api/bookings", json=body, headers=headers)
    assert r.status_code == 201, r.text
    booking = r.json()
    assert booking["carrier_id"] == "jd-logistics" and booking["status"] == "booked"
    qr = client.get(f"/carrier/bookings/{booking['id']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    moved = client.post(
        f"/api/bookings/{booking['id']}/reschedule",
        json={"day": DAY, "start_min": slots[5]["start_min"]},
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["start_min"] == slots[5]["start_min"]
    # another carrier neither sees nor changes it
    other = TestClient(client.app, base_url="http://testserver", follow_redirects=False)
    login(other, "carrier-sf")
    other_token = _csrf(other)
    assert booking["id"] not in [b["id"] for b in other.get("/api/bookings").json()]
    assert other.get(f"/carrier/bookings/{booking['id']}/qr.svg").status_code == 404
    r = other.post(f"/api/bookings/{booking['id']}/cancel", headers={"X-CSRF-Token": other_token})
    assert r.status_code == 404
    # a form post without the CSRF token is refused
    assert client.post(f"/carrier/bookings/{booking['id']}/cancel").status_code == 403
    done = client.post(f"/api/bookings/{booking['id']}/cancel", headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_dispatcher_sees_every_carrier(client: TestClient, login: Any) -> None:
    login(client, "operator1")
    assert client.get(f"/api/bookings?day={DAY}").status_code == 200
    assert client.get(f"/dispatch?day={DAY}").status_code == 200
    assert (
        client.post("/api/bookings", json={"day": DAY, "start_min": 600, "plate": "X"}).status_code
        == 403
    )


def test_epod_upload_returns_a_receipt_that_verifies(
    client: TestClient, login: Any, demo_db: dict[str, Any]
) -> None:
    login(client, "carrier-sf")
    token = _csrf(client)
    ck, cv = generate_key("sf-express")
    rk, rv = generate_key("coldco")
    doc = {
        "id": "POD-WEB-0001",
        "park": "demo-wuhan",
        "carrier": {"id": "sf-express", "key": cv},
        "receiver": {"id": "coldco", "key": rv},
        "delivered_at": "2025-03-01T08:15:00Z",
        "sheets": 3,
    }
    note = sign_epod(sign_epod(doc, Signer.from_skey(ck)), Signer.from_skey(rk))
    files = {"file": ("pod.txt", note.encode(), "text/plain")}
    r = client.post("/api/bookings/epod", files=files, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    receipt = r.json()["receipt"]
    check = verify_receipt(receipt, Verifier.from_vkey(demo_db["log_vkey"]))
    assert check.kind == "epod" and check.key_pinned
    # the same document again, and one of another carrier, are refused
    assert (
        client.post("/api/bookings/epod", files=files, headers={"X-CSRF-Token": token}).status_code
        == 422
    )
    doc2 = dict(doc, id="POD-WEB-0002", carrier={"id": "jd-logistics", "key": cv})
    note2 = sign_epod(sign_epod(doc2, Signer.from_skey(ck)), Signer.from_skey(rk))
    r = client.post(
        "/api/bookings/epod",
        files={"file": ("p.txt", note2.encode(), "text/plain")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 422 and "not you" in r.json()["detail"]
