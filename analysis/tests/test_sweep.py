"""Sweep plots from synthetic summary.h5 files in the layout that sim/sweep.c writes."""
import h5py
import numpy as np
import pytest

from fearsim_analysis.__main__ import main
from fearsim_analysis.sweep import display_units, load_summary, outcome_figure


def _write_summary(path, status=None):
    """2 doses x 2 durations x 3 replicates; the outcome is 400 ng/mL per mg/kg + replicate."""
    dose = np.repeat([0.5e-6, 1e-6], 6)
    dur = np.tile(np.repeat([1200.0, 2400.0], 3), 2)
    rep = np.tile([0, 1, 2], 4)
    peak = dose * 4e8 + rep
    status = status or ["ok"] * 12
    with h5py.File(path, "w") as f:
        f["index"] = np.repeat(np.arange(4, dtype=np.uint64), 3)
        f["replicate"] = rep.astype(np.uint64)
        f["seed"] = np.arange(12, dtype=np.uint64)
        f.create_dataset("status", data=status, dtype=h5py.string_dtype())
        for name, v, units in (("axes/dose", dose, "kg/kg"), ("axes/infusion", dur, "s"),
                               ("outcomes/peak", peak, "ng/mL")):
            f[name] = v
            f[name].attrs["units"] = units
    return path


def test_load_and_units(tmp_path):
    s = load_summary(_write_summary(tmp_path / "summary.h5"))
    assert list(s.axes) == ["dose", "infusion"] and list(s.outcomes) == ["peak"]
    v, unit = display_units(s.axes["dose"])
    assert unit == "mg/kg" and np.allclose(sorted(set(v)), [0.5, 1.0])
    v, unit = display_units(s.axes["infusion"])
    assert unit == "min" and np.allclose(sorted(set(v)), [20, 40])


def test_currents_in_a_readable_unit():
    from fearsim_analysis.sweep import Column
    v, unit = display_units(Column(np.array([0.25e-3, 0.75e-3]), "A"))  # a shock
    assert unit == "mA" and np.allclose(v, [0.25, 0.75])
    v, unit = display_units(Column(np.array([50e-12, np.nan]), "A"))  # a membrane current
    assert unit == "pA" and np.isclose(v[0], 50)


def test_outcome_figure_mean_and_sd(tmp_path):
    s = load_summary(_write_summary(tmp_path / "summary.h5"))
    fig = outcome_figure(s, "dose", "peak")
    ax = fig.axes[0]
    # one errorbar line per infusion duration; replicates 0, 1, 2 -> mean +1, sd 1
    lines = [c for c in ax.containers]
    assert len(lines) == 2
    y = np.asarray(lines[0].lines[0].get_ydata(), float)
    assert np.allclose(y, [201, 401])
    seg = lines[0].lines[2][0].get_segments()
    assert np.allclose([b[1] - a[1] for a, b in seg], [2.0, 2.0])


def test_failed_runs_are_left_out(tmp_path):
    status = ["ok"] * 12
    status[0] = "failed"
    s = load_summary(_write_summary(tmp_path / "summary.h5", status))
    y = np.asarray(outcome_figure(s, "dose", "peak").axes[0].containers[0].lines[0].get_ydata(),
                   float)
    assert np.allclose(y, [201.5, 401])


def test_cli_png_pdf_and_heatmap(tmp_path):
    path = str(_write_summary(tmp_path / "summary.h5"))
    out = tmp_path / "fig.png"
    assert main(["sweep", path, "--x", "dose", "--y", "peak", "-o", str(out),
                 "--format", "png,pdf"]) == 0
    assert (tmp_path / "fig.png").stat().st_size > 0 and (tmp_path / "fig.pdf").stat().st_size > 0
    heat = tmp_path / "heat.pdf"
    assert main(["sweep", path, "--heatmap", "dose", "infusion", "--y", "peak",
                 "-o", str(heat)]) == 0
    assert heat.read_bytes().startswith(b"%PDF")


def test_cli_bad_names(tmp_path, capsys):
    path = str(_write_summary(tmp_path / "summary.h5"))
    with pytest.raises(SystemExit) as e:
        main(["sweep", path, "--x", "dos", "--y", "peak", "-o", str(tmp_path / "f.png")])
    assert e.value.code == 2
    assert "no axis 'dos' in the summary (did you mean 'dose'?)" in capsys.readouterr().err
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1.0]
    assert main(["sweep", str(tmp_path / "other.h5"), "--x", "dose", "--y", "peak",
                 "-o", str(tmp_path / "g.png")]) == 2
    assert not (tmp_path / "g.png").exists()
