"""Turn a user-typed formula f(x, y) into an `Objective`, safely and within a fixed amount of work.

Two stages, each cached (refusals included):

``parse(text) -> Parsed``
    The text is normalised and parsed with ``ast.parse(..., mode="eval")``; the syntax tree is
    walked with an allow-list into a small checked tree of `Node` (constants are evaluated as
    floats on the way, so division by zero, huge exponents and overflowing constants are refused
    here, in microseconds). The SymPy expression is then built node by node from that tree (user
    text is never executed, and SymPy's string parsers are not used), differentiated with
    ``sympy.diff`` and typeset. SymPy's own rewriting can make that work grow exponentially with
    the nesting of a 200-character formula, and it cannot be interrupted from inside the process,
    so this symbolic part runs in a forked child with a CPU-time limit (`core.sandbox`); on top
    of that every intermediate expression must stay under a tree-size bound, which refuses most
    blow-ups long before the limit.

``build(parsed, box) -> Objective``
    The expression and its gradient are compiled to vectorised NumPy with ``sympy.lambdify``
    and checked on a grid over the box (finite somewhere, not constant); the grid also gives an
    approximate minimum and a start.

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
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from . import sandbox
from .functions import Minimum, Objective
from .lru import LRU
from .messages import N_, CoreError, Message

__all__ = [
    "EXAMPLES",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_NODES",
    "FormulaError",
    "Node",
    "Parsed",
    "build",
    "clear_caches",
    "gradient_latex",
    "latex_or_none",
    "parse",
    "parse_formula",
]

# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------
MAX_LENGTH = 300  # characters
MAX_NODES = 100  # expression nodes of the syntax tree
MAX_NESTING = 30  # parentheses inside parentheses
MAX_DEPTH = 50  # depth of the syntax tree (a long sum a+b+c+... is a deep left chain)
MAX_EXPONENT = 100.0  # |constant exponent|
MAX_CONSTANT = 1e300  # |value of any constant sub-expression|
EXACT_LIMIT = 10**15  # larger integers / rationals are stored as floats (no huge exact integers)
MAX_EXPRESSION_SIZE = 5000  # nodes of the expression tree SymPy builds for f (it rewrites as it goes)
MAX_GRADIENT_SIZE = 10000  # nodes of the tree of each partial derivative
SYMBOLIC_CPU_SECONDS = 1  # CPU time for building, differentiating and typesetting one formula
LATEX_MAX_CHARS = 3000  # longer LaTeX is not shown (KaTeX gives up on large inputs anyway)
MAX_SPAN = 1e6  # box side length
MAX_COORD = 1e6  # |box coordinate|
VALIDATION_GRID = 64
MINIMUM_GRID = 201  # odd, so the centre of the box is a grid point

EXAMPLES: dict[str, str] = {
    "Egg crate": "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "Tilted valley": "(x - 2*y)**2 + 0.1*(x + y - 1)**2",
    "Wavy trough": "x**2 + 10*sin(y)**2",
    "Banana": "(1 - x)^2 + 5*(y - x^2)^2",
    "Two wells": "(x**2 - 4)**2 / 8 + y**2 + 0.5*x",
    "Funnel": "sqrt(x**2 + y**2 + 0.01) - exp(-((x - 2)**2 + (y - 2)**2))",
}


class FormulaError(CoreError):
    """The formula cannot be used; the message (a `Message`) is meant to be shown to the user."""


TOO_SLOW = Message(N_("the formula is too complex: working out its gradient takes too long"))
TOO_BIG = Message(N_("the gradient of this formula is too large to compute quickly"))
_HINT = Message(N_("use x, y, pi, e and functions such as sin, exp, sqrt"))
_TOO_DEEP = Message(N_("the formula is too complex to differentiate"))
_BOX = Message(N_("the box must be four numbers (xmin, xmax, ymin, ymax)"))

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
_ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "ln": "log"}
_FUNCTION_LIST = ", ".join(sorted([*_FUNCTIONS, *_ALIASES]))

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# Friendly names for syntax that is not allowed (node kinds the walk can meet; slices, starred
# items and f-string parts only occur inside nodes that are refused first).
_FORBIDDEN = {
    ast.Attribute: N_("attribute access with '.'"),
    ast.Subscript: N_("indexing with [...]"),
    ast.Lambda: N_("lambda functions"),
    ast.IfExp: N_("conditional expressions (if/else)"),
    ast.Compare: N_("comparisons (==, <, ...)"),
    ast.BoolOp: N_("'and' / 'or'"),
    ast.ListComp: N_("comprehensions"),
    ast.SetComp: N_("comprehensions"),
    ast.DictComp: N_("comprehensions"),
    ast.GeneratorExp: N_("comprehensions"),
    ast.List: N_("lists"),
    ast.Set: N_("sets"),
    ast.Dict: N_("dictionaries"),
    ast.NamedExpr: N_("assignments (:=)"),
    ast.JoinedStr: N_("text strings"),
    ast.Await: N_("await"),
    ast.Yield: N_("yield"),
    ast.YieldFrom: N_("yield"),
}

# Python's own syntax-error messages that a typo in a formula commonly meets (Python 3.11 to 3.13),
# as templates that reproduce them exactly; any other message is shown as Python wrote it.
_SYNTAX_MESSAGES = {
    "invalid syntax": N_("invalid syntax"),
    "invalid decimal literal": N_("invalid decimal literal"),
    "invalid hexadecimal literal": N_("invalid hexadecimal literal"),
    "invalid octal literal": N_("invalid octal literal"),
    "invalid binary literal": N_("invalid binary literal"),
    "invalid imaginary literal": N_("invalid imaginary literal"),
    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers": N_(
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    ),
    "unexpected character after line continuation character": N_(
        "unexpected character after line continuation character"
    ),
    "expected 'else' after 'if' expression": N_("expected 'else' after 'if' expression"),
    "unexpected EOF while parsing": N_("unexpected EOF while parsing"),
}
_SYNTAX_PATTERNS = (
    (re.compile(r"'(?P<bracket>.)' was never closed"), N_("'{bracket}' was never closed")),
    (re.compile(r"unmatched '(?P<bracket>.)'"), N_("unmatched '{bracket}'")),
    (
        re.compile(r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis '(?P<opening>.)'"),
        N_("closing parenthesis '{closing}' does not match opening parenthesis '{opening}'"),
    ),
    (
        re.compile(r"unterminated string literal \(detected at line (?P<line>\d+)\)"),
        N_("unterminated string literal (detected at line {line})"),
    ),
)

_TRANSLATE = str.maketrans({"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/"})


# ------------------------------------------------------------------------------------------------
# Stage 1, in-process and cheap: text -> checked tree of Nodes
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One node of a checked formula: an operation ``op`` on ``args``, or a leaf number or name.

    ``op`` is ``"num"`` (``leaf``: an int up to ``EXACT_LIMIT`` or a float), ``"name"`` (``leaf``:
    x, y, pi or e), ``"neg"``, one of ``+ - * / **`` or a function name (aliases resolved).
    ``value`` is the float value of a constant subtree, ``None`` where it depends on x or y.
    """

    op: str
    args: tuple[Node, ...] = ()
    leaf: int | float | str | None = None
    value: float | None = None


