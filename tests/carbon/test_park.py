"""Park description: validation errors name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkzero.carbon.park import load_park, park_from_dict
from parkzero.errors import ConfigError

BASE = {"park": {"id": "p", "name": "P", "base_year": 2022}}


def test_minimal_park_defaults() -> None:
    park = park_from_dict(BASE)
    assert park.gwp_set == "AR6"
    assert park.boundary.approach == "operational_control"
    assert park.electricity.kgce_per_kwh == pytest.approx(0.1229)
    assert "3.13" in park.scope3_categories


def test_refrigerant_mass_balance() -> None:
    park = park_from_dict(
        {
            **BASE,
            "refrigerant_stocks": [
                {
                    "equipment": "rack-1",
                    "gas": "R-404A",
                    "year": 2023,
                    "stock_start_kg": 500,
                    "purchased_kg": 60,
                    "stock_end_kg": 520,
                    "recovered_kg": 5,
                }
            ],
        }
    )
    assert park.refrigerant_stocks[0].leaked_kg == pytest.approx(35.0)


def test_negative_mass_balance_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"mass balance of R-404A in rack-1 .* is negative"):
        park_from_dict(
            {
                **BASE,
                "refrigerant_stocks": [
                    {
                        "equipment": "rack-1",
                        "gas": "R-404A",
                        "year": 2023,
                        "stock_start_kg": 10,
                        "stock_end_kg": 50,
                    }
                ],
            },
            source="park.yaml",
        )


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ({"gwp_set": "AR3"}, "gwp_set", "AR4"),
        (
            {"zones": [{"id": "a", "equity_share": 1.5}]},
            "zones[0].equity_share",
            "less than or equal",
        ),
        ({"tenants": [{"id": "t", "zones": ["nope"]}]}, "", 'unknown zone "nope"'),
        ({"scope3_categories": ["3.99"]}, "scope3_categories", "unknown scope 3 categories"),
        ({"colour": "green"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_bad_fields_are_named(extra: dict[str, object], field: str, fragment: str) -> None:
    data = {
        "park": {**BASE["park"], **{k: v for k, v in extra.items() if k in ("gwp_set", "colour")}},
        **{k: v for k, v in extra.items() if k not in ("gwp_set", "colour")},
    }
    with pytest.raises(ConfigError) as info:
        park_from_dict(data, source="park.yaml")
    assert fragment in str(info.value)
    assert str(info.value).startswith("park.yaml")
    if field:
        assert info.value.column == field


def test_load_park_resolves_paths(tmp_path: Path) -> None:
    (tmp_path / "park.yaml").write_text(
        "park: {id: p, name: P, base_year: 2022}\nactivities: [data/a.csv]\n", encoding="utf-8"
    )
    park = load_park(tmp_path / "park.yaml")
    assert park.activity_files() == [tmp_path / "data" / "a.csv"]


def test_load_park_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_park(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("park: {id: p\n  name: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_park(bad)
    nopark = tmp_path / "nopark.yaml"
    nopark.write_text("zones: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="`park:` section"):
        load_park(nopark)
