"""Freezing per trial across days: reading /trials, per-day means, group mean ± sem, figure."""
import h5py
import numpy as np
import pytest
from conftest import FREEZING, SESSION_NAMES, multiday_file, trial_rows

from fearsim_analysis import FearsimFileError, load
from fearsim_analysis.load import require_trials
from fearsim_analysis.trials import day_means, freezing_figure, freezing_points, group_stats, layout


def test_trials_are_read_with_their_names(multiday):
    trials = load(multiday["sal1"]).trials
    assert len(trials) == len(trial_rows()) == 12
    assert trials.session_names == SESSION_NAMES and trials.contexts == ["A", "B"]
    assert trials.rate_populations() == ["LA_E"]
    assert trials.units["us_intensity"] == "A"
    assert np.isnan(trials["freezing"][3]) and trials["kind"][3] == 1
    assert trials.session_name(2) == "extinction" and trials.session_name(9) == "session 9"
    assert trials.context_name(1) == "B"


def test_freezing_per_trial_skips_the_unsignalled_us(multiday):
    points = freezing_points(load(multiday["sal1"]).trials)
    assert len(points) == 11 and (1, 1, 1) not in points
    assert points[(1, 1, 2)] == 0.6 and points[(3, 3, 1)] == 0.6


def test_per_day_and_per_session_means(multiday):
    trials = load(multiday["sal1"]).trials
    # day 1: 0.0, 0.1 (habituation), 0.2, 0.6, 0.8 (conditioning; the US row is left out)
    assert day_means(trials) == pytest.approx({1: 1.7 / 5, 2: 2.2 / 4, 3: 1.1 / 2})
    sessions = freezing_points(trials, "session")
    assert sessions == pytest.approx({(1, 0): 0.05, (1, 1): 1.6 / 3, (2, 2): 0.55,
                                      (3, 3): 0.55})


def test_group_mean_and_sem_by_hand():
    a = {(1,): 0.2, (2,): 0.5, (3,): 0.9}
    b = {(1,): 0.4, (2,): 0.7}
    c = {(1,): 0.6, (2,): 0.3}
    keys, mean, sem, n = group_stats([a, b, c])
    assert keys == [(1,), (2,), (3,)]
    np.testing.assert_allclose(mean, [0.4, 0.5, 0.9])
    # day 1: values 0.2, 0.4, 0.6 -> sd 0.2, sem 0.2 / sqrt 3; day 3: one run, no sem
    np.testing.assert_allclose(sem[:2], [0.2 / np.sqrt(3), 0.2 / np.sqrt(3)])
    assert np.isnan(sem[2]) and n.tolist() == [3, 3, 1]


def test_group_of_files(multiday):
    sets = [freezing_points(load(multiday[k]).trials, "day") for k in ("ket1", "ket2")]
    keys, mean, sem, _ = group_stats(sets)
    ket1, ket2 = (np.array(FREEZING[k]) for k in ("ket1", "ket2"))
    day2 = slice(6, 10)
    assert keys == [(1,), (2,), (3,)]
    assert mean[1] == pytest.approx((ket1[day2].mean() + ket2[day2].mean()) / 2)
    d = ket1[day2].mean() - ket2[day2].mean()
    assert sem[1] == pytest.approx(abs(d) / 2)  # two values: sd = |d| / sqrt 2


def test_layout_leaves_a_gap_between_sessions():
    keys = [(1, 0, 0), (1, 0, 1), (1, 1, 0), (2, 2, 0), (2, 2, 1)]
    assert list(layout(keys).values()) == [0, 1, 3, 5, 6]
    assert list(layout([(1, 0), (1, 1), (2, 2)]).values()) == [0, 1, 3]
    assert list(layout([(1,), (2,), (4,)]).values()) == [0, 1, 2]


def test_figure_curves_and_labels(multiday, tmp_path):
    sal = [load(multiday[k]) for k in ("sal1", "sal2")]
    ket = load(multiday["ket1"])
    fig = freezing_figure([("saline", sal), ("ketamine", [ket])])
    ax = fig.axes[0]
    assert ax.get_ylim() == (-3, 103) and ax.get_ylabel() == "freezing (%)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["saline (n=2, mean ± sem)", "ketamine"]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["habituation\n(A)", "conditioning\n(A)", "extinction\n(B)", "recall\n(B)"]
    assert [t.get_text() for t in ax.texts] == ["day 1", "day 2", "day 3"]
    # one line per session for the single run: values in %, no line across sessions
    ket_lines = [line for line in ax.lines if line.get_color() == "C1"]
    assert len(ket_lines) == 4
    np.testing.assert_allclose(ket_lines[2].get_ydata(), [50, 30, 20, 10])
    fig.savefig(tmp_path / "f.pdf")
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")


def test_per_day_figure_has_day_ticks(multiday):
    fig = freezing_figure([("sal1", [load(multiday["sal1"])])], per="day")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["day 1", "day 2", "day 3"]


def test_missing_trials_and_missing_columns(tmp_path):
    path = multiday_file(str(tmp_path / "none.h5"), FREEZING["sal1"], trials=False)
    with pytest.raises(FearsimFileError, match="no /trials"):
        require_trials(load(path))
    path = multiday_file(str(tmp_path / "bad.h5"), FREEZING["sal1"])
    with h5py.File(path, "a") as f:
        del f["trials/freezing"]
    with pytest.raises(FearsimFileError, match="/trials has no freezing"):
        load(path)
    with h5py.File(path, "a") as f:
        f["trials/freezing"] = np.zeros(3)
    with pytest.raises(FearsimFileError, match="differ in length"):
        load(path)


def test_fixed_length_name_attributes(tmp_path):
    path = multiday_file(str(tmp_path / "fixed.h5"), FREEZING["sal1"])
    with h5py.File(path, "a") as f:
        f["trials"].attrs["session_names"] = np.array([n.encode() for n in SESSION_NAMES])
        f["trials"].attrs["contexts"] = np.array([b"A", b"B"])
    trials = load(path).trials
    assert trials.session_names == SESSION_NAMES and trials.contexts == ["A", "B"]


def test_index_columns_stored_as_float(tmp_path):
    path = multiday_file(str(tmp_path / "f8.h5"), FREEZING["sal1"])
    with h5py.File(path, "a") as f:
        for name in ("day", "session", "trial", "kind"):
            values = f[f"trials/{name}"][()].astype(float)
            del f[f"trials/{name}"]
            f[f"trials/{name}"] = values
    assert day_means(load(path).trials) == pytest.approx({1: 0.34, 2: 0.55, 3: 0.55})
