"""Sweep plots from the summary.h5 that `fearsim sweep` writes: an outcome against one axis
(replicates as dots, their mean +/- sd as a line, one line per combination of the other axes)
and a heat map of an outcome over two axes (mean over replicates and the remaining axes).

    python3 -m fearsim_analysis sweep DIR/summary.h5 --x dose --y peak_plasma -o fig.png
    python3 -m fearsim_analysis sweep DIR/summary.h5 --heatmap dose infusion --y peak_plasma \\
        -o fig.png --format png,pdf
"""
import difflib
import itertools
import os
from dataclasses import dataclass, field

import h5py
import numpy as np
from matplotlib.figure import Figure

from .load import FearsimFileError

#: SI units shown in a friendlier unit: (from, to, factor).
_DISPLAY = {"kg/kg": ("mg/kg", 1e6), "mol/m^3": ("uM", 1e3), "S": ("nS", 1e9),
            "A": ("pA", 1e12), "V": ("mV", 1e3), "kg": ("kg", 1.0), "m^3": ("L", 1e3)}


@dataclass
class Column:
    values: np.ndarray
    units: str = ""
    description: str = ""

    @property
    def numeric(self):
        return self.values.dtype.kind in "fiu"


@dataclass
class Summary:
    path: str
    index: np.ndarray
    replicate: np.ndarray
    status: np.ndarray
    axes: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.status == "ok"


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _column(d):
    data = d[()]
    if data.dtype.kind in "OSU":
        data = np.array([_text(x) for x in data], dtype=object)
    return Column(np.asarray(data), _text(d.attrs.get("units", "")),
                  _text(d.attrs.get("description", "")))


def load_summary(path):
    """Reads a sweep summary; a file that is not one raises FearsimFileError."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise FearsimFileError(f"{path}: cannot open: {e}") from None
    with f:
        if not all(k in f for k in ("index", "replicate", "status")):
            raise FearsimFileError(f"{path}: not a fearsim sweep summary (no /index, /status)")
        s = Summary(path, f["index"][()], f["replicate"][()],
                    np.array([_text(x) for x in f["status"][()]], dtype=object))
        for group, into in (("axes", s.axes), ("outcomes", s.outcomes)):
            for name, d in f.get(group, {}).items():
                into[name] = _column(d)
    return s


def display_units(col):
    """(values, unit label) of a numeric column in a readable unit."""
    v = np.asarray(col.values, float)
    if col.units == "s":
        top = np.nanmax(np.abs(v)) if v.size and np.isfinite(v).any() else 0.0
        for unit, factor, limit in (("day", 86400.0, 2 * 86400.0), ("h", 3600.0, 7200.0),
                                    ("min", 60.0, 120.0)):
            if top >= limit:
                return v / factor, unit
        return v, "s"
    if col.units == "A":  # stimulus currents in mA, membrane currents in pA
        top = np.nanmax(np.abs(v)) if v.size and np.isfinite(v).any() else 0.0
        for unit, factor, limit in (("mA", 1e3, 1e-4), ("uA", 1e6, 1e-7), ("nA", 1e9, 1e-10)):
            if top >= limit:
                return v * factor, unit
    unit, factor = _DISPLAY.get(col.units, (col.units, 1.0))
    return v * factor, unit


def _label(name, unit):
    return f"{name} ({unit})" if unit and unit != "1" else name


def _pick(kind, name, names, error):
    if name in names:
        return name
    close = difflib.get_close_matches(name, list(names), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(names) or 'none'})"
    error(f"no {kind} {name!r} in the summary{hint}")


def _groups(s, x):
    """Combinations of the other axes' values, as (label, mask over rows)."""
    others = [a for a in s.axes if a != x]
    if not others:
        return [("", np.ones(s.index.size, bool))]
    levels = [sorted(set(s.axes[a].values.tolist()), key=lambda v: (str(type(v)), v))
              for a in others]
    out = []
    for combo in itertools.product(*levels):
        mask = np.ones(s.index.size, bool)
        parts = []
        for a, v in zip(others, combo):
            mask &= s.axes[a].values == v
            if s.axes[a].numeric:
                dv, unit = display_units(Column(np.array([v], float), s.axes[a].units))
                parts.append(f"{a} = {dv[0]:.4g} {unit}".rstrip())
            else:
                parts.append(f"{a} = {v}")
        if mask.any():
            out.append((", ".join(parts), mask))
    return out


