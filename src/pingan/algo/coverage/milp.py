"""The coverage MILP solved with HiGHS, built sparsely from the pairs within the largest radius."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from pingan.algo.coverage.instance import CoverageInstance, FloatArray, IntArray

# --------------------------------------------------------------------------- exact MILP


def solve_milp(
    inst: CoverageInstance,
    k: int,
    fixed: IntArray,
    time_limit_s: float,
    start: Sequence[int] | None,
) -> tuple[list[int] | None, float, bool]:
    """Solve the MILP with HiGHS. Returns (posts or None, dual bound, proven optimal)."""
    import highspy

    n_d, n_t, n_c = inst.n_demand, inst.n_tiers, inst.n_candidates
    beta = inst.backup_weight
    w = inst.weight
    rows_all = np.repeat(np.arange(n_d, dtype=np.int64), np.diff(inst.row_ptr))
    tier_rows: list[sp.csr_matrix] = []
    y_active: list[IntArray] = []
    y_cost: list[FloatArray] = []
    for t in range(n_t):
        inside = inst.row_code <= t
        a_t = sp.csr_matrix(
            (np.ones(int(inside.sum())), (rows_all[inside], inst.row_cand[inside])),
            shape=(n_d, n_c),
        )
        n_reach = np.diff(a_t.indptr)
        need = (w > 0) & (n_reach > 0)
        if not (beta > 0 and t == n_t - 1):
            need &= inst.tier_weights[t] > 0
        active = np.flatnonzero(need)
        tier_rows.append(a_t[active])
        y_active.append(active)
        y_cost.append(inst.tier_weights[t] * w[active])
    z_active = np.zeros(0, dtype=np.int64)
    if beta > 0:
        reach_last = np.diff(tier_rows[-1].indptr)
        z_active = y_active[-1][reach_last >= 2]
    n_y = sum(a.size for a in y_active)
    n_z = z_active.size
    n_var = n_c + n_y + n_z
    blocks: list[sp.coo_matrix] = []
    offset = n_c
    z_pos_in_last = np.zeros(0, dtype=np.int64)
    last_offset = 0
    for t in range(n_t):
        m = y_active[t].size
        x_part = -tier_rows[t].tocoo()
        eye_rows = np.arange(m)
        r = [x_part.row, eye_rows]
        c = [x_part.col, offset + eye_rows]
        v = [x_part.data, np.ones(m)]
        if t == n_t - 1 and n_z:
            z_pos_in_last = np.searchsorted(y_active[t], z_active)
            r.append(z_pos_in_last)
            c.append(n_c + n_y + np.arange(n_z))
            v.append(np.ones(n_z))
            last_offset = offset
        blocks.append(
            sp.coo_matrix(
                (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(m, n_var)
            )
        )
        offset += m
    if n_z:
        zr = np.arange(n_z)
        blocks.append(
            sp.coo_matrix(
                (
                    np.concatenate([np.ones(n_z), -np.ones(n_z)]),
                    (
                        np.concatenate([zr, zr]),
                        np.concatenate([n_c + n_y + zr, last_offset + z_pos_in_last]),
                    ),
                ),
                shape=(n_z, n_var),
            )
        )
    blocks.append(sp.coo_matrix((np.ones(n_c), (np.zeros(n_c), np.arange(n_c))), (1, n_var)))
    matrix = sp.vstack(blocks).tocsc()
    matrix.sort_indices()
    n_rows = matrix.shape[0]
    row_upper = np.zeros(n_rows)
    row_lower = np.full(n_rows, -highspy.kHighsInf)
    row_lower[-1] = row_upper[-1] = float(k)
    cost = np.concatenate([np.zeros(n_c), *y_cost, beta * w[z_active]])
    lower = np.zeros(n_var)
    lower[fixed] = 1.0
    lp = highspy.HighsLp()
    lp.num_col_ = n_var
    lp.num_row_ = n_rows
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = np.ones(n_var)
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_c + [highspy.HighsVarType.kContinuous] * (
        n_y + n_z
    )
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's stubs leave __init__ untyped
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.01))
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-9 * max(float(cost.sum()), 1.0))
    h.passModel(lp)
    if start is not None:
        x0 = np.zeros(n_c)
        x0[np.asarray(start, dtype=np.int64)] = 1.0
        cnt = inst.counts(start)
        y0 = [np.minimum(cnt[y_active[t], t], 1).astype(np.float64) for t in range(n_t)]
        z0 = (cnt[z_active, -1] >= 2).astype(np.float64)
        sol = highspy.HighsSolution()
        sol.col_value = list(np.concatenate([x0, *y0, z0]))
        h.setSolution(sol)
        # The model comes reduced (pingan.algo.coverage.reduce); HiGHS' presolve finds little
        # more in it, and with a start it costs more than it saves (Coquimbo 4000 x 1500,
        # K = 25: 2.4 s of CPU without it, 11 s with it).
        h.setOptionValue("presolve", "off")
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):
        bound = np.inf
    values = np.asarray(h.getSolution().col_value)
    if values.size < n_c:
        return None, bound, False
    posts = np.flatnonzero(values[:n_c] > 0.5)
    if posts.size != k:
        return None, bound, False
    return [int(p) for p in posts], bound, optimal
