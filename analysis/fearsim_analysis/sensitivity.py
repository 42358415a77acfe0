"""One-at-a-time sensitivity from the summary.h5 of a sweep with `design: one_at_a_time`
(configs/sensitivity/fear_circuit.yaml): for every parameter, its outcomes at each value beside
the base point's, and whether each phenomenon still holds there; a figure (one panel per
parameter) and a table (CSV) of the range over which every phenomenon holds.

    python3 -m fearsim_analysis sensitivity DIR/summary.h5 -o sensitivity.png --csv table.csv

The summary's axes are of two kinds: the varied ones (empty at the base point and wherever
another axis varies) and the crossed ones (a value at every point, e.g. the drug). A varied
axis that sets a circuit parameter through circuit.set holds "path=value" text; its number is
the one after the last "=".
"""
import csv
import os
import re
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .load import FearsimFileError
from .sweep import display_units, load_summary


#: A direction counts when it exceeds this much freezing (a fraction): single trials differ by
#: a few points from seed to seed.
MARGIN = 0.05


def _rows_fear_circuit(o):
    """The rows of docs/model.md §8 that configs/sensitivity/probe.yaml shows, from
    o[drug][outcome] (freezing fractions): acquisition (a naive first tone below 20 %, the last
    pairing above 60 %), extinction (the last extinction trial and the recall each 20 points
    below where they started), and spontaneous recovery, renewal and ketamine's benefit as
    directions beyond MARGIN."""
    s, k = o["saline"], o["ketamine"]
    return {
        "row 10 acquisition": s["conditioning_first"] < 0.2 and s["conditioning_last"] > 0.6,
        "row 12 extinction": (s["extinction_last"] < s["extinction_first"] - 0.2
                              and s["recall"] < s["conditioning_last"] - 0.2),
        "row 15 spontaneous recovery": s["test_day10"] > s["recall"] + MARGIN,
        "row 16 renewal": s["renewal_A"] > s["recall"] + MARGIN,
        "row 17 ketamine": k["recall"] < s["recall"] - MARGIN,
    }


#: Phenomenon sets by name: (crossed axis, its values needed, outcomes needed, test).
PHENOMENA = {
    "fear_circuit": ("drug", ("saline", "ketamine"),
                     ("conditioning_first", "conditioning_last", "extinction_first",
                      "extinction_last", "recall", "renewal_A", "test_day10"),
                     _rows_fear_circuit),
}

_NUMBER = re.compile(r"=\s*([-+0-9.eE]+)\s*([^=]*)$")


@dataclass
class Point:
    parameter: str  # the varied axis; "" at the base point
    value: float    # its number (NaN at the base point)
    text: str       # as the summary has it
    outcomes: dict  # crossed value -> outcome -> value
    holds: dict     # phenomenon -> bool


def _number(col, i):
    """The number of row i of a varied axis, and its unit label."""
    if col.numeric:
        v, unit = display_units(col)
        return float(v[i]), unit
    m = _NUMBER.search(str(col.values[i]))
    if m is None:
        raise FearsimFileError(f"cannot read a number from {col.values[i]!r}")
    return float(m.group(1)), m.group(2).strip()


def _is_set(col, i):
    return np.isfinite(col.values[i]) if col.numeric else str(col.values[i]) != ""


