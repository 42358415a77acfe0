"""Drug concentration over time: plasma (ng/mL) and effect site (uM) of every drug in a run,
optionally beside published reference levels (e.g. the 185 ng/mL observed at the end of a
0.5 mg/kg / 40 min ketamine infusion, Zarate et al. 2006), and the receptor block that the
drug causes in each population (/timeline/block_<population>)."""
import re

from matplotlib.figure import Figure

from .load import FearsimFileError
from .plot import _time_axis, draw_curves

_SERIES = re.compile(r"^(?P<drug>.+)_(?P<where>plasma|effect)_(?P<unit>ng_per_mL|uM)$")
_BLOCK = re.compile(r"^block_(?!rest_)(?P<pop>.+)$")
_REST = re.compile(r"^block_rest_(?P<pop>.+)$")
#: The concentration panels: (where, unit, y label).
_PANELS = (("plasma", "ng_per_mL", "plasma (ng/mL)"), ("effect", "uM", "effect site (uM)"))


def drug_series(result):
    """{drug: {(where, unit): Series}} of the run's concentration series."""
    drugs = {}
    for name, s in result.timeline.items():
        m = _SERIES.match(name)
        if m and s.time is not None:
            drugs.setdefault(m["drug"], {})[(m["where"], m["unit"])] = s
    return drugs


def block_series(result):
    """{population: Series} of the run's receptor-block series (fraction blocked, 0..1)."""
    return {m["pop"]: s for name, s in result.timeline.items()
            if (m := _BLOCK.match(name)) and s.time is not None}


def rest_block_series(result):
    """{"<population> at rest": Series} of the run's block-at-rest series (0..1): the
    equilibrium block at the resting potential, which follows the drug even while the
    synapses are silent (block_<population> changes only when transmitter arrives)."""
    return {f"{m['pop']} at rest": s for name, s in result.timeline.items()
            if (m := _REST.match(name)) and s.time is not None}


def parse_reference(text):
    """'185:observed Cmax' -> (185.0, 'observed Cmax'); the label is optional."""
    value, _, label = text.partition(":")
    try:
        return float(value), label or f"{value} ng/mL"
    except ValueError:
        raise ValueError(f"expected VALUE[:LABEL] in ng/mL, got {text!r}") from None


def _curves(results, labels, find):
    """[(curve label, Series)] of every item of find(run) ({name: Series}) of every run; the
    label is the item's name and, when there are several run labels, the run's label too."""
    several = len(set(labels)) > 1
    return [(f"{lab}: {key}" if several else key, s)
            for r, lab in zip(results, labels) for key, s in find(r).items()]


def _references(ax, references):
    """Dashed horizontal lines at the reference levels, each with its label."""
    ax.set_ylim(0, max([ax.get_ylim()[1]] + [1.2 * v for v, _ in references]))
    for value, label in references:
        ax.axhline(value, color="0.3", linestyle="--", linewidth=1)
        ax.annotate(label, (0.01, value), xycoords=("axes fraction", "data"), xytext=(0, 3),
                    textcoords="offset points", ha="left", va="bottom", fontsize=8,
                    color="0.3")


def _block_legend(ax):
    """Inside the panel when short; beside it, in columns of at most 10, when the runs and
    populations make it long (it would hide the curves)."""
    entries = len(ax.get_legend_handles_labels()[1])
    if entries <= 6:
        ax.legend(loc="upper right", fontsize=8)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small",
                  ncol=-(-entries // 10))


def pk_figure(results, labels, references=(), t_start=None, t_stop=None, block=True):
    """Plasma in ng/mL with the reference levels, effect site in uM and, if block and the
    runs record it, the receptor block per population (fraction 0..1), on one time axis.

    Runs with the same label (a group) share a colour. Raises FearsimFileError when no run
    has a drug concentration."""
    drugs = [drug_series(r) for r in results]
    if not any(drugs):
        raise FearsimFileError(f"{results[0].path}: no drug concentrations in /timeline")
    blocks = [block_series(r) for r in results] if block else []
    blocks += [rest_block_series(r) for r in results] if block else []
    times = [s.time for d in drugs for by in d.values() for s in by.values()]
    lo = t_start or 0.0
    hi = t_stop if t_stop is not None else max(t.max() for t in times)
    unit, scale = _time_axis(times, lo, hi)
    n = 3 if any(blocks) else 2
    fig = Figure(figsize=(12.8, 2.2 * n + 0.6), constrained_layout=True)  # 3 panels: 1280 x 720
    axes = fig.subplots(n, 1, sharex=True)
    for ax, (where, u, ylabel) in zip(axes, _PANELS):
        curves = _curves(results, labels, lambda r, k=(where, u): {
            d: by[k] for d, by in drug_series(r).items() if k in by})
        draw_curves(ax, curves, scale, lo, hi)
        ax.set_ylabel(ylabel)
    if n == 3:
        draw_curves(axes[2], _curves(results, labels, block_series), scale, lo, hi)
        draw_curves(axes[2], _curves(results, labels, rest_block_series), scale, lo, hi,
                    linestyle="--")
        axes[2].set_ylim(-0.02, 1.02)
        axes[2].set_ylabel("receptor block (fraction)")
        _block_legend(axes[2])
    _references(axes[0], references)
    axes[0].legend(loc="upper right", fontsize=8, bbox_to_anchor=(1.0, 0.85))
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel(f"time ({unit})")
    axes[0].set_title("drug concentration" + (" and receptor block" if n == 3 else "")
                      + " over time")
    return fig
