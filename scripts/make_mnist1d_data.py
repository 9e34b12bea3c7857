"""Write ``core/data/mnist1d.npz``: the default MNIST-1D from its authors' package, as the app uses it.

    python -m scripts.make_mnist1d_data

``mnist1d.data.make_dataset(get_dataset_args())`` (the pinned ``mnist1d`` of ``requirements.txt``; never its
download path), stored as float64 signals and int64 labels so that the app's data equal the package's to the bit
(the network lab's PyTorch programs generate it with the package). ``tests/test_mnist1d.py`` checks the file
against a fresh generation.
"""

from __future__ import annotations

import numpy as np

from core.datasets import MNIST1D_FILE, generate_mnist1d


def main() -> None:
    x, y, x_test, y_test = generate_mnist1d()
    np.savez_compressed(MNIST1D_FILE, x=x, y=y, x_test=x_test, y_test=y_test)
    print(f"wrote {MNIST1D_FILE} ({MNIST1D_FILE.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
