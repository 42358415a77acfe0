"""The frequency-response read-out: UP/DOWN counting, name parsing, errors, the command."""
import subprocess
import sys

import h5py
import numpy as np
import pytest

from fearsim_analysis.load import FearsimFileError
from fearsim_analysis.plasticity import frequency_figure, frequency_response


def _snapshots(path, groups):
    """groups: {name: (rho_first, rho_last)}; b = 5, rho* = 0.5."""
    with h5py.File(path, "w") as f:
        f.attrs["fearsim_version"] = "test"
        for k in (0, 1):
            for name, rhos in groups.items():
                g = f.create_group(f"snapshots/{k}/{name}")
                g.attrs["b"] = 5.0
                g.attrs["rho_star"] = 0.5
                g["rho"] = np.asarray(rhos[k], dtype=float)
    return str(path)


def test_strength_counts_up_and_down(tmp_path):
    # 1 Hz: 2 of 4 UP -> 1 of 4 UP: strength (1 + 2*4)/4 = 3 -> (1 + 4)/4 ... relative -1/3
    path = _snapshots(tmp_path / "f.h5", {
        "1Hz": ([0.9, 0.8, 0.1, 0.0], [0.9, 0.3, 0.1, 0.0]),
        "50Hz": ([0.1, 0.2, 0.1, 0.0], [0.6, 0.9, 0.7, 0.49]),
        "E->E": ([0.0], [1.0]),  # not named by a frequency: ignored
    })
    points = frequency_response(path)
    assert [p[0] for p in points] == [1.0, 50.0]
    assert points[0][1] == pytest.approx((1 + 0.25 * 4) / (1 + 0.5 * 4) - 1)
    assert points[1][1] == pytest.approx((1 + 0.75 * 4) / 1.0 - 1)
    fig = frequency_figure(points)
    assert list(fig.axes[0].lines[1].get_ydata()) == pytest.approx([100 * p[1] for p in points])


def test_errors(tmp_path):
    one = tmp_path / "one.h5"
    with h5py.File(one, "w") as f:
        f.create_group("snapshots/0/1Hz")
    with pytest.raises(FearsimFileError, match="two snapshots"):
        frequency_response(str(one))
    path = _snapshots(tmp_path / "x.h5", {"E->E": ([0.0], [1.0])})
    with pytest.raises(FearsimFileError, match="no plastic projection"):
        frequency_response(path)


def test_command(tmp_path, cli_env):
    path = _snapshots(tmp_path / "f.h5", {"1Hz": ([0.9, 0.1], [0.1, 0.1]),
                                          "30Hz": ([0.1, 0.1], [0.9, 0.1])})
    out = tmp_path / "f.png"
    r = subprocess.run([sys.executable, "-m", "fearsim_analysis", "frequency", path, "-o",
                        str(out)], env=cli_env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "1 Hz: -66.7 %" in r.stdout and "30 Hz: +200.0 %" in r.stdout
    assert out.stat().st_size > 1000
