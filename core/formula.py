"""Turn a user-typed formula f(x, y) into an `Objective`, safely.

The text is parsed with ``ast.parse(..., mode="eval")`` and the syntax tree is walked with an
allow-list; the SymPy expression is built node by node from that tree (user text is never
executed, and SymPy's string parsers are not used). The gradient comes from ``sympy.diff`` and
both are compiled to vectorised NumPy with ``sympy.lambdify``.

Accepted syntax: numbers, the names ``x``, ``y``, ``pi``, ``e``; ``+ - * / **`` (``^`` is accepted
as a synonym of ``**``, so ``x^2`` means x squared; the typographic signs − × · ÷ are read as
- * * /); parentheses; and calls by bare name with positional arguments of
sin cos tan asin/arcsin acos/arccos atan/arctan sinh cosh tanh exp log/ln (natural) log10 sqrt
abs sign, and the two-argument atan2(y, x), min(a, b), max(a, b).

>>> obj = parse_formula("x^2 + 3*y^2")
>>> float(obj.value([1.0, 1.0]))
4.0
"""
from __future__ import annotations

import ast
import functools
import math
from typing import Callable

import numpy as np
import sympy

from .functions import Minimum, Objective

__all__ = ["FormulaError", "parse_formula", "EXAMPLES", "MAX_LENGTH", "MAX_NODES", "MAX_NESTING"]

# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------
MAX_LENGTH = 300        # characters
MAX_NODES = 100         # expression nodes of the syntax tree
MAX_NESTING = 30        # parentheses inside parentheses
MAX_DEPTH = 50          # depth of the syntax tree (a long sum a+b+c+... is a deep left chain)
MAX_EXPONENT = 100.0    # |constant exponent|
MAX_CONSTANT = 1e300    # |value of any constant sub-expression|
EXACT_LIMIT = 10**15    # larger integers / rationals are stored as floats (no huge exact integers)
MAX_GRADIENT_OPS = 5000  # sympy.count_ops of each partial derivative
MAX_SPAN = 1e6          # box side length
MAX_COORD = 1e6         # |box coordinate|
VALIDATION_GRID = 64
MINIMUM_GRID = 201       # odd, so the centre of the box is a grid point

EXAMPLES: dict[str, str] = {
    "Egg crate": "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "Tilted valley": "(x - 2*y)**2 + 0.1*(x + y - 1)**2",
    "Wavy trough": "x**2 + 10*sin(y)**2",
    "Banana": "(1 - x)^2 + 5*(y - x^2)^2",
    "Two wells": "(x**2 - 4)**2 / 8 + y**2 + 0.5*x",
    "Funnel": "sqrt(x**2 + y**2 + 0.01) - exp(-((x - 2)**2 + (y - 2)**2))",
}


class FormulaError(ValueError):
    """The formula cannot be used; the message is meant to be shown to the user as is."""


_HINT = "use x, y, pi, e and functions such as sin, exp, sqrt"

_X = sympy.Symbol("x", real=True)
_Y = sympy.Symbol("y", real=True)
_NAMES = {"x": _X, "y": _Y, "pi": sympy.pi, "e": sympy.E}
_NAME_VALUES = {"pi": math.pi, "e": math.e}


def _safe(fn: Callable[..., float]) -> Callable[..., float]:
    """Float version of a math function returning NaN/inf instead of raising."""

    def wrapped(*args: float) -> float:
        try:
            return float(fn(*args))
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError):
            return math.nan

    return wrapped


def _sign(v: float) -> float:
    return float((v > 0) - (v < 0))


