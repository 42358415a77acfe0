"""Virtual cohorts: outcomes per subject and group statistics from the summary.h5 that
`fearsim sweep COHORT.yaml` writes (docs/cohorts.md).

    python3 -m fearsim_analysis cohort DIR/summary.h5 [-o DIR/cohort]

writes DIR/cohort_stats.csv and .h5 (one table: per-trial mean ± SEM per arm, the endpoint's
test and effect size, responder and remission rates with Wilson intervals and their
difference, Kaplan–Meier durability) and DIR/cohort.png (group curves over individual traces,
the endpoint per subject, responder bars, the survival curve).

Outcomes are fear (freezing, a fraction): lower is better unless the cohort's analysis says
lower_is_better: false. A responder's fear at the endpoint has fallen by at least
`responder` (default 0.3, i.e. 30 %) from its own baseline; remission is fear below
`remission` at the endpoint; the loss of response is the first probe after the endpoint at
which a responder no longer meets the responder criterion (censored at the last probe).
Statistics come from scipy and statsmodels; this module only picks, labels and arranges them.
"""
import csv
import math
import os
import re
import warnings
from dataclasses import dataclass, field

import h5py
import numpy as np
import yaml
from matplotlib.figure import Figure
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from .load import FearsimFileError
from .sweep import load_summary

#: Human-readable names of the tests, as the table and figures label them.
TEST_LABELS = {"welch": "Welch t-test", "mann_whitney": "Mann-Whitney U",
               "paired_t": "paired t-test", "wilcoxon": "Wilcoxon signed-rank"}
#: Below this p of a Shapiro-Wilk test, `test: auto` takes the rank test.
NORMALITY_ALPHA = 0.05
CS_TRIAL = 0


# ---- statistics (pure functions on arrays) ---------------------------------------------

def wilson_interval(k, n, conf=0.95):
    """Wilson score interval of a proportion k/n (statsmodels)."""
    if n == 0:
        return (math.nan, math.nan)
    lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    return float(lo), float(hi)


def rate_difference(k1, n1, k0, n0, conf=0.95):
    """k1/n1 - k0/n0 with Newcombe's hybrid score interval (from the two Wilson intervals)."""
    if n1 == 0 or n0 == 0:
        return math.nan, (math.nan, math.nan)
    lo, hi = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff",
                                        alpha=1 - conf)
    return k1 / n1 - k0 / n0, (float(lo), float(hi))


