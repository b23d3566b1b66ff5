"""Batched ODE kernel -- solver TEMPLATE: Rodas5P (stiff) and DOP853 with automatic stiffness switching.

This file is not imported on its own: ``pnisim.engine._build.build_kernel`` appends it to generated model
source (which defines ``N_STATES``, ``rhs``, ``jac`` and ``dfdt``) and imports the combined file, so that
numba's on-disk cache (``cache=True``) works across processes.

Solver summary
--------------
* Methods (``method`` argument of solve_batch): 0 = Rodas5P throughout; 1 = "auto": DOP853 (explicit
  Runge-Kutta 8(5,3), Dormand & Prince / Hairer, Solving ODEs I §II.10; error norm |h|*e5/sqrt((e5 + 0.01*e3)*n);
  7th-order dense output with 3 extra stages; step factor 0.9*err^(-1/8) in [0.333, 6]; a PI controller with
  Hairer's beta = 0.04 halves the rejections on the whole model but takes more steps, net +3 % rhs at rtol 1e-6),
  switching an individual to Rodas5P only when that is cheaper:
  - Stability limit: every 50 explicit steps, at each segment start and after 15 consecutive steps whose
    |h*lambda| estimate (Hairer's dop853 test, from the last two stages at t + h) exceeds 6.1, a power-iteration
    estimate rho of the spectral radius of the exact Jacobian gives h_stab = 0.9*6.1/rho (DOP853's real
    stability interval is about [-6.4, 0]).  Explicit steps are capped at h_stab until the next check, so an
    explicit step never goes unstable in a near-zero component the error estimate cannot see, and a
    stability-limited problem is not thrown into step rejections every few steps.
  - Explicit -> stiff: at a check, when the step the error control wants exceeds kf * h_stab (kf = 4), or
    when at least 80 % of the window's steps (>= 10) were capped at or came within 70 % of h_stab: a trial of
    Rodas5P, since an explicit controller held at its stability limit cannot tell how long an accurate Rodas5P
    step would be.
  - Stiff -> explicit: 10 Rodas5P steps after the switch and then every 20, when the Rodas5P step is shorter than kb * h_stab, kb =
    _stiff_cost_ratio(n) (cost of a Rodas5P step in DOP853 steps: 2 for small systems, ~8 for 66 states).
  - Hysteresis: a stiff phase that ends at its first check did not pay; kf doubles and the next trial waits
    4x as many checks (1, 4, 16, ...) for that individual, so a problem on the border (stability-limited
    explicit steps about as long as accuracy-limited Rodas5P steps) settles in the explicit method instead of
    switching back and forth; a stiff phase that paid resets both.
  Non-stiff problems never pay for a Jacobian or an LU; stiff ones get an L-stable method.
* Method: Rodas5P (8 stages, L-stable, stiffly accurate Rosenbrock-Wanner), order 5; embedded order 4
  (error estimate = last stage k8); stiff-aware dense output of order 4:
  y(t+th*h) = (1-th)*y0 + th*(y1 + (1-th)*(D1 + th*(D2 + th*D3))), D_j = sum_i H_ji k_i.
  Coefficients: G. Steinebach, "Construction of Rosenbrock-Wanner method Rodas5P and numerical benchmarks
  within the Julia Differential Equations package", BIT Numer. Math. 63 (2023); (A, C, c, d, H) form as in
  OrdinaryDiffEq.jl's Rodas5PTableau.
* Stages, W = I/(h*gamma) - J(t, y):  W k_i = f(t + c_i h, y + sum_j a_ij k_j) + h d_i df/dt + sum_j (C_ij/h) k_j;
  y1 = y + sum_j a_8j k_j + k_8.  J and df/dt (generated, exact) are evaluated once per step.
* Error norm: err = sqrt(mean_i (k8_i / (atol_i + rtol*max(|y_old_i|, |y_new_i|)))^2); accept if err <= 1.
  Dense-output check (_ROS_DENSE_CHECK = True): if err <= 1, err = max(err, same norm of W^{-1} times the
  interpolant's defect u' - f(u) at the step midpoint) (+1 rhs, +1 solve per step); without it, slaved stiff
  components let steps grow far beyond the period of their forcing and interpolated outputs go wrong.
* Step control (Hairer): h_new = h * min(FACMAX, max(FACMIN, SAFETY * err^(-1/5))), SAFETY = 0.9,
  FACMIN = 0.2, FACMAX = 6; no growth right after a rejection; non-finite trial step: h *= 0.1; singular W:
  h *= 0.5.  Initial step: Hairer's hinit (order 5) unless h_init > 0; h_max <= 0: unbounded.  After an
  event the step proposal in force is kept (clipped to h_max and to the next event).
* Events stop the integration exactly at their time; equal-time events apply in order, then outputs at that
  time are written (post-event state).  Events at or before t0 apply at t0; events after t_out[-1] are
  ignored; outputs before t0 are NaN.  Malformed input raises ValueError before the batch starts.
* Status (never raised inside the batch; a failed individual's remaining outputs are NaN): 0 success,
  1 max_steps exceeded (accepted + rejected), 2 step size underflow (h <= 1e-14*|t| or t + h == t),
  3 non-finite values (state, f, J, df/dt, or 10 consecutive non-finite trials), 4 singular linear system
  (5 consecutive singular W).  stats[i] = [accepted, rejected, rhs evaluations, LU factorisations].
* Entry points: solve_batch (numba prange over individuals) and solve_range (individuals lo..hi-1, releases the
  GIL, so the caller can schedule chunks dynamically on its own threads: pnisim.engine.simulate does).
* Dense partial-pivoting LU (_lu_factor/_lu_solve) in place; work arrays allocated once per individual;
  fastmath=False, error_model="numpy" (float division by zero gives inf/NaN, never an exception).
"""

# NOTE: the global names ``N_STATES``, ``N_ALG``, ``N_DERIVED``, ``derive``, ``rhs``, ``jac``, ``dfdt`` and ``algebraic``
# (quasi-steady states written after the integrated ones in each output row) used below are NOT
# defined in this file:
# they come from the generated model prelude that _build.build_kernel places in front of this template.

import math

import numba
import numpy as np

KERNEL_TEMPLATE_VERSION = "1.2"

# ---------------------------------------------------------------------------------------------------------
# Rodas5P coefficients (Steinebach 2023, see module docstring).  Row i = stage i (0-based).
# ---------------------------------------------------------------------------------------------------------
_ROS_NSTAGES = 8
_ROS_GAMMA = 0.21193756319429014
_ROS_A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [2.849394379747939, 0.45842242204463923, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [-6.954028509809101, 2.489845061869568, -10.358996098473584, 0.0, 0.0, 0.0, 0.0, 0.0],
        [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641, 0.0, 0.0, 0.0, 0.0],
        [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
         0.030198172008377946, 0.0, 0.0, 0.0],
        [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
         0.030198172008377946, 1.0, 0.0, 0.0],
        [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
         0.030198172008377946, 1.0, 1.0, 0.0],
    ]
)
_ROS_C = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [-14.155112264123755, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [-17.97296035885952, -2.859693295451294, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [147.12150275711716, -1.41221402718213, 71.68940251302358, 0.0, 0.0, 0.0, 0.0, 0.0],
        [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306, 0.0, 0.0, 0.0, 0.0],
        [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471,
         0.0, 0.0, 0.0],
        [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
         -28.087943162872662, 0.0, 0.0],
        [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
         -54.66780262877968, -9.48861652309627, 0.0],
    ]
)
_ROS_CT = np.array([0.0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1.0, 1.0, 1.0])
_ROS_D = np.array([0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734,
                   2.325825639765069, 0.0, 0.0, 0.0])
_ROS_H = np.array(
    [
        [25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
         1.1241088310450404, 0.4272876194431874, -0.17202221070155493],
        [-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
         15.98066361424651, -6.789040303419874, -6.710236069923372],
        [11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
         -59.78993625266729, -0.15582684282751913, 4.883087185713722],
    ]
)
_ROS_ORDER = 5
_ROS_EMBEDDED_ORDER = 4
_ROS_DENSE_ORDER = 4

# Step-size control constants (Hairer & Wanner, RODAS defaults).
_ROS_SAFETY = 0.9
_ROS_FACMIN = 0.2
_ROS_FACMAX = 6.0
_ROS_EXPONENT = -1.0 / (_ROS_EMBEDDED_ORDER + 1)
_ROS_HMIN_REL = 1e-14
_ROS_MAX_SINGULAR = 5
_ROS_MAX_NONFINITE = 10
# Also reject steps whose dense output is inaccurate (midpoint defect check, 1 extra rhs per accepted step).
_ROS_DENSE_CHECK = True

