"""End to end: run the real simulator on configs/quickstart.yaml, then load and plot its file.

Needs FEARSIM_BIN (the fearsim executable) and FEARSIM_SOURCE_DIR (the repository); the
ctest registration (tests/CMakeLists.txt) sets both."""
import os
import subprocess

import pytest

from fearsim_analysis import load, mean_rates
from fearsim_analysis.plot import make_figure, save


def test_quickstart_run_loads_and_plots(tmp_path):
    binary, source = os.environ.get("FEARSIM_BIN"), os.environ.get("FEARSIM_SOURCE_DIR")
    if not (binary and source and os.access(binary, os.X_OK)):
        pytest.skip("FEARSIM_BIN and FEARSIM_SOURCE_DIR are not set (ctest sets them)")
    out = tmp_path / "q.h5"
    p = subprocess.run([binary, "run", os.path.join(source, "configs", "quickstart.yaml"),
                        "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    run = load(out)
    assert run.meta["fearsim_version"] and run.experiment_yaml
    assert run.populations and (run.spikes or run.rates)
    for pop, spikes in run.spikes.items():
        assert (spikes.timestamps >= 0).all() and (spikes.timestamps[1:] >= spikes.timestamps[:-1]).all()
        if run.duration:
            assert spikes.timestamps.max(initial=0) <= run.duration
    assert mean_rates(run)
    fig = make_figure([run])
    save(fig, [tmp_path / "q.png"])
    assert (tmp_path / "q.png").stat().st_size > 1000
