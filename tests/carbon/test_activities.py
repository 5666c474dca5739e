"""Activity CSV reading: accepted shapes and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parkzero.carbon.activities import activities_frame, frame_to_activities, read_activity_csv
from parkzero.errors import InputError, UnitError, UnknownActivityError

ZONES = ("sorting", "yard")


def write(tmp_path: Path, text: str, name: str = "acts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_period_and_dates_and_thousands(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        (
            "kind,quantity,unit,period,zone\n"
            'electricity.grid,"1,200.5",万kWh,2023-02,sorting\n'
            "fuel.diesel.mobile,500,L,2023,yard\n"
        ),
    )
    frame = read_activity_csv(path, zones=ZONES)
    assert frame["quantity"].tolist() == [1200.5, 500.0]
    assert frame["start"].dt.strftime("%Y-%m-%d").tolist() == ["2023-02-01", "2023-01-01"]
    assert frame["end"].dt.strftime("%Y-%m-%d").tolist() == ["2023-02-28", "2023-12-31"]
    assert frame["quality"].tolist() == ["measured", "measured"]
    assert frame["row"].tolist() == [2, 3]


def test_excel_bom_and_start_end_columns(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffKind,Quantity,Unit,Start,End\nwater.supply,12,m³,2024-01-05,2024-02-04\n".encode()
    )
    frame = read_activity_csv(path)
    assert frame.loc[0, "unit"] == "m³"
    assert (frame.loc[0, "end"] - frame.loc[0, "start"]).days == 30


@pytest.mark.parametrize(
    ("line", "column", "error", "fragment"),
    [
        (
            "electricty.grid,5,kWh,2023-01",
            "kind",
            UnknownActivityError,
            "did you mean electricity.grid",
        ),
        ("electricity.grid,-5,kWh,2023-01", "quantity", InputError, "must not be negative"),
        ("electricity.grid,abc,kWh,2023-01", "quantity", InputError, "expected a number"),
        ("electricity.grid,5,kg,2023-01", "unit", InputError, "is not a unit for activity"),
        ("electricity.grid,5,kwh/m2x,2023-01", "unit", InputError, "is not a unit parkzero knows"),
        ("electricity.grid,5,kWh,2023-13", "period", InputError, "expected YYYY-MM"),
    ],
)
def test_bad_row_names_file_row_column(
    tmp_path: Path, line: str, column: str, error: type[Exception], fragment: str
) -> None:
    path = write(
        tmp_path, "kind,quantity,unit,period\nelectricity.grid,1,kWh,2023-01\n" + line + "\n"
    )
    with pytest.raises(InputError) as info:
        read_activity_csv(path)
    exc = info.value
    assert exc.source == str(path)
    assert exc.row == 3
    assert exc.column == column
    assert fragment in str(exc)
    assert "Nothing was imported" in str(exc)
    assert f'{path}, row 3, column "{column}"' in str(exc)
    if error is UnknownActivityError:
        assert "electricity.grid" in exc.message


def test_unknown_unit_for_kind_explains_expected(tmp_path: Path) -> None:
    path = write(tmp_path, "kind,quantity,unit,period\nfuel.diesel.mobile,5,kWh,2023\n")
    with pytest.raises(
        InputError, match=r"expected t or another unit of the same kind or a volume"
    ):
        read_activity_csv(path)


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "kind,unit,period\nelectricity.grid,kWh,2023-01\n")
    with pytest.raises(InputError, match='missing column "quantity"') as info:
        read_activity_csv(path)
    assert info.value.column == "quantity"


def test_missing_dates(tmp_path: Path) -> None:
    path = write(tmp_path, "kind,quantity,unit\nelectricity.grid,1,kWh\n")
    with pytest.raises(InputError, match='"start" and "end"'):
        read_activity_csv(path)


def test_malformed_csv(tmp_path: Path) -> None:
    path = write(tmp_path, 'kind,quantity,unit,period\nelectricity.grid,1,kWh,2023-01,extra,"x\n')
    with pytest.raises(InputError, match="malformed CSV"):
        read_activity_csv(path)


def test_empty_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_activity_csv(write(tmp_path, ""))
    with pytest.raises(InputError, match="not found"):
        read_activity_csv(tmp_path / "nope.csv")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        "kind,quantity,unit,period,zone\nelectricity.grid,1,kWh,2023-01,分拣\n".encode("gbk")
    )
    with pytest.raises(InputError, match="UTF-8"):
        read_activity_csv(path)


def test_unknown_zone_and_tenant_and_quality(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        (
            "kind,quantity,unit,period,zone,tenant,quality\n"
            "electricity.grid,1,kWh,2023-01,office,,measured\n"
            "electricity.grid,1,kWh,2023-01,,acme,good\n"
        ),
    )
    with pytest.raises(InputError) as info:
        read_activity_csv(path, zones=ZONES)
    text = str(info.value)
    assert 'unknown zone "office" (expected sorting, yard)' in text
    assert 'unknown tenant "acme" (expected none declared in the park file)' in text
    assert "expected one of measured, calculated, estimated" in text


def test_end_before_start(tmp_path: Path) -> None:
    path = write(
        tmp_path, "kind,quantity,unit,start,end\nwater.supply,1,m3,2024-02-01,2024-01-01\n"
    )
    with pytest.raises(InputError, match="end is before start"):
        read_activity_csv(path)


def test_category_override_only_for_scope3(tmp_path: Path) -> None:
    ok = write(tmp_path, "kind,quantity,unit,period,category\nfreight.road.hgv,10,t*km,2023,3.9\n")
    assert read_activity_csv(ok).loc[0, "category"] == "3.9"
    bad = write(
        tmp_path,
        "kind,quantity,unit,period,category\nelectricity.grid,10,kWh,2023,3.13\n",
        "bad.csv",
    )
    with pytest.raises(InputError, match="only scope 3 activities"):
        read_activity_csv(bad)
    bad2 = write(
        tmp_path, "kind,quantity,unit,period,category\nfreight.rail,10,t*km,2023,3.99\n", "bad2.csv"
    )
    with pytest.raises(InputError, match="scope 3 category id"):
        read_activity_csv(bad2)


def test_many_problems_are_counted(tmp_path: Path) -> None:
    body = "".join("electricity.grid,-1,kWh,2023-01\n" for _ in range(25))
    path = write(tmp_path, "kind,quantity,unit,period\n" + body)
    with pytest.raises(InputError, match=r"… and 15 more"):
        read_activity_csv(path)


def test_inline_rows_and_round_trip() -> None:
    frame = activities_frame(
        [{"kind": "electricity.grid", "quantity": 10, "unit": "MWh", "period": "2024-03"}],
    )
    (act,) = frame_to_activities(frame)
    assert act.quantity == 10.0 and act.unit == "MWh"
    assert str(act.start) == "2024-03-01" and str(act.end) == "2024-03-31"
    again = activities_frame([act])
    pd.testing.assert_series_equal(again["start"], frame["start"])


def test_unit_error_is_input_error() -> None:
    assert issubclass(UnitError, InputError)


def test_write_activities_round_trips_exactly(tmp_path: Path) -> None:
    import datetime as dt

    from parkzero.carbon.activities import write_activities
    from parkzero.carbon.models import Activity

    acts = [
        Activity(
            "electricity.grid",
            1_234_567.891234,
            "kWh",
            dt.date(2024, 1, 1),
            dt.date(2024, 1, 31),
            zone="sorting",
            source_id="EM-01",
            quality="calculated",
        ),
        Activity(
            "freight.road.hgv",
            0.1 + 0.2,
            "t*km",
            dt.date(2024, 2, 1),
            dt.date(2024, 2, 29),
            category="3.9",
        ),
    ]
    path = tmp_path / "out.csv"
    assert write_activities(acts, path) == 2
    assert frame_to_activities(read_activity_csv(path, zones=ZONES)) == acts
