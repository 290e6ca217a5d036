"""Vectorised geodesic distances against a one-pair-at-a-time loop over the same library.

The floor is pyproj's ``Geod.inv`` called once per pair from Python, in this run:
what any code that forgets to vectorise would cost. ``inverse_many`` should beat
it by a wide margin, since both run the same Karney algorithm in C.
"""

from __future__ import annotations

import numpy as np
from common import print_peak_memory, report, timeit_median
from pyproj import Geod

from sitrep_desktop.geo import geodesy

PAIRS = 100_000


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
    print_peak_memory("geodesy")


if __name__ == "__main__":
    main()
