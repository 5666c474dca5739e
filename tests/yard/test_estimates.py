"""Service-time estimates: reference rates and least-squares learning from completed visits."""

from __future__ import annotations

import numpy as np
import pytest

from parkzero.errors import InputError
from parkzero.yard.estimates import (
    CompletedVisit,
    ServiceTimeModel,
    arrival_profile,
    fit_rates,
    reference_rates,
    reference_value,
)


def test_reference_data() -> None:
    r = reference_rates()
    assert r[("dry", "inbound")].minutes(20) == pytest.approx(15 + 20 * 1.5)
    assert r[("reefer", "outbound")].minutes(10) == pytest.approx(20 + 10 * 1.6)
    # 0.8 US gal/h × 3.78541 L/gal = 3.028 L/h
    assert reference_value("idle_fuel_l_per_h") == pytest.approx(0.8 * 3.78541, abs=0.005)
    # 20 GWh/yr × 0.5 / 8,760 h = 1,141.6 kW
    assert reference_value("warehouse_kw") == pytest.approx(20e6 * 0.5 / 8760, abs=0.5)
    profile = arrival_profile()
    assert len(profile) == 24 and sum(profile) == pytest.approx(1.0)
    assert max(range(24), key=lambda h: profile[h]) == 8  # the morning peak


def test_fit_recovers_noisy_rates_and_keeps_sparse_groups() -> None:
    rng = np.random.default_rng(1)
    pallets = rng.integers(5, 33, size=200)
    visits = [
        CompletedVisit("dry", "inbound", int(p), 12.0 + 1.8 * p + rng.normal(0, 3)) for p in pallets
    ]
    visits += [CompletedVisit("reefer", "inbound", 10, 50.0)] * 3  # too few: reference kept
    rates = fit_rates(visits)
    fitted = rates[("dry", "inbound")]
    assert fitted.setup_min == pytest.approx(12.0, abs=1.5)
    assert fitted.min_per_pallet == pytest.approx(1.8, abs=0.08)
    assert fitted.source.startswith("fitted (n=200")
    assert rates[("reefer", "inbound")].source == "reference"
    model = ServiceTimeModel(rates)
    assert model.minutes("dry", "inbound", 0) == 12 or model.minutes("dry", "inbound", 0) == 13


def test_fit_rejects_negative_and_degenerate_groups() -> None:
    same = [CompletedVisit("dry", "outbound", 10, 30.0 + k) for k in range(20)]
    assert fit_rates(same)[("dry", "outbound")].source == "reference"  # one pallet count only
    falling = [CompletedVisit("dry", "outbound", p, 100.0 - 3 * p) for p in range(20)]
    assert fit_rates(falling)[("dry", "outbound")].source == "reference"  # negative rate


def test_bad_visits_are_refused() -> None:
    with pytest.raises(InputError, match=r"visit 1: .* positive duration"):
        fit_rates([CompletedVisit("dry", "inbound", 3, 0.0)])
    with pytest.raises(InputError, match="dock kind 'cold'"):
        fit_rates([CompletedVisit("cold", "inbound", 3, 5.0)])  # type: ignore[arg-type]
