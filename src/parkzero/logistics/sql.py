"""SQL of the shipments pipeline, shared by the DuckDB and Spark engines.

The batch pipeline (:func:`parkzero.logistics.pipeline.run_pipeline`) runs the same statements
on DuckDB in-process and on Apache Spark (:mod:`parkzero.logistics.spark`). The builders here
return SQL text; where the two dialects differ (identifier quoting, string literals, regular
expressions, date parsing, "is finite") they ask a
:class:`Dialect`. Everything else — the row checks, the trip totals, the allocation (by t·km, mass or
volume: one weight expression, :data:`ALLOCATION_WEIGHTS`) and the hub operations — is one text for both engines, so the two compute the same numbers in the same
order of operations.

The statements read and create these relations (the caller names them):

``s``
    normalised shipments: ``sid, cid, d`` [date], ``mass`` [t], ``vol`` [m³ or NULL],
    ``cat, temp``, ``meas`` [kgCO2e/t, measured hub intensity or NULL], ``bad`` (a row check
    failed).
``l``
    normalised legs: ``sid, leg_no, dist`` [km], ``kind`` (road vehicle class, else the mode),
    ``refr``, ``sfd`` (``dist`` is the shortest feasible distance), ``trip`` (NULL = the leg is
    its own trip), ``lf``, ``er`` [-], ``bad``.
``f``
    intensity per (kind, refr): ``per_tkm`` [kgCO2e/(t·km)], ``factor_id``, ``fno``
    (its number) — every kind parkzero has a default for, not only those in the input.
``h``
    default hub intensity per (cat, temp): ``kg`` [kgCO2e/t].
``lg``, ``t``, ``fp``
    legs with t·km [t·km], emissions [kgCO2e] and allocation weight ``w`` (t·km [t·km], mass
    [t] or volume [m³], see :data:`ALLOCATION_WEIGHTS`); trip totals; the footprints (the
    output columns of :data:`parkzero.logistics.pipeline.OUTPUT_COLUMNS` and ``bad``).

The checks ride on the passes the footprint needs anyway: ``lg.bad`` (bad leg rows, legs of
unknown shipments, leg kinds without intensity) and ``fp.bad`` (bad shipment rows, duplicated
ids, shipments without legs, leg numbers not 1..k, mixed trips, unknown hubs, missing volumes),
so a clean input is read, checked and computed in one pass over each file.

The checks are conservative: a row the SQL cannot vouch for (padded text, an unusual number
format, a column type it does not handle) counts as bad, and the engines then hand the input to
the pandas checker, which writes the per-row messages.

>>> DUCKDB.ident('a"b'), SPARK.ident("a`b")
('"a""b"', '`a``b`')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALLOCATION_WEIGHTS",
    "DUCKDB",
    "MIXED_TRIP",
    "SPARK",
    "Columns",
    "Dialect",
    "Unsupported",
    "bad_legs_sql",
    "check_rows_sql",
    "footprints_sql",
    "legs_emissions_sql",
    "legs_select",
    "shipments_select",
    "trips_sql",
    "unknown_trips_sql",
    "weight_column",
    "year_sql",
]

#: Stripped column name → (quoted raw name, type in DuckDB's spelling, e.g. ``VARCHAR``) [-].
Columns = dict[str, tuple[str, str]]

# Whitespace that Python's str.strip removes, as a character class RE2 and Java both read.
_WS = r"[\s\v\p{Z}\x{1c}-\x{1f}\x{85}]"
_NUM_RE = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_INT_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_NUM_TYPES = (*_INT_TYPES, "UBIGINT", "HUGEINT", "FLOAT", "DOUBLE")
_TRUE = ("1", "true", "yes", "y", "t")
# Type of a column without any value (e.g. a Parquet column written from all-None data).
_NULL_TYPES = ('"NULL"', "NULL", "VOID")

#: What a trip without fuel data (:func:`trips_sql`'s ``mixed``) must keep the same on every
#: leg, as both engines say it [-].
MIXED_TRIP = (
    "legs of one trip must have the same mode, vehicle class, refrigeration, load factor and "
    "empty running"
)

#: Allocation weight of a leg within its trip, by allocation method, as SQL over the
#: normalised shipments ``{s}`` and legs ``{l}``: transport activity [t·km] (ISO 14083
#: default), shipment mass [t] or shipment volume [m³] (GHG Protocol alternatives) [-].
ALLOCATION_WEIGHTS = {
    "tkm": "{s}.mass * {l}.dist",
    "mass": "{s}.mass",
    "volume": "{s}.vol",
}


class Unsupported(Exception):
    """The SQL path cannot vouch for the input; the pandas checker must look at it."""


@dataclass(frozen=True)
class Dialect:
    """What differs between DuckDB SQL and Spark SQL in the pipeline's statements.

    Parameters
    ----------
    name : {"duckdb", "spark"}
        The engine [-].
    """

    name: str

    @property
    def string_type(self) -> str:
        """Name of the text type [-]."""
        return "VARCHAR" if self.name == "duckdb" else "STRING"

    def ident(self, name: str) -> str:
        """A quoted identifier [-]."""
        if self.name == "duckdb":
            return '"' + name.replace('"', '""') + '"'
        return "`" + name.replace("`", "``") + "`"

    def lit(self, text: str) -> str:
        """A string literal (Spark reads backslash escapes in literals, DuckDB does not) [-]."""
        if self.name == "duckdb":
            return "'" + text.replace("'", "''") + "'"
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def isfinite(self, x: str) -> str:
        """``x`` is neither NaN nor ±infinity (NULL stays NULL) [-]."""
        if self.name == "duckdb":
            return f"isfinite({x})"
        # Spark sorts NaN above +infinity, so this is false for NaN and ±inf.
        return f"(abs({x}) < CAST('Infinity' AS DOUBLE))"

    def full_match(self, x: str, pattern: str) -> str:
        """``x`` matches `pattern` as a whole [-]."""
        if self.name == "duckdb":
            return f"regexp_full_match({x}, {self.lit(pattern)})"
        anchored = "^(?:" + pattern + r")\z"
        return f"({x} RLIKE {self.lit(anchored)})"

    def padded(self, raw: str) -> str:
        """Text with leading or trailing whitespace; false for NULL [-]."""
        if self.name == "duckdb":
            # The regex runs only where the first or last character is not printable ASCII.
            edge = (
                f"unicode({raw}) NOT BETWEEN 33 AND 126 OR "
                f"unicode(right({raw}, 1)) NOT BETWEEN 33 AND 126"
            )
            edges = self.lit("^" + _WS + "|" + _WS + "$")
            return (
                f"CASE WHEN {raw} <> '' AND ({edge}) THEN regexp_matches({raw}, {edges}) "
                "ELSE FALSE END"
            )
        edges = "^" + _WS + "|" + _WS + r"\z"
        return (
            f"CASE WHEN ascii({raw}) BETWEEN 33 AND 126 AND ascii(right({raw}, 1)) BETWEEN 33 "
            f"AND 126 THEN FALSE ELSE COALESCE({raw} RLIKE {self.lit(edges)}, FALSE) END"
        )

    def date(self, raw: str) -> str:
        """``raw`` (text ``YYYY-MM-DD``) as a date, NULL when it is not a valid date [-]."""
        if self.name == "duckdb":
            return f"CAST(try_strptime({raw}, '%Y-%m-%d') AS DATE)"
        return f"to_date(try_to_timestamp({raw}, 'yyyy-MM-dd'))"

    def row_key(self, s: str) -> str:
        """Key of a row of the shipments table `s` for the joins and the group-by: DuckDB's
        integer ``rowid`` (hashing integers is cheaper than text), Spark's ``sid`` [-]."""
        return f"{s}.rowid" if self.name == "duckdb" else f"{s}.sid"

    def shift_left(self, x: str, n: str) -> str:
        """``x`` shifted left by `n` bits (integers) [-]."""
        if self.name == "duckdb":
            return f"({x} << {n})"
        return f"shiftleft({x}, {n})"

    def contains(self, x: str, text: str) -> str:
        """``x`` contains `text` [-]."""
        if self.name == "duckdb":
            return f"contains({x}, {self.lit(text)})"
        return f"(instr({x}, {self.lit(text)}) > 0)"


