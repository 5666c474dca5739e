"""The yard model: YAML loading, dock expansion, compatibility, errors, conversion to the solver."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkzero.errors import ConfigError
from parkzero.yard.models import (
    Appointment,
    Dock,
    format_hhmm,
    load_yard,
    parse_time,
    to_problem,
    yard_from_dict,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yard" / "demo-day.yaml"

SMALL = {
    "yard": {
        "id": "y",
        "hours": {"open": "06:00", "close": "22:00"},
        "docks": [
            {"id": "IN", "count": 2, "direction": "inbound"},
            {"id": "RF", "direction": "both", "reefer": True},
            {"id": "VAN", "direction": "both", "door": "ground", "open": "08:00", "close": "18:00"},
        ],
        "shifts": [{"start": "06:00", "end": "14:00", "workers": 3}],
    }
}


def test_demo_yard_has_fifty_docks() -> None:
    yard = load_yard(EXAMPLE)
    assert len(yard.docks) == 50
    assert sum(d.reefer for d in yard.docks) == 12
    assert yard.docks[0].id == "IN-01" and yard.dock("VAN-02").door == "ground"
    assert yard.dock_hours(yard.dock("VAN-01")) == (420, 1260)
    assert yard.dock_hours(yard.dock("IN-01")) == (300, 1320)


def test_compatibility_rules() -> None:
    yard = yard_from_dict(SMALL)
    ids = lambda *a: [d.id for d in yard.compatible(*a)]  # noqa: E731
    assert ids("inbound", "dry", "trailer") == ["IN-01", "IN-02", "RF"]
    assert ids("outbound", "dry", "trailer") == ["RF"]
    assert ids("inbound", "frozen", "trailer") == ["RF"]
    assert ids("outbound", "dry", "van") == ["RF", "VAN"]
    assert not Dock(id="G", door="ground").accepts("inbound", "dry", "rigid")


def test_to_problem_service_times_and_forbidden_docks() -> None:
    yard = yard_from_dict(SMALL)
    appts = [
        Appointment(id="A", direction="inbound", pallets=20, window_start="07:00"),
        Appointment(id="B", direction="outbound", cargo="chilled", pallets=10, window_start=480),
    ]
    p = to_problem(yard, appts, overtime_min=60)
    a, b = p.trucks
    # dry inbound: 15 + 20 × 1.5 = 45 min; at the reefer dock 20 + 20 × 2.0 = 60 min
    assert dict(a.handling_min) == {"IN-01": 45, "IN-02": 45, "RF": 60}
    # chilled outbound only at the reefer dock: 20 + 10 × 1.6 = 36 min
    assert dict(b.handling_min) == {"RF": 36}
    assert (a.release_min, b.release_min) == (420, 480)
    assert [(d.id, d.open_min, d.close_min) for d in p.docks][-1] == ("VAN", 480, 1140)
    assert p.staff[0].workers == 3
    override = to_problem(yard, appts, release={"A": 430})
    assert override.trucks[0].release_min == 430


def test_to_problem_refuses_a_visit_no_dock_can_serve() -> None:
    yard = yard_from_dict({"yard": {"id": "y", "docks": [{"id": "D", "direction": "inbound"}]}})
    with pytest.raises(ConfigError, match=r"no dock .* accepts outbound dry"):
        to_problem(yard, [Appointment(id="A", direction="outbound", pallets=1, window_start=0)])


@pytest.mark.parametrize(
    ("patch", "field", "message"),
    [
        ({"docks": []}, "yard", "at least one dock"),
        ({"hours": {"open": "25:70"}}, "yard.hours.open", "minutes ≥ 60"),
        ({"docks": [{"id": "D"}, {"id": "D"}]}, "yard", "appears twice"),
        ({"timezone": "Mars/Olympus"}, "yard", "unknown time zone"),
        ({"docks": [{"id": "D", "direction": "sideways"}]}, "yard.docks[0].direction", "Input"),
        ({"docks": [{"id": "D", "count": 0}]}, "yard.docks", "positive integer"),
    ],
)
def test_bad_yard_names_the_field(patch: dict, field: str, message: str) -> None:
    data = {"yard": {"id": "y", "docks": [{"id": "D"}], **patch}}
    with pytest.raises(ConfigError, match=message) as err:
        yard_from_dict(data, source="yard.yaml")
    assert err.value.source == "yard.yaml"
    assert err.value.column == field


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_yard(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("yard: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yard(bad)


def test_times() -> None:
    assert parse_time("00:00") == 0 and parse_time("27:30") == 1650
    assert format_hhmm(1650) == "27:30"
    for bad in ("7", "7:5x", True, 3.5):
        with pytest.raises(ValueError):
            parse_time(bad)
