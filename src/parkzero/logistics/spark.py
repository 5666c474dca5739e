"""The shipments pipeline on Apache Spark (PySpark, the ``spark`` extra).

:func:`run_spark` is ``run_pipeline(engine="spark")``: the same checks, intensities,
allocation (by t·km, mass or volume) and hub operations as the DuckDB engine, as the same SQL text
(:mod:`parkzero.logistics.sql`) run by Spark SQL, so the two engines give the same footprints
(to 1e-9 relative; only the order in which sums are added differs).

* **Master.** ``master="local[*]"`` runs Spark in this process's JVM on every core;
  ``spark://host:7077``, ``yarn``, ``k8s://…`` use a cluster (client mode: this process is the
  driver). ``master=None`` takes the master from the environment, e.g. when the job is started
  by ``spark-submit``. ``conf`` adds Spark settings (``spark.executor.memory`` …).
* **Inputs.** Local paths or URIs Spark can read (``hdfs://``, ``s3a://``, ``file://``), CSV
  (header row, read as text; a CSV file is read by one task, so use Parquet for big inputs) or
  Parquet, by suffix.
* **Output.** A path ending in ``.parquet`` gets one Parquet file (Spark writes one part file
  to a temporary folder next to it, which is then renamed onto the path); any other path gets
  a folder of part files (``part-*.parquet``, Spark's own layout, sorted by ``shipment_id``
  across the parts), also written to a temporary folder and renamed. Either way a run leaves a
  complete output or none; an earlier output at the path is replaced only after the new one is
  complete.
* **Bad input.** When a check fires, local inputs are handed to the pandas checker, which
  reports every bad row with file, row and column (the same messages as the other engines); if
  it finds nothing wrong (the SQL checks are conservative, e.g. about padded text) the
  footprints are still computed on Spark from the checked tables. Inputs given as URIs cannot
  be read by the pandas checker; their bad rows are reported by key (shipment id, leg number)
  and the columns whose checks failed.

>>> parse_conf(["spark.executor.memory=4g", "spark.sql.shuffle.partitions = 64"])
{'spark.executor.memory': '4g', 'spark.sql.shuffle.partitions': '64'}
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from parkzero.errors import ConfigError, InputError
from parkzero.logistics.sql import (
    MIXED_TRIP,
    SPARK,
    Columns,
    Unsupported,
    bad_legs_sql,
    check_rows_sql,
    footprints_sql,
    legs_emissions_sql,
    legs_select,
    shipments_select,
    trips_sql,
    unknown_trips_sql,
    year_sql,
)

__all__ = [
    "DEFAULT_MASTER",
    "footprints_frame",
    "parse_conf",
    "require_pyspark",
    "run_spark",
    "spark_session",
]

#: Master used when none is given: Spark in-process on every core [-].
DEFAULT_MASTER = "local[*]"

_MAX_REPORTED = 20
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# Spark type names (DataType.simpleString) in DuckDB's spelling, as parkzero.logistics.sql uses.
_TYPES = {
    "string": "VARCHAR",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
}
# Settings a run needs whatever the session (restored afterwards): case-sensitive column
# names, as the other engines, and the Spark 3+ date parser without legacy fallbacks.
_RUN_CONF = {
    "spark.sql.caseSensitive": "true",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",
}
_QUIET_LOG = """status = error
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


