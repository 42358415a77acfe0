"""Figures of fearsim runs: spike rasters, population rates and timeline series.

make_figure() lays out one panel per population (raster, rates) and per timeline series,
stacked vertically. Given several runs (e.g. saline and ketamine) it overlays their rates
and timeline series in the same panels, with a legend of run labels. Figures are built
without pyplot, so this works headless and leaves no global state behind.
"""
import os

import numpy as np
from matplotlib.figure import Figure

from .load import FearsimFileError, bin_widths, window_slices

#: The kinds of panel, in the order they appear in a figure.
WHAT = ("raster", "rates", "timeline")

#: Time units used on x axes, chosen by the span shown: (limit of span in s, name, s per unit).
_TIME_AXES = ((600, "s", 1.0), (3 * 3600, "min", 60.0), (3 * 86400, "h", 3600.0),
              (float("inf"), "days", 86400.0))


def subsample_ids(size, max_neurons):
    """At most max_neurons node ids out of range(size), evenly spread and sorted.

    Deterministic (no random numbers): the same population always shows the same neurons."""
    if size <= max_neurons:
        return np.arange(size)
    return np.arange(max_neurons) * size // max_neurons


def _time_axis(times, t_start, t_stop):
    """(name, s per unit) of a readable time unit for the span shown."""
    lo = t_start if t_start is not None else min((t.min() for t in times if t.size), default=0)
    hi = t_stop if t_stop is not None else max((t.max() for t in times if t.size), default=0)
    return next((name, scale) for limit, name, scale in _TIME_AXES if hi - lo <= limit)


def _set_time(ax, times, t_start, t_stop):
    """Label the x axis with a readable time unit and return its scale (s per unit)."""
    name, scale = _time_axis(times, t_start, t_stop)
    ax.set_xlabel(f"time ({name})")
    return scale


def _clip(ax, scale, t_start, t_stop):
    """Limit the x axis, once drawn, to the time window (a None bound stays automatic)."""
    ax.set_xlim(None if t_start is None else t_start / scale,
                None if t_stop is None else t_stop / scale)


def plot_raster(ax, result, pop, max_neurons=100, t_start=None, t_stop=None, title=None):
    """Spike raster of one population, showing at most max_neurons neurons (subsample_ids).

    Without a time window the x axis spans the whole run (0 to duration), so the rasters of
    populations that fire only part of the time line up with the others."""
    t_start = 0.0 if t_start is None else t_start
    t_stop = result.duration if t_stop is None else t_stop
    t, ids = result.spikes[pop].timestamps, result.spikes[pop].node_ids
    size = result.populations[pop].size if pop in result.populations else None
    if size is None:
        size = int(ids.max()) + 1 if ids.size else 0
    chosen = subsample_ids(size, max_neurons)
    keep = np.isin(ids, chosen)
    if t_start is not None:
        keep &= t >= t_start
    if t_stop is not None:
        keep &= t < t_stop
    rows = np.searchsorted(chosen, ids[keep])
    scale = _set_time(ax, [t[keep]], t_start, t_stop)
    ax.scatter(t[keep] / scale, rows, marker="|", s=12, linewidths=0.6, color="black")
    _clip(ax, scale, t_start, t_stop)
    ax.set_ylim(-0.5, max(len(chosen), 1) - 0.5)
    ax.set_ylabel(f"neuron ({len(chosen)} of {size} shown)" if len(chosen) < size else "neuron")
    ax.set_title(title or f"{pop}: spikes")


def rate_steps(start, widths):
    """[(slice, edges)] of a rate series, one per window (window_slices): the bins of a
    window and their edges (s), so that no step bridges the gap between two windows."""
    return [(w, np.append(start[w], start[w][-1] + widths[w][-1])) for w in window_slices(start)]


