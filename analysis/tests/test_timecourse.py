"""Weights, spines and other slow series over days (/timeline), runs and groups overlaid."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from conftest import DAY, timeline_time

from fearsim_analysis import FearsimFileError, load
from fearsim_analysis.timecourse import available, panels, slow_series, timecourse_figure


def test_slow_series_by_kind(multiday):
    by_kind = slow_series(load(multiday["sal1"]))
    assert set(by_kind) == {"weight", "weight_early", "weight_late", "rho", "z", "spines",
                            "bdnf", "prp"}
    assert list(by_kind["weight"]) == ["CS->LA_E"]  # not weight of "early_CS->LA_E"
    assert list(by_kind["weight_early"]) == ["CS->LA_E"]
    assert list(by_kind["spines"]) == ["LA_E"] and by_kind["weight"]["CS->LA_E"].units == "S"


def test_panels_and_unknown_names(multiday):
    run = load(multiday["sal1"])
    assert panels([run]) == [("weight", "CS->LA_E"), ("spines", "LA_E")]
    assert panels([run], ("z", "bdnf"), ["LA_E"]) == [("bdnf", "LA_E")]
    with pytest.raises(FearsimFileError, match="no weight/spines series for BLA; the file has "
                                               "CS->LA_E, LA_E"):
        panels([run], names=["BLA"])
    assert available([run], "prp") == ["LA_E"]


def test_figure_in_days_weights_in_nS(multiday, tmp_path):
    runs = [load(multiday[k]) for k in ("sal1", "sal2", "ket1")]
    fig = timecourse_figure(runs, ["saline", "saline", "ketamine"], early_late=True)
    weight, spines = fig.axes
    assert spines.get_xlabel() == "time (days)" and weight.get_ylabel() == "mean weight (nS)"
    total = [line for line in weight.lines if line.get_linestyle() == "-"]
    assert [line.get_color() for line in total] == ["C0", "C0", "C1"]  # a group: one colour
    t = timeline_time()
    np.testing.assert_allclose(total[0].get_xdata(), t / DAY)
    np.testing.assert_allclose(total[2].get_ydata(), 1.0 + 0.2 * t / DAY)  # ketamine: scale 2
    assert {line.get_linestyle() for line in weight.lines} == {"-", "--", ":"}
    assert [x.get_text() for x in spines.get_legend().get_texts()] == ["saline", "ketamine"]
    # six entries (two labels, three components) sit beside the panel, two inside it
    FigureCanvasAgg(fig).draw()
    assert weight.get_legend().get_window_extent().x0 > weight.get_window_extent().x1
    assert spines.get_legend().get_window_extent().x1 < spines.get_window_extent().x1
    for ext, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        fig.savefig(tmp_path / f"w.{ext}")
        assert (tmp_path / f"w.{ext}").read_bytes().startswith(magic)


def test_run_without_slow_series(result_file):
    with pytest.raises(FearsimFileError, match="no weight, spines series"):
        timecourse_figure([load(result_file)], ["x"])


def test_four_panels_fill_a_slide_in_two_columns(multiday):
    run = load(multiday["sal1"])
    kinds = ("weight", "spines", "bdnf", "prp")
    chosen = panels([run], kinds)
    assert len(chosen) == 4
    fig = timecourse_figure([run], ["saline"], kinds)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 4
    assert tuple(fig.get_size_inches() * 100) == pytest.approx((1280, 720))
    FigureCanvasAgg(fig).draw()
    lefts = sorted({round(ax.get_position().x0, 3) for ax in shown})
    assert len(lefts) == 2  # two columns, two panels each
    assert all(ax.get_xlabel() == "time (days)" for ax in shown)