def points(summary, phenomena="fear_circuit"):
    """The base point and every varied point, each with its outcomes and which phenomena hold,
    and the units of the varied axes."""
    crossed, needed, names, test = PHENOMENA[phenomena]
    s = summary
    if crossed not in s.axes:
        raise FearsimFileError(f"{s.path}: no crossed axis {crossed!r} (axes: {', '.join(s.axes)})")
    missing = [n for n in names if n not in s.outcomes]
    if missing:
        raise FearsimFileError(f"{s.path}: outcomes missing for {phenomena}: {', '.join(missing)}")
    varied = [a for a in s.axes if a != crossed]
    by_key, units = {}, {}
    for i in range(s.index.size):
        if not s.ok[i]:
            continue
        set_here = [a for a in varied if _is_set(s.axes[a], i)]
        if len(set_here) > 1:
            raise FearsimFileError(f"{s.path}: row {i} varies {', '.join(set_here)}: not a "
                                   "one-at-a-time sweep")
        name = set_here[0] if set_here else ""
        value, unit = _number(s.axes[name], i) if name else (float("nan"), "")
        if name:
            units[name] = unit
        key = (name, str(s.axes[name].values[i]) if name else "")
        entry = by_key.setdefault(key, (value, {}))
        entry[1][str(s.axes[crossed].values[i])] = {n: float(s.outcomes[n].values[i])
                                                   for n in names}
    out = []
    for (name, text), (value, o) in by_key.items():
        holds = test(o) if all(c in o for c in needed) else {}
        out.append(Point(name, value, text, o, holds))
    if not any(p.parameter == "" for p in out):
        raise FearsimFileError(f"{s.path}: no base point (a run with no varied axis set)")
    return out, units


def base_values(summary):
    """The base experiment's value of each varied axis, in the unit the figures use, from the
    axis's description ("KEY; base value: TEXT", a quantity's SI value after " = ", a
    circuit.set entry's number after its "="); NaN where the summary does not say."""
    out = {}
    for name, col in summary.axes.items():
        _, sep, text = col.description.partition("; base value: ")
        m = _NUMBER.search(text) if sep else None
        if m is None:
            out[name] = float("nan")
        elif col.numeric:
            out[name] = float(display_units(type(col)(np.array([float(m.group(1))]),
                                                      col.units))[0][0])
        else:
            out[name] = float(m.group(1))
    return out


def ranges(pts, base_of=None):
    """Per parameter: the values tested; the lowest and the highest tested value up to which,
    from the base value on, every phenomenon holds at every value tested (NaN on a side where
    the nearest value already fails, or both if the base point fails); and the phenomena that
    fail somewhere."""
    base = next(p for p in pts if p.parameter == "")
    out = {}
    for name in sorted({p.parameter for p in pts if p.parameter}):
        mine = sorted((p for p in pts if p.parameter == name), key=lambda p: p.value)
        ok = [bool(p.holds) and all(p.holds.values()) for p in mine]
        values = [p.value for p in mine]
        at = (base_of or {}).get(name, float("nan"))
        at = _base_value(mine) if np.isnan(at) else at
        lo = hi = float("nan")
        if all(base.holds.values()):
            lo, hi = _stretch(values, ok, at)
        fails = sorted({r for p in mine for r, good in p.holds.items() if not good})
        out[name] = {"values": values, "base": at, "low": lo, "high": hi, "fails": fails}
    return out


