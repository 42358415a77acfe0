"""Cohort statistics: intervals and effect sizes against published worked examples, the logic
that picks and labels the test, responders and durability, and the table and figure of a small
synthetic cohort written as `fearsim sweep` writes one."""
import math
import os

import h5py
import numpy as np
import pytest

from fearsim_analysis import cohort as co
from fearsim_analysis.__main__ import main


def test_wilson_interval_of_7_of_10_by_hand():
    # z = 1.959964; centre (7 + z^2/2) / (10 + z^2) = 0.64450, half-width
    # z / (1 + z^2/10) * sqrt(0.7 * 0.3 / 10 + z^2 / 400) = 0.24772
    lo, hi = co.wilson_interval(7, 10)
    assert lo == pytest.approx(0.64450 - 0.24772, abs=2e-5)
    assert hi == pytest.approx(0.64450 + 0.24772, abs=2e-5)
    assert co.wilson_interval(0, 10)[0] == 0.0  # never below 0, unlike the Wald interval


def test_rate_difference_newcombe_worked_example():
    # Newcombe (1998), Stat Med 17:873, Table II example (56/70 vs 48/80), method 10:
    # difference 0.2000, 95 % CI 0.0524 to 0.3339
    diff, (lo, hi) = co.rate_difference(56, 70, 48, 80)
    assert diff == pytest.approx(0.2)
    assert lo == pytest.approx(0.0524, abs=1e-4)
    assert hi == pytest.approx(0.3339, abs=1e-4)


def test_hedges_g_borenstein_worked_example():
    # Borenstein et al. (2009), Introduction to Meta-Analysis, ch. 4: means 103 and 100, sds
    # 5.5 and 4.5, n 50 each: d = 0.5970, V_d = 0.0418; J = 0.9923, g = 0.5924, SE_g = 0.2028
    g, (lo, hi) = co.hedges_g_from_stats(103, 5.5, 50, 100, 4.5, 50)
    assert g == pytest.approx(0.5924, abs=1e-4)
    assert (hi - lo) / 2 == pytest.approx(1.959964 * 0.2028, abs=2e-4)
    # from raw data it is the same formula
    x = np.array([1.0, 2, 3, 4, 5])
    g2, _ = co.hedges_g(x + 2, x)
    assert g2 == pytest.approx((1 - 3 / 31) * 2 / math.sqrt(2.5))


def test_paired_effect_size():
    diff = np.array([1.0, 2, 3, 4])
    d, (lo, hi) = co.cohens_dz(diff)
    sd = diff.std(ddof=1)
    assert d == pytest.approx(2.5 / sd)
    se = math.sqrt(1 / 4 + d * d / 8)
    assert (hi - lo) / 2 == pytest.approx(1.959964 * se, rel=1e-5)


def test_choose_test_follows_design_and_normality():
    rng = np.random.default_rng(1)
    normal_a, normal_b = rng.normal(0, 1, 20), rng.normal(1, 1, 20)
    skewed = np.r_[np.zeros(17), 50.0, 80.0, 100.0]  # Shapiro-Wilk rejects this
    assert co.choose_test("parallel", "auto", normal_a, normal_b) == "welch"
    assert co.choose_test("parallel", "auto", skewed, normal_b) == "mann_whitney"
    assert co.choose_test("crossover", "auto", normal_b, normal_a) == "paired_t"
    assert co.choose_test("crossover", "auto", normal_a + skewed, normal_a) == "wilcoxon"
    assert co.choose_test("parallel", "mann_whitney", normal_a, normal_b) == "mann_whitney"
    with pytest.raises(ValueError, match="needs a crossover"):
        co.choose_test("parallel", "paired_t", normal_a, normal_b)


def test_compare_labels_and_effect_kind():
    x, y = np.array([0.2, 0.3, 0.25, 0.35, 0.3]), np.array([0.5, 0.6, 0.55, 0.45, 0.6])
    r = co.compare(x, y, "parallel")
    assert (r.test, r.label, r.effect_name) == ("welch", "Welch t-test", "hedges_g")
    assert r.effect < 0 and r.ci[0] < r.effect < r.ci[1]
    p = co.compare(x, y, "crossover", "wilcoxon")
    assert (p.label, p.effect_name) == ("Wilcoxon signed-rank", "d_z")
    with pytest.raises(ValueError, match="at least 2"):
        co.compare(x[:1], y, "parallel")


def test_responders_at_exactly_30_percent():
    base = np.array([0.8, 0.8, 0.8, 0.0])
    end = np.array([0.56, 0.57, 0.9, 0.0])
    assert co.responders(base, end).tolist() == [True, False, False, False]
    assert co.responders(base, end, fall=0.5).tolist() == [False, False, False, False]
    # higher is better: a rise of 30 % responds
    assert co.responders(np.array([1.0]), np.array([1.3]), lower_is_better=False).tolist() == [
        True]
    assert co.symptom_index(np.array([0.5]), np.array([[0.25, 0.5]])).tolist() == [[50, 100]]


def test_time_to_loss_and_km_median():
    days = [14, 21, 28, 42]
    table = [[1, 1, 0, 0],   # lost at day 28: 14 days after the first probe
             [1, 1, 1, 1],   # kept to the end: censored at 28
             [0, 1, 1, 1],   # not a responder at the first probe: not at risk
             [1, 0, 1, 1]]   # lost at day 21 (the first loss counts)
    t, e = co.time_to_loss(table, days)
    assert np.isnan(t[2])
    assert t[[0, 1, 3]].tolist() == [14, 28, 7] and e[[0, 1, 3]].tolist() == [1, 0, 1]
    med, _ = co.km_median(np.array([1.0, 2, 3, 4, 5]), np.ones(5, int))
    assert med == 3.0


