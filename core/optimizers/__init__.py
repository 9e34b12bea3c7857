"""The optimizer catalogue: every optimizer is one ``OptimizerSpec`` listed here."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from ..messages import N_, CoreError
from .adam import ADAM, ADAMAX, ADAMW, NADAM, RADAM
from .adam_variants import ADAN, ADEMAMIX, ADOPT
from .adaptive import ADADELTA, ADAGRAD, RMSPROP
from .base import Optimizer, OptimizerSpec, make_optimizer
from .layerwise import LAMB, SOAP
from .network import ADAFACTOR, MUON, LayoutSpec
from .prodigy import PRODIGY
from .schedulefree import SCHEDULEFREE_ADAMW, SCHEDULEFREE_SGD
from .sgd import GD, MOMENTUM, NESTEROV
from .sign import LION, RPROP

SPECS = MappingProxyType(
    {
        s.name: s
        for s in (
            GD,
            MOMENTUM,
            NESTEROV,
            ADAGRAD,
            RMSPROP,
            ADAM,
            ADAMW,
            NADAM,
            RADAM,
            ADAMAX,
            ADADELTA,
            RPROP,
            LION,
            # Today's optimizers from their authors' packages (issue 23)
            SCHEDULEFREE_ADAMW,
            SCHEDULEFREE_SGD,
            PRODIGY,
        )
    }
)
# Optimizers that need a parameter layout (networks only): not in OPTIMIZERS, which the 2-D pages list.
NETWORK_SPECS = MappingProxyType({s.name: s for s in (MUON, ADAFACTOR)})
# pytorch-optimizer's AdEMAMix, ADOPT and Adan (2-D and networks), LAMB and SOAP (networks only).
SPECS = MappingProxyType({**SPECS, **{s.name: s for s in (ADEMAMIX, ADOPT, ADAN)}})
NETWORK_SPECS = MappingProxyType({**NETWORK_SPECS, **{s.name: s for s in (LAMB, SOAP)}})
OPTIMIZERS: tuple[str, ...] = tuple(SPECS)
NETWORK_OPTIMIZERS: tuple[str, ...] = tuple(NETWORK_SPECS)
ARTICLE_OPTIMIZERS: tuple[str, ...] = ("gd", "momentum", "adagrad", "rmsprop", "adam")


def list_optimizers() -> list[str]:
    """Names of all optimizers, in catalogue order."""
    return list(OPTIMIZERS)


def get_spec(name: str) -> OptimizerSpec:
    """The metadata record of optimizer ``name``."""
    try:
        return SPECS[name] if name in SPECS else NETWORK_SPECS[name]
    except KeyError:
        raise CoreError(
            N_("Unknown optimizer {name}; valid names are: {names}"),
            name=repr(name),
            names=", ".join(OPTIMIZERS + NETWORK_OPTIMIZERS),
        ) from None


def get_optimizer(name: str, **hyperparameters: Any) -> Optimizer:
    """A validated optimizer; hyperparameters use torch.optim's names and defaults."""
    return make_optimizer(get_spec(name), **hyperparameters)


__all__ = [
    "ARTICLE_OPTIMIZERS",
    "NETWORK_OPTIMIZERS",
    "NETWORK_SPECS",
    "OPTIMIZERS",
    "SPECS",
    "LayoutSpec",
    "Optimizer",
    "OptimizerSpec",
    "get_optimizer",
    "get_spec",
    "list_optimizers",
]
