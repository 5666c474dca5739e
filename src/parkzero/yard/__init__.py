"""Digital yard (数字场站): dock appointments, dock scheduling (CP-SAT) and yard simulation (SimPy)."""