def hedges_g_from_stats(m1, s1, n1, m2, s2, n2, conf=0.95):
    """Hedges' g from two groups' means, sds and sizes, with its CI (Borenstein et al. 2009,
    eq. 4.18-4.24): d over the pooled sd, V_d = (n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2)),
    J = 1 - 3 / (4 df - 1), g = J d, V_g = J^2 V_d, CI g ± z SE_g."""
    sp = math.sqrt(((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / (n1 + n2 - 2))
    d = (m1 - m2) / sp if sp > 0 else math.nan
    v_d = (n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2))
    j = 1 - 3 / (4 * (n1 + n2 - 2) - 1)
    g, se = j * d, j * math.sqrt(v_d)
    z = stats.norm.ppf(0.5 + conf / 2)
    return g, (g - z * se, g + z * se)


def hedges_g(x, y, conf=0.95):
    """Hedges' g of x against y with its CI (hedges_g_from_stats)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2 or len(y) < 2:
        return math.nan, (math.nan, math.nan)
    return hedges_g_from_stats(x.mean(), x.std(ddof=1), len(x), y.mean(), y.std(ddof=1), len(y),
                               conf)


def cohens_dz(diff, conf=0.95):
    """Standardised mean difference of paired differences, d_z = mean / sd, with
    SE = sqrt(1 / n + d_z^2 / (2 n)) (Borenstein et al. 2009, eq. 4.28 with r folded in)."""
    diff = np.asarray(diff, float)
    n = len(diff)
    if n < 2 or diff.std(ddof=1) == 0:
        return math.nan, (math.nan, math.nan)
    d = diff.mean() / diff.std(ddof=1)
    se = math.sqrt(1 / n + d * d / (2 * n))
    z = stats.norm.ppf(0.5 + conf / 2)
    return d, (d - z * se, d + z * se)


def _normal(values):
    values = np.asarray(values, float)
    if len(values) < 3 or np.ptp(values) == 0:
        return True  # too few to tell: the t-test
    return stats.shapiro(values).pvalue >= NORMALITY_ALPHA


def choose_test(design, requested, x, y):
    """The test for the design: `requested` unless it is auto; auto takes the t-test when
    Shapiro-Wilk does not reject normality (of each group, or of the paired differences), else
    its rank counterpart. A paired test on a parallel design is an error."""
    paired = design == "crossover"
    if requested in ("paired_t", "wilcoxon") and not paired:
        raise ValueError(f"{requested} needs a crossover design")
    if requested in ("welch", "mann_whitney") and paired:
        return requested  # allowed: the arms compared as if they were independent
    if requested != "auto":
        return requested
    if paired:
        return "paired_t" if _normal(np.asarray(x) - np.asarray(y)) else "wilcoxon"
    return "welch" if _normal(x) and _normal(y) else "mann_whitney"


@dataclass
class Comparison:
    test: str
    statistic: float
    p: float
    effect_name: str
    effect: float
    ci: tuple

    @property
    def label(self):
        return TEST_LABELS[self.test]


def compare(x, y, design, requested="auto"):
    """x (an arm) against y (the reference): the chosen test, its statistic and p, and the
    effect size with its 95 % CI (Hedges' g, or d_z for paired tests)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if min(len(x), len(y)) < 2:
        raise ValueError("a test needs at least 2 subjects per arm")
    test = choose_test(design, requested, x, y)
    if test == "welch":
        r = stats.ttest_ind(x, y, equal_var=False)
    elif test == "mann_whitney":
        r = stats.mannwhitneyu(x, y, alternative="two-sided")
    elif test == "paired_t":
        r = stats.ttest_rel(x, y)
    else:
        r = stats.wilcoxon(x, y)
    if test in ("paired_t", "wilcoxon"):
        eff, ci = cohens_dz(x - y)
        name = "d_z"
    else:
        eff, ci = hedges_g(x, y)
        name = "hedges_g"
    return Comparison(test, float(r.statistic), float(r.pvalue), name, eff, ci)


def responders(baseline, endpoint, fall=0.3, lower_is_better=True):
    """A fall of at least `fall` (fraction) from the subject's own baseline."""
    baseline, endpoint = np.asarray(baseline, float), np.asarray(endpoint, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (baseline - endpoint) / baseline
    return (change >= fall) if lower_is_better else (-change >= fall)


def symptom_index(baseline, probes):
    """Fear at each probe relative to the subject's own baseline, in % (100 = unchanged)."""
    baseline = np.asarray(baseline, float)
    return 100.0 * np.asarray(probes, float) / baseline[:, None]


def time_to_loss(responding, days):
    """(time, event) per subject from a subjects x probes table of responder status: the
    first probe day at which a subject who responded at the first probe no longer does
    (event 1), or the last probe day (event 0, censored). Subjects who never responded are
    NaN (not at risk)."""
    responding = np.asarray(responding, bool)
    days = np.asarray(days, float)
    time = np.full(len(responding), np.nan)
    event = np.zeros(len(responding), int)
    for i, row in enumerate(responding):
        if not row[0]:
            continue
        lost = np.nonzero(~row)[0]
        if lost.size:
            time[i], event[i] = days[lost[0]] - days[0], 1
        else:
            time[i] = days[-1] - days[0]
    return time, event


def km_median(time, event):
    """Kaplan-Meier median (NaN if the curve stays above 0.5) and the estimator itself."""
    sf = SurvfuncRight(time, event)
    med = sf.quantile(0.5)
    return (float(med) if med is not None and np.isfinite(med) else math.nan), sf


# ---- the cohort's results --------------------------------------------------------------

@dataclass
class Cohort:
    path: str
    config: dict
    arms: list
    arm: np.ndarray
    subject: np.ndarray
    ok: np.ndarray
    files: list
    outcomes: dict
    trials: dict = field(default_factory=dict)  # run -> {(day, session, trial): freezing}

    @property
    def design(self):
        d = self.config.get("design", "parallel")
        return d.get("type", "parallel") if isinstance(d, dict) else str(d)

    @property
    def analysis(self):
        return self.config.get("analysis", {}) or {}

    def runs(self, arm):
        return [k for k in range(len(self.arm)) if self.arm[k] == arm and self.ok[k]]


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _read_trials(path):
    """{(day, session, trial): freezing} of the CS trials of one result file; the key
    columns may be stored as floats or integers."""
    with h5py.File(path, "r") as f:
        if "trials" not in f:
            return {}
        t = f["trials"]
        kind = t["kind"][()].astype(int)
        fr = t["freezing"][()].astype(float)
        keys = zip(*(t[c][()].astype(int).tolist() for c in ("day", "session", "trial")))
        return {k: float(v) for k, v, kd in zip(keys, fr, kind)
                if kd == CS_TRIAL and np.isfinite(v)}


def load_cohort(summary_path):
    """Reads a cohort summary and the trials of its finished runs."""
    s = load_summary(summary_path)
    if "arm" not in s.axes or "subject" not in s.axes:
        raise FearsimFileError(f"{summary_path}: not a cohort summary (no /axes/arm)")
    with h5py.File(summary_path, "r") as f:
        config = yaml.safe_load(_text(f.attrs.get("sweep_yaml", ""))) or {}
        files = [_text(x) for x in f["file"][()]]
    arm = s.axes["arm"].values
    arms = list(dict.fromkeys(arm.tolist()))
    c = Cohort(summary_path, config, arms, arm, s.axes["subject"].values, s.ok, files,
               {k: v.values.astype(float) for k, v in s.outcomes.items()})
    root = os.path.dirname(summary_path) or "."
    for k in np.nonzero(s.ok)[0]:
        c.trials[int(k)] = _read_trials(os.path.join(root, files[k]))
    return c


def _mean_sem(v):
    v = np.asarray(v, float)
    v = v[np.isfinite(v)]
    sem = v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.nan
    return (float(v.mean()) if len(v) else math.nan), sem, len(v)


def trial_table(c):
    """(keys, {arm: subjects x trials array}) of freezing per CS trial, keys in order."""
    keys = sorted(set().union(*[set(t) for t in c.trials.values()])) if c.trials else []
    per_arm = {a: np.array([[c.trials[k].get(key, np.nan) for key in keys] for k in c.runs(a)],
                           dtype=float).reshape(len(c.runs(a)), len(keys)) for a in c.arms}
    return keys, per_arm


def _reference(c):
    ref = c.analysis.get("reference", c.arms[0])
    return ref, [a for a in c.arms if a != ref]


def _paired(c, arm, ref, name):
    """Endpoint values of the subjects in both arms, in subject order (crossover)."""
    a = {c.subject[k]: c.outcomes[name][k] for k in c.runs(arm)}
    r = {c.subject[k]: c.outcomes[name][k] for k in c.runs(ref)}
    both = [s for s in a if s in r and np.isfinite(a[s]) and np.isfinite(r[s])]
    return np.array([a[s] for s in both]), np.array([r[s] for s in both])


def _values(c, arm, name):
    v = c.outcomes[name][c.runs(arm)]
    return v[np.isfinite(v)]


def _row(section, measure, arm="", n="", value=math.nan, sem=math.nan, ci=(math.nan, math.nan),
         test="", statistic=math.nan, p=math.nan, note=""):
    return {"section": section, "measure": measure, "arm": arm, "n": n, "value": value,
            "sem": sem, "ci_low": ci[0], "ci_high": ci[1], "test": test,
            "statistic": statistic, "p": p, "note": note}


def _trial_rows(c):
    keys, per_arm = trial_table(c)
    rows = []
    for j, key in enumerate(keys):
        for a in c.arms:
            m, sem, n = _mean_sem(per_arm[a][:, j]) if per_arm[a].size else (math.nan,) * 2 + (0,)
            rows.append(_row("trial", "day %d session %d trial %d" % key, a, n, m, sem))
    return rows


def _outcome_rows(c):
    rows = []
    for name in c.outcomes:
        for a in c.arms:
            m, sem, n = _mean_sem(_values(c, a, name))
            rows.append(_row("outcome", name, a, n, m, sem))
    return rows


def _test_rows(c):
    name = c.analysis.get("endpoint")
    requested = c.analysis.get("test", "auto")
    if name is None or requested == "none":
        return []
    ref, others = _reference(c)
    rows = []
    for arm in others:
        if c.design == "crossover":
            x, y = _paired(c, arm, ref, name)
        else:
            x, y = _values(c, arm, name), _values(c, ref, name)
        if min(len(x), len(y)) < 2:
            rows.append(_row("test", name, f"{arm} vs {ref}", note="fewer than 2 subjects"))
            continue
        r = compare(x, y, c.design, requested)
        rows.append(_row("test", name, f"{arm} vs {ref}", f"{len(x)}+{len(y)}",
                         float(np.mean(x) - np.mean(y)), test=r.label, statistic=r.statistic,
                         p=r.p, note="difference of means"))
        rows.append(_row("effect", name, f"{arm} vs {ref}", f"{len(x)}+{len(y)}", r.effect,
                         ci=r.ci, test=r.effect_name))
    return rows


def _responder_flags(c, arm, endpoint):
    base = c.analysis.get("baseline")
    lower = c.analysis.get("lower_is_better", True)
    runs = c.runs(arm)
    b, e = c.outcomes[base][runs], c.outcomes[endpoint][runs]
    keep = np.isfinite(b) & np.isfinite(e) & (b > 0)
    return responders(b[keep], e[keep], float(c.analysis.get("responder", 0.3)), lower)


def _rate_rows(c, what, flags_of):
    ref, others = _reference(c)
    rows, counts = [], {}
    for a in c.arms:
        flags = flags_of(a)
        k, n = int(flags.sum()), len(flags)
        counts[a] = (k, n)
        rows.append(_row(what, "rate", a, n, k / n if n else math.nan,
                         ci=wilson_interval(k, n), test="Wilson 95 % CI"))
    for a in others:
        diff, ci = rate_difference(*counts[a], *counts[ref])
        rows.append(_row(what, "difference", f"{a} vs {ref}", "", diff, ci=ci,
                         test="Newcombe 95 % CI"))
    return rows


def _durability(c):
    """Per arm (time, event) of the responders at the first probe."""
    probes, days = c.analysis.get("probes"), c.analysis.get("probe_days")
    base = c.analysis.get("baseline")
    if not probes or base is None:
        return {}
    out = {}
    for a in c.arms:
        runs = c.runs(a)
        b = c.outcomes[base][runs]
        table = np.array([responders(b, c.outcomes[p][runs], float(c.analysis.get(
            "responder", 0.3)), c.analysis.get("lower_is_better", True)) for p in probes]).T
        t, e = time_to_loss(table, days)
        keep = np.isfinite(t)
        out[a] = (t[keep], e[keep])
    return out


def _survival_rows(c, dur):
    rows = []
    for a, (t, e) in dur.items():
        if len(t) == 0:
            rows.append(_row("durability", "median days to loss of response", a, 0,
                             note="no responders"))
            continue
        med, _ = km_median(t, e)
        rows.append(_row("durability", "median days to loss of response", a, len(t), med,
                         test="Kaplan-Meier", note=f"{int(e.sum())} lost, "
                                                   f"{int(len(e) - e.sum())} censored"))
    groups = [a for a in dur if len(dur[a][0]) > 0]
    if len(groups) >= 2:
        t = np.concatenate([dur[a][0] for a in groups])
        e = np.concatenate([dur[a][1] for a in groups])
        g = np.concatenate([[i] * len(dur[a][0]) for i, a in enumerate(groups)])
        if e.sum() > 0:
            chi2, p = survdiff(t, e, g)
            rows.append(_row("durability", "log-rank", " vs ".join(groups), len(t),
                             statistic=float(chi2), p=float(p), test="log-rank"))
    return rows


def _mixed_rows(c):
    """A linear mixed model of freezing over all CS trials: freezing ~ arm * trial index with a
    random intercept per subject; only with 2+ arms, 3+ subjects per arm and 3+ trials. A
    linear trend over trials is crude across days: read it beside the per-trial table."""
    keys, per_arm = trial_table(c)
    if len(c.arms) < 2 or len(keys) < 3 or min(len(c.runs(a)) for a in c.arms) < 3:
        return []
    import pandas as pd
    import statsmodels.formula.api as smf
    ref, _ = _reference(c)
    rows = []
    for a in c.arms:
        for i, k in enumerate(c.runs(a)):
            for j in range(len(keys)):
                v = per_arm[a][i, j]
                if np.isfinite(v):
                    rows.append({"freezing": v, "arm": a, "trial": j, "subject": c.subject[k]})
    df = pd.DataFrame(rows)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = smf.mixedlm(f"freezing ~ C(arm, Treatment('{ref}')) * trial", df,
                              groups=df["subject"]).fit()
    except (ValueError, np.linalg.LinAlgError) as e:
        return [_row("mixed", "freezing ~ arm * trial", note=f"did not fit: {e}")]
    note = "" if fit.converged and not caught else "convergence warnings: read with care"
    out = []
    for name, coef in fit.params.items():
        if name in ("Group Var", "Intercept"):
            continue
        ci = fit.conf_int().loc[name]
        # patsy's "C(arm, Treatment('saline'))[T.ketamine]" read as "arm[ketamine]"
        term = re.sub(r"C\(arm, Treatment\('[^']*'\)\)\[T\.([^\]]*)\]", r"arm[\1]", name)
        out.append(_row("mixed", term, "", len(df), float(coef), float(fit.bse[name]),
                        (float(ci[0]), float(ci[1])), "MixedLM (random intercept per subject)",
                        float(fit.tvalues[name]), float(fit.pvalues[name]), note))
    return out


def cohort_table(c):
    """Every row of the summary table, in order."""
    rows = _trial_rows(c) + _outcome_rows(c) + _test_rows(c)
    endpoint = c.analysis.get("endpoint")
    if endpoint and c.analysis.get("baseline"):
        rows += _rate_rows(c, "responders", lambda a: _responder_flags(c, a, endpoint))
    if endpoint and "remission" in c.analysis:
        thr = float(c.analysis["remission"])
        rows += _rate_rows(c, "remission", lambda a: (lambda v: v < thr)(
            _values(c, a, endpoint)))
    rows += _survival_rows(c, _durability(c))
    rows += _mixed_rows(c)
    return rows


COLUMNS = ("section", "measure", "arm", "n", "value", "sem", "ci_low", "ci_high", "test",
           "statistic", "p", "note")


def write_table(rows, csv_path, h5_path):
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v)
                        for k, v in r.items()})
    with h5py.File(h5_path + ".partial", "w") as f:
        for col in COLUMNS:
            vals = [r[col] for r in rows]
            if col in ("value", "sem", "ci_low", "ci_high", "statistic", "p"):
                d = f.create_dataset(col, data=np.array(vals, dtype=float))
            else:
                d = f.create_dataset(col, data=np.array([str(v) for v in vals], dtype=object),
                                     dtype=h5py.string_dtype())
            d.attrs["units"] = "1" if col in ("value", "sem", "ci_low", "ci_high") else ""
        f.attrs["description"] = "fearsim_analysis cohort: group statistics of a cohort"
    os.replace(h5_path + ".partial", h5_path)


