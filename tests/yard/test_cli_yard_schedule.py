"""``parkzero yard schedule`` and the YAML instance format, through Typer's test runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from parkzero.cli import yard
from parkzero.errors import ConfigError, InputError
from parkzero.yard.generate import DayParams, generate_day
from parkzero.yard.heuristics import fcfs
from parkzero.yard.instance import parse_instance, read_instance, read_problem
from parkzero.yard.problem import Assignment, Schedule

Check = Callable[..., float]


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(yard.app, name="yard")
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _schedule(problem: object, out: dict) -> Schedule:  # type: ignore[type-arg]
    return Schedule(
        assignments=tuple(
            Assignment(a["truck"], a["dock"], a["start"], a["end"]) for a in out["assignments"]
        ),
        objective=out["objective"],
        feasible=out["feasible"],
        lower_bound=out["lower_bound"],
        unplaced=tuple(out["unplaced"]),
    )


def test_dbap_json(app: typer.Typer, runner: CliRunner, dbap_dir: Path, check: Check) -> None:
    path = dbap_dir / "f30x3-01.txt"
    res = runner.invoke(app, ["yard", "schedule", str(path), "--time-limit", "2", "--json"])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("\n") == 1
    out = json.loads(res.stdout)
    assert {
        "objective",
        "assignments",
        "feasible",
        "lower_bound",
        "status",
        "solver",
        "wall_s",
    } <= set(out)
    assert out["feasible"] is True and len(out["assignments"]) == 30
    assert set(out["assignments"][0]) == {"truck", "dock", "start", "end", "wait"}
    problem = read_problem(path)
    assert check(problem, _schedule(problem, out)) == out["objective"]
    assert out["fcfs_objective"] == fcfs(problem).objective == 2139  # FCFS on f30x3-01
    assert out["objective"] < out["fcfs_objective"]
    assert out["lower_bound"] <= out["objective"]
    assert out["gap"] == pytest.approx((out["objective"] - out["lower_bound"]) / out["objective"])


def test_yaml_text(app: typer.Typer, runner: CliRunner, example_instance: Path) -> None:
    res = runner.invoke(app, ["yard", "schedule", str(example_instance), "--time-limit", "2"])
    assert res.exit_code == 0, res.output
    assert "Demo DC, Monday morning: 14 trucks, 4 docks" in res.output
    assert "First-come-first-served: 930 min" in res.output
    assert "06:00" in res.output  # times as HH:MM for YAML instances


def test_yaml_json_is_valid(
    app: typer.Typer, runner: CliRunner, example_instance: Path, check: Check
) -> None:
    res = runner.invoke(
        app, ["yard", "schedule", str(example_instance), "--time-limit", "2", "--json"]
    )
    out = json.loads(res.stdout)
    problem = read_instance(example_instance)
    assert check(problem, _schedule(problem, out)) == out["objective"] <= 930


def test_format_option_overrides_extension(
    app: typer.Typer, runner: CliRunner, dbap_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "instance.data"
    copy.write_text((dbap_dir / "f30x3-02.txt").read_text())
    res = runner.invoke(app, ["yard", "schedule", str(copy), "--json", "--time-limit", "1"])
    assert res.exit_code == 2
    assert "cannot tell the format" in res.output and "--format" in res.output
    res = runner.invoke(
        app, ["yard", "schedule", str(copy), "--format", "dbap", "--json", "--time-limit", "1"]
    )
    assert res.exit_code == 0, res.output


def test_bad_dbap_file_exits_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("2\n1\n0 x\n")
    res = runner.invoke(app, ["yard", "schedule", str(bad)])
    assert res.exit_code == 2
    assert "bad.txt, row 3: 'x' is not an integer (arrival times" in res.output


def test_missing_file_exits_2(app: typer.Typer, runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["yard", "schedule", str(tmp_path / "none.yaml")])
    assert res.exit_code == 2 and "file not found" in res.output


# ------------------------------------------------------------------------- YAML format


def test_example_instance_reads(example_instance: Path) -> None:
    p = read_instance(example_instance)
    assert (len(p.trucks), len(p.docks), p.buffer_capacity) == (14, 4, 4)
    fz = next(t for t in p.trucks if t.id == "FZ-01")
    # release 06:10 = 370 min; latest 08:30 = 510; 45 min at R1 only; weight 2
    assert (fz.release_min, fz.latest_end_min, dict(fz.handling_min), fz.weight) == (
        370,
        510,
        {"R1": 45},
        2.0,
    )
    assert [(w.start_min, w.end_min, w.workers) for w in p.staff] == [(360, 600, 3), (600, 840, 2)]
    assert p.docks[3].open_min == 390


BASE = {
    "docks": [{"id": "D1"}, {"id": "D2"}],
    "trucks": [{"id": "A", "release": 0, "handling_min": 9}],
}


@pytest.mark.parametrize(
    ("patch", "row", "field", "words"),
    [
        (
            {"trucks": [{"id": "A", "release": 0, "handling_min": {"D9": 5}}]},
            1,
            "trucks[1].handling_min.D9",
            "unknown dock 'D9'",
        ),
        (
            {"trucks": [{"id": "A", "release": "25:61", "handling_min": 5}]},
            1,
            "trucks[1].release",
            "not a time",
        ),
        (
            {"trucks": [{"id": "A", "release": 0, "handling_min": 0}]},
            1,
            "trucks[1].handling_min",
            "≥ 1",
        ),
        (
            {"trucks": [{"id": "A", "release": 0, "handling_min": 5, "colour": "red"}]},
            1,
            "trucks[1].colour",
            "unknown key 'colour'",
        ),
        (
            {
                "trucks": [
                    {"id": "A", "release": 0, "handling_min": 5},
                    {"id": "A", "release": 0, "handling_min": 5},
                ]
            },
            2,
            "trucks[2].id",
            "listed twice",
        ),
        (
            {"docks": [{"id": "D1", "open": "10:00", "close": "09:00"}]},
            1,
            "docks[1].close",
            "not after it opens",
        ),
        ({"staff": [{"start": "06:00", "end": "14:00"}]}, 1, "staff[1].workers", "missing"),
        (
            {"trucks": [{"id": "A", "release": 60, "handling_min": 5, "latest_end": 30}]},
            1,
            "trucks[1].latest_end",
            "before the release",
        ),
        ({"buffer_capacity": -1}, None, "buffer_capacity", "≥ 0"),
        ({"trucks": []}, None, "trucks", "non-empty list"),
    ],
)
def test_yaml_errors_name_row_and_field(
    patch: dict[str, object], row: int | None, field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_instance({**BASE, **patch}, source="day.yaml")
    assert (err.value.row, err.value.column) == (row, field)
    assert words in str(err.value)
    assert str(err.value).startswith("day.yaml")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "day.yaml"
    bad.write_text("docks:\n  - id: D1\n trucks: [\n")
    with pytest.raises(InputError) as err:
        read_instance(bad)
    assert err.value.row == 3 and "not valid YAML" in str(err.value)


def test_generated_day_is_reproducible_and_compatible() -> None:
    a = generate_day(DayParams(trucks=200, docks=12), seed=5)
    assert a == generate_day(DayParams(trucks=200, docks=12), seed=5)
    assert a != generate_day(DayParams(trucks=200, docks=12), seed=6)
    reefer = {d for t in a.trucks if t.weight == 2.0 for d in t.handling_min}
    assert all(t.handling_min for t in a.trucks)
    # frozen trucks (weight 2) only ever get reefer docks, which are fewer than all docks
    assert 0 < len(reefer) < 12