def _write_cohort(tmp_path, design="parallel"):
    """Two arms of 6 subjects, each with a result file of 4 CS trials: control freezing
    0.6 throughout, treated 0.6 then 0.3 (responders), trial columns stored as integers."""
    arms = ["saline"] * 6 + ["ketamine"] * 6
    subjects = [f"s{k % 6 if design == 'crossover' else k:04d}" for k in range(12)]
    files = []
    rng = np.random.default_rng(3)
    base, mid, end = [], [], []
    for k, arm in enumerate(arms):
        name = f"point_{k:04d}.h5"
        files.append(name)
        later = 0.3 if arm == "ketamine" else 0.6
        fr = np.array([0.6, 0.6, later, later]) + rng.normal(0, 0.02, 4)
        with h5py.File(tmp_path / name, "w") as f:
            t = f.create_group("trials")
            t["day"] = np.array([1, 1, 2, 2], dtype=np.int64)
            t["session"] = np.array([0, 0, 1, 1], dtype=np.int64)
            t["trial"] = np.array([0, 1, 0, 1], dtype=np.int64)
            t["kind"] = np.zeros(4, dtype=np.int64)
            t["freezing"] = fr
        base.append(fr[0])
        mid.append(fr[2])
        end.append(fr[-1])
    yaml_text = (f"base: x.yaml\nsubjects: 6\ndesign: {design}\n"
                 "arms: [{name: saline}, {name: ketamine}]\n"
                 "analysis: {endpoint: end, baseline: base, reference: saline, responder: 0.3,\n"
                 "  remission: 0.4, probes: [mid, end], probe_days: [0, 7]}\n")
    with h5py.File(tmp_path / "summary.h5", "w") as f:
        f["index"] = np.arange(12)
        f["replicate"] = np.zeros(12, int)
        s = h5py.string_dtype()
        f.create_dataset("status", data=np.array(["ok"] * 12, dtype=object), dtype=s)
        f.create_dataset("file", data=np.array(files, dtype=object), dtype=s)
        f.create_dataset("axes/arm", data=np.array(arms, dtype=object), dtype=s)
        f.create_dataset("axes/subject", data=np.array(subjects, dtype=object), dtype=s)
        f["outcomes/base"] = np.array(base)
        f["outcomes/mid"] = np.array(mid)
        f["outcomes/end"] = np.array(end)
        f.attrs["sweep_yaml"] = yaml_text
    return tmp_path / "summary.h5"


def test_synthetic_cohort_table(tmp_path):
    c = co.load_cohort(str(_write_cohort(tmp_path)))
    rows = co.cohort_table(c)
    trial = [r for r in rows if r["section"] == "trial"]
    assert len(trial) == 8 and trial[0]["measure"] == "day 1 session 0 trial 0"
    ket_last = [r for r in trial if r["arm"] == "ketamine"][-1]
    assert ket_last["value"] == pytest.approx(0.3, abs=0.03) and ket_last["n"] == 6
    test = next(r for r in rows if r["section"] == "test")
    assert test["arm"] == "ketamine vs saline" and test["p"] < 1e-6
    assert test["test"] in ("Welch t-test", "Mann-Whitney U")
    rates = {r["arm"]: r["value"] for r in rows
             if r["section"] == "responders" and r["measure"] == "rate"}
    assert rates == {"saline": 0.0, "ketamine": 1.0}
    remission = {r["arm"]: r["value"] for r in rows
                 if r["section"] == "remission" and r["measure"] == "rate"}
    assert remission == {"saline": 0.0, "ketamine": 1.0}
    dur = {r["arm"]: r for r in rows if r["section"] == "durability"}
    assert dur["saline"]["note"] == "no responders"
    assert dur["ketamine"]["note"] == "0 lost, 6 censored" and math.isnan(dur["ketamine"]["value"])
    # the mixed model's terms read as arm[ketamine], not patsy's C(arm, Treatment(...))[T....]
    mixed = {r["measure"]: r for r in rows if r["section"] == "mixed"}
    assert set(mixed) == {"arm[ketamine]", "trial", "arm[ketamine]:trial"}
    assert mixed["arm[ketamine]:trial"]["value"] < -0.05  # treated fall from trial 2 on


def test_crossover_pairs_subjects_and_cli(tmp_path, capsys):
    path = _write_cohort(tmp_path, "crossover")
    c = co.load_cohort(str(path))
    test = next(r for r in co.cohort_table(c) if r["section"] == "test")
    assert test["n"] == "6+6" and test["test"] in ("paired t-test", "Wilcoxon signed-rank")
    assert main(["cohort", str(path)]) == 0
    for name in ("cohort_stats.csv", "cohort_stats.h5", "cohort.png"):
        assert os.path.getsize(tmp_path / name) > 0
    with h5py.File(tmp_path / "cohort_stats.h5") as f:
        assert "value" in f and f["value"].attrs["units"] == "1"
    assert "ketamine vs saline" in capsys.readouterr().out


def test_not_a_cohort_summary(tmp_path, capsys):
    with h5py.File(tmp_path / "s.h5", "w") as f:
        f["index"] = np.arange(2)
        f["replicate"] = np.zeros(2)
        f.create_dataset("status", data=np.array(["ok", "ok"], dtype=object),
                         dtype=h5py.string_dtype())
    assert main(["cohort", str(tmp_path / "s.h5")]) == 2
    assert "not a cohort summary" in capsys.readouterr().err