# name -> (number of arguments, sympy builder, float evaluator for constant arguments)
_FUNCTIONS: dict[str, tuple[int, Callable, Callable]] = {
    "sin": (1, sympy.sin, _safe(math.sin)),
    "cos": (1, sympy.cos, _safe(math.cos)),
    "tan": (1, sympy.tan, _safe(math.tan)),
    "asin": (1, sympy.asin, _safe(math.asin)),
    "acos": (1, sympy.acos, _safe(math.acos)),
    "atan": (1, sympy.atan, _safe(math.atan)),
    "sinh": (1, sympy.sinh, _safe(math.sinh)),
    "cosh": (1, sympy.cosh, _safe(math.cosh)),
    "tanh": (1, sympy.tanh, _safe(math.tanh)),
    "exp": (1, sympy.exp, _safe(math.exp)),
    "log": (1, sympy.log, _safe(math.log)),
    "log10": (1, lambda a: sympy.log(a, 10), _safe(math.log10)),
    "sqrt": (1, sympy.sqrt, _safe(math.sqrt)),
    "abs": (1, sympy.Abs, _safe(abs)),
    "sign": (1, sympy.sign, _safe(_sign)),
    "atan2": (2, sympy.atan2, _safe(math.atan2)),
    "min": (2, sympy.Min, _safe(min)),
    "max": (2, sympy.Max, _safe(max)),
}
for _alias, _target in (("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("ln", "log")):
    _FUNCTIONS[_alias] = _FUNCTIONS[_target]
_FUNCTION_LIST = ", ".join(sorted(_FUNCTIONS))

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# Friendly names for syntax that is not allowed.
_FORBIDDEN = {
    ast.Attribute: "attribute access with '.'",
    ast.Subscript: "indexing with [...]",
    ast.Lambda: "lambda functions",
    ast.IfExp: "conditional expressions (if/else)",
    ast.Compare: "comparisons (==, <, ...)",
    ast.BoolOp: "'and' / 'or'",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.List: "lists",
    ast.Tuple: "tuples or commas outside a function call",
    ast.Set: "sets",
    ast.Dict: "dictionaries",
    ast.Starred: "starred arguments",
    ast.NamedExpr: "assignments (:=)",
    ast.JoinedStr: "text strings",
    ast.FormattedValue: "text strings",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}

_TRANSLATE = str.maketrans({"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/"})


# ------------------------------------------------------------------------------------------------
# Text -> syntax tree
# ------------------------------------------------------------------------------------------------


def _normalize(text) -> str:
    """Check the raw text cheaply (before any parsing) and return its normalised form."""
    if not isinstance(text, str):
        raise FormulaError("the formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; the limit is {MAX_LENGTH})")
    text = text.translate(_TRANSLATE)
    for i, ch in enumerate(text, start=1):
        if ch in "\t\n\r":
            continue
        if not ch.isascii():
            raise FormulaError(
                f"unsupported character {ch!r} at position {i}: use plain ASCII, e.g. x, y, *, **"
            )
        if not ch.isprintable():
            raise FormulaError(f"the formula contains a control character at position {i}")
    text = " ".join(text.split()).replace("^", "**")
    if not text:
        raise FormulaError("the formula is empty: type an expression in x and y, e.g. x**2 + y**2")
    depth = max_depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            max_depth = max(max_depth, depth)
        elif ch in ")]}":
            depth -= 1
    if max_depth > MAX_NESTING:
        raise FormulaError(f"the formula is nested too deeply (more than {MAX_NESTING} levels of parentheses)")
    return text


def _parse_tree(text: str) -> ast.expr:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        where = f" at position {exc.offset}" if exc.offset else ""
        msg = (exc.msg or "invalid syntax").rstrip(".")
        if msg.startswith("invalid syntax"):
            msg = "invalid syntax"
        raise FormulaError(f"could not read the formula{where}: {msg}") from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise FormulaError("could not read the formula: it is too complex") from None
    nodes = sum(1 for node in ast.walk(tree) if isinstance(node, ast.expr))
    if nodes > MAX_NODES:
        raise FormulaError(f"the formula is too complex ({nodes} terms; the limit is {MAX_NODES})")
    return tree.body


# ------------------------------------------------------------------------------------------------
# Syntax tree -> sympy expression (allow-list)
# ------------------------------------------------------------------------------------------------


def _snippet(node: ast.AST) -> str:
    try:
        s = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse of a tree we already walked
        return "this part"
    return s if len(s) <= 40 else s[:37] + "..."


def _number(value: float, node: ast.AST) -> sympy.Expr:
    """A sympy number for a finite constant, exact for small rationals, a Float otherwise."""
    if not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise FormulaError(f"'{_snippet(node)}' is not a finite real number")
    return sympy.Float(value)


def _check_constant(value: float | None, node: ast.AST) -> None:
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_CONSTANT):
        raise FormulaError(f"'{_snippet(node)}' is not a finite real number")


def _tame(expr: sympy.Expr, value: float | None) -> sympy.Expr:
    """Replace big exact rationals by floats so that no huge integers are ever built."""
    if value is not None and isinstance(expr, sympy.Rational):
        if abs(expr.p) > EXACT_LIMIT or expr.q > EXACT_LIMIT:
            return sympy.Float(value)
    return expr


def _convert(node: ast.AST, depth: int = 0) -> tuple[sympy.Expr, float | None]:
    """Return (sympy expression, float value if the node is constant else None)."""
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)")

    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            raise FormulaError(f"'{_snippet(node)}' is not allowed: {_HINT}")
        if isinstance(v, complex):
            raise FormulaError("complex numbers (like 1j) are not allowed")
        if isinstance(v, (str, bytes)):
            raise FormulaError("text strings are not allowed in a formula")
        if isinstance(v, int):
            if abs(v) <= EXACT_LIMIT:
                return sympy.Integer(v), float(v)
            try:
                fv = float(v)
            except OverflowError:
                raise FormulaError(f"the number '{_snippet(node)}' is too large") from None
            return _number(fv, node), fv
        if isinstance(v, float):
            if not math.isfinite(v) or abs(v) > MAX_CONSTANT:
                raise FormulaError(f"the number '{_snippet(node)}' is too large")
            return sympy.Float(v), v
        raise FormulaError(f"'{_snippet(node)}' is not allowed")

    if isinstance(node, ast.Name):
        if node.id in _NAMES:
            return _NAMES[node.id], _NAME_VALUES.get(node.id)
        if node.id in _FUNCTIONS:
            raise FormulaError(f"'{node.id}' is a function: write {node.id}(...)")
        raise FormulaError(f"unknown name '{node.id}': {_HINT}")

    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            op = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), type(node.op).__name__)
            raise FormulaError(f"the operator '{op}' is not allowed: use + - * / **")
        arg, v = _convert(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            return -arg, (None if v is None else -v)
        return arg, v

    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            op = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                  ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}.get(type(node.op), type(node.op).__name__)
            raise FormulaError(f"the operator '{op}' is not allowed: use + - * / **")
        a, va = _convert(node.left, depth + 1)
        b, vb = _convert(node.right, depth + 1)
        return _binop(node, a, va, b, vb)

    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise FormulaError(f"calling '{_snippet(node.func)}' is not allowed: call functions by name, e.g. sin(x)")
        name = node.func.id
        if name not in _FUNCTIONS:
            if name in _NAMES:
                raise FormulaError(f"'{name}' is not a function: write '{name}*(...)' to multiply")
            raise FormulaError(f"unknown function '{name}': allowed functions are {_FUNCTION_LIST}")
        if node.keywords:
            raise FormulaError(f"keyword arguments are not allowed: write {name}(...) with plain arguments")
        nargs, build, evaluate = _FUNCTIONS[name]
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError("starred arguments are not allowed")
        if len(node.args) != nargs:
            plural = "argument" if nargs == 1 else "arguments"
            raise FormulaError(f"{name} takes {nargs} {plural} (got {len(node.args)})")
        converted = [_convert(a, depth + 1) for a in node.args]
        args = [c[0] for c in converted]
        values = [c[1] for c in converted]
        value = evaluate(*values) if all(v is not None for v in values) else None
        _check_constant(value, node)
        return _tame(build(*args), value), value

    for kind, what in _FORBIDDEN.items():
        if isinstance(node, kind):
            if kind is ast.Tuple:
                raise FormulaError("commas are only allowed between function arguments, e.g. atan2(y, x)")
            raise FormulaError(f"{what} are not allowed in a formula" if what.endswith("s") or "(" in what
                               else f"{what} is not allowed in a formula")
    raise FormulaError(f"'{_snippet(node)}' is not allowed: {_HINT}")


