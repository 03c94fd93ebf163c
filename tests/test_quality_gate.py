"""The quality gate: no metric may drop below its pinned floor (tests/quality_floors.json).

Raising a floor: `python -m qa.pin_quality --update`. Lowering one needs
`--allow-regression` and a reason in the commit; never edit the file by hand.
"""

import pytest

from qa.quality import flatten, load_floors, measure, regressions

FLOORS = load_floors()


@pytest.fixture(scope="module")
def current() -> dict[str, float]:
    return flatten(measure())


def test_every_metric_has_a_floor(current):
    assert sorted(current) == sorted(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_metric_is_not_below_its_floor(current, name):
    below = regressions({name: current.get(name, 0.0)}, {name: FLOORS[name]})
    assert not below, (
        f"{name} is {current.get(name)} (floor {FLOORS[name]}); fix the regression, or lower the "
        "floor with `python -m qa.pin_quality --update --allow-regression` and say why"
    )
