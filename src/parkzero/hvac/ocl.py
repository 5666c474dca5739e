"""Optimal chiller loading (OCL): the proven global optimum of plant power for one cooling load.

Problem
-------
For chillers ``i = 1..n`` with capacity ``Q_i`` [RT], part-load ratio ``x_i`` [-] and power
curve ``P_i(x) = a_i + b_i x + c_i x² + d_i x³`` [kW] (fixed auxiliary power included in
``a_i``), and a cooling load ``L`` [RT]::

    minimise   Σ_{i on} P_i(x_i)                             [kW]
    subject to Σ_{i on} Q_i x_i = L,   m_i <= x_i <= M_i      (m_i = min PLR, M_i = max PLR)

under one of two conventions: every chiller on (``allow_off=False``, the Lee & Lin 2009
convention), or any subset on with the others drawing 0 kW (``allow_off=True``).

Method (exact, with a certificate)
----------------------------------
1. **On/off sets are enumerated**: all ``2^n - 1`` non-empty sets (255 for 8 chillers) that
   can carry the load, processed together as one vectorised batch.
2. **Each continuous allocation is solved by spatial branch-and-bound with Lagrangian
   bounds.** For a box ``l_i <= x_i <= u_i`` and a multiplier λ [kW/RT] the dual function::

        g(λ) = λ L + Σ_i min_{l_i <= x <= u_i} (P_i(x) - λ Q_i x)

   is a *valid lower bound* on the box's optimum for every λ (weak duality), and each inner
   minimum is exact: the minimum of a cubic on an interval lies at an end or at the cubic's
   local minimum, a closed-form root of a quadratic. λ is found by safeguarded Newton on the
   monotone load balance ``Σ Q_i x_i(λ) = L`` (bisection fallback). For convex curves this is
   the classic equal-marginal-power (KKT) solution and the bound is tight at once. A curve that
   is non-convex on the box (a cubic with ``c < 0 < d`` is concave below its inflection PLR
   ``-c/(3d)``; chillers 1 and 2 of the 3×800 RT case are) makes the dual solution jump; a
   feasible allocation is then built from the two sides of the jump, and the box is split —
   at the inflection point first, so that every piece is convex or concave, then into equal
   pieces — on the chiller whose share of the duality gap is largest. The envelope of a cubic
   is known in closed form (a tangent from the box end touching at ``t = -(c/d + l)/2``), so a
   jump happens exactly at that tangent's slope and is found without bisection; the feasible
   allocation leaves at most one chiller off its envelope (Shapley–Folkman), so the gap
   shrinks quadratically with the box width.
3. **Boxes and on/off sets are pruned** when their bound is no better than the best feasible
   plant power found (the incumbent). The search stops when every remaining box is pruned, so
   ``lower_bound_kw <= optimum <= power_kw`` with ``power_kw - lower_bound_kw <= max(atol_kw,
   rtol · power_kw)``: the result is a *certified* global optimum, not a local one.

Loads below a set's minimum stable load (``Σ Q_i m_i``) are infeasible for the set, except in
staging where the set may false-load (run at minimum PLR and bypass the surplus).

Examples
--------
>>> from parkzero.hvac.models import Chiller, CubicCurve, Plant
>>> plant = Plant((
...     Chiller("CH-1", 800, CubicCurve(100.95, 818.61, -973.43, 788.55)),
...     Chiller("CH-2", 800, CubicCurve(66.598, 606.34, -380.58, 275.95)),
...     Chiller("CH-3", 800, CubicCurve(130.09, 304.5, 14.377, 99.8)),
... ))
>>> best = optimal_loading(plant, 1440, allow_off=True)
>>> round(best.power_kw, 1), best.on
(993.6, (False, True, True))
>>> round(equal_loading(plant, 1440).power_kw, 1)
1104.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from parkzero.errors import ConfigError, InfeasibleError
from parkzero.hvac.models import Plant, PlantArrays

__all__ = [
    "Loading",
    "OclParams",
    "equal_loading",
    "optimal_loading",
    "set_loading",
    "set_power_table",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MAX_CHILLERS = 16


@dataclass(frozen=True)
class OclParams:
    """Settings of the exact optimiser.

    Parameters
    ----------
    rtol : float
        Relative optimality tolerance of the certificate [-].
    atol_kw : float
        Absolute optimality tolerance of the certificate [kW].
    max_nodes : int
        Branch-and-bound boxes to examine before giving up the proof; the best solution found
        is still returned, with ``proven`` False [-].
    """

    rtol: float = 1e-9
    atol_kw: float = 1e-7
    max_nodes: int = 2_000_000


@dataclass(frozen=True)
class Loading:
    """How a plant carries one cooling load.

    Parameters
    ----------
    load_rt : float
        Cooling load [RT].
    power_kw : float
        Total electric power of the running chillers, auxiliaries included [kW].
    on : tuple of bool
        Which chillers run, in plant order [-].
    plr : tuple of float
        Part-load ratio of each chiller, 0 when off [-].
    load_each_rt : tuple of float
        Cooling carried by each chiller [RT].
    method : str
        ``"ocl"`` (certified optimum) or ``"equal"`` (equal part-load ratio) [-].
    convention : str
        ``"all_on"`` or ``"allow_off"`` [-].
    lower_bound_kw : float or None
        Certified lower bound on the optimum; None for equal loading [kW].
    nodes : int
        Branch-and-bound boxes examined [-].
    subsets : int
        On/off sets that could carry the load and were examined [-].
    """

    load_rt: float
    power_kw: float
    on: tuple[bool, ...]
    plr: tuple[float, ...]
    load_each_rt: tuple[float, ...]
    method: str
    convention: str
    lower_bound_kw: float | None = None
    nodes: int = 0
    subsets: int = 0

    @property
    def gap_kw(self) -> float | None:
        """Certified optimality gap ``power_kw - lower_bound_kw`` [kW]."""
        if self.lower_bound_kw is None:
            return None
        return max(0.0, self.power_kw - self.lower_bound_kw)

    def proven(self, params: OclParams | None = None) -> bool:
        """True when the gap is within the tolerances of `params` [-]."""
        p = params or OclParams()
        gap = self.gap_kw
        return gap is not None and gap <= max(p.atol_kw, p.rtol * abs(self.power_kw)) * 1.0001

    def as_dict(self, ids: tuple[str, ...] | None = None) -> dict[str, object]:
        """JSON-ready dictionary with stable keys (see docs/hvac.md)."""
        out: dict[str, object] = {
            "load_rt": self.load_rt,
            "power_kw": self.power_kw,
            "on": list(self.on),
            "plr": list(self.plr),
            "load_each_rt": list(self.load_each_rt),
            "method": self.method,
            "convention": self.convention,
            "lower_bound_kw": self.lower_bound_kw,
            "gap_kw": self.gap_kw,
            "nodes": self.nodes,
            "subsets": self.subsets,
        }
        if ids is not None:
            out["chillers"] = list(ids)
        return out


# --------------------------------------------------------------------------------------------
# The vectorised engine. Every array has a leading axis over boxes ("nodes") and a trailing axis
# over chillers; a chiller that is off has capacity 0, coefficients 0 and bounds [0, 0]. The
# cubic coefficients travel as a tuple ``(a, b, c, d)`` of such arrays [kW].
# --------------------------------------------------------------------------------------------

Coef = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _cubic(coef: FloatArray, x: FloatArray) -> FloatArray:
    """``a + b x + c x² + d x³`` with coef[..., 0:4] = a, b, c, d [kW]."""
    a, b, c, d = coef[..., 0], coef[..., 1], coef[..., 2], coef[..., 3]
    out: FloatArray = a + x * (b + x * (c + x * d))
    return out


def _split(coef: FloatArray) -> Coef:
    """(..., 4) coefficient array to a tuple of four contiguous arrays [kW]."""
    return (
        np.ascontiguousarray(coef[..., 0]),
        np.ascontiguousarray(coef[..., 1]),
        np.ascontiguousarray(coef[..., 2]),
        np.ascontiguousarray(coef[..., 3]),
    )


def _take(coef: Coef, idx: IntArray) -> Coef:
    return (coef[0][idx], coef[1][idx], coef[2][idx], coef[3][idx])


def _poly(coef: Coef, x: FloatArray) -> FloatArray:
    a, b, c, d = coef
    out: FloatArray = a + x * (b + x * (c + x * d))
    return out


def _inner_min(
    q: FloatArray,
    coef: Coef,
    lo: FloatArray,
    hi: FloatArray,
    lam: FloatArray,
    ends: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Exact ``min_{lo<=x<=hi} P(x) - λ q x`` per chiller, λ [kW/RT] one per node.

    `ends` optionally gives ``P(lo), P(hi)`` [kW] already computed. Returns the minimiser [-],
    the minimum [kW] and ``q · d(minimiser)/dλ`` [RT²/kW].
    """
    a, b, c, d = coef
    f_lo, f_hi = ends if ends is not None else (_poly(coef, lo), _poly(coef, hi))
    lq = lam[:, None] * q
    bb = b - lq
    disc = c * c - 3.0 * d * bb
    s = np.sqrt(np.maximum(disc, 0.0))
    cpos = c >= 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Local minimum of the cubic (the root with φ'' = 2 s > 0), written without cancellation.
        xm = np.where(cpos, -bb, s - c) / np.where(cpos, c + s, 3.0 * d)
    interior = (disc > 0.0) & (xm > lo) & (xm < hi)
    xm = np.where(interior, xm, lo)
    phi_lo = f_lo - lq * lo
    phi_hi = f_hi - lq * hi
    phi_m = np.where(interior, a + xm * (bb + xm * (c + xm * d)), np.inf)
    take_hi = phi_hi < phi_lo
    x = np.where(take_hi, hi, lo)
    val = np.where(take_hi, phi_hi, phi_lo)
    take_m = phi_m < val
    x = np.where(take_m, xm, x)
    val = np.where(take_m, phi_m, val)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dx = np.where(take_m, q * q / (2.0 * s), 0.0)
    return x, val, dx