def plot_rates(ax, runs, labels, pop, t_start=None, t_stop=None):
    """Population rate of pop over time (one step per bin), one line per run that recorded it.

    A run that recorded rates in several fast windows (a multi-day protocol) gets one step
    line per window, in one colour, with nothing drawn across the gaps."""
    shown = [(r, lab) for r, lab in zip(runs, labels)
             if r.rates and r.rates.time.size and pop in r.rates.by_pop]
    scale = _set_time(ax, [r.rates.time for r, _ in shown], t_start, t_stop)
    for k, (r, lab) in enumerate(shown):
        start = r.rates.time
        for i, (w, edges) in enumerate(rate_steps(start, bin_widths(start, r.duration))):
            ax.stairs(r.rates.by_pop[pop][w], edges / scale, baseline=None, color=f"C{k}",
                      label=lab if i == 0 else None)
    _clip(ax, scale, t_start, t_stop)
    ax.set_ylabel("rate (Hz)")
    ax.set_title(f"{pop}: population rate")


def plot_series(ax, runs, labels, name, t_start=None, t_stop=None):
    """Timeline series name over time (or sample number if it has no time axis), per run."""
    shown = [(r.timeline[name], lab) for r, lab in zip(runs, labels) if name in r.timeline]
    timed = [s.time for s, _ in shown if s.time is not None]
    scale = _set_time(ax, timed, t_start, t_stop) if timed else None
    for s, lab in shown:
        ax.plot(np.arange(s.values.size) if s.time is None else s.time / scale, s.values,
                label=lab)
    if timed:
        _clip(ax, scale, t_start, t_stop)
    else:
        ax.set_xlabel("sample")
    units = shown[0][0].units
    ax.set_ylabel(f"{name.rsplit('/', 1)[-1]}" + (f" ({units})" if units not in ("", "1") else ""))
    ax.set_title(shown[0][0].description or name)


def draw_curves(ax, curves, scale, t_start=None, t_stop=None, **style):
    """Plot each (label, Series) of curves against time / scale, inside [t_start, t_stop].

    Curves with the same label (the files of one group) share a colour and one legend
    entry. Series without a time axis are skipped. Returns the number of curves drawn."""
    colours, drawn = {}, 0
    for label, s in curves:
        if s is None or s.time is None:
            continue
        keep = np.ones(s.time.size, bool)
        if t_start is not None:
            keep &= s.time >= t_start
        if t_stop is not None:
            keep &= s.time <= t_stop
        first = label not in colours
        colours.setdefault(label, f"C{len(colours)}")
        ax.plot(s.time[keep] / scale, s.values[keep], color=colours[label],
                label=label if first else None, **style)
        drawn += 1
    return drawn


def _union(lists):
    """The items of several lists, once each, in order of first appearance."""
    return list(dict.fromkeys(x for lst in lists for x in lst))


def make_figure(runs, labels=None, what=None, t_start=None, t_stop=None, max_neurons=100):
    """A Figure of one or several runs (Result objects).

    what: a subset of WHAT; by default everything for one run, and rates and timeline for
    several (a raster cannot be overlaid, so with several runs it gets one panel per run).
    labels: one per run, used in legends and raster titles (default: the file names).
    Raises FearsimFileError if the runs hold nothing of what was asked."""
    labels = list(labels) if labels else [os.path.basename(r.path) for r in runs]
    what = list(what) if what else (list(WHAT) if len(runs) == 1 else ["rates", "timeline"])
    panels = []
    if "raster" in what:
        for r, lab in zip(runs, labels):
            for pop in (p for p in r.population_names() if p in r.spikes):
                title = f"{pop}: spikes" + (f" ({lab})" if len(runs) > 1 else "")
                panels.append(lambda ax, r=r, pop=pop, title=title: plot_raster(
                    ax, r, pop, max_neurons, t_start, t_stop, title))
    if "rates" in what:
        for pop in _union(r.rates.by_pop for r in runs if r.rates):
            panels.append(lambda ax, pop=pop: plot_rates(ax, runs, labels, pop,
                                                         t_start, t_stop))
    if "timeline" in what:
        for name in _union(r.timeline for r in runs):
            panels.append(lambda ax, name=name: plot_series(ax, runs, labels, name,
                                                            t_start, t_stop))
    if not panels:
        raise FearsimFileError(f"nothing to plot: the file(s) hold no {', '.join(what)} data")
    fig = Figure(figsize=(8, 1.0 + 2.2 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, draw in zip(axes, panels):
        draw(ax)
        if len(runs) > 1 and ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    fig.suptitle(" vs ".join(labels))
    return fig


def save(fig, paths):
    """Write fig to each path; the format follows the extension (.png or .pdf)."""
    for p in paths:
        fig.savefig(p, dpi=150)
