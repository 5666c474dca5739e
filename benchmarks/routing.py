"""Routing quality on Solomon and Gehring-Homberger VRPTW: parkzero (PyVRP) vs OR-Tools routing.

Both solvers get the same instances, objective and wall-clock limit in the same run:

* DIMACS objective (distance only, arcs truncated to one decimal), ``--dimacs-limit`` s per
  instance (default 10): gap to the optimum in ``solomon_bks.csv`` (column
  ``dimacs_opt_distance_recalled``);
* hierarchical objective (fewest vehicles, then distance), ``--hier-limit`` s (default 30):
  vehicles equal to the best known (``hier_bks_vehicles``) and distance gap;
* ``--homberger N``: the first N instances of each class of the 200-customer set (all 60 with
  ``--homberger 10``) under the hierarchical objective; the shared data has no BKS for them, so
  only the two solvers are compared.

OR-Tools: ``pywrapcp`` routing with PARALLEL_CHEAPEST_INSERTION + GUIDED_LOCAL_SEARCH, a capacity and a
time dimension, and (hierarchical) a fixed cost per vehicle larger than any route set.

Every plan is re-checked for capacity and windows before it counts. Run from the repository
root with the shared data beside it::

    .venv/bin/python benchmarks/routing.py                 # Solomon, both objectives, 2 workers
    .venv/bin/python benchmarks/routing.py --quick         # 6 instances, 3 s / 5 s
    .venv/bin/python benchmarks/routing.py --homberger 2   # + 12 Gehring-Homberger instances
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from parkzero.routing import RouteParams, build_matrices, read_solomon, solve, violations
from parkzero.routing.models import Plan
from parkzero.routing.solve import dimacs_matrices, schedule

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "benchmarks" / "vrptw"
QUICK = ["C101", "C201", "R101", "R105", "R201", "R205"]


def _ortools(name: str, path: str, objective: str, limit: float) -> dict[str, object]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    problem = read_solomon(path)
    m = build_matrices(problem)
    if objective == "dimacs":
        m = dimacs_matrices(m)
    scale = 10 if objective == "dimacs" else 1000
    dist = np.rint(m.distance_km * scale).astype(np.int64)
    travel = np.ceil(m.duration_min * scale - 1e-6).astype(np.int64)
    n = len(problem.orders) + 1
    service = [0] + [math.ceil(o.service_min * scale - 1e-6) for o in problem.orders]
    demand = [0] + [round(o.weight_kg) for o in problem.orders]
    vt = problem.vehicle_types[0]
    depot = problem.depots[0]
    manager = pywrapcp.RoutingIndexManager(n, vt.count, 0)
    routing = pywrapcp.RoutingModel(manager)

    def d_cb(i: int, j: int) -> int:
        return int(dist[manager.IndexToNode(i), manager.IndexToNode(j)])

    def t_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(service[a] + travel[a, b])

    def q_cb(i: int) -> int:
        return demand[manager.IndexToNode(i)]

    d_idx = routing.RegisterTransitCallback(d_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(d_idx)
    q_idx = routing.RegisterUnaryTransitCallback(q_cb)
    routing.AddDimensionWithVehicleCapacity(
        q_idx, 0, [int(vt.compartments["ambient"].weight_kg)] * vt.count, True, "load"
    )
    horizon = int(depot.close_min * scale)
    t_idx = routing.RegisterTransitCallback(t_cb)
    routing.AddDimension(t_idx, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for k, o in enumerate(problem.orders, start=1):
        idx = manager.NodeToIndex(k)
        time_dim.CumulVar(idx).SetRange(
            math.ceil(o.tw_start_min * scale - 1e-6), math.floor(o.tw_end_min * scale + 1e-6)
        )
    for v in range(vt.count):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(depot.open_min * scale), horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(int(depot.open_min * scale), horizon)
    if objective == "hierarchical":
        routing.SetFixedCostOfAllVehicles(int(2 * n * dist.max()) + 1)
    sp = pywrapcp.DefaultRoutingSearchParameters()
    sp.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    sp.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    sp.time_limit.FromMilliseconds(int(limit * 1000))
    t0 = time.perf_counter()
    sol = routing.SolveWithParameters(sp)
    runtime = time.perf_counter() - t0
    if sol is None:
        return {"vehicles": None, "distance": None, "feasible": False, "runtime_s": runtime}
    routes = []
    for v in range(vt.count):
        idx = routing.Start(v)
        seq = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            seq.append(problem.orders[manager.IndexToNode(idx) - 1].id)
            idx = sol.Value(routing.NextVar(idx))
        if seq:
            routes.append(schedule(problem, m, vt.id, seq))
    plan = Plan(tuple(routes), (), True, objective)
    ok = not violations(problem, plan, m) and sum(len(r.stops) for r in routes) == n - 1
    return {
        "vehicles": len(routes),
        "distance": sum(r.distance_km for r in routes),
        "feasible": ok,
        "runtime_s": runtime,
    }


def _pyvrp(name: str, path: str, objective: str, limit: float) -> dict[str, object]:
    problem = read_solomon(path)
    m = build_matrices(problem)
    t0 = time.perf_counter()
    plan = solve(problem, RouteParams(objective=objective, time_limit_s=limit), matrices=m)  # type: ignore[arg-type]
    runtime = time.perf_counter() - t0
    mm = dimacs_matrices(m) if objective == "dimacs" else m
    ok = plan.feasible and not violations(problem, plan, mm)
    return {
        "vehicles": len(plan.routes),
        "distance": sum(r.distance_km for r in plan.routes),
        "feasible": ok,
        "runtime_s": runtime,
    }


def _task(args: tuple[str, str, str, str, float]) -> tuple[str, str, str, dict[str, object]]:
    solver, name, path, objective, limit = args
    fn = _pyvrp if solver == "pyvrp" else _ortools
    return solver, name, objective, fn(name, path, objective, limit)


def _bks() -> dict[str, dict[str, float]]:
    with (DATA / "solomon_bks.csv").open() as fh:
        return {
            r["instance"]: {k: float(v) for k, v in r.items() if k != "instance"}
            for r in csv.DictReader(fh)
        }


def _fmt(x: object, spec: str = ".1f") -> str:
    return "-" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dimacs-limit", type=float, default=10.0, help="seconds per instance")
    ap.add_argument("--hier-limit", type=float, default=30.0, help="seconds per instance")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers (one core each)")
    ap.add_argument("--quick", action="store_true", help="6 instances, 3 s / 5 s")
    ap.add_argument("--instances", default="", help="comma-separated Solomon names")
    ap.add_argument("--homberger", type=int, default=0, help="instances per 200-customer class")
    ap.add_argument("--solvers", default="pyvrp,ortools")
    ap.add_argument("--no-solomon", action="store_true")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"benchmark data not found at {DATA}", file=sys.stderr)
        return 2
    bks = _bks()
    names = sorted(bks)
    if args.quick:
        names, args.dimacs_limit, args.hier_limit = QUICK, 3.0, 5.0
    if args.instances:
        names = args.instances.split(",")
    if args.no_solomon:
        names = []
    solvers = args.solvers.split(",")
    tasks = []
    for name in names:
        path = str(DATA / "solomon" / f"{name}.txt")
        for s in solvers:
            tasks.append((s, name, path, "dimacs", args.dimacs_limit))
            tasks.append((s, name, path, "hierarchical", args.hier_limit))
    hom = []
    if args.homberger:
        for cls in ("c1", "c2", "r1", "r2", "rc1", "rc2"):
            for i in range(1, args.homberger + 1):
                hom.append(f"{cls}_2_{i}")
        for name in hom:
            path = str(DATA / "homberger" / "200" / f"{name}.txt")
            for s in solvers:
                tasks.append((s, name, path, "hierarchical", args.hier_limit))
    t0 = time.perf_counter()
    ctx = mp.get_context("spawn")
    with ctx.Pool(args.jobs) as pool:
        results = {(s, n, o): r for s, n, o, r in pool.imap_unordered(_task, tasks)}
    wall = time.perf_counter() - t0

    def table(title: str, objective: str, names_: list[str], with_bks: bool) -> None:
        print(f"\n{title}")
        head = ["instance"]
        if with_bks:
            head += ["bks_veh", "bks_dist"] if objective == "hierarchical" else ["opt_dist"]
        for s in solvers:
            head += [f"{s}_veh", f"{s}_dist"] + (["gap_%"] if with_bks else []) + [f"{s}_ok"]
        print("  ".join(f"{h:>12}" for h in head))
        for n in names_:
            row = [n]
            b = bks.get(n, {})
            if with_bks:
                if objective == "hierarchical":
                    row += [
                        _fmt(b.get("hier_bks_vehicles"), ".0f"),
                        _fmt(b.get("hier_bks_distance"), ".2f"),
                    ]
                else:
                    row += [_fmt(b.get("dimacs_opt_distance_recalled"))]
            for s in solvers:
                r = results[(s, n, objective)]
                row += [_fmt(r["vehicles"], ".0f"), _fmt(r["distance"], ".2f")]
                if with_bks:
                    ref = b[
                        "dimacs_opt_distance_recalled"
                        if objective == "dimacs"
                        else "hier_bks_distance"
                    ]
                    row.append(
                        _fmt(
                            None if r["distance"] is None else 100 * (r["distance"] - ref) / ref,
                            ".2f",
                        )
                    )
                row.append("yes" if r["feasible"] else "NO")
            print("  ".join(f"{c:>12}" for c in row))

    summary: list[tuple[str, ...]] = []
    if names:
        table(f"DIMACS objective, {args.dimacs_limit:g} s per instance", "dimacs", names, True)
        table(
            f"Hierarchical objective, {args.hier_limit:g} s per instance",
            "hierarchical",
            names,
            True,
        )
        for s in solvers:
            gaps = []
            for n in names:
                r = results[(s, n, "dimacs")]
                ref = bks[n]["dimacs_opt_distance_recalled"]
                gaps.append(
                    math.inf if not r["feasible"] else 100 * (float(r["distance"]) - ref) / ref
                )  # type: ignore[arg-type]
            veh_eq = sum(
                1
                for n in names
                if results[(s, n, "hierarchical")]["feasible"]
                and results[(s, n, "hierarchical")]["vehicles"] == bks[n]["hier_bks_vehicles"]
            )
            hgaps = [
                100
                * (float(results[(s, n, "hierarchical")]["distance"]) - bks[n]["hier_bks_distance"])
                / bks[n]["hier_bks_distance"]  # type: ignore[arg-type]
                for n in names
                if results[(s, n, "hierarchical")]["vehicles"] == bks[n]["hier_bks_vehicles"]
            ]
            rt = [
                float(results[(s, n, o)]["runtime_s"])
                for n in names
                for o in ("dimacs", "hierarchical")
            ]  # type: ignore[arg-type]
            summary.append(
                (
                    s,
                    f"{statistics.fmean(gaps):.3f}",
                    f"{statistics.median(gaps):.3f}",
                    f"{100 * veh_eq / len(names):.1f}",
                    f"{statistics.median(hgaps):.3f}" if hgaps else "-",
                    f"{statistics.median(rt):.1f}",
                )
            )
        print("\nSummary over", len(names), "Solomon instances")
        head = (
            "solver",
            "dimacs_mean_gap_%",
            "dimacs_median_gap_%",
            "hier_veh_eq_bks_%",
            "hier_median_gap_%_(eq_veh)",
            "median_runtime_s",
        )
        print("  ".join(f"{h:>26}" for h in head))
        for row in summary:
            print("  ".join(f"{c:>26}" for c in row))
        if len(summary) == 2:
            a, b = summary
            print(
                f"\nratio {b[0]}/{a[0]}: mean DIMACS gap {float(b[1]) / max(float(a[1]), 1e-9):.1f}x, "
                f"vehicles at BKS {float(a[3]):.1f}% vs {float(b[3]):.1f}%"
            )
        low = (
            [
                n
                for n in names
                if results[("pyvrp", n, "dimacs")]["feasible"]
                and float(results[("pyvrp", n, "dimacs")]["distance"])
                < bks[n]["dimacs_opt_distance_recalled"] - 0.05  # type: ignore[arg-type]
            ]
            if "pyvrp" in solvers
            else []
        )
        if low:
            print("note: below the recorded DIMACS optimum (check the BKS table):", ", ".join(low))
    if hom:
        table(
            f"Gehring-Homberger 200, hierarchical, {args.hier_limit:g} s",
            "hierarchical",
            hom,
            False,
        )
        if len(solvers) == 2:
            a, b = solvers
            va = sum(int(results[(a, n, "hierarchical")]["vehicles"] or 0) for n in hom)  # type: ignore[call-overload]
            vb = sum(int(results[(b, n, "hierarchical")]["vehicles"] or 0) for n in hom)  # type: ignore[call-overload]
            da = statistics.median(
                float(results[(a, n, "hierarchical")]["distance"] or math.nan) for n in hom
            )  # type: ignore[arg-type]
            db = statistics.median(
                float(results[(b, n, "hierarchical")]["distance"] or math.nan) for n in hom
            )  # type: ignore[arg-type]
            print(
                f"\nvehicles total {a} {va} vs {b} {vb} (ratio {vb / max(va, 1):.3f}); median distance {a} {da:.1f} vs {b} {db:.1f} (ratio {db / da:.3f})"
            )
    print(f"\nwall time {wall:.0f} s with {args.jobs} workers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
