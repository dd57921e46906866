#!/usr/bin/env python3
"""Benchmark test functions for hpo's sample-efficiency benchmark (Python twin of functions.hpp).

Seven standard minimization test functions with the definitions, domains and optima of
Surjanovic & Bingham, "Virtual Library of Simulation Experiments: Test Functions and
Datasets" (https://www.sfu.ca/~ssurjano/), plus the shifted-instance rule:

    seed s moves dimension j's domain [lo, hi] to [lo + d, hi + d] with
    d = 0.1 * (hi - lo) * sin(1 + 7 s + 3 j)      (radians, j counted from 0).

The function itself is unchanged; its global minimizer stays inside every shifted box used
(seeds 0..19; `--check` verifies this), so f* is unchanged too.

Pure Python (``math`` only) so that the values agree with the C++ version to the last few ulps.

Usage:
    /usr/bin/python3 bench/functions.py --check    # f at known optima == f*, cross-check values
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass, field
from typing import Callable, List, Sequence, Tuple

Bounds = List[Tuple[float, float]]


def branin(x: Sequence[float]) -> float:
    """Branin (Branin-Hoo), 2-D, x1 in [-5, 10], x2 in [0, 15].

    f = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s with a = 1, b = 5.1/(4 pi^2),
    c = 5/pi, r = 6, s = 10, t = 1/(8 pi).  Three minimizers (-pi, 12.275), (pi, 2.275),
    (9.42478, 2.475); f* = 0.397887357729739.  Ref: https://www.sfu.ca/~ssurjano/branin.html
    """
    x1, x2 = x[0], x[1]
    a, b, c = 1.0, 5.1 / (4.0 * math.pi ** 2), 5.0 / math.pi
    r, s, t = 6.0, 10.0, 1.0 / (8.0 * math.pi)
    return a * (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1.0 - t) * math.cos(x1) + s


_H_ALPHA = (1.0, 1.2, 3.0, 3.2)
_H3_A = ((3.0, 10.0, 30.0), (0.1, 10.0, 35.0), (3.0, 10.0, 30.0), (0.1, 10.0, 35.0))
_H3_P = ((0.3689, 0.1170, 0.2673), (0.4699, 0.4387, 0.7470),
         (0.1091, 0.8732, 0.5547), (0.0381, 0.5743, 0.8828))
_H6_A = ((10.0, 3.0, 17.0, 3.5, 1.7, 8.0), (0.05, 10.0, 17.0, 0.1, 8.0, 14.0),
         (3.0, 3.5, 1.7, 10.0, 17.0, 8.0), (17.0, 8.0, 0.05, 10.0, 0.1, 14.0))
_H6_P = ((0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886),
         (0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991),
         (0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650),
         (0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381))


def _hartmann(x: Sequence[float], A, P) -> float:
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(len(x)):
            diff = x[j] - P[i][j]
            inner += A[i][j] * diff * diff
        total += _H_ALPHA[i] * math.exp(-inner)
    return -total


def hartmann3(x: Sequence[float]) -> float:
    """Hartmann 3-D, [0, 1]^3.

    f = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2); minimizer (0.114614, 0.555649,
    0.852547); f* = -3.8627797873.  Ref: https://www.sfu.ca/~ssurjano/hart3.html
    """
    return _hartmann(x, _H3_A, _H3_P)


def hartmann6(x: Sequence[float]) -> float:
    """Hartmann 6-D, [0, 1]^6.

    f = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2); minimizer (0.20169, 0.150011,
    0.476874, 0.275332, 0.311652, 0.6573); f* = -3.32236801141551.
    Ref: https://www.sfu.ca/~ssurjano/hart6.html
    """
    return _hartmann(x, _H6_A, _H6_P)


def rosenbrock(x: Sequence[float]) -> float:
    """Rosenbrock, here 4-D, [-5, 10]^4.

    f = sum_{i<d} 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2; minimizer (1, ..., 1); f* = 0.
    Ref: https://www.sfu.ca/~ssurjano/rosen.html
    """
    total = 0.0
    for i in range(len(x) - 1):
        total += 100.0 * (x[i + 1] - x[i] * x[i]) ** 2 + (x[i] - 1.0) ** 2
    return total


def ackley(x: Sequence[float]) -> float:
    """Ackley, here 5-D, [-32.768, 32.768]^5, a = 20, b = 0.2, c = 2 pi.

    f = -a exp(-b sqrt(mean(x_i^2))) - exp(mean(cos(c x_i))) + a + e; minimizer 0; f* = 0.
    Ref: https://www.sfu.ca/~ssurjano/ackley.html
    """
    a, b, c = 20.0, 0.2, 2.0 * math.pi
    d = len(x)
    s1 = 0.0
    s2 = 0.0
    for xi in x:
        s1 += xi * xi
        s2 += math.cos(c * xi)
    return -a * math.exp(-b * math.sqrt(s1 / d)) - math.exp(s2 / d) + a + math.e


def levy(x: Sequence[float]) -> float:
    """Levy, here 10-D, [-10, 10]^10.

    w_i = 1 + (x_i - 1)/4; f = sin^2(pi w_1) + sum_{i<d} (w_i - 1)^2 [1 + 10 sin^2(pi w_i + 1)]
    + (w_d - 1)^2 [1 + sin^2(2 pi w_d)]; minimizer (1, ..., 1); f* = 0.
    Ref: https://www.sfu.ca/~ssurjano/levy.html
    """
    w = [1.0 + (xi - 1.0) / 4.0 for xi in x]
    total = math.sin(math.pi * w[0]) ** 2
    for i in range(len(w) - 1):
        total += (w[i] - 1.0) ** 2 * (1.0 + 10.0 * math.sin(math.pi * w[i] + 1.0) ** 2)
    wd = w[-1]
    total += (wd - 1.0) ** 2 * (1.0 + math.sin(2.0 * math.pi * wd) ** 2)
    return total


ST_XSTAR = -2.903534027771177  # per-coordinate minimizer of Styblinski-Tang
ST_FSTAR_PER_DIM = -39.166165703771412


def styblinski_tang(x: Sequence[float]) -> float:
    """Styblinski-Tang, here 8-D, [-5, 5]^8.

    f = 1/2 sum_i (x_i^4 - 16 x_i^2 + 5 x_i); minimizer x_i = -2.903534027771177;
    f* = -39.166165703771412 d.  Ref: https://www.sfu.ca/~ssurjano/stybtang.html
    """
    total = 0.0
    for xi in x:
        x2 = xi * xi
        total += x2 * x2 - 16.0 * x2 + 5.0 * xi
    return 0.5 * total


@dataclass(frozen=True)
class TestFunction:
    name: str
    dim: int
    bounds: Bounds  # nominal domain, one (lo, hi) per dimension
    optimum: float  # exact global minimum f*
    minimizers: List[List[float]] = field(default_factory=list)  # known global minimizers
    fn: Callable[[Sequence[float]], float] = branin

    def __call__(self, x: Sequence[float]) -> float:
        return self.fn(x)

    def shifted_bounds(self, seed: int) -> Bounds:
        return shifted_bounds(self.bounds, seed)


def shift(lo: float, hi: float, seed: int, j: int) -> float:
    """Shift of dimension j for instance `seed`: 0.1 (hi - lo) sin(1 + 7 seed + 3 j)."""
    return 0.1 * (hi - lo) * math.sin(1.0 + 7.0 * seed + 3.0 * j)


def shifted_bounds(bounds: Bounds, seed: int) -> Bounds:
    out = []
    for j, (lo, hi) in enumerate(bounds):
        d = shift(lo, hi, seed, j)
        out.append((lo + d, hi + d))
    return out


_MASK64 = (1 << 64) - 1


class Rng:
    """hpo::Rng (include/hpo/core/random.hpp) in Python: xoshiro256** seeded by splitmix64 from
    (seed, stream), with the same uniform(); the placements below draw the same numbers as the
    C++ runners."""

    def __init__(self, seed: int, stream: int = 0):
        s = (seed ^ (0xD1B54A32D192ED03 * (stream + 1))) & _MASK64
        self.state = []
        for _ in range(4):
            s = (s + 0x9E3779B97F4A7C15) & _MASK64
            z = s
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
            self.state.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & _MASK64

    def next(self) -> int:
        s = self.state
        result = (self._rotl((s[1] * 5) & _MASK64, 7) * 9) & _MASK64
        t = (s[1] << 17) & _MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self, lo: float = 0.0, hi: float = 1.0) -> float:
        return lo + (hi - lo) * ((self.next() >> 11) * 2.0 ** -53)


PLACEMENTS = ("shifted", "uniform", "corner")


def instance_bounds(f: "TestFunction", seed: int, placement: str) -> Bounds:
    """The box of instance `seed` under `placement`, as bench/placement.hpp draws it."""
    if placement == "shifted":
        return f.shifted_bounds(seed)
    if placement not in PLACEMENTS:
        raise ValueError(f"unknown placement {placement!r} (shifted, uniform or corner)")
    rng = Rng(9000 + seed, 7)
    bounds = []
    for j in range(f.dim):
        lo, hi = f.bounds[j]
        width = hi - lo
        if placement == "uniform":
            u = rng.uniform(0.02, 0.98)
        else:
            u = rng.uniform(0.02, 0.10) if rng.uniform() < 0.5 else rng.uniform(0.90, 0.98)
        x = f.minimizers[0][j]
        bounds.append((x - u * width, x + (1.0 - u) * width))
    return bounds


REGISTRY: List[TestFunction] = [
    TestFunction("branin", 2, [(-5.0, 10.0), (0.0, 15.0)], 0.397887357729739,
                 [[-math.pi, 12.275], [math.pi, 2.275], [9.42478, 2.475]], branin),
    TestFunction("hartmann3", 3, [(0.0, 1.0)] * 3, -3.8627797873,
                 [[0.114614, 0.555649, 0.852547]], hartmann3),
    TestFunction("hartmann6", 6, [(0.0, 1.0)] * 6, -3.32236801141551,
                 [[0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]], hartmann6),
    TestFunction("rosenbrock", 4, [(-5.0, 10.0)] * 4, 0.0, [[1.0] * 4], rosenbrock),
    TestFunction("ackley", 5, [(-32.768, 32.768)] * 5, 0.0, [[0.0] * 5], ackley),
    TestFunction("levy", 10, [(-10.0, 10.0)] * 10, 0.0, [[1.0] * 10], levy),
    TestFunction("styblinski_tang", 8, [(-5.0, 5.0)] * 8, 8 * ST_FSTAR_PER_DIM,
                 [[ST_XSTAR] * 8], styblinski_tang),
]

BY_NAME = {f.name: f for f in REGISTRY}


def get(name: str) -> TestFunction:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown function {name!r}; known: {', '.join(BY_NAME)}") from None

# Observation noise for the noisy variant of the benchmark (twin of functions.hpp's): a run of
# seed s sees y_k = f(x_k) + level * noise_scale(f) * noise_normal(s, k) at its k-th evaluation.
_MASK64 = (1 << 64) - 1


def splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def splitmix_uniform(key: int) -> float:
    return (splitmix64(key & _MASK64) >> 11) * 2.0 ** -53


def noise_normal(seed: int, k: int) -> float:
    """The standard normal of evaluation k of the run of seed `seed` (Box-Muller)."""
    key = ((seed << 32) + 2 * k) & _MASK64
    u1, u2 = splitmix_uniform(key), splitmix_uniform(key + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def noise_scale(f: TestFunction) -> float:
    """Median of f - f* over 4,096 uniform points of f's nominal box."""
    points = 4096
    gaps = []
    for i in range(points):
        x = [lo + (hi - lo) * splitmix_uniform(0x5EED0000 + i * f.dim + j) for j, (lo, hi) in enumerate(f.bounds)]
        gaps.append(f(x) - f.optimum)
    gaps.sort()
    return gaps[points // 2]


# Fixed cross-check points: CHECK_POINTS_PER_FUNCTION uniform points in each nominal box from
# random.Random(CHECK_RNG_SEED), functions in REGISTRY order.  check_functions.cpp hard-codes
# the points and values printed by `--check`.
CHECK_RNG_SEED = 20240601
CHECK_POINTS_PER_FUNCTION = 3
CHECK_SHIFT_SEEDS = (0, 7, 19)
CHECK_NOISE_DRAWS = ((0, 1), (3, 1), (0, 100), (19, 57))
CHECK_PLACEMENTS = (("branin", "corner", 0), ("hartmann6", "uniform", 5), ("levy", "corner", 79))


def check_points():
    rng = random.Random(CHECK_RNG_SEED)
    for f in REGISTRY:
        for _ in range(CHECK_POINTS_PER_FUNCTION):
            yield f, [rng.uniform(lo, hi) for lo, hi in f.bounds]


def run_check(seeds=range(20), tol: float = 1e-6) -> bool:
    ok = True
    print("# f at known minimizers (|f - f*| <= 1e-6)")
    for f in REGISTRY:
        for xs in f.minimizers:
            v = f(xs)
            good = abs(v - f.optimum) <= tol
            ok &= good
            print(f"{f.name:16s} f={v:+.15f} f*={f.optimum:+.15f} diff={v - f.optimum:+.3e} "
                  f"{'ok' if good else 'FAIL'}")
    print("# a global minimizer inside every shifted box, seeds "
          f"{min(seeds)}..{max(seeds)}")
    for f in REGISTRY:
        worst_margin = math.inf  # min over seeds of (best minimizer's min distance to a face)
        for s in seeds:
            sb = f.shifted_bounds(s)
            best = max(min(min(x - lo, hi - x) for x, (lo, hi) in zip(xs, sb))
                       for xs in f.minimizers)
            worst_margin = min(worst_margin, best)
        good = worst_margin > 0
        ok &= good
        print(f"{f.name:16s} min margin to a face = {worst_margin:.6g} {'ok' if good else 'FAIL'}")
    print("# shifted bounds (seed: lo,hi per dimension), for the C++ cross-check")
    for f in REGISTRY:
        for s in CHECK_SHIFT_SEEDS:
            sb = f.shifted_bounds(s)
            print(f"SHIFT {f.name} {s} " + " ".join(f"{lo!r},{hi!r}" for lo, hi in sb))
    print("# placed boxes (name placement seed: lo,hi per dimension), for the C++ cross-check")
    for name, placement, s in CHECK_PLACEMENTS:
        pb = instance_bounds(get(name), s, placement)
        print(f"PLACE {name} {placement} {s} " + " ".join(f"{lo!r},{hi!r}" for lo, hi in pb))
    print("# values at fixed random points (name: x... -> f), for the C++ cross-check")
    for f, xs in check_points():
        print(f"POINT {f.name} " + " ".join(repr(v) for v in xs) + f" -> {f(xs)!r}")
    print("# the noisy benchmark's scale and normals (name -> noise_scale; seed k -> noise_normal)")
    for f in REGISTRY:
        print(f"NOISE_SCALE {f.name} -> {noise_scale(f)!r}")
    for seed, k in CHECK_NOISE_DRAWS:
        print(f"NOISE_NORMAL {seed} {k} -> {noise_normal(seed, k)!r}")
    print("ALL OK" if ok else "CHECK FAILED")
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(0 if run_check() else 1)
    print(__doc__)
    for f in REGISTRY:
        print(f"{f.name}: dim={f.dim} bounds={f.bounds[0]}{'...' if f.dim > 1 else ''} f*={f.optimum!r}")
