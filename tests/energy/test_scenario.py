"""Scenario YAML: inline and file inputs, shipped and user tariffs, errors naming the field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from parkzero.energy.scenario import load_scenario, scenario_from_dict
from parkzero.errors import ConfigError, InputError

EXAMPLES = Path(__file__).parents[2] / "examples" / "energy"

SMALL = {
    "name": "t",
    "start": "2024-07-01",
    "steps": 48,
    "freq": "1h",
    "region": "湖北",
    "tariff": "hubei_2024",
    "load": {"loads_kw": [100]},
    "pv": {"production_factor": [0] * 8 + [0.5] * 8 + [0] * 8, "max_kw": 50},
    "battery": {"size_kwh": 100, "size_kw": 50},
}


def test_small_inline_scenario() -> None:
    sc = scenario_from_dict(SMALL)
    assert len(sc.index) == 48 and sc.step_h == 1.0
    assert sc.load_kw.tolist() == [100.0] * 48
    assert sc.pv is not None and sc.pv.max_kw == 50
    assert sc.battery is not None and sc.battery.min_kwh == sc.battery.max_kwh == 100
    assert sc.region == "湖北" and sc.tariff.id == "hubei_2024"
    d = sc.dispatch_input()
    assert d.pv_kw.max() == pytest.approx(25.0) and d.battery is not None


def test_example_dispatch_scenario_reads_sessions() -> None:
    sc = load_scenario(EXAMPLES / "depot_dispatch.yaml")
    assert len(sc.index) == 35040 and sc.step_h == 0.25
    # 12 templates on each of the 365 days of the index; the last night's are cut at year end
    assert len(sc.sessions) == 12 * 365
    d = sc.dispatch_input()
    assert d.charger_kw_total == 720 and d.demand_limit_kw == 700 and d.v2g
    assert len(d.shed) == 1 and d.shed[0].kw[0] == pytest.approx(0.05 * 300)


def test_user_tariff_file_relative_to_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "my.yaml").write_text("flat_price: 0.8\ndemand_charge: 30\n", encoding="utf-8")
    data = {**SMALL, "tariff": "my.yaml"}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    sc = load_scenario(tmp_path / "s.yaml")
    assert sc.tariff.flat_price == 0.8 and sc.tariff.demand_charge == 30


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"colour": 1}, None, "unknown key(s) colour"),
        ({"tariff": None}, "tariff", "missing"),
        ({"tariff": "atlantis"}, "tariff", "unknown tariff 'atlantis'"),
        ({"freq": "5min"}, "freq", "not supported"),
        ({"load": {"loads_kw": [1, 2, 3, 4, 5]}}, "load.loads_kw", "do not divide the 48 steps"),
        ({"pv": {"max_kw": 5}}, "pv", "expected site, production_factor"),
        ({"battery": {"size_kwh": 10, "colour": 2}}, "battery", "unknown key"),
        ({"battery": {"soc_min": 0.9, "soc_max": 0.2}}, "battery.soc_min", "soc_min < soc_max"),
        ({"grid": "big"}, "grid", "expected a mapping"),
        ({"dispatch": {"shed": [{"name": "x"}]}}, "dispatch.shed[0]", "share or kw"),
        ({"year": 1066}, "year", "expected a year"),
    ],
)
def test_errors_name_file_and_field(
    change: dict, field: str | None, message: str, tmp_path: Path
) -> None:
    data = {**SMALL, **change}
    if "year" in change:
        data.pop("start")
        data.pop("steps")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert message in str(info.value)
    assert info.value.column == field
    assert info.value.source == str(path)


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")
    bad = {**SMALL, "ev_fleet": {"sessions": "missing.csv"}}
    with pytest.raises(InputError, match="EV session file not found"):
        scenario_from_dict(bad, base_dir=tmp_path)
    (tmp_path / "pf.csv").write_text("kw_per_kwp\n0.1\n-1\n", encoding="utf-8")
    bad = {**SMALL, "pv": {"production_factor_csv": "pf.csv"}}
    with pytest.raises(InputError) as info:
        scenario_from_dict(bad, base_dir=tmp_path)
    assert info.value.row == 3 and info.value.column == "kw_per_kwp"


def test_flat_annual_load_and_year_index() -> None:
    data = {k: v for k, v in SMALL.items() if k not in {"start", "steps", "pv", "battery"}}
    data.update(year=2023, load={"flat_annual_kwh": 8760.0})
    sc = scenario_from_dict(data)
    assert len(sc.index) == 8760 and np.allclose(sc.load_kw, 1.0)


def test_freq_override_keeps_the_period_of_steps() -> None:
    # mpc.yaml: 24 hourly steps; at 15 minutes the same day is 96 steps, not 24
    path = Path(__file__).parents[1] / "data" / "energy" / "reopt" / "mpc.yaml"
    hourly, quarter = load_scenario(path), load_scenario(path, freq="15min")
    assert (len(hourly.index), len(quarter.index)) == (24, 96)
    assert quarter.index[-1] - quarter.index[0] == pd.Timedelta(hours=23, minutes=45)