def require_pyspark() -> None:
    """Raise :class:`~parkzero.errors.ConfigError` naming the extra when PySpark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(
            'engine "spark" needs PySpark, which is not installed; install parkzero with its '
            "\"spark\" extra: pip install 'parkzero[spark]'",
            column="engine",
        ) from None


def parse_conf(items: Sequence[str]) -> dict[str, str]:
    """Spark settings from ``key=value`` strings (``--spark-conf``, repeatable).

    Raises
    ------
    ConfigError
        Naming the item that is not ``key=value``.
    """
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f'Spark setting "{item}" is not key=value (e.g. spark.executor.memory=4g)',
                column="spark-conf",
            )
        out[key.strip()] = value.strip()
    return out


def _is_local_master(master: str | None) -> bool:
    return master is None or master.startswith("local")


@contextlib.contextmanager
def spark_session(
    master: str | None = DEFAULT_MASTER, conf: Mapping[str, str] | None = None
) -> Iterator[Any]:
    """The active SparkSession, or a new one that is stopped on exit.

    Parameters
    ----------
    master : str, optional
        ``local[*]``, ``local[N]``, ``spark://host:7077``, ``yarn``, ``k8s://…``; None leaves
        it to the environment (``spark-submit``, ``spark-defaults.conf``) [-].
    conf : mapping of str to str, optional
        Extra Spark settings [-].

    Yields
    ------
    SparkSession
        An already active session is reused as it is (its master and static settings stay);
        a new one gets, in local mode, no UI, 8 shuffle partitions, a temporary
        ``spark.local.dir`` and quiet logs, unless `conf` says otherwise.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    conf = dict(conf or {})
    scratch = Path(tempfile.mkdtemp(prefix="parkzero-spark-"))
    settings: dict[str, str] = {
        "spark.app.name": "parkzero-shipments",
        "spark.ui.showConsoleProgress": "false",
    }
    if _is_local_master(master or conf.get("spark.master")) and "PYSPARK_GATEWAY_PORT" not in (
        os.environ
    ):
        settings.update(
            {
                "spark.ui.enabled": "false",
                "spark.sql.shuffle.partitions": "8",
                "spark.local.dir": str(scratch),
                "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1",
            }
        )
    settings.update(conf)
    java = settings.get("spark.driver.extraJavaOptions", "")
    if "log4j" not in java:  # quiet driver logs unless the caller configures logging
        log = scratch / "log4j2.properties"
        log.write_text(_QUIET_LOG, encoding="utf-8")
        java = f"{java} -Dlog4j2.configurationFile=file:{log}".strip()
        settings["spark.driver.extraJavaOptions"] = java
    builder: Any = SparkSession.builder
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
        try:
            yield session
        finally:
            session.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _run_conf(session: Any) -> Iterator[None]:
    old = {k: session.conf.get(k, None) for k in _RUN_CONF}
    for key, value in _RUN_CONF.items():
        session.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                session.conf.unset(key)
            else:
                session.conf.set(key, value)


def _is_uri(location: str) -> bool:
    return bool(_URI.match(location))


def _location(path: str | os.PathLike[str]) -> tuple[str, Path | None]:
    # (location for Spark, local path or None for a URI). A plain path is a local file, given
    # to Spark as a file: URI (on a cluster it must be on a filesystem every node mounts).
    text = os.fspath(path)
    if _is_uri(text):
        return text, None
    p = Path(text)
    if not p.is_file():
        raise InputError("file not found", source=str(p))
    p = p.resolve()
    return f"file://{p}", p


def _kind(location: str) -> str:
    suffix = Path(location.split("?", 1)[0]).suffix.lower()
    if suffix == ".parquet":
        return "parquet"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise InputError(f'unknown file type "{suffix}" (expected .csv or .parquet)', source=location)


def _read(session: Any, location: str) -> Any:
    if _kind(location) == "parquet":
        return session.read.parquet(location)
    return session.read.csv(
        location,
        header=True,
        inferSchema=False,
        multiLine=True,
        escape='"',
        mode="FAILFAST",
        encoding="UTF-8",
    )


def _columns(frame: Any) -> Columns:
    out: Columns = {}
    for field in frame.schema.fields:
        key = str(field.name).strip()
        if key in out:
            raise Unsupported(key)
        kind = field.dataType.simpleString()
        out[key] = (SPARK.ident(field.name), _TYPES.get(kind, kind.upper()))
    return out


