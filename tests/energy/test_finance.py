"""Finance: hand-checked annuity, NPV, IRR and payback."""

from __future__ import annotations

import pytest

from parkzero.energy.finance import (
    capital_recovery_factor,
    cash_flows,
    irr,
    levelisation_factor,
    npv,
    payback_years,
    present_worth_factor,
)


def test_crf_and_pwf_are_inverse_without_escalation() -> None:
    # CRF(8 %, 10) = 0.08 × 1.08^10 / (1.08^10 − 1) = 0.149029
    assert capital_recovery_factor(0.08, 10) == pytest.approx(0.1490295, rel=1e-6)
    assert capital_recovery_factor(0.08, 10) * present_worth_factor(0.08, 10) == pytest.approx(1.0)
    assert levelisation_factor(0.08, 10) == 1.0


def test_npv_irr_payback() -> None:
    flows = [-1000.0, 300.0, 300.0, 300.0, 300.0, 300.0]
    # NPV at 10 %: −1000 + 300 × 3.790787 = 137.236
    assert npv(0.1, flows) == pytest.approx(137.236, abs=1e-3)
    r = irr(flows)
    assert r is not None and npv(r, flows) == pytest.approx(0.0, abs=1e-6)
    assert r == pytest.approx(0.152382, abs=1e-6)
    assert payback_years(flows) == pytest.approx(3 + 100 / 300)


def test_irr_none_without_sign_change() -> None:
    assert irr([100.0, 10.0]) is None
    assert payback_years([-100.0, -10.0]) is None


def test_cash_flows_escalate_and_replace() -> None:
    flows = cash_flows(100.0, 10.0, 4, escalation=0.1, replacements=[(50.0, 2)])
    assert flows == pytest.approx([-100.0, 10.0, 11.0 - 50.0, 12.1, 13.31])


def test_crf_rejects_zero_life() -> None:
    with pytest.raises(ValueError):
        capital_recovery_factor(0.05, 0)