# ---- figures ---------------------------------------------------------------------------

def cohort_figure(c, rows):
    """Group curves with SEM bands over the individual traces, the endpoint per subject,
    responder bars with Wilson intervals, and the survival of the response (as many of these
    panels as the cohort has data for)."""
    keys, per_arm = trial_table(c)
    panels = ["curves"] if keys else []
    if c.analysis.get("endpoint"):
        panels.append("endpoint")
    if any(r["section"] == "responders" and r["measure"] == "rate" for r in rows):
        panels.append("responders")
    dur = _durability(c)
    if any(len(t) for t, _ in dur.values()):
        panels.append("survival")
    ncols = 2 if len(panels) == 4 else max(len(panels), 1)
    nrows = 2 if len(panels) == 4 else 1
    fig = Figure(figsize=(4.2 * ncols, 3.6 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    colors = {a: f"C{i}" for i, a in enumerate(c.arms)}
    for ax, p in zip(axes, panels):
        if p == "curves":
            x = np.arange(len(keys))
            for a in c.arms:
                for trace in per_arm[a]:
                    ax.plot(x, 100 * trace, color=colors[a], lw=0.5, alpha=0.25)
                m = np.nanmean(per_arm[a], axis=0) if per_arm[a].size else np.full(len(x), np.nan)
                n = np.isfinite(per_arm[a]).sum(axis=0)
                sem = np.where(n > 1, np.nanstd(per_arm[a], axis=0, ddof=1) / np.sqrt(
                    np.maximum(n, 1)), np.nan) if per_arm[a].size else m
                ax.plot(x, 100 * m, color=colors[a], lw=2, label=f"{a} (n={len(per_arm[a])})")
                ax.fill_between(x, 100 * (m - sem), 100 * (m + sem), color=colors[a], alpha=0.3)
            ax.set_xlabel("CS trial (in protocol order)")
            ax.set_ylabel("freezing (%), mean ± SEM")
            ax.legend(fontsize=7)
        elif p == "endpoint":
            name = c.analysis["endpoint"]
            for i, a in enumerate(c.arms):
                v = _values(c, a, name)
                jitter = np.linspace(-0.15, 0.15, len(v)) if len(v) > 1 else np.zeros(len(v))
                ax.plot(i + jitter, 100 * v, "o", color=colors[a], ms=3, alpha=0.6)
                m, sem, _ = _mean_sem(v)
                ax.errorbar(i + 0.3, 100 * m, yerr=100 * sem, fmt="s", color="k", capsize=3)
            ax.set_xticks(range(len(c.arms)), c.arms)
            ax.set_ylabel(f"{name}: freezing (%)")
            tests = [r for r in rows if r["section"] == "test" and r["test"]]
            if tests:
                ax.set_title(f"{tests[0]['test']}: p = {tests[0]['p']:.3g}", fontsize=8)
        elif p == "responders":
            rr = [r for r in rows if r["section"] == "responders" and r["measure"] == "rate"]
            for i, r in enumerate(rr):
                ax.bar(i, 100 * r["value"], color=colors[r["arm"]])
                ax.errorbar(i, 100 * r["value"], yerr=[[max(0, 100 * (r["value"] - r["ci_low"]))],
                                                       [max(0, 100 * (r["ci_high"] - r["value"]))]],
                            color="k", capsize=3)
            ax.set_xticks(range(len(rr)), [r["arm"] for r in rr])
            ax.set_ylabel("responders (%), Wilson 95 % CI")
            ax.set_ylim(0, 100)
        else:
            for a, (t, e) in dur.items():
                if len(t) == 0:
                    continue
                _, sf = km_median(t, e)
                ax.step(np.r_[0, sf.surv_times], 100 * np.r_[1, sf.surv_prob], where="post",
                        color=colors[a], label=f"{a} (n={len(t)})")
            ax.set_xlabel("days after the first probe")
            ax.set_ylabel("still responding (%)")
            ax.set_ylim(0, 105)
            ax.legend(fontsize=7)
    return fig


def format_rows(rows, sections=("outcome", "test", "effect", "responders", "remission",
                                "durability", "mixed")):
    """The table as text, without the per-trial rows."""
    out = []
    for r in rows:
        if r["section"] not in sections:
            continue
        def f(v):
            return "" if isinstance(v, float) and math.isnan(v) else (
                f"{v:.4g}" if isinstance(v, float) else str(v))
        ci = f"[{f(r['ci_low'])}, {f(r['ci_high'])}]" if not math.isnan(r["ci_low"]) else ""
        sem = f" ± {f(r['sem'])}" if not math.isnan(r["sem"]) else ""
        stat = f" stat {f(r['statistic'])} p {f(r['p'])}" if not math.isnan(r["p"]) else ""
        out.append(f"{r['section']:<11} {r['measure']:<34} {r['arm']:<22} n={r['n']!s:<6} "
                   f"{f(r['value'])}{sem} {ci} {r['test']}{stat} {r['note']}".rstrip())
    return "\n".join(out)


def _run(args, error):
    c = load_cohort(args.summary)
    prefix = args.output or os.path.join(os.path.dirname(args.summary) or ".", "cohort")
    if not os.path.isdir(os.path.dirname(prefix) or "."):
        error(f"the directory of {prefix!r} does not exist")
    rows = cohort_table(c)
    write_table(rows, prefix + "_stats.csv", prefix + "_stats.h5")
    fig = cohort_figure(c, rows)
    fig.savefig(prefix + ".png", dpi=150)
    print(format_rows(rows))
    print(f"wrote {prefix}_stats.csv, {prefix}_stats.h5, {prefix}.png")
    return 0


def add_commands(sub):
    """Adds the `cohort` command; returns {name: (parser, run)}."""
    p = sub.add_parser("cohort", help="group statistics and figures of a virtual cohort",
                       description="Per-trial mean ± SEM per arm, the endpoint's test and "
                                   "effect size, responders, remission and durability of a "
                                   "cohort's summary.h5 (fearsim sweep COHORT.yaml).")
    p.add_argument("summary", metavar="SUMMARY.h5")
    p.add_argument("-o", "--output", default=None, metavar="PREFIX",
                   help="writes PREFIX_stats.csv, PREFIX_stats.h5 and PREFIX.png "
                        "(default: cohort beside SUMMARY.h5)")
    return {"cohort": (p, _run)}