STATUS_SUCCESS = 0
STATUS_MAX_STEPS = 1
STATUS_STEP_UNDERFLOW = 2
STATUS_NONFINITE = 3
STATUS_SINGULAR = 4


# DOP853 coefficients (Hairer, Norsett & Wanner, Solving ODEs I, 2nd ed. 1993, §II.10; Dormand & Prince 1980
# RK8(7)13M with Hairer's 5/3 error estimator and 7th-order dense output).  Published constants.
_DOP_C = np.array([0.0, 0.05260015195876773, 0.0789002279381516, 0.1183503419072274, 0.2816496580927726, 0.3333333333333333, 0.25, 0.3076923076923077, 0.6512820512820513, 0.6, 0.8571428571428571, 1.0, 1.0, 0.1, 0.2, 0.7777777777777778])
_DOP_A = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.05260015195876773, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0197250569845379, 0.0591751709536137, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.02958758547680685, 0.0, 0.08876275643042054, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.2413651341592667, 0.0, -0.8845494793282861, 0.924834003261792, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.037037037037037035, 0.0, 0.0, 0.17082860872947386, 0.12546768756682242, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.037109375, 0.0, 0.0, 0.17025221101954405, 0.06021653898045596, -0.017578125, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.03709200011850479, 0.0, 0.0, 0.17038392571223998, 0.10726203044637328, -0.015319437748624402, 0.008273789163814023, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.6241109587160757, 0.0, 0.0, -3.3608926294469414, -0.868219346841726, 27.59209969944671, 20.154067550477894, -43.48988418106996, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.47766253643826434, 0.0, 0.0, -2.4881146199716677, -0.590290826836843, 21.230051448181193, 15.279233632882423, -33.28821096898486, -0.020331201708508627, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [-0.9371424300859873, 0.0, 0.0, 5.186372428844064, 1.0914373489967295, -8.149787010746927, -18.52006565999696, 22.739487099350505, 2.4936055526796523, -3.0467644718982196, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [2.273310147516538, 0.0, 0.0, -10.53449546673725, -2.0008720582248625, -17.9589318631188, 27.94888452941996, -2.8589982771350235, -8.87285693353063, 12.360567175794303, 0.6433927460157636, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.054293734116568765, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003, -5.801203960010585, 0.3111643669578199, -0.1521609496625161, 0.20136540080403034, 0.04471061572777259, 0.0, 0.0, 0.0, 0.0],
    [0.056167502283047954, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25350021021662483, -0.2462390374708025, -0.12419142326381637, 0.15329179827876568, 0.00820105229563469, 0.007567897660545699, -0.008298, 0.0, 0.0, 0.0],
    [0.03183464816350214, 0.0, 0.0, 0.0, 0.0, 0.028300909672366776, 0.053541988307438566, -0.05492374857139099, 0.0, 0.0, -0.00010834732869724932, 0.0003825710908356584, -0.00034046500868740456, 0.1413124436746325, 0.0, 0.0],
    [-0.42889630158379194, 0.0, 0.0, 0.0, 0.0, -4.697621415361164, 7.683421196062599, 4.06898981839711, 0.3567271874552811, 0.0, 0.0, 0.0, -0.0013990241651590145, 2.9475147891527724, -9.15095847217987, 0.0]
])
_DOP_E3 = np.array([-0.18980075407240762, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003, -5.801203960010585, -0.4226823213237919, -0.1521609496625161, 0.20136540080403034, 0.02265179219836082, 0.0])
_DOP_E5 = np.array([0.01312004499419488, 0.0, 0.0, 0.0, 0.0, -1.2251564463762044, -0.4957589496572502, 1.6643771824549864, -0.35032884874997366, 0.3341791187130175, 0.08192320648511571, -0.022355307863886294, 0.0])
_DOP_D = np.array([
    [-8.428938276109013, 0.0, 0.0, 0.0, 0.0, 0.5667149535193777, -3.0689499459498917, 2.38466765651207, 2.117034582445028, -0.871391583777973, 2.2404374302607883, 0.6315787787694688, -0.08899033645133331, 18.148505520854727, -9.194632392478356, -4.436036387594894],
    [10.427508642579134, 0.0, 0.0, 0.0, 0.0, 242.28349177525817, 165.20045171727028, -374.5467547226902, -22.113666853125306, 7.733432668472264, -30.674084731089398, -9.332130526430229, 15.697238121770845, -31.139403219565178, -9.35292435884448, 35.81684148639408],
    [19.985053242002433, 0.0, 0.0, 0.0, 0.0, -387.0373087493518, -189.17813819516758, 527.8081592054236, -11.57390253995963, 6.8812326946963, -1.0006050966910838, 0.7777137798053443, -2.778205752353508, -60.19669523126412, 84.32040550667716, 11.99229113618279],
    [-25.69393346270375, 0.0, 0.0, 0.0, 0.0, -154.18974869023643, -231.5293791760455, 357.6391179106141, 93.40532418362432, -37.45832313645163, 104.0996495089623, 29.8402934266605, -43.53345659001114, 96.32455395918828, -39.17726167561544, -149.72683625798564]
])

# ---------------------------------------------------------------------------------------------------------
# Dense LU with partial pivoting (kept in two functions so a sparse generated version can replace them).
# ---------------------------------------------------------------------------------------------------------
@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lu_factor(A, piv):
    """In-place LU factorisation PA = LU (unit lower L below the diagonal). Returns False if singular."""
    n = A.shape[0]
    for k in range(n):
        p = k
        amax = abs(A[k, k])
        for i in range(k + 1, n):
            v = abs(A[i, k])
            if v > amax:
                amax = v
                p = i
        piv[k] = p
        if not (amax > 0.0):  # zero pivot or NaN
            return False
        if p != k:
            for j in range(n):
                tmp = A[k, j]
                A[k, j] = A[p, j]
                A[p, j] = tmp
        inv = 1.0 / A[k, k]
        for i in range(k + 1, n):
            lik = A[i, k] * inv
            A[i, k] = lik
            if lik != 0.0:
                for j in range(k + 1, n):
                    A[i, j] -= lik * A[k, j]
    return True


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lu_solve(A, piv, b):
    """Solve A x = b in place (b <- x) with the factors from _lu_factor."""
    n = A.shape[0]
    for k in range(n):
        p = piv[k]
        if p != k:
            tmp = b[k]
            b[k] = b[p]
            b[p] = tmp
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= A[i, j] * b[j]
        b[i] = s
    for i in range(n - 1, -1, -1):
        s = b[i]
        for j in range(i + 1, n):
            s -= A[i, j] * b[j]
        b[i] = s / A[i, i]