#: DuckDB's dialect [-].
DUCKDB = Dialect("duckdb")
#: Spark SQL's dialect (Spark 3.5 and 4; ANSI mode on or off) [-].
SPARK = Dialect("spark")


def _text(d: Dialect, cols: Columns, name: str, checks: list[str]) -> str:
    if name not in cols or cols[name][1] in _NULL_TYPES:
        return f"CAST(NULL AS {d.string_type})"
    raw, ctype = cols[name]
    if ctype in _INT_TYPES:
        return f"CAST({raw} AS {d.string_type})"
    if ctype != "VARCHAR":
        raise Unsupported(name)
    # Padded text is stripped differently by Python and SQL: leave it to the pandas checker.
    checks.append(d.padded(raw))
    return f"NULLIF({raw}, '')"


def _num(d: Dialect, cols: Columns, name: str, checks: list[str], optional: bool = False) -> str:
    if name not in cols or (optional and cols[name][1] in _NULL_TYPES):
        return "CAST(NULL AS DOUBLE)"
    raw, ctype = cols[name]
    if ctype in _NUM_TYPES:
        value = f"CAST({raw} AS DOUBLE)"
        ok = f"({d.isfinite(value)} AND {value} >= 0)"
    elif ctype == "VARCHAR":
        value = f"TRY_CAST({raw} AS DOUBLE)"
        ok = f"({d.full_match(raw, _NUM_RE)} AND {d.isfinite(value)} AND {value} >= 0)"
    else:
        raise Unsupported(name)
    if not optional:
        checks.append(f"{raw} IS NULL OR NOT {ok}")
    elif ctype == "VARCHAR":  # blank = no value
        checks.append(f"NOT ({raw} IS NULL OR {raw} = '') AND NOT {ok}")
    else:
        checks.append(f"{raw} IS NOT NULL AND NOT {ok}")
    return value


