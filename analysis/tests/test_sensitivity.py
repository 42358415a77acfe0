"""One-at-a-time sensitivity from a synthetic summary.h5 in the layout sim/sweep.c writes for
`design: one_at_a_time` with a crossed drug axis (configs/sensitivity/fear_circuit.yaml)."""
import csv

import h5py
import numpy as np
import pytest

from fearsim_analysis.__main__ import main
from fearsim_analysis.load import FearsimFileError
from fearsim_analysis.sensitivity import base_values, points, ranges
from fearsim_analysis.sweep import load_summary

#: freezing of an animal for which every row holds: saline and ketamine
GOOD = {"saline": (0.05, 0.85, 0.8, 0.3, 0.4, 0.5, 0.6),
        "ketamine": (0.05, 0.85, 0.7, 0.15, 0.2, 0.3, 0.4)}
NAMES = ("conditioning_first", "conditioning_last", "extinction_first", "extinction_last",
         "recall", "renewal_A", "test_day10")


def _write(path, status=None):
    """Base, then theta (text, circuit.set) at 1.25 / 1.35 / 1.55 / 1.65 and w (numeric, nS) at
    0.4 / 1.2: at theta 1.25 extinction fails (recall stays high), at w 1.2 ketamine's benefit
    is gone."""
    theta = ["", "projections[9].plasticity.params.theta_p=1.25",
             "projections[9].plasticity.params.theta_p=1.35",
             "projections[9].plasticity.params.theta_p=1.55",
             "projections[9].plasticity.params.theta_p=1.65", "", ""]
    w = [np.nan] * 5 + [0.4e-9, 1.2e-9]
    rows = []
    for p in range(7):
        for drug in ("saline", "ketamine"):
            o = dict(zip(NAMES, GOOD[drug]))
            if p == 1:
                o["recall"], o["extinction_last"] = 0.8, 0.75
            if p == 6 and drug == "ketamine":
                o["recall"] = 0.38
            rows.append((theta[p], w[p], drug, o))
    n = len(rows)
    with h5py.File(path, "w") as f:
        f["index"] = np.arange(n, dtype=np.uint64)
        f["replicate"] = np.zeros(n, np.uint64)
        f.create_dataset("status", data=status or ["ok"] * n, dtype=h5py.string_dtype())
        f.create_dataset("axes/theta_p_amygdala", data=[r[0] for r in rows],
                         dtype=h5py.string_dtype())
        f["axes/theta_p_amygdala"].attrs["description"] = (
            "circuit.set[0]; base value: projections[9].plasticity.params.theta_p=1.45")
        f["axes/w_nS"] = np.array([r[1] for r in rows])
        f["axes/w_nS"].attrs["units"] = "S"
        f["axes/w_nS"].attrs["description"] = "circuit.set[4]; base value: 0.8 nS = 8e-10"
        f.create_dataset("axes/drug", data=[r[2] for r in rows], dtype=h5py.string_dtype())
        for name in NAMES:
            f[f"outcomes/{name}"] = np.array([r[3][name] for r in rows])
            f[f"outcomes/{name}"].attrs["units"] = "1"
    return path


def test_points_and_rows(tmp_path):
    pts, units = points(load_summary(_write(tmp_path / "s.h5")))
    assert len(pts) == 7
    base = next(p for p in pts if p.parameter == "")
    assert all(base.holds.values()) and len(base.holds) == 5
    low = next(p for p in pts if p.parameter == "theta_p_amygdala" and p.value == 1.25)
    assert not low.holds["row 12 extinction"] and low.holds["row 10 acquisition"]
    strong = next(p for p in pts if p.parameter == "w_nS" and p.value == pytest.approx(1.2))
    assert not strong.holds["row 17 ketamine"] and strong.holds["row 12 extinction"]
    assert units["w_nS"] == "nS" and units["theta_p_amygdala"] == ""


def test_ranges_stop_at_the_first_failure(tmp_path):
    rng = ranges(points(load_summary(_write(tmp_path / "s.h5")))[0])
    assert rng["theta_p_amygdala"]["low"] == 1.35 and rng["theta_p_amygdala"]["high"] == 1.65
    assert rng["theta_p_amygdala"]["fails"] == ["row 12 extinction", "row 15 spontaneous recovery",
                                                "row 16 renewal", "row 17 ketamine"]
    assert rng["w_nS"]["low"] == pytest.approx(0.4) and np.isnan(rng["w_nS"]["high"])
    assert rng["w_nS"]["fails"] == ["row 17 ketamine"]


def test_base_values_and_an_uneven_design(tmp_path):
    s = load_summary(_write(tmp_path / "s.h5"))
    base = base_values(s)
    assert base["theta_p_amygdala"] == 1.45 and base["w_nS"] == pytest.approx(0.8)
    assert np.isnan(base["drug"])
    # with the base at 1.3 the failure at 1.25 is just below it: nothing holds on that side
    rng = ranges(points(s)[0], {"theta_p_amygdala": 1.3})
    assert np.isnan(rng["theta_p_amygdala"]["low"]) and rng["theta_p_amygdala"]["high"] == 1.65


def test_cli_figure_and_table(tmp_path, capsys):
    out, table = tmp_path / "sens.png", tmp_path / "sens.csv"
    assert main(["sensitivity", str(_write(tmp_path / "s.h5")), "-o", str(out),
                 "--csv", str(table)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    rows = list(csv.reader(table.open()))
    assert rows[0][:3] == ["parameter", "unit", "base value"]
    assert {r[0] for r in rows[1:]} == {"theta_p_amygdala", "w_nS"}
    printed = capsys.readouterr().out
    assert "theta_p_amygdala (base 1.45): every row holds from 1.35 to 1.65" in printed


def test_not_one_at_a_time(tmp_path):
    path = _write(tmp_path / "s.h5")
    with h5py.File(path, "a") as f:
        w = f["axes/w_nS"][()]
        w[2] = 1e-9  # a row that sets two varied axes
        f["axes/w_nS"][...] = w
    with pytest.raises(FearsimFileError, match="not a one-at-a-time sweep"):
        points(load_summary(path))
