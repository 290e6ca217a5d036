import numpy as np

from sitrep_desktop.geo.label_layout import (
    PlacedLabel,
    any_overlap,
    choose_positions,
    layout_labels,
)


def test_no_two_labels_overlap_in_a_dense_random_field():
    rng = np.random.default_rng(3)
    n = 500
    placed = layout_labels(
        rng.uniform(0, 800, n),
        rng.uniform(0, 600, n),
        rng.uniform(20, 90, n),
        np.full(n, 12.0),
        rng.uniform(0, 1, n),
    )
    assert 10 < len(placed) < n
    assert not any_overlap(placed)


def test_the_more_important_of_two_clashing_labels_wins():
    placed = layout_labels(
        np.array([100.0, 101.0]),
        np.array([100.0, 100.0]),
        np.array([300.0, 300.0]),
        np.array([12.0, 12.0]),
        np.array([1.0, 5.0]),
        bounds=(0, 0, 420, 200),
    )
    assert [p.index for p in placed] == [1]


def test_a_label_moves_to_the_left_when_the_right_is_taken():
    placed = layout_labels(
        np.array([100.0, 130.0]),
        np.array([100.0, 100.0]),
        np.array([50.0, 50.0]),
        np.array([12.0, 12.0]),
        np.array([1.0, 2.0]),
    )
    assert len(placed) == 2 and not any_overlap(placed)
    first = next(p for p in placed if p.index == 0)
    assert first.left + first.width <= 100.0


def test_no_label_is_placed_over_an_obstacle():
    # A drawing's label already sits right of the point: the name goes elsewhere.
    x, y = np.array([100.0]), np.array([100.0])
    free = layout_labels(x, y, np.array([40.0]), np.array([12.0]), np.array([1.0]))
    blocked = layout_labels(
        x,
        y,
        np.array([40.0]),
        np.array([12.0]),
        np.array([1.0]),
        obstacles=[(free[0].left - 2, free[0].top - 2, free[0].width + 4, free[0].height + 4)],
    )
    assert len(blocked) == 1
    assert blocked[0].left != free[0].left or blocked[0].top != free[0].top
    taken = PlacedLabel(
        -1, free[0].left - 2, free[0].top - 2, free[0].width + 4, free[0].height + 4
    )
    assert not blocked[0].overlaps(taken)


def test_a_drawn_label_takes_its_first_free_candidate():
    # The first candidate sits on an obstacle, the second is free.
    candidates = [[(0, 0, 50, 10), (0, 40, 50, 10), (0, 80, 50, 10)]]
    assert choose_positions(candidates, obstacles=[(10, 0, 10, 10)]) == [1]


def test_drawn_labels_avoid_each_other_in_order_of_importance():
    # Both want the same spot; the first (more important) keeps it.
    same = [(0, 0, 50, 10), (0, 30, 50, 10)]
    assert choose_positions([same, same]) == [0, 1]


def test_a_drawn_label_is_never_dropped_and_covers_least_when_crowded():
    obstacles = [(0, 0, 100, 10), (0, 30, 10, 10)]  # the first candidate is fully covered
    candidates = [[(0, 0, 50, 10), (0, 30, 50, 10)]]
    assert choose_positions(candidates, obstacles=obstacles) == [1]
    assert choose_positions([[]]) == [-1]


def test_a_drawn_label_stays_inside_the_view_when_it_can():
    candidates = [[(-20, 0, 50, 10), (10, 0, 50, 10)]]
    assert choose_positions(candidates, bounds=(0, 0, 200, 100)) == [1]
    # Inside the view even if that means covering something.
    assert choose_positions(candidates, obstacles=[(10, 0, 50, 10)], bounds=(0, 0, 200, 100)) == [1]


def test_a_label_that_is_not_required_waits_when_no_spot_is_free():
    candidates = [[(0, 0, 50, 10)], [(0, 0, 50, 10)], [(0, 0, 50, 10)]]
    assert choose_positions(candidates, required=[True, False, True]) == [0, -1, 0]
