"""Carbon neutrality: credits, retirements, and the ISO 14068-1 / PAS 2060 claim.

A park holds carbon credits (:class:`CreditBatch`: CCER, CDM CER, VCS VCU, Gold Standard VER,
with their registry serial ranges, :mod:`parkzero.neutrality.registry`), retires them for a claim
period (:class:`Retirement`), and declares carbon neutrality with a claim that passes the rules
of :mod:`parkzero.neutrality.checks` (:func:`build_claim`). :mod:`parkzero.neutrality.service`
keeps credits, retirements and claims in the store (tables in :mod:`parkzero.neutrality.tables`);
the claim document is :func:`parkzero.reports.claim.claim_report`. See ``docs/neutrality.md``.
"""

from parkzero.neutrality.checks import CheckResult, Footprint, footprint, run_checks
from parkzero.neutrality.claim import Claim, build_claim, validity_status
from parkzero.neutrality.holdings import Holding, holdings, plan_retirements, split_batch
from parkzero.neutrality.io import read_credits_file
from parkzero.neutrality.models import ClaimSettings, CreditBatch, CreditsFile, Retirement
from parkzero.neutrality.registry import SerialRange, parse_serials

__all__ = [
    "CheckResult",
    "Claim",
    "ClaimSettings",
    "CreditBatch",
    "CreditsFile",
    "Footprint",
    "Holding",
    "Retirement",
    "SerialRange",
    "build_claim",
    "footprint",
    "holdings",
    "parse_serials",
    "plan_retirements",
    "read_credits_file",
    "run_checks",
    "split_batch",
    "validity_status",
]
