"""Activity imports: round trip; all or nothing on bad rows, database failures, duplicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from parkzero.carbon.activities import read_activity_csv, validate_frame
from parkzero.carbon.park import Park, park_from_dict
from parkzero.errors import InputError, ParkzeroError
from parkzero.store import models as db
from parkzero.store import service
from parkzero.store.service import (
    import_activities,
    import_activity_file,
    import_park,
    load_activities,
    save_park,
    sha256_bytes,
)

from .conftest import ACTIVITIES, PARK, count_rows, write


def big_frame(park: Park, n: int, source: str = "big.csv") -> pd.DataFrame:
    """`n` valid rows over three years, zones and tenants, as the validator returns them."""
    i = np.arange(n)
    raw = pd.DataFrame(
        {
            "kind": np.where(i % 3 == 0, "fuel.diesel.mobile", "electricity.grid"),
            "quantity": (i * 1.25).astype(str),
            "unit": np.where(i % 3 == 0, "L", "kWh"),
            "period": [f"{2022 + k % 3}-{1 + k % 12:02d}" for k in range(n)],
            "zone": np.where(i % 2 == 0, "sorting", "cold-store"),
            "tenant": np.where(i % 5 == 0, "coldco", ""),
            "source_id": [f"m-{k % 40}" for k in range(n)],
        }
    )
    return validate_frame(raw, source=source, zones=park.zone_ids, tenants=park.tenant_ids)


# --------------------------------------------------------------------------------------------
# round trip


def test_file_round_trip(session: Session, engine: Engine, park: Park, tmp_path: Path) -> None:
    path = write(tmp_path / "activities-2023.csv", ACTIVITIES)
    result = import_activity_file(session, park, path)
    session.commit()
    assert (result.rows, result.kind, result.source) == (6, "csv", str(path))
    assert result.sha256 == sha256_bytes(path.read_bytes())
    assert count_rows(engine, db.Activity, batch_id=result.batch_id) == 6
    expected = read_activity_csv(path, zones=park.zone_ids, tenants=park.tenant_ids)
    back = load_activities(session, park.id)
    pd.testing.assert_frame_equal(back, expected)
    assert back.loc[1, "quantity"] == 1500.5
    assert back.loc[4, "category"] == "3.9"
    assert back.loc[5, "region"] == "湖北"


def test_large_frame_round_trip_and_year_filter(session: Session, park: Park) -> None:
    save_park(session, park)
    frame = big_frame(park, 12_000)  # more than one insert chunk
    result = import_activities(session, park.id, frame, source="big.csv", content_sha256="a" * 64)
    session.commit()
    assert result.rows == 12_000
    pd.testing.assert_frame_equal(load_activities(session, park.id), frame)
    in_2023 = load_activities(session, park.id, year=2023)
    assert len(in_2023) == (frame["start"].dt.year == 2023).sum()
    assert (in_2023["start"].dt.year == 2023).all()


def test_year_filter_keeps_rows_spanning_the_year(
    session: Session, park: Park, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "span.csv",
        "kind,quantity,unit,start,end\n"
        "electricity.grid,310,kWh,2023-12-15,2024-01-14\n"
        "electricity.grid,100,kWh,2022-01-01,2022-12-31\n",
    )
    import_activity_file(session, park, path)
    assert load_activities(session, park.id, year=2024)["quantity"].tolist() == [310.0]
    assert load_activities(session, park.id, year=2023)["quantity"].tolist() == [310.0]
    assert load_activities(session, park.id, year=2021).empty


def test_empty_park_loads_an_empty_frame_of_the_right_shape(session: Session, park: Park) -> None:
    save_park(session, park)
    empty = load_activities(session, park.id)
    assert empty.empty
    assert list(empty.columns) == list(big_frame(park, 3).columns)
    assert empty.dtypes.equals(big_frame(park, 3).dtypes)


# --------------------------------------------------------------------------------------------
# bad input: one bad row and nothing of the file is stored


GOOD = "kind,quantity,unit,period,zone\nelectricity.grid,100,kWh,2023-01,sorting\n"


@pytest.mark.parametrize(
    ("content", "row", "column", "fragment"),
    [
        (GOOD + "electricity.grid,-5,kWh,2023-02,sorting\n", 3, "quantity", "must not be negative"),
        (GOOD + "electricity.grid,5,kWh,2023-02,roof\n", 3, "zone", 'unknown zone "roof"'),
        (GOOD + "electricity.grid,5,kwh/m2,2023-02,sorting\n", 3, "unit", "kwh/m2"),
        ("kind,unit,period\nelectricity.grid,kWh,2023-01\n", None, "quantity", "missing column"),
        (GOOD + 'electricity.grid,5,kWh,2023-02,sorting,"x",extra\n', None, None, "malformed CSV"),
    ],
    ids=["negative-quantity", "unknown-zone", "wrong-unit", "missing-column", "malformed-csv"],
)
def test_bad_row_rejects_the_whole_file(
    session: Session,
    engine: Engine,
    park: Park,
    tmp_path: Path,
    content: str,
    row: int | None,
    column: str | None,
    fragment: str,
) -> None:
    first = import_activity_file(session, park, write(tmp_path / "ok.csv", ACTIVITIES))
    session.commit()
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(InputError) as info:
        import_activity_file(session, park, path)
    err = info.value
    assert err.source == str(path)
    assert (err.row, err.column) == (row, column)
    assert fragment in str(err)
    assert "Nothing was imported" in str(err)
    session.commit()
    assert count_rows(engine, db.ImportBatch) == 1  # only the earlier good file
    assert count_rows(engine, db.Activity) == first.rows


def test_frame_checked_against_the_stored_park(
    session: Session, engine: Engine, park: Park
) -> None:
    """A frame validated against other zones still cannot reference a zone the park lacks."""
    save_park(session, park)
    other = park_from_dict({**PARK, "zones": [*PARK["zones"], {"id": "roof"}]})
    frame = big_frame(other, 10)
    frame.loc[7, "zone"] = "roof"
    with pytest.raises(InputError) as info:
        import_activities(session, park.id, frame, source="f.csv", content_sha256="b" * 64)
    assert (info.value.source, info.value.row, info.value.column) == ("f.csv", 9, "zone")
    assert 'unknown zone (expected cold-store, sorting, yard), got "roof"' in str(info.value)
    session.commit()
    assert count_rows(engine, db.Activity) == 0


# --------------------------------------------------------------------------------------------
# database failures in the middle of an import


def test_database_constraint_mid_import_rolls_back(
    session: Session, engine: Engine, park: Park, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the pre-checks off, the database's CHECK refuses a row after 10,000 went in."""
    save_park(session, park)
    session.commit()
    frame = big_frame(park, 12_000)
    frame.loc[11_000, "quantity"] = -1.0
    monkeypatch.setattr(service, "_check_rows", lambda *args: None)
    with pytest.raises(InputError, match="the database refused the data") as info:
        import_activities(session, park.id, frame, source="big.csv", content_sha256="c" * 64)
    assert info.value.source == "big.csv"
    assert session.scalar(select(func.count()).select_from(db.Activity)) == 0
    session.commit()  # the session is still usable and holds nothing of the failed import
    assert count_rows(engine, db.Activity) == 0
    assert count_rows(engine, db.ImportBatch) == 0


