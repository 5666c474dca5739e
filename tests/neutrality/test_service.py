"""Credits in the store, on SQLite and PostgreSQL: imports and retirements are all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from parkzero.carbon.park import park_from_dict
from parkzero.errors import InputError
from parkzero.neutrality import build_claim
from parkzero.neutrality.models import ClaimSettings, CreditsFile, Retirement
from parkzero.neutrality.service import (
    first_claim_year,
    import_credits,
    list_claims,
    list_holdings,
    load_batches,
    load_retirements,
    retire_credits,
    save_claim,
)
from parkzero.neutrality.tables import CreditBatchRow, CreditRetirementRow, NeutralityClaimRow
from parkzero.store.service import save_park
from parkzero.store.session import make_sessionmaker

from .conftest import BATCHES, PARK_ID, PARK_NAME, Retire, make_inventory


def _park(park_id: str) -> Any:
    return park_from_dict(
        {"park": {"id": park_id, "name": PARK_NAME, "base_year": 2022}}, source="park.yaml"
    )


def _credits(*batches: dict[str, Any], retirements: tuple[Retirement, ...] = ()) -> CreditsFile:
    from parkzero.neutrality.io import parse_credits

    data = parse_credits({"batches": list(batches)}, source="credits.yaml")
    return CreditsFile(source="credits.yaml", batches=data.batches, retirements=retirements)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every committed row of the credit tables, read through a new session."""
    out = {}
    with make_sessionmaker(engine)() as s:
        for model, order in (
            (CreditBatchRow, CreditBatchRow.id),
            (CreditRetirementRow, CreditRetirementRow.id),
        ):
            table = model.__table__
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(order))]
    return out


@pytest.fixture
def stocked(session: Session) -> Session:
    """The park and the test batches, committed."""
    save_park(session, _park(PARK_ID))
    save_park(session, _park("other-park"))
    import_credits(session, PARK_ID, _credits(*BATCHES))
    session.commit()
    return session


def test_import_round_trip_and_reimport_changes_nothing(stocked: Session, engine: Engine) -> None:
    before = snapshot(engine)
    assert len(before["credit_batches"]) == 5
    stored = load_batches(stocked, PARK_ID)
    assert stored["VCS-1529-2021"].quantity == 10000
    assert stored["CCER-OWF-2023"].block.text.endswith("2023-00005000")
    again = import_credits(stocked, PARK_ID, _credits(*BATCHES))
    stocked.commit()
    assert again.batches_added == () and len(again.batches_unchanged) == 5
    assert snapshot(engine) == before


def test_an_import_with_one_bad_batch_imports_nothing(stocked: Session, engine: Engine) -> None:
    before = snapshot(engine)
    new = {**BATCHES[0], "id": "NEW", "serials": BATCHES[0]["serials"].replace("9012-", "9013-")}
    overlapping = {**BATCHES[0], "id": "VCS-COPY"}  # the same serials under another id
    with pytest.raises(InputError, match='overlap batch "VCS-1529-2021"'):
        import_credits(stocked, "other-park", _credits(new, overlapping))
    stocked.commit()
    assert snapshot(engine) == before


def test_a_stored_batch_id_with_other_content_is_refused(stocked: Session) -> None:
    changed = {**BATCHES[1], "vintage": 2022}
    with pytest.raises(InputError, match="already stored with other content"):
        import_credits(stocked, PARK_ID, _credits(changed))


def test_retire_and_holdings(stocked: Session, retire: Retire) -> None:
    done = retire_credits(
        stocked, PARK_ID, [retire("VCS-1529-2021", 0, 999), retire("CCER-OWF-2023", 0, 99)]
    )
    stocked.commit()
    assert [r.id is not None for r in done] == [True, True]
    held = {h.batch.id: h for h in list_holdings(stocked, PARK_ID)}
    assert held["VCS-1529-2021"].retired_tco2e == 1000
    assert held["VCS-1529-2021"].remaining[0].start == 70154245
    assert held["CCER-OWF-2023"].remaining_tco2e == 4900
    assert [r.serials for r in load_retirements(stocked, PARK_ID)] == [r.serials for r in done]


