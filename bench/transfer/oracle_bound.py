#!/usr/bin/env python3
"""How few evaluations to r <= 1e-3 could any warm start need? An oracle that knows the formula.

Issue 19's target 2 asks warm BO from 10 studies of the target's family for at least 4x fewer
evaluations to the threshold (normalized regret r <= 1e-3, bench/transfer/README.md) than cold BO.
No transfer method knows more about a target than its family's formula and the distribution its
parameters are drawn from. This script simulates a Bayesian oracle that knows both exactly and, at
each step, evaluates the point with the highest posterior probability of r <= 1e-3 (a greedy
policy, not proved optimal: its counts are evidence of what is reachable, not a proof):

  quadratic  f(x) = 1/2 a2 |x|^2 + a1 (1'x) + a0 on [-5, 5]^3, a0, a1, a2 ~ U[0.1, 10]. The
             optimum lies on the diagonal x = t (1, 1, 1); the oracle evaluates on the diagonal.
             Three values identify (a0, a1, a2), so the fourth evaluation is the optimum.
  hartmann   f(x) = c h(x - delta) + o, h Hartmann-3, delta ~ U[-0.1, 0.1]^3, c ~ U[0.5, 2],
             o ~ U[-1, 1]. The oracle is told more than the family gives away: it knows the
             task's coefficients alpha' and A' exactly (taken as the standard ones), so only
             delta, c and o are unknown; the posterior is carried by particles over delta, with
             (c, o) fitted by least squares per particle (values are noiseless: from three values
             on, a particle's residual is weighted as Gaussian with sd 2e-3).

Prints the share of tasks the oracle finishes within k evaluations and its median.
Usage: /usr/bin/python3 bench/transfer/oracle_bound.py quadratic --tasks 400
"""
import argparse

import numpy as np

THRESHOLD = 1e-3


# ---- quadratic ---------------------------------------------------------------------------------
class Quadratic:
    """Posterior over (a1, a2) (a0 follows from a value) by samples from the uniform prior."""

    def __init__(self, rng):
        box = rng.uniform(-5, 5, size=(512, 3))
        self.random_sum, self.random_half_square = box.sum(1), 0.5 * (box**2).sum(1)
        self.diagonal = np.linspace(-5, 0, 2001)  # every optimum has t = clamp(-a1/a2) in [-5, 0)
        self.a1, self.a2 = rng.uniform(0.1, 10, 100000), rng.uniform(0.1, 10, 100000)
        self.prior_gap = self.gap(self.a1, self.a2)
        self.first_point = self.best_point(self.a1, self.a2, self.prior_gap, [])  # the same for every task

    @staticmethod
    def optimum(a1, a2):
        return np.clip(-a1 / a2, -5, 5)

    def gap(self, a1, a2):
        """f_median - f* (a0 cancels), f_median over 512 uniform points."""
        t = self.optimum(a1, a2)
        out = np.empty_like(a1)
        for s in range(0, len(a1), 4096):
            v = a2[s:s + 4096, None] * self.random_half_square + a1[s:s + 4096, None] * self.random_sum
            out[s:s + 4096] = np.median(v, 1) - 3 * (0.5 * a2[s:s + 4096] * t[s:s + 4096] ** 2 +
                                                     a1[s:s + 4096] * t[s:s + 4096])
        return out

    def hits(self, a1, a2, gap, t):
        """[task, candidate]: r <= threshold at x = t (1, 1, 1)."""
        ts = self.optimum(a1, a2)
        excess = 1.5 * a2[:, None] * (t[None] ** 2 - ts[:, None] ** 2) + 3 * a1[:, None] * (t[None] - ts[:, None])
        return excess <= THRESHOLD * gap[:, None]

    def best_point(self, a1, a2, gap, exclude):
        score = np.zeros(len(self.diagonal))
        for s in range(0, len(a1), 2000):
            score += self.hits(a1[s:s + 2000], a2[s:s + 2000], gap[s:s + 2000], self.diagonal).sum(0)
        score[np.isin(self.diagonal, exclude)] = -1
        return self.diagonal[np.argmax(score)]

    def run(self, a0, a1, a2):
        one = lambda v: np.array([v])
        gap = self.gap(one(a1), one(a2))
        hit = lambda t: self.hits(one(a1), one(a2), gap, one(t))[0, 0]
        value = lambda t: a0 + a1 * 3 * t + a2 * 1.5 * t * t
        t1 = self.first_point
        if hit(t1):
            return 1
        y1 = value(t1)
        prior_a0 = y1 - self.a1 * 3 * t1 - self.a2 * 1.5 * t1 * t1
        keep = (prior_a0 >= 0.1) & (prior_a0 <= 10)
        t2 = self.best_point(self.a1[keep], self.a2[keep], self.prior_gap[keep], [t1])
        if hit(t2):
            return 2
        y2 = value(t2)
        # two values leave a line of (a1, a2); uniform prior: uniform along it, parametrized by a2
        b2 = np.linspace(0.1, 10, 20001)
        b1 = ((y2 - y1) - b2 * 1.5 * (t2 * t2 - t1 * t1)) / (3 * (t2 - t1))
        b0 = y1 - b1 * 3 * t1 - b2 * 1.5 * t1 * t1
        keep = (b1 >= 0.1) & (b1 <= 10) & (b0 >= 0.1) & (b0 <= 10)
        t3 = self.best_point(b1[keep], b2[keep], self.gap(b1[keep], b2[keep]), [t1, t2])
        if hit(t3):
            return 3
        return 4  # three values identify (a0, a1, a2): the fourth evaluation is the optimum

    def draw_task(self, rng):
        return rng.uniform(0.1, 10, 3)