def _bad(checks: list[str]) -> str:
    return f"COALESCE({' OR '.join(f'({c})' for c in checks)}, TRUE) AS bad"


def shipments_select(d: Dialect, cols: Columns, source: str) -> str:
    """SELECT that normalises the raw shipments relation `source` into ``s``.

    Parameters
    ----------
    d : Dialect
    cols : Columns
        Columns of `source` (must hold the required ones) [-].
    source : str
        Relation to read [-].

    Raises
    ------
    Unsupported
        For a column type the SQL does not handle like the pandas checker.
    """
    checks: list[str] = []
    date_raw, date_type = cols["ship_date"]
    if date_type != "VARCHAR":
        raise Unsupported("ship_date")
    date = d.date(date_raw)
    checks.append(
        f"{date_raw} IS NULL OR NOT {d.full_match(date_raw, _DATE_RE)} OR {date} IS NULL "
        f"OR year({date}) NOT BETWEEN 1678 AND 2261"
    )
    sid, cid = _text(d, cols, "shipment_id", checks), _text(d, cols, "customer_id", checks)
    mass = _num(d, cols, "mass_t", checks)
    cat, temp = _text(d, cols, "hub_category", checks), _text(d, cols, "hub_temperature", checks)
    meas = _num(d, cols, "hub_kgco2e_per_t", checks, optional=True)
    vol = _num(d, cols, "volume_m3", checks, optional=True)
    checks += [f"({sid}) IS NULL", f"({cid}) IS NULL"]
    return (
        f"SELECT {sid} AS sid, {cid} AS cid, {date} AS d, "
        f"{mass} AS mass, {vol} AS vol, {cat} AS cat, COALESCE({temp}, 'ambient') AS temp, "
        f"CASE WHEN {cat} IS NOT NULL THEN {meas} END AS meas, {_bad(checks)} FROM {source}"
    )


def _flag(d: Dialect, cols: Columns, name: str, checks: list[str]) -> str:
    # A true/false column (missing or blank = false), as the pandas checker reads it.
    if name not in cols:
        return "FALSE"
    raw, ctype = cols[name]
    if ctype == "BOOLEAN":
        return f"COALESCE({raw}, FALSE)"
    truthy = ", ".join(d.lit(t) for t in _TRUE)
    return f"COALESCE(lower({_text(d, cols, name, checks)}) IN ({truthy}), FALSE)"


