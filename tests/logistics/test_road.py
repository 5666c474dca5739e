"""Road vehicle classes: hand-checked numbers from CPCD 2024 and UK BEIS/DEFRA 2021.

Sources of the literals below:
- CPCD 中国产品全生命周期温室气体排放系数库, road-freight products of 2024 (product ids in the
  comments), kgCO2e per 公吨·公里.
- UK BEIS, "Greenhouse gas reporting: conversion factors 2021", flat file v3 (OGL v3):
  "Delivery vehicles" / "WTT- delivery vehs & freight" per km, "Freighting goods" /
  "WTT- delivery vehs & freight" per tonne.km.
"""

from __future__ import annotations

import csv
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkzero.config import packaged_data
from parkzero.errors import InputError
from parkzero.logistics import distance_based
from parkzero.logistics.road import (
    laden_intensity,
    reefer_variant,
    road_class,
    road_class_table,
    road_classes,
    road_intensity,
)

# DEFRA 2021 per tonne.km at 50 % laden: (class, Freighting goods = TTW, WTT).
DEFRA_50_LADEN = [
    ("uk-rigid-3.5-7.5t-diesel", 0.45065, 0.10935),
    ("uk-rigid-7.5-17t-diesel", 0.24072, 0.05835),
    ("uk-rigid-17t+-diesel", 0.20394, 0.04946),
    ("uk-artic-3.5-33t-diesel", 0.12217, 0.02949),
    ("uk-artic-33t+-diesel", 0.09496, 0.02288),
    ("uk-rigid-3.5-7.5t-diesel-reefer", 0.5365, 0.13044),
    ("uk-rigid-7.5-17t-diesel-reefer", 0.2866, 0.06961),
    ("uk-rigid-17t+-diesel-reefer", 0.24278, 0.059),
    ("uk-artic-3.5-33t-diesel-reefer", 0.14129, 0.03419),
    ("uk-artic-33t+-diesel-reefer", 0.1098, 0.02652),
    # Fleet averages: not exactly linear in the load (a mix of sizes), hence a looser tolerance.
    ("uk-rigid-all-diesel", 0.2208, 0.05355),
    ("uk-artic-all-diesel", 0.09557, 0.02303),
    ("uk-hgv-all-diesel", 0.12158, 0.02936),
    ("uk-rigid-all-diesel-reefer", 0.26286, 0.06388),
    ("uk-artic-all-diesel-reefer", 0.1105, 0.02669),
    ("uk-hgv-all-diesel-reefer", 0.14236, 0.03447),
]
#: Largest relative error of the linear laden model against DEFRA's 50 % laden rows: 0.02 %
#: for a single size class (rounding of the 5-digit factors), 0.5 % for a fleet average.
RTOL_SIZE, RTOL_FLEET = 2e-4, 5e-3


def test_cn_class_is_the_cpcd_value() -> None:
    # CPCD 65119X0282024C 重型柴油货车运输, 摇篮到坟墓: 0.0978 kgCO2e/(t·km); heavy = GVW ≥ 12 t.
    c = road_class("cn-heavy-diesel")
    assert (c.wtw_per_tkm, c.ttw_per_tkm, c.laden_model) == (0.0978, None, False)
    assert (c.gvw_min_t, c.gvw_max_t, c.energy, c.refrigerated) == (12.0, None, "diesel", False)
    assert road_intensity("cn-heavy-diesel") == (
        0.0978,
        None,
        "road/cn-heavy-diesel/CPCD-65119X0282024C",
    )
    # CPCD 65111X0092024C 轻型冷链纯电动货车运输, 摇篮到大门: 0.1524; light = GVW 1.8–4.5 t.
    bev = road_class("cn-light-bev-reefer")
    assert bev.wtw_per_tkm == 0.1524 and bev.ttw_per_tkm is None and bev.refrigerated
    assert (bev.gvw_min_t, bev.gvw_max_t, bev.boundary) == (1.8, 4.5, "摇篮到大门")
    # CPCD 65119X0292024C 重型柴油货车运输 [25000kg,31000kg]: 0.0936, band 25–31 t.
    band = road_class("cn-heavy-diesel-25-31t")
    assert (band.wtw_per_tkm, band.gvw_min_t, band.gvw_max_t) == (0.0936, 25.0, 31.0)


