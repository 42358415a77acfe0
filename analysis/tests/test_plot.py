"""Figures: panels per population and series, overlays, raster subsampling."""
import numpy as np
import pytest
from conftest import WINDOWS, _spikes, standard_file, write_result

from fearsim_analysis import FearsimFileError, load, mean_rates
from fearsim_analysis.load import bin_widths, window_slices
from fearsim_analysis.plot import make_figure, plot_raster, rate_steps, save, subsample_ids
from matplotlib.figure import Figure


def _check_files(*paths):
    for p, magic in paths:
        with open(p, "rb") as f:
            head = f.read(8)
        assert head.startswith(magic) and p.stat().st_size > 1000


def test_single_run_png_and_pdf(tmp_path, result_file):
    fig = make_figure([load(result_file)])
    # raster: LA, CeM (CS has no spikes); rates: LA, CeM, CS; timeline: 3 series
    assert len(fig.axes) == 2 + 3 + 3
    titles = [ax.get_title() for ax in fig.axes]
    assert sorted(titles[:2]) == ["CeM: spikes", "LA: spikes"]
    cs = fig.axes[titles.index("CS: population rate")]
    values, edges, _ = cs.patches[0].get_data()  # one step per bin, the last ending at 2 s
    np.testing.assert_array_equal(values, [10.0, 20.0, 40.0])
    np.testing.assert_array_equal(edges, [0.0, 0.5, 1.5, 2.0])
    assert all(ax.get_xlabel().startswith("time (") for ax in fig.axes)
    assert "rate (Hz)" in [ax.get_ylabel() for ax in fig.axes]
    assert "plasma_ketamine (uM)" in [ax.get_ylabel() for ax in fig.axes]
    save(fig, [tmp_path / "f.png", tmp_path / "f.pdf"])
    _check_files((tmp_path / "f.png", b"\x89PNG"), (tmp_path / "f.pdf", b"%PDF"))


def test_what_selects_panels(result_file):
    run = load(result_file)
    assert len(make_figure([run], what=["rates"]).axes) == 3
    assert len(make_figure([run], what=["raster", "timeline"]).axes) == 5
    bare = write_result(result_file.replace(".h5", "_bare.h5"), {}, {})
    with pytest.raises(FearsimFileError, match="nothing to plot"):
        make_figure([load(bare)])


def test_overlay_two_runs(tmp_path):
    saline = load(standard_file(str(tmp_path / "saline.h5")))
    ketamine = load(standard_file(str(tmp_path / "ketamine.h5"), ketamine_scale=2.0))
    fig = make_figure([saline, ketamine], ["saline", "ketamine"])
    assert len(fig.axes) == 3 + 3  # rates and timeline only: rasters are not overlaid
    for ax in fig.axes:
        assert len(ax.get_legend_handles_labels()[0]) == 2
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["saline", "ketamine"]
    ket = next(ax for ax in fig.axes if ax.get_ylabel().startswith("plasma_ketamine"))
    np.testing.assert_array_equal(ket.get_lines()[1].get_ydata(),
                                  2 * ket.get_lines()[0].get_ydata())
    assert [t.get_text() for t in fig.texts] == ["saline vs ketamine"]
    save(fig, [tmp_path / "overlay.png"])
    _check_files((tmp_path / "overlay.png", b"\x89PNG"))
    # asking for rasters of several runs gives one panel per run and population
    assert len(make_figure([saline, ketamine], what=["raster"]).axes) == 4


def test_subsample_ids_deterministic_and_bounded():
    ids = subsample_ids(100_000, 100)
    assert ids.size == 100 and np.unique(ids).size == 100
    assert ids.min() >= 0 and ids.max() < 100_000 and np.all(np.diff(ids) > 0)
    np.testing.assert_array_equal(ids, subsample_ids(100_000, 100))
    np.testing.assert_array_equal(subsample_ids(30, 100), np.arange(30))


def _raster_offsets(run, **kw):
    ax = Figure().subplots()
    plot_raster(ax, run, "BLA", **kw)
    return ax, ax.collections[0].get_offsets()


def test_raster_subsampled_and_windowed(tmp_path):
    t, ids = _spikes(50_000, 5000, 2.0, 4)
    run = load(write_result(str(tmp_path / "big.h5"), {"BLA": (5000, "lif", "neuron")},
                            {"BLA": (t, ids)}))
    ax, xy = _raster_offsets(run, max_neurons=40)
    assert 0 < np.unique(xy[:, 1]).size <= 40 and xy[:, 1].max() < 40
    assert ax.get_ylabel() == "neuron (40 of 5000 shown)"
    np.testing.assert_array_equal(xy, _raster_offsets(run, max_neurons=40)[1])
    expected = np.isin(ids, subsample_ids(5000, 40)).sum()
    assert len(xy) == expected
    _, xy = _raster_offsets(run, max_neurons=40, t_start=0.5, t_stop=1.0)
    assert xy[:, 0].min() >= 0.5 and xy[:, 0].max() < 1.0


def test_rate_windows_split_at_gaps():
    # three windows of 1 s bins, the second 0.5 s bins, one bin alone at the end
    time = np.concatenate([np.arange(0.0, 5.0), 100 + np.arange(0.0, 3.0), [500.0]])
    assert [(w.start, w.stop) for w in window_slices(time)] == [(0, 5), (5, 8), (8, 9)]
    widths = bin_widths(time, duration=1000.0)
    np.testing.assert_array_equal(widths, np.ones(9))  # no bin stretches over a gap
    steps = rate_steps(time, widths)
    np.testing.assert_array_equal(steps[0][1], [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(steps[1][1], [100, 101, 102, 103])
    np.testing.assert_array_equal(steps[2][1], [500, 501])
    assert window_slices(np.arange(0.0, 1.0, 0.001)) == [slice(0, 1000)]
    assert window_slices(np.array([])) == []


def test_multiday_rates_do_not_bridge_days(multiday):
    run = load(multiday["sal1"])
    fig = make_figure([run], what=["rates"])
    steps = fig.axes[0].patches
    assert len(steps) == len(WINDOWS)
    assert len({p.get_edgecolor() for p in steps}) == 1  # one run, one colour
    scale = 3600.0  # three days are drawn in hours
    for p, start in zip(steps, WINDOWS):
        _, edges, _ = p.get_data()
        assert edges[0] * scale == pytest.approx(start)
        assert edges[-1] * scale == pytest.approx(start + 30.0)
    # the mean rate counts the 90 s of the fast windows, not the three days
    assert mean_rates(run)["LA_E"] == (pytest.approx(600 / (100 * 90.0)), "spikes")
    fig = make_figure([run], what=["raster"])
    assert fig.axes[0].collections[0].get_offsets().shape[0] == 600
