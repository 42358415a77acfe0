"""Freezing per trial across the days and sessions of a protocol (/trials), for single runs
and for groups of runs (mean ± sem over the files of a group), and the figure that shows it.

Only CS trials count: unsignalled US trials (kind 1) have no freezing score. A point is
identified by a key: (day, session, trial) per trial, (day, session) per session, (day,) per
day; runs of the same protocol share their keys, so they line up and can be averaged.
"""
import numpy as np
from matplotlib.figure import Figure

from .load import require_trials

#: What one point of the freezing figure stands for.
PER = ("trial", "session", "day")
_KEY_COLUMNS = {"trial": ("day", "session", "trial"), "session": ("day", "session"),
                "day": ("day",)}
#: Kind of a CS trial in /trials/kind (1 is an unsignalled US).
CS_TRIAL = 0


def freezing_points(trials, per="trial"):
    """{key: mean freezing (fraction 0..1)} over the CS trials of each key, in key order.

    Trials without a score (NaN) are left out; a key with none is absent."""
    cols = _KEY_COLUMNS[per]
    scored = (trials["kind"] == CS_TRIAL) & np.isfinite(trials["freezing"])
    keys = list(zip(*(trials[c][scored].astype(int).tolist() for c in cols)))
    values = trials["freezing"][scored]
    sums = {}
    for key, v in zip(keys, values):
        total, n = sums.get(key, (0.0, 0))
        sums[key] = (total + float(v), n + 1)
    return {k: total / n for k, (total, n) in sorted(sums.items())}


def day_means(trials):
    """{day: mean freezing (fraction) over the day's scored CS trials}."""
    return {k[0]: v for k, v in freezing_points(trials, "day").items()}


def group_stats(point_sets):
    """Mean, sem and count per key over several runs' freezing_points.

    Returns (keys, mean, sem, n) with keys sorted; sem is the sample standard deviation
    (ddof 1) over sqrt(n), NaN where only one run has the key."""
    keys = sorted(set().union(*point_sets))
    table = np.array([[p.get(k, np.nan) for k in keys] for p in point_sets], dtype=float)
    n = np.isfinite(table).sum(axis=0)
    mean = np.nanmean(table, axis=0) if keys else np.zeros(0)
    sem = np.full(len(keys), np.nan)
    many = n > 1
    sem[many] = np.nanstd(table[:, many], axis=0, ddof=1) / np.sqrt(n[many])
    return keys, mean, sem, n


def layout(keys):
    """x position of each key, in order, leaving a one-slot gap between sessions (per-trial
    keys) or between days (per-session keys). Returns {key: x}."""
    xs, x, prev = {}, 0, None
    for key in keys:
        if prev is not None:
            x += 1 + (len(key) > 1 and key[:-1] != prev[:-1])
        xs[key] = x
        prev = key
    return xs


def _spans(xs, depth):
    """[(key prefix, first x, last x)] of the runs of keys sharing key[:depth]."""
    spans = []
    for key, x in xs.items():
        if spans and spans[-1][0] == key[:depth]:
            spans[-1] = (spans[-1][0], spans[-1][1], x)
        else:
            spans.append((key[:depth], x, x))
    return spans


def _session_label(trials, day, session):
    """The session's name and, if the file names contexts, its context below it."""
    rows = (trials["day"] == day) & (trials["session"] == session)
    name = trials.session_name(session)
    if "context" in trials.columns and rows.any() and trials.contexts:
        name += f"\n({trials.context_name(trials['context'][rows][0])})"
    return name


def _decorate(ax, xs, per, trials):
    """Day separators, "day N" labels and, below the axis, session names or day ticks."""
    days = _spans(xs, 1)
    for (_, _, last), (_, first, _) in zip(days[:-1], days[1:]):
        ax.axvline((last + first) / 2, color="0.4", linewidth=1)
    if per == "day":
        ax.set_xticks([x for x in xs.values()], [f"day {k[0]}" for k in xs])
        return
    for (day,), first, last in days:
        ax.text((first + last) / 2, 1.0, f"day {day}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8)
    sessions = _spans(xs, 2)
    ax.set_xticks([(a + b) / 2 for _, a, b in sessions],
                  [_session_label(trials, *k) for k, _, _ in sessions],
                  rotation=30 if len(sessions) > 4 else 0, ha="right" if len(sessions) > 4
                  else "center", fontsize=8)


def _segments(keys, per):
    """Runs of keys joined by a line: one per session for per-trial points, else all."""
    if per != "trial":
        return [list(keys)]
    return [[k for k in keys if k[:2] == prefix] for prefix in dict.fromkeys(k[:2] for k in keys)]


def _draw_run(ax, points, xs, per, colour, dx=0.0):
    """One run's points, a line per segment; returns the first line (for the legend)."""
    lines = [ax.plot([xs[k] + dx for k in seg], [100 * points[k] for k in seg], "o-",
                     markersize=3, color=colour)[0] for seg in _segments(list(points), per)]
    return lines[0] if lines else None


def _draw_group(ax, point_sets, xs, per, colour, dx=0.0):
    """A group's mean ± sem per key, a line per segment; returns the first (for the legend)."""
    keys, mean, sem, _ = group_stats(point_sets)
    stats = {k: (m, s) for k, m, s in zip(keys, mean, sem)}
    bars = [ax.errorbar([xs[k] + dx for k in seg], [100 * stats[k][0] for k in seg],
                        yerr=[100 * np.nan_to_num(stats[k][1]) for k in seg], fmt="o-",
                        markersize=3, capsize=2, color=colour)
            for seg in _segments(keys, per)]
    return bars[0] if bars else None


def _draw_entries(ax, points, xs, per):
    """Draw every entry (label, freezing_points of its files); returns [(handle, label)]."""
    # error bars of groups at the same x are shifted apart so that they stay readable
    grouped = any(len(sets) > 1 for _, sets, _ in points)
    legend = []
    for i, (lab, sets, _) in enumerate(points):
        dx = 0.12 * (i - (len(points) - 1) / 2) if grouped else 0.0
        if len(sets) == 1:
            legend.append((_draw_run(ax, sets[0], xs, per, f"C{i}", dx), lab))
        else:
            legend.append((_draw_group(ax, sets, xs, per, f"C{i}", dx),
                           f"{lab} (n={len(sets)}, mean ± sem)"))
    return [(h, lab) for h, lab in legend if h is not None]


def freezing_figure(entries, per="trial"):
    """Freezing (%) per trial, session or day, one curve per entry.

    entries: [(label, [Result, ...])]; an entry with one file is drawn as it is, one with
    several as their mean ± sem. Raises FearsimFileError if a file has no /trials."""
    points = [(lab, [freezing_points(require_trials(r), per) for r in runs], runs)
              for lab, runs in entries]
    xs = layout(sorted(set().union(*(p for _, sets, _ in points for p in sets))))
    fig = Figure(figsize=(min(20.0, max(7.0, 0.3 * len(xs) + 3.5)), 4.5), layout="constrained")
    ax = fig.subplots()
    legend = _draw_entries(ax, points, xs, per)
    _decorate(ax, xs, per, require_trials(entries[0][1][0]))
    ax.set_ylim(-3, 103)
    ax.set_ylabel("freezing (%)")
    ax.set_xlabel({"trial": "CS trials by session", "session": "session",
                   "day": "day"}[per])
    ax.grid(axis="y", alpha=0.3)
    if legend:
        ax.legend(*zip(*legend), fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
