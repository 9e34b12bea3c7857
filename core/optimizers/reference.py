"""Where an optimizer that torch.optim lacks comes from: the PyPI package whose code the core reproduces.

The conformance references (``tests/reference/make_pyopt_reference.py`` for pytorch-optimizer,
``tests/reference/make_authors_reference.py`` for the authors' own packages) are generated with exactly
this package and version, and the "Copy as PyTorch" snippet imports the same class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """A reference implementation: PyPI ``package`` at ``version``, class ``cls`` of module ``module``.

    ``train_mode``: the class must be put in train mode (``optimizer.train()``) before stepping, as
    Schedule-Free's, whose ``eval()`` then moves the parameters to the averaged point.
    """

    package: str
    version: str
    module: str
    cls: str
    train_mode: bool = False

    @property
    def path(self) -> str:
        """``module.Class``, as a program calls it."""
        return f"{self.module}.{self.cls}"

    @property
    def pip(self) -> str:
        """The pinned requirement, e.g. ``pytorch-optimizer==4.1.0``."""
        return f"{self.package}=={self.version}"


PYTORCH_OPTIMIZER_VERSION = "4.1.0"


def pytorch_optimizer(cls: str) -> Reference:
    """A class of pytorch-optimizer (Kim, github.com/kozistr/pytorch_optimizer) at the pinned version."""
    return Reference("pytorch-optimizer", PYTORCH_OPTIMIZER_VERSION, "pytorch_optimizer", cls)


SCHEDULEFREE_VERSION = "1.4.1"
PRODIGYOPT_VERSION = "1.1.2"


def schedulefree(cls: str) -> Reference:
    """A class of the authors' ``schedulefree`` package (Defazio et al.), stepped in train mode."""
    return Reference("schedulefree", SCHEDULEFREE_VERSION, "schedulefree", cls, train_mode=True)


def prodigyopt(cls: str) -> Reference:
    """A class of the authors' ``prodigyopt`` package (Mishchenko & Defazio)."""
    return Reference("prodigyopt", PRODIGYOPT_VERSION, "prodigyopt", cls)
