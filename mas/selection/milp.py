"""Exact best set for every k as a mixed-integer program solved by HiGHS (scipy.optimize.milp).

Variables: z_j (agent j participates, binary), x_ij (subtask i to agent j,
continuous: for fixed z the assignment LP is integral), y_jl (both j and l
participate, continuous: for binary z the constraints force y = z_j z_l).

    min  sum C_ij x_ij + sum_{j<l} (P_jl + P_lj) y_jl
    s.t. sum_j x_ij = 1,  x_ij <= z_j,  sum_j z_j = k,
         y_jl >= z_j + z_l - 1,  y_jl <= z_j,  y_jl <= z_l,
         sum_{l != j} y_jl = (k - 1) z_j          (makes the relaxation tight)

The matrix is built once; only the k-dependent coefficients change per k.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from mas.selection import register


class _Program:
    def __init__(self, C: np.ndarray, W: np.ndarray) -> None:
        m, n = C.shape
        self.n = n
        rows_i, cols_j = np.nonzero(np.isfinite(C))
        nx_ = rows_i.size
        pj, pl = np.triu_indices(n, 1)
        npair = pj.size
        self.nz, self.nx, self.npair = n, nx_, npair
        xo, yo = n, n + nx_  # offsets of x and y
        self.size = n + nx_ + npair
        self.c = np.concatenate([np.zeros(n), C[rows_i, cols_j], W[pj, pl]])
        self.integrality = np.concatenate([np.ones(n), np.zeros(nx_ + npair)])
        ax = np.arange(nx_)
        ay = np.arange(npair)

        def block(data, r, c, nrows):
            return sp.csr_array((data, (r, c)), shape=(nrows, self.size))

        # sum_j x_ij = 1
        assign = block(np.ones(nx_), rows_i, xo + ax, m)
        # x_ij - z_j <= 0
        link = block(np.concatenate([np.ones(nx_), -np.ones(nx_)]),
                     np.concatenate([ax, ax]), np.concatenate([xo + ax, cols_j]), nx_)
        # y - z_j - z_l >= -1 ; y - z_j <= 0 ; y - z_l <= 0
        r3 = np.concatenate([ay, ay, ay])
        both = block(np.concatenate([np.ones(npair), -np.ones(2 * npair)]), r3,
                     np.concatenate([yo + ay, pj, pl]), npair)
        upj = block(np.concatenate([np.ones(npair), -np.ones(npair)]), np.concatenate([ay, ay]),
                    np.concatenate([yo + ay, pj]), npair)
        upl = block(np.concatenate([np.ones(npair), -np.ones(npair)]), np.concatenate([ay, ay]),
                    np.concatenate([yo + ay, pl]), npair)
        self.fixed = [
            LinearConstraint(assign, 1.0, 1.0),
            LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(both, -1.0, np.inf),
            LinearConstraint(upj, -np.inf, 0.0),
            LinearConstraint(upl, -np.inf, 0.0),
        ]
        self.count = block(np.ones(n), np.zeros(n, dtype=int), np.arange(n), 1)
        # sum_{l != j} y_jl over pairs touching j, without the -(k-1) z_j term
        self.degree_y = block(np.ones(2 * npair), np.concatenate([pj, pl]),
                              np.concatenate([yo + ay, yo + ay]), n)
        self.z_eye = block(np.ones(n), np.arange(n), np.arange(n), n)

    def solve(self, k: int, time_limit: float | None) -> list[int] | None:
        degree = self.degree_y - (k - 1) * self.z_eye
        constraints = self.fixed + [LinearConstraint(self.count, k, k), LinearConstraint(degree, 0.0, 0.0)]
        # HiGHS stops at a 0.01% relative gap by default; exact means exact
        options = {"disp": False, "mip_rel_gap": 0.0}
        if time_limit is not None:
            options["time_limit"] = time_limit
        res = milp(self.c, constraints=constraints, integrality=self.integrality,
                   bounds=Bounds(0.0, 1.0), options=options)
        if res.x is None:
            return None
        return [j for j in range(self.n) if res.x[j] > 0.5]


@register("milp")
def milp_strategy(model, ks, *, time_limit: float | None = None) -> dict[int, list[int]]:
    """Exact best set of each size in ``ks`` by HiGHS; a k with no feasible set is left out."""
    program = _Program(model.C, model.W)
    out = {}
    for k in ks:
        s = program.solve(k, time_limit)
        if s is not None:
            out[k] = s
    return out