class _Views:
    """Temporary views with names unique to one run, dropped (and unpersisted) at the end."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.prefix = f"pz_{uuid.uuid4().hex[:12]}_"
        self.frames: dict[str, Any] = {}

    def name(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, frame: Any, persist: bool = False) -> Any:
        if persist:
            frame = frame.persist()
        frame.createOrReplaceTempView(self.name(key))
        self.frames[key] = frame
        return frame

    def sql(self, key: str, query: str, persist: bool = False) -> Any:
        return self.put(key, self.session.sql(query), persist)

    def value(self, query: str) -> Any:
        return self.session.sql(query).collect()[0][0]

    def close(self) -> None:
        for key, frame in self.frames.items():
            with contextlib.suppress(Exception):
                frame.unpersist()
            self.session.catalog.dropTempView(self.name(key))


def _tables(
    views: _Views,
    year: int | None,
    allocation: str,
    fuel: Callable[[int], pd.DataFrame],
) -> tuple[Any, bool]:
    # From normalised views s and l: intensities, hubs, fuel-based trips (relation tf, by
    # `fuel` for the factor year), legs, trips → the footprint frame and whether any check
    # failed (see parkzero.logistics.sql).
    from parkzero.logistics.pipeline import hub_rows, leg_kinds

    n = views.name
    session = views.session
    if year is None:
        year = views.value(year_sql(n("s")))
        if year is None:
            return None, True
    kinds = leg_kinds(int(year))
    views.put("f", session.createDataFrame(_records(kinds), _KIND_SCHEMA))
    views.put("h", session.createDataFrame(hub_rows(), "cat STRING, temp STRING, kg DOUBLE"))
    try:
        tf = fuel(int(year))
    except InputError:  # a bad row of the trips file
        return None, True
    views.put("tf", session.createDataFrame(_records(tf), "trip STRING, wtw DOUBLE, ttw DOUBLE"))
    views.sql("lg", legs_emissions_sql(SPARK, allocation, n("l"), n("s"), n("f")), persist=True)
    if views.value(bad_legs_sql(n("lg"), n("l"))):
        return None, True
    views.sql("t", trips_sql(n("lg"), n("tf"), allocation), persist=True)
    if views.value(unknown_trips_sql(n("tf"), n("t"))):
        return None, True
    views.sql(
        "fp", footprints_sql(SPARK, allocation, n("s"), n("lg"), n("t"), n("h")), persist=True
    )
    bad = views.value(f"SELECT count(*) = 0 OR COALESCE(bool_or(bad), TRUE) FROM {n('fp')}")
    return session.table(n("fp")).drop("bad"), bool(bad)


def _hadoop_fs(session: Any, location: str) -> tuple[Any, Any]:
    jvm = session.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(location)
    return path.getFileSystem(session.sparkContext._jsc.hadoopConfiguration()), path


def _write(session: Any, fp: Any, out: str) -> tuple[str, tuple[Any, ...]]:
    """Write `fp` sorted by shipment id to `out` via a temporary folder; return the location
    written and (count, sum of t·km, sum of kgCO2e) of what was written."""
    single = Path(out.split("?", 1)[0]).suffix.lower() == ".parquet"
    frame = (
        fp.repartition(1).sortWithinPartitions("shipment_id")
        if single
        else fp.orderBy("shipment_id")
    )
    tag = f".{uuid.uuid4().hex[:12]}.tmp"
    local: Path | None = None
    if _is_uri(out):
        parent, _, name = out.rstrip("/").rpartition("/")
        tmp = f"{parent}/.{name}{tag}"
    else:
        local = Path(out).resolve()
        local.parent.mkdir(parents=True, exist_ok=True)
        tmp = f"file://{local.parent / f'.{local.name}{tag}'}"
    fs, tmp_path = _hadoop_fs(session, tmp)
    try:
        frame.write.mode("errorifexists").parquet(tmp)
        written = session.read.parquet(tmp)
        stats = tuple(written.selectExpr("count(*)", "sum(tkm)", "sum(wtw_kgco2e)").collect()[0])
        if local is None:
            _publish_uri(session, fs, tmp, out, single)
        else:
            _publish_local(local.parent / f".{local.name}{tag}", local, single)
    finally:
        with contextlib.suppress(Exception):
            fs.delete(tmp_path, True)
    return (out if local is None else str(local)), stats


def _publish_local(tmp: Path, target: Path, single: bool) -> None:
    for crc in tmp.glob(".*.crc"):
        crc.unlink()
    if single:
        (part,) = tmp.glob("part-*.parquet")
        os.chmod(part, 0o644)
        os.replace(part, target)
        return
    (tmp / "_SUCCESS").unlink(missing_ok=True)
    old = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.old"
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old.exists():
            os.replace(old, target)
        raise
    if old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.unlink(missing_ok=True)


def _publish_uri(session: Any, fs: Any, tmp: str, out: str, single: bool) -> None:
    jvm = session.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(out)
    if single:
        parts = fs.globStatus(jvm.org.apache.hadoop.fs.Path(f"{tmp}/part-*.parquet"))
        source = parts[0].getPath()
    else:
        source = jvm.org.apache.hadoop.fs.Path(tmp)
    if fs.exists(target):
        fs.delete(target, True)
    if not fs.rename(source, target):
        raise OSError(f"cannot rename the Spark output onto {out}")


def _report(views: _Views, ssrc: str, lsrc: str) -> InputError:
    # Bad rows by key, for inputs the pandas checker cannot read (URIs).
    n = views.name
    session = views.session
    problems: list[str] = []
    for r in session.sql(f"SELECT sid FROM {n('s')} WHERE bad").take(_MAX_REPORTED):
        problems.append(f"{ssrc} shipment_id {r[0]!r}: fails a row check")
    for r in session.sql(f"SELECT sid, leg_no FROM {n('l')} WHERE bad").take(_MAX_REPORTED):
        problems.append(f"{lsrc} shipment_id {r[0]!r} leg {r[1]}: fails a row check")
    # A kind without intensity: unknown mode or vehicle class, or e.g. refrigerated rail.
    rows: list[Any] = []
    with contextlib.suppress(Exception):  # no kind table when no ship date could be read
        rows = session.sql(
            f"SELECT l.sid, l.leg_no, l.kind FROM {n('l')} AS l LEFT JOIN {n('f')} AS f "
            "ON f.kind = l.kind AND f.refr = l.refr WHERE NOT l.bad AND f.kind IS NULL"
        ).take(_MAX_REPORTED)
    for r in rows:
        problems.append(
            f"{lsrc} shipment_id {r[0]!r} leg {r[1]}: unknown mode or vehicle class {r[2]!r}, "
            "or no default intensity for it (refrigerated off road)"
        )
    groups = session.sql(
        f"SELECT sid, sum(n) AS ns, count(leg_no) AS nl, max(leg_no) AS mx, "
        f"count(DISTINCT leg_no) AS nd FROM (SELECT sid, NULL AS leg_no, 1 AS n FROM {n('s')} "
        f"UNION ALL SELECT sid, leg_no, 0 AS n FROM {n('l')}) AS u GROUP BY sid "
        "HAVING sum(n) <> 1 OR count(leg_no) = 0 OR max(leg_no) <> count(leg_no) "
        "OR count(DISTINCT leg_no) <> count(leg_no)"
    ).take(_MAX_REPORTED)
    for sid, ns, nl, mx, nd in groups:
        if ns == 0:
            what = f"{lsrc} shipment_id {sid!r}: leg of a shipment missing from {ssrc}"
        elif ns > 1:
            what = f"{ssrc} shipment_id {sid!r}: duplicated"
        elif nl == 0:
            what = f"{ssrc} shipment_id {sid!r}: shipment has no legs"
        elif nd != nl:
            what = f"{lsrc} shipment_id {sid!r}: a leg number is duplicated"
        else:
            what = f"{ssrc} shipment_id {sid!r}: legs 1..{mx} expected, {nl} given"
        problems.append(what)
    if not problems:
        problems.append(f"{ssrc}: no shipments, or a value the Spark checks cannot read")
    return InputError(
        f"{len(problems)} problem(s): "
        + "; ".join(problems[:_MAX_REPORTED])
        + " (run on local copies of the files for messages with row and column)",
        source=ssrc,
    )


def _trip_problem(views: _Views, allocation: str) -> InputError:
    # Checked input that still fails the SQL checks: a trip mixing leg kinds, or (allocation
    # by volume) a shipment on a shared trip without a volume.
    if views.value(f"SELECT COALESCE(bool_or(mixed), FALSE) FROM {views.name('t')}"):
        return InputError(MIXED_TRIP, column="trip_id")
    if allocation == "volume":
        return InputError(
            "allocation by volume needs a volume > 0 for every shipment on a shared trip",
            column="volume_m3",
        )
    return InputError("the input fails a check of the Spark engine", column="shipment_id")


def _volume_report(views: _Views, ssrc: str) -> InputError | None:
    # Allocation by volume, inputs given as URIs: shipments on shared trips without a volume.
    n = views.name
    # On Spark the legs' shipment key sno is the shipment id (Dialect.row_key).
    rows = views.session.sql(
        f"SELECT DISTINCT lg.sno, lg.trip FROM {n('lg')} AS lg JOIN {n('t')} AS t "
        "USING (trip) WHERE t.n > 1 AND (lg.w IS NULL OR NOT lg.w > 0) ORDER BY lg.sno"
    ).take(_MAX_REPORTED)
    if not rows:
        return None
    problems = [
        f"{ssrc} shipment_id {sid!r}: volume_m3 missing or zero (allocation by volume needs a "
        f"volume > 0 m³ for every shipment on a shared trip, here trip {trip})"
        for sid, trip in rows
    ]
    return InputError(f"{len(problems)} problem(s): " + "; ".join(problems), source=ssrc)


def _spark_checked(
    session: Any,
    shipments: str,
    legs: str,
    out: str,
    year: int | None,
    local: bool,
    allocation: str = "tkm",
    trips: tuple[pd.DataFrame, str] | None = None,
) -> dict[str, Any]:
    from parkzero.logistics.pipeline import (
        LEG_COLUMNS,
        SHIPMENT_COLUMNS,
        _summary,
        fuel_trips,
    )

    views = _Views(session)
    try:
        try:
            s_raw = views.put("s_raw", _read(session, shipments))
            l_raw = views.put("l_raw", _read(session, legs))
            sc, lc = _columns(s_raw), _columns(l_raw)
        except InputError:
            raise
        except Exception:  # unreadable for Spark: let the pandas reader say why
            raise Unsupported("read") from None
        if any(c not in sc for c in SHIPMENT_COLUMNS) or any(c not in lc for c in LEG_COLUMNS):
            raise Unsupported("columns")
        if allocation == "volume" and "volume_m3" not in sc:
            raise Unsupported("volume_m3")
        n = views.name
        views.sql("s", shipments_select(SPARK, sc, n("s_raw")), persist=True)
        views.sql("l", legs_select(SPARK, lc, n("l_raw")))
        try:
            fp, bad = _tables(views, year, allocation, lambda y: fuel_trips(trips, y))
        except Exception:  # a malformed file surfaces only when Spark reads it
            raise Unsupported("read") from None
        if bad:
            if local:  # the pandas checker names the rows
                raise Unsupported("rows")
            if views.value(check_rows_sql(n("s"), n("l"))):
                raise _report(views, _name(shipments), _name(legs))
            if allocation == "volume":
                problem = _volume_report(views, _name(shipments))
                if problem is not None:
                    raise problem
            raise Unsupported("rows")
        where, (count, tkm, total) = _write(session, fp, out)
    finally:
        views.close()
    return _summary(count, tkm, total, "spark", where, allocation)


def _driver_table(session: Any, location: str) -> tuple[pd.DataFrame, str]:
    # A small input (the trips file) read by Spark, gathered on the driver as text columns.
    frame = _read(session, location)
    columns = list(frame.columns)
    rows = [tuple(None if v is None else str(v) for v in r) for r in frame.collect()]
    return pd.DataFrame.from_records(rows, columns=columns), _name(location)


def _name(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def run_spark(
    shipments_path: str | os.PathLike[str],
    legs_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    allocation: str = "tkm",
    year: int | None = None,
    master: str | None = DEFAULT_MASTER,
    conf: Mapping[str, str] | None = None,
    trips_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Read, check, compute and write the footprints of a batch of shipments on Spark.

    Parameters
    ----------
    shipments_path, legs_path : path or URI
        CSV or Parquet files of the schemas in :mod:`parkzero.logistics.pipeline` [-].
    out_path : path or URI
        ``*.parquet``: one Parquet file; anything else: a folder of part files [-].
    allocation : {"tkm", "mass", "volume"}
        Allocation of a trip's emissions among its legs (by t·km, shipment mass or shipment
        volume), see :func:`parkzero.logistics.pipeline.compute_footprints` [-].
    year : int, optional
        Year of the factor lookup; defaults to the year of the latest ``ship_date`` [yr].
    master : str, optional
        Spark master, see :func:`spark_session` [-].
    conf : mapping of str to str, optional
        Extra Spark settings [-].
    trips_path : path or URI, optional
        Fuel-based trips (:mod:`parkzero.logistics.trips`); read by Spark and gathered on the
        driver, where their emissions are computed (one row per trip) [-].

    Returns
    -------
    dict
        ``shipments`` [-], ``tkm`` [t·km], ``total_kgco2e`` [kgCO2e], ``kgco2e_per_tkm``
        [kgCO2e/(t·km)], ``engine`` ("spark"), ``allocation``, ``out`` (what was written).

    Raises
    ------
    InputError
        Every bad row (up to 20), as :func:`parkzero.logistics.pipeline.compute_footprints`;
        nothing is written.
    ConfigError
        PySpark is not installed.
    """
    require_pyspark()
    (shipments, s_local), (legs, l_local) = _location(shipments_path), _location(legs_path)
    _kind(shipments), _kind(legs)
    out = os.fspath(out_path)
    with spark_session(master, conf) as session, _run_conf(session):
        trips = None if trips_path is None else _driver_table(session, os.fspath(trips_path))
        try:
            local = s_local is not None and l_local is not None
            return _spark_checked(session, shipments, legs, out, year, local, allocation, trips)
        except Unsupported:
            if s_local is None or l_local is None:
                raise InputError(
                    "Spark cannot check these files: a required column is missing, or a column "
                    "is neither text nor a number (see the input schemas in docs/logistics.md)",
                    source=f"{_name(shipments)}, {_name(legs)}",
                ) from None
        # The pandas checker reports the bad rows (raising InputError); when it finds none,
        # the checked tables are computed on Spark all the same.
        from parkzero.logistics.pipeline import _summary, compute_footprints, read_table

        result = compute_footprints(
            read_table(s_local),
            read_table(l_local),
            engine="spark",
            allocation=allocation,
            year=year,
            shipments_source=_name(shipments),
            legs_source=_name(legs),
            trips=None if trips is None else trips[0],
            trips_source="trips" if trips is None else trips[1],
        )
        frame = session.createDataFrame(_records(result.footprints[list(_OUTPUT)]), _OUTPUT_SCHEMA)
        where, (count, tkm, total) = _write(session, frame, out)
        return _summary(count, tkm, total, "spark", where, allocation)