def _binop(node: ast.BinOp, a, va, b, vb) -> tuple[sympy.Expr, float | None]:
    op = type(node.op)
    const = va is not None and vb is not None
    if op is ast.Div and vb == 0.0:
        raise FormulaError(f"division by zero in '{_snippet(node)}'")
    if op is ast.Pow:
        if vb is not None and abs(vb) > MAX_EXPONENT:
            raise FormulaError(f"the exponent in '{_snippet(node)}' is too large (the limit is ±{MAX_EXPONENT:g})")
        if va == 0.0 and vb is not None and vb < 0:
            raise FormulaError(f"division by zero in '{_snippet(node)}'")
        if const:
            value = _safe(math.pow)(va, vb)
            _check_constant(value, node)
            if abs(value) > EXACT_LIMIT:
                return sympy.Float(value), value
            return _tame(a**b, value), value
        return a**b, None
    if op is ast.Add:
        expr, value = a + b, (va + vb if const else None)
    elif op is ast.Sub:
        expr, value = a - b, (va - vb if const else None)
    elif op is ast.Mult:
        expr, value = a * b, (va * vb if const else None)
    else:  # Div
        expr, value = a / b, (va / vb if const else None)
    _check_constant(value, node)
    return _tame(expr, value), value


# ------------------------------------------------------------------------------------------------
# sympy -> vectorised NumPy
# ------------------------------------------------------------------------------------------------