def outcome_figure(s, x, y, logx=False):
    """The outcome y against axis x: replicates as dots, mean +/- sd per x as a line."""
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    xv, xunit = display_units(s.axes[x]) if s.axes[x].numeric else (s.axes[x].values, "")
    yv, yunit = display_units(s.outcomes[y])
    ok = s.ok & np.isfinite(yv)
    groups = _groups(s, x)
    for k, (label, mask) in enumerate(groups[:12]):
        color = f"C{k % 10}"
        rows = mask & ok
        ax.plot(xv[rows], yv[rows], "o", color=color, alpha=0.35, ms=4)
        levels = sorted(set(xv[rows].tolist()))
        mean = [yv[rows & (xv == v)].mean() for v in levels]
        sd = [yv[rows & (xv == v)].std(ddof=1) if (rows & (xv == v)).sum() > 1 else 0.0
              for v in levels]
        ax.errorbar(levels, mean, yerr=sd, color=color, capsize=3, label=label or None)
    if len(groups) > 12:
        ax.set_title(f"first 12 of {len(groups)} combinations of the other axes", fontsize=9)
    n_bad = int((~s.ok).sum())
    if n_bad:
        ax.text(0.99, 0.01, f"{n_bad} run(s) failed or missing", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color="0.4")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(_label(x, xunit))
    ax.set_ylabel(_label(y, yunit))
    if any(label for label, _ in groups):
        ax.legend(fontsize=8)
    return fig


def heatmap_figure(s, xa, ya, y):
    """Mean of outcome y over replicates (and any other axes) on the grid of axes xa x ya."""
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    xv, xunit = display_units(s.axes[xa]) if s.axes[xa].numeric else (s.axes[xa].values, "")
    yv_ax, yunit_ax = display_units(s.axes[ya]) if s.axes[ya].numeric else (s.axes[ya].values, "")
    zv, zunit = display_units(s.outcomes[y])
    ok = s.ok & np.isfinite(zv)
    xs, ys = sorted(set(xv.tolist())), sorted(set(yv_ax.tolist()))
    grid = np.full((len(ys), len(xs)), np.nan)
    for i, b in enumerate(ys):
        for j, a in enumerate(xs):
            rows = ok & (xv == a) & (yv_ax == b)
            if rows.any():
                grid[i, j] = zv[rows].mean()
    mesh = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(xs)), [f"{v:.4g}" if isinstance(v, float) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:.4g}" if isinstance(v, float) else str(v) for v in ys])
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.3g}", ha="center", va="center", fontsize=7,
                        color="w" if grid[i, j] < np.nanmean(grid) else "k")
    ax.set_xlabel(_label(xa, xunit))
    ax.set_ylabel(_label(ya, yunit_ax))
    fig.colorbar(mesh, ax=ax, label=_label(y, zunit))
    others = [a for a in s.axes if a not in (xa, ya)]
    ax.set_title("mean over replicates" + (f" and {', '.join(others)}" if others else ""),
                 fontsize=9)
    return fig


def _outputs(args, error):
    base, ext = os.path.splitext(args.output)
    formats = args.format.split(",") if args.format else [ext.lstrip(".").lower()]
    bad = [f for f in formats if f not in ("png", "pdf")]
    if bad:
        error(f"cannot write {', '.join(bad) or repr(args.output)}: name the figure .png or .pdf, "
              "or give --format png,pdf")
    if not os.path.isdir(os.path.dirname(args.output) or "."):
        error(f"the directory of {args.output!r} does not exist")
    return [f"{base}.{f}" for f in formats]


def _run(args, error):
    s = load_summary(args.summary)
    paths = _outputs(args, error)
    y = _pick("outcome", args.y, s.outcomes, error)
    if args.heatmap:
        xa, ya = (_pick("axis", a, s.axes, error) for a in args.heatmap)
        fig = heatmap_figure(s, xa, ya, y)
    else:
        fig = outcome_figure(s, _pick("axis", args.x, s.axes, error), y, args.logx)
    for p in paths:
        fig.savefig(p, dpi=150)
        print(f"wrote {p}")
    return 0


def add_commands(sub):
    """Adds the `sweep` command; returns {name: (parser, run)} as report.add_commands does."""
    p = sub.add_parser("sweep", help="an outcome of a sweep against an axis, or a heat map",
                       description="Plots from a sweep's summary.h5: an outcome against one "
                                   "axis (replicates and mean +/- sd), or a heat map over two.")
    p.add_argument("summary", metavar="SUMMARY.h5")
    p.add_argument("-o", "--output", required=True, metavar="FIG.png")
    p.add_argument("--format", default=None, metavar="png,pdf",
                   help="write FIG.<format> for each format given")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--x", metavar="AXIS", help="the axis on the horizontal")
    what.add_argument("--heatmap", nargs=2, metavar=("AXIS1", "AXIS2"),
                      help="a heat map over two axes")
    p.add_argument("--y", required=True, metavar="OUTCOME", help="the outcome to show")
    p.add_argument("--logx", action="store_true", help="logarithmic horizontal axis")
    return {"sweep": (p, _run)}
