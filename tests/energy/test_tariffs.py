"""Tariffs: shipped China TOU tables, price series, demand groups, bills, user-file errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parkzero.energy.tariffs import (
    bill,
    demand_groups,
    export_price_series,
    get_tariff,
    load_tariff_file,
    load_tariffs,
    month_of_step,
    period_labels,
    price_series,
    tariff_from_dict,
)
from parkzero.errors import ConfigError


def _at(*stamps: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(stamps), tz="Asia/Shanghai")


def test_required_provinces_with_critical_peaks() -> None:
    tariffs = load_tariffs()
    for key in ("hubei_2024", "guangdong_2021", "shanghai_2022", "jiangsu_legacy", "beijing_2023"):
        t = tariffs[key]
        assert t.is_tou
        assert "critical" in {p for s in t.seasons for p in s.hour_period}, key
        assert t.demand_charge > 0 and t.capacity_charge > 0 and t.export_price is not None
        assert t.green_premium > 0
        assert t.sources["effective_from"] and t.sources["policy"]


def test_hubei_prices_by_period_and_season() -> None:
    t = load_tariffs()["hubei_2024"]
    idx = _at(
        "2024-07-01 21:00",
        "2024-07-01 13:00",
        "2024-07-01 17:00",
        "2024-04-01 19:00",
        "2024-04-01 13:00",
        "2024-04-01 09:00",
        "2024-12-01 19:00",
    )
    # flat 0.62: Jul critical 2.0, Jul valley 0.45, peak 1.49, Apr critical 1.8, Apr valley 0.48,
    # flat 1.0, Dec critical 2.0
    expected = [0.62 * 2.0, 0.62 * 0.45, 0.62 * 1.49, 0.62 * 1.8, 0.62 * 0.48, 0.62, 0.62 * 2.0]
    assert price_series(t, idx).tolist() == pytest.approx(expected)
    assert period_labels(t, idx).tolist() == [
        "critical",
        "valley",
        "peak",
        "critical",
        "valley",
        "flat",
        "critical",
    ]


def test_guangdong_critical_peak_only_in_summer() -> None:
    t = load_tariffs()["guangdong_2021"]
    idx = _at("2024-08-15 11:30", "2024-03-15 11:30", "2024-08-15 03:00")
    # 0.65 × 2.125 (1.25 × peak 1.7); March 11:30 is peak 1.7; 03:00 valley 0.38
    assert price_series(t, idx).tolist() == pytest.approx([0.65 * 2.125, 0.65 * 1.7, 0.65 * 0.38])


def test_every_day_has_24_hours_of_periods() -> None:
    idx = pd.date_range("2024-01-01", periods=8784, freq="1h", tz="Asia/Shanghai")
    for key, t in load_tariffs().items():
        labels = period_labels(t, idx)
        assert labels.notna().all(), key
        prices = price_series(t, idx)
        assert (prices > 0).all(), key


def test_month_of_step_uses_local_time() -> None:
    idx = pd.DatetimeIndex(["2024-01-31 16:30"], tz="UTC")  # 00:30 on 1 Feb in Shanghai
    assert month_of_step(idx).tolist() == [2]


def test_demand_groups_one_per_month_plus_tou_steps() -> None:
    t = tariff_from_dict(
        {"flat_price": 0.1, "demand_charge": 10, "demand_periods": [{"rate": 15, "steps": [3, 4]}]}
    )
    idx = pd.date_range("2023-01-01", periods=8760, freq="1h", tz="Asia/Shanghai")
    groups = demand_groups(t, idx)
    assert len(groups) == 13
    assert groups[-1].steps.tolist() == [2, 3] and groups[-1].rate == 15


def test_bill_no_techs_matches_reopt() -> None:
    # REopt no_techs: 10,000 kWh flat, 0.10/kWh → 1,000; 10/kW-month × 10000/8760 kW × 12 = 136.99
    t = tariff_from_dict({"flat_price": 0.1, "demand_charge": 10})
    idx = pd.date_range("2017-01-01", periods=8760, freq="1h", tz="Asia/Shanghai")
    b = bill(t, idx, np.full(8760, 10000 / 8760))
    assert b.energy_cny == pytest.approx(1000.0)
    assert b.demand_cny == pytest.approx(136.99, abs=0.005)
    assert b.total_cny == pytest.approx(1136.99, abs=0.005)


def test_bill_capacity_and_export_and_net_metering() -> None:
    idx = pd.date_range("2024-03-01", periods=48, freq="1h", tz="Asia/Shanghai")
    t = tariff_from_dict({"flat_price": 0.5, "capacity_charge": 20, "export_price": 0.3})
    b = bill(t, idx, np.full(48, 2.0), np.full(48, 1.0), transformer_kva=100)
    # energy 0.5 × 2 kW × 48 h = 48; export 0.3 × 48 = 14.4; capacity 20 × 100 kVA × 1 month
    assert (b.energy_cny, b.export_credit_cny, b.capacity_cny) == pytest.approx(
        (48.0, 14.4, 2000.0)
    )
    nm = tariff_from_dict({"flat_price": 0.5, "export_price": "net_metering"})
    assert export_price_series(nm, idx).iloc[0] == 0.5


def test_energy_rates_tile_and_must_divide() -> None:
    t = tariff_from_dict({"energy_rates": [0.1, 0.2]})
    idx = pd.date_range("2024-01-01", periods=4, freq="1h")
    assert price_series(t, idx).tolist() == [0.1, 0.2, 0.1, 0.2]
    with pytest.raises(ConfigError, match="does not divide"):
        price_series(t, pd.date_range("2024-01-01", periods=3, freq="1h"))


def test_units_are_converted() -> None:
    t = tariff_from_dict({"flat_price": {"value": 650, "unit": "CNY/MWh"}})
    assert t.flat_price == pytest.approx(0.65)
    with pytest.raises(ConfigError, match="unit 'USD/kWh' is not accepted"):
        tariff_from_dict({"flat_price": {"value": 1, "unit": "USD/kWh"}})


@pytest.mark.parametrize(
    ("entry", "message", "field"),
    [
        ({"flat_price": 0.6, "colour": 1}, "unknown key", "tariffs.custom"),
        ({"ratios": {"flat": 1}}, "no energy price", "tariffs.custom"),
        ({"flat_price": -1}, "cannot be negative", "tariffs.custom.flat_price"),
        (
            {
                "flat_price": 0.6,
                "ratios": {"flat": 1, "peak": 1.5},
                "seasons": [
                    {
                        "months": list(range(1, 13)),
                        "periods": {"flat": [[0, 12]], "peak": [[10, 24]]},
                    }
                ],
            },
            "10 h is in both 'flat' and 'peak'",
            "tariffs.custom.seasons[0].periods.peak",
        ),
        (
            {"flat_price": 0.6, "seasons": [{"months": [1, 2], "periods": {"flat": [[0, 24]]}}]},
            "months [3, 4, 5, 6, 7, 8, 9, 10, 11, 12] are in no season",
            "tariffs.custom.seasons",
        ),
        (
            {
                "flat_price": 0.6,
                "seasons": [{"months": list(range(1, 13)), "periods": {"flat": [[0, 20]]}}],
            },
            "leave 20 h",
            "tariffs.custom.seasons[0].periods",
        ),
        (
            {
                "flat_price": 0.6,
                "seasons": [{"months": list(range(1, 13)), "periods": {"peak": [[0, 24]]}}],
            },
            "period 'peak' has no price ratio",
            "tariffs.custom.seasons[0].periods.peak",
        ),
        (
            {"flat_price": 0.6, "ratios": {"super": 2}},
            "unknown period 'super'",
            "tariffs.custom.ratios.super",
        ),
        (
            {"flat_price": 0.6, "seasons": [{"months": [13], "periods": {}}]},
            "months 1-12",
            "tariffs.custom.seasons[0].months",
        ),
    ],
)
def test_user_tariff_errors_name_the_field(
    entry: dict, message: str, field: str, tmp_path: Path
) -> None:
    import yaml

    path = tmp_path / "my_tariff.yaml"
    path.write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_tariff_file(path)
    assert message in str(info.value)
    assert info.value.column == field
    assert info.value.source == str(path)


def test_user_file_with_several_tariffs(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("tariffs:\n  a: {flat_price: 0.5}\n  b: {flat_price: 0.7}\n", encoding="utf-8")
    assert get_tariff(f"{path}#b").flat_price == 0.7
    with pytest.raises(ConfigError, match="name one as FILE#id"):
        get_tariff(str(path))
    with pytest.raises(ConfigError, match="unknown tariff 'nowhere'"):
        get_tariff("nowhere")
    with pytest.raises(ConfigError, match="tariff file not found"):
        get_tariff(str(tmp_path / "missing.yaml"))
