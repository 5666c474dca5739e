"""Allocation of trip emissions to shipments (ISO 14083 t·km; GHG Protocol mass/volume)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parkzero.errors import InputError
from parkzero.logistics import fuel_based, hub_default_intensity, shipment_footprints

ENGINES = ["pandas", "duckdb"]


def _three_on_one_trip() -> tuple[pd.DataFrame, pd.DataFrame]:
    # One HGV trip burning 100 L diesel (GLEC EU: WTW 342.79, TTW 263.11 kgCO2e) carrying
    # a 2 t shipment 300 km, a 5 t shipment 300 km and a 3 t shipment dropped after 100 km.
    trip = fuel_based(100.0, "L", "diesel")
    legs = pd.DataFrame(
        {
            "shipment_id": ["s1", "s2", "s3"],
            "trip_id": ["T1"] * 3,
            "mass_t": [2.0, 5.0, 3.0],
            "distance_km": [300.0, 300.0, 100.0],
            "volume_m3": [10.0, 10.0, 20.0],
        }
    )
    trips = pd.DataFrame(
        {"trip_id": ["T1"], "wtw_kgco2e": [trip.wtw_kgco2e], "ttw_kgco2e": [trip.ttw_kgco2e]}
    )
    return legs, trips


@pytest.mark.parametrize("engine", ENGINES)
def test_three_shipments_tkm_sum_to_trip(engine: str) -> None:
    legs, trips = _three_on_one_trip()
    out = shipment_footprints(legs, trips, engine=engine)
    # t·km 600, 1500, 300 of 2400 → shares 0.25, 0.625, 0.125.
    assert out["tkm"].tolist() == pytest.approx([600.0, 1500.0, 300.0])
    assert out["wtw_kgco2e"].tolist() == pytest.approx(
        [342.79 * 0.25, 342.79 * 0.625, 342.79 * 0.125]
    )
    assert out["transport_ttw_kgco2e"].tolist() == pytest.approx(
        [263.11 * 0.25, 263.11 * 0.625, 263.11 * 0.125]
    )
    assert out["wtw_kgco2e"].sum() == pytest.approx(342.79)
    assert out["transport_ttw_kgco2e"].sum() == pytest.approx(263.11)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("method", "shares"),
    [("mass", [0.2, 0.5, 0.3]), ("volume", [0.25, 0.25, 0.5])],
)
def test_mass_and_volume_allocation(engine: str, method: str, shares: list[float]) -> None:
    legs, trips = _three_on_one_trip()
    out = shipment_footprints(legs, trips, method=method, engine=engine)
    assert out["wtw_kgco2e"].tolist() == pytest.approx([342.79 * s for s in shares])


@pytest.mark.parametrize("engine", ENGINES)
def test_footprint_is_legs_plus_hubs(engine: str) -> None:
    legs = pd.DataFrame(
        {
            "shipment_id": ["a", "a", "b"],
            "trip_id": ["T1", "T2", "T1"],
            "mass_t": [1.0, 1.0, 1.0],
            "distance_km": [100.0, 50.0, 100.0],
        }
    )
    trips = pd.DataFrame(
        {"trip_id": ["T1", "T2"], "wtw_kgco2e": [20.0, 7.0], "ttw_kgco2e": [15.0, None]}
    )
    warehouse = hub_default_intensity("warehouse").wtw_kgco2e_per_unit  # 17.5 kgCO2e/t
    hubs = pd.DataFrame({"shipment_id": ["a"], "mass_t": [1.0], "wtw_kgco2e_per_t": [warehouse]})
    out = shipment_footprints(legs, trips, hubs, engine=engine).set_index("shipment_id")
    assert out.loc["a", "transport_wtw_kgco2e"] == pytest.approx(10.0 + 7.0)
    assert out.loc["a", "hub_wtw_kgco2e"] == pytest.approx(17.5)
    assert out.loc["a", "wtw_kgco2e"] == pytest.approx(34.5)
    assert out["transport_ttw_kgco2e"].isna().tolist() == [True, False]  # T2 has no TTW
    assert out.loc["b", "transport_ttw_kgco2e"] == pytest.approx(7.5)
    assert out.loc["b", "wtw_kgco2e"] == pytest.approx(10.0)


def test_engines_agree_on_random_network() -> None:
    rng = np.random.default_rng(14083)
    n_legs, n_trips = 20_000, 1_000
    legs = pd.DataFrame(
        {
            "shipment_id": rng.integers(0, 8_000, n_legs),
            "trip_id": np.arange(n_legs) % n_trips,
            "mass_t": rng.uniform(0.01, 5.0, n_legs),
            "distance_km": rng.uniform(1.0, 900.0, n_legs),
        }
    )
    trips = pd.DataFrame(
        {
            "trip_id": np.arange(n_trips),
            "wtw_kgco2e": rng.uniform(10.0, 900.0, n_trips),
            "ttw_kgco2e": rng.uniform(5.0, 700.0, n_trips),
        }
    )
    a = shipment_footprints(legs, trips, engine="pandas")
    b = shipment_footprints(legs, trips, engine="duckdb")
    assert a["shipment_id"].tolist() == b["shipment_id"].tolist()
    for col in ("tkm", "transport_wtw_kgco2e", "transport_ttw_kgco2e", "wtw_kgco2e"):
        np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9)
    assert a["wtw_kgco2e"].sum() == pytest.approx(trips["wtw_kgco2e"].sum(), rel=1e-12)


def _bad(legs: pd.DataFrame, trips: pd.DataFrame, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        shipment_footprints(legs, trips, **kw)  # type: ignore[arg-type]
    return str(info.value)


def test_bad_input_reported_per_row() -> None:
    legs, trips = _three_on_one_trip()
    neg = legs.assign(mass_t=[2.0, -5.0, 3.0])
    assert "legs row 3: mass_t is negative" in _bad(neg, trips)
    missing_trip = legs.assign(trip_id=["T1", "T9", "T1"])
    assert "legs row 3: trip_id names a trip missing from trips" in _bad(missing_trip, trips)
    hubs = pd.DataFrame({"shipment_id": ["zz"], "mass_t": [1.0], "wtw_kgco2e_per_t": [1.0]})
    assert "hubs row 2: shipment_id is a shipment without legs" in _bad(legs, trips, hubs=hubs)
    assert "method" in _bad(legs, trips, method="value")
    assert "engine" in _bad(legs, trips, engine="spark")
    assert "volume_m3" in _bad(legs.drop(columns="volume_m3"), trips, method="volume")
    empty_trip = pd.concat(
        [trips, pd.DataFrame({"trip_id": ["T2"], "wtw_kgco2e": [1.0], "ttw_kgco2e": [1.0]})]
    )
    assert "trips row 3: trip_id has no shipments" in _bad(legs, empty_trip)
    zero = legs.assign(mass_t=[0.0, 0.0, 0.0])
    assert "sums to 0" in _bad(zero, trips)
