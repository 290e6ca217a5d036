"""Vectorised geodesic distances against a one-pair-at-a-time loop over the same library.

The floor is pyproj's ``Geod.inv`` called once per pair from Python, in this run:
what any code that forgets to vectorise would cost. ``inverse_many`` should beat
it by a wide margin, since both run the same Karney algorithm in C.

A second floor, when the optional ``geographiclib`` package is installed, is the
same algorithm in pure Python (Karney's reference port), one pair at a time: what
choosing a pure-Python geodesy library would cost. It is a benchmark-only
dependency (``pip install geographiclib``); the app does not import it.
"""

from __future__ import annotations

import numpy as np
from common import print_peak_memory, report, timeit_median
from pyproj import Geod

from sitrep_desktop.geo import geodesy

PAIRS = 100_000
# The pure-Python loop costs ~50 us a pair: a sample keeps the run short.
PURE_PYTHON_PAIRS = 10_000


def _random_pairs(n: int) -> tuple[np.ndarray, ...]:
    # Points over the Levant region the app is built for, fixed seed for repeatable runs.
    rng = np.random.default_rng(20261125)
    lat1, lat2 = rng.uniform(29.0, 38.0, (2, n))
    lon1, lon2 = rng.uniform(34.0, 43.0, (2, n))
    return lat1, lon1, lat2, lon2


def main() -> None:
    lat1, lon1, lat2, lon2 = _random_pairs(PAIRS)
    geod = Geod(ellps="WGS84")
    loop_args = [
        (float(o1), float(a1), float(o2), float(a2))
        for a1, o1, a2, o2 in zip(lat1, lon1, lat2, lon2, strict=True)
    ]

    def loop() -> None:
        for args in loop_args:
            geod.inv(*args)

    vector_s = timeit_median(lambda: geodesy.inverse_many(lat1, lon1, lat2, lon2))
    loop_s = timeit_median(loop)

    # Same answers, or the speed-up is meaningless.
    dist, _, _ = geodesy.inverse_many(lat1[:100], lon1[:100], lat2[:100], lon2[:100])
    expected = [geod.inv(*args)[2] for args in loop_args[:100]]
    assert np.allclose(dist, expected, rtol=0, atol=1e-6), "vectorised and looped distances differ"

    vector_ns = vector_s / PAIRS * 1e9
    loop_ns = loop_s / PAIRS * 1e9
    print(
        f"geodesy: {PAIRS:,} pairs, inverse_many {vector_ns:.0f} ns/pair, "
        f"Geod.inv loop {loop_ns:.0f} ns/pair",
        flush=True,
    )
    # Most of the cost is Karney's series itself (~0.6 us a pair), so vectorising
    # saves only the per-call Python overhead: expect a ratio near 0.8, not 0.01.
    report("geodesy inverse_many per pair vs Geod.inv loop", vector_ns, "ns", loop_ns)
    _pure_python_floor(loop_args, vector_ns)
    print_peak_memory("geodesy")


def _pure_python_floor(
    loop_args: list[tuple[float, float, float, float]], vector_ns: float
) -> None:
    try:
        from geographiclib.geodesic import Geodesic
    except ImportError:
        print(
            "geodesy: pure-Python floor skipped: geographiclib is not installed "
            "(pip install geographiclib; benchmark only)",
            flush=True,
        )
        return
    wgs84 = Geodesic.WGS84
    sample = loop_args[:PURE_PYTHON_PAIRS]

    def pure_loop() -> None:
        for lon1, lat1, lon2, lat2 in sample:
            wgs84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)

    pure_ns = timeit_median(pure_loop, repeat=3) / len(sample) * 1e9
    lat1, lon1, lat2, lon2 = (
        np.array(column) for column in zip(*[(a[1], a[0], a[3], a[2]) for a in sample])
    )
    dist, _, _ = geodesy.inverse_many(lat1, lon1, lat2, lon2)
    pure = np.array(
        [wgs84.Inverse(a, o, b, p)["s12"] for a, o, b, p in zip(lat1, lon1, lat2, lon2)]
    )
    print(
        f"geodesy: geographiclib (pure Python) {pure_ns:,.0f} ns/pair over {len(sample):,} pairs, "
        f"max difference from pyproj {np.abs(dist - pure).max():.1e} m",
        flush=True,
    )
    report("geodesy inverse_many per pair vs geographiclib loop", vector_ns, "ns", pure_ns)


if __name__ == "__main__":
    main()
