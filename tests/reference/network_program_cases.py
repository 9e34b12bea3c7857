"""Network-lab runs written as PyTorch programs (``core.network_program``): shared by the generator, the
check script and the test.

Each case is the settings of one network-lab run (``run`` makes its ``core.run.Run``); ``app_line`` is the app's own last line for
it: the seed-0 network trained by ``core.simulate`` as the network lab trains it (data seed 0, minibatch
seed 0), its final training loss written as the program prints it.
"""

from __future__ import annotations

from typing import Any

import core
from core.network_program import final_loss_line, network_program
from core.run import Run
from core.schedules import get_schedule
from core.workloads import Workload


def _case(name: str, hp: dict, dataset: str, **kw: Any) -> dict[str, Any]:
    base = {
        "n": None if dataset in ("digits", "mnist1d") else 400,
        "noise": 0.1,
        "hidden": (16, 16),
        "activation": "tanh",
    }
    base["architecture"] = "mlp"
    return {"name": name, "hp": hp, "dataset": dataset, "steps": 150, "batch_size": None, "schedule": None} | base | kw


CASES: dict[str, dict[str, Any]] = {
    "moons-gd": _case("gd", {"lr": 0.5}, "moons"),
    "moons-momentum-mb32": _case("momentum", {"lr": 0.1, "momentum": 0.9}, "moons", batch_size=32),
    "moons-nesterov": _case("nesterov", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, "moons"),
    "spiral-adagrad-relu": _case("adagrad", {"lr": 0.1}, "spiral", activation="relu"),
    "spiral-rmsprop-mb16": _case("rmsprop", {"lr": 0.01, "centered": True}, "spiral", batch_size=16),
    "circle-adam": _case("adam", {"lr": 0.02, "amsgrad": True}, "circle"),
    "circle-adamw-sigmoid-mb32": _case("adamw", {"lr": 0.02}, "circle", activation="sigmoid", batch_size=32),
    "moons-nadam-relu-800": _case("nadam", {"lr": 0.02}, "moons", n=800, hidden=(8,), activation="relu"),
    "spiral-radam": _case("radam", {"lr": 0.02}, "spiral", noise=0.0),
    "circle-adamax-mb64": _case("adamax", {"lr": 0.05}, "circle", batch_size=64, noise=0.3),
    "moons-adadelta-200": _case("adadelta", {"lr": 1.0}, "moons", n=200),
    "circle-rprop": _case("rprop", {"lr": 0.01}, "circle", hidden=(8, 8, 8)),
    # Near a minimum Muon amplifies rounding (its update has the same size however small the gradient):
    # on moons, torch and the app part after about 125 full-batch steps, so this case stops before.
    "moons-muon": _case("muon", {"lr": 0.05, "adamw_lr": 0.02}, "moons", steps=100),
    "spiral-muon-mb32": _case("muon", {"lr": 0.05, "adamw_lr": 0.02, "nesterov": False}, "spiral", batch_size=32),
    "circle-adafactor": _case("adafactor", {"lr": 0.05}, "circle"),
    "spiral-adafactor-mb64": _case("adafactor", {"lr": 0.05, "weight_decay": 0.01}, "spiral", batch_size=64),
    "digits-adam": _case("adam", {"lr": 0.02}, "digits", hidden=(16,), steps=100),
    "digits-muon-mb64": _case("muon", {"lr": 0.05, "adamw_lr": 0.02}, "digits", hidden=(16,), steps=100, batch_size=64),
    "digits-adafactor": _case("adafactor", {"lr": 0.05}, "digits", hidden=(16,), steps=100),
    # MNIST-1D as the lab trains it: the paper's CNN (Muon gives its convolution kernels to AdamW, as torch must),
    # and logistic regression (an MLP without hidden layers), on minibatches of 100.
    "mnist1d-adam-cnn-mb100": _case(
        "adam", {"lr": 0.01}, "mnist1d", hidden=(), activation="relu", architecture="cnn", steps=60, batch_size=100
    ),
    "mnist1d-muon-cnn-mb100": _case(
        "muon", {"lr": 0.02, "adamw_lr": 0.01}, "mnist1d", hidden=(), architecture="cnn", steps=40, batch_size=100
    ),
    "mnist1d-adamw-logistic-mb100": _case(
        "adamw", {"lr": 0.01}, "mnist1d", hidden=(), architecture="logistic", steps=100, batch_size=100
    ),
    "moons-adam-cosine": _case("adam", {"lr": 0.05}, "moons", schedule=("cosine", (("T_max", 150),))),
    "spiral-momentum-onecycle-mb32": _case(
        "momentum",
        {"lr": 0.1, "momentum": 0.9},
        "spiral",
        batch_size=32,
        schedule=("one_cycle", (("total_steps", 120),)),
    ),
}


def workload(case: dict[str, Any]) -> Workload:
    """The case's network and data."""
    return Workload(
        case["dataset"],
        case["hidden"],
        case["activation"],
        case["batch_size"],
        case["architecture"],
        samples=case["n"],
        noise=case["noise"],
    )


def run(case: dict[str, Any]) -> Run:
    """The case as the network lab describes it: its workload, optimizer, hyperparameters, schedule and steps."""
    return Run(workload(case), case["name"], tuple(case["hp"].items()), case["steps"], schedule=case["schedule"])


def program(case: dict[str, Any]) -> str:
    """The program of a case, as the network lab writes it (no title: the title is translated text)."""
    return network_program(run(case))


def app_loss(case: dict[str, Any]) -> float:
    """The app's final training loss of the case's seed-0 network."""
    f = workload(case).network()
    schedule = case["schedule"]
    run = core.simulate(
        f,
        core.get_optimizer(case["name"], **case["hp"]),
        f.init(0),
        case["steps"],
        record="last",
        batch_size=case["batch_size"],
        seed=0,
        schedule=None if schedule is None else get_schedule(schedule[0], **dict(schedule[1])),
    )
    return float(run.values[-1])


def app_line(case: dict[str, Any]) -> str:
    """The line the app's numbers say the program must print last."""
    return final_loss_line(app_loss(case))
