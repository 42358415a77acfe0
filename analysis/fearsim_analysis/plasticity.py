"""Plasticity read-outs: the frequency-response curve of a stimulation experiment.

Strength is counted as Graupner & Brunel (2012) do: each synapse is UP (rho > rho*) or DOWN,
a DOWN synapse weighs 1 and an UP one b, and a group's strength is the mean over its synapses.
The change of strength of a projection is its strength in the last snapshot over the first.
"""
import re

import h5py
import numpy as np
from matplotlib.figure import Figure

from .load import FearsimFileError

_FREQ = re.compile(r"^(?P<f>\d+(?:\.\d+)?)\s*Hz$")


def _strength(group):
    rho = group["rho"][()]
    b, star = float(group.attrs["b"]), float(group.attrs["rho_star"])
    return float(np.mean(1.0 + (b - 1.0) * (rho > star)))


def frequency_response(path):
    """[(frequency in Hz, relative change of strength)] of the plastic projections of a run
    whose names are frequencies ("10Hz"), sorted by frequency."""
    with h5py.File(path, "r") as f:
        snaps = sorted(f.get("snapshots", {}), key=int)
        if len(snaps) < 2:
            raise FearsimFileError(f"{path}: needs two snapshots (record.snapshots)")
        first, last = f["snapshots"][snaps[0]], f["snapshots"][snaps[-1]]
        points = []
        for name, group in first.items():
            m = _FREQ.match(name)
            if m and "rho" in group and name in last:
                points.append((float(m["f"]), _strength(last[name]) / _strength(group) - 1.0))
    if not points:
        raise FearsimFileError(f"{path}: no plastic projection named by a frequency (\"10Hz\")")
    return sorted(points)


def frequency_figure(points, title="frequency response"):
    """Change of synaptic strength (%) against stimulation frequency (log axis)."""
    f = np.array([p[0] for p in points])
    change = 100.0 * np.array([p[1] for p in points])
    fig = Figure(figsize=(6, 4), constrained_layout=True)
    ax = fig.subplots()
    ax.axhline(0.0, color="0.5", linewidth=1)
    ax.plot(f, change, "o-", color="C0")
    ax.set_xscale("log")
    ax.set_xticks(f)
    ax.set_xticklabels([f"{x:g}" for x in f])
    ax.set_xlabel("stimulation frequency (Hz), 900 pulses")
    ax.set_ylabel("change of synaptic strength (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig
