"""Digital yard (数字场站): dock appointments, dock scheduling and yard simulation.

Modules
-------
problem
    The solver-facing dock-scheduling problem and its schedule.
models
    Gates, docks, shifts, carriers and appointments (YAML) and their conversion to a problem.
scheduler, heuristics, calls
    CP-SAT scheduling, the first-come-first-served baseline, calling the next truck (叫号).
booking, service
    Slot rules and the concurrency-safe booking service on the store.
simulation
    A SimPy day of the yard under three policies.

Submodules are imported on use: ``from parkzero.yard import scheduler``.
"""

__all__: list[str] = []