def legs_select(d: Dialect, cols: Columns, source: str) -> str:
    """SELECT that normalises the raw legs relation `source` into ``l``.

    A leg's ``kind`` is its road vehicle class (default ``hgv``) or, off road, its mode; an
    unknown mode or class is a kind without intensity in ``f``, which
    :func:`legs_emissions_sql` marks bad (one small join instead of two list checks).

    Parameters
    ----------
    d : Dialect
    cols : Columns
        Columns of `source` [-].
    source : str
        Relation to read [-].

    Raises
    ------
    Unsupported
        For a column type the SQL does not handle like the pandas checker.
    """
    checks: list[str] = []
    lsid, mode = _text(d, cols, "shipment_id", checks), _text(d, cols, "mode", checks)
    leg_no, dist = _num(d, cols, "leg_no", checks), _num(d, cols, "distance_km", checks)
    vclass, trip = _text(d, cols, "vehicle_class", checks), _text(d, cols, "trip_id", checks)
    lf = _num(d, cols, "load_factor", checks, optional=True)
    er = _num(d, cols, "empty_running", checks, optional=True)
    refr, sfd = _flag(d, cols, "refrigerated", checks), _flag(d, cols, "shortest_feasible", checks)
    checks += [
        # A leg without trip id is its own trip, named "<shipment_id>#<leg_no>" by the pandas
        # path; an explicit id with "#" could clash with such a name: the pandas path decides.
        f"COALESCE({d.contains(trip, '#')}, FALSE)",
        f"{leg_no} < 1 OR {leg_no} <> floor({leg_no}) OR {leg_no} > 1e9",
        f"COALESCE({lf} <= 0 OR {lf} > 1 OR {er} >= 1, FALSE)",
    ]
    return (
        f"SELECT {lsid} AS sid, "
        f"CASE WHEN {d.isfinite(leg_no)} AND {leg_no} BETWEEN 1 AND 1e9 "
        f"THEN CAST({leg_no} AS BIGINT) END AS leg_no, {dist} AS dist, "
        f"CASE WHEN lower({mode}) = 'road' THEN COALESCE(lower({vclass}), 'hgv') "
        f"ELSE lower({mode}) END AS kind, {refr} AS refr, {sfd} AS sfd, "
        f"{trip} AS trip, {lf} AS lf, {er} AS er, {_bad(checks)} FROM {source}"
    )


def check_rows_sql(s: str = "s", l: str = "l") -> str:  # noqa: E741
    """One boolean, true when there is no shipment, a bad row, a duplicated shipment id, a leg
    of an unknown shipment, a shipment without legs, or a duplicated or missing leg number;
    one pass over both relations plus one over the legs' (shipment, leg number) pairs [-].

    Leg numbers 1..k of a shipment with k legs are exactly a permutation when the largest is k
    and no (shipment, leg number) pair repeats; the pair check as its own hash aggregate is
    about twice as fast as ``count(DISTINCT leg_no)`` per shipment (10 M shipments: 12 s).
    """
    return (
        "SELECT (SELECT count(*) = 0 OR COALESCE(bool_or(bad), FALSE) FROM ("
        "SELECT bool_or(bad) OR sum(n) <> 1 OR count(leg_no) = 0 "
        "OR max(leg_no) <> count(leg_no) AS bad "
        f"FROM (SELECT sid, NULL AS leg_no, 1 AS n, bad FROM {s} "
        f"UNION ALL SELECT sid, leg_no, 0 AS n, bad FROM {l}) AS u GROUP BY sid) AS g) "
        "OR (SELECT count(*) > 0 FROM ("
        f"SELECT sid FROM {l} WHERE leg_no IS NOT NULL GROUP BY sid, leg_no "
        "HAVING count(*) > 1) AS d)"
    )


def year_sql(s: str = "s") -> str:
    """The year of the latest ship date, for the factor lookup [yr]."""
    return f"SELECT max(year(d)) FROM {s}"


def _weight(allocation: str, s: str, l: str) -> str:  # noqa: E741
    try:
        return ALLOCATION_WEIGHTS[allocation].format(s=s, l=l)
    except KeyError:
        raise ValueError(
            f'unknown allocation "{allocation}" (expected one of {", ".join(ALLOCATION_WEIGHTS)})'
        ) from None


def _laden(f: str, e0: str, e1: str, lf: str, er: str) -> str:
    # Intensity of the laden model at load factor lf and empty running er [kgCO2e/(t·km)],
    # in the order of operations of parkzero.logistics.road.laden_per_tkm.
    return (
        f"(({f}.{e0} + ({f}.{e1} - {f}.{e0}) * {lf} + {f}.{e0} * {er} / (1 - {er})) "
        f"/ ({f}.payload * {lf}))"
    )


