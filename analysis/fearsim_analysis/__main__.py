"""Command line of fearsim_analysis: `fearsim-analysis COMMAND ...` (analysis/fearsim-analysis
in the source tree, bin/fearsim-analysis installed) or `python3 -m fearsim_analysis COMMAND ...`
with the package on the path.

    python3 -m fearsim_analysis plot RESULT.h5 [RESULT2.h5 ...] [-o FIG.png] [--format png,pdf]
                                [--what raster,rates,timeline] [--t-start S] [--t-stop S]
                                [--labels a,b] [--max-neurons N]
    python3 -m fearsim_analysis summary RESULT.h5 [--yaml]
    python3 -m fearsim_analysis freezing|weights|report ...   (see report.py)
    python3 -m fearsim_analysis sweep SUMMARY.h5 ...          (see sweep.py)
    python3 -m fearsim_analysis cohort SUMMARY.h5 [-o PREFIX]  (see cohort.py)

Exit codes: 0 success, 1 failure while writing the figure, 2 bad arguments or a file
that is not a fearsim result.
"""
import argparse
import math
import os
import sys

from .load import FearsimFileError, load, mean_rates
from .plot import WHAT, make_figure, save
from .report import add_commands
from .cohort import add_commands as add_cohort_commands
from .sweep import add_commands as add_sweep_commands
from .sensitivity import add_commands as add_sensitivity_commands

FORMATS = ("png", "pdf")
#: Units of root attributes that record.h documents without a "<name>_units" companion.
ROOT_UNITS = {"dt": "s", "duration": "s"}


def _choices(allowed, what):
    """An argparse type for a comma-separated list of items from allowed."""
    def parse(text):
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(bad) or repr(text)}; choose from {','.join(allowed)}")
        return items
    return parse


def _add_plot_args(p):
    p.add_argument("results", nargs="+", metavar="RESULT.h5", help="fearsim result file(s)")
    p.add_argument("-o", "--output", metavar="FIG.png",
                   help="figure file, .png or .pdf (default: the first RESULT with .png)")
    p.add_argument("--format", type=_choices(FORMATS, "format"), metavar="png,pdf",
                   help="write FIG.<format> for each format given, whatever the extension of -o")
    p.add_argument("--what", type=_choices(WHAT, "panel kind"), metavar=",".join(WHAT),
                   help="panels to draw (default: all for one run, rates,timeline for several)")
    p.add_argument("--t-start", type=float, metavar="S", help="start of the time window (s)")
    p.add_argument("--t-stop", type=float, metavar="S", help="end of the time window (s)")
    p.add_argument("--labels", type=lambda s: s.split(","), metavar="A,B",
                   help="one label per RESULT for legends (default: file names)")
    p.add_argument("--max-neurons", type=int, default=100, metavar="N",
                   help="at most N neurons per population in a raster (default 100)")


def _outputs(args, error):
    """The figure paths to write, from -o and --format."""
    if args.output is None:
        base, ext = os.path.splitext(args.results[0])[0], ".png"
    else:
        base, ext = os.path.splitext(args.output)
        if ext.lower() not in (".png", ".pdf"):
            base, ext = args.output, ""
    if not (args.format or ext):
        error(f"cannot tell the figure format of {args.output!r}: "
              "name it .png or .pdf, or give --format")
    paths = [f"{base}.{f}" for f in args.format] if args.format else [base + ext]
    for p in paths:
        if not os.path.isdir(os.path.dirname(p) or "."):
            error(f"the directory of {p!r} does not exist")
    return paths


def _run_plot(args, error):
    if args.labels is not None and len(args.labels) != len(args.results):
        error(f"--labels has {len(args.labels)} labels for {len(args.results)} result files")
    if args.t_start is not None and args.t_stop is not None and args.t_start >= args.t_stop:
        error("--t-start must be smaller than --t-stop")
    if args.max_neurons < 1:
        error("--max-neurons must be at least 1")
    paths = _outputs(args, error)
    runs = [load(p) for p in args.results]
    fig = make_figure(runs, args.labels, args.what, args.t_start, args.t_stop,
                      args.max_neurons)
    try:
        save(fig, paths)
    except OSError as e:
        print(f"error: cannot write the figure: {e}", file=sys.stderr)
        return 1
    for p in paths:
        print(f"wrote {p}")
    return 0


