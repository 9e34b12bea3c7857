"""A complete PyTorch program that redoes one network-lab run with ``torch.nn`` and ``torch.optim``.

The program carries the app's own NumPy code, copied from its source by ``inspect.getsource``: the
data set's generator and seeded split (``core.datasets``; the digits come from scikit-learn's
``load_digits``, the same UCI file the app bundles), the initial θ (``core.network.linear_init``) and
the minibatch order (``core.simulate._Minibatches``); MNIST-1D comes from the ``mnist1d`` package's
``make_dataset(get_dataset_args())`` as in the app, and the CNN's initial θ from ``core.network.parameter_init``
(the same numbers as the MLP's ``linear_init``, for any layout). So the data, the start and the minibatches
are the app's to the bit, and the program's last line, ``final train loss = …`` (6 significant
digits), is the app's seed-0 training loss. Everything here is text: torch is never imported.

>>> from core.run import Run
>>> from core.workloads import Workload
>>> moons = Workload("moons", (16, 16), "tanh", batch_size=None, samples=400)
>>> print(network_program(Run(moons, "adam", (("lr", 0.02),), steps=200)).splitlines()[-1])
print(f"final train loss = {loss:.6g}")
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import textwrap
from collections.abc import Mapping
from typing import Any

from . import conv, datasets
from .messages import N_, CoreError
from .network import ACTIVATIONS, linear_init, parameter_init
from .optimizers import get_spec
from .run import Run
from .simulate import _Minibatches
from .snippets import SnippetUnavailable, _kwargs, optimizer_kwargs, schedule_call, scheduler_steps, torch_class
from .workloads import Workload

DIGITS, TWO_D_SAMPLES = 1797, 400  # get_dataset's sample counts when n is None
MNIST1D_SIZE = 5000  # MNIST-1D's signals, train + test
MNIST1D_PACKAGE = "mnist1d==0.0.2.post1"  # requirements.txt's pin: the package that generates MNIST-1D
FEATURES = {"digits": (64, 10), "mnist1d": (40, 10)}  # inputs and classes (the 2-D sets: 2 and 2)
TORCH_ACTIVATIONS: Mapping[str, str] = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid"}
# The constants a generator reads besides its arguments.
_GENERATOR_CONSTANTS: Mapping[str, tuple[str, ...]] = {"moons": ("MOONS_CENTRE", "MOONS_SCALE")}
# torch.optim.Muon runs Newton–Schulz in bfloat16, the app in float64: the program swaps in torch's own
# iteration (torch.optim._muon._zeropower_via_newtonschulz, torch 2.13) without that one cast.
MUON_FLOAT64 = """\
# torch.optim.Muon rounds its Newton-Schulz iteration to bfloat16; the app runs it in float64. This is
# torch's own iteration without that rounding, so torch computes what the app computes. Delete these
# lines to run torch's Muon as shipped (bfloat16: the loss then differs from the app's).
import torch.optim._muon


def newton_schulz_float64(grad, ns_coefficients, ns_steps, eps):
    a, b, c = ns_coefficients
    ortho = grad.clone()
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    ortho.div_(ortho.norm().clamp(min=eps))
    for _ in range(ns_steps):
        gram = ortho @ ortho.T
        update = torch.addmm(gram, gram, gram, beta=b, alpha=c)
        ortho = torch.addmm(ortho, update, ortho, beta=a)
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    return ortho


torch.optim._muon._zeropower_via_newtonschulz = newton_schulz_float64
"""


@functools.cache
def source(obj: Any) -> str:
    """The source of a function or class of ``core``, each docstring cut to its first paragraph."""
    text = textwrap.dedent(inspect.getsource(obj))
    lines = text.splitlines()
    nodes = [n for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    for node in sorted(nodes, key=lambda n: -n.lineno):  # from the bottom, so earlier line numbers hold
        docstring = ast.get_docstring(node)
        if docstring:
            doc = node.body[0]
            indent = " " * doc.col_offset
            paragraph = docstring.split("\n\n")[0].replace('"' * 3, "'" * 3).splitlines()
            paragraph[0] = '"' * 3 + paragraph[0]
            paragraph[-1] += '"' * 3
            lines[doc.lineno - 1 : doc.end_lineno] = [indent + line for line in paragraph]
    return "\n".join(lines) + "\n"


@functools.cache
def constant_source(module: Any, name: str) -> str:
    """The line of ``module``'s source that assigns the module constant ``name``."""
    for line in inspect.getsource(module).splitlines():
        if line.startswith(f"{name} = "):
            return line
    raise LookupError(name)