def legs_emissions_sql(
    d: Dialect,
    allocation: str = "tkm",
    l: str = "l",  # noqa: E741
    s: str = "s",
    f: str = "f",
) -> str:
    """Legs with their shipment's row key ``sno`` (:meth:`Dialect.row_key`), t·km [t·km],
    WTW and TTW intensities ``i`` and ``it`` [kgCO2e/(t·km)] (TTW NULL where unknown; the
    distance-based emissions are ``tkm * i`` and ``tkm * it`` [kgCO2e]), the allocation weight
    ``w`` of `allocation` (:data:`ALLOCATION_WEIGHTS`) and the leg kind's number ``fno``
    (relation ``lg``) [-].

    A leg with a load factor ``lf`` or empty running ``er`` takes the laden model of its
    kind (the other value at the kind's reference); without either, the kind's reference
    intensities ``per_tkm`` / ``ttw_tkm``.

    ``bad`` is true for a bad leg row, a leg of a shipment missing from ``s``, a leg kind
    without intensity in ``f`` (for example refrigerated rail) and a load factor or empty
    running on a kind without laden model, so these checks need no pass of their own. A
    shipment id repeated in ``s`` repeats its legs: ``lg`` then has more rows than ``l``,
    which the caller checks.
    """
    given = f"({l}.lf IS NOT NULL OR {l}.er IS NOT NULL)"
    # A shortest feasible distance is multiplied by the kind's distance adjustment factor.
    dist = f"CASE WHEN {l}.sfd THEN {l}.dist * {f}.daf ELSE {l}.dist END"
    # By t·km the weight is the leg's tkm column itself (weight_column), not a copy.
    weight = "" if allocation == "tkm" else f"{_weight(allocation, s, l)} AS w, "
    lf, er = f"COALESCE({l}.lf, {f}.lf_ref)", f"COALESCE({l}.er, {f}.er_ref)"
    wtw = f"CASE WHEN {given} THEN {_laden(f, 'we0', 'we1', lf, er)} ELSE {f}.per_tkm END"
    ttw = f"CASE WHEN {given} THEN {_laden(f, 'te0', 'te1', lf, er)} ELSE {f}.ttw_tkm END"
    return (
        f"SELECT {d.row_key(s)} AS sno, {l}.trip, {l}.leg_no, {s}.mass * {dist} AS tkm, "
        f"{wtw} AS i, {ttw} AS it, {weight}{f}.fno, "
        f"({l}.bad OR {s}.sid IS NULL OR {f}.fno IS NULL "
        f"OR ({given} AND NOT COALESCE({f}.laden, FALSE)) "
        f"OR ({l}.sfd AND {f}.daf IS NULL)) AS bad "
        f"FROM {l} LEFT JOIN {s} ON {s}.sid = {l}.sid "
        f"LEFT JOIN {f} ON {f}.kind = {l}.kind AND {f}.refr = {l}.refr"
    )


def bad_legs_sql(lg: str = "lg", l_raw: str = "l_raw") -> str:
    """One boolean: some leg of ``lg`` is bad (:func:`legs_emissions_sql`), or ``lg`` has more
    rows than the raw legs `l_raw` (a shipment id repeated in ``s``) [-]."""
    return (
        f"SELECT COALESCE(bool_or(bad), FALSE) OR count(*) <> (SELECT count(*) FROM {l_raw}) "
        f"FROM {lg}"
    )


def weight_column(allocation: str) -> str:
    """Column of ``lg`` holding the allocation weight of `allocation`: ``tkm`` for t·km (the
    leg's transport activity), else ``w`` [-]."""
    _weight(allocation, "s", "l")  # an unknown allocation is an error here too
    return "tkm" if allocation == "tkm" else "w"


def trips_sql(lg: str = "lg", tf: str = "tf", allocation: str = "tkm") -> str:
    """Trip totals (relation ``t``): ``wtw`` and ``ttw`` [kgCO2e] (TTW NULL unless every leg's
    is known), ``tw`` total allocation weight (t·km, t or m³), ``n`` legs, ``mixed`` (legs of
    different kinds or intensities on one trip) [-].

    A trip of the fuel-based table `tf` (``trip, wtw, ttw`` [kgCO2e], from
    :func:`parkzero.logistics.trips.trip_energy`) takes those emissions in place of the sum of
    its legs' distance-based ones, and its legs' kinds need not agree.
    """
    return (
        "SELECT x.trip, CASE WHEN tf.trip IS NULL THEN x.wtw ELSE tf.wtw END AS wtw, "
        "CASE WHEN tf.trip IS NULL THEN x.ttw ELSE tf.ttw END AS ttw, x.tw, x.n, "
        "x.mixed AND tf.trip IS NULL AS mixed FROM ("
        "SELECT trip, SUM(tkm * i) AS wtw, "
        "CASE WHEN COUNT(it) = COUNT(*) THEN SUM(tkm * it) END AS ttw, "
        f"SUM({weight_column(allocation)}) AS tw, COUNT(*) AS n, "
        "min(fno) <> max(fno) OR min(i) <> max(i) AS mixed "
        f"FROM {lg} WHERE trip IS NOT NULL GROUP BY trip) AS x "
        f"LEFT JOIN {tf} AS tf ON tf.trip = x.trip"
    )


