"""Shared test set-up: fixed seeds, and tests/ importable as modules."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