def footprints_frame(
    shipments: pd.DataFrame,
    legs: pd.DataFrame,
    *,
    year: int,
    allocation: str = "tkm",
    master: str | None = DEFAULT_MASTER,
    conf: Mapping[str, str] | None = None,
    fuel: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Footprints of checked tables, computed on Spark (``compute_footprints(engine="spark")``).

    Parameters
    ----------
    shipments : DataFrame
        Checked shipments: ``shipment_id, customer_id, ship_date`` [date], ``mass_t`` [t],
        ``hub_category, hub_temperature, hub_kgco2e_per_t`` [kgCO2e/t or NaN], ``volume_m3``
        [m³ or NaN; > 0 on shared trips for ``allocation="volume"``].
    legs : DataFrame
        Checked legs: ``shipment_id, leg_no, mode, distance_km`` [km], ``vehicle_class``,
        ``refrigerated``, ``trip_id`` (every leg has one; a leg that is its own trip has its
        own id).
    year : int
        Year of the factor lookup [yr].
    allocation : {"tkm", "mass", "volume"}
        Allocation of a trip's emissions among its legs [-].
    master, conf
        As :func:`run_spark`; an active session is reused.
    fuel : DataFrame, optional
        Fuel-based trips, index ``trip_id``: ``wtw_kgco2e``, ``ttw_kgco2e`` [kgCO2e].

    Returns
    -------
    DataFrame
        One row per shipment, sorted by ``shipment_id``, the pipeline's output columns
        (t·km [t·km], emissions [kgCO2e]).
    """
    s = pd.DataFrame(
        {
            "sid": shipments["shipment_id"].astype(str),
            "cid": shipments["customer_id"].astype(str),
            "d": shipments["ship_date"],
            "mass": shipments["mass_t"].astype(float),
            "vol": shipments["volume_m3"].astype(float),
            "cat": shipments["hub_category"],
            "temp": shipments["hub_temperature"],
            "meas": shipments["hub_kgco2e_per_t"].astype(float),
        }
    )
    from parkzero.logistics.pipeline import fuel_table

    empty = pd.DataFrame(columns=["wtw_kgco2e", "ttw_kgco2e"], dtype=float)
    tf = fuel_table((empty if fuel is None else fuel).rename_axis("trip_id").reset_index())
    road = (legs["mode"] == "road").to_numpy()
    g = pd.DataFrame(
        {
            "sid": legs["shipment_id"].astype(str),
            "leg_no": legs["leg_no"].astype("int64"),
            "kind": legs["vehicle_class"].astype(object).where(road, legs["mode"]).astype(str),
            "dist": legs["distance_km"].astype(float),
            "refr": legs["refrigerated"].astype(bool),
            # compute_footprints has applied the distance adjustment factors already
            "sfd": False,
            "trip": legs["trip_id"].astype(str),
            "lf": legs["load_factor"].astype(float),
            "er": legs["empty_running"].astype(float),
        }
    )
    with spark_session(master, conf) as session, _run_conf(session):
        views = _Views(session)
        try:
            views.put("s_in", session.createDataFrame(_records(s), _S_SCHEMA))
            views.put("l_in", session.createDataFrame(_records(g), _L_SCHEMA))
            n = views.name
            views.sql(
                "s",
                "SELECT sid, cid, d, mass, vol, cat, temp, "
                "CASE WHEN cat IS NOT NULL THEN meas END "
                f"AS meas, FALSE AS bad FROM {n('s_in')}",
            )
            views.sql("l", f"SELECT *, FALSE AS bad FROM {n('l_in')}")
            fp, bad = _tables(views, year, allocation, lambda _year: tf)
            if bad:
                raise _trip_problem(views, allocation)
            rows = [tuple(r) for r in fp.orderBy("shipment_id").collect()]
        finally:
            views.close()
    out = pd.DataFrame.from_records(rows, columns=list(_OUTPUT))
    return out.astype({k: v for k, v in _OUTPUT.items() if v is not object})


_S_SCHEMA = (
    "sid STRING, cid STRING, d DATE, mass DOUBLE, vol DOUBLE, cat STRING, temp STRING, meas DOUBLE"
)
_L_SCHEMA = (
    "sid STRING, leg_no BIGINT, kind STRING, dist DOUBLE, refr BOOLEAN, sfd BOOLEAN, "
    "trip STRING, lf DOUBLE, er DOUBLE"
)
# The leg-kind table (parkzero.logistics.pipeline.KIND_COLUMNS).
_KIND_SCHEMA = (
    "kind STRING, refr BOOLEAN, per_tkm DOUBLE, ttw_tkm DOUBLE, laden BOOLEAN, "
    "payload DOUBLE, te0 DOUBLE, te1 DOUBLE, we0 DOUBLE, we1 DOUBLE, lf_ref DOUBLE, "
    "er_ref DOUBLE, daf DOUBLE, factor_id STRING, fno BIGINT"
)
# Output columns and their pandas dtypes (object: text and dates as Python objects).
_OUTPUT: dict[str, Any] = {
    "shipment_id": str,
    "customer_id": str,
    "ship_date": object,
    "mass_t": float,
    "legs": "int64",
    "tkm": float,
    "transport_wtw_kgco2e": float,
    "transport_ttw_kgco2e": float,
    "hub_wtw_kgco2e": float,
    "wtw_kgco2e": float,
}
_OUTPUT_SCHEMA = (
    "shipment_id STRING, customer_id STRING, ship_date DATE, mass_t DOUBLE, legs BIGINT, "
    "tkm DOUBLE, transport_wtw_kgco2e DOUBLE, transport_ttw_kgco2e DOUBLE, "
    "hub_wtw_kgco2e DOUBLE, wtw_kgco2e DOUBLE"
)


def _records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    # Rows of plain Python values, None for missing (no pandas interop in PySpark needed).
    def plain(v: Any) -> Any:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            return None
        return v

    columns = [[plain(v) for v in frame[c].tolist()] for c in frame.columns]
    return list(zip(*columns, strict=True))