def _real_array(out, shape) -> np.ndarray:
    out = np.asarray(out)
    if np.iscomplexobj(out):
        out = np.where(out.imag == 0, out.real, np.nan)
    out = np.asarray(out, dtype=float)
    if out.shape != shape:
        out = np.array(np.broadcast_to(out, shape), dtype=float)
    return out


def _compile(expr: sympy.Expr, gx: sympy.Expr, gy: sympy.Expr):
    f = _guarded(sympy.lambdify((_X, _Y), expr, modules="numpy"), outputs=1)
    df = _guarded(sympy.lambdify((_X, _Y), [gx, gy], modules="numpy", cse=True), outputs=2)
    return f, df


def _guarded(raw: Callable, outputs: int) -> Callable:
    """Wrap compiled code so it never raises on float input: real float arrays of the broadcast
    shape come out, NaN where the formula is undefined (a scalar for scalar input)."""
    def call(x, y):
        with np.errstate(all="ignore"):
            x = np.asarray(x, dtype=float)
            y = np.asarray(y, dtype=float)
            shape = np.broadcast_shapes(x.shape, y.shape)
            try:
                result = raw(x, y)
                out = [_real_array(r, shape) for r in (result if outputs > 1 else [result])]
            except Exception:  # undefined -> NaN
                out = [np.full(shape, np.nan) for _ in range(outputs)]
        out = [a[()] if a.ndim == 0 else a for a in out]
        return out[0] if outputs == 1 else tuple(out)
    return call


def _derivative(expr: sympy.Expr, var: sympy.Symbol) -> sympy.Expr:
    try:
        d = sympy.diff(expr, var)
    except RecursionError:
        raise FormulaError("the formula is too complex to differentiate") from None
    # Jumps of sign/Heaviside have a zero derivative almost everywhere.
    if d.has(sympy.DiracDelta):
        d = d.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))
    if d.has(sympy.Derivative, sympy.Subs):
        raise FormulaError(f"could not differentiate the formula with respect to {var}")
    if sympy.count_ops(d) > MAX_GRADIENT_OPS:
        raise FormulaError("the gradient of this formula is too large to compute quickly")
    return d


# ------------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------------


def _check_box(box) -> tuple[float, float, float, float]:
    try:
        values = tuple(box)
    except TypeError:
        raise FormulaError("the box must be four numbers (xmin, xmax, ymin, ymax)") from None
    if len(values) != 4 or any(isinstance(v, bool) for v in values):
        raise FormulaError("the box must be four numbers (xmin, xmax, ymin, ymax)")
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in values)
    except (TypeError, ValueError):
        raise FormulaError("the box must be four numbers (xmin, xmax, ymin, ymax)") from None
    coords = (xmin, xmax, ymin, ymax)
    if not all(math.isfinite(v) and abs(v) <= MAX_COORD for v in coords):
        raise FormulaError(f"the box coordinates must be finite numbers within ±{MAX_COORD:g}")
    if not (xmin < xmax and ymin < ymax):
        raise FormulaError("the box must have xmin < xmax and ymin < ymax")
    if xmax - xmin > MAX_SPAN or ymax - ymin > MAX_SPAN:
        raise FormulaError(f"the box is too large (each side at most {MAX_SPAN:g})")
    return coords


def parse_formula(text: str, box: tuple[float, float, float, float] = (-5, 5, -5, 5)) -> Objective:
    """Build an `Objective` named "custom" from a formula in x and y, on the plotting box `box`.

    Raises `FormulaError` (a `ValueError`) with a short message for the user when the text is not
    an allowed formula, is too long or complex, or is not finite anywhere / constant on the box.
    Results are cached, so calling this on every app rerun is cheap.
    """
    normalized = _normalize(text)
    return _build(normalized, _check_box(box))


