"""The network lab's PyTorch programs (``core.network_program``), checked against torch's committed output.

``tests/reference/make_network_programs.py`` ran each case's program with torch and committed the
program's SHA-256 and its last printed line. Here, without torch: the program written today must be
exactly that program (so the committed line belongs to it), and the app's own final training loss of
the same seed-0 network, written with 6 significant digits, must be that line.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

import pytest

import core
from core import network_program as netprog
from core.snippets import SnippetUnavailable
from core.workloads import architectures
from tests.reference.network_program_cases import CASES, app_line, app_loss, program

RECORD = json.loads((Path(__file__).parent / "reference" / "network_programs.json").read_text(encoding="utf-8"))


def test_every_case_has_a_reference_and_the_cases_cover_the_lab():
    assert set(RECORD["cases"]) == set(CASES)
    names = {c["name"] for c in CASES.values()}
    torch_backed = {n for n in (*core.OPTIMIZERS, *core.NETWORK_OPTIMIZERS) if core.get_spec(n).torch_name}
    assert names == torch_backed
    assert {"moons", "spiral", "circle", "digits", "mnist1d"} <= {c["dataset"] for c in CASES.values()}
    assert {c["architecture"] for c in CASES.values()} == set(architectures("mnist1d"))  # logistic, MLP, CNN
    assert any(c["batch_size"] for c in CASES.values()) and any(not c["batch_size"] for c in CASES.values())
    assert any(c["schedule"] for c in CASES.values())
    assert {c["name"] for c in CASES.values() if c["batch_size"]} >= {"muon", "adafactor"}


@pytest.mark.parametrize("cid", list(CASES))
def test_program_is_the_one_torch_ran(cid):
    code = program(CASES[cid])
    ast.parse(code)
    assert hashlib.sha256(code.encode("utf-8")).hexdigest() == RECORD["cases"][cid]["sha256"], (
        "the program changed: rerun python -m tests.reference.make_network_programs (needs torch)"
    )


@pytest.mark.parametrize("cid", list(CASES))
def test_app_prints_what_torch_printed(cid):
    assert app_line(CASES[cid]) == RECORD["cases"][cid]["torch"]


@pytest.mark.parametrize("cid", list(CASES))
def test_app_loss_agrees_with_torch_beyond_the_printed_digits(cid):
    """The cases stay where training does not amplify rounding, so the losses agree far below 6 digits."""
    assert app_loss(CASES[cid]) == pytest.approx(RECORD["cases"][cid]["torch_loss"], rel=1e-9, abs=1e-300)


def test_final_line_has_six_significant_digits():
    assert netprog.final_loss_line(0.0123456789) == "final train loss = 0.0123457"
    assert program(CASES["moons-gd"]).splitlines()[-1] == 'print(f"final train loss = {loss:.6g}")'


def test_lion_has_no_program_and_eps_inside_sqrt_is_refused():
    case = {**CASES["moons-gd"], "name": "lion", "hp": {"lr": 0.003}}
    with pytest.raises(SnippetUnavailable, match=r"not in torch\.optim"):
        program(case)
    case = {**CASES["moons-gd"], "name": "rmsprop", "hp": {"lr": 0.01, "eps_inside_sqrt": True}}
    with pytest.raises(SnippetUnavailable, match="not an option"):
        program(case)


def test_muon_gives_the_matrices_to_muon_and_the_biases_to_adamw():
    hp = {"lr": 0.05, "adamw_lr": 0.02, "adamw_betas": (0.8, 0.99), "ns_steps": 3.0}
    code = program({**CASES["moons-muon"], "hp": hp})
    calls = {
        n.targets[0].id: n.value
        for n in ast.parse(code).body
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
    }
    muon, adamw = calls["optimizer"], calls["bias_optimizer"]
    assert ast.unparse(muon.func) == "torch.optim.Muon" and ast.unparse(muon.args[0]) == "matrices"
    assert {k.arg: ast.literal_eval(k.value) for k in muon.keywords} == {"lr": 0.05, "ns_steps": 3}
    assert ast.unparse(adamw.func) == "torch.optim.AdamW" and ast.unparse(adamw.args[0]) == "biases"
    assert {k.arg: ast.literal_eval(k.value) for k in adamw.keywords} == {"lr": 0.02, "betas": (0.8, 0.99)}
    assert "bias_optimizer.step()" in code and "_zeropower_via_newtonschulz = newton_schulz_float64" in code


def test_program_carries_the_apps_own_code():
    """The data, θ and minibatch code is core's source, so a change there changes the program (and the hash)."""
    code = program(CASES["moons-momentum-mb32"])
    for obj in (core.datasets._moons, core.datasets._split, core.datasets.generated_split):
        assert netprog.source(obj) in code
    assert netprog.source(core.network.linear_init) in code
    assert "class _Minibatches:" in code and "batches.next()" in code
    assert "_Minibatches" not in program(CASES["moons-gd"])
    digits = program(CASES["digits-adam"])
    assert "load_digits(return_X_y=True)" in digits and netprog.source(core.datasets.digits_split) in digits


def test_programs_numpy_part_rebuilds_the_apps_data_and_start():
    """Run without torch, the program's data and θ lines give the app's arrays exactly."""
    code = program(CASES["circle-adam"])
    numpy_part = code.split("torch.set_default_dtype(torch.float64)\n")[1].split("model = torch.nn.Sequential(")[0]
    scope: dict = {}
    exec(compile("import itertools, math\nimport numpy as np\n" + numpy_part, "<program>", "exec"), scope)
    data = core.get_dataset("circle", n=400, noise=0.1, seed=0)
    f = core.mlp(data, (16, 16), "tanh")
    assert (scope["x_train"] == data.x_train).all() and (scope["y_test"] == data.y_test).all()
    assert (scope["linear_init"]([2, 16, 16, 2], 0) == f.init(0)).all()
