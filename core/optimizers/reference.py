"""Where an optimizer that torch.optim lacks comes from: the PyPI package whose code the core reproduces.

The conformance references (``tests/reference/make_pyopt_reference.py``) are generated with exactly this
package and version, and the "Copy as PyTorch" snippet imports the same class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """A reference implementation: PyPI ``package`` at ``version``, class ``cls`` of module ``module``."""

    package: str
    version: str
    module: str
    cls: str

    @property
    def pip(self) -> str:
        """The pinned requirement, e.g. ``pytorch-optimizer==4.1.0``."""
        return f"{self.package}=={self.version}"


PYTORCH_OPTIMIZER_VERSION = "4.1.0"


def pytorch_optimizer(cls: str) -> Reference:
    """A class of pytorch-optimizer (Kim, github.com/kozistr/pytorch_optimizer) at the pinned version."""
    return Reference("pytorch-optimizer", PYTORCH_OPTIMIZER_VERSION, "pytorch_optimizer", cls)