# ---------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------
@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _all_finite(x):
    for i in range(x.shape[0]):
        if not math.isfinite(x[i]):
            return False
    return True


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _all_finite_2d(x):
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            if not math.isfinite(x[i, j]):
                return False
    return True


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _err_norm(err, y_old, y_new, rtol, atol):
    n = err.shape[0]
    if n == 0:
        return 0.0
    acc = 0.0
    for i in range(n):
        sk = atol[i] + rtol * max(abs(y_old[i]), abs(y_new[i]))
        e = err[i] / sk
        acc += e * e
    return math.sqrt(acc / n)


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _dense_coeffs(K, D):
    """D[j] = sum_i H[j, i] K[i]  (j = 0..2): the continuous-extension vectors of the last step."""
    n = K.shape[1]
    for j in range(3):
        for i in range(n):
            acc = 0.0
            for s in range(_ROS_NSTAGES):
                acc += _ROS_H[j, s] * K[s, i]
            D[j, i] = acc


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _dense_eval(theta, y0, y1, D, out):
    """Continuous extension at t + theta*h (0 <= theta <= 1)."""
    th1 = 1.0 - theta
    for i in range(y0.shape[0]):
        out[i] = th1 * y0[i] + theta * (y1[i] + th1 * (D[0, i] + theta * (D[1, i] + theta * D[2, i])))


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _dense_defect(t, h, y, ynew, K, D, p, u, W, piv, ytmp, rtmp, rtol, atol):
    """Scaled error measure of the continuous extension at the step midpoint (fills D; 1 rhs evaluation).

    The defect r = u'(t + h/2) - f(t + h/2, u(t + h/2)) of the interpolant u is filtered with the factorised
    W = I/(h*gamma) - J:  e = W^{-1} r  ~  h*gamma*r for non-stiff components and ~ the interpolation error
    itself for stiff ones.  Returns the RMS norm of e with the step's error weights (inf if non-finite).
    """
    n = y.shape[0]
    _dense_coeffs(K, D)
    inv_h = 1.0 / h
    for i in range(n):
        ytmp[i] = 0.5 * (y[i] + ynew[i]) + 0.25 * (D[0, i] + 0.5 * D[1, i] + 0.25 * D[2, i])
    rhs(t + 0.5 * h, ytmp, p, u, rtmp)
    for i in range(n):
        rtmp[i] = (ynew[i] - y[i] + 0.25 * (D[1, i] + D[2, i])) * inv_h - rtmp[i]
    _lu_solve(W, piv, rtmp)
    e = _err_norm(rtmp, y, ynew, rtol, atol)
    return e if math.isfinite(e) else np.inf


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _rodas_step(t, h, y, p, u, f0, fT, J, W, piv, K, ytmp, rtmp, ynew):
    """One Rodas5P step of size h from (t, y), given f0 = f(t, y), fT = df/dt(t, y), J = df/dy(t, y).

    Fills K[0..7] (stages; K[7] is the error estimate) and ynew.  Returns False if W is singular.
    Makes 7 rhs evaluations and one LU factorisation.
    """
    n = y.shape[0]
    inv_hg = 1.0 / (h * _ROS_GAMMA)
    for i in range(n):
        for j in range(n):
            W[i, j] = -J[i, j]
        W[i, i] += inv_hg
    if not _lu_factor(W, piv):
        return False
    inv_h = 1.0 / h
    hd = h * _ROS_D[0]
    for i in range(n):
        K[0, i] = f0[i] + hd * fT[i]
    _lu_solve(W, piv, K[0])
    for s in range(1, _ROS_NSTAGES):
        for i in range(n):
            acc = y[i]
            for j in range(s):
                acc += _ROS_A[s, j] * K[j, i]
            ytmp[i] = acc
        rhs(t + _ROS_CT[s] * h, ytmp, p, u, rtmp)
        hd = h * _ROS_D[s]
        for i in range(n):
            acc = rtmp[i] + hd * fT[i]
            for j in range(s):
                acc += (_ROS_C[s, j] * inv_h) * K[j, i]
            K[s, i] = acc
        _lu_solve(W, piv, K[s])
    last = _ROS_NSTAGES - 1
    for i in range(n):
        ynew[i] = ytmp[i] + K[last, i]
    return True


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _hinit(t, y, p, u, f0, rtol, atol, hmax, span, ytmp, rtmp):
    """Hairer's starting step heuristic (f0 = f(t, y) given). Makes one rhs evaluation."""
    n = y.shape[0]
    dnf = 0.0
    dny = 0.0
    for i in range(n):
        sk = atol[i] + rtol * abs(y[i])
        dnf += (f0[i] / sk) ** 2
        dny += (y[i] / sk) ** 2
    if n > 0:
        dnf /= n
        dny /= n
    if dnf <= 1e-10 or dny <= 1e-10:
        h = 1e-6
    else:
        h = 0.01 * math.sqrt(dny / dnf)
    h = min(h, hmax, span)
    for i in range(n):
        ytmp[i] = y[i] + h * f0[i]
    rhs(t + h, ytmp, p, u, rtmp)
    der2 = 0.0
    for i in range(n):
        sk = atol[i] + rtol * abs(y[i])
        der2 += ((rtmp[i] - f0[i]) / sk) ** 2
    if n > 0:
        der2 /= n
    der2 = math.sqrt(der2) / h
    der12 = max(abs(der2), math.sqrt(dnf))
    if not math.isfinite(der12):
        h1 = h * 1e-3
    elif der12 <= 1e-15:
        h1 = max(1e-6, h * 1e-3)
    else:
        h1 = (0.01 / der12) ** (1.0 / _ROS_ORDER)
    return min(100.0 * h, h1, hmax, span)


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _apply_events(t, e, y, u, ev_t, ev_kind, ev_idx, ev_val, n_ev):
    """Apply, in order, every pending event with time <= t. Returns the index of the next pending event."""
    while e < n_ev and ev_t[e] <= t:
        k = ev_kind[e]
        idx = ev_idx[e]
        if k == 0:
            u[idx] = ev_val[e]
        elif k == 1:
            y[idx] += ev_val[e]
        elif k == 2:
            y[idx] = ev_val[e]
        e += 1
    return e


# ---------------------------------------------------------------------------------------------------------
# DOP853 (explicit, order 8) and the stiffness switch
# ---------------------------------------------------------------------------------------------------------

# FMA contraction and reassociation, but no 'nnan'/'ninf': NaN/inf still reach the finiteness checks
_DOP_FASTMATH = {"nsz", "arcp", "contract", "reassoc"}
_DOP_NSTAGES = 12  # stages of the step; stage 13 (index 12) is f(t + h, y_new) (first-same-as-last)
_DOP_SAFETY = 0.9
_DOP_FACMIN = 0.333
_DOP_FACMAX = 6.0
_DOP_EXPONENT = -1.0 / 8.0
_STIFF_HLAMB = 6.1  # |h*lambda| beyond DOP853's real stability boundary
_STIFF_COUNT = 15  # consecutive stiff signals (Hairer's dop853: 15) before an early stability check
_STAB_CHECK = 50  # explicit steps between spectral-radius checks of the exact Jacobian
_STAB_SAFETY = 0.9
_STAB_SWITCH = 4.0  # switch to Rodas5P when the accuracy step is > 4x the explicit stability limit
_NONSTIFF_CHECK = 20  # Rodas5P steps between checks whether the explicit method would be cheaper again
_FIRST_NONSTIFF_CHECK = 10  # ... the first one after a switch (Rodas5P's step has grown to its length by then)
_STAB_NEAR = 0.7  # an explicit step of at least this fraction of h_stab is held back by stability
_STAB_LIMITED = 0.8  # a check window is stability-limited when this fraction of its steps was so held ...
_STAB_MIN_WINDOW = 10  # ... and it has at least this many steps
_PROBE_BACKOFF = 4  # after a switch to Rodas5P that did not pay, wait 1, 4, 16, ... checks before the next trial

METHOD_RODAS5P = 0
METHOD_AUTO = 1


@numba.njit(cache=True)
def _stiff_cost_ratio(n):
    """Rough cost of a Rodas5P step over a DOP853 step for n states (>= 2): the way back to explicit.

    Rodas5P: 8 rhs + Jacobian + an n x n LU (2n^3/3 flops) + 9 solves (2n^2 each); DOP853: 12 rhs + ~80 vector
    updates; a generated rhs costs ~30 flop-equivalents per state.  Measured on the 66-state whole model:
    ~6 (Rodas5P 62 us vs DOP853 10 us per step); the formula gives 8.6 there, 2 for n <= 20.
    """
    return max(2.0, (0.667 * n * n + 18.0 * n + 330.0) / 516.0)


