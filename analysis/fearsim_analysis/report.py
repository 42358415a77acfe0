"""Commands for multi-day experiments: freezing, weights and report.

    python3 -m fearsim_analysis freezing RUN... -o FIG.png [--per trial|session|day]
    python3 -m fearsim_analysis weights RUN... -o FIG.png [--what weight,spines,...]
                                        [--only NAME]... [--early-late]
    python3 -m fearsim_analysis report RUN... -o DIR [--format png,pdf]
    python3 -m fearsim_analysis mechanism RUN -o FIG.png [--population P] [--projection A->P]

RUN... is any mix of result files, labelled in order by --label (repeatable) or --labels A,B
(default: the file name), and groups `--group NAME FILE [FILE ...]` (repeatable), whose files
are averaged (freezing: mean ± sem) or drawn in one colour (time courses).
"""
import argparse
import os
import sys

from . import htmlpage as html
from .load import FearsimFileError, load
from .mechanism import default_population, mechanism_figure
from .pk import pk_figure
from .timecourse import DEFAULT_KINDS, KINDS, timecourse_figure
from .trials import PER, freezing_points, freezing_figure, group_stats

FORMATS = ("png", "pdf")


def _comma_list(allowed, what):
    """An argparse type for a comma-separated list of items from allowed (as in __main__,
    which this module cannot import: __main__ imports it)."""
    def parse(text):
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(bad) or repr(text)}; choose from {','.join(allowed)}")
        return items
    return parse


def _add_runs(p):
    """The arguments naming the runs: files, their labels, and groups of files."""
    p.add_argument("results", nargs="*", metavar="RESULT.h5", help="result files, one curve each")
    p.add_argument("--label", action="append", dest="labels", metavar="LABEL",
                   help="label of the next RESULT, in order (repeatable; default: file name)")
    p.add_argument("--labels", action="extend", dest="labels", metavar="A,B",
                   type=lambda s: s.split(","), help="labels of the RESULTs, comma-separated")
    p.add_argument("--group", action="append", nargs="+", default=[],
                   metavar=("NAME", "FILE"), help="a group of result files drawn as one "
                   "curve (mean ± sem of freezing) (repeatable)")
    p.add_argument("--format", type=_comma_list(FORMATS, "format"), metavar="png,pdf",
                   help="figure formats (default: the extension of -o; png for report)")


def _label(path):
    return os.path.splitext(os.path.basename(path))[0]


def entries(args, error):
    """[(label, [Result, ...])] from the run arguments: one entry per file, one per group.

    Bad arguments go to error (exit 2); a bad file raises FearsimFileError."""
    labels = args.labels or [_label(p) for p in args.results]
    if len(labels) != len(args.results):
        error(f"{len(labels)} labels for {len(args.results)} result files")
    for g in args.group:
        if len(g) < 2:
            error(f"--group {g[0]} names no file: give --group NAME FILE [FILE ...]")
    named = labels + [g[0] for g in args.group]
    if not named:
        error("give at least one RESULT.h5 or --group NAME FILE ...")
    twice = sorted({n for n in named if named.count(n) > 1})
    if twice:
        error(f"label {', '.join(twice)} is used twice; give --label or distinct group names")
    return ([(lab, [load(p)]) for lab, p in zip(labels, args.results)]
            + [(g[0], [load(p) for p in g[1:]]) for g in args.group])


def _flat(found):
    """The (runs, labels) of entries, a group's files sharing its label."""
    pairs = [(r, lab) for lab, runs in found for r in runs]
    return [r for r, _ in pairs], [lab for _, lab in pairs]


def figure_paths(output, formats, error):
    """The figure files to write: output with each of formats, or output as it is."""
    base, ext = os.path.splitext(output)
    if ext.lower() not in (".png", ".pdf"):
        base, ext = output, ""
    if not (formats or ext):
        error(f"cannot tell the figure format of {output!r}: name it .png or .pdf, "
              "or give --format")
    paths = [f"{base}.{f}" for f in formats] if formats else [base + ext]
    if not os.path.isdir(os.path.dirname(paths[0]) or "."):
        error(f"the directory of {paths[0]!r} does not exist")
    return paths


def _write(fig, paths):
    """Save fig to paths (format by extension); 0, or 1 with a message if writing fails."""
    try:
        for p in paths:
            fig.savefig(p, dpi=150)
    except OSError as e:
        print(f"error: cannot write the figure: {e}", file=sys.stderr)
        return 1
    for p in paths:
        print(f"wrote {p}")
    return 0


def freezing_table(found, per="session"):
    """Tab-separated text: label, key columns, mean freezing (%), sem (%), files."""
    cols = {"trial": ["day", "session", "trial"], "session": ["day", "session"],
            "day": ["day"]}[per]
    rows = ["\t".join(["label", *cols, "freezing_pct", "sem_pct", "n"])]
    for lab, runs in found:
        keys, mean, sem, n = group_stats([freezing_points(r.trials, per) for r in runs])
        for k, m, s, c in zip(keys, mean, sem, n):
            rows.append("\t".join([lab, *map(str, k), f"{100 * m:.2f}",
                                   "" if s != s else f"{100 * s:.2f}", str(c)]))
    return "\n".join(rows) + "\n"


def _run_freezing(args, error):
    paths = figure_paths(args.output, args.format, error)
    return _write(freezing_figure(entries(args, error), args.per), paths)