# ---- hartmann ----------------------------------------------------------------------------------
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
A = np.array([[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]])
P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])


def hartmann3(x):
    x = np.atleast_2d(x)
    return -(ALPHA * np.exp(-((x[:, None, :] - P[None]) ** 2 * A[None]).sum(2))).sum(1)


class Hartmann:
    def __init__(self, rng, particles=200000):
        x = np.array([0.114614, 0.555649, 0.852547])
        local = np.random.default_rng(1)
        for step in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6):  # polish the textbook minimizer
            for _ in range(50):
                trial = x + local.uniform(-step, step, (4000, 3))
                values = hartmann3(trial)
                if values.min() < hartmann3(x)[0]:
                    x = trial[values.argmin()]
        self.minimizer, self.minimum = x, hartmann3(x)[0]
        median = np.median(hartmann3(rng.uniform(0, 1, (512, 3))))
        # r <= 1e-3 <=> h(x - delta) - h* <= 1e-3 (h_median - h*): c and o cancel
        self.level = self.minimum + THRESHOLD * (median - self.minimum)
        self.rng = rng
        self.shifts = rng.uniform(-0.1, 0.1, (particles, 3))

    def hit(self, x, shift):
        return hartmann3(x - shift)[0] <= self.level

    def best_point(self, weights):
        keep = weights > 1e-12 * weights.max()
        shifts, w = self.shifts[keep], weights[keep] / weights[keep].sum()
        candidates = self.shifts[self.rng.choice(len(self.shifts), size=400, p=weights / weights.sum())]
        score = np.zeros(len(candidates))
        for s in range(0, len(candidates), 20):
            # candidate x = x* + d: h(x - delta) for every particle delta
            diff = self.minimizer + candidates[s:s + 20, None, :] - shifts[None]
            values = hartmann3(diff.reshape(-1, 3)).reshape(diff.shape[:2])
            score[s:s + 20] = ((values <= self.level) * w[None]).sum(1)
        return self.minimizer + candidates[np.argmax(score)]

    def weights(self, points, values):
        h = np.stack([hartmann3(x - self.shifts) for x in points], 1)  # particles x k
        y = np.array(values)
        if len(values) == 1:
            # p(y1 | delta) is the length of the c-interval with o = y1 - c h1 in [-1, 1]
            ends = np.stack([(y[0] - 1) / h[:, 0], (y[0] + 1) / h[:, 0]], 1)
            return np.clip(np.minimum(2, ends.max(1)) - np.maximum(0.5, ends.min(1)), 0, None)
        # least-squares (c, o) per particle; the Jacobian of (c, o) -> values is sqrt(det M'M)
        m00, m01, m11 = (h * h).sum(1), h.sum(1), float(len(values))
        r0, r1 = (h * y).sum(1), y.sum()
        det = np.maximum(m00 * m11 - m01 * m01, 1e-300)
        c = (m11 * r0 - m01 * r1) / det
        o = (m00 * r1 - m01 * r0) / det
        inside = (c >= 0.5) & (c <= 2) & (o >= -1) & (o <= 1)
        with np.errstate(over="ignore"):  # near-singular fits: c and o huge, ruled out by `inside`
            residual = ((c[:, None] * h + o[:, None] - y) ** 2).sum(1)
        likelihood = np.exp(-0.5 * residual / 2e-3**2) if len(values) >= 3 else 1.0
        return inside * likelihood / np.sqrt(det)

    def run(self, shift, c, o, budget=8):
        points, values = [], []
        weights = np.ones(len(self.shifts))
        for k in range(1, budget + 1):
            x = self.best_point(weights)
            if self.hit(x, shift):
                return k
            points.append(x)
            values.append(c * hartmann3(x - shift)[0] + o)
            weights = self.weights(points, values)
            if weights.sum() == 0:
                raise RuntimeError("every particle ruled out: too few particles for this tolerance")
        return budget + 1

    def draw_task(self, rng):
        return rng.uniform(-0.1, 0.1, 3), rng.uniform(0.5, 2), rng.uniform(-1, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("family", choices=["quadratic", "hartmann"])
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--particles", type=int, default=200000, help="hartmann: particles over the shift")
    args = parser.parse_args()
    family = (Quadratic(np.random.default_rng(1)) if args.family == "quadratic" else
              Hartmann(np.random.default_rng(5), args.particles))
    tasks = np.random.default_rng(args.seed)
    counts = np.array([family.run(*family.draw_task(tasks)) for _ in range(args.tasks)])
    print(f"{args.family}: {args.tasks} tasks drawn from the family's prior (seed {args.seed})")
    for k in range(1, int(counts.max()) + 1):
        print(f"  r <= {THRESHOLD:g} within {k} evaluations: {np.mean(counts <= k):.3f}")
    print(f"  median evaluations: {np.median(counts):g}")


if __name__ == "__main__":
    main()