MODE_EXPLICIT = 0
MODE_STIFF = 1


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_combine(h, y, KD, s, out):
    """out = y + h * sum_j A[s, j] KD[j]: one stage input, row by row (contiguous, vectorised; zeros skipped)."""
    n = y.shape[0]
    for i in range(n):
        out[i] = y[i]
    for j in range(s):
        c = h * _DOP_A[s, j]
        if c != 0.0:
            row = KD[j]
            for i in range(n):
                out[i] += c * row[i]


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_error_sums(KD, S5, S3):
    """S5, S3 = the embedded 5th- and 3rd-order error estimates sum_r E[r] KD[r] (rows of KD, any row length)."""
    m = S5.shape[0]
    for i in range(m):
        S5[i] = 0.0
        S3[i] = 0.0
    for j in range(_DOP_NSTAGES + 1):
        c5 = _DOP_E5[j]
        c3 = _DOP_E3[j]
        if c5 != 0.0 or c3 != 0.0:
            row = KD[j]
            for i in range(m):
                S5[i] += c5 * row[i]
                S3[i] += c3 * row[i]


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_step(t, h, y, p, u, KD, ynew, ytmp, ys11, rtol, atol):
    """One DOP853 step from (t, y) with KD[0] = f(t, y). Fills KD[1..12] (KD[12] = f(t+h, ynew)) and ynew.

    Returns (error norm, |h*lambda| estimate).  12 rhs evaluations; ytmp and ys11 are work arrays.
    """
    n = y.shape[0]
    for s in range(1, _DOP_NSTAGES):
        _dop_combine(h, y, KD, s, ytmp)
        rhs(t + _DOP_C[s] * h, ytmp, p, u, KD[s])
    _dop_combine(h, y, KD, _DOP_NSTAGES, ynew)
    rhs(t + h, ynew, p, u, KD[_DOP_NSTAGES])
    # stiffness test (Hairer's dop853): ytmp still holds the last stage's input, also at t + h
    num = 0.0
    den = 0.0
    last = KD[_DOP_NSTAGES]
    prev = KD[_DOP_NSTAGES - 1]
    for i in range(n):
        num += (last[i] - prev[i]) ** 2
        den += (ynew[i] - ytmp[i]) ** 2
    hlamb = abs(h) * math.sqrt(num / den) if den > 0.0 else 0.0
    _dop_error_sums(KD, ytmp, ys11)
    e5 = 0.0
    e3 = 0.0
    for i in range(n):
        sk = atol[i] + rtol * max(abs(y[i]), abs(ynew[i]))
        e5 += (ytmp[i] / sk) ** 2
        e3 += (ys11[i] / sk) ** 2
    if e5 == 0.0 and e3 == 0.0:
        err = 0.0
    else:
        err = abs(h) * e5 / math.sqrt((e5 + 0.01 * e3) * n)
    return err, hlamb


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_dense(t, h, y, ynew, p, u, KD, F, ytmp):
    """The 7th-order continuous extension of the last DOP853 step (3 extra rhs evaluations)."""
    n = y.shape[0]
    for s in range(_DOP_NSTAGES + 1, 16):
        _dop_combine(h, y, KD, s, ytmp)
        rhs(t + _DOP_C[s] * h, ytmp, p, u, KD[s])
    _dop_dense_coeffs(h, y, ynew, KD, F)


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_dense_coeffs(h, y, ynew, KD, F):
    """F = the coefficients of the continuous extension from a step's 16 stage derivatives KD."""
    n = y.shape[0]
    for i in range(n):
        dy = ynew[i] - y[i]
        F[0, i] = dy
        F[1, i] = h * KD[0, i] - dy
        F[2, i] = 2.0 * dy - h * (KD[_DOP_NSTAGES, i] + KD[0, i])
    for k in range(4):
        for i in range(n):
            F[3 + k, i] = 0.0
        for j in range(16):
            c = h * _DOP_D[k, j]
            if c != 0.0:
                row = KD[j]
                for i in range(n):
                    F[3 + k, i] += c * row[i]


@numba.njit(cache=True, fastmath=_DOP_FASTMATH, error_model="numpy")
def _dop_eval(x, y0, F, out):
    """Evaluate the DOP853 continuous extension at theta = x."""
    for i in range(y0.shape[0]):
        acc = F[6, i] * x
        acc = (acc + F[5, i]) * (1.0 - x)
        acc = (acc + F[4, i]) * x
        acc = (acc + F[3, i]) * (1.0 - x)
        acc = (acc + F[2, i]) * x
        acc = (acc + F[1, i]) * (1.0 - x)
        acc = (acc + F[0, i]) * x
        out[i] = y0[i] + acc


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _spectral_radius(J, v, w):
    """Power-iteration estimate of the largest |eigenvalue| of J (8 iterations; heuristic for switching)."""
    n = J.shape[0]
    for i in range(n):
        v[i] = 1.0 + 0.1 * i / max(n, 1)
    rho = 0.0
    for _ in range(8):
        nv = 0.0
        for i in range(n):
            nv += v[i] * v[i]
        nv = math.sqrt(nv)
        if not (nv > 0.0):
            return 0.0
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += J[i, j] * v[j]
            w[i] = acc
        nw = 0.0
        for i in range(n):
            nw += w[i] * w[i]
        nw = math.sqrt(nw)
        rho = nw / nv
        if not (nw > 0.0) or not math.isfinite(nw):
            return rho if math.isfinite(rho) else np.inf
        for i in range(n):
            v[i] = w[i] / nw
    return rho


