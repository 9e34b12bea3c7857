"""Catalogue of classic 2-D optimisation test functions with analytic, vectorised gradients.

Pure NumPy (no Streamlit): every objective evaluates elementwise on arrays of x and y so that
whole grids of points or large batches of optimizer runs can be processed at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .hyper import Hyper, Interval
from .messages import N_, CoreError, Message

__all__ = [
    "FUNCTIONS",
    "Minimum",
    "Objective",
    "QuadraticObjective",
    "display_name",
    "get_function",
    "list_functions",
    "make_conditioned_quadratic",
]

Array = np.ndarray
ScalarFn = Callable[[Array, Array], Array]
GradFn = Callable[[Array, Array], tuple[Array, Array]]

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class Minimum:
    """A stationary point that is a (global or local) minimum, with its function value."""

    point: tuple[float, float]
    value: float


@dataclass(frozen=True, eq=False)
class Objective:
    """A 2-D objective f(x, y) with its analytic gradient and metadata for plotting and scoring.

    `f` and `df` work elementwise on broadcastable arrays; the methods below adapt them to
    point arrays of shape (..., 2) and to the (2, N) layout used by the simulator.
    """

    name: str
    display_name: str
    latex: str
    box: tuple[float, float, float, float]
    start: tuple[float, float]
    minima: tuple[Minimum, ...]
    convex: bool
    f: ScalarFn
    df: GradFn
    description: str = ""
    # True when a logarithmic colour scale (of f - min_value) shows the landscape better than a linear one.
    log_scale: bool = True
    local_minima: tuple[Minimum, ...] = ()
    # (mu, L): smallest and largest Hessian eigenvalue, only for quadratics (constant Hessian).
    curvature: tuple[float, float] | None = None
    # f(x, y) in torch ops with the same order of operations: the landscape of the PyTorch programs (core.snippets).
    torch: str = ""
    # A parametrised landscape (one registry entry, many objectives): its parameters as ``Hyper`` records, the values
    # this objective was built with (in the order of ``params``), its display name with a ``{name}`` field per
    # parameter (filled from ``settings``, translated as one text), and the factory ``get_function`` calls with them.
    params: tuple[Hyper, ...] = ()
    settings: tuple[tuple[str, float], ...] = ()
    name_format: str = ""
    build: Callable[..., Objective] | None = None
    # The simulator's D-dimensional protocol: ``dim``, ``values(P)`` and ``grad_into(P, out)`` on (D, N) arrays.
    dim: ClassVar[int] = 2

    def value(self, pts) -> Array:
        """Evaluate f on points of shape (..., 2), returning shape (...)."""
        pts = np.asarray(pts, dtype=float)
        return self.f(pts[..., 0], pts[..., 1])

    def grad(self, pts) -> Array:
        """Evaluate the gradient on points of shape (..., 2), returning shape (..., 2)."""
        pts = np.asarray(pts, dtype=float)
        gx, gy = self.df(pts[..., 0], pts[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    def value_xy(self, x, y) -> Array:
        """Evaluate f on separate (broadcastable) x and y arrays, e.g. a meshgrid for contour plots."""
        return self.f(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def values(self, P: Array) -> Array:
        """Evaluate f on points P of shape (2, ...) (coordinate first, as the simulator lays them out)."""
        return self.f(P[0], P[1])

    def grad_into(self, P: Array, out: Array) -> Array:
        """Write the gradient at points P (shape (2, N), rows x and y) into `out` (same shape) and return it.

        This is the hot path of batched simulations, so it avoids building intermediate (N, 2) arrays.
        """
        gx, gy = self.df(P[0], P[1])
        out[0] = gx
        out[1] = gy
        return out

    def nearest_minimum_distance(self, pts) -> Array:
        """Euclidean distance from points (..., 2) to the nearest global minimum; NaN if there is none."""
        pts = np.asarray(pts, dtype=float)
        if not self.minima:
            return np.full(pts.shape[:-1], np.nan)
        centres = np.array([m.point for m in self.minima], dtype=float)  # (m, 2)
        diff = pts[..., None, :] - centres  # (..., m, 2)
        return np.sqrt(np.min(np.sum(diff * diff, axis=-1), axis=-1))

    @property
    def min_value(self) -> float:
        """Global minimum value of f, or NaN when f is unbounded below."""
        if not self.minima:
            return float("nan")
        return min(m.value for m in self.minima)

    @property
    def escape_radius(self) -> float:
        """A point this far out has clearly left the landscape: a run that gets there has diverged."""
        xmin, xmax, ymin, ymax = self.box
        return 100.0 * max(abs(xmin), abs(xmax), abs(ymin), abs(ymax), xmax - xmin, ymax - ymin)

    @property
    def all_minima(self) -> tuple[Minimum, ...]:
        """Global minima followed by the notable local minima (used to label basins of attraction)."""
        return self.minima + self.local_minima


@dataclass(frozen=True, eq=False)
class QuadraticObjective(Objective):
    """Quadratic ½ pᵀ H p with a constant symmetric Hessian and a fast, allocation-free `grad_into`.

    `hessian` is ((h11, h12), (h12, h22)); when it is diagonal the gradient is a single
    broadcast multiplication, which matters for benchmarks with millions of points.
    """

    hessian: tuple[tuple[float, float], tuple[float, float]] = ((1.0, 0.0), (0.0, 1.0))
    _H: Any = field(init=False, repr=False, default=None)
    _diagonal: bool = field(init=False, repr=False, default=False)
    _coef: Any = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        H = np.array(self.hessian, dtype=float)
        diagonal = H[0, 1] == 0.0 and H[1, 0] == 0.0
        object.__setattr__(self, "_H", H)
        object.__setattr__(self, "_diagonal", diagonal)
        object.__setattr__(self, "_coef", np.diag(H).reshape(2, 1).copy())

    def grad_into(self, P: Array, out: Array) -> Array:
        """Write H·P into `out` for P of shape (2, N) (a broadcast multiply when H is diagonal)."""
        if self._diagonal:
            return np.multiply(P, self._coef, out=out)
        return np.matmul(self._H, P, out=out)


def conditioned_hessian(kappa: float, angle_deg: Any) -> tuple[Any, Any, Any]:
    """Entries (h11, h12, h22) of H = Rᵀ diag(1/κ, 1) R, R the rotation by ``angle_deg`` (scalars or arrays).

    With u = c x + s y and v = −s x + c y, ½(u²/κ + v²) = ½ (x, y) H (x, y)ᵀ.
    """
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    mu = 1.0 / kappa
    return mu * c * c + s * s, (mu - 1.0) * c * s, mu * s * s + c * c


def quadratic_fns(h11: Any, h12: Any, h22: Any) -> tuple[ScalarFn, GradFn]:
    """Build f = ½ (h11 x² + 2 h12 x y + h22 y²) and its gradient H·(x, y) (entries may be arrays over a batch)."""
    half11, half22 = 0.5 * h11, 0.5 * h22

    def f(x, y):
        return half11 * x * x + h12 * x * y + half22 * y * y

    def df(x, y):
        return h11 * x + h12 * y, h12 * x + h22 * y

    return f, df


# ---------------------------------------------------------------------------------------------
# 1. The article's quadratic 0.1 x² + 2 y²
# ---------------------------------------------------------------------------------------------


def _quadratic_f(x, y):
    return 0.1 * x * x + 2.0 * y * y


def _quadratic_df(x, y):
    return 0.2 * x, 4.0 * y


QUADRATIC = QuadraticObjective(
    name="quadratic",
    display_name="Quadratic bowl",
    latex=r"f(x,y) = 0.1\,x^2 + 2\,y^2",
    box=(-8.0, 8.0, -8.0, 8.0),
    start=(-4.0, -6.0),
    minima=(Minimum((0.0, 0.0), 0.0),),
    convex=True,
    f=_quadratic_f,
    df=_quadratic_df,
    torch="0.1 * x * x + 2.0 * y * y",
    description=(
        "An elongated bowl whose curvature differs 20-fold between the axes, so plain gradient descent "
        "zig-zags across the narrow y direction while crawling along x."
    ),
    curvature=(0.2, 4.0),
    hessian=((0.2, 0.0), (0.0, 4.0)),
)


# ---------------------------------------------------------------------------------------------
# 2. Tunable ill-conditioned quadratic
# ---------------------------------------------------------------------------------------------


CONDITION_ERROR = N_("condition must be a finite number >= 1 (got {value})")
CONDITIONED_PARAMS = (
    Hyper(
        "condition",
        10.0,
        Interval(1.0),
        (1.0, 1000.0),
        log=True,
        url="kappa",
        title=N_("Condition number κ"),
        help=N_("Ratio of the largest to the smallest curvature."),
    ),
    Hyper(
        "angle",
        0.0,
        Interval(),
        (0.0, 90.0),
        url="angle",
        title=N_("Rotation angle (degrees)"),
        help=N_("Rotates the valley away from the axes."),
    ),
)


def conditioned_setting(kappa: float) -> dict[str, Any]:
    """What every quadratic with Hessian eigenvalues 1/κ and 1 shares whatever its angle: the plot box,
    the start, the minimum at the origin and the curvature (μ, L) = (1/κ, 1)."""
    return {
        "box": (-5.0, 5.0, -5.0, 5.0),
        "start": (-4.0, 3.0),
        "minima": (Minimum((0.0, 0.0), 0.0),),
        "convex": True,
        "curvature": (1.0 / kappa, 1.0),
    }


CONDITIONED_NAME = N_("Conditioned quadratic (κ = {condition}, angle = {angle}°)")


def make_conditioned_quadratic(condition: float = 10.0, angle: float = 0.0) -> QuadraticObjective:
    """Quadratic ½(u²/κ + v²) in coordinates rotated by `angle` degrees, with Hessian eigenvalues 1/κ and 1.

    Lets the user dial the condition number κ = L/μ (and the valley's orientation) to see how each
    optimizer's convergence depends on it.
    """
    kappa = _check_real("condition", condition, Message(N_("a finite number >= 1")))
    if not kappa >= 1.0:
        raise CoreError(CONDITION_ERROR, value=repr(condition))
    theta_deg = _check_real("angle", angle, Message(N_("a finite number of degrees")))

    h11, h12, h22 = conditioned_hessian(kappa, theta_deg)
    f, df = quadratic_fns(h11, h12, h22)

    return QuadraticObjective(
        name="conditioned_quadratic",
        display_name=CONDITIONED_NAME.format(condition=f"{kappa:g}", angle=f"{theta_deg:g}"),
        latex=(
            r"f(x,y) = \tfrac12\left(\frac{u^2}{\kappa} + v^2\right),\quad "
            r"\begin{pmatrix}u\\v\end{pmatrix} = "
            r"\begin{pmatrix}\cos\theta & \sin\theta\\ -\sin\theta & \cos\theta\end{pmatrix}"
            r"\begin{pmatrix}x\\y\end{pmatrix},\quad "
            rf"\kappa = {kappa:g},\ \theta = {theta_deg:g}^\circ"
        ),
        f=f,
        df=df,
        **conditioned_setting(kappa),
        description=(
            "A quadratic valley with Hessian eigenvalues 1/κ and 1: the condition number κ controls how "
            "slowly gradient descent converges, and the angle rotates the valley off the coordinate axes."
        ),
        hessian=((h11, h12), (h12, h22)),
        torch=f"{0.5 * float(h11)!r} * x * x + {float(h12)!r} * x * y + {0.5 * float(h22)!r} * y * y",
        params=CONDITIONED_PARAMS,
        settings=(("condition", kappa), ("angle", theta_deg)),
        name_format=CONDITIONED_NAME,
        build=make_conditioned_quadratic,
    )


def _check_real(param: str, value, allowed: str) -> float:
    """Convert a user parameter to a finite float, raising a ValueError that names it otherwise."""
    wrong = N_("{param} must be {allowed} (got {value})")
    if isinstance(value, bool):
        raise CoreError(wrong, param=param, allowed=allowed, value=repr(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CoreError(wrong, param=param, allowed=allowed, value=repr(value)) from None
    if not math.isfinite(number):
        raise CoreError(wrong, param=param, allowed=allowed, value=repr(value))
    return number


# ---------------------------------------------------------------------------------------------
# 3. Rosenbrock
# ---------------------------------------------------------------------------------------------


def _rosenbrock_f(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_df(x, y):
    valley = y - x * x  # zero along the curved valley floor
    return -2.0 * (1.0 - x) - 400.0 * x * valley, 200.0 * valley


ROSENBROCK = Objective(
    name="rosenbrock",
    display_name="Rosenbrock",
    latex=r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2",
    box=(-2.0, 2.0, -1.0, 3.0),
    start=(-1.5, 2.5),
    minima=(Minimum((1.0, 1.0), 0.0),),
    convex=False,
    f=_rosenbrock_f,
    df=_rosenbrock_df,
    torch="(1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2",
    description=(
        "A narrow, curved banana-shaped valley: finding the valley is easy, but following its floor to "
        "the minimum at (1, 1) is slow for methods without momentum or adaptive steps."
    ),
)


# ---------------------------------------------------------------------------------------------
# 4. Beale
# ---------------------------------------------------------------------------------------------


def _beale_terms(x, y):
    y2 = y * y
    y3 = y2 * y
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y2
    t3 = 2.625 - x + x * y3
    return y2, y3, t1, t2, t3


def _beale_f(x, y):
    _, _, t1, t2, t3 = _beale_terms(x, y)
    return t1 * t1 + t2 * t2 + t3 * t3


def _beale_df(x, y):
    y2, y3, t1, t2, t3 = _beale_terms(x, y)
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0))
    gy = 2.0 * x * (t1 + 2.0 * y * t2 + 3.0 * y2 * t3)
    return gx, gy


BEALE = Objective(
    name="beale",
    display_name="Beale",
    latex=(r"f(x,y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"),
    box=(-4.5, 4.5, -4.5, 4.5),
    start=(1.0, 1.5),
    minima=(Minimum((3.0, 0.5), 0.0),),
    convex=False,
    f=_beale_f,
    df=_beale_df,
    torch="(1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2",
    description=(
        "Steep walls in the corners and nearly flat plateaus near the axes: gradients vary over many "
        "orders of magnitude, which rewards adaptive step sizes."
    ),
)


# ---------------------------------------------------------------------------------------------
# 5. Himmelblau
# ---------------------------------------------------------------------------------------------


def _himmelblau_f(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def _himmelblau_df(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


HIMMELBLAU = Objective(
    name="himmelblau",
    display_name="Himmelblau",
    latex=r"f(x,y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    box=(-5.0, 5.0, -5.0, 5.0),
    start=(0.0, 0.0),
    minima=(
        # Refined with Newton's method to machine precision.
        Minimum((3.0, 2.0), 0.0),
        Minimum((-2.805118086952745, 3.131312518250573), 0.0),
        Minimum((-3.779310253377747, -3.2831859912861696), 0.0),
        Minimum((3.5844283403304917, -1.8481265269644034), 0.0),
    ),
    convex=False,
    f=_himmelblau_f,
    df=_himmelblau_df,
    torch="(x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2",
    description=(
        "Four equally good minima separated by ridges and a central peak, so which one an optimizer "
        "reaches depends on the start point, the step size and momentum."
    ),
)


# ---------------------------------------------------------------------------------------------
# 6. Booth
# ---------------------------------------------------------------------------------------------


def _booth_f(x, y):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b


def _booth_df(x, y):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


BOOTH = Objective(
    name="booth",
    display_name="Booth",
    latex=r"f(x,y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
    box=(-10.0, 10.0, -10.0, 10.0),
    start=(-8.0, 8.0),
    minima=(Minimum((1.0, 3.0), 0.0),),
    convex=True,
    f=_booth_f,
    df=_booth_df,
    torch="(x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2",
    description=(
        "A convex quadratic whose valley runs diagonally (Hessian eigenvalues 2 and 18), a gentle "
        "test of how optimizers cope with axes that are not aligned with the valley."
    ),
    curvature=(2.0, 18.0),
)


# ---------------------------------------------------------------------------------------------
# 7. Rastrigin
# ---------------------------------------------------------------------------------------------


def _rastrigin_f(x, y):
    return 20.0 + (x * x - 10.0 * np.cos(TWO_PI * x)) + (y * y - 10.0 * np.cos(TWO_PI * y))


def _rastrigin_df(x, y):
    return 2.0 * x + 20.0 * np.pi * np.sin(TWO_PI * x), 2.0 * y + 20.0 * np.pi * np.sin(TWO_PI * y)


RASTRIGIN = Objective(
    name="rastrigin",
    display_name="Rastrigin",
    latex=r"f(x,y) = 20 + \sum_{i=1}^{2}\left(x_i^2 - 10\cos(2\pi x_i)\right)",
    box=(-5.12, 5.12, -5.12, 5.12),
    start=(3.2, -2.3),
    minima=(Minimum((0.0, 0.0), 0.0),),
    convex=False,
    f=_rastrigin_f,
    df=_rastrigin_df,
    torch="20.0 + (x * x - 10.0 * torch.cos(2 * math.pi * x)) + (y * y - 10.0 * torch.cos(2 * math.pi * y))",
    description=(
        "A bowl covered in a regular egg-crate of local minima: gradient methods get stuck in the "
        "nearest dimple unless the step size or momentum carries them over the bumps."
    ),
)


# ---------------------------------------------------------------------------------------------
# 8. Ackley
# ---------------------------------------------------------------------------------------------


def _ackley_f(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    waves = np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return -20.0 * np.exp(-0.2 * r) - waves + np.e + 20.0


def _ackley_df(x, y):
    r = np.sqrt(0.5 * (x * x + y * y))
    # d/dx of -20 exp(-0.2 r) is 2 exp(-0.2 r) x / r; it has no limit at the origin, where we return 0.
    safe_r = np.where(r > 0.0, r, 1.0)
    radial = 2.0 * np.exp(-0.2 * r) / safe_r
    radial = np.where(r > 0.0, radial, 0.0)
    waves = np.pi * np.exp(0.5 * (np.cos(TWO_PI * x) + np.cos(TWO_PI * y)))
    return radial * x + waves * np.sin(TWO_PI * x), radial * y + waves * np.sin(TWO_PI * y)


ACKLEY = Objective(
    name="ackley",
    display_name="Ackley",
    latex=(
        r"f(x,y) = -20\,e^{-0.2\sqrt{\frac12(x^2+y^2)}}"
        r" - e^{\frac12(\cos 2\pi x + \cos 2\pi y)} + e + 20"
    ),
    box=(-5.0, 5.0, -5.0, 5.0),
    start=(2.3, -3.1),
    minima=(Minimum((0.0, 0.0), 0.0),),
    convex=False,
    f=_ackley_f,
    df=_ackley_df,
    torch=(
        "-20.0 * torch.exp(-0.2 * torch.sqrt(0.5 * (x * x + y * y))) - torch.exp(0.5 *"
        " (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y))) + math.e + 20.0"
    ),
    description=(
        "A nearly flat, bumpy plateau around a sharp funnel at the origin: local gradients mostly "
        "point to nearby ripples rather than to the global minimum."
    ),
)


# ---------------------------------------------------------------------------------------------
# 9. Saddle
# ---------------------------------------------------------------------------------------------


def _saddle_f(x, y):
    return x * x - y * y


def _saddle_df(x, y):
    return 2.0 * x, -2.0 * y


SADDLE = Objective(
    name="saddle",
    display_name="Saddle",
    latex=r"f(x,y) = x^2 - y^2",
    box=(-2.0, 2.0, -2.0, 2.0),
    start=(-1.5, 0.01),
    minima=(),
    convex=False,
    f=_saddle_f,
    df=_saddle_df,
    torch="x * x - y * y",
    description=(
        "A saddle point at the origin with no minimum: starting almost on the ridge, optimizers first "
        "slow down near the saddle and then must escape along y, which momentum does much faster."
    ),
    log_scale=False,
)


# ---------------------------------------------------------------------------------------------
# 10. Goldstein-Price
# ---------------------------------------------------------------------------------------------


def _goldstein_price_parts(x, y):
    s = x + y + 1.0
    p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    t = 2.0 * x - 3.0 * y
    q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    A = 1.0 + s * s * p
    B = 30.0 + t * t * q
    return s, p, t, q, A, B


def _goldstein_price_f(x, y):
    *_, A, B = _goldstein_price_parts(x, y)
    return A * B


def _goldstein_price_df(x, y):
    s, p, t, q, A, B = _goldstein_price_parts(x, y)
    # p is symmetric in the sense dp/dx = dp/dy, so dA/dx = dA/dy.
    dA = 2.0 * s * p + s * s * (-14.0 + 6.0 * x + 6.0 * y)
    dB_dx = 4.0 * t * q + t * t * (-32.0 + 24.0 * x - 36.0 * y)
    dB_dy = -6.0 * t * q + t * t * (48.0 - 36.0 * x + 54.0 * y)
    return dA * B + A * dB_dx, dA * B + A * dB_dy


GOLDSTEIN_PRICE = Objective(
    name="goldstein_price",
    display_name="Goldstein–Price",
    latex=(
        r"f(x,y) = \left[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
        r"\left[30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
    ),
    box=(-2.0, 2.0, -2.0, 2.0),
    start=(0.5, -1.5),
    minima=(Minimum((0.0, -1.0), 3.0),),
    convex=False,
    f=_goldstein_price_f,
    df=_goldstein_price_df,
    torch=(
        "(1.0 + (x + y + 1.0) ** 2 * (19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0"
        " * y * y)) * (30.0 + (2.0 * x - 3.0 * y) ** 2 * (18.0 - 32.0 * x + 12.0 * x * x + 48.0 *"
        " y - 36.0 * x * y + 27.0 * y * y))"
    ),
    description=(
        "Values span six orders of magnitude and there are several local minima, so a fixed learning "
        "rate is either far too small on the flats or explosive on the walls."
    ),
)


# ---------------------------------------------------------------------------------------------
# 11. Six-hump camel
# ---------------------------------------------------------------------------------------------


def _six_hump_camel_f(x, y):
    x2 = x * x
    y2 = y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2


def _six_hump_camel_df(x, y):
    x2 = x * x
    y2 = y * y
    return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y2 * y


SIX_HUMP_CAMEL = Objective(
    name="six_hump_camel",
    display_name="Six-hump camel",
    latex=r"f(x,y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
    box=(-2.0, 2.0, -1.2, 1.2),
    start=(-1.5, -1.0),
    # Refined with Newton's method to machine precision.
    minima=(
        Minimum((0.08984201310031807, -0.7126564030207396), -1.0316284534898774),
        Minimum((-0.08984201310031807, 0.7126564030207396), -1.0316284534898774),
    ),
    convex=False,
    f=_six_hump_camel_f,
    df=_six_hump_camel_df,
    torch="(4.0 - 2.1 * x * x + x ** 4 / 3.0) * x * x + x * y + (-4.0 + 4.0 * y * y) * y * y",
    description=(
        "Six minima, two of them global: a compact landscape for comparing which basin each optimizer "
        "ends up in from different start points."
    ),
    log_scale=False,
    local_minima=(
        Minimum((1.703606714969981, -0.7960835686726251), -0.21546382438371836),
        Minimum((-1.703606714969981, 0.7960835686726251), -0.21546382438371836),
        Minimum((1.6071047529201974, 0.5686514548841313), 2.1042503103112598),
        Minimum((-1.6071047529201974, -0.5686514548841313), 2.1042503103112598),
    ),
)


# ---------------------------------------------------------------------------------------------
# 12. Styblinski-Tang
# ---------------------------------------------------------------------------------------------

# Root of 4x³ - 32x + 5 = 0 near -2.9035 (Newton to machine precision).
_ST_X = -2.903534027771177
_ST_VALUE = -78.33233140754282


def _styblinski_tang_f(x, y):
    x2 = x * x
    y2 = y * y
    return 0.5 * ((x2 * x2 - 16.0 * x2 + 5.0 * x) + (y2 * y2 - 16.0 * y2 + 5.0 * y))


def _styblinski_tang_df(x, y):
    return 2.0 * x * x * x - 16.0 * x + 2.5, 2.0 * y * y * y - 16.0 * y + 2.5


STYBLINSKI_TANG = Objective(
    name="styblinski_tang",
    display_name="Styblinski–Tang",
    latex=r"f(x,y) = \tfrac12\sum_{i=1}^{2}\left(x_i^4 - 16x_i^2 + 5x_i\right)",
    box=(-5.0, 5.0, -5.0, 5.0),
    start=(4.0, 4.5),
    minima=(Minimum((_ST_X, _ST_X), _ST_VALUE),),
    convex=False,
    f=_styblinski_tang_f,
    df=_styblinski_tang_df,
    torch="0.5 * ((x ** 4 - 16.0 * x * x + 5.0 * x) + (y ** 4 - 16.0 * y * y + 5.0 * y))",
    description=(
        "Four basins of different depth; from the default start, plain gradient descent settles in the "
        "shallow corner basin while the global minimum lies in the opposite corner."
    ),
    log_scale=False,
)


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------

FUNCTIONS: dict[str, Objective] = {
    obj.name: obj
    for obj in (
        QUADRATIC,
        make_conditioned_quadratic(),
        ROSENBROCK,
        BEALE,
        HIMMELBLAU,
        BOOTH,
        RASTRIGIN,
        ACKLEY,
        SADDLE,
        GOLDSTEIN_PRICE,
        SIX_HUMP_CAMEL,
        STYBLINSKI_TANG,
    )
}


def display_name(f: Objective, translate: Callable[[str], str] = str) -> str:
    """``f``'s name in the language of ``translate`` (a parametrised landscape's template, filled with its values)."""
    if f.name_format:
        return translate(f.name_format).format(**{k: f"{v:g}" for k, v in f.settings})
    return translate(f.display_name)


def list_functions() -> list[str]:
    """Registry keys of all objectives, in catalogue order."""
    return list(FUNCTIONS)


def get_function(name: str, **params) -> Objective:
    """Look up an objective by registry key; a parametrised one (its ``params``) is built with ``params``
    (each missing one at its default)."""
    if name not in FUNCTIONS:
        raise CoreError(
            N_("unknown function {name}; valid names are: {names}"), name=repr(name), names=", ".join(FUNCTIONS)
        )
    base = FUNCTIONS[name]
    allowed = tuple(h.name for h in base.params)
    unknown = [key for key in params if key not in allowed]
    if unknown:
        raise CoreError(
            N_("unknown parameter(s) {unknown} for function {name}; valid parameters: {valid}"),
            unknown=", ".join(map(repr, unknown)),
            name=repr(name),
            valid=", ".join(allowed) if allowed else Message(N_("none")),
        )
    if params and base.build is not None:
        return base.build(**params)
    return base
