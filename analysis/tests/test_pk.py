"""The drug-concentration figure: which series it finds, reference levels, errors."""
import subprocess
import sys

import numpy as np
import pytest

from conftest import write_result
from fearsim_analysis.load import FearsimFileError, load
from fearsim_analysis.pk import block_series, drug_series, parse_reference, pk_figure

PLASMA = np.array([0.0, 100.0, 177.0, 120.0, 60.0])


BLOCK = PLASMA / (PLASMA + 200.0)


def _pk_file(path, block=True):
    timeline = {"ketamine_plasma_ng_per_mL": (PLASMA, "ng/mL"),
                "ketamine_plasma_uM": (PLASMA / 237.7, "uM"),
                "ketamine_effect_ng_per_mL": (PLASMA * 0.99, "ng/mL"),
                "ketamine_effect_uM": (PLASMA * 0.99 / 237.7, "uM")}
    if block:
        timeline.update({"block_LA_E": (BLOCK, "1"), "block_CeM": (BLOCK / 2, "1")})
    return write_result(str(path), {}, {}, None, timeline)


def test_drug_series_finds_the_four_concentrations(tmp_path):
    drugs = drug_series(load(_pk_file(tmp_path / "k.h5")))
    assert list(drugs) == ["ketamine"]
    assert set(drugs["ketamine"]) == {("plasma", "ng_per_mL"), ("plasma", "uM"),
                                      ("effect", "ng_per_mL"), ("effect", "uM")}
    assert drugs["ketamine"][("plasma", "ng_per_mL")].values.max() == 177.0


def test_block_series_per_population(tmp_path):
    blocks = block_series(load(_pk_file(tmp_path / "k.h5")))
    assert sorted(blocks) == ["CeM", "LA_E"]
    np.testing.assert_allclose(blocks["LA_E"].values, BLOCK)
    np.testing.assert_allclose(blocks["LA_E"].time, np.arange(5) * 60.0)


def test_figure_draws_curves_and_reference(tmp_path):
    result = load(_pk_file(tmp_path / "k.h5", block=False))
    fig = pk_figure([result], ["k"], [(185.0, "observed")])
    plasma, effect = fig.axes
    assert len(plasma.lines) == 2  # the curve and the reference line
    np.testing.assert_allclose(plasma.lines[0].get_ydata(), PLASMA)
    assert plasma.lines[1].get_ydata()[0] == 185.0
    assert plasma.get_ylim()[1] >= 185.0
    np.testing.assert_allclose(effect.lines[0].get_ydata(), PLASMA * 0.99 / 237.7)


def test_block_panel_beside_the_concentrations(tmp_path):
    fig = pk_figure([load(_pk_file(tmp_path / "k.h5"))], ["k"])
    plasma, effect, block = fig.axes
    assert block.get_ylabel() == "receptor block (fraction)"
    curves = {line.get_label(): line.get_ydata() for line in block.lines}
    np.testing.assert_allclose(curves["LA_E"], BLOCK)
    np.testing.assert_allclose(curves["CeM"], BLOCK / 2)
    assert len(pk_figure([load(_pk_file(tmp_path / "k.h5"))], ["k"], block=False).axes) == 2


def test_group_members_share_a_colour(tmp_path):
    runs = [load(_pk_file(tmp_path / f"{k}.h5")) for k in "abc"]
    fig = pk_figure(runs, ["ket", "ket", "saline"])
    plasma = fig.axes[0]
    assert [line.get_color() for line in plasma.lines] == ["C0", "C0", "C1"]
    assert [t.get_text() for t in plasma.get_legend().get_texts()] == [
        "ket: ketamine", "saline: ketamine"]


def test_parse_reference():
    assert parse_reference("185:Zarate 2006") == (185.0, "Zarate 2006")
    assert parse_reference("150") == (150.0, "150 ng/mL")
    with pytest.raises(ValueError):
        parse_reference("high")


def test_run_without_drugs_is_an_error(result_file):
    with pytest.raises(FearsimFileError):
        pk_figure([load(result_file)], ["x"])


def test_cli_writes_png_and_exits_2_on_a_bad_reference(tmp_path, cli_env):
    path = _pk_file(tmp_path / "k.h5")
    out = tmp_path / "k.png"
    ok = subprocess.run([sys.executable, "-m", "fearsim_analysis", "pk", path, "-o", str(out),
                         "--reference", "185:observed"], env=cli_env, capture_output=True)
    assert ok.returncode == 0, ok.stderr
    assert out.stat().st_size > 1000
    bad = subprocess.run([sys.executable, "-m", "fearsim_analysis", "pk", path, "-o", str(out),
                          "--reference", "high"], env=cli_env, capture_output=True, text=True)
    assert bad.returncode == 2
    assert "expected VALUE[:LABEL]" in bad.stderr


def test_block_at_rest_is_drawn_dashed_beside_the_block_in_use(tmp_path):
    path = write_result(str(tmp_path / "r.h5"), {}, {}, None, {
        "ketamine_plasma_ng_per_mL": (PLASMA, "ng/mL"), "ketamine_plasma_uM": (PLASMA / 237.7, "uM"),
        "block_IL_E": (np.zeros(PLASMA.size), "1"), "block_rest_IL_E": (BLOCK, "1")})
    run = load(path)
    assert list(block_series(run)) == ["IL_E"]  # not a population "rest_IL_E"
    fig = pk_figure([run], ["k"])
    block = fig.axes[2]
    rest = [ln for ln in block.lines if ln.get_label() == "IL_E at rest"][0]
    assert rest.get_linestyle() == "--"
    np.testing.assert_allclose(rest.get_ydata(), BLOCK)


def test_a_long_block_legend_sits_beside_the_panel(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    timeline = {"ketamine_plasma_ng_per_mL": (PLASMA, "ng/mL")}
    for pop in ("LA_E", "LA_I", "BA_fear", "BA_ext", "IL_E", "CeM", "ITC", "PV"):
        timeline[f"block_{pop}"] = (BLOCK, "1")
        timeline[f"block_rest_{pop}"] = (BLOCK / 2, "1")
    fig = pk_figure([load(write_result(str(tmp_path / "r.h5"), {}, {}, None, timeline))], ["k"])
    assert tuple(fig.get_size_inches() * 100) == pytest.approx((1280, 720))  # a slide
    block = fig.axes[-1]
    assert len(block.get_legend().get_texts()) == 16
    FigureCanvasAgg(fig).draw()
    assert block.get_legend().get_window_extent().x0 > block.get_window_extent().x1
    short = pk_figure([load(_pk_file(tmp_path / "k.h5"))], ["k"]).axes[-1]
    FigureCanvasAgg(short.figure).draw()
    assert short.get_legend().get_window_extent().x1 <= short.get_window_extent().x1