@functools.lru_cache(maxsize=64)
def _build(text: str, box: tuple[float, float, float, float]) -> Objective:
    expr, value = _convert(_parse_tree(text))
    if value is not None or not expr.free_symbols:
        raise FormulaError("f is constant: nothing to optimize (use x and/or y)")
    gx, gy = _derivative(expr, _X), _derivative(expr, _Y)
    try:
        f, df = _compile(expr, gx, gy)
    except FormulaError:
        raise
    except Exception:
        raise FormulaError("could not compile the formula for numerical evaluation") from None

    xmin, xmax, ymin, ymax = box
    X, Y = np.meshgrid(np.linspace(xmin, xmax, VALIDATION_GRID), np.linspace(ymin, ymax, VALIDATION_GRID))
    Z = f(X, Y)
    df(X, Y)  # must not raise (it cannot: errors become NaN), and warms up the compiled code
    finite = np.isfinite(Z)
    if not finite.any():
        raise FormulaError("f is not finite anywhere in the box (undefined or overflowing everywhere)")
    zf = Z[finite]
    if float(np.ptp(zf)) <= 1e-12 * max(1.0, float(np.max(np.abs(zf)))):
        raise FormulaError("f is constant: nothing to optimize")

    # Approximate global minimum over the box by grid search.
    xs = np.linspace(xmin, xmax, MINIMUM_GRID)
    ys = np.linspace(ymin, ymax, MINIMUM_GRID)
    XX, YY = np.meshgrid(xs, ys)
    ZZ = f(XX, YY)
    masked = np.where(np.isfinite(ZZ), ZZ, np.inf)
    iy, ix = np.unravel_index(int(np.argmin(masked)), masked.shape)
    mx, my, mval = float(xs[ix]), float(ys[iy]), float(ZZ[iy, ix])
    on_edge = ix in (0, MINIMUM_GRID - 1) or iy in (0, MINIMUM_GRID - 1)

    start = _pick_start(f, df, (mx, my), box, XX, YY, ZZ)

    # Logarithmic colours when f >= 0 and f - min spans more than two decades over the box.
    log_scale = False
    if mval >= 0.0:
        d = ZZ[np.isfinite(ZZ)] - mval
        d = d[d > 0]
        if d.size:
            log_scale = bool(np.max(d) / np.percentile(d, 5) > 100.0)

    latex = "f(x,y) = " + sympy.latex(expr)
    description = (
        f"Your formula f(x, y) = {text}. The marked minimum ({mx:.3g}, {my:.3g}) with f = {mval:.4g} is "
        f"approximate (grid search on {MINIMUM_GRID}×{MINIMUM_GRID} points of the box)"
        + ("; it lies on the edge of the box, so f may decrease further outside." if on_edge else ".")
        + (" f is undefined or infinite in parts of the box." if not finite.all() else "")
    )
    return Objective(
        name="custom",
        display_name=f"Custom: {text}",
        latex=latex,
        box=box,
        start=start,
        minima=(Minimum((mx, my), mval),),
        convex=False,
        f=f,
        df=df,
        description=description,
        log_scale=log_scale,
    )


def _pick_start(f, df, minimum, box, XX, YY, ZZ) -> tuple[float, float]:
    """A start 80 % of the way from the minimum towards the farthest corner where f is usable."""
    xmin, xmax, ymin, ymax = box
    m = np.array(minimum)
    corners = np.array([(xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax)], dtype=float)
    order = np.argsort(-np.linalg.norm(corners - m, axis=1), kind="stable")
    for frac in (0.8, 0.6, 0.9, 0.4):
        for c in corners[order]:
            p = m + frac * (c - m)
            gx, gy = df(p[0], p[1])
            if np.isfinite(f(p[0], p[1])) and np.isfinite(gx) and np.isfinite(gy) and np.hypot(gx, gy) > 1e-8:
                return float(p[0]), float(p[1])
    # Fall back to the usable grid point farthest from the minimum.
    ok = np.isfinite(ZZ)
    dist = np.where(ok, np.hypot(XX - m[0], YY - m[1]), -1.0)
    iy, ix = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return float(XX[iy, ix]), float(YY[iy, ix])


@functools.lru_cache(maxsize=64)
def gradient_latex(text: str) -> tuple[str, str]:
    """LaTeX of ∂f/∂x and ∂f/∂y for a formula (raises ``FormulaError`` like ``parse_formula``)."""
    expr, _ = _convert(_parse_tree(_normalize(text)))
    return sympy.latex(_derivative(expr, _X)), sympy.latex(_derivative(expr, _Y))
