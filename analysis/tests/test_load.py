"""Loading result files: values, units, missing groups, non-fearsim files, mean rates."""
import h5py
import numpy as np
import pytest
from conftest import NETWORK, RATES, TIMELINE, _spikes, standard_file, write_result

from fearsim_analysis import FearsimFileError, load, mean_rates


def test_load_values(result_file):
    run = load(result_file)
    assert run.meta["fearsim_version"] == "0.1.0"
    assert run.meta["seed"] == 42 and run.meta["threads"] == 4 and run.meta["duration"] == 2.0
    assert "experiment_yaml" not in run.meta and run.experiment_yaml.startswith("network:")
    assert run.populations["CS"].kind == "input" and run.populations["LA"].size == 100
    assert set(run.spikes) == {"LA", "CeM"}
    t, ids = _spikes(300, 100, 2.0, 1)
    np.testing.assert_allclose(run.spikes["LA"].timestamps, t, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(run.spikes["LA"].node_ids, ids)
    np.testing.assert_array_equal(run.rates.time, RATES[0])
    np.testing.assert_array_equal(run.rates.by_pop["CS"], RATES[1]["CS"])
    assert set(run.timeline) == set(TIMELINE)
    ket = run.timeline["plasma_ketamine"]
    assert ket.units == "uM" and ket.description == "plasma_ketamine over time"
    np.testing.assert_array_equal(ket.time, [0.0, 60.0, 120.0, 180.0])
    assert run.timeline["weights/LA_CeM"].time.size == 3


def test_milliseconds_become_seconds(tmp_path, result_file):
    with h5py.File(result_file) as f:
        assert f["spikes/LA/timestamps"].attrs["units"] == b"ms"
    # a format_version 1 file holds seconds
    in_s = load(standard_file(str(tmp_path / "s.h5"), time_units="s"))
    np.testing.assert_allclose(in_s.spikes["LA"].timestamps,
                               load(result_file).spikes["LA"].timestamps, rtol=1e-15)
    np.testing.assert_array_equal(in_s.spikes["LA"].timestamps, _spikes(300, 100, 2.0, 1)[0])


def test_unknown_time_units(tmp_path):
    path = standard_file(str(tmp_path / "h.h5"))
    with h5py.File(path, "a") as f:
        f["spikes/LA/timestamps"].attrs["units"] = "h"
    with pytest.raises(FearsimFileError, match="time units 'h'"):
        load(path)


def test_missing_groups(tmp_path):
    path = write_result(str(tmp_path / "bare.h5"), NETWORK, {"LA": _spikes(10, 100, 2.0, 3)})
    run = load(path)
    assert run.rates is None and run.timeline == {} and set(run.spikes) == {"LA"}
    rate, source = mean_rates(run)["CeM"]
    assert np.isnan(rate) and source == ""


def test_not_a_fearsim_file(tmp_path):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1, 2, 3]
    with pytest.raises(FearsimFileError, match="not a fearsim result"):
        load(tmp_path / "other.h5")
    (tmp_path / "text.h5").write_text("hello")
    with pytest.raises(FearsimFileError, match="not a readable HDF5"):
        load(tmp_path / "text.h5")
    with pytest.raises(FearsimFileError, match="no such file"):
        load(tmp_path / "missing.h5")


def test_mean_rates(result_file):
    rates = mean_rates(load(result_file))
    assert rates["LA"] == (pytest.approx(300 / (100 * 2.0)), "spikes")
    assert rates["CeM"] == (pytest.approx(50 / (10 * 2.0)), "spikes")
    # bins of 0.5, 1.0 and 0.5 s: (10*0.5 + 20*1.0 + 40*0.5) / 2
    assert rates["CS"] == (pytest.approx(22.5), "rates")