def test_a_double_retirement_is_refused_and_nothing_changes(
    stocked: Session, engine: Engine, retire: Retire
) -> None:
    retire_credits(stocked, PARK_ID, [retire("VCS-1529-2021", 0, 999)])
    stocked.commit()
    before = snapshot(engine)
    fresh = retire("CCER-OWF-2023", 0, 99)  # valid on its own: must not be kept either
    twice = retire("VCS-1529-2021", 990, 1499, beneficiary="other-park")
    with pytest.raises(InputError) as info:
        retire_credits(stocked, PARK_ID, [fresh, twice])
    message = str(info.value)
    assert "were already retired (retirement #" in message
    assert "9012-70154235-70154244-VCS-VCU" in message and "Nothing was retired" in message
    stocked.commit()
    assert snapshot(engine) == before
    # the session is still usable
    assert len(load_retirements(stocked, PARK_ID)) == 1


def test_overlapping_retirements_in_one_call_are_refused(
    stocked: Session, engine: Engine, retire: Retire
) -> None:
    before = snapshot(engine)
    with pytest.raises(InputError, match="retirements 0 and 1 both retire serials"):
        retire_credits(
            stocked, PARK_ID, [retire("CCER-OWF-2023", 0, 99), retire("CCER-OWF-2023", 50, 60)]
        )
    stocked.commit()
    assert snapshot(engine) == before


def test_retirements_must_be_inside_a_held_batch(stocked: Session, retire: Retire) -> None:
    r = retire("CCER-OWF-2023", 0, 9)
    outside = r.model_copy(
        update={"serials": "CCER-CN-01-000037-2023-00004990 – CCER-CN-01-000037-2023-00005010"}
    )
    with pytest.raises(InputError, match="are not in batch"):
        retire_credits(stocked, PARK_ID, [outside])
    with pytest.raises(InputError, match='holds no batch "VCS-1529-2021"'):
        retire_credits(stocked, "other-park", [retire("VCS-1529-2021", 0, 9)])


def test_recorded_retirements_import_once(stocked: Session, retire: Retire) -> None:
    recorded = (retire("GS-7338-2025", 0, 99),)
    first = import_credits(stocked, PARK_ID, _credits(retirements=recorded))
    second = import_credits(stocked, PARK_ID, _credits(retirements=recorded))
    assert len(first.retirements_added) == 1 and second.retirements_unchanged == 1
    clash = (retire("GS-7338-2025", 50, 60, retired_on=dt.date(2025, 6, 1)),)
    with pytest.raises(InputError, match="already retired"):
        import_credits(stocked, PARK_ID, _credits(retirements=clash))


def test_claims_are_recorded_with_their_validity(
    stocked: Session, engine: Engine, retire: Retire
) -> None:
    retire_credits(
        stocked, PARK_ID, [retire("VCS-1529-2021", 0, 9999), retire("CCER-OWF-2023", 0, 3699)]
    )
    batches = load_batches(stocked, PARK_ID)
    claim = build_claim(
        make_inventory(),
        ClaimSettings(),
        batches=batches,
        retirements=load_retirements(stocked, PARK_ID),
        declared_on=dt.date(2025, 4, 15),
    )
    assert claim.qualifies
    first = save_claim(stocked, claim)
    assert save_claim(stocked, claim) == first  # the same declaration is not recorded twice
    stocked.commit()
    records = list_claims(stocked, PARK_ID)
    assert len(records) == 1 and first_claim_year(stocked, PARK_ID) == 2024
    record = records[0]
    assert record.valid_until == dt.date(2026, 4, 14)
    assert record.validity(dt.date(2025, 5, 1)) == "valid"
    assert record.validity(dt.date(2026, 3, 1)) == "expiring"
    assert record.validity(dt.date(2026, 5, 1)) == "expired"
    assert record.retired_tco2e == 13700
    with make_sessionmaker(engine)() as s:
        assert s.scalar(select(NeutralityClaimRow.document))["park"] == PARK_ID


def test_a_failing_claim_is_not_recorded(stocked: Session, batches: Any) -> None:
    claim = build_claim(make_inventory(), ClaimSettings(), batches=batches, retirements=[])
    with pytest.raises(InputError, match="failed its checks"):
        save_claim(stocked, claim)