def test_defra_payload_and_per_km_figures() -> None:
    # Articulated > 33 t, 100 % laden: 1.07286 kgCO2e/km and 0.05913 kgCO2e/(t·km)
    # → payload 1.07286 / 0.05913 = 18.1441 t. 0 % laden 0.65023 /km; WTT 0.15568 (0 %),
    # 0.25946 (100 %) per km, so WTW per km 0.80591 and 1.33232.
    c = road_class("uk-artic-33t+-diesel")
    assert c.laden_model and c.region == "UK"
    assert c.payload_t == pytest.approx(18.1441, abs=5e-5)
    assert c.ttw_empty_per_km == 0.65023 and c.ttw_full_per_km == 1.07286
    assert c.wtw_empty_per_km == pytest.approx(0.80591)
    assert c.wtw_full_per_km == pytest.approx(1.33232)
    # Reference = DEFRA average laden per tonne.km: TTW 0.08017, WTW 0.08017 + 0.01934.
    assert road_intensity(c.id)[:2] == (pytest.approx(0.09951), pytest.approx(0.08017))


@pytest.mark.parametrize(("cid", "ttw50", "wtt50"), DEFRA_50_LADEN)
def test_laden_model_reproduces_defra_50_percent_laden(
    cid: str, ttw50: float, wtt50: float
) -> None:
    rtol = RTOL_FLEET if "-all-" in cid else RTOL_SIZE
    wtw, ttw, _ = road_intensity(cid, load_factor=0.5, empty_running=0.0)
    assert ttw == pytest.approx(ttw50, rel=rtol)
    assert wtw == pytest.approx(ttw50 + wtt50, rel=rtol)


def test_load_factor_and_empty_running_by_hand() -> None:
    # Articulated > 33 t, LF 0.8, ER 0.25 (one empty km per three laden km):
    # TTW per laden km e(0.8) = 0.65023 + (1.07286 − 0.65023)·0.8 = 0.988334,
    # empty km per laden km 0.25/0.75 → + 0.65023/3 = 0.216743 → 1.205077 kgCO2e;
    # tonnes per laden km 18.14409 · 0.8 = 14.51527 → 0.083021 kgCO2e/(t·km).
    # WTW: (0.80591 + 0.52641·0.8 + 0.80591/3) / 14.51527 = 1.495675 / 14.51527 = 0.103041.
    wtw, ttw, fid = road_intensity("uk-artic-33t+-diesel", load_factor=0.8, empty_running=0.25)
    assert ttw == pytest.approx(0.083021, abs=1e-6)
    assert wtw == pytest.approx(0.103041, abs=1e-6)
    assert fid == "road/uk-artic-33t+-diesel/DEFRA-2021-v3"
    # 100 % laden, no empty running: DEFRA's 100 % laden row 0.05913 exactly (by construction).
    assert road_intensity("uk-artic-33t+-diesel", load_factor=1.0)[1] == pytest.approx(0.05913)


def test_reference_load_factor_implied_by_average_laden_rows() -> None:
    # Rigid > 17 t average laden: 0.95752 kgCO2e/km and 0.18142 kgCO2e/(t·km); payload
    # 1.0974 / 0.12009 = 9.13815 t → LF = 0.95752 / (9.13815 · 0.18142) = 0.57757.
    c = road_class("uk-rigid-17t+-diesel")
    assert c.load_factor_ref == pytest.approx(0.57757, abs=1e-5)
    assert c.empty_running_ref == 0.0
    # The per-km rows agree: 0.76629 + (1.0974 − 0.76629)·0.57757 = 0.95753 ≈ 0.95752.
    assert 0.76629 + (1.0974 - 0.76629) * c.load_factor_ref == pytest.approx(0.95752, rel=1e-4)
    # Only ER given → LF = reference; ER 0 gives back the average-laden row.
    assert road_intensity(c.id, empty_running=0.0)[1] == pytest.approx(0.18142, rel=1e-4)
    # Only ER 0.25: (0.95752 + 0.76629/3) / (9.13815 · 0.57757) = 1.212950 / 5.277905.
    assert road_intensity(c.id, empty_running=0.25)[1] == pytest.approx(0.229817, rel=1e-4)
    # DEFRA's average loading of the five size classes: 46 %, 34 %, 57.8 %, 48 %, 63 %.
    for cid, lf in [
        ("uk-rigid-3.5-7.5t-diesel", 0.46),
        ("uk-rigid-7.5-17t-diesel", 0.34),
        ("uk-rigid-17t+-diesel", 0.5776),
        ("uk-artic-3.5-33t-diesel", 0.48),
        ("uk-artic-33t+-diesel", 0.63),
    ]:
        assert road_class(cid).load_factor_ref == pytest.approx(lf, abs=2e-4)


