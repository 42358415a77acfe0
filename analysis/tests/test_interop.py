"""to_dataframe, to_xarray and to_neo on files the simulator wrote (the `simulated` fixture),
and to_dataframe on a cohort-shaped summary."""
import h5py
import numpy as np
import pytest

from fearsim_analysis import FearsimFileError, load, to_dataframe, to_neo, to_xarray


def test_trials_dataframe(simulated):
    df = to_dataframe(simulated["protocol"])
    assert len(df) == 3
    for name in ("day", "session", "trial", "context", "kind"):
        assert df[name].dtype == np.int64, name
    assert df["day"].tolist() == [1, 1, 2] and df["trial"].tolist() == [0, 1, 0]
    assert df["session_name"].tolist() == ["train", "train", "test"]
    assert df["context_name"].tolist() == ["A", "A", "A"]
    with h5py.File(simulated["protocol"]) as f:
        for name in ("cs_on", "freezing", "rate_A"):
            np.testing.assert_array_equal(df[name].to_numpy(), f["trials"][name][()])
    t10 = 10 * 3600.0
    np.testing.assert_allclose(df["cs_on"], [t10 + 0.2, t10 + 1.7, 86400 + t10 + 0.2])
    assert df.attrs["units"]["cs_on"] == "s" and df.attrs["units"]["rate_A"] == "Hz"
    # a Result gives the same frame
    assert to_dataframe(load(simulated["protocol"])).equals(df)


def test_sweep_summary_dataframe(simulated):
    df = to_dataframe(simulated["summary"])
    assert len(df) == 9 and (df["status"] == "ok").all()
    assert {"run", "index", "replicate", "seed", "file", "dose", "infusion", "peak_plasma",
            "plasma_next_day"} <= set(df.columns)
    assert df.attrs["units"]["dose"] == "kg/kg" and df.attrs["units"]["plasma_next_day"] == "nM"
    assert df.attrs["groups"]["dose"] == "axes" and df.attrs["groups"]["peak_plasma"] == "outcomes"
    with h5py.File(simulated["summary"]) as f:
        np.testing.assert_array_equal(df["peak_plasma"], f["outcomes/peak_plasma"][()])
        np.testing.assert_array_equal(df["index"], f["index"][()])
    # linear PK: at one infusion duration the peak is proportional to the dose
    for _, g in df.groupby("infusion"):
        ratio = g["peak_plasma"] / g["dose"]
        np.testing.assert_allclose(ratio, ratio.iloc[0], rtol=1e-9)


def test_cohort_shaped_summary(tmp_path):
    """The same shape with other groups: names collide only where they must."""
    path = tmp_path / "cohort.h5"
    with h5py.File(path, "w") as f:
        f.attrs["cohort"] = "c.yaml"
        f["run"] = np.arange(4, dtype=np.uint64)
        f["subject"] = np.arange(4, dtype=np.uint64)
        f.create_dataset("status", data=["ok", "ok", "failed", "ok"], dtype=h5py.string_dtype())
        f["params/body_weight"] = [0.30, 0.32, 0.28, 0.31]
        f["params/body_weight"].attrs["units"] = "kg"
        f["outcomes/body_weight"] = [0.3, 0.3, np.nan, 0.3]
        f["outcomes/freezing"] = [0.5, 0.6, np.nan, 0.4]
    df = to_dataframe(path)
    assert list(df.columns) == ["outcomes/body_weight", "freezing", "params/body_weight", "run",
                                "status", "subject"]
    assert df["status"].tolist() == ["ok", "ok", "failed", "ok"]
    assert df.attrs["units"]["params/body_weight"] == "kg"
    assert df.attrs["meta"]["cohort"] == "c.yaml"
    with h5py.File(path, "a") as f:
        f["outcomes/short"] = [1.0, 2.0]
    with pytest.raises(FearsimFileError, match="/outcomes/short not 4 rows long"):
        to_dataframe(path)


def test_timeline_xarray(simulated):
    ds = to_xarray(simulated["protocol"])
    with h5py.File(simulated["protocol"]) as f:
        time = f["timeline/time"][()]
        np.testing.assert_array_equal(ds["time"].to_numpy(), time)
        assert ds["time"].attrs["units"] == "s"
        series = [n for n in f["timeline"] if n != "time"]
        assert sorted(ds.data_vars) == sorted(series)
        for name in series:
            np.testing.assert_array_equal(ds[name].to_numpy(), f["timeline"][name][()])
            assert ds[name].dims == ("time",)
            assert ds[name].attrs["units"] == f["timeline"][name].attrs["units"]
    assert ds.attrs["seed"] == 2 and ds.attrs["format_version"] == 2
    plasma = ds["ketamine_plasma_uM"]
    assert plasma.sel(time=11 * 3600.0, method="nearest") == 0  # before the dose at 12:00
    assert float(plasma.max()) > 0


def test_rates_xarray(simulated):
    ds = to_xarray(simulated["network"], "rates")
    run = load(simulated["network"])
    assert sorted(ds.data_vars) == ["E", "drive"] and ds["drive"].attrs["units"] == "Hz"
    np.testing.assert_array_equal(ds["time"].to_numpy(), run.rates.time)
    # every spike is in one 10-ms bin: rate * bin * size sums to the spike count
    for pop, size in (("drive", 200), ("E", 100)):
        count = float((ds[pop] * 0.01 * size).sum())
        assert count == pytest.approx(run.spikes[pop].timestamps.size, rel=1e-9)
    assert float(ds["drive"].mean()) == pytest.approx(25.0, rel=0.05)


def test_neo_spike_trains(simulated):
    import quantities as pq
    run = load(simulated["network"])
    seg = to_neo(simulated["network"], "drive")
    assert seg.name == "drive" and len(seg.spiketrains) == 200
    spikes = run.spikes["drive"]
    assert sum(len(st) for st in seg.spiketrains) == spikes.timestamps.size
    for node in (0, 57, 199):
        st = seg.spiketrains[node]
        assert st.annotations["node_id"] == node and st.annotations["population"] == "drive"
        assert st.t_stop == 2.0 * pq.s and st.units == pq.s
        np.testing.assert_array_equal(st.magnitude, spikes.timestamps[spikes.node_ids == node])
    rate = np.mean([len(st) / float(st.duration.rescale(pq.s)) for st in seg.spiketrains])
    assert rate == pytest.approx(25.0, rel=0.05)
    block = to_neo(simulated["network"])
    assert [s.name for s in block.segments] == ["E", "drive"]
    assert len(block.segments[0].spiketrains) == 100


def test_loader_errors(simulated):
    with pytest.raises(FearsimFileError,
                       match=r"no spikes of population 'X' \(recorded: E, drive\)"):
        to_neo(simulated["network"], "X")
    with pytest.raises(FearsimFileError, match="no /timeline"):
        to_xarray(simulated["network"])
    with pytest.raises(FearsimFileError, match="no /trials"):
        to_dataframe(simulated["network"])
    with pytest.raises(ValueError, match="group must be"):
        to_xarray(simulated["network"], "spikes")