def unknown_trips_sql(tf: str = "tf", t: str = "t") -> str:
    """One boolean: a trip of the fuel-based table `tf` has no legs in ``t`` [-]."""
    return (
        f"SELECT COALESCE(bool_or(t.trip IS NULL), FALSE) FROM {tf} AS tf "
        f"LEFT JOIN {t} AS t ON t.trip = tf.trip"
    )


def footprints_sql(
    d: Dialect,
    allocation: str = "tkm",
    s: str = "s",
    lg: str = "lg",
    t: str = "t",
    h: str = "h",
) -> str:
    """Footprint per shipment (relation ``fp``, unordered): every trip's emissions (WTW, and
    TTW where every leg's is known) allocated by the legs' weight ``w``
    (:func:`legs_emissions_sql`) plus the hub operation [kgCO2e]; a trip whose weights sum to
    0 or are missing shares its emissions equally [-].

    The rows also carry ``bad``, true when the shipment fails a check: a bad shipment row, a
    duplicated shipment id, no legs, leg numbers that are not exactly 1..k (k legs, k ≤ 62:
    the legs' bits ``2^(leg_no-1)`` OR-ed together must be ``2^k - 1``), a leg on a trip that
    mixes intensities, an unknown hub category or temperature, and — for allocation by volume —
    a shipment on a shared trip without a volume > 0. These checks ride on the aggregation the
    footprint needs anyway; legs of unknown shipments are found by :func:`bad_legs_sql`, a
    repeated shipment id with legs by counting ``lg`` against ``l``.
    """
    unweighted = (
        " OR (COALESCE(t.n, 1) > 1 AND NOT COALESCE(lg.w > 0, FALSE))"
        if allocation == "volume"
        else ""
    )
    w = weight_column(allocation)

    def share(own: str, trip: str) -> str:
        # A leg's part of its trip's emissions `trip`; a leg alone on its trip keeps `own`.
        return (
            f"CASE WHEN lg.trip IS NULL THEN {own} WHEN COALESCE(t.tw, 0) <= 0 "
            f"THEN CAST(1 AS DOUBLE) / t.n * {trip} ELSE lg.{w} / t.tw * {trip} END"
        )

    ttw = share("lg.tkm * lg.it", "t.ttw")
    hub = "CASE WHEN s.cat IS NULL THEN CAST(0 AS DOUBLE) ELSE s.mass * COALESCE(s.meas, h.kg) END"
    bit = d.shift_left("CAST(1 AS BIGINT)", "CAST(lg.leg_no - 1 AS INT)")
    full = d.shift_left("CAST(1 AS BIGINT)", "CAST(least(COUNT(*), 62) AS INT)")
    return f"""
        WITH a AS (
            SELECT lg.sno, COUNT(*) AS legs, SUM(lg.tkm) AS tkm,
                   SUM({share("lg.tkm * lg.i", "t.wtw")}) AS transport,
                   CASE WHEN COUNT({ttw}) = COUNT(*) THEN SUM({ttw}) END AS transport_ttw,
                   COALESCE(bool_or(lg.bad OR COALESCE(t.mixed, FALSE){unweighted}), TRUE)
                   OR COUNT(*) > 62 OR max(lg.leg_no) <> COUNT(*)
                   OR bit_or(CASE WHEN lg.leg_no BETWEEN 1 AND 62 THEN {bit}
                                  ELSE CAST(0 AS BIGINT) END) <> {full} - 1 AS bad
            FROM {lg} AS lg LEFT JOIN {t} AS t ON t.trip = lg.trip GROUP BY lg.sno
        )
        SELECT s.sid AS shipment_id, s.cid AS customer_id, s.d AS ship_date,
               s.mass AS mass_t, a.legs, a.tkm,
               a.transport AS transport_wtw_kgco2e,
               a.transport_ttw AS transport_ttw_kgco2e,
               {hub} AS hub_wtw_kgco2e, a.transport + {hub} AS wtw_kgco2e,
               (s.bad OR a.sno IS NULL OR COALESCE(a.bad, TRUE)
                OR (s.cat IS NOT NULL AND h.kg IS NULL)) AS bad
        FROM {s} AS s LEFT JOIN a ON a.sno = {d.row_key("s")}
        LEFT JOIN {h} AS h ON s.cat = h.cat AND s.temp = h.temp
        """
