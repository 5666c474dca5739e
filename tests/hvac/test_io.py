"""Readers: every error names the file, row and column, and what was expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parkzero.errors import ConfigError, InputError
from parkzero.hvac import EirCurve, read_case, read_load, read_plant, read_plant_any

EXAMPLES = Path(__file__).parents[2] / "examples" / "hvac"


def test_read_example_case() -> None:
    case = read_case(EXAMPLES / "ocl_case_3x800RT.json")
    assert case.name == "case2_3ch"
    assert case.plant.ids == ("CH-1", "CH-2", "CH-3")
    assert case.plant.chillers[0].min_plr == 0.3
    assert case.optima[1440.0]["on_off_plr_0.3_1"][0] == 993.6
    assert read_plant_any(EXAMPLES / "ocl_case_3x800RT.json") == case.plant


def test_read_example_plant_and_load() -> None:
    plant = read_plant(EXAMPLES / "PLANT.yaml")
    assert plant.ids == ("CH-1", "CH-2", "CH-3", "CH-4")
    assert plant.switch_penalty_kwh == 20
    pony = plant.chillers[3]
    assert isinstance(pony.curve, EirCurve)
    assert pony.capacity_rt == pytest.approx(471.2 / 3.51685)
    assert read_plant_any(EXAMPLES / "PLANT.yaml") == plant
    load = read_load(EXAMPLES / "LOAD.csv")
    assert load.steps == 48 and load.step_h == 1.0 and load.t_cw_c is not None
    assert load.hours == 48


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_case_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        read_case(tmp_path / "missing.json")
    bad = _write(tmp_path, "bad.json", "{ nope")
    with pytest.raises(ConfigError, match=r"bad\.json: not valid JSON \(line 1"):
        read_case(bad)
    two = {"a": {"RT": [1], "a": [1], "b": [1], "c": [1], "d": [1]}}
    two["b"] = two["a"]
    multi = _write(tmp_path, "multi.json", json.dumps(two))
    with pytest.raises(ConfigError, match="choose one with --case"):
        read_case(multi)
    assert read_case(multi, "b").plant.n == 1
    short = _write(
        tmp_path,
        "short.json",
        json.dumps({"x": {"RT": [800, 800], "a": [1, 2], "b": [1], "c": [1, 1], "d": [1, 1]}}),
    )
    with pytest.raises(ConfigError, match=r"x\.b.*has 1 values but RT has 2"):
        read_case(short)
    text = _write(
        tmp_path,
        "text.json",
        json.dumps({"x": {"RT": [800, "big"], "a": [1, 2], "b": [1, 1], "c": [1, 1], "d": [1, 1]}}),
    )
    with pytest.raises(ConfigError, match=r"row 2.*x\.RT.*expected a number"):
        read_case(text)


PLANT = """
chillers:
  - id: A
    capacity_rt: 800
    power_kw: {a: 100, b: 800, c: -900, d: 700}
"""


def test_plant_errors(tmp_path: Path) -> None:
    ok = read_plant(_write(tmp_path, "ok.yaml", PLANT))
    assert ok.name == "ok" and ok.chillers[0].min_plr == 0.3
    cases = {
        "unknown key": (PLANT + "    colour: red\n", r'row 1, .*"colour".*unknown key'),
        "two capacities": (
            PLANT.replace("capacity_rt: 800", "capacity_rt: 800\n    capacity_kw: 2800"),
            "exactly one of capacity_rt",
        ),
        "missing d": (PLANT.replace(", d: 700", ""), r'"power_kw".*missing coefficient\(s\) d'),
        "text coefficient": (
            PLANT.replace("a: 100", "a: lots"),
            r'"power_kw\.a".*expected a number',
        ),
        "bad range": (PLANT + "    min_plr: 1.2\n", r"row 1.*min_plr <= max_plr"),
        "no chillers": ("name: x\n", "non-empty list of chillers"),
        "not yaml": ("chillers: [\n", r"not valid YAML \(line"),
        "no curve": (
            PLANT.replace("    power_kw: {a: 100, b: 800, c: -900, d: 700}\n", ""),
            "one curve",
        ),
        "duplicate id": (PLANT + PLANT.split("chillers:\n")[1], "duplicate chiller id"),
        "eir extra key": (
            PLANT.replace(
                "    power_kw: {a: 100, b: 800, c: -900, d: 700}",
                "    eir: {cop_ref: 5, capft: [1,0,0,0,0,0], eirft: [1,0,0,0,0,0], "
                "eirfplr: [0, 1, 0], colour: 1}",
            ),
            r'"eir\.colour"',
        ),
        "eir short capft": (
            PLANT.replace(
                "    power_kw: {a: 100, b: 800, c: -900, d: 700}",
                "    eir: {cop_ref: 5, capft: [1,0,0], eirft: [1,0,0,0,0,0], eirfplr: [0, 1, 0]}",
            ),
            r"row 1.*capft needs 6 coefficients, got 3",
        ),
    }
    for name, (text, pattern) in cases.items():
        path = _write(tmp_path, "plant.yaml", text)
        with pytest.raises(ConfigError, match=pattern) as info:
            read_plant(path)
        assert "plant.yaml" in str(info.value), name


def test_load_errors(tmp_path: Path) -> None:
    good = "time,load_kw\n2024-07-01T00:00,3516.85\n2024-07-01T00:15,0\n"
    prof = read_load(_write(tmp_path, "ok.csv", good))
    assert prof.step_h == 0.25
    assert prof.load_rt[0] == pytest.approx(1000.0)
    cases = {
        "bad time": (
            "time,load_rt\n2024-07-01T00:00,1\nyesterday,2\n",
            r'row 2, column "time".*ISO 8601',
        ),
        "negative": ("time,load_rt\n2024-07-01T00:00,-5\n", r'row 1, column "load_rt".*>= 0'),
        "gap": (
            "time,load_rt\n2024-07-01T00:00,1\n2024-07-01T01:00,1\n2024-07-01T03:00,1\n",
            r"row 3.*fixed step",
        ),
        "backwards": (
            "time,load_rt\n2024-07-01T01:00,1\n2024-07-01T00:00,1\n",
            "times must increase",
        ),
        "no time": ("when,load_rt\nx,1\n", r'row 0, column "time"'),
        "both loads": ("time,load_rt,load_kw\n2024-07-01T00:00,1,1\n", "exactly one of"),
        "short row": ("time,load_rt\n2024-07-01T00:00\n", "row 1: has 1 fields"),
        "text load": ("time,load_rt\n2024-07-01T00:00,big\n", r'row 1, column "load_rt"'),
        "empty": ("", "empty file"),
        "no rows": ("time,load_rt\n", "no data rows"),
        "bad temp": ("time,load_rt,t_cw_c\n2024-07-01T00:00,1,hot\n", r'"t_cw_c"'),
    }
    for name, (text, pattern) in cases.items():
        with pytest.raises(InputError, match=pattern) as info:
            read_load(_write(tmp_path, "load.csv", text))
        assert "load.csv" in str(info.value), name


def test_plant_any_rejects_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"expected a \.json case or a \.yaml plant"):
        read_plant_any(_write(tmp_path, "plant.txt", "x"))
