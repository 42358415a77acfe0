"""BMTK, a SONATA reader, reads a result's spikes right: milliseconds, so a population of
Poisson inputs at 25 Hz comes out at 25 Hz (it came out at ~25 000 Hz when fearsim wrote s)."""
import numpy as np
import pytest

from fearsim_analysis import load

spike_trains = pytest.importorskip("bmtk.utils.reports.spike_trains")


def test_bmtk_reads_spikes_and_rates(simulated):
    import matplotlib
    matplotlib.use("Agg")
    from bmtk.utils.reports.spike_trains.plotting import plot_rates

    path = simulated["network"]
    spikes = spike_trains.SpikeTrains.load(path)
    assert sorted(spikes.populations) == ["E", "drive"]
    assert spikes.units("drive") == "ms"
    run = load(path)
    df = spikes.to_dataframe(populations="drive", with_population_col=False)
    assert len(df) == run.spikes["drive"].timestamps.size
    np.testing.assert_allclose(np.sort(df["timestamps"].to_numpy()),
                               run.spikes["drive"].timestamps * 1e3, rtol=1e-15)
    start, stop = spikes.time_range("drive")
    assert 0 <= start and stop <= 2000.0  # a 2-s run, in ms
    # BMTK's own rate per node (its spike count over the span of the timestamps, taken as ms):
    # 200 inputs at 25 Hz for 2 s, 10 000 spikes expected (sd 100)
    fig = plot_rates(spikes, population="drive", show=False)
    rates = fig.axes[0].lines[0].get_ydata()
    assert len(rates) == 200
    assert np.mean(rates) == pytest.approx(25.0, rel=0.05)