def _base_value(mine):
    """Without the base value in the summary: the middle of the values tested."""
    values = [p.value for p in mine]
    return 0.5 * (values[len(values) // 2 - 1] + values[len(values) // 2]) if len(values) > 1 \
        else values[0]


def _stretch(values, ok, base):
    """The farthest tested values on each side of the base value up to which every tested value
    is ok (NaN on a side whose nearest value already fails)."""
    lo = hi = float("nan")
    for v, good in sorted(zip(values, ok), key=lambda t: -t[0]):
        if v < base:
            if not good:
                break
            lo = v
    for v, good in sorted(zip(values, ok)):
        if v > base:
            if not good:
                break
            hi = v
    return lo, hi


def sensitivity_figure(pts, units, base_of=None):
    """One panel per parameter: recall (saline, ketamine), spontaneous recovery and renewal
    tests against the parameter's value; the base point's as dashed lines (and its value as a
    dotted one, where known); a cross where a phenomenon fails."""
    names = sorted({p.parameter for p in pts if p.parameter})
    base = next(p for p in pts if p.parameter == "")
    cols = 3
    rows = (len(names) + cols - 1) // cols
    fig = Figure(figsize=(12.8, 2.6 * rows + 0.6), layout="constrained")
    lines = (("saline", "recall", "recall, saline", "C0"),
             ("ketamine", "recall", "recall, ketamine", "C3"),
             ("saline", "test_day10", "day 10 (spont. recovery)", "C1"),
             ("saline", "renewal_A", "renewal in A", "C2"))
    for k, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, k + 1)
        mine = sorted((p for p in pts if p.parameter == name), key=lambda p: p.value)
        x = [p.value for p in mine]
        for arm, outcome, label, color in lines:
            y = [100 * p.outcomes.get(arm, {}).get(outcome, np.nan) for p in mine]
            ax.plot(x, y, "o-", color=color, ms=3, label=label)
            ax.axhline(100 * base.outcomes[arm][outcome], color=color, ls="--", lw=0.8)
        at = (base_of or {}).get(name, float("nan"))
        if np.isfinite(at):
            ax.axvline(at, color="0.5", ls=":", lw=1)
        for p in mine:
            if p.holds and not all(p.holds.values()):
                ax.plot(p.value, 102, "x", color="k", ms=5)
        unit = units.get(name, "")
        ax.set_xlabel(f"{name} ({unit})" if unit and unit != "1" else name, fontsize=8)
        ax.set_ylabel("freezing (%)", fontsize=8)
        ax.set_ylim(0, 106)
        ax.tick_params(labelsize=7)
        if k == 0:
            ax.legend(fontsize=7, loc="lower left")
    fig.suptitle("One parameter at a time (dashed: the base point's freezing; dotted: the base "
                 "value; x: a row of docs/model.md §8 no longer holds)", fontsize=10)
    return fig


def _bound(v):
    return "the base value" if np.isnan(v) else f"{v:g}"


def write_table(path, pts, rng, units):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["parameter", "unit", "base value", "values tested", "all rows hold from",
                    "to", "rows that fail somewhere"])
        for name, r in rng.items():
            w.writerow([name, units.get(name, ""), f"{r['base']:g}",
                        " ".join(f"{v:g}" for v in r["values"]),
                        _bound(r["low"]), _bound(r["high"]), "; ".join(r["fails"])])


def _run(args, error):
    if not os.path.isfile(args.summary):
        error(f"no such file: {args.summary}")
    if not os.path.isdir(os.path.dirname(args.output) or "."):
        error(f"the directory of {args.output!r} does not exist")
    s = load_summary(args.summary)
    pts, units = points(s)
    base_of = base_values(s)
    rng = ranges(pts, base_of)
    base = next(p for p in pts if p.parameter == "")
    print("base point: " + ", ".join(f"{r}: {'holds' if ok else 'FAILS'}"
                                     for r, ok in base.holds.items()))
    for name, r in rng.items():
        print(f"{name} (base {r['base']:g}): every row holds from {_bound(r['low'])} to "
              f"{_bound(r['high'])} {units.get(name, '')}"
              f" (tested {', '.join(f'{v:g}' for v in r['values'])})"
              + (f"; fails somewhere: {', '.join(r['fails'])}" if r["fails"] else ""))
    sensitivity_figure(pts, units, base_of).savefig(args.output, dpi=100)
    if args.csv:
        write_table(args.csv, pts, rng, units)
    return 0


def add_commands(sub):
    p = sub.add_parser("sensitivity", help="one-at-a-time sensitivity of a sweep's phenomena",
                       description="Which rows of docs/model.md §8 still hold as each parameter "
                                   "of a one-at-a-time sweep moves (configs/sensitivity/).")
    p.add_argument("summary", metavar="SUMMARY.h5")
    p.add_argument("-o", "--output", required=True, metavar="FIG.png")
    p.add_argument("--csv", metavar="TABLE.csv", help="also write the table of ranges")
    return {"sensitivity": (p, _run)}