def _normalize(text) -> str:
    """Check the raw text cheaply (before any parsing) and return its normalised form."""
    if not isinstance(text, str):
        raise FormulaError(N_("the formula must be text"))
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            N_("the formula is too long ({length} characters; the limit is {limit})"),
            length=len(text),
            limit=MAX_LENGTH,
        )
    text = text.translate(_TRANSLATE)
    for i, ch in enumerate(text, start=1):
        if ch in "\t\n\r":
            continue
        if not ch.isascii():
            raise FormulaError(
                N_("unsupported character {char} at position {position}: use plain ASCII, e.g. x, y, *, **"),
                char=repr(ch),
                position=i,
            )
        if not ch.isprintable():
            raise FormulaError(N_("the formula contains a control character at position {position}"), position=i)
    text = " ".join(text.split()).replace("^", "**")
    if not text:
        raise FormulaError(N_("the formula is empty: type an expression in x and y, e.g. x**2 + y**2"))
    depth = max_depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            max_depth = max(max_depth, depth)
        elif ch in ")]}":
            depth -= 1
    if max_depth > MAX_NESTING:
        raise FormulaError(
            N_("the formula is nested too deeply (more than {limit} levels of parentheses)"), limit=MAX_NESTING
        )
    return text


def _parse_tree(text: str) -> ast.expr:
    """Python's parser on the normalised text, refusing syntax errors and trees of more than ``MAX_NODES`` nodes."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        reason = _syntax_reason(exc.msg)
        if exc.offset:
            raise FormulaError(
                N_("could not read the formula at position {position}: {reason}"), position=exc.offset, reason=reason
            ) from None
        raise FormulaError(N_("could not read the formula: {reason}"), reason=reason) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise FormulaError(N_("could not read the formula: it is too complex")) from None
    nodes = sum(1 for node in ast.walk(tree) if isinstance(node, ast.expr))
    if nodes > MAX_NODES:
        raise FormulaError(
            N_("the formula is too complex ({nodes} terms; the limit is {limit})"), nodes=nodes, limit=MAX_NODES
        )
    return tree.body


def _syntax_reason(msg: str | None) -> str:
    """Python's syntax-error message, without a final period or its guesses after "invalid syntax";
    a `Message` when it is one a formula commonly meets."""
    msg = (msg or "invalid syntax").rstrip(".")
    if msg.startswith("invalid syntax"):
        msg = "invalid syntax"
    if msg in _SYNTAX_MESSAGES:
        return Message(_SYNTAX_MESSAGES[msg])
    for pattern, template in _SYNTAX_PATTERNS:
        found = pattern.fullmatch(msg)
        if found:
            return Message(template, **found.groupdict())
    return msg


def _snippet(node: ast.AST) -> str:
    try:
        s = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse of a tree we already walked
        return "this part"
    return s if len(s) <= 40 else s[:37] + "..."


def _check_constant(value: float | None, node: ast.AST) -> None:
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_CONSTANT):
        raise FormulaError(N_("'{snippet}' is not a finite real number"), snippet=_snippet(node))


def _check(node: ast.AST, depth: int = 0) -> Node:
    """The allow-list: the checked `Node` for an ``ast`` node, or a `FormulaError` saying what is not allowed."""
    if depth > MAX_DEPTH:
        raise FormulaError(N_("the formula is nested too deeply (more than {limit} levels)"), limit=MAX_DEPTH)
    if isinstance(node, ast.Constant):
        return _number(node)
    if isinstance(node, ast.Name):
        if node.id in _NAMES:
            return Node("name", leaf=node.id, value=_NAME_VALUES.get(node.id))
        if node.id in _FUNCTIONS or node.id in _ALIASES:
            raise FormulaError(N_("'{name}' is a function: write {name}(...)"), name=node.id)
        raise FormulaError(N_("unknown name '{name}': {hint}"), name=node.id, hint=_HINT)
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            op = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), type(node.op).__name__)
            raise FormulaError(N_("the operator '{operator}' is not allowed: use + - * / **"), operator=op)
        arg = _check(node.operand, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return arg
        return Node("neg", (arg,), value=None if arg.value is None else -arg.value)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            op = {
                ast.Mod: "%",
                ast.FloorDiv: "//",
                ast.MatMult: "@",
                ast.LShift: "<<",
                ast.RShift: ">>",
                ast.BitAnd: "&",
                ast.BitOr: "|",
                ast.BitXor: "^",
            }.get(type(node.op), type(node.op).__name__)
            raise FormulaError(N_("the operator '{operator}' is not allowed: use + - * / **"), operator=op)
        a, b = _check(node.left, depth + 1), _check(node.right, depth + 1)
        return Node(_BINOPS[type(node.op)], (a, b), value=_binop_value(node, a.value, b.value))
    if isinstance(node, ast.Call):
        return _call(node, depth)
    if isinstance(node, ast.Tuple):
        raise FormulaError(N_("commas are only allowed between function arguments, e.g. atan2(y, x)"))
    for kind, what in _FORBIDDEN.items():
        if isinstance(node, kind):
            if what.endswith("s") or "(" in what:
                raise FormulaError(N_("{what} are not allowed in a formula"), what=Message(what))
            raise FormulaError(N_("{what} is not allowed in a formula"), what=Message(what))
    raise FormulaError(N_("'{snippet}' is not allowed: {hint}"), snippet=_snippet(node), hint=_HINT)


def _number(node: ast.Constant) -> Node:
    """The `Node` of a literal: ints up to ``EXACT_LIMIT`` stay exact, other finite numbers become floats."""
    v = node.value
    if isinstance(v, bool) or v is None or v is Ellipsis:
        raise FormulaError(N_("'{snippet}' is not allowed: {hint}"), snippet=_snippet(node), hint=_HINT)
    if isinstance(v, complex):
        raise FormulaError(N_("complex numbers (like 1j) are not allowed"))
    if isinstance(v, (str, bytes)):
        raise FormulaError(N_("text strings are not allowed in a formula"))
    if isinstance(v, int):
        if abs(v) <= EXACT_LIMIT:
            return Node("num", leaf=v, value=float(v))
        try:
            fv = float(v)
        except OverflowError:
            raise FormulaError(N_("the number '{snippet}' is too large"), snippet=_snippet(node)) from None
        _check_constant(fv, node)
        return Node("num", leaf=fv, value=fv)
    if isinstance(v, float):
        if not math.isfinite(v) or abs(v) > MAX_CONSTANT:
            raise FormulaError(N_("the number '{snippet}' is too large"), snippet=_snippet(node))
        return Node("num", leaf=v, value=v)
    raise FormulaError(N_("'{snippet}' is not allowed"), snippet=_snippet(node))


def _binop_value(node: ast.BinOp, va: float | None, vb: float | None) -> float | None:
    """The float value of ``a op b`` when both are constant (else ``None``), refusing what cannot be computed."""
    op = type(node.op)
    if op is ast.Div and vb == 0.0:
        raise FormulaError(N_("division by zero in '{snippet}'"), snippet=_snippet(node))
    if op is ast.Pow:
        if vb is not None and abs(vb) > MAX_EXPONENT:
            raise FormulaError(
                N_("the exponent in '{snippet}' is too large (the limit is ±{limit})"),
                snippet=_snippet(node),
                limit=f"{MAX_EXPONENT:g}",
            )
        if va == 0.0 and vb is not None and vb < 0:
            raise FormulaError(N_("division by zero in '{snippet}'"), snippet=_snippet(node))
    if va is None or vb is None:
        return None
    if op is ast.Pow:
        value = _safe(math.pow)(va, vb)
    elif op is ast.Add:
        value = va + vb
    elif op is ast.Sub:
        value = va - vb
    elif op is ast.Mult:
        value = va * vb
    else:  # Div, by a non-zero constant
        value = va / vb
    _check_constant(value, node)
    return value


def _call(node: ast.Call, depth: int) -> Node:
    if not isinstance(node.func, ast.Name):
        raise FormulaError(
            N_("calling '{snippet}' is not allowed: call functions by name, e.g. sin(x)"), snippet=_snippet(node.func)
        )
    name = node.func.id
    canonical = _ALIASES.get(name, name)
    if canonical not in _FUNCTIONS:
        if name in _NAMES:
            raise FormulaError(N_("'{name}' is not a function: write '{name}*(...)' to multiply"), name=name)
        raise FormulaError(
            N_("unknown function '{name}': allowed functions are {functions}"), name=name, functions=_FUNCTION_LIST
        )
    if node.keywords:
        raise FormulaError(N_("keyword arguments are not allowed: write {name}(...) with plain arguments"), name=name)
    nargs, _, evaluate = _FUNCTIONS[canonical]
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise FormulaError(N_("starred arguments are not allowed"))
    if len(node.args) != nargs:
        if nargs == 1:
            raise FormulaError(N_("{name} takes 1 argument (got {got})"), name=name, got=len(node.args))
        raise FormulaError(N_("{name} takes {count} arguments (got {got})"), name=name, count=nargs, got=len(node.args))
    args = tuple(_check(a, depth + 1) for a in node.args)
    values = [a.value for a in args]
    value = evaluate(*values) if all(v is not None for v in values) else None
    _check_constant(value, node)
    return Node(canonical, args, value=value)


def _read(text) -> tuple[str, Node]:
    """Normalised text and checked tree: every refusal that needs no SymPy, in well under a millisecond."""
    normalized = _normalize(text)
    tree = _check(_parse_tree(normalized))
    if tree.value is not None:
        raise FormulaError(N_("f is constant: nothing to optimize (use x and/or y)"))
    return normalized, tree


# ------------------------------------------------------------------------------------------------
# Stage 2, in a CPU-limited child: checked tree -> SymPy expression, gradient, LaTeX
# ------------------------------------------------------------------------------------------------


class _Sizes:
    """Tree sizes of SymPy expressions, memoised over their shared sub-expressions.

    SymPy expressions are DAGs: ``sin(atan2(a, y))`` becomes ``a/sqrt(a**2 + y**2)``, so ten such
    levels hold ``a`` a thousand times while the DAG stays small. Printing, ``lambdify`` and
    NumPy evaluation all pay for the tree, so that is what is bounded; this walk visits each
    distinct node once.
    """

    def __init__(self) -> None:
        self._memo: dict[sympy.Basic, int] = {}

    def __call__(self, expr: sympy.Basic) -> int:
        memo = self._memo
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if ready:
                memo[node] = 1 + sum(memo[a] for a in node.args)
                continue
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
        return memo[expr]

    def nodes(self, expr: sympy.Basic) -> list[sympy.Basic]:
        """The distinct sub-expressions of ``expr`` (after ``self(expr)``)."""
        seen: set[sympy.Basic] = set()
        stack = [expr]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(node.args)
        return list(seen)


def _big(r: sympy.Basic) -> bool:
    return isinstance(r, sympy.Rational) and (abs(r.p) > EXACT_LIMIT or r.q > EXACT_LIMIT)


def _tame(expr: sympy.Expr, value: float | None, sizes: _Sizes) -> sympy.Expr:
    """Refuse an expression tree over ``MAX_EXPRESSION_SIZE`` nodes; turn huge exact numbers into floats.

    SymPy writes ``n**(99/100)`` for a 15-digit ``n`` as ``9*m**(1/100)`` with a 1,500-digit ``m``,
    which NumPy cannot hold: such numbers become SymPy floats (the whole sub-expression when it
    is constant).
    """
    if sizes(expr) > MAX_EXPRESSION_SIZE:
        raise FormulaError(
            N_("the formula expands to too large an expression (more than {limit} terms)"),
            limit=f"{MAX_EXPRESSION_SIZE:,}",
        )
    big = [r for r in sizes.nodes(expr) if _big(r)]
    if not big:
        return expr
    if value is not None:
        return sympy.Float(value)
    return expr.xreplace({r: sympy.Float(r) for r in big})


def _to_sympy(node: Node, sizes: _Sizes) -> sympy.Expr:
    """The SymPy expression of a checked tree, built bottom-up with ``_tame`` after every node."""
    if node.op == "num":
        return sympy.Integer(node.leaf) if isinstance(node.leaf, int) else sympy.Float(node.leaf)
    if node.op == "name":
        return _NAMES[str(node.leaf)]
    args = [_to_sympy(a, sizes) for a in node.args]
    if node.op == "neg":
        expr = -args[0]
    elif node.op == "**":
        expr = _power(node, *args)
    elif node.op in ("+", "-", "*", "/"):
        a, b = args
        expr = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[node.op]()
    else:
        expr = _FUNCTIONS[node.op][1](*args)
    return _tame(expr, node.value, sizes)


def _power(node: Node, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``a**b``, a float when constant and large or when SymPy would take roots of big integers."""
    value = node.value
    if value is not None:
        if abs(value) > EXACT_LIMIT:
            return sympy.Float(value)
        if isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational) and not isinstance(b, sympy.Integer):
            return sympy.Float(value)
    return a**b


