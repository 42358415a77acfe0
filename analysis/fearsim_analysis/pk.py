"""Drug concentration over time: plasma (ng/mL) and effect site (uM) of every drug in a run,
optionally beside published reference levels (e.g. the 185 ng/mL observed at the end of a
0.5 mg/kg / 40 min ketamine infusion, Zarate et al. 2006)."""
import re

from matplotlib.figure import Figure

from .load import FearsimFileError

_SERIES = re.compile(r"^(?P<drug>.+)_(?P<where>plasma|effect)_(?P<unit>ng_per_mL|uM)$")
_TIME_UNITS = ((600, "s", 1.0), (3 * 3600, "min", 60.0), (3 * 86400, "h", 3600.0),
               (float("inf"), "days", 86400.0))


def drug_series(result):
    """{drug: {(where, unit): Series}} of the run's concentration series."""
    drugs = {}
    for name, s in result.timeline.items():
        m = _SERIES.match(name)
        if m and s.time is not None:
            drugs.setdefault(m["drug"], {})[(m["where"], m["unit"])] = s
    return drugs


def parse_reference(text):
    """'185:observed Cmax' -> (185.0, 'observed Cmax'); the label is optional."""
    value, _, label = text.partition(":")
    try:
        return float(value), label or f"{value} ng/mL"
    except ValueError:
        raise ValueError(f"expected VALUE[:LABEL] in ng/mL, got {text!r}") from None


def pk_figure(results, labels, references=(), t_start=None, t_stop=None):
    """Two panels: plasma in ng/mL with the reference levels, effect site in uM."""
    found = [(r, lab, drug_series(r)) for r, lab in zip(results, labels)]
    if not any(d for _, _, d in found):
        raise FearsimFileError(f"{results[0].path}: no drug concentrations in /timeline")
    span = max(s.time.max() for _, _, d in found for by in d.values() for s in by.values())
    lo, hi = t_start or 0.0, t_stop if t_stop is not None else span
    unit, scale = next((n, k) for limit, n, k in _TIME_UNITS if hi - lo <= limit)
    fig = Figure(figsize=(8, 6), constrained_layout=True)
    axes = fig.subplots(2, 1, sharex=True)
    for ax, (where, u, ylabel) in zip(axes, (("plasma", "ng_per_mL", "plasma (ng/mL)"),
                                             ("effect", "uM", "effect site (uM)"))):
        for _, lab, drugs in found:
            for drug, by in drugs.items():
                s = by.get((where, u))
                if s is None:
                    continue
                keep = (s.time >= lo) & (s.time <= hi)
                name = drug if len(found) == 1 else f"{lab}: {drug}"
                ax.plot(s.time[keep] / scale, s.values[keep], label=name)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    top = max([axes[0].get_ylim()[1]] + [1.2 * v for v, _ in references])
    axes[0].set_ylim(0, top)
    for value, label in references:
        axes[0].axhline(value, color="0.3", linestyle="--", linewidth=1)
        axes[0].annotate(label, (0.01, value), xycoords=("axes fraction", "data"),
                         xytext=(0, 3), textcoords="offset points", ha="left", va="bottom",
                         fontsize=8, color="0.3")
    axes[0].legend(loc="upper right", fontsize=8, bbox_to_anchor=(1.0, 0.85))
    axes[1].set_xlabel(f"time ({unit})")
    axes[0].set_title("drug concentration over time")
    return fig
