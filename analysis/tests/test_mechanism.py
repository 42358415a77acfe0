"""The mechanism chain in one figure, the weights figure grouped for a slide, and the report's
self-contained index.html."""
import base64
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest
from conftest import DAY, FREEZING, _dataset, multiday_file, timeline_time

from fearsim_analysis import FearsimFileError, load
from fearsim_analysis.mechanism import doses, mechanism_figure
from fearsim_analysis.timecourse import MAX_PANELS, timecourse_figure

KETAMINE_YAML = ("name: k\ndrugs:\n  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, "
                 "day: 2, time: '10:30'}\n# --- the circuit file, after circuit.set ---\n"
                 "drugs: [nonsense\n")


def _with_chain(path):
    """The multi-day file plus the series only the chain needs: block at rest, calcium."""
    t = timeline_time()
    with h5py.File(path, "a") as f:
        g = f["timeline"]
        _dataset(g, "block_rest_LA_E", 0.5 * (t > DAY), "f8", "1", "block at rest")
        _dataset(g, "calcium_CS->LA_E", 0.1 + 0.01 * t / DAY, "f8", "1", "calcium")
        f.attrs["experiment_yaml"] = KETAMINE_YAML
    return path


def test_doses_read_from_the_experiment_not_the_circuit(multiday):
    run = load(_with_chain(multiday["ket1"]))
    assert doses(run) == [(DAY + 10.5 * 3600, "ketamine 10 mg/kg")]


def test_six_panels_on_one_day_axis(multiday):
    run = load(_with_chain(multiday["ket1"]))
    fig = mechanism_figure(run, "LA_E")
    assert len(fig.axes) == 6
    w, h = fig.get_size_inches() * 100
    assert (w, h) == pytest.approx((1280, 720))
    drug, weight, block, bdnf, calcium, freezing = fig.axes  # row by row; read column by column
    t = timeline_time()
    rest = [ln for ln in block.lines if "at rest" in ln.get_label()][0]
    np.testing.assert_allclose(rest.get_xdata(), t / DAY + 1)  # day 1 runs from 1 to 2
    np.testing.assert_allclose(rest.get_ydata(), 0.5 * (t > DAY))
    np.testing.assert_allclose(calcium.lines[0].get_ydata(), 0.1 + 0.01 * t / DAY)
    assert [ln.get_label() for ln in weight.lines] == ["CS->LA_E early", "CS->LA_E consolidated"]
    np.testing.assert_allclose(weight.lines[0].get_ydata(), 0.5 + 0.2 * t / DAY)  # nS, scale 2
    dose_line = [ln for ln in drug.lines if ln.get_linestyle() == ":"][0]
    assert dose_line.get_xdata()[0] == pytest.approx(2 + 10.5 / 24)
    # freezing: the CS trials only (the unsignalled US is not a point)
    points = np.concatenate([ln.get_ydata() for ln in freezing.lines])
    assert len(points) == len(FREEZING["ket1"]) - 1 and 99.0 not in points
    assert freezing.get_xlabel() == "day of the experiment"


def test_a_population_without_plastic_input(multiday):
    run = load(multiday["sal1"])
    with pytest.raises(FearsimFileError, match="no plastic projection onto IL_E.*LA_E"):
        mechanism_figure(run, "IL_E")
    with pytest.raises(FearsimFileError, match="choose from CS->LA_E"):
        mechanism_figure(run, "LA_E", "ctx->LA_E")


def test_many_weight_series_are_grouped_by_target(tmp_path):
    path = multiday_file(str(tmp_path / "many.h5"), FREEZING["sal1"])
    t = timeline_time()
    names = ["CS->LA_E", "ctx_A->BA", "ctx_B->BA", "CS->IL", "ctx_A->IL", "ctx_B->IL",
             "IL->ITC", "IL->BA"]
    with h5py.File(path, "a") as f:
        for k, name in enumerate(names[1:]):
            _dataset(f["timeline"], f"weight_{name}", np.full(t.size, k * 1e-9), "f8", "S", "w")
    fig = timecourse_figure([load(path)], ["run"])
    assert len([ax for ax in fig.axes if ax.get_visible()]) <= MAX_PANELS
    titles = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    onto_ba = titles["onto BA: mean weight"]
    assert [ln.get_label() for ln in onto_ba.lines] == ["IL->BA", "ctx_A->BA", "ctx_B->BA"]
    assert onto_ba.get_ylabel() == "mean weight (nS)"
    np.testing.assert_allclose(onto_ba.lines[0].get_ydata(), 6.0)  # 6e-9 S in nS
    assert "spine density (rel. to start)" in titles


def test_report_page_is_self_contained(multiday, cli_env, tmp_path):
    out = tmp_path / "r"
    p = subprocess.run([sys.executable, "-m", "fearsim_analysis", "report",
                        _with_chain(multiday["ket1"]), multiday["sal1"], "--labels",
                        "ketamine,saline", "-o", str(out)], env=cli_env, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    page = (out / "index.html").read_text()
    pngs = sorted(f.stem for f in out.glob("*.png"))
    assert pngs == ["drug", "freezing", "mechanism_ketamine", "mechanism_saline", "weights"]
    images = re.findall(r"<img alt='([^']+)' src='data:image/png;base64,([^']+)'>", page)
    assert sorted(name for name, _ in images) == pngs
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for _, data in images)
    # nothing outside the page: no links, no external scripts or styles
    assert not re.search(r"(src|href)=['\"](?!data:)", page)
    assert "drugs:\n  - {drug: ketamine" in page  # the experiment text
    assert "<th class='l'>git_commit</th><td class='l'>abc1234</td>" in page
    # the trials of both runs: 11 CS trials and one unsignalled US each
    assert page.count("<td>US alone</td>") == 2
    assert page.count("<tr><td>") == 2 * len(FREEZING["sal1"])
    assert "<td>60.0</td>" in page  # sal1's 5th row: 0.6