def test_battery_electric_has_no_tank_to_wheel() -> None:
    # Van class III BEV: Freighting goods 0.22935 (grid generation + T&D) + WTT 0.05973.
    # Check of the split from the per-km rows: generation 0.07037 + T&D 0.00623 = 0.0766
    # kgCO2e/km; t per vehicle-km from the WTT rows 0.01995 / 0.05973 = 0.33400 t;
    # 0.0766 / 0.33400 = 0.22934 ≈ 0.22935.
    wtw, ttw, _ = road_intensity("uk-van-iii-bev")
    assert ttw == 0.0
    assert wtw == pytest.approx(0.22935 + 0.05973)
    assert 0.0766 / (0.01995 / 0.05973) == pytest.approx(0.22935, rel=1e-4)
    assert all(
        c.ttw_per_tkm == 0.0
        for c in road_classes().values()
        if c.energy == "bev" and c.region == "UK"
    )


def test_every_class_has_provenance() -> None:
    with packaged_data("road_vehicle_classes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(road_classes()) == 62
    for r in rows:
        assert r["source"].strip() and r["licence"].strip(), r["id"]
        assert r["status"] in {"COPIED", "DERIVED"}
        assert r["id"] == r["id"].lower() and " " not in r["id"]
    assert {r["licence"] for r in rows if r["region"] == "UK"} == {"OGL-3.0"}
    assert all("CPCD" in r["source"] for r in rows if r["region"] == "CN")
    assert sum(r["laden_model"] == "true" for r in rows) == 16


def test_intensities_are_consistent() -> None:
    for c in road_classes().values():
        assert c.wtw_per_tkm > 0
        if c.ttw_per_tkm is not None:
            assert c.wtw_per_tkm >= c.ttw_per_tkm
        if c.laden_model:
            assert c.wtw_full_per_km > c.ttw_full_per_km > c.ttw_empty_per_km > 0  # type: ignore[operator]
            # The model at the reference load gives the average-laden row back.
            rtol = RTOL_FLEET if "-all-" in c.id else RTOL_SIZE
            wtw, ttw, _ = road_intensity(c.id, load_factor=c.load_factor_ref)
            assert ttw == pytest.approx(c.ttw_per_tkm, rel=rtol)
            assert wtw == pytest.approx(c.wtw_per_tkm, rel=rtol)


@given(
    lf=st.floats(0.05, 1.0),
    er=st.floats(0.0, 0.9),
    d_lf=st.floats(0.01, 0.5),
    d_er=st.floats(0.01, 0.09),
)
def test_more_load_less_per_tkm_more_empty_km_more_per_tkm(
    lf: float, er: float, d_lf: float, d_er: float
) -> None:
    # Per-km emissions grow less than proportionally with the load (e0 > 0).
    base = laden_intensity(0.65023, 1.07286, 18.144, lf, er)
    assert laden_intensity(0.65023, 1.07286, 18.144, min(1.0, lf + d_lf), er) <= base
    assert laden_intensity(0.65023, 1.07286, 18.144, lf, er + d_er) > base


def test_distance_based_with_road_classes() -> None:
    # 10 t × 100 km = 1000 t·km × CPCD 0.0978 = 97.8 kgCO2e; TTW unknown.
    e = distance_based("road", 10.0, 100.0, vehicle_class="cn-heavy-diesel", year=2024)
    assert e.wtw_kgco2e == pytest.approx(97.8)
    assert e.ttw_kgco2e is None
    assert e.factor_ids == ("road/cn-heavy-diesel/CPCD-65119X0282024C",)
    # refrigerated → the cold-chain class, CPCD 65111X0022024C 0.1095; 105 km with the DAF.
    r = distance_based(
        "road",
        10.0,
        100.0,
        vehicle_class="cn-heavy-diesel",
        refrigerated=True,
        shortest_feasible=True,
        year=2024,
    )
    assert r.wtw_kgco2e == pytest.approx(1050.0 * 0.1095)
    assert r.factor_ids == ("road/cn-heavy-diesel-reefer/CPCD-65111X0022024C",)
    # UK artic with LF 0.8 / ER 0.25: 20 t × 500 km = 10 000 t·km × 0.083021 and 0.103041.
    u = distance_based(
        "road",
        20.0,
        500.0,
        vehicle_class="uk-artic-33t+-diesel",
        load_factor=0.8,
        empty_running=0.25,
        year=2021,
        region="UK",
    )
    assert u.ttw_kgco2e == pytest.approx(830.21, abs=0.01)
    assert u.wtw_kgco2e == pytest.approx(1030.41, abs=0.01)
    assert u.wtt_kgco2e == pytest.approx(200.20, abs=0.02)
    assert any("load factor 0.8" in n for n in u.notes)
    # A UK class used for a Chinese park is allowed and noted.
    v = distance_based("road", 1.0, 100.0, vehicle_class="uk-van-iii-bev", year=2021)
    assert v.ttw_kgco2e == 0.0
    assert any("UK fleet" in n for n in v.notes)


def test_refrigerated_variant_lookup() -> None:
    assert reefer_variant("uk-rigid-17t+-diesel").id == "uk-rigid-17t+-diesel-reefer"
    assert reefer_variant("cn-micro-petrol").wtw_per_tkm == 0.7771  # CPCD 65111X0062024C
    assert reefer_variant("cn-light-bev-reefer").id == "cn-light-bev-reefer"


def test_table_lists_every_class() -> None:
    t = road_class_table()
    assert len(t) == 62
    assert list(t.columns[:3]) == ["id", "region", "gvw_min_t"]
    assert t.loc[t.id == "uk-van-iii-bev", "wtw_per_tkm"].item() == pytest.approx(0.28908)
    assert t.region.is_monotonic_increasing


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: road_class("cn-heavy-dsl"), "vehicle_class"),
        (lambda: road_intensity("truck"), "vehicle_class"),
        (lambda: road_intensity("uk-artic-33t+-diesel", load_factor=0.0), "load_factor"),
        (lambda: road_intensity("uk-artic-33t+-diesel", load_factor=1.5), "load_factor"),
        (lambda: road_intensity("uk-artic-33t+-diesel", load_factor=math.nan), "load_factor"),
        (lambda: road_intensity("uk-artic-33t+-diesel", empty_running=1.0), "empty_running"),
        (lambda: road_intensity("uk-artic-33t+-diesel", empty_running=-0.1), "empty_running"),
        (lambda: road_intensity("cn-heavy-diesel", load_factor=0.8), "load_factor"),
        (lambda: road_intensity("cn-heavy-diesel", empty_running=0.2), "empty_running"),
        (lambda: road_intensity("uk-van-iii-diesel", load_factor=0.8), "load_factor"),
        (lambda: reefer_variant("uk-van-iii-bev"), "refrigerated"),
        (lambda: laden_intensity(0.5, 1.0, 10.0, 0.0), "load_factor"),
        (
            lambda: distance_based("road", 1.0, 10.0, vehicle_class="cn-heavy-dsl", year=2024),
            "vehicle_class",
        ),
        (
            lambda: distance_based(
                "road",
                1.0,
                10.0,
                vehicle_class="cn-heavy-diesel-16-20t",
                refrigerated=True,
                year=2024,
            ),
            "refrigerated",
        ),
        (
            lambda: distance_based(
                "road", 1.0, 10.0, vehicle_class="hgv", load_factor=0.5, year=2021
            ),
            "load_factor",
        ),
        (
            lambda: distance_based("rail", 1.0, 10.0, empty_running=0.5, year=2021),
            "empty_running",
        ),
        (
            lambda: distance_based("road", -1.0, 10.0, vehicle_class="cn-heavy-diesel", year=2024),
            "mass_t",
        ),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(InputError) as info:
        call()  # type: ignore[operator]
    assert info.value.column == field


def test_unknown_class_message_suggests_close_ids() -> None:
    with pytest.raises(InputError, match="cn-heavy-diesel") as info:
        road_class("cn-heavy-dsl")
    assert "road_class_table" in str(info.value)
    with pytest.raises(InputError, match="uk-artic-33t\\+-diesel"):
        road_intensity("cn-heavy-diesel", load_factor=0.8)  # lists the laden-model classes
