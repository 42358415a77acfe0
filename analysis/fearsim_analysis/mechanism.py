"""The mechanism chain of one run in one figure, on one time axis (days):

    dose -> plasma and effect-site concentration -> NMDA block at rest and during activity
    -> synaptic calcium -> early and consolidated weight -> BDNF and spines -> freezing

for one population (default IL_E, where the model's ketamine grows spines) and one plastic
projection onto it (default the first, e.g. CS->IL_E). Six panels, sized for a slide.

    python3 -m fearsim_analysis mechanism RUN.h5 -o FIG.png [--population IL_E]
                                                            [--projection CS->IL_E]
"""
import os

import numpy as np
import yaml
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .load import FearsimFileError
from .pk import drug_series

_DAY = 86400.0
#: A slide: 1280 x 720 at 100 dpi (1920 x 1080 as written at 150 dpi).
SLIDE = (12.8, 7.2)


def doses(result):
    """[(time in s, label)] of the doses in the run's experiment text (its drugs: list)."""
    try:
        doc = yaml.safe_load(result.experiment_yaml.split("\n# --- the circuit file")[0])
    except yaml.YAMLError:
        return []
    out = []
    for d in (doc or {}).get("drugs", []) or []:
        if not isinstance(d, dict) or "day" not in d:
            continue
        hh, mm = (str(d.get("time", "0:00")).split(":") + ["0"])[:2]
        t = (int(d["day"]) - 1) * _DAY + int(hh) * 3600 + int(mm) * 60
        what = " ".join(str(d[k]) for k in ("drug", "dose") if k in d)
        out.append((float(t), what))
    return out


def _days(t):
    """Time (s from the start of day 1) as the day number: day 1 runs from 1 to 2."""
    return np.asarray(t) / _DAY + 1.0


def _series(result, name):
    s = result.timeline.get(name)
    return s if s is not None and s.time is not None and s.values.size else None


def projections_onto(result, pop):
    """The plastic projections onto pop that have a weight series, in file order."""
    names = [n[len("weight_early_"):] for n in result.timeline if n.startswith("weight_early_")]
    return [n for n in names if n.endswith("->" + pop)]


def default_population(result):
    """IL_E when the run has plastic input onto it (ketamine's spines grow there), else the
    first population with plastic input that has a weight series."""
    if projections_onto(result, "IL_E"):
        return "IL_E"
    names = [n[len("weight_early_"):] for n in result.timeline if n.startswith("weight_early_")]
    return names[0].split("->")[-1] if names else "IL_E"


def _line(ax, s, label, **style):
    if s is not None:
        ax.plot(_days(s.time), s.values, label=label, **style)
    return s is not None


def _drug_panel(ax, result):
    marked = False
    for t, what in doses(result):
        ax.axvline(_days(t), color="k", lw=0.8, ls=":")
        ax.annotate(what, (_days(t), 1.0), xycoords=("data", "axes fraction"), fontsize=8,
                    xytext=(3, -12), textcoords="offset points")
        marked = True
    drawn = False
    for drug, by in drug_series(result).items():
        drawn |= _line(ax, by.get(("plasma", "uM")), f"{drug} plasma")
        drawn |= _line(ax, by.get(("effect", "uM")), f"{drug} effect site", ls="--")
    ax.set_ylabel("drug (µM)")
    ax.set_title("1  dose → concentration in plasma and at the effect site", loc="left",
                 fontsize=10)
    if not (drawn or marked):
        ax.text(0.5, 0.5, "no drug in this run", transform=ax.transAxes, ha="center",
                color="0.4")


def _block_panel(ax, result, pop):
    rest = _line(ax, _series(result, f"block_rest_{pop}"), f"{pop} at rest (drives BDNF)")
    act = _line(ax, _series(result, f"block_{pop}"), f"{pop} during activity (last arrival)",
                ls="--")
    ax.set_ylabel("NMDA block")
    ax.set_title("2  NMDA receptors blocked", loc="left", fontsize=10)
    if not (rest or act):
        ax.text(0.5, 0.5, "no drug: no block", transform=ax.transAxes, ha="center",
                color="0.4")