def _derivative(expr: sympy.Expr, var: sympy.Symbol, sizes: _Sizes) -> sympy.Expr:
    """∂expr/∂var, refused when its tree exceeds ``MAX_GRADIENT_SIZE`` nodes (checked before anything walks it)."""
    try:
        d = sympy.diff(expr, var)
    except RecursionError:
        raise FormulaError(_TOO_DEEP) from None
    if sizes(d) > MAX_GRADIENT_SIZE:
        raise FormulaError(TOO_BIG)
    # Jumps of sign/Heaviside have a zero derivative almost everywhere.
    if d.has(sympy.DiracDelta):
        d = d.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0))
    if d.has(sympy.Derivative, sympy.Subs):
        raise FormulaError(N_("could not differentiate the formula with respect to {variable}"), variable=str(var))
    return d


def latex_or_none(expr: sympy.Basic, max_chars: int = LATEX_MAX_CHARS) -> str | None:
    """``sympy.latex(expr)``, or ``None`` when it would be longer than ``max_chars`` (too large to typeset)."""
    if _Sizes()(expr) > max_chars:  # every node of the tree prints at least one character
        return None
    text = sympy.latex(expr)
    return text if len(text) <= max_chars else None


@dataclass(frozen=True)
class Parsed:
    """A formula that passed every check: normalised text, checked tree, SymPy expression and gradient.

    ``latex`` and ``gradient_latex`` are ``None`` where the expression is too large to typeset;
    ``gradient_size`` is the number of nodes of both partial derivatives' trees.
    """

    text: str
    tree: Node
    expr: sympy.Expr
    gradient: tuple[sympy.Expr, sympy.Expr]
    latex: str | None
    gradient_latex: tuple[str | None, str | None]
    gradient_size: int


def _symbolic(text: str, tree: Node) -> Parsed:
    """All SymPy work on one formula (run in the CPU-limited child)."""
    sizes = _Sizes()
    expr = _to_sympy(tree, sizes)
    if not expr.free_symbols:
        raise FormulaError(N_("f is constant: nothing to optimize (use x and/or y)"))
    gx, gy = _derivative(expr, _X, sizes), _derivative(expr, _Y, sizes)
    return Parsed(
        text=text,
        tree=tree,
        expr=expr,
        gradient=(gx, gy),
        latex=latex_or_none(expr),
        gradient_latex=(latex_or_none(gx), latex_or_none(gy)),
        gradient_size=sizes(gx) + sizes(gy),
    )


_PARSED: LRU[Parsed | Message] = LRU(256)  # normalised text -> Parsed, or the refusal message
_OBJECTIVES: LRU[Objective | Message] = LRU(64)  # (normalised text, box) -> Objective, or the refusal message
_SYMBOLIC = threading.Lock()  # one symbolic child at a time: a burst of formulas queues


def clear_caches() -> None:
    """Forget every cached verdict (for tests and benchmarks that measure the first, uncached call)."""
    _PARSED.clear()
    _OBJECTIVES.clear()


def parse(text: str) -> Parsed:
    """Check a formula and work out its gradient symbolically, in at most about a second of CPU.

    Raises `FormulaError` with a short message for the user. Verdicts (refusals too) are cached
    by the normalised text, so a costly formula is paid for once.
    """
    normalized, tree = _read(text)
    verdict = _PARSED.get(normalized)
    if verdict is None:
        with _SYMBOLIC:
            verdict = _PARSED.get(normalized)
            if verdict is None:
                verdict = _decide(normalized, tree)
                _PARSED.put(normalized, verdict)
    if isinstance(verdict, Message):
        raise FormulaError(verdict)
    return verdict