def _run_weights(args, error):
    paths = figure_paths(args.output, args.format, error)
    runs, labels = _flat(entries(args, error))
    fig = timecourse_figure(runs, labels, args.what, args.only, args.early_late)
    return _write(fig, paths)


def _report_figures(found, per):
    """[(name, function making the figure)] of the standard set."""
    runs, labels = _flat(found)
    return [("freezing", lambda: freezing_figure(found, per)),
            ("weights", lambda: timecourse_figure(runs, labels, DEFAULT_KINDS)),
            ("drug", lambda: pk_figure(runs, labels))]


def _mechanism_figures(found):
    """[(name, function making the figure)]: the mechanism chain of each file, named
    mechanism_<label> (and a number for the files of a group)."""
    out = []
    for lab, runs in found:
        for i, r in enumerate(runs):
            name = f"mechanism_{html.slug(lab)}" + (f"_{i + 1}" if len(runs) > 1 else "")
            out.append((name, lambda r=r: mechanism_figure(r, default_population(r))))
    return out


def _made(found, per):
    """[(name, Figure)] of the standard set that the files hold data for; a note on
    stdout for each one skipped."""
    made = []
    for name, make in _report_figures(found, per) + _mechanism_figures(found):
        try:
            made.append((name, make()))
        except FearsimFileError as e:
            print(f"skipped {name}: {e}")
    return made


def _run_report(args, error):
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
        error(f"the parent directory of {args.output!r} does not exist")
    found = entries(args, error)
    made = _made(found, args.per)
    if not made:
        raise FearsimFileError("nothing to report: no /trials, weight or spine series, or "
                               "drug concentrations in the file(s)")
    os.makedirs(args.output, exist_ok=True)
    for name, fig in made:
        base = os.path.join(args.output, name)
        if _write(fig, [f"{base}.{f}" for f in args.format or ["png"]]):
            return 1
    if made[0][0] == "freezing":
        table = os.path.join(args.output, "freezing.tsv")
        with open(table, "w") as f:
            f.write(freezing_table(found))
        print(f"wrote {table}")
    page = os.path.join(args.output, "index.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(html.page(found, made))
    print(f"wrote {page}")
    return 0


def _run_mechanism(args, error):
    paths = figure_paths(args.output, args.format, error)
    result = load(args.result)
    fig = mechanism_figure(result, args.population or default_population(result),
                           args.projection)
    return _write(fig, paths)


def add_commands(sub):
    """Add freezing, weights and report to the subparsers sub; {name: (parser, run)}."""
    fr = sub.add_parser("freezing", help="freezing per trial across days and sessions",
                        description="Freezing (%) per CS trial, grouped by day and session, "
                                    "of several runs overlaid or groups as mean ± sem.")
    _add_runs(fr)
    fr.add_argument("-o", "--output", required=True, metavar="FIG.png")
    fr.add_argument("--per", choices=PER, default="trial",
                    help="one point per trial (default), session or day")
    we = sub.add_parser("weights", help="weights and spine density over days",
                        description="Slow /timeline series over time: mean weight per "
                                    "projection, spine density per population, ...")
    _add_runs(we)
    we.add_argument("-o", "--output", required=True, metavar="FIG.png")
    we.add_argument("--what", type=_comma_list(tuple(KINDS), "series kind"),
                    default=list(DEFAULT_KINDS), metavar=",".join(KINDS),
                    help=f"kinds of series (default {','.join(DEFAULT_KINDS)})")
    we.add_argument("--only", action="append", metavar="NAME",
                    help="only this projection or population (repeatable), e.g. CS->LA_E")
    we.add_argument("--early-late", action="store_true",
                    help="also draw the early (dashed) and late (dotted) weight components")
    rep = sub.add_parser("report", help="the standard figures of an experiment into a directory",
                         description="freezing, weights (weights and spines), drug "
                                     "(concentration and block) and mechanism (one per file) "
                                     "figures, freezing.tsv (mean freezing per session) and "
                                     "index.html (one self-contained page: the figures, the "
                                     "experiment files, provenance and trial tables; it opens "
                                     "offline) into DIR; a figure whose data the files lack "
                                     "is skipped with a note.")
    _add_runs(rep)
    rep.add_argument("-o", "--output", required=True, metavar="DIR")
    rep.add_argument("--per", choices=PER, default="trial", help="points of the freezing figure")
    me = sub.add_parser("mechanism", help="the mechanism chain of one run in one figure",
                        description="Dose, plasma and effect-site concentration, NMDA block "
                                    "at rest and during activity, synaptic calcium, early and "
                                    "consolidated weight, BDNF and spines, and freezing, on "
                                    "one time axis (days), for one population and one plastic "
                                    "projection onto it.")
    me.add_argument("result", metavar="RESULT.h5")
    me.add_argument("-o", "--output", required=True, metavar="FIG.png")
    me.add_argument("--format", type=_comma_list(FORMATS, "format"), metavar="png,pdf",
                    help="figure formats (default: the extension of -o)")
    me.add_argument("--population", metavar="POP",
                    help="the population (default IL_E if the run has it, else the first "
                         "with plastic input)")
    me.add_argument("--projection", metavar="A->POP",
                    help="the plastic projection onto it (default: the first)")
    return {"freezing": (fr, _run_freezing), "weights": (we, _run_weights),
            "report": (rep, _run_report), "mechanism": (me, _run_mechanism)}