def _calcium_panel(ax, result, proj):
    s = _series(result, f"calcium_{proj}")
    if s is None:
        ax.text(0.5, 0.5, f"no calcium_{proj} series", transform=ax.transAxes, ha="center",
                color="0.4")
    else:
        active = s.values > 1e-6  # between sessions the calcium has decayed to nothing
        ax.plot(_days(s.time[active]), s.values[active], ".", ms=2, label=f"{proj} (mean)")
    ax.set_ylabel("calcium")
    ax.set_title("3  synaptic calcium (during the sessions)", loc="left", fontsize=10)


def _weight_panel(ax, result, proj):
    for kind, style, what in (("weight_early", "-", "early"), ("weight_late", "--",
                                                                "consolidated")):
        s = _series(result, f"{kind}_{proj}")
        if s is not None:
            ax.plot(_days(s.time), s.values * (1e9 if s.units == "S" else 1.0), ls=style,
                    label=f"{proj} {what}")
    ax.set_ylabel("weight (nS)")
    ax.set_title("4  early and consolidated weight", loc="left", fontsize=10)


def _bdnf_panel(ax, result, pop):
    _line(ax, _series(result, f"bdnf_{pop}"), f"BDNF {pop}", color="C2")
    _line(ax, _series(result, f"spines_{pop}"), f"spines {pop}", color="C3", ls="--")
    ax.set_ylabel("relative to start")
    ax.set_title("5  BDNF and spine density", loc="left", fontsize=10)


def _freezing_panel(ax, result):
    tr = result.trials
    if tr is None or "cs_on" not in tr.columns:
        ax.text(0.5, 0.5, "no trials in this run", transform=ax.transAxes, ha="center",
                color="0.4")
    else:
        cs = np.isfinite(tr["freezing"]) & np.isfinite(tr["cs_on"])
        sessions = tr["session"][cs]
        for i, s in enumerate(np.unique(sessions)):
            k = sessions == s
            ax.plot(_days(tr["cs_on"][cs][k]), 100 * tr["freezing"][cs][k], "o", ms=3,
                    color=f"C{i % 10}", label=tr.session_name(s))
    ax.set_ylim(-3, 103)
    ax.set_ylabel("freezing (%)")
    ax.set_title("6  behaviour: freezing per CS trial", loc="left", fontsize=10)


def mechanism_figure(result, population="IL_E", projection=None):
    """The six panels of the chain for one run. Raises FearsimFileError when the run has no
    slow series for population (naming those it has) or projection is not onto it."""
    onto = projections_onto(result, population)
    if not onto:
        have = sorted({n.split("_", 1)[1] for n in result.timeline if n.startswith("bdnf_")})
        raise FearsimFileError(f"{result.path}: no plastic projection onto {population} in "
                               f"/timeline; populations with slow state: "
                               f"{', '.join(have) or 'none'}")
    proj = projection or onto[0]
    if proj not in onto:
        raise FearsimFileError(f"{result.path}: {proj} is not a plastic projection onto "
                               f"{population}; choose from {', '.join(onto)}")
    fig = Figure(figsize=SLIDE, layout="constrained")
    axes = fig.subplots(3, 2, sharex=True).T.ravel()
    _drug_panel(axes[0], result)
    _block_panel(axes[1], result, population)
    _calcium_panel(axes[2], result, proj)
    _weight_panel(axes[3], result, proj)
    _bdnf_panel(axes[4], result, population)
    _freezing_panel(axes[5], result)
    for ax in axes:
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="center right" if ax is axes[0] else "best")
    for ax in (axes[2], axes[5]):
        ax.set_xlabel("day of the experiment")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    source = os.path.basename(str(result.meta.get("experiment_file", result.path)))
    fig.suptitle(f"{source}: the chain in {population}, {proj}", fontsize=11)
    return fig