def _decide(text: str, tree: Node) -> Parsed | Message:
    """`_symbolic` in the CPU-limited child: the `Parsed` formula or the message refusing it."""
    try:
        return sandbox.call_limited(_symbolic, text, tree, cpu_seconds=SYMBOLIC_CPU_SECONDS)
    except FormulaError as err:
        return err.message
    except sandbox.OverBudget:
        return TOO_SLOW
    except sandbox.Busy:  # the machine, not the formula: not a verdict, so not cached
        raise FormulaError(N_("the server is too busy to check this formula right now: try again shortly")) from None
    except RecursionError:
        return _TOO_DEEP
    except Exception:
        return Message(N_("could not differentiate the formula"))


# ------------------------------------------------------------------------------------------------
# Build: Parsed -> compiled, validated Objective
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
    f = _guarded(sympy.lambdify((_X, _Y), expr, modules="numpy", cse=True), outputs=1)
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


def _check_box(box) -> tuple[float, float, float, float]:
    try:
        values = tuple(box)
    except TypeError:
        raise FormulaError(_BOX) from None
    if len(values) != 4 or any(isinstance(v, bool) for v in values):
        raise FormulaError(_BOX)
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in values)
    except (TypeError, ValueError):
        raise FormulaError(_BOX) from None
    coords = (xmin, xmax, ymin, ymax)
    if not all(math.isfinite(v) and abs(v) <= MAX_COORD for v in coords):
        raise FormulaError(N_("the box coordinates must be finite numbers within ±{limit}"), limit=f"{MAX_COORD:g}")
    if not (xmin < xmax and ymin < ymax):
        raise FormulaError(N_("the box must have xmin < xmax and ymin < ymax"))
    if xmax - xmin > MAX_SPAN or ymax - ymin > MAX_SPAN:
        raise FormulaError(N_("the box is too large (each side at most {limit})"), limit=f"{MAX_SPAN:g}")
    return coords


def build(parsed: Parsed, box: tuple[float, float, float, float] = (-5, 5, -5, 5)) -> Objective:
    """The `Objective` named "custom" for a parsed formula on the plotting box ``box``.

    Raises `FormulaError` when the box is invalid or f is not finite anywhere / constant on it.
    Results (refusals too) are cached by text and box.
    """
    box = _check_box(box)
    key = (parsed.text, box)
    verdict = _OBJECTIVES.get(key)
    if verdict is None:
        try:
            verdict = _objective(parsed, box)
        except FormulaError as err:
            verdict = err.message
        _OBJECTIVES.put(key, verdict)
    if isinstance(verdict, Message):
        raise FormulaError(verdict)
    return verdict


def parse_formula(text: str, box: tuple[float, float, float, float] = (-5, 5, -5, 5)) -> Objective:
    """Build an `Objective` named "custom" from a formula in x and y, on the plotting box `box`.

    ``build(parse(text), box)``, with the box checked first. Raises `FormulaError` (a
    `ValueError`) with a short message for the user when the text is not an allowed formula, is
    too long or complex, or is not finite anywhere / constant on the box. Results are cached, so
    calling this on every app rerun is cheap.
    """
    box = _check_box(box)
    return build(parse(text), box)


def gradient_latex(text: str) -> tuple[str | None, str | None]:
    """LaTeX of ∂f/∂x and ∂f/∂y (``None`` for one too large to typeset); raises ``FormulaError`` like `parse`."""
    return parse(text).gradient_latex


