"""The report as one self-contained HTML page: figures embedded as base64 PNG, the experiment
file of every run, its provenance and its trials, with no link outside the page, so that it
opens offline (from a USB stick, in any browser).

On load, a two-line script writes into <body data-figures="k/n"> how many of the n figures
the browser decoded (k): a headless browser's --dump-dom shows whether every figure rendered.
"""
import base64
import html
import io
import re

import numpy as np

_STYLE = """
body { font-family: sans-serif; margin: 1.5em 2%; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th { background: #f0f0f0; } td.l, th.l { text-align: left; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
figure { margin: 1em 0; } figcaption { color: #555; font-size: 0.9em; }
"""
_SCRIPT = """
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  document.body.setAttribute("data-figures", ok + "/" + imgs.length);
});
"""
#: Root attributes shown as provenance, in this order.
PROVENANCE = ("experiment_file", "fearsim_version", "git_commit", "seed", "threads", "ranks",
              "start_time", "end_time", "duration")
#: What each figure of the standard set shows (the mechanism figures: by prefix).
CAPTIONS = {"freezing": "Freezing (%) on every CS trial, by day and session.",
            "weights": "Mean synaptic weights and spine density over the days.",
            "drug": "Drug concentration in plasma and at the effect site, and NMDA block.",
            "mechanism": "The mechanism chain on one time axis: dose, concentration, NMDA "
                         "block, synaptic calcium, early and consolidated weight, BDNF and "
                         "spines, freezing."}


def slug(text):
    """text reduced to letters, digits, '-' and '_' (a file name part)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_") or "run"


def png_data_uri(fig, dpi=100):
    """The figure as a data: URI of a PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _e(x):
    return html.escape(str(x))


def _provenance(result):
    rows = [f"<tr><th class='l'>file</th><td class='l'>{_e(result.path)}</td></tr>"]
    for key in PROVENANCE:
        if key in result.meta:
            value = result.meta[key]
            unit = " s" if key == "duration" else ""
            rows.append(f"<tr><th class='l'>{_e(key)}</th><td class='l'>{_e(value)}{unit}"
                        "</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _trials_table(result):
    tr = result.trials
    if tr is None:
        return "<p>No trials in this run.</p>"
    head = "".join(f"<th>{h}</th>" for h in ("day", "session", "trial", "context",
                                             "freezing (%)"))
    rows = []
    for i in range(len(tr)):
        f = tr["freezing"][i]
        ctx = tr.context_name(tr["context"][i]) if "context" in tr.columns else ""
        rows.append(f"<tr><td>{int(tr['day'][i])}</td>"
                    f"<td class='l'>{_e(tr.session_name(tr['session'][i]))}</td>"
                    f"<td>{int(tr['trial'][i]) + 1}</td><td>{_e(ctx)}</td>"
                    f"<td>{'US alone' if not np.isfinite(f) else f'{100 * f:.1f}'}</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _caption(name):
    return CAPTIONS.get(name, CAPTIONS["mechanism"] if name.startswith("mechanism") else "")


def page(found, made):
    """The page of a report. found: [(label, [Result, ...])] (report.entries); made:
    [(name, Figure)] of the figures to embed."""
    runs = [(lab, r) for lab, rs in found for r in rs]
    title = "fearsim report: " + ", ".join(dict.fromkeys(lab for lab, _ in runs))
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{_e(title)}</h1>", "<h2>Figures</h2>"]
    for name, fig in made:
        parts.append(f"<figure id='{_e(name)}'><img alt='{_e(name)}' "
                     f"src='{png_data_uri(fig)}'><figcaption><b>{_e(name)}</b>: "
                     f"{_e(_caption(name))}</figcaption></figure>")
    for lab, r in runs:
        parts += [f"<h2>Run {_e(lab)}</h2>", "<h3>Provenance</h3>", _provenance(r),
                  "<h3>Trials</h3>", _trials_table(r),
                  "<details><summary>The experiment file (after overrides, with its circuit)"
                  f"</summary><pre>{_e(r.experiment_yaml)}</pre></details>"]
    parts.append(f"<script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)