def _data_lines(dataset: str, n: int | None, noise: float, seed: int, test_fraction: float) -> list[str]:
    """The program's data: core.datasets' own generator and split, or scikit-learn's digits with the app's subset."""
    if dataset == "mnist1d":
        if n is not None:
            raise SnippetUnavailable(N_("The program generates all of MNIST-1D; a subset of it is not written out."))
        return [
            f"# MNIST-1D as the app generates it: the mnist1d package's default arguments and split (pip install "
            f"{MNIST1D_PACKAGE}).",
            "raw = make_dataset(get_dataset_args())",
            'x_train, y_train = np.asarray(raw["x"], dtype=float), np.asarray(raw["y"], dtype=np.int64)',
            'x_test, y_test = np.asarray(raw["x_test"], dtype=float), np.asarray(raw["y_test"], dtype=np.int64)',
        ]
    if dataset == "digits":
        total = DIGITS if n is None else int(n)
        return [
            "# The UCI handwritten digits: scikit-learn ships the same file the app bundles (pip install scikit-learn).",
            "pixels, labels = load_digits(return_X_y=True)",
            "",
            "",
            source(datasets._split).rstrip(),
            "",
            "",
            source(datasets.digits_split).rstrip(),
            "",
            "",
            f"x_train, y_train, x_test, y_test = digits_split(pixels, labels, {total}, {seed}, {test_fraction!r})",
        ]
    if dataset not in datasets.TWO_D_DATASETS:
        datasets.get_dataset(dataset)  # raises the app's message for an unknown name
    make = datasets._GENERATED[dataset][1]
    constants = [constant_source(datasets, c) for c in _GENERATOR_CONSTANTS.get(dataset, ())]
    return [
        f"# {datasets.DISPLAY_NAMES[dataset]}: core/datasets.py's generator and seeded train/test split.",
        *constants,
        *(["", ""] if constants else []),
        source(make).rstrip(),
        "",
        "",
        source(datasets._split).rstrip(),
        "",
        "",
        source(datasets.generated_split).rstrip(),
        "",
        "",
        "x_train, y_train, x_test, y_test = generated_split("
        f"{make.__name__}, {TWO_D_SAMPLES if n is None else int(n)}, {float(noise)!r}, {seed}, {test_fraction!r})",
    ]