# ---------------------------------------------------------------------------------------------------------
# One individual
# ---------------------------------------------------------------------------------------------------------
@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _write_outputs_in_step(m, M, t_out, t, hs, t_new, last, y, ynew, out, dense_kind, K, D, KD, F, p, u, ytmp,
                           have_d):
    """Outputs inside (t, t_new] of an accepted step (t_new itself only when the step is not the segment end).

    dense_kind 0: Rodas5P extension (D from K); 1: DOP853 extension (F from KD, 3 extra rhs). Returns
    (next output index, have_d, extra rhs evaluations).
    """
    extra = 0
    n = y.shape[0]
    while m < M and (t_out[m] < t_new or (not last and t_out[m] <= t_new)):
        if t_out[m] >= t_new:
            for i in range(n):
                out[m, i] = ynew[i]
        else:
            if not have_d:
                if dense_kind == 0:
                    _dense_coeffs(K, D)
                else:
                    _dop_dense(t, hs, y, ynew, p, u, KD, F, ytmp)
                    extra += 3
                have_d = True
            if dense_kind == 0:
                _dense_eval((t_out[m] - t) / hs, y, ynew, D, out[m])
            else:
                _dop_eval((t_out[m] - t) / hs, y, F, out[m])
        if N_ALG > 0:
            algebraic(t_out[m], out[m], p, u)
        m += 1
    return m, have_d, extra


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _solve_one(t0, y0, p_in, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max,
               max_steps, method, out, stats):
    n = y0.shape[0]
    M = t_out.shape[0]
    # parameters + derived parameter-only subexpressions (generated ``derive``), once per individual
    p = np.empty(p_in.shape[0] + N_DERIVED)
    for k in range(p_in.shape[0]):
        p[k] = p_in[k]
    derive(p)
    # per-individual work arrays (allocated once; nothing is allocated in the step loop)
    y = y0.copy()
    ynew = np.empty(n)
    u = u0.copy()
    f0 = np.empty(n)
    fT = np.empty(n)
    J = np.empty((n, n))
    W = np.empty((n, n))
    piv = np.empty(n, dtype=np.int64)
    K = np.empty((_ROS_NSTAGES, n))
    ytmp = np.empty(n)
    rtmp = np.empty(n)
    D = np.empty((3, n))
    KD = np.empty((16, n))
    F = np.empty((7, n))
    ys11 = np.empty(n)

    n_accept = 0
    n_reject = 0
    n_rhs = 0
    n_lu = 0
    status = STATUS_SUCCESS
    m = 0
    mode = MODE_EXPLICIT if method == METHOD_AUTO else MODE_STIFF
    iasti = 0  # consecutive stiffness signals (explicit mode)
    nonsti = 0
    since_check = 0  # Rodas5P steps since the last non-stiffness check
    stiff_windows = 0  # non-stiffness checks passed in the current Rodas5P phase
    since_stab = 0  # explicit steps since the last stability check
    h_stab = np.inf  # explicit stability limit from the last spectral-radius estimate
    n_window = 0  # accepted explicit steps since the last stability check ...
    n_capped = 0  # ... and how many of them were capped at, or came within 70 % of, the stability limit
    capped = False
    since_probe = 0  # stability checks since the last switch to Rodas5P
    probe_wait = 0  # checks to wait before the next trial of Rodas5P on a stability-limited stretch (backs off)
    # stiff -> explicit when a Rodas5P step is shorter than kb explicit stability-limited steps (cost ratio)
    kb = _stiff_cost_ratio(n)
    kf = _STAB_SWITCH  # explicit -> stiff when the accuracy step exceeds kf x the stability limit (backs off)

    if M > 0:
        t_final = t_out[M - 1]
        t = t0
        while m < M and t_out[m] < t0:
            for i in range(out.shape[1]):
                out[m, i] = np.nan
            m += 1
        e = _apply_events(t, 0, y, u, ev_t, ev_kind, ev_idx, ev_val, n_ev)
        if not _all_finite(y):
            status = STATUS_NONFINITE
        else:
            while m < M and t_out[m] <= t:
                for i in range(n):
                    out[m, i] = y[i]
                if N_ALG > 0:
                    algebraic(t_out[m], out[m], p, u)
                m += 1
        hmax = h_max if h_max > 0.0 else np.inf
        h = 0.0  # step proposal; 0 = not yet chosen

        while status == STATUS_SUCCESS and t < t_final:
            t_end = t_final
            if e < n_ev and ev_t[e] < t_end:
                t_end = ev_t[e]
            need_f = True
            need_j = True
            last_rejected = False
            n_sing = 0
            since_stab = _STAB_CHECK  # check stability at the start of every segment
            n_nonfinite = 0
            while t < t_end:
                if need_f:
                    rhs(t, y, p, u, f0)
                    n_rhs += 1
                    need_f = False
                    if not _all_finite(f0):
                        status = STATUS_NONFINITE
                        break
                if mode == MODE_STIFF and need_j:
                    jac(t, y, p, u, J)
                    dfdt(t, y, p, u, fT)
                    need_j = False
                    if not (_all_finite(fT) and _all_finite_2d(J)):
                        status = STATUS_NONFINITE
                        break
                if h <= 0.0:
                    if h_init > 0.0:
                        h = h_init
                    else:
                        h = _hinit(t, y, p, u, f0, rtol, atol, hmax, t_end - t, ytmp, rtmp)
                        n_rhs += 1
                if n_accept + n_reject >= max_steps:
                    status = STATUS_MAX_STEPS
                    break
                h = min(h, hmax)
                capped = False
                if mode == MODE_EXPLICIT and method == METHOD_AUTO and since_stab >= _STAB_CHECK:
                    # stability guard: the embedded error estimate does not see an explicit step go unstable
                    # in a component that is near zero, so cap h by the spectral radius of the exact Jacobian
                    limited = n_window >= _STAB_MIN_WINDOW and n_capped >= _STAB_LIMITED * n_window
                    since_stab = 0
                    n_window = 0
                    n_capped = 0
                    since_probe += 1
                    jac(t, y, p, u, J)
                    rho = _spectral_radius(J, ytmp, rtmp)
                    h_stab = np.inf
                    if rho > 0.0 and math.isfinite(rho):
                        h_stab = _STAB_SAFETY * _STIFF_HLAMB / rho
                        # go stiff when explicit steps are far too short for the accuracy asked, or (on trial,
                        # backing off) when they have been held at the stability limit for the whole window
                        if h > kf * h_stab or (limited and since_probe > probe_wait):
                            mode = MODE_STIFF
                            dfdt(t, y, p, u, fT)
                            need_j = False
                            since_check = 0
                            stiff_windows = 0
                            since_probe = 0
                            if not (_all_finite(fT) and _all_finite_2d(J)):
                                status = STATUS_NONFINITE
                                break
                        elif h > h_stab:
                            h = h_stab
                            capped = True
                elif mode == MODE_EXPLICIT and h > h_stab:
                    h = h_stab  # keep the cap between checks: steps beyond it go unstable and are rejected
                    capped = True
                if not (h > _ROS_HMIN_REL * abs(t)) or t + h == t:
                    status = STATUS_STEP_UNDERFLOW
                    break
                rem = t_end - t
                last = h * 1.0001 >= rem
                hs = rem if last else h
                t_new = t_end if last else t + hs

                if mode == MODE_EXPLICIT:
                    for i in range(n):
                        KD[0, i] = f0[i]
                    err, hlamb = _dop_step(t, hs, y, p, u, KD, ynew, ytmp, ys11, rtol, atol)
                    n_rhs += _DOP_NSTAGES
                    if not (math.isfinite(err) and _all_finite(ynew)):
                        n_reject += 1
                        n_nonfinite += 1
                        if n_nonfinite >= _ROS_MAX_NONFINITE:
                            status = STATUS_NONFINITE
                            break
                        h = 0.1 * hs
                        last_rejected = True
                        continue
                    n_nonfinite = 0
                    if err <= 1.0:
                        fac = _DOP_FACMAX if err < 1e-30 else min(
                            _DOP_FACMAX, max(_DOP_FACMIN, _DOP_SAFETY * err ** _DOP_EXPONENT))
                        hnew = hs * fac
                        if last_rejected:
                            hnew = min(hnew, hs)
                        m, have_d, extra = _write_outputs_in_step(m, M, t_out, t, hs, t_new, last, y, ynew, out, 1,
                                                                  K, D, KD, F, p, u, ytmp, False)
                        n_rhs += extra
                        y, ynew = ynew, y
                        for i in range(n):  # first same as last: f(t_new, y_new) is the next step's f0
                            f0[i] = KD[_DOP_NSTAGES, i]
                        t = t_new
                        n_accept += 1
                        last_rejected = False
                        h = max(hnew, h) if last else hnew
                        since_stab += 1
                        n_window += 1
                        if capped or hs >= _STAB_NEAR * h_stab:
                            n_capped += 1
                        # Hairer's dop853 stiffness test: |h*lambda| beyond the stability boundary for _STIFF_COUNT
                        # steps brings the next stability check forward (it caps h or switches to Rodas5P)
                        if method == METHOD_AUTO:
                            if hlamb > _STIFF_HLAMB:
                                nonsti = 0
                                iasti += 1
                                if iasti >= _STIFF_COUNT:
                                    since_stab = _STAB_CHECK
                                    iasti = 0
                            else:
                                nonsti += 1
                                if nonsti >= 6:
                                    iasti = 0
                    else:
                        n_reject += 1
                        h = hs * max(_DOP_FACMIN, _DOP_SAFETY * err ** _DOP_EXPONENT)
                        last_rejected = True
                    continue

                # ---- Rodas5P (stiff mode) ----
                ok = _rodas_step(t, hs, y, p, u, f0, fT, J, W, piv, K, ytmp, rtmp, ynew)
                n_lu += 1
                if not ok:
                    n_reject += 1
                    n_sing += 1
                    if n_sing >= _ROS_MAX_SINGULAR:
                        status = STATUS_SINGULAR
                        break
                    h = 0.5 * hs
                    last_rejected = True
                    continue
                n_sing = 0
                n_rhs += _ROS_NSTAGES - 1
                err = _err_norm(K[_ROS_NSTAGES - 1], y, ynew, rtol, atol)
                if not (math.isfinite(err) and _all_finite(ynew)):
                    n_reject += 1
                    n_nonfinite += 1
                    if n_nonfinite >= _ROS_MAX_NONFINITE:
                        status = STATUS_NONFINITE
                        break
                    h = 0.1 * hs
                    last_rejected = True
                    continue
                n_nonfinite = 0
                have_d = False
                if _ROS_DENSE_CHECK and err <= 1.0:
                    err = max(err, _dense_defect(t, hs, y, ynew, K, D, p, u, W, piv, ytmp, rtmp, rtol, atol))
                    have_d = True
                    n_rhs += 1
                if err <= 1.0:
                    if err < 1e-30:
                        fac = _ROS_FACMAX
                    else:
                        fac = min(_ROS_FACMAX, max(_ROS_FACMIN, _ROS_SAFETY * err ** _ROS_EXPONENT))
                    hnew = hs * fac
                    if last_rejected:
                        hnew = min(hnew, hs)
                    # dense output strictly inside the step; outputs at t_end are written after its events
                    m, have_d, extra = _write_outputs_in_step(m, M, t_out, t, hs, t_new, last, y, ynew, out, 0,
                                                              K, D, KD, F, p, u, ytmp, have_d)
                    y, ynew = ynew, y
                    t = t_new
                    n_accept += 1
                    need_f = True
                    need_j = True
                    last_rejected = False
                    if last:
                        h = max(hnew, h)  # keep the pre-clipping proposal across the segment boundary
                    else:
                        h = hnew
                    if method == METHOD_AUTO:
                        since_check += 1
                        if since_check >= (_NONSTIFF_CHECK if stiff_windows > 0 else _FIRST_NONSTIFF_CHECK):
                            since_check = 0
                            # J is from the start of the step just taken; the explicit method is cheaper when
                            # its stability limit allows at least half the current Rosenbrock step
                            rho = _spectral_radius(J, ytmp, rtmp)
                            stiff_windows += 1
                            if rho * h < kb * _STAB_SAFETY * _STIFF_HLAMB:
                                if stiff_windows <= 1:  # the switch did not pay: ask for more before the next
                                    kf *= 2.0
                                    probe_wait = max(1, _PROBE_BACKOFF * probe_wait)
                                else:  # it paid for a while: the problem changed, start afresh
                                    kf = _STAB_SWITCH
                                    probe_wait = 0
                                stiff_windows = 0
                                n_window = 0
                                n_capped = 0
                                mode = MODE_EXPLICIT
                                nonsti = 0
                                iasti = 0
                                since_stab = _STAB_CHECK
                else:
                    n_reject += 1
                    h = hs * max(_ROS_FACMIN, _ROS_SAFETY * err ** _ROS_EXPONENT)
                    last_rejected = True

            if status != STATUS_SUCCESS:
                break
            # t == t_end: apply the events at this time, then write outputs at this time (post-event state)
            e = _apply_events(t, e, y, u, ev_t, ev_kind, ev_idx, ev_val, n_ev)
            if not _all_finite(y):
                status = STATUS_NONFINITE
                break
            while m < M and t_out[m] <= t:
                for i in range(n):
                    out[m, i] = y[i]
                if N_ALG > 0:
                    algebraic(t_out[m], out[m], p, u)
                m += 1

    if status != STATUS_SUCCESS:
        while m < M:
            for i in range(out.shape[1]):
                out[m, i] = np.nan
            m += 1
    stats[0] = n_accept
    stats[1] = n_reject
    stats[2] = n_rhs
    stats[3] = n_lu
    return status