def _failing_trigger(session: Session, row: int) -> None:
    """Make the database fail when a given source row is inserted (like a full disk would)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(
                "CREATE TRIGGER fail_late BEFORE INSERT ON activities "
                f"WHEN NEW.source_row = {row} BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            )
        )
    else:
        session.execute(
            text(
                "CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.source_row = {row} THEN RAISE EXCEPTION 'disk on fire'; END IF; "
                "RETURN NEW; END $$"
            )
        )
        session.execute(
            text(
                "CREATE TRIGGER fail_late BEFORE INSERT ON activities "
                "FOR EACH ROW EXECUTE FUNCTION fail_late()"
            )
        )


def test_database_failure_mid_import_rolls_back_everything(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    earlier = import_activity_file(session, park, write(tmp_path / "ok.csv", ACTIVITIES))
    _failing_trigger(session, row=11_002)
    session.commit()
    frame = big_frame(park, 12_000)
    with pytest.raises(ParkzeroError, match="disk on fire"):
        import_activities(session, park.id, frame, source="big.csv", content_sha256="d" * 64)
    session.commit()
    assert count_rows(engine, db.ImportBatch) == 1
    assert count_rows(engine, db.Activity) == earlier.rows
    assert len(load_activities(session, park.id)) == earlier.rows


def test_a_bad_file_in_a_park_import_imports_nothing(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    write(tmp_path / "a.csv", ACTIVITIES)
    write(tmp_path / "b.csv", GOOD + "electricity.grid,5,kWh,2023-02,roof\n")
    park = park_from_dict({**PARK, "activities": ["a.csv", "b.csv"]}, base_dir=tmp_path)
    with pytest.raises(InputError, match=r'b\.csv, row 3, column "zone"'):
        import_park(session, park)
    session.commit()
    assert count_rows(engine, db.Park) == 0
    assert count_rows(engine, db.Activity) == 0


def test_park_import_stores_files_and_inline_rows(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    write(tmp_path / "a.csv", ACTIVITIES)
    write(tmp_path / "b.csv", GOOD)
    inline = {"kind": "water.supply", "quantity": 12, "unit": "m³", "period": "2023-05"}
    park = park_from_dict({**PARK, "activities": ["a.csv", "b.csv", inline]}, base_dir=tmp_path)
    results = import_park(session, park)
    session.commit()
    assert [(Path(r.source).name, r.kind, r.rows) for r in results] == [
        ("a.csv", "csv", 6),
        ("b.csv", "csv", 1),
        ("park.activities", "inline", 1),
    ]
    frame = load_activities(session, park.id)
    assert len(frame) == 8
    assert frame["source"].iloc[-1] == "park.activities"
    assert frame["unit"].iloc[-1] == "m³"


# --------------------------------------------------------------------------------------------
# duplicates and replace


def test_same_content_is_refused_naming_the_earlier_batch(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    first = import_activity_file(session, park, write(tmp_path / "jan.csv", ACTIVITIES))
    session.commit()
    copy = write(tmp_path / "copy-of-jan.csv", ACTIVITIES)
    with pytest.raises(InputError) as info:
        import_activity_file(session, park, copy)
    message = str(info.value)
    assert message.startswith(
        f"{copy}: this content was already imported as batch {first.batch_id}"
    )
    assert "jan.csv" in message and "6 rows" in message and "replace" in message
    session.commit()
    assert count_rows(engine, db.Activity) == 6


def test_same_file_name_with_new_content_is_refused(
    session: Session, park: Park, tmp_path: Path
) -> None:
    path = write(tmp_path / "jan.csv", ACTIVITIES)
    import_activity_file(session, park, path)
    write(path, GOOD)
    with pytest.raises(InputError, match="a file of this name was already imported"):
        import_activity_file(session, park, path)


def test_the_same_content_may_go_into_two_parks(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "acts.csv", ACTIVITIES)
    for park_id in ("north", "south"):
        park = park_from_dict({**PARK, "park": {**PARK["park"], "id": park_id}})
        import_activity_file(session, park, path)
    session.commit()
    assert len(load_activities(session, "north")) == len(load_activities(session, "south")) == 6


def test_replace_swaps_the_batch(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    path = write(tmp_path / "jan.csv", ACTIVITIES)
    other = import_activity_file(session, park, write(tmp_path / "other.csv", GOOD))
    first = import_activity_file(session, park, path)
    session.commit()
    write(path, GOOD.replace("100", "250") + "electricity.grid,7,kWh,2023-02,yard\n")
    second = import_activity_file(session, park, path, replace=True)
    session.commit()
    assert second.replaced == (first.batch_id,)
    assert count_rows(engine, db.ImportBatch) == 2
    assert count_rows(engine, db.Activity, batch_id=first.batch_id) == 0
    frame = load_activities(session, park.id)
    assert frame["quantity"].tolist() == [100.0, 250.0, 7.0]
    assert other.rows == 1


def test_replace_with_same_content_is_idempotent(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    path = write(tmp_path / "jan.csv", ACTIVITIES)
    import_activity_file(session, park, path)
    again = import_activity_file(session, park, path, replace=True)
    session.commit()
    assert count_rows(engine, db.ImportBatch) == 1
    assert count_rows(engine, db.Activity) == again.rows == 6


def test_failed_replace_keeps_the_earlier_batch(
    session: Session, engine: Engine, park: Park, tmp_path: Path
) -> None:
    path = write(tmp_path / "jan.csv", ACTIVITIES)
    first = import_activity_file(session, park, path)
    _failing_trigger(session, row=3)
    session.commit()
    write(path, GOOD + "electricity.grid,7,kWh,2023-02,yard\n")
    with pytest.raises(ParkzeroError, match="disk on fire"):
        import_activity_file(session, park, path, replace=True)
    session.commit()
    assert count_rows(engine, db.ImportBatch) == 1
    assert count_rows(engine, db.Activity, batch_id=first.batch_id) == 6


def test_park_import_refuses_one_file_listed_twice(session: Session, tmp_path: Path) -> None:
    write(tmp_path / "a.csv", ACTIVITIES)
    write(tmp_path / "b.csv", ACTIVITIES)
    park = park_from_dict({**PARK, "activities": ["a.csv", "b.csv"]}, base_dir=tmp_path)
    with pytest.raises(InputError, match="same content as"):
        import_park(session, park)


def test_frame_built_by_other_code(session: Session, park: Park) -> None:
    """Text dates, no ``row`` and no optional columns: rows are numbered from 2 like a file."""
    save_park(session, park)
    frame = pd.DataFrame(
        {
            "kind": ["electricity.grid", "fuel.diesel.mobile"],
            "quantity": [10.0, 2.5],
            "unit": ["kWh", "t"],
            "start": ["2023-01-01", "2023-02-01"],
            "end": ["2023-01-31", "2023-02-28"],
        }
    )
    import_activities(session, park.id, frame, source="lever", content_sha256="e" * 64)
    back = load_activities(session, park.id)
    assert back["row"].tolist() == [2, 3]
    assert back["quality"].tolist() == ["measured", "measured"]
    assert back["zone"].tolist() == ["", ""]
    assert back["end"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-31", "2023-02-28"]

    broken = frame.drop(columns=["unit"])
    with pytest.raises(InputError, match='missing column "unit"'):
        import_activities(session, park.id, broken, source="lever2", content_sha256="f" * 64)
    bad_date = frame.assign(end=["2023-01-31", "soon"])
    with pytest.raises(InputError) as info:
        import_activities(session, park.id, bad_date, source="lever3", content_sha256="0" * 64)
    assert (info.value.row, info.value.column) == (3, "end")
    assert len(load_activities(session, park.id)) == 2