def _table(rows):
    """Rows of strings as left-aligned columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def summary(result, yaml=False):
    """The text printed by `summary`: metadata, populations, spike counts and mean rates."""
    lines = [f"file: {result.path}"]
    for key, value in result.meta.items():
        if key.endswith("_units") and key[:-6] in result.meta:
            continue
        units = result.meta.get(f"{key}_units", ROOT_UNITS.get(key, ""))
        lines.append(f"{key}: {value}" + (f" {units}" if units else ""))
    n = len(result.experiment_yaml.splitlines())
    lines.append(f"experiment_yaml: {n} lines" + ("" if yaml else " (--yaml prints them)"))
    rows = [("population", "kind", "model", "size", "spikes", "mean rate (Hz)", "from")]
    for pop, (rate, source) in mean_rates(result).items():
        p = result.populations.get(pop)
        rows.append((pop, p.kind if p else "", p.model if p else "",
                     str(p.size) if p and p.size is not None else "?",
                     str(result.spikes[pop].timestamps.size) if pop in result.spikes else "-",
                     "-" if math.isnan(rate) else f"{rate:.3f}", source))
    lines += ["", _table(rows)]
    if result.rates:
        lines.append(f"\nrates: {result.rates.time.size} bins")
    if result.timeline:
        lines.append(f"timeline: {', '.join(result.timeline)}")
    if yaml:
        lines += ["", result.experiment_yaml.rstrip("\n")]
    return "\n".join(lines)


def _run_pk(args, error):
    from .pk import parse_reference, pk_figure
    try:
        refs = [parse_reference(r) for r in args.reference]
    except ValueError as e:
        error(str(e))
    results = [load(p) for p in args.results]
    labels = args.labels.split(",") if args.labels else [os.path.basename(p) for p in args.results]
    if len(labels) != len(results):
        error("--labels needs one label per RESULT")
    fig = pk_figure(results, labels, refs, args.t_start, args.t_stop)
    fig.savefig(args.output, dpi=150)
    print(f"wrote {args.output}")
    return 0


def _run_frequency(args, error):
    from .plasticity import frequency_figure, frequency_response
    points = frequency_response(args.result)
    for f, change in points:
        print(f"{f:g} Hz: {100 * change:+.1f} %")
    frequency_figure(points).savefig(args.output, dpi=150)
    print(f"wrote {args.output}")
    return 0


def _run_summary(args, error):
    print(summary(load(args.result), args.yaml))
    return 0


def _guard(run, args, error, prog):
    """Run a command, turning a bad file into exit code 2 with a one-line message."""
    try:
        return run(args, error)
    except FearsimFileError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2


def main(argv=None, prog="python3 -m fearsim_analysis"):
    """Entry point of `python3 -m fearsim_analysis` and of the fearsim-analysis launcher;
    returns the exit code."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description="Plot and summarise fearsim result files.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plot_p = sub.add_parser("plot", help="figures of one run, or several runs overlaid",
                            description="Spike rasters, population rates and timeline "
                                        "series of one or several runs.")
    _add_plot_args(plot_p)
    pk_p = sub.add_parser("pk", help="drug concentration (plasma, effect site) and receptor "
                                     "block over time",
                          description="Plasma (ng/mL) and effect-site (uM) concentration of "
                                      "every drug of one or several runs, and the receptor "
                                      "block per population when the runs record it.")
    pk_p.add_argument("results", nargs="+", metavar="RESULT.h5")
    pk_p.add_argument("-o", "--output", required=True, metavar="FIG.png")
    pk_p.add_argument("--reference", action="append", default=[], metavar="NG_PER_ML[:LABEL]",
                      help="a reference level drawn on the plasma panel (repeatable)")
    pk_p.add_argument("--labels", default=None, metavar="A,B")
    pk_p.add_argument("--t-start", type=float, default=None, metavar="S")
    pk_p.add_argument("--t-stop", type=float, default=None, metavar="S")
    freq_p = sub.add_parser("frequency", help="frequency-response curve of a stimulation run",
                            description="Change of synaptic strength per stimulation "
                                        "frequency, from the first and last snapshots of the "
                                        "plastic projections named by a frequency (\"10Hz\").")
    freq_p.add_argument("result", metavar="RESULT.h5")
    freq_p.add_argument("-o", "--output", required=True, metavar="FIG.png")
    sum_p = sub.add_parser("summary", help="metadata, populations, spike counts, mean rates")
    sum_p.add_argument("result", metavar="RESULT.h5")
    sum_p.add_argument("--yaml", action="store_true", help="also print the experiment YAML")
    days = add_commands(sub)  # freezing, weights, report (report.py)
    days.update(add_sweep_commands(sub))  # sweep (sweep.py)
    days.update(add_cohort_commands(sub))  # cohort (cohort.py)
    days.update(add_sensitivity_commands(sub))  # sensitivity (sensitivity.py)
    args = parser.parse_args(argv)
    if args.command in days:
        return _guard(days[args.command][1], args, days[args.command][0].error,
                      days[args.command][0].prog)
    if args.command == "plot":
        return _guard(_run_plot, args, plot_p.error, plot_p.prog)
    if args.command == "pk":
        return _guard(_run_pk, args, pk_p.error, pk_p.prog)
    if args.command == "frequency":
        return _guard(_run_frequency, args, freq_p.error, freq_p.prog)
    return _guard(_run_summary, args, sum_p.error, sum_p.prog)


def plot_main(argv=None, prog="fearsim-plot"):
    """Entry point of the analysis/fearsim-plot wrapper: the plot command on its own."""
    parser = argparse.ArgumentParser(prog=prog, description="Plot fearsim result files.")
    _add_plot_args(parser)
    return _guard(_run_plot, parser.parse_args(argv), parser.error, prog)


if __name__ == "__main__":
    sys.exit(main())