def _marginal_range(
    q: FloatArray, coef: Coef, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Multipliers below and above every marginal power ``P'(x)/Q`` in the boxes [kW/RT]."""
    _, b, c, d = coef
    on = q > 0

    def deriv(x: FloatArray) -> FloatArray:
        out: FloatArray = b + x * (2.0 * c + 3.0 * d * x)
        return out

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        v = np.where(d != 0.0, -c / (3.0 * d), lo)
    v = np.where((v > lo) & (v < hi), v, lo)
    f_lo, f_hi, f_v = deriv(lo), deriv(hi), deriv(v)
    qs = np.where(on, q, 1.0)
    dmin = np.minimum(np.minimum(f_lo, f_hi), f_v) / qs
    dmax = np.maximum(np.maximum(f_lo, f_hi), f_v) / qs
    lam_lo = np.min(np.where(on, dmin, np.inf), axis=1)
    lam_hi = np.max(np.where(on, dmax, -np.inf), axis=1)
    pad = 1.0 + 1e-9 * np.maximum(np.abs(lam_lo), np.abs(lam_hi))
    return lam_lo - pad, lam_hi + pad


def _segments(
    q: FloatArray, coef: Coef, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray, BoolArray, FloatArray]:
    """The straight piece of each cubic's convex envelope on its box, in closed form.

    A cubic has one inflection point, so its convex envelope on ``[lo, hi]`` is the curve itself
    plus at most one straight piece ``[s0, s1]``: for ``d > 0`` the tangent from ``(lo, P(lo))``
    touching at ``t = -(c/d + lo)/2`` (from ``P(t) - P(lo) - P'(t)(t - lo) =
    -(t - lo)²(c + d(2t + lo))``), or the chord to ``hi`` when ``t >= hi``; mirrored for
    ``d < 0``; the chord for a concave quadratic. Where the Lagrangian minimiser jumps (from
    ``s0`` to ``s1``) the multiplier is exactly ``λ = slope / Q``.

    Returns ``s0, s1`` [-], ``has`` (a piece exists) [-] and ``λ`` of the piece [kW/RT].
    """
    _, _, c, d = coef
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(d != 0.0, c / np.where(d != 0.0, d, 1.0), 0.0)
    xc = -ratio / 3.0
    pos = (d > 0.0) & (xc > lo)
    neg = (d < 0.0) & (xc < hi)
    flat = (d == 0.0) & (c < 0.0)
    s0 = np.where(neg, np.maximum(-(ratio + hi) / 2.0, lo), lo)
    s1 = np.where(pos, np.minimum(-(ratio + lo) / 2.0, hi), hi)
    has = (pos | neg | flat) & (s1 > s0 + 1e-12) & (q > 0)
    s0 = np.where(has, s0, lo)
    s1 = np.where(has, s1, lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        slope = (_poly(coef, s1) - _poly(coef, s0)) / (s1 - s0)
        lam = np.where(has, slope / np.where(q > 0, q, 1.0), np.nan)
    return s0, s1, has, lam


@dataclass
class _DualState:
    """Work arrays of :func:`_dual`, one row per box."""

    lam_l: FloatArray  # bracket: Σ Q x(λ) <= L at lam_l [kW/RT]
    lam_h: FloatArray  # bracket: Σ Q x(λ) >= L at lam_h [kW/RT]
    out_l: FloatArray  # final multipliers (equal when Newton converged) [kW/RT]
    out_h: FloatArray
    x_lo: FloatArray  # minimisers at out_l / out_h [-]
    x_hi: FloatArray
    v: FloatArray  # inner minima at out_l [kW]
    solved: BoolArray  # a multiplier balancing the load was found


def _newton(
    st: _DualState,
    idx: IntArray,
    start: FloatArray,
    q: FloatArray,
    coef: Coef,
    lo: FloatArray,
    hi: FloatArray,
    r: FloatArray,
    ends: tuple[FloatArray, FloatArray],
    tol: FloatArray,
    max_iter: int,
    finish: bool,
) -> None:
    """Safeguarded Newton on ``Σ Q x(λ) = L`` for boxes `idx`, from `start` [kW/RT].

    Updates the brackets; boxes that balance are marked solved. With `finish`, boxes whose
    bracket collapses (a jump of the minimiser) are closed with the bracket as their pair of
    multipliers; otherwise unconverged boxes are left for the caller.
    """
    active = idx
    a_l, a_h = st.lam_l[active], st.lam_h[active]
    a_lam = np.clip(start, a_l, a_h)
    aq, ac, alo, ahi = q[active], _take(coef, active), lo[active], hi[active]
    ar, atol, aends = r[active], tol[active], (ends[0][active], ends[1][active])
    for it in range(max_iter):
        if active.size == 0:
            break
        x, val, dx = _inner_min(aq, ac, alo, ahi, a_lam, aends)
        res = ar - np.sum(aq * x, axis=1)
        slope = np.sum(dx, axis=1)
        done = np.abs(res) <= atol
        a_l = np.where(res > 0, a_lam, a_l)
        a_h = np.where(res < 0, a_lam, a_h)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = a_lam + res / slope
        ok = (slope > 0) & (newton > a_l) & (newton < a_h) & (it < 30)
        nxt = np.where(ok, newton, 0.5 * (a_l + a_h))
        fin = done
        if finish:
            tiny = (a_h - a_l) <= 4e-16 * np.maximum(1.0, np.maximum(np.abs(a_l), np.abs(a_h)))
            fin = done | tiny | (it == max_iter - 1)
        if np.any(fin):
            ix = active[fin]
            dn = done[fin]
            st.out_l[ix] = np.where(dn, a_lam[fin], a_l[fin])
            st.out_h[ix] = np.where(dn, a_lam[fin], a_h[fin])
            st.x_lo[ix] = x[fin]
            st.x_hi[ix] = x[fin]
            st.v[ix] = val[fin]
            st.solved[ix[dn]] = True
            keep = ~fin
            active, a_l, a_h, a_lam = active[keep], a_l[keep], a_h[keep], nxt[keep]
            aq, alo, ahi, ar, atol = aq[keep], alo[keep], ahi[keep], ar[keep], atol[keep]
            aends = (aends[0][keep], aends[1][keep])
            ac = (ac[0][keep], ac[1][keep], ac[2][keep], ac[3][keep])
        else:
            a_lam = nxt
    st.lam_l[active] = a_l
    st.lam_h[active] = a_h


def _plateaus(
    st: _DualState,
    idx: IntArray,
    q: FloatArray,
    coef: Coef,
    lo: FloatArray,
    hi: FloatArray,
    r: FloatArray,
    ends: tuple[FloatArray, FloatArray],
    tol: FloatArray,
) -> FloatArray:
    """Test every straight envelope piece of boxes `idx` as the dual optimum.

    Boxes whose load lies on a piece are solved exactly (λ = the piece's slope). For the others
    the bracket is narrowed to the pieces around the load; returns a secant start [kW/RT].
    """
    k, n = idx.size, q.shape[1]
    qi, ci, li, hi_ = q[idx], _take(coef, idx), lo[idx], hi[idx]
    ri, toli = r[idx], tol[idx]
    sum_l = np.sum(qi * li, axis=1)
    sum_h = np.sum(qi * hi_, axis=1)
    lam_l, lam_h = st.lam_l[idx], st.lam_h[idx]
    s0, s1, has, lam_c = _segments(qi, ci, li, hi_)
    if np.any(has):
        rk, cj = np.nonzero(has)  # row-major: the pieces of one box are contiguous
        lam_m = lam_c[rk, cj]
        qk = qi[rk]
        x_m, val_m, _ = _inner_min(
            qk, _take(ci, rk), li[rk], hi_[rk], lam_m, (ends[0][idx][rk], ends[1][idx][rk])
        )
        tie = has[rk] & (
            np.abs(lam_c[rk] - lam_m[:, None]) <= 1e-13 * np.maximum(1.0, np.abs(lam_m))[:, None]
        )
        x_minus = np.where(tie, s0[rk], x_m)
        x_plus = np.where(tie, s1[rk], x_m)
        s_minus = np.sum(qk * x_minus, axis=1)
        s_plus = np.sum(qk * x_plus, axis=1)
        rr = ri[rk]
        left = np.full((k, n), -np.inf)
        right = np.full((k, n), np.inf)
        below = s_plus < rr
        above = s_minus > rr
        left[rk[below], cj[below]] = lam_m[below]
        right[rk[above], cj[above]] = lam_m[above]
        splus_d = np.zeros((k, n))
        sminus_d = np.zeros((k, n))
        splus_d[rk, cj] = s_plus
        sminus_d[rk, cj] = s_minus
        rows = np.arange(k)
        jl = np.argmax(left, axis=1)
        jr = np.argmin(right, axis=1)
        use_l = np.isfinite(left[rows, jl]) & (left[rows, jl] >= lam_l)
        use_r = np.isfinite(right[rows, jr]) & (right[rows, jr] <= lam_h)
        lam_l = np.where(use_l, left[rows, jl], lam_l)
        sum_l = np.where(use_l, splus_d[rows, jl], sum_l)
        lam_h = np.where(use_r, right[rows, jr], lam_h)
        sum_h = np.where(use_r, sminus_d[rows, jr], sum_h)
        hit = np.nonzero(~below & ~above)[0]
        hit = hit[
            (s_minus[hit] <= rr[hit] + toli[rk[hit]]) & (s_plus[hit] >= rr[hit] - toli[rk[hit]])
        ]
        if hit.size:
            first = np.ones(hit.size, dtype=bool)
            first[1:] = rk[hit[1:]] != rk[hit[:-1]]
            sel = hit[first]
            nodes_hit = idx[rk[sel]]
            st.solved[nodes_hit] = True
            st.out_l[nodes_hit] = st.out_h[nodes_hit] = lam_m[sel]
            st.x_lo[nodes_hit] = x_minus[sel]
            st.x_hi[nodes_hit] = x_plus[sel]
            st.v[nodes_hit] = val_m[sel]
    st.lam_l[idx] = lam_l
    st.lam_h[idx] = lam_h
    span = sum_h - sum_l
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.where(span > 0, (ri - sum_l) / span, 0.5)
    start: FloatArray = lam_l + np.clip(frac, 0.05, 0.95) * (lam_h - lam_l)
    return start


def _equal_marginal(
    q: FloatArray, coef: Coef, lo: FloatArray, hi: FloatArray, r: FloatArray
) -> FloatArray:
    """Mean marginal power at equal PLR, a Newton start [kW/RT]."""
    tot = np.sum(q, axis=1)
    tot1 = np.where(tot > 0, tot, 1.0)
    x_eq = np.clip((r / tot1)[:, None], lo, hi)
    slope = coef[1] + x_eq * (2.0 * coef[2] + 3.0 * coef[3] * x_eq)
    out: FloatArray = np.sum(np.where(q > 0, slope, 0.0), axis=1) / tot1
    return out


def _dual(
    q: FloatArray,
    coef: Coef,
    lo: FloatArray,
    hi: FloatArray,
    r: FloatArray,
    lam0: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Lagrangian bound and a feasible allocation for each box.

    The dual optimum λ* either sits where the load balance ``Σ Q x(λ) = L`` is continuous
    (safeguarded Newton finds it, from `lam0` [kW/RT] when given) or on a straight envelope
    piece (then it is that piece's slope, found by testing every piece); bisection is the
    fallback.

    Returns ``lower`` [kW], ``upper`` [kW], ``x`` (feasible PLRs) [-], ``gap_each`` (each
    chiller's share of ``upper - lower``) [kW] and the multiplier of the bound [kW/RT].
    """
    k, n = q.shape
    lam_l, lam_h = _marginal_range(q, coef, lo, hi)
    tol = 1e-10 * (np.sum(q * hi, axis=1) + 1.0)
    st = _DualState(
        lam_l,
        lam_h,
        np.full(k, np.nan),
        np.full(k, np.nan),
        np.zeros((k, n)),
        np.zeros((k, n)),
        np.zeros((k, n)),
        np.zeros(k, dtype=bool),
    )
    ends = (_poly(coef, lo), _poly(coef, hi))
    todo = np.arange(k)
    if lam0 is not None:
        _newton(st, todo, lam0, q, coef, lo, hi, r, ends, tol, 3, finish=False)
        todo = np.nonzero(~st.solved)[0]
    if todo.size:
        start = _plateaus(st, todo, q, coef, lo, hi, r, ends, tol)
        if lam0 is None:
            eq = _equal_marginal(q[todo], _take(coef, todo), lo[todo], hi[todo], r[todo])
            inside = (eq > st.lam_l[todo]) & (eq < st.lam_h[todo])
            start = np.where(inside, eq, start)
        keep = ~st.solved[todo]
        todo, start = todo[keep], start[keep]
        _newton(st, todo, start, q, coef, lo, hi, r, ends, tol, 200, finish=True)

    v_l = st.v
    v_h = st.v
    x_lo, x_hi = st.x_lo, st.x_hi
    out_l, out_h = st.out_l, st.out_h
    brk = np.nonzero(~st.solved)[0]  # bracketed jumps that no straight piece explained
    if brk.size:
        qs, cs, ls, hs = q[brk], _take(coef, brk), lo[brk], hi[brk]
        bends = (ends[0][brk], ends[1][brk])
        x_lo[brk], v_l_b, _ = _inner_min(qs, cs, ls, hs, out_l[brk], bends)
        x_hi[brk], v_h_b, _ = _inner_min(qs, cs, ls, hs, out_h[brk], bends)
        v_l = st.v.copy()
        v_h = st.v.copy()
        v_l[brk] = v_l_b
        v_h[brk] = v_h_b
    g_l = out_l * r + np.sum(v_l, axis=1)
    g_h = out_h * r + np.sum(v_h, axis=1)
    use_h = g_h > g_l
    lower = np.where(use_h, g_h, g_l)
    lam_b = np.where(use_h, out_h, out_l)
    v_b = np.where(use_h[:, None], v_h, v_l)

    # Feasible allocation: start from the low side of λ and take up the remaining load first
    # with the chillers that move continuously, then chiller by chiller along the jumps, so that
    # at most one chiller ends up off its convex envelope.
    x_hi = np.maximum(x_hi, x_lo)
    delta = q * (x_hi - x_lo)
    jump = delta > 1e-9 * (q + 1.0)
    rest = r - np.sum(q * x_lo, axis=1)
    cont = np.where(jump, 0.0, delta)
    cont_sum = np.sum(cont, axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        theta = np.where(cont_sum > 0, np.clip(rest / cont_sum, 0.0, 1.0), 0.0)
    load = q * x_lo + theta[:, None] * cont
    rest = rest - theta * cont_sum
    jd = np.where(jump, delta, 0.0)
    before = np.cumsum(jd, axis=1) - jd
    load = load + np.clip(rest[:, None] - before, 0.0, jd)
    load = _repair(q, lo, hi, load, r)
    qs_all = np.where(q > 0, q, 1.0)
    x = np.clip(np.where(q > 0, load / qs_all, 0.0), lo, hi)
    power = np.where(q > 0, _poly(coef, x), 0.0)
    upper = np.sum(power, axis=1)
    gap_each = np.maximum(power - lam_b[:, None] * q * x - v_b, 0.0)
    return lower, upper, x, gap_each, lam_b


def _repair(
    q: FloatArray, lo: FloatArray, hi: FloatArray, load: FloatArray, r: FloatArray
) -> FloatArray:
    """Shift loads [RT] within the boxes so that every row sums to `r` [RT]."""
    for _ in range(2):
        resid = r - np.sum(load, axis=1)
        room_up = np.maximum(q * hi - load, 0.0)
        room_dn = np.maximum(load - q * lo, 0.0)
        up_sum = np.sum(room_up, axis=1)
        dn_sum = np.sum(room_dn, axis=1)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            f_up = np.where(up_sum > 0, np.clip(resid / up_sum, 0.0, 1.0), 0.0)
            f_dn = np.where(dn_sum > 0, np.clip(-resid / dn_sum, 0.0, 1.0), 0.0)
        load = load + f_up[:, None] * room_up - f_dn[:, None] * room_dn
    return load


def _tighten(
    q: FloatArray, lo: FloatArray, hi: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Bound propagation of ``Σ q x = r`` on the boxes; returns lo, hi and a feasibility mask."""
    on = q > 0
    qs = np.where(on, q, 1.0)
    sum_hi = np.sum(q * hi, axis=1, keepdims=True)
    sum_lo = np.sum(q * lo, axis=1, keepdims=True)
    rr = r[:, None]
    new_lo = np.where(on, np.maximum(lo, (rr - (sum_hi - q * hi)) / qs), lo)
    new_hi = np.where(on, np.minimum(hi, (rr - (sum_lo - q * lo)) / qs), hi)
    slack = 1e-12 * (1.0 + np.abs(new_hi))
    feasible = np.all(new_lo <= new_hi + slack, axis=1)
    new_lo = np.minimum(new_lo, new_hi)
    return new_lo, new_hi, feasible


@dataclass
class _Solved:
    value: FloatArray  # best power per group [kW], inf if infeasible
    x: FloatArray  # PLRs of the best solution per group [-]
    problem: IntArray  # which problem holds the best solution, -1 if none
    lower: FloatArray  # certified lower bound per group [kW]
    nodes: int
    lam: FloatArray  # multiplier of the best solution per group [kW/RT]


@np.errstate(all="ignore")  # inf and nan are masked explicitly throughout the engine
def _branch_and_bound(
    q: FloatArray,
    coef: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    r: FloatArray,
    group: IntArray,
    n_groups: int,
    params: OclParams,
    lam0: FloatArray | None = None,
    ways: int = 8,
) -> _Solved:
    """Certified minimum of each group of continuous allocation problems.

    Problem ``p`` is ``min Σ P(x) s.t. Σ q x = r[p], lo <= x <= hi`` with arrays of shape
    (P, n) and coef (P, n, 4) [kW]; problems with the same ``group`` share one incumbent, so
    only the best of a group is computed exactly. `lam0` is an optional guess of each
    problem's multiplier [kW/RT]. A box is split into `ways` pieces (fewer rounds with more
    pieces, fewer boxes with fewer).
    """
    n = q.shape[1]
    cf = _split(coef)
    inc = np.full(n_groups, np.inf)
    inc_x = np.zeros((n_groups, n))
    inc_p = np.full(n_groups, -1, dtype=np.int64)
    inc_lam = np.full(n_groups, np.nan)
    node_lam = lam0
    glb = np.full(n_groups, np.inf)
    node_p = np.arange(q.shape[0], dtype=np.int64)
    node_lo, node_hi = lo.copy(), hi.copy()
    nq, nc, nr = q, cf, r
    nodes = 0
    while node_p.size:
        node_lo, node_hi, feas = _tighten(nq, node_lo, node_hi, nr)
        if not np.all(feas):
            node_p, node_lo, node_hi = node_p[feas], node_lo[feas], node_hi[feas]
            nq, nc, nr = nq[feas], (nc[0][feas], nc[1][feas], nc[2][feas], nc[3][feas]), nr[feas]
            node_lam = None if node_lam is None else node_lam[feas]
            if node_p.size == 0:
                break
        nodes += int(node_p.size)
        lower, upper, x, gap_each, lam_b = _dual(nq, nc, node_lo, node_hi, nr, node_lam)
        g = group[node_p]
        best = inc.copy()
        np.minimum.at(best, g, upper)
        improved = (upper <= best[g]) & (upper < inc[g])
        if np.any(improved):
            idx = np.nonzero(improved)[0]
            inc_x[g[idx]] = x[idx]
            inc_p[g[idx]] = node_p[idx]
            inc_lam[g[idx]] = lam_b[idx]
        inc = best
        tol = np.maximum(params.atol_kw, params.rtol * np.abs(inc[g]))
        close = lower >= inc[g] - tol
        np.minimum.at(glb, g[close], lower[close])
        open_ = ~close
        if not np.any(open_):
            break
        if nodes >= params.max_nodes:
            np.minimum.at(glb, g[open_], lower[open_])
            break
        node_p, node_lo, node_hi = node_p[open_], node_lo[open_], node_hi[open_]
        nc = (nc[0][open_], nc[1][open_], nc[2][open_], nc[3][open_])
        gap_each = gap_each[open_]
        lam_b = lam_b[open_]
        width = node_hi - node_lo
        j = np.argmax(np.where(width > 0, gap_each, -1.0), axis=1)
        rows = np.arange(node_p.size)
        lj, hj = node_lo[rows, j], node_hi[rows, j]
        cj, dj = nc[2][rows, j], nc[3][rows, j]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            infl = np.where(dj != 0.0, -cj / (3.0 * dj), np.nan)
        margin = 1e-7 * (hj - lj)
        at_infl = (infl > lj + margin) & (infl < hj - margin)
        # Split at the inflection point (two pieces), else into `ways` equal pieces.
        frac = np.arange(ways + 1) / ways
        cuts = lj[:, None] + frac[None, :] * (hj - lj)[:, None]
        cuts[:, ways] = hj
        cuts = np.where(at_infl[:, None], np.nan, cuts)
        cuts[at_infl, 0] = lj[at_infl]
        cuts[at_infl, 1] = infl[at_infl]
        cuts[at_infl, 2] = hj[at_infl]
        piece_lo = cuts[:, :-1]
        piece_hi = cuts[:, 1:]
        keep_piece = np.isfinite(piece_lo) & np.isfinite(piece_hi)
        par, pc = np.nonzero(keep_piece)
        new_lo = node_lo[par]
        new_hi = node_hi[par]
        new_lo[np.arange(par.size), j[par]] = piece_lo[par, pc]
        new_hi[np.arange(par.size), j[par]] = piece_hi[par, pc]
        node_p, node_lo, node_hi = node_p[par], new_lo, new_hi
        nq, nr = q[node_p], r[node_p]
        nc = (nc[0][par], nc[1][par], nc[2][par], nc[3][par])
        node_lam = None  # children start afresh: a parent multiplier is a poor start
    lower_bound = np.minimum(glb, inc)
    return _Solved(inc, inc_x, inc_p, lower_bound, nodes, inc_lam)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _subset_masks(n: int) -> BoolArray:
    """All non-empty on/off sets of `n` chillers, shape (2^n - 1, n) [-]."""
    bits = np.arange(1, 2**n, dtype=np.int64)
    return ((bits[:, None] >> np.arange(n)) & 1).astype(bool)


def _check_load(load_rt: float) -> float:
    try:
        load = float(load_rt)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"cooling load must be a number of RT, got {load_rt!r}") from exc
    if not math.isfinite(load) or load < 0:
        raise ConfigError(f"cooling load must be a finite number >= 0 RT, got {load_rt!r}")
    return load


def _problems(
    arrays: PlantArrays, masks: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-set arrays q [RT], coef [kW], lo, hi [-] with off chillers zeroed."""
    q = np.where(masks, arrays.capacity_rt, 0.0)
    coef = np.where(masks[..., None], arrays.coef, 0.0)
    lo = np.where(masks, arrays.min_plr, 0.0)
    hi = np.where(masks, arrays.max_plr, 0.0)
    return q, coef, lo, hi


def optimal_loading(
    plant: Plant,
    load_rt: float,
    *,
    allow_off: bool = False,
    t_cw_c: float | None = None,
    params: OclParams | None = None,
) -> Loading:
    """Certified minimum-power loading of a chiller plant for one cooling load.

    Parameters
    ----------
    plant : Plant
        The chillers [-].
    load_rt : float
        Cooling load to carry [RT].
    allow_off : bool
        False: every chiller runs between its min and max PLR (the Lee & Lin 2009 convention).
        True: any set of chillers may be switched off (0 kW) [-].
    t_cw_c : float, optional
        Condenser-water entering temperature for EIR curves [°C].
    params : OclParams, optional
        Tolerances and node budget.

    Returns
    -------
    Loading
        On/off set, PLRs [-], power [kW] and the certified lower bound [kW].

    Raises
    ------
    InfeasibleError
        The load exceeds the plant capacity (the message gives the shortfall [RT]) or is below
        the minimum stable load of every admissible set of chillers.
    """
    p = params or OclParams()
    load = _check_load(load_rt)
    if plant.n > MAX_CHILLERS:
        raise ConfigError(f"at most {MAX_CHILLERS} chillers are supported, got {plant.n}")
    arrays = plant.arrays(t_cw_c)
    cap = arrays.capacity_rt
    total = float(np.sum(cap))
    convention = "allow_off" if allow_off else "all_on"
    if load > total * (1 + 1e-12):
        raise InfeasibleError(
            f"cooling load {load:,.2f} RT exceeds the plant capacity {total:,.2f} RT: "
            f"shortfall {load - total:,.2f} RT"
        )
    n = plant.n
    if allow_off and load == 0.0:
        zeros = (0.0,) * n
        return Loading(0.0, 0.0, (False,) * n, zeros, zeros, "ocl", convention, 0.0, 0, 1)
    masks = _subset_masks(n) if allow_off else np.ones((1, n), dtype=bool)
    set_cap = masks @ cap
    set_min = masks @ (cap * arrays.min_plr)
    set_max = masks @ (cap * arrays.max_plr)
    ok = (set_min <= load * (1 + 1e-12)) & (set_max >= load * (1 - 1e-12))
    if not np.any(ok):
        if load > float(np.max(set_max)):
            raise InfeasibleError(
                f"cooling load {load:,.2f} RT exceeds what the chillers deliver at max PLR "
                f"({float(np.max(set_max)):,.2f} RT): shortfall "
                f"{load - float(np.max(set_max)):,.2f} RT"
            )
        lowest = float(np.min(set_min))
        what = "the all-on minimum stable load" if not allow_off else "the smallest chiller's"
        raise InfeasibleError(
            f"cooling load {load:,.2f} RT is below {what} {lowest:,.2f} RT "
            f"(min PLR × capacity); allow chillers off or false-load"
        )
    masks = masks[ok]
    del set_cap
    q, coef, lo, hi = _problems(arrays, masks)
    r = np.full(masks.shape[0], load)
    group = np.zeros(masks.shape[0], dtype=np.int64)
    solved = _branch_and_bound(q, coef, lo, hi, r, group, 1, p)
    best = int(solved.problem[0])
    x = solved.x[0]
    on = masks[best]
    plr = np.where(on, x, 0.0)
    each = plr * cap
    return Loading(
        load_rt=load,
        power_kw=float(solved.value[0]),
        on=tuple(bool(v) for v in on),
        plr=tuple(float(v) for v in plr),
        load_each_rt=tuple(float(v) for v in each),
        method="ocl",
        convention=convention,
        lower_bound_kw=float(solved.lower[0]),
        nodes=solved.nodes,
        subsets=int(masks.shape[0]),
    )


def equal_loading(
    plant: Plant,
    load_rt: float,
    *,
    on: tuple[bool, ...] | None = None,
    t_cw_c: float | None = None,
) -> Loading:
    """Conventional loading: the running chillers share the load at one equal PLR.

    A PLR below a chiller's minimum is raised to the minimum (false loading, the surplus is
    bypassed), so the baseline never fails on a low load.

    Parameters
    ----------
    plant : Plant
    load_rt : float
        Cooling load [RT].
    on : tuple of bool, optional
        Running chillers; all of them by default [-].
    t_cw_c : float, optional
        Condenser-water entering temperature for EIR curves [°C].

    Returns
    -------
    Loading
        ``method="equal"``; power [kW].

    Raises
    ------
    InfeasibleError
        The load exceeds the capacity of the running chillers (the message gives the
        shortfall [RT]).
    """
    load = _check_load(load_rt)
    arrays = plant.arrays(t_cw_c)
    mask = np.ones(plant.n, dtype=bool) if on is None else np.asarray(on, dtype=bool)
    if mask.shape != (plant.n,):
        raise ConfigError(f"`on` needs {plant.n} flags, got {mask.size}")
    cap = np.where(mask, arrays.capacity_rt, 0.0)
    total = float(np.sum(cap * arrays.max_plr))
    if load > total * (1 + 1e-12):
        raise InfeasibleError(
            f"cooling load {load:,.2f} RT exceeds the running chillers' capacity "
            f"{total:,.2f} RT: shortfall {load - total:,.2f} RT"
        )
    if not mask.any():
        if load > 0:
            raise InfeasibleError(f"cooling load {load:,.2f} RT with every chiller off")
        zeros = (0.0,) * plant.n
        return Loading(0.0, 0.0, (False,) * plant.n, zeros, zeros, "equal", "allow_off")
    share = load / float(np.sum(cap))
    plr = np.where(mask, np.clip(share, arrays.min_plr, arrays.max_plr), 0.0)
    power = float(np.sum(np.where(mask, _cubic(arrays.coef, plr), 0.0)))
    return Loading(
        load_rt=load,
        power_kw=power,
        on=tuple(bool(v) for v in mask),
        plr=tuple(float(v) for v in plr),
        load_each_rt=tuple(float(v) for v in plr * arrays.capacity_rt),
        method="equal",
        convention="all_on" if mask.all() else "allow_off",
    )


def _all_sets(n: int) -> BoolArray:
    """Every on/off set including all-off, row ``k`` = bits of ``k``, shape (2^n, n) [-]."""
    bits = np.arange(2**n, dtype=np.int64)
    return ((bits[:, None] >> np.arange(n)) & 1).astype(bool)


def set_power_table(
    plant: Plant,
    load_rt: FloatArray,
    t_cw_c: FloatArray | None = None,
    *,
    params: OclParams | None = None,
    chunk: int = 4_096,
) -> tuple[FloatArray, FloatArray]:
    """Certified minimum power of every on/off set at every step (for staging).

    A set carries any load up to its capacity; below its minimum stable load it runs every
    chiller at min PLR and bypasses the surplus (false loading).

    Parameters
    ----------
    plant : Plant
    load_rt : ndarray, shape (T,)
        Cooling load per step [RT].
    t_cw_c : ndarray, shape (T,), optional
        Condenser-water entering temperature per step [°C].

    Returns
    -------
    power : ndarray, shape (T, 2^n)
        Minimum power of set ``k`` (bit ``i`` of ``k`` = chiller ``i`` on) [kW]; inf where the set
        cannot carry the load; column 0 (all off) is 0 at zero load.
    bypass : ndarray, shape (T, 2^n)
        Surplus cooling bypassed by the set [RT].
    """
    p = params or OclParams()
    load = np.asarray(load_rt, dtype=float)
    t_steps, n = load.size, plant.n
    sets = _all_sets(n)

    # Identical chillers are interchangeable: solve one representative per multiset.
    type_key: dict[tuple[object, ...], int] = {}
    types = []
    for ch in plant.chillers:
        key = (ch.capacity_rt, ch.curve, ch.min_plr, ch.max_plr, ch.aux_kw)
        types.append(type_key.setdefault(key, len(type_key)))
    counts = sets.astype(np.int64) @ np.eye(len(type_key), dtype=np.int64)[types]
    _, rep_sets, set_inv = np.unique(counts, axis=0, return_index=True, return_inverse=True)
    set_inv = set_inv.reshape(-1)

    temps = None if t_cw_c is None else np.asarray(t_cw_c, dtype=float)
    if temps is None:
        arr = plant.arrays(None)
        cap_t = np.broadcast_to(arr.capacity_rt, (t_steps, n))
        temp_key = np.zeros(t_steps)
    else:
        arr = plant.arrays(temps)
        cap_t = arr.capacity_rt
        temp_key = temps
    # Steps with the same load and temperature share one row of the table.
    _, rep_steps, step_inv = np.unique(
        np.stack([load, temp_key], axis=1), axis=0, return_index=True, return_inverse=True
    )
    step_inv = step_inv.reshape(-1)
    rep_sets_mask = sets[rep_sets]
    set_cap = cap_t[rep_steps] @ (rep_sets_mask * arr.max_plr).T  # (U, G)
    set_min = cap_t[rep_steps] @ (rep_sets_mask * arr.min_plr).T
    rep_load = load[rep_steps]
    runs: BoolArray = np.any(rep_sets_mask, axis=1)
    feas = (set_cap >= rep_load[:, None] * (1 - 1e-12)) & runs[None, :]
    r_all = np.maximum(rep_load[:, None], set_min)
    tt, gg = np.nonzero(feas)
    table = np.full(feas.shape, np.inf)
    if tt.size:
        table[tt, gg] = _solve_table(
            arr, sets[rep_sets[gg]], rep_steps[tt], r_all[tt, gg], temps, p, chunk
        )
    power = table[step_inv][:, set_inv]
    power[:, 0] = np.where(load <= 0.0, 0.0, np.inf)
    bypass = np.where(np.isfinite(power), (r_all - rep_load[:, None])[step_inv][:, set_inv], 0.0)
    return power, bypass


def _solve_table(
    arr: PlantArrays,
    masks: BoolArray,
    steps: IntArray,
    r: FloatArray,
    temps: FloatArray | None,
    params: OclParams,
    chunk: int,
) -> FloatArray:
    """Certified optimum [kW] of each (set, step, load [RT]) problem, packed by set size."""
    values = np.empty(masks.shape[0])
    size = masks.sum(axis=1)
    for k in np.unique(size):
        sel_k = np.nonzero(size == k)[0]
        for start in range(0, sel_k.size, chunk):
            sel = sel_k[start : start + chunk]
            m = sel.size
            # Pack the running chillers into k columns: no work is spent on chillers that are off.
            cols = np.nonzero(masks[sel])[1].reshape(m, int(k))
            if temps is None:
                q = arr.capacity_rt[cols]
                coef = arr.coef[cols]
            else:
                rows = steps[sel][:, None]
                q = arr.capacity_rt[rows, cols]
                coef = arr.coef[rows, cols]
            lo, hi = arr.min_plr[cols], arr.max_plr[cols]
            group = np.arange(m, dtype=np.int64)
            values[sel] = _branch_and_bound(q, coef, lo, hi, r[sel], group, m, params, ways=3).value
    return values


def set_loading(
    plant: Plant,
    load_rt: FloatArray,
    set_index: IntArray,
    t_cw_c: FloatArray | None = None,
    *,
    params: OclParams | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Optimal PLRs and power of a given on/off set at each step.

    Parameters
    ----------
    load_rt : ndarray, shape (T,)
        Cooling load [RT].
    set_index : ndarray of int, shape (T,)
        On/off set per step, bit ``i`` = chiller ``i`` on [-].

    Returns
    -------
    plr : ndarray, shape (T, n)
        Part-load ratio per chiller, 0 when off [-].
    power : ndarray, shape (T,)
        Plant power [kW].
    """
    p = params or OclParams()
    load = np.asarray(load_rt, dtype=float)
    n = plant.n
    masks = _all_sets(n)[np.asarray(set_index)]
    arr = plant.arrays(None if t_cw_c is None else np.asarray(t_cw_c, dtype=float))
    cap = np.broadcast_to(arr.capacity_rt, (load.size, n))
    sub = PlantArrays(
        np.ascontiguousarray(cap),
        np.broadcast_to(arr.coef, (load.size, n, 4)),
        arr.min_plr,
        arr.max_plr,
    )
    q, coef, lo, hi = _problems(sub, masks)
    r = np.maximum(load, np.sum(q * lo, axis=1))
    plr = np.zeros((load.size, n))
    power = np.zeros(load.size)
    run = masks.any(axis=1)
    if np.any(run):
        idx = np.nonzero(run)[0]
        m = idx.size
        solved = _branch_and_bound(
            q[idx], coef[idx], lo[idx], hi[idx], r[idx], np.arange(m, dtype=np.int64), m, p
        )
        plr[idx] = solved.x
        power[idx] = solved.value
    return plr, power