def _objective(parsed: Parsed, box: tuple[float, float, float, float]) -> Objective:
    """Compile, validate on a grid, and describe (approximate minimum, start, colour scale)."""
    try:
        f, df = _compile(parsed.expr, *parsed.gradient)
    except Exception:
        raise FormulaError(N_("could not compile the formula for numerical evaluation")) from None

    xmin, xmax, ymin, ymax = box
    X, Y = np.meshgrid(np.linspace(xmin, xmax, VALIDATION_GRID), np.linspace(ymin, ymax, VALIDATION_GRID))
    Z = f(X, Y)
    df(X, Y)  # must not raise (it cannot: errors become NaN), and warms up the compiled code
    finite = np.isfinite(Z)
    if not finite.any():
        raise FormulaError(N_("f is not finite anywhere in the box (undefined or overflowing everywhere)"))
    zf = Z[finite]
    if float(np.ptp(zf)) <= 1e-12 * max(1.0, float(np.max(np.abs(zf)))):
        raise FormulaError(N_("f is constant: nothing to optimize"))

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

    text = parsed.text
    latex = "f(x,y) = " + (parsed.latex if parsed.latex is not None else r"\text{(too long to typeset)}")
    description = Message(
        N_(
            "Your formula f(x, y) = {formula}. The marked minimum ({x}, {y}) with f = {value} is approximate "
            "(grid search on {grid}×{grid} points of the box); it lies on the edge of the box, so f may "
            "decrease further outside."
        )
        if on_edge
        else N_(
            "Your formula f(x, y) = {formula}. The marked minimum ({x}, {y}) with f = {value} is approximate "
            "(grid search on {grid}×{grid} points of the box)."
        ),
        formula=text,
        x=f"{mx:.3g}",
        y=f"{my:.3g}",
        value=f"{mval:.4g}",
        grid=MINIMUM_GRID,
    )
    if not finite.all():
        description = Message(
            N_("{description} f is undefined or infinite in parts of the box."), description=description
        )
    return Objective(
        name="custom",
        display_name=Message(N_("Custom: {formula}"), formula=text),
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