def _optimizer_lines(name: str, hp: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The optimizer(s): lines that build them and the names the loop steps (Muon adds an AdamW for the biases)."""
    cls = torch_class(name)
    kwargs = optimizer_kwargs(name, hp, network=True)
    if name != "muon":
        return [f"optimizer = torch.optim.{cls}(model.parameters(), {_kwargs(kwargs)})"], ["optimizer"]
    full = {h.name: hp.get(h.name, h.default) for h in get_spec(name).hypers}
    bias_kwargs = optimizer_kwargs("adamw", {k.removeprefix("adamw_"): v for k, v in full.items() if "adamw_" in k})
    muon = {k: v for k, v in kwargs.items() if not k.startswith("adamw_")}
    return [
        "# Muon takes the weight matrices only; the biases are trained by AdamW, as in the app.",
        "matrices = [p for p in model.parameters() if p.ndim == 2]",
        "biases = [p for p in model.parameters() if p.ndim != 2]",
        f"optimizer = torch.optim.Muon(matrices, {_kwargs(muon)})",
        f"bias_optimizer = torch.optim.AdamW(biases, {_kwargs(bias_kwargs)})",
    ], ["optimizer", "bias_optimizer"]


def network_program(
    run: Run,
    *,
    title: str = "",
    data_seed: int = 0,
    batch_seed: int = 0,
    test_fraction: float = datasets.TEST_FRACTION,
) -> str:
    """A runnable PyTorch program (float64) training ``run``'s seed-``run.seed`` network as the network lab does.

    ``run.task`` is the ``Workload`` (data set, samples, noise, architecture, hidden sizes, activation, minibatch
    size); the optimizer, hyperparameters, steps and schedule are the run's. ``architecture`` ``"cnn"`` writes
    ``core.cnn``'s network at its defaults; logistic regression is an MLP without hidden layers.
    Raises ``SnippetUnavailable`` (a ``ValueError``) when torch.optim cannot express the run (Lion, ...).
    """
    w = run.task
    if not isinstance(w, Workload):
        raise CoreError(N_("A 2-D run's program is written by core.snippets, not core.network_program."))
    name, hp, steps, schedule, init_seed = run.optimizer, run.hp, run.steps, run.schedule, run.seed
    dataset, n, noise, activation, batch_size = w.data, w.samples, w.noise, w.activation, w.batch_size
    hidden = () if w.architecture == "logistic" else w.hidden
    architecture = w.architecture
    opt_lines, opts = _optimizer_lines(name, hp)
    lr = optimizer_kwargs(name, hp, network=True)["lr"]
    sched = schedule_call(schedule, lr)
    data = _data_lines(dataset, n, noise, data_seed, test_fraction)
    features, classes = FEATURES.get(dataset, (2, 2))
    if architecture == "cnn":
        model_lines, init_lines = _cnn_lines(features, classes, init_seed)
    else:
        model_lines, init_lines = _mlp_lines([features, *(int(h) for h in hidden), classes], activation, init_seed)
    n_train = _train_count(dataset, n, test_fraction)
    minibatch = batch_size is not None and int(batch_size) < n_train
    lines = [
        f"# {title}"
        if title
        else f"# {get_spec(name).display_name} training a network with torch.optim, as in Descent Lab",
        "# float64 throughout. The data, the initial θ and the minibatches are Descent Lab's own NumPy code,",
        "# so the last line prints the app's final training loss of this network (seed 0).",
        "from __future__ import annotations",
        "",
        "import itertools",
        "import math",
        "",
        "import numpy as np",
        "import torch",
        "import torch.nn.functional as F",
        *(["from sklearn.datasets import load_digits"] if dataset == "digits" else []),
        *(["from mnist1d.data import get_dataset_args, make_dataset"] if dataset == "mnist1d" else []),
        "",
        "torch.set_default_dtype(torch.float64)",
        "",
        *data,
        "",
        "",
        "# The app's initial θ (core/network.py), copied into torch's parameters in the same order.",
        *model_lines,
        "torch.nn.utils.vector_to_parameters(torch.tensor(theta), model.parameters())",
        *init_lines,
        "",
    ]
    if name == "muon":
        lines += [MUON_FLOAT64]
    lines += opt_lines
    if sched:
        lines.append(f"scheduler = {sched}")
    if minibatch:
        lines += [
            "",
            "",
            "# The app's minibatches (core/simulate.py): shuffled epochs from one seeded stream, a short tail dropped.",
            source(_Minibatches).rstrip(),
            "",
            "",
            f"batches = _Minibatches(len(y_train), {int(batch_size or 0)}, {int(batch_seed)})",
        ]
    lines += [
        "",
        f"for step in range({int(steps)}):",
        *(f"    {o}.zero_grad()" for o in opts),
    ]
    if minibatch:
        lines += [
            "    rows = torch.from_numpy(batches.next())",
            "    F.cross_entropy(model(x_train[rows]), y_train[rows]).backward()",
        ]
    else:
        lines.append("    F.cross_entropy(model(x_train), y_train).backward()")
    lines += [f"    {o}.step()" for o in opts]
    lines += scheduler_steps(schedule, steps, "F.cross_entropy(model(x_train), y_train).item()")
    lines += [
        "",
        "with torch.no_grad():",
        "    loss = F.cross_entropy(model(x_train), y_train).item()",
        "    accuracy = (model(x_test).argmax(dim=1) == y_test).double().mean().item()",
        'print(f"test accuracy = {accuracy:.4g}")',
        'print(f"final train loss = {loss:.6g}")',
    ]
    return "\n".join(lines) + "\n"


def _mlp_lines(sizes: list[int], activation: str, init_seed: int) -> tuple[list[str], list[str]]:
    """The MLP (``core.mlp``; no hidden layer: logistic regression) with its initial θ, then the tensors' lines."""
    if activation not in TORCH_ACTIVATIONS:
        raise CoreError(
            N_("Unknown activation {name}; valid ones are: {names}"),
            name=repr(activation),
            names=", ".join(ACTIVATIONS),
        )
    act = TORCH_ACTIVATIONS[activation]
    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers += [*([f"torch.nn.{act}()"] if i else []), f"torch.nn.Linear({a}, {b})"]
    model = [
        source(linear_init).rstrip(),
        "",
        "",
        "model = torch.nn.Sequential(",
        *(f"    {layer}," for layer in layers),
        ")",
        f"theta = linear_init({sizes!r}, {int(init_seed)})",
    ]
    tensors = [
        "x_train, y_train = torch.tensor(x_train), torch.tensor(y_train)",
        "x_test, y_test = torch.tensor(x_test), torch.tensor(y_test)",
    ]
    return model, tensors


def _cnn_lines(features: int, classes: int, init_seed: int) -> tuple[list[str], list[str]]:
    """``core.cnn``'s network at its defaults (``nn.Conv1d`` layers, then ``Flatten`` and one ``Linear``) with its
    initial θ, then the tensors' lines (signals of one channel: ``(N, 1, features)``)."""
    defaults = {k: v.default for k, v in inspect.signature(conv.cnn).parameters.items() if k != "dataset"}
    channels, kernels = defaults["channels"], defaults["kernels"]
    stride, padding, act = defaults["stride"], defaults["padding"], TORCH_ACTIVATIONS[defaults["activation"]]
    lengths = conv.output_lengths(features, kernels, stride, padding)
    layers, c_in = [], 1
    for c, k in zip(channels, kernels, strict=True):
        layers += [f"torch.nn.Conv1d({c_in}, {c}, {k}, stride={stride}, padding={padding})", f"torch.nn.{act}()"]
        c_in = c
    layers += ["torch.nn.Flatten()", f"torch.nn.Linear({channels[-1] * lengths[-1]}, {classes})"]
    model = [
        source(parameter_init).rstrip(),
        "",
        "",
        "model = torch.nn.Sequential(",
        *(f"    {layer}," for layer in layers),
        ")",
        f"theta = parameter_init([tuple(p.shape) for p in model.parameters()], {int(init_seed)})",
    ]
    tensors = [
        f"# Each signal is one channel of {features} samples: (N, 1, {features}).",
        "x_train, y_train = torch.tensor(x_train).unsqueeze(1), torch.tensor(y_train)",
        "x_test, y_test = torch.tensor(x_test).unsqueeze(1), torch.tensor(y_test)",
    ]
    return model, tensors


def _train_count(dataset: str, n: int | None, test_fraction: float) -> int:
    """Training samples of the data set (what decides whether a minibatch is the full batch, as in ``simulate``)."""
    if dataset == "mnist1d":
        return round(datasets.MNIST1D_TRAIN_FRACTION * MNIST1D_SIZE)  # all of it: a subset has no program
    total = (DIGITS if dataset == "digits" else TWO_D_SAMPLES) if n is None else int(n)
    return total - round(test_fraction * total)


def final_loss_line(loss: float) -> str:
    """The program's last line for a training loss: what the app's loss must print as (-0.0 as torch's 0)."""
    return f"final train loss = {float(loss) + 0.0:.6g}"


__all__ = ["MUON_FLOAT64", "TORCH_ACTIVATIONS", "final_loss_line", "network_program", "source"]
