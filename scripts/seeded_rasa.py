"""Rasa's command line with the random generators seeded first: `python -m scripts.seeded_rasa SEED
<rasa arguments>`.

Rasa's cross-validation shuffles its folds with scikit-learn's StratifiedKFold without a seed, so two
runs on the same data differ (by ±0.005 intent F1 here) and a change cannot be told from the shuffle.
With no seed given, StratifiedKFold draws from NumPy's global generator: seeding it makes the folds,
and so the figures, the same from run to run.
"""
from __future__ import annotations

import random
import sys

import numpy as np


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)


def main() -> None:
    seed_all(int(sys.argv[1]))
    sys.argv = ["rasa", *sys.argv[2:]]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
