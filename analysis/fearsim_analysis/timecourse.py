"""Slow variables over days, from the /timeline series of a run: mean weight per projection
(with its early and late components), spine density, consolidation, BDNF and PRP per
population. One panel per quantity and projection or population, runs overlaid; when that
would make more than MAX_PANELS panels, projections are grouped by their target population
and populations by kind (one curve each, runs told apart by line style), so that a figure
stays readable on a slide.
"""
import re

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .load import FearsimFileError
from .plot import _time_axis, draw_curves

#: The kinds of slow series: name -> (y label, what it belongs to). Their /timeline names
#: are <kind>_<projection or population>.
KINDS = {"weight": ("mean weight", "projection"),
         "rho": ("mean efficacy rho", "projection"),
         "z": ("consolidated state z", "projection"),
         "spines": ("spine density (rel. to start)", "population"),
         "bdnf": ("BDNF (rel. to baseline)", "population"),
         "prp": ("PRP", "population")}
DEFAULT_KINDS = ("weight", "spines")
#: Longest prefixes first, so weight_early_X is not read as weight of "early_X".
_NAME = re.compile(r"^(?P<kind>weight_early|weight_late|weight|rho|z|spines|bdnf|prp)_(?P<of>.+)$")
#: The weight components drawn with the total, and their line styles.
_COMPONENTS = (("weight", "-"), ("weight_early", "--"), ("weight_late", ":"))
_DAY = 86400.0
#: The most panels in one figure (a slide at 1280 x 720).
MAX_PANELS = 6
#: Line styles of the runs in a grouped panel.
_RUN_STYLES = ("-", "--", ":", "-.")


def slow_series(result):
    """{kind: {projection or population: Series}} of the run's slow /timeline series
    (kind is one of KINDS, or weight_early / weight_late)."""
    out = {}
    for name, s in result.timeline.items():
        m = _NAME.match(name)
        if m and s.time is not None:
            out.setdefault(m["kind"], {})[m["of"]] = s
    return out


def available(runs, kind):
    """The projections or populations with a `kind` series in any of the runs, in order."""
    return list(dict.fromkeys(of for r in runs for of in slow_series(r).get(kind, {})))


def panels(runs, kinds=DEFAULT_KINDS, names=None):
    """[(kind, projection or population)] to draw: every one the runs hold, or only those
    in names. Raises FearsimFileError naming the known ones if a name is not found, or if
    there is nothing to draw."""
    found = [(k, of) for k in kinds for of in available(runs, k)]
    if names:
        known = {of for _, of in found}
        bad = [n for n in names if n not in known]
        if bad:
            raise FearsimFileError(
                f"{runs[0].path}: no {'/'.join(kinds)} series for {', '.join(bad)}; "
                f"the file has {', '.join(sorted(known)) or 'none'}")
        found = [(k, of) for k, of in found if of in names]
    if not found:
        raise FearsimFileError(f"{runs[0].path}: no {', '.join(kinds)} series in /timeline")
    return found


def _time_unit(runs):
    """(name, s per unit): days for runs of a day or longer, else a shorter unit."""
    times = [s.time for r in runs for by in slow_series(r).values() for s in by.values()]
    span = max((t.max() - t.min() for t in times if t.size), default=0.0)
    return ("days", _DAY) if span >= _DAY else _time_axis(times, None, None)


def _scaled(s):
    """A weight series in nS when it is stored in S (a mean weight is ~1e-9 S)."""
    if s.units != "S":
        return s, s.units
    return type(s)(s.name, s.time, s.values * 1e9, "nS", s.description), "nS"


def _draw_panel(ax, runs, labels, kind, of, scale, early_late):
    styles = _COMPONENTS if kind == "weight" and early_late else ((kind, "-"),)
    units = ""
    for component, style in styles:
        curves = []
        for r, lab in zip(runs, labels):
            s = slow_series(r).get(component, {}).get(of)
            if s is not None:
                s, units = _scaled(s) if kind == "weight" else (s, s.units)
            curves.append((lab if style == "-" else f"{lab} ({component[7:]})", s))
        draw_curves(ax, curves, scale, linestyle=style)
    ylabel = KINDS[kind][0] + (f" ({units})" if units not in ("", "1") else "")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_title(f"{of}: {KINDS[kind][0]}", fontsize=10)
    ax.grid(alpha=0.3)
    entries = len(ax.get_legend_handles_labels()[0])
    if entries > 3:  # runs times components: beside the panel, not over the curves
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    elif entries:
        ax.legend(fontsize="small")


def grouped_panels(chosen):
    """[(kind, title, [projection or population])]: the panels of chosen grouped by kind and
    target population (projections) or by kind (populations), in order."""
    groups = {}
    for kind, of in chosen:
        target = of.split("->")[-1] if KINDS[kind][1] == "projection" else ""
        groups.setdefault((kind, target), []).append(of)
    return [(kind, f"onto {target}: {KINDS[kind][0]}" if target else KINDS[kind][0], names)
            for (kind, target), names in groups.items()]


def _draw_group(ax, runs, labels, kind, title, names, scale):
    units = ""
    run_labels = list(dict.fromkeys(labels))
    for i, of in enumerate(names):
        for r, lab in zip(runs, labels):
            s = slow_series(r).get(kind, {}).get(of)
            if s is None:
                continue
            s, units = _scaled(s) if kind == "weight" else (s, s.units)
            style = _RUN_STYLES[run_labels.index(lab) % len(_RUN_STYLES)]
            text = of if len(run_labels) == 1 else f"{of} ({lab})"
            seen = text in ax.get_legend_handles_labels()[1]
            ax.plot(s.time / scale, s.values, color=f"C{i % 10}", linestyle=style,
                    label=None if seen else text)
    ax.set_ylabel(KINDS[kind][0] + (f" ({units})" if units not in ("", "1") else ""),
                  fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _slide_axes(n, unit):
    """A 1280 x 720 figure (100 dpi) and its n panels, read column by column: two columns
    beyond three panels, unused cells hidden, every panel with its own time axis label."""
    cols = 2 if n > 3 else 1
    fig = Figure(figsize=(12.8, 7.2), layout="constrained")
    axes = fig.subplots(-(-n // cols), cols, sharex=True, squeeze=False).T.ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax in axes[:n]:
        ax.set_xlabel(f"time ({unit})")
        ax.xaxis.set_tick_params(labelbottom=True)  # the panel below may be hidden
        if unit == "days":
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig, axes[:n]


def _grouped_figure(runs, labels, chosen, unit, scale):
    groups = grouped_panels(chosen)
    fig, axes = _slide_axes(len(groups), unit)
    for ax, (kind, title, names) in zip(axes, groups):
        _draw_group(ax, runs, labels, kind, title, names, scale)
    return fig


def timecourse_figure(runs, labels, kinds=DEFAULT_KINDS, names=None, early_late=False):
    """Panels of slow series over time (days for multi-day runs), runs overlaid.

    runs with the same label (a group) share a colour; early_late adds the early (dashed)
    and late (dotted) weight components to each weight panel."""
    chosen = panels(runs, kinds, names)
    unit, scale = _time_unit(runs)
    if len(chosen) > MAX_PANELS:
        return _grouped_figure(runs, labels, chosen, unit, scale)
    fig, axes = _slide_axes(len(chosen), unit)
    for ax, (kind, of) in zip(axes, chosen):
        _draw_panel(ax, runs, labels, kind, of, scale, early_late)
    return fig
