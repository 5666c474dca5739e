"""Builder of parkzero's packaged ``road_vehicle_classes.csv`` from the research data.

Usage: ``python tools/build_road_classes.py ../shared/data/factors src/parkzero/data``

Reads, from the shared research folder:

* ``china_cpcd_transport_factors.csv``: CPCD (中国产品全生命周期温室气体排放系数库) road
  freight rows of 2024, ``<微型|轻型|中型|重型>[冷链]<柴油|汽油|天然气|纯电动>货车运输`` with an
  optional gross-weight band ``[a kg,b kg]``; one life-cycle value each, kept as WTW;
* ``defra_beis_freight_tonne_km_2019_2021.csv`` (2021 rows): "Freighting goods" (TTW for fuels;
  grid generation + T&D for battery electric) and "WTT- delivery vehs & freight" per tonne.km;
* ``defra_beis_ghg_conversion_factors_2021_flat.csv``: the same groups per vehicle-km at 0 %,
  100 % and average laden (HGVs).

and, from the output folder, the hand-maintained vocabulary and gross-weight bands
``road_class_labels.csv``. Writes ``road_vehicle_classes.csv``, one row per class. For the
DEFRA HGV classes it derives the payload capacity (per-km ÷ per-t·km at 100 % laden), the
per-km TTW and WTW at 0 % and 100 % laden (the linear laden model of
:mod:`parkzero.logistics.road`) and the load factor implied by the average-laden rows, and
checks that TTW and WTT give the same payload. A maintenance tool, not part of the package.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable
from pathlib import Path

LIC_DEFRA = "OGL-3.0"
LIC_CPCD = (
    "CPCD terms not found (values via MIT-licensed export leo21468/CarbonCalculator); "
    "confirm redistribution rights"
)
DEFRA_DOC = "UK BEIS, Greenhouse gas reporting: conversion factors 2021, flat file v3 (kg CO2e)"
DEFRA_VERSION = "DEFRA-2021-v3"
CPCD_DOC = "CPCD 中国产品全生命周期温室气体排放系数库"

FIELDS = [
    "id",
    "region",
    "size",
    "gvw_min_t",
    "gvw_max_t",
    "energy",
    "refrigerated",
    "wtw_per_tkm",
    "ttw_per_tkm",
    "laden_model",
    "payload_t",
    "ttw_empty_per_km",
    "ttw_full_per_km",
    "wtw_empty_per_km",
    "wtw_full_per_km",
    "load_factor_ref",
    "empty_running_ref",
    "factor_id",
    "year",
    "boundary",
    "label",
    "status",
    "source",
    "licence",
    "notes",
]

# DEFRA 2021 group names: (per-km "Delivery vehicles" level 2, "Freighting goods" level 2,
# WTT level 2, refrigerated). Every HGV group of the 2021 file is "all diesel".
HGV_GROUPS = (
    ("HGV (all diesel)", "HGV (all diesel)", "WTT- HGV (all diesel)", False),
    (
        "HGVs refrigerated (all diesel)",
        "HGV refrigerated (all diesel)",
        "WTT- HGV refrigerated (all diesel)",
        True,
    ),
)
CPCD_NAME = re.compile(
    r"^(?P<size>微型|轻型|中型|重型)(?P<reefer>冷链)?(?P<energy>柴油|汽油|天然气|纯电动)货车运输"
    r"(?: \[(?P<lo>\d+)kg,(?P<hi>\d+)kg\])?$"
)
# Largest relative difference accepted between the payload derived from TTW and from WTT.
PAYLOAD_RTOL = 1e-3


def _num(x: float | None, digits: int = 8) -> str:
    return "" if x is None else repr(round(x, digits))


def _labels(path: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["kind"], r["region"], r["label"]): r for r in csv.DictReader(fh)}


def _opt(text: str) -> float | None:
    return float(text) if text.strip() else None


class Defra:
    """Lookups into the two DEFRA 2021 files."""

    def __init__(self, shared: Path) -> None:
        with (shared / "defra_beis_ghg_conversion_factors_2021_flat.csv").open(
            encoding="utf-8", newline=""
        ) as fh:
            self.flat = [r for r in csv.DictReader(fh) if r["GHG"] == "kg CO2e"]
        with (shared / "defra_beis_freight_tonne_km_2019_2021.csv").open(
            encoding="utf-8", newline=""
        ) as fh:
            self.tkm = [
                r for r in csv.DictReader(fh) if r["year"] == "2021" and r["ghg_unit"] == "kg CO2e"
            ]

    def per_km(self, l1: str, l2: str, l3: str, col: str) -> float:
        hits = [
            r
            for r in self.flat
            if (r["Level 1"], r["Level 2"], r["Level 3"], r["Column Text"], r["UOM"])
            == (l1, l2, l3, col, "km")
        ]
        if len(hits) != 1 or not hits[0]["GHG Conversion Factor 2021"].strip():
            raise SystemExit(f"DEFRA flat file: no single km row for {l1} | {l2} | {l3} | {col}")
        return float(hits[0]["GHG Conversion Factor 2021"])

    def per_tkm(self, l1: str, l2: str, l3: str, col: str) -> float:
        hits = [
            r
            for r in self.tkm
            if (r["level_1"], r["level_2"], r["level_3"], r["column_text"], r["uom"])
            == (l1, l2, l3, col, "tonne.km")
        ]
        if len(hits) != 1:
            raise SystemExit(f"DEFRA t·km file: no single row for {l1} | {l2} | {l3} | {col}")
        return float(hits[0]["factor"])

    def van_rows(self) -> Iterable[tuple[str, str]]:
        """(class label, fuel label) of every van row per tonne.km of "Freighting goods"."""
        for r in self.tkm:
            if r["level_1"] == "Freighting goods" and r["level_2"] == "Vans":
                yield r["level_3"], r["column_text"]


def cpcd_rows(shared: Path, labels: dict[tuple[str, str, str], dict[str, str]]) -> list[dict]:
    out = []
    with (shared / "china_cpcd_transport_factors.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            m = CPCD_NAME.match(r["name_cn"])
            if r["unit"] != "tonne-km" or m is None:
                continue
            size = labels[("size", "CN", m["size"])]
            energy = labels[("energy", "CN", m["energy"])]["key"]
            reefer = m["reefer"] is not None
            lo, hi = _opt(size["gvw_min_t"]), _opt(size["gvw_max_t"])
            cid = f"cn-{size['key']}-{energy}"
            notes = f"published as {r['value_as_published']}; size band {size['source']}"
            if m["lo"]:
                lo, hi = int(m["lo"]) / 1000, int(m["hi"]) / 1000
                cid += f"-{lo:g}-{hi:g}t"
                notes = (
                    f"published as {r['value_as_published']}; the bracket [{m['lo']}kg,"
                    f"{m['hi']}kg] is read as a gross-weight band (it matches the total-mass "
                    "bands of China's heavy commercial vehicle fuel-consumption standard "
                    "GB 30510); CPCD does not say"
                )
            if reefer:
                cid += "-reefer"
            out.append(
                {
                    "id": cid,
                    "region": "CN",
                    "size": size["key"],
                    "gvw_min_t": _num(lo),
                    "gvw_max_t": _num(hi),
                    "energy": energy,
                    "refrigerated": str(reefer).lower(),
                    "wtw_per_tkm": _num(float(r["kgco2e_per_unit"])),
                    "ttw_per_tkm": "",
                    "laden_model": "false",
                    "factor_id": f"road/{cid}/CPCD-{r['cpcd_product_id']}",
                    "year": r["data_year"],
                    "boundary": r["boundary_cn"],
                    "label": r["name_cn"],
                    "status": "COPIED",
                    "source": f"{CPCD_DOC}, product {r['cpcd_product_id']} {r['name_cn']}",
                    "licence": LIC_CPCD,
                    "notes": notes,
                }
            )
    ids = [r["id"] for r in out]
    if len(ids) != len(set(ids)):
        raise SystemExit(f"CPCD: duplicate class ids {sorted(ids)}")
    return out


def hgv_rows(defra: Defra, labels: dict[tuple[str, str, str], dict[str, str]]) -> list[dict]:
    out = []
    sizes = [v for (kind, region, _), v in labels.items() if kind == "size" and region == "UK"]
    for km_group, fg_group, wtt_group, reefer in HGV_GROUPS:
        for size in sizes:
            if size["key"].startswith("van-"):
                continue
            label = size["label"]

            cols = ("0% Laden", "100% Laden", "Average laden")
            ttw0, ttw100, ttw_avg = (
                defra.per_km("Delivery vehicles", km_group, label, c) for c in cols
            )
            wtt0, wtt100, wtt_avg = (
                defra.per_km("WTT- delivery vehs & freight", wtt_group, label, c) for c in cols
            )
            t100 = defra.per_tkm("Freighting goods", fg_group, label, "100% Laden")
            t_avg = defra.per_tkm("Freighting goods", fg_group, label, "Average laden")
            w100 = defra.per_tkm("WTT- delivery vehs & freight", wtt_group, label, "100% Laden")
            w_avg = defra.per_tkm("WTT- delivery vehs & freight", wtt_group, label, "Average laden")
            payload = ttw100 / t100
            if abs(wtt100 / w100 / payload - 1) > PAYLOAD_RTOL:
                raise SystemExit(f"DEFRA {fg_group} {label}: TTW and WTT payloads disagree")
            lf_ref = ttw_avg / (payload * t_avg)
            if abs(wtt_avg / (payload * w_avg) - lf_ref) > PAYLOAD_RTOL:
                raise SystemExit(f"DEFRA {fg_group} {label}: TTW and WTT load factors disagree")
            cid = f"uk-{size['key']}-diesel" + ("-reefer" if reefer else "")
            path = f"{fg_group} | {label}"
            out.append(
                {
                    "id": cid,
                    "region": "UK",
                    "size": size["key"],
                    "gvw_min_t": _num(_opt(size["gvw_min_t"])),
                    "gvw_max_t": _num(_opt(size["gvw_max_t"])),
                    "energy": "diesel",
                    "refrigerated": str(reefer).lower(),
                    "wtw_per_tkm": _num(t_avg + w_avg),
                    "ttw_per_tkm": _num(t_avg),
                    "laden_model": "true",
                    "payload_t": _num(payload, 6),
                    "ttw_empty_per_km": _num(ttw0),
                    "ttw_full_per_km": _num(ttw100),
                    "wtw_empty_per_km": _num(ttw0 + wtt0),
                    "wtw_full_per_km": _num(ttw100 + wtt100),
                    "load_factor_ref": _num(lf_ref, 6),
                    "empty_running_ref": "0.0",
                    "factor_id": f"road/{cid}/{DEFRA_VERSION}",
                    "year": "2021",
                    "boundary": "WTW = TTW (Freighting goods / Delivery vehicles) + WTT",
                    "label": path,
                    "status": "DERIVED",
                    "source": (
                        f"{DEFRA_DOC}: Delivery vehicles | {km_group} | {label} | 0%/100%/"
                        f"Average laden | km; WTT- delivery vehs & freight | {wtt_group} | "
                        f"{label} | km and tonne.km; Freighting goods | {path} | 100% and "
                        "Average laden | tonne.km"
                    ),
                    "licence": LIC_DEFRA,
                    "notes": (
                        f"payload = {ttw100} / {t100} kg/km ÷ kg/t·km at 100 % laden; "
                        f"load_factor_ref = {ttw_avg} / (payload × {t_avg}) from the "
                        "average-laden rows; reference per t·km = Average laden tonne.km "
                        f"(TTW {t_avg}, WTT {w_avg})"
                    ),
                }
            )
    return out


def van_rows(defra: Defra, labels: dict[tuple[str, str, str], dict[str, str]]) -> list[dict]:
    out = []
    for cls, fuel in defra.van_rows():
        if ("energy", "UK", fuel) not in labels:
            continue  # "Unknown" fuel
        size = labels[("size", "UK", cls)]
        energy = labels[("energy", "UK", fuel)]["key"]
        fg = defra.per_tkm("Freighting goods", "Vans", cls, fuel)
        wtt = defra.per_tkm("WTT- delivery vehs & freight", "WTT- vans", cls, fuel)
        cid = f"uk-{size['key']}-{energy}"
        if energy == "bev":
            # Check that "Freighting goods" for a BEV is grid generation + T&D: scaled by the
            # per-km / per-t·km ratio of the WTT rows it must equal the two per-km rows.
            km_per_tkm = defra.per_km("WTT- delivery vehs & freight", "WTT- vans", cls, fuel) / wtt
            gen = defra.per_km("UK electricity for Evs", "Vans", cls, fuel)
            td = defra.per_km("UK electricity T&D for EVs", "Vans", cls, fuel)
            if abs(fg * km_per_tkm / (gen + td) - 1) > PAYLOAD_RTOL:
                raise SystemExit(f"DEFRA van {cls} BEV: Freighting goods is not generation + T&D")
            ttw, boundary = 0.0, "TTW = 0 (electricity); WTW = generation + T&D + WTT"
            notes = (
                f"TTW 0 (GLEC: no tank-to-wheel emissions for electricity); WTW = Freighting "
                f"goods {fg} (UK grid generation + T&D, checked against the per-km rows) + "
                f"WTT {wtt}"
            )
        else:
            ttw, boundary = fg, "WTW = TTW (Freighting goods) + WTT"
            notes = f"WTW = Freighting goods {fg} + WTT {wtt}; DEFRA's average van load"
        out.append(
            {
                "id": cid,
                "region": "UK",
                "size": size["key"],
                "gvw_min_t": _num(_opt(size["gvw_min_t"])),
                "gvw_max_t": _num(_opt(size["gvw_max_t"])),
                "energy": energy,
                "refrigerated": "false",
                "wtw_per_tkm": _num(fg + wtt),
                "ttw_per_tkm": _num(ttw),
                "laden_model": "false",
                "factor_id": f"road/{cid}/{DEFRA_VERSION}",
                "year": "2021",
                "boundary": boundary,
                "label": f"Vans | {cls} | {fuel}",
                "status": "DERIVED",
                "source": (
                    f"{DEFRA_DOC}: Freighting goods | Vans | {cls} | {fuel} | tonne.km; "
                    f"WTT- delivery vehs & freight | WTT- vans | {cls} | {fuel} | tonne.km"
                ),
                "licence": LIC_DEFRA,
                "notes": notes + f"; {size['notes']}",
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", type=Path, help="shared research folder data/factors")
    ap.add_argument("out", type=Path, help="parkzero's src/parkzero/data folder")
    args = ap.parse_args()
    labels = _labels(args.out / "road_class_labels.csv")
    defra = Defra(args.shared)
    rows = cpcd_rows(args.shared, labels) + hgv_rows(defra, labels) + van_rows(defra, labels)
    rows.sort(key=lambda r: (r["region"], r["id"]))
    with (args.out / "road_vehicle_classes.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in FIELDS})
    n_model = sum(r["laden_model"] == "true" for r in rows)
    print(f"wrote {len(rows)} road classes ({n_model} with a laden model)")


if __name__ == "__main__":
    main()