# ---------------------------------------------------------------------------------------------------------
# DOP853 on 4 vector lanes (generated ``rhs4``, pnisim.engine.vector): 4 individuals stepped side by side
# ---------------------------------------------------------------------------------------------------------
_LANES = 4
_PHASE_IDLE = 0
_PHASE_SEGMENT = 1  # at a segment start: events applied, f0 and the step proposal to be (re)computed
_PHASE_STEP = 2


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lane_finish(l, i, code, m_l, out, status, stats, acc, rej, nrhs):
    """Write an individual's status and counters; outputs not reached are NaN (failures only)."""
    if code != STATUS_SUCCESS:
        for k in range(m_l, out.shape[1]):
            for j in range(out.shape[2]):
                out[i, k, j] = np.nan
    status[i] = code
    stats[i, 0] = acc
    stats[i, 1] = rej
    stats[i, 2] = nrhs
    stats[i, 3] = 0


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lane_gather(l, Y, P, U, y, p, u):
    """Copy lane ``l``'s state, parameters and inputs out of the (row, lane) arrays into scalar vectors."""
    for j in range(y.shape[0]):
        y[j] = Y[j, l]
    for k in range(p.shape[0]):
        p[k] = P[k, l]
    for j in range(u.shape[0]):
        u[j] = U[j, l]


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lane_write(i, m, t_out, y, p, u, out):
    for j in range(y.shape[0]):
        out[i, m, j] = y[j]
    if N_ALG > 0:
        algebraic(t_out[m], out[i, m], p, u)


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def rhs_lanes(t, y, p, u, dy):
    """dy[:, l] = f(t[l], y[:, l]; p[:, l], u[:, l]) for the 4 lanes: the generated ``rhs4``, callable from Python."""
    rhs4(t, y, p, u, dy)


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _lanes_stage_input(s, hs, Yf, KDf, SUM, out):
    """out = Y + hs[lane] * sum_r A[s, r] KD[r] over the flat (state, lane) index (lane = index % 4)."""
    nl = Yf.shape[0]
    for k in range(nl):
        SUM[k] = 0.0
    for r in range(s):
        c = _DOP_A[s, r]
        if c != 0.0:
            row = KDf[r]
            for k in range(nl):
                SUM[k] += c * row[k]
    h0 = hs[0]
    h1 = hs[1]
    h2 = hs[2]
    h3 = hs[3]
    for k in range(0, nl, _LANES):
        out[k] = Yf[k] + h0 * SUM[k]
        out[k + 1] = Yf[k + 1] + h1 * SUM[k + 1]
        out[k + 2] = Yf[k + 2] + h2 * SUM[k + 2]
        out[k + 3] = Yf[k + 3] + h3 * SUM[k + 3]


@numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
def solve_lanes(lo, hi, t0, y0, p_in, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max,
                max_steps, out_y, status, stats, fallback):
    """DOP853 ("auto"'s explicit method) for individuals lo..hi-1, four at a time: each vector lane of the
    generated ``rhs4`` carries one individual with its own time, step size, step control, events and outputs,
    and a lane that finishes takes the next individual. The step logic is _solve_one's explicit branch (error
    norm, step factors, stability cap from the exact Jacobian's spectral radius every 50 steps and at each
    segment start, Hairer's stiffness signal); where _solve_one would try Rodas5P, the individual is left to the
    caller instead: fallback[i] = 1, nothing written (the caller solves it with solve_range). Lanes never mix,
    so an individual's numbers do not depend on its lane or on the other individuals.
    """
    L = _LANES
    n = y0.shape[1]
    M = t_out.shape[0]
    n_p = p_in.shape[1]
    n_u = u0.shape[1]
    Y = np.zeros((n, L))
    YN = np.zeros((n, L))
    YT = np.zeros((n, L))
    F0 = np.zeros((n, L))
    KD = np.zeros((16, n, L))
    P = np.zeros((n_p + N_DERIVED, L))
    U = np.zeros((n_u, L))
    T = np.zeros(L)
    nl = n * L
    KDf = KD.reshape((16, nl))  # flat views: stage sums run over all states and lanes in one contiguous loop
    Yf = Y.reshape(nl)
    YNf = YN.reshape(nl)
    YTf = YT.reshape(nl)
    SUM = np.zeros(nl)
    S5 = np.zeros(nl)
    S3 = np.zeros(nl)
    e5 = np.zeros(L)
    e3 = np.zeros(L)
    num = np.zeros(L)
    den = np.zeros(L)
    # per-lane scalars
    who = np.full(L, -1, dtype=np.int64)
    phase = np.zeros(L, dtype=np.int64)
    t = np.zeros(L)
    h = np.zeros(L)
    hs = np.zeros(L)
    t_end = np.zeros(L)
    t_new = np.zeros(L)
    last = np.zeros(L, dtype=np.bool_)
    stepping = np.zeros(L, dtype=np.bool_)
    capped = np.zeros(L, dtype=np.bool_)
    e = np.zeros(L, dtype=np.int64)
    m = np.zeros(L, dtype=np.int64)
    acc = np.zeros(L, dtype=np.int64)
    rej = np.zeros(L, dtype=np.int64)
    nrhs = np.zeros(L, dtype=np.int64)
    last_rej = np.zeros(L, dtype=np.bool_)
    nonfin = np.zeros(L, dtype=np.int64)
    since_stab = np.zeros(L, dtype=np.int64)
    h_stab = np.full(L, np.inf)
    n_window = np.zeros(L, dtype=np.int64)
    n_capped = np.zeros(L, dtype=np.int64)
    since_probe = np.zeros(L, dtype=np.int64)
    iasti = np.zeros(L, dtype=np.int64)
    nonsti = np.zeros(L, dtype=np.int64)
    err = np.zeros(L)
    hlamb = np.zeros(L)
    # scalar work arrays (one lane at a time)
    yc = np.empty(n)
    yc2 = np.empty(n)
    fc = np.empty(n)
    ync = np.empty(n)
    pc = np.empty(n_p + N_DERIVED)
    uc = np.empty(n_u)
    J = np.empty((n, n))
    v1 = np.empty(n)
    v2 = np.empty(n)
    F = np.empty((7, n))
    KDl = np.empty((16, n))
    hmax = h_max if h_max > 0.0 else np.inf
    t_final = t_out[M - 1] if M > 0 else t0
    nxt = lo

    while True:
        # ---- bring every lane to a step (start individuals, open segments, finish them)
        for l in range(L):
            stepping[l] = False
            while phase[l] != _PHASE_STEP:
                if phase[l] == _PHASE_IDLE:
                    if nxt >= hi:
                        break
                    i = nxt
                    nxt += 1
                    who[l] = i
                    for k in range(n_p):
                        pc[k] = p_in[i, k]
                    derive(pc)
                    for k in range(n_p + N_DERIVED):
                        P[k, l] = pc[k]
                    for j in range(n):
                        yc[j] = y0[i, j]
                    for j in range(n_u):
                        uc[j] = u0[i, j]
                    acc[l] = 0
                    rej[l] = 0
                    nrhs[l] = 0
                    h[l] = 0.0
                    h_stab[l] = np.inf
                    n_window[l] = 0
                    n_capped[l] = 0
                    since_probe[l] = 0
                    iasti[l] = 0
                    nonsti[l] = 0
                    t[l] = t0
                    mm = 0
                    while mm < M and t_out[mm] < t0:
                        for j in range(out_y.shape[2]):
                            out_y[i, mm, j] = np.nan
                        mm += 1
                    e[l] = _apply_events(t0, 0, yc, uc, ev_t[i], ev_kind[i], ev_idx[i], ev_val[i], n_ev[i])
                    if not _all_finite(yc):
                        _lane_finish(l, i, STATUS_NONFINITE, mm, out_y, status, stats, 0, 0, 0)
                        who[l] = -1
                        continue
                    while mm < M and t_out[mm] <= t0:
                        _lane_write(i, mm, t_out, yc, pc, uc, out_y)
                        mm += 1
                    m[l] = mm
                    for j in range(n):
                        Y[j, l] = yc[j]
                    for j in range(n_u):
                        U[j, l] = uc[j]
                    phase[l] = _PHASE_SEGMENT
                    continue
                # _PHASE_SEGMENT
                i = who[l]
                if t[l] >= t_final or M == 0:
                    _lane_finish(l, i, STATUS_SUCCESS, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                    who[l] = -1
                    phase[l] = _PHASE_IDLE
                    continue
                te = t_final
                if e[l] < n_ev[i] and ev_t[i, e[l]] < te:
                    te = ev_t[i, e[l]]
                t_end[l] = te
                _lane_gather(l, Y, P, U, yc, pc, uc)
                rhs(t[l], yc, pc, uc, fc)
                nrhs[l] += 1
                if not _all_finite(fc):
                    _lane_finish(l, i, STATUS_NONFINITE, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                    who[l] = -1
                    phase[l] = _PHASE_IDLE
                    continue
                for j in range(n):
                    F0[j, l] = fc[j]
                if h[l] <= 0.0:
                    if h_init > 0.0:
                        h[l] = h_init
                    else:
                        h[l] = _hinit(t[l], yc, pc, uc, fc, rtol, atol, hmax, te - t[l], yc2, v1)
                        nrhs[l] += 1
                last_rej[l] = False
                nonfin[l] = 0
                since_stab[l] = _STAB_CHECK
                phase[l] = _PHASE_STEP

        # ---- per-lane step preparation (scalar): step limits, stability cap, stiffness hand-off
        any_step = False
        for l in range(L):
            if phase[l] != _PHASE_STEP:
                hs[l] = 0.0
                continue
            i = who[l]
            if acc[l] + rej[l] >= max_steps:
                _lane_finish(l, i, STATUS_MAX_STEPS, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                who[l] = -1
                phase[l] = _PHASE_IDLE
                hs[l] = 0.0
                continue
            hl = min(h[l], hmax)
            capped[l] = False
            if since_stab[l] >= _STAB_CHECK:
                limited = n_window[l] >= _STAB_MIN_WINDOW and n_capped[l] >= _STAB_LIMITED * n_window[l]
                since_stab[l] = 0
                n_window[l] = 0
                n_capped[l] = 0
                since_probe[l] += 1
                _lane_gather(l, Y, P, U, yc, pc, uc)
                jac(t[l], yc, pc, uc, J)
                rho = _spectral_radius(J, v1, v2)
                h_stab[l] = np.inf
                if rho > 0.0 and math.isfinite(rho):
                    h_stab[l] = _STAB_SAFETY * _STIFF_HLAMB / rho
                    if hl > _STAB_SWITCH * h_stab[l] or limited:
                        fallback[i] = 1  # _solve_one would try Rodas5P here: the caller solves it instead
                        who[l] = -1
                        phase[l] = _PHASE_IDLE
                        hs[l] = 0.0
                        continue
                    elif hl > h_stab[l]:
                        hl = h_stab[l]
                        capped[l] = True
            elif hl > h_stab[l]:
                hl = h_stab[l]
                capped[l] = True
            if not (hl > _ROS_HMIN_REL * abs(t[l])) or t[l] + hl == t[l]:
                _lane_finish(l, i, STATUS_STEP_UNDERFLOW, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                who[l] = -1
                phase[l] = _PHASE_IDLE
                hs[l] = 0.0
                continue
            h[l] = hl
            rem = t_end[l] - t[l]
            last[l] = hl * 1.0001 >= rem
            hs[l] = rem if last[l] else hl
            t_new[l] = t_end[l] if last[l] else t[l] + hs[l]
            stepping[l] = True
            any_step = True
        if not any_step:
            if nxt >= hi:
                done = True
                for l in range(L):
                    if phase[l] != _PHASE_IDLE:
                        done = False
                if done:
                    break
            continue

        # ---- the 12 stages on all lanes at once
        for j in range(n):
            for l in range(L):
                KD[0, j, l] = F0[j, l]
        for s in range(1, _DOP_NSTAGES + 1):
            target = YNf if s == _DOP_NSTAGES else YTf
            _lanes_stage_input(s, hs, Yf, KDf, SUM, target)
            for l in range(L):
                T[l] = t[l] + (1.0 if s == _DOP_NSTAGES else _DOP_C[s]) * hs[l]
            rhs4(T, YN if s == _DOP_NSTAGES else YT, P, U, KD[s])

        # ---- error estimates and stiffness signal per lane (as _dop_step)
        _dop_error_sums(KDf, S5, S3)
        for l in range(L):
            num[l] = 0.0
            den[l] = 0.0
            e5[l] = 0.0
            e3[l] = 0.0
        for j in range(n):
            for l in range(L):
                k = j * L + l
                d1 = KD[_DOP_NSTAGES, j, l] - KD[_DOP_NSTAGES - 1, j, l]
                d2 = YNf[k] - YTf[k]
                num[l] += d1 * d1
                den[l] += d2 * d2
                sk = atol[j] + rtol * max(abs(Yf[k]), abs(YNf[k]))
                e5[l] += (S5[k] / sk) ** 2
                e3[l] += (S3[k] / sk) ** 2
        for l in range(L):
            if not stepping[l]:
                continue
            nrhs[l] += _DOP_NSTAGES
            hlamb[l] = abs(hs[l]) * math.sqrt(num[l] / den[l]) if den[l] > 0.0 else 0.0
            if e5[l] == 0.0 and e3[l] == 0.0:
                err[l] = 0.0
            else:
                err[l] = abs(hs[l]) * e5[l] / math.sqrt((e5[l] + 0.01 * e3[l]) * n)

        # ---- dense output needed by an accepted lane? (outputs strictly inside its step)
        need_dense = False
        for l in range(L):
            if stepping[l] and math.isfinite(err[l]) and err[l] <= 1.0:
                mm = m[l]
                if mm < M and t_out[mm] < t_new[l] and not (t_out[mm] >= t_new[l]):
                    need_dense = True
        if need_dense:
            for s in range(_DOP_NSTAGES + 1, 16):
                _lanes_stage_input(s, hs, Yf, KDf, SUM, YTf)
                for l in range(L):
                    T[l] = t[l] + _DOP_C[s] * hs[l]
                rhs4(T, YT, P, U, KD[s])

        # ---- accept or reject, lane by lane
        for l in range(L):
            if not stepping[l]:
                continue
            i = who[l]
            finite = math.isfinite(err[l])
            if finite:
                for j in range(n):
                    if not math.isfinite(YN[j, l]):
                        finite = False
                        break
            if not finite:
                rej[l] += 1
                nonfin[l] += 1
                if nonfin[l] >= _ROS_MAX_NONFINITE:
                    _lane_finish(l, i, STATUS_NONFINITE, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                    who[l] = -1
                    phase[l] = _PHASE_IDLE
                    continue
                h[l] = 0.1 * hs[l]
                last_rej[l] = True
                continue
            nonfin[l] = 0
            if err[l] > 1.0:
                rej[l] += 1
                h[l] = hs[l] * max(_DOP_FACMIN, _DOP_SAFETY * err[l] ** _DOP_EXPONENT)
                last_rej[l] = True
                continue
            fac = _DOP_FACMAX if err[l] < 1e-30 else min(
                _DOP_FACMAX, max(_DOP_FACMIN, _DOP_SAFETY * err[l] ** _DOP_EXPONENT))
            hnew = hs[l] * fac
            if last_rej[l]:
                hnew = min(hnew, hs[l])
            # outputs inside (t, t_new] (t_new itself only when the step does not end the segment)
            mm = m[l]
            have_f = False
            if (mm < M and t_out[mm] <= t_new[l]) or last[l]:  # outputs or events ahead: the lane's p and u
                for k in range(n_p + N_DERIVED):
                    pc[k] = P[k, l]
                for j in range(n_u):
                    uc[j] = U[j, l]
            while mm < M and (t_out[mm] < t_new[l] or (not last[l] and t_out[mm] <= t_new[l])):
                if t_out[mm] >= t_new[l]:
                    for j in range(n):
                        yc[j] = YN[j, l]
                else:
                    if not have_f:
                        for r in range(16):
                            for j in range(n):
                                KDl[r, j] = KD[r, j, l]
                        for j in range(n):
                            yc2[j] = Y[j, l]
                            ync[j] = YN[j, l]
                        _dop_dense_coeffs(hs[l], yc2, ync, KDl, F)
                        nrhs[l] += 3
                        have_f = True
                    _dop_eval((t_out[mm] - t[l]) / hs[l], yc2, F, yc)
                _lane_write(i, mm, t_out, yc, pc, uc, out_y)
                mm += 1
            m[l] = mm
            for j in range(n):
                Y[j, l] = YN[j, l]
                F0[j, l] = KD[_DOP_NSTAGES, j, l]
            t[l] = t_new[l]
            acc[l] += 1
            last_rej[l] = False
            h[l] = max(hnew, h[l]) if last[l] else hnew
            since_stab[l] += 1
            n_window[l] += 1
            if capped[l] or hs[l] >= _STAB_NEAR * h_stab[l]:
                n_capped[l] += 1
            if hlamb[l] > _STIFF_HLAMB:
                nonsti[l] = 0
                iasti[l] += 1
                if iasti[l] >= _STIFF_COUNT:
                    since_stab[l] = _STAB_CHECK
                    iasti[l] = 0
            else:
                nonsti[l] += 1
                if nonsti[l] >= 6:
                    iasti[l] = 0
            if last[l]:
                # segment end: events at this time, then the outputs at this time (post-event state)
                for j in range(n):
                    yc[j] = Y[j, l]
                e[l] = _apply_events(t[l], e[l], yc, uc, ev_t[i], ev_kind[i], ev_idx[i], ev_val[i], n_ev[i])
                if not _all_finite(yc):
                    _lane_finish(l, i, STATUS_NONFINITE, m[l], out_y, status, stats, acc[l], rej[l], nrhs[l])
                    who[l] = -1
                    phase[l] = _PHASE_IDLE
                    continue
                while m[l] < M and t_out[m[l]] <= t[l]:
                    _lane_write(i, m[l], t_out, yc, pc, uc, out_y)
                    m[l] += 1
                for j in range(n):
                    Y[j, l] = yc[j]
                for j in range(n_u):
                    U[j, l] = uc[j]
                phase[l] = _PHASE_SEGMENT


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------
@numba.njit(cache=True, fastmath=False, error_model="numpy")
def _check_batch_inputs(y0, u0, ev_t, ev_kind, ev_idx, n_ev, t_out, atol, out_y, status, stats):
    """Shape / ordering / event-table validation; raises ValueError (before the batch starts)."""
    N = y0.shape[0]
    if y0.shape[1] != N_STATES or atol.shape[0] != N_STATES or out_y.shape[2] != N_STATES + N_ALG:
        raise ValueError("state dimension does not match N_STATES (out_y: N_STATES + N_ALG)")
    if out_y.shape[0] != N or out_y.shape[1] != t_out.shape[0]:
        raise ValueError("out_y must have shape (N, len(t_out), N_STATES + N_ALG)")
    if status.shape[0] != N or stats.shape[0] != N or stats.shape[1] < 4:
        raise ValueError("status must have shape (N,) and stats (N, 4)")
    for m in range(1, t_out.shape[0]):
        if not (t_out[m] >= t_out[m - 1]):
            raise ValueError("t_out must be sorted (non-decreasing)")
    # Validate the event tables up front: a bad index would otherwise write out of bounds in the batch.
    n_in = u0.shape[1]
    E = ev_t.shape[1]
    for i in range(N):
        if n_ev[i] < 0 or n_ev[i] > E:
            raise ValueError("n_ev[i] must be in [0, ev_t.shape[1]]")
        for j in range(n_ev[i]):
            k = ev_kind[i, j]
            if k == 0:
                if ev_idx[i, j] < 0 or ev_idx[i, j] >= n_in:
                    raise ValueError("event of kind 0 (set input) has an input index out of range")
            elif k == 1 or k == 2:
                if ev_idx[i, j] < 0 or ev_idx[i, j] >= N_STATES:
                    raise ValueError("event of kind 1/2 (state) has a state index out of range")
            else:
                raise ValueError("event kind must be 0 (set input), 1 (add to state) or 2 (set state)")
            if j > 0 and not (ev_t[i, j] >= ev_t[i, j - 1]):
                raise ValueError("events must be sorted by time for each individual")


@numba.njit(parallel=True, cache=True, fastmath=False, error_model="numpy")
def solve_batch(t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max,
                max_steps, out_y, status, stats, method=METHOD_RODAS5P):
    """Integrate N independent individuals in parallel (see the module docstring for the contract)."""
    _check_batch_inputs(y0, u0, ev_t, ev_kind, ev_idx, n_ev, t_out, atol, out_y, status, stats)
    N = y0.shape[0]
    for i in numba.prange(N):
        status[i] = _solve_one(t0, y0[i], p[i], u0[i], ev_t[i], ev_kind[i], ev_idx[i], ev_val[i], n_ev[i],
                               t_out, rtol, atol, h_init, h_max, max_steps, method, out_y[i], stats[i])


@numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
def solve_range(lo, hi, t0, y0, p, u0, ev_t, ev_kind, ev_idx, ev_val, n_ev, t_out, rtol, atol, h_init, h_max,
                max_steps, out_y, status, stats, method):
    """Integrate individuals lo..hi-1 on the calling thread, without the GIL; the caller validates the inputs
    once with _check_batch_inputs and runs chunks on a thread pool. Otherwise the contract of solve_batch."""
    for i in range(lo, hi):
        status[i] = _solve_one(t0, y0[i], p[i], u0[i], ev_t[i], ev_kind[i], ev_idx[i], ev_val[i], n_ev[i],
                               t_out, rtol, atol, h_init, h_max, max_steps, method, out_y[i], stats[i])


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def fixed_step_integrate(t0, y0, p_in, u, h, n_steps, theta, y_end, y_theta, err_est):
    """Test hook: n_steps fixed steps of size h (every step accepted, no events).

    y_end[:] = state at t0 + n_steps*h; y_theta[k] = dense output at t0 + (k + theta)*h;
    err_est[k] = max-norm of the embedded error estimate of step k.  Returns a status code (0, 3 or 4).
    """
    n = y0.shape[0]
    y = y0.copy()
    p = np.empty(p_in.shape[0] + N_DERIVED)
    for k in range(p_in.shape[0]):
        p[k] = p_in[k]
    derive(p)
    ynew = np.empty(n)
    f0 = np.empty(n)
    fT = np.empty(n)
    J = np.empty((n, n))
    W = np.empty((n, n))
    piv = np.empty(n, dtype=np.int64)
    K = np.empty((_ROS_NSTAGES, n))
    ytmp = np.empty(n)
    rtmp = np.empty(n)
    D = np.empty((3, n))
    t = t0
    for k in range(n_steps):
        rhs(t, y, p, u, f0)
        jac(t, y, p, u, J)
        dfdt(t, y, p, u, fT)
        if not _rodas_step(t, h, y, p, u, f0, fT, J, W, piv, K, ytmp, rtmp, ynew):
            return STATUS_SINGULAR
        if not _all_finite(ynew):
            return STATUS_NONFINITE
        _dense_coeffs(K, D)
        _dense_eval(theta, y, ynew, D, y_theta[k])
        e = 0.0
        for i in range(n):
            e = max(e, abs(K[_ROS_NSTAGES - 1, i]))
        err_est[k] = e
        y, ynew = ynew, y
        t = t0 + (k + 1) * h
    for i in range(n):
        y_end[i] = y[i]
    return STATUS_SUCCESS


@numba.njit(cache=True, fastmath=False, error_model="numpy")
def fixed_step_dop853(t0, y0, p_in, u, h, n_steps, theta, y_end, y_theta):
    """Test hook: n_steps fixed DOP853 steps of size h; y_theta[k] = dense output at t0 + (k + theta)*h."""
    n = y0.shape[0]
    p = np.empty(p_in.shape[0] + N_DERIVED)
    for k in range(p_in.shape[0]):
        p[k] = p_in[k]
    derive(p)
    y = y0.copy()
    ynew = np.empty(n)
    ytmp = np.empty(n)
    ys11 = np.empty(n)
    KD = np.empty((16, n))
    F = np.empty((7, n))
    atol = np.ones(n)
    t = t0
    rhs(t, y, p, u, KD[0])
    for k in range(n_steps):
        _dop_step(t, h, y, p, u, KD, ynew, ytmp, ys11, 1.0, atol)
        _dop_dense(t, h, y, ynew, p, u, KD, F, ytmp)
        _dop_eval(theta, y, F, y_theta[k])
        for i in range(n):
            y[i] = ynew[i]
            KD[0, i] = KD[_DOP_NSTAGES, i]
        t = t0 + (k + 1) * h
    for i in range(n):
        y_end[i] = y[i]
