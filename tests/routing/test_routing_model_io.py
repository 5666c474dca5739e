"""Problem files, readers, matrices and the public surface of parkzero.routing."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

import parkzero.routing as routing
from parkzero.errors import ConfigError, InputError
from parkzero.routing import build_matrices, haversine_km, parse_problem, read_solomon, read_vrplib
from parkzero.routing.energy import energy_model

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "routing"
SHARED = REPO / "tests" / "data" / "vrptw"


def test_public_surface_is_exactly_all() -> None:
    public = {
        n
        for n, v in vars(routing).items()
        if not n.startswith("_") and not inspect.ismodule(v) and n != "annotations"
    }
    assert public == set(routing.__all__)
    assert len(routing.__all__) == len(set(routing.__all__))


def test_wuhan_example_parses_with_clock_times(wuhan) -> None:  # type: ignore[no-untyped-def]
    assert len(wuhan.orders) == 100
    assert wuhan.zones_used == ("frozen", "chilled", "ambient")
    dc = wuhan.depots[0]
    assert (dc.open_min, dc.close_min) == (300, 1260)  # "05:00", "21:00"
    assert wuhan.restrictions[0].window == (420, 540)  # "07:00"-"09:00"
    energies = {v.energy for v in wuhan.vehicle_types}
    assert energies == {"diesel", "electricity"}


def test_consumption_defaults_come_from_the_sourced_table(wuhan) -> None:  # type: ignore[no-untyped-def]
    reefer = energy_model(wuhan.vehicle_type("reefer-4.2m-diesel"))
    # DEFRA 2021 rigid 3.5-7.5 t: 0.44543 / 0.52184 kgCO2e/km over 2.51233 kgCO2e/L.
    assert reefer.per_km_empty == pytest.approx(0.44543 / 2.51233, rel=1e-4)
    assert reefer.per_km_full == pytest.approx(0.52184 / 2.51233, rel=1e-4)
    assert reefer.per_km(1200.0) == pytest.approx((reefer.per_km_empty + reefer.per_km_full) / 2)
    assert reefer.reefer_per_h == 1.5 and reefer.reefer_carrier == "diesel"
    ev = energy_model(wuhan.vehicle_type("ev-van-chilled"))
    assert ev.carrier == "electricity" and ev.per_km_empty == pytest.approx(0.07037 / 0.21233, 1e-4)


def _minimal() -> dict:  # type: ignore[type-arg]
    return {
        "depots": [{"id": "D", "location": [30.6, 114.1]}],
        "orders": [
            {"id": "A", "location": [30.6, 114.2], "demand": {"chilled": {"weight_kg": 100}}},
        ],
        "vehicle_types": [
            {
                "id": "T",
                "count": 1,
                "depot": "D",
                "compartments": {"chilled": {"weight_kg": 500}},
                "consumption_empty": 0.2,
                "consumption_full": 0.3,
            }
        ],
    }


def test_bad_field_names_file_and_path() -> None:
    data = _minimal()
    data["orders"][0]["tw_start_min"] = 600
    data["orders"][0]["tw_end_min"] = "08:00"
    with pytest.raises(InputError) as exc:
        parse_problem(data, "p.yaml")
    assert exc.value.source == "p.yaml"
    assert exc.value.column == "orders[0]"
    assert "before tw_start_min" in str(exc.value)


def test_unknown_field_and_bad_clock_are_input_errors() -> None:
    data = _minimal()
    data["orders"][0]["weight"] = 3
    with pytest.raises(InputError, match=r'column "orders\[0\]\.weight": unknown field'):
        parse_problem(data, "p.yaml")
    data = _minimal()
    data["orders"][0]["tw_end_min"] = "25:99"
    with pytest.raises(InputError, match="not a time of day"):
        parse_problem(data, "p.yaml")


def test_unknown_reference_and_vehicle_class() -> None:
    data = _minimal()
    data["vehicle_types"][0]["depot"] = "X"
    with pytest.raises(InputError, match="unknown depot 'X'"):
        parse_problem(data, "p.yaml")
    data = _minimal()
    del data["vehicle_types"][0]["consumption_empty"]
    data["vehicle_types"][0]["vehicle_class"] = "spaceship"
    problem = parse_problem(data, "p.yaml")
    with pytest.raises(ConfigError, match="unknown vehicle_class 'spaceship'"):
        energy_model(problem.vehicle_types[0])


def test_haversine_and_detour_factor() -> None:
    # Wuhan (30.5928 N, 114.3055 E) to Beijing (39.9042 N, 116.4074 E): about 1,053 km.
    d = haversine_km([(30.5928, 114.3055), (39.9042, 116.4074)])
    assert d[0, 1] == pytest.approx(1053, abs=3)
    problem = parse_problem(_minimal())
    m = build_matrices(problem)
    assert m.distance_km[0, 1] == pytest.approx(
        1.3 * haversine_km([(30.6, 114.1), (30.6, 114.2)])[0, 1]
    )
    assert m.duration_min[0, 1] == pytest.approx(m.distance_km[0, 1] / 30.0 * 60.0)


def test_supplied_matrix_is_used_as_given() -> None:
    data = _minimal()
    data["distance_km"] = [[0, 7.5], [8.0, 0]]
    data["duration_min"] = [[0, 20], [21, 0]]
    m = build_matrices(parse_problem(data))
    assert m.distance_km.tolist() == [[0, 7.5], [8.0, 0]]
    data["distance_km"] = [[0, 1]]
    with pytest.raises(InputError, match="2×2 matrix"):
        parse_problem(data)


def test_solomon_reader() -> None:
    p = read_solomon(EXAMPLES / "C101.txt")
    assert p.name == "C101" and len(p.orders) == 100
    vt = p.vehicle_types[0]
    assert vt.count == 25 and vt.compartments["ambient"].weight_kg == 200
    assert (p.depots[0].location, p.depots[0].close_min) == ((40.0, 50.0), 1236.0)
    o1 = p.orders[0]
    assert (o1.id, o1.tw_start_min, o1.tw_end_min, o1.service_min) == ("1", 912, 967, 90)
    m = build_matrices(p)
    assert m.distance_km[0, 1] == pytest.approx(np.hypot(5, 18))
    assert m.duration_min[0, 1] == pytest.approx(m.distance_km[0, 1])  # 60 km/h


def test_solomon_reader_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("X\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\n 0 1 2 3\n")
    with pytest.raises(InputError, match="line 8: expected 7 numbers"):
        read_solomon(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_solomon(tmp_path / "missing.txt")


def test_vrplib_reader(tmp_path: Path) -> None:
    f = tmp_path / "tiny.vrp"
    f.write_text(
        "NAME : tiny\nTYPE : VRPTW\nDIMENSION : 3\nVEHICLES : 2\nCAPACITY : 10\n"
        "EDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\n"
        "DEMAND_SECTION\n1 0\n2 4\n3 5\nTIME_WINDOW_SECTION\n1 0 100\n2 0 50\n3 10 60\n"
        "SERVICE_TIME_SECTION\n1 0\n2 2\n3 3\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
    p = read_vrplib(f)
    assert [o.id for o in p.orders] == ["2", "3"]
    assert p.vehicle_types[0].count == 2
    assert p.orders[1].tw_start_min == 10 and p.orders[1].service_min == 3
    assert build_matrices(p).distance_km[0, 2] == pytest.approx(10.0)
    junk = tmp_path / "junk.vrp"
    junk.write_text("hello\n")
    with pytest.raises(InputError):
        read_vrplib(junk)
