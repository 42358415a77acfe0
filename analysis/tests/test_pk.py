"""The drug-concentration figure: which series it finds, reference levels, errors."""
import subprocess
import sys

import numpy as np
import pytest

from conftest import write_result
from fearsim_analysis.load import FearsimFileError, load
from fearsim_analysis.pk import drug_series, parse_reference, pk_figure

PLASMA = np.array([0.0, 100.0, 177.0, 120.0, 60.0])


def _pk_file(path):
    timeline = {"ketamine_plasma_ng_per_mL": (PLASMA, "ng/mL"),
                "ketamine_plasma_uM": (PLASMA / 237.7, "uM"),
                "ketamine_effect_ng_per_mL": (PLASMA * 0.99, "ng/mL"),
                "ketamine_effect_uM": (PLASMA * 0.99 / 237.7, "uM"),
                "block_E": (np.zeros(5), "1")}
    return write_result(str(path), {}, {}, None, timeline)


def test_drug_series_finds_the_four_concentrations(tmp_path):
    drugs = drug_series(load(_pk_file(tmp_path / "k.h5")))
    assert list(drugs) == ["ketamine"]
    assert set(drugs["ketamine"]) == {("plasma", "ng_per_mL"), ("plasma", "uM"),
                                      ("effect", "ng_per_mL"), ("effect", "uM")}
    assert drugs["ketamine"][("plasma", "ng_per_mL")].values.max() == 177.0


def test_figure_draws_curves_and_reference(tmp_path):
    result = load(_pk_file(tmp_path / "k.h5"))
    fig = pk_figure([result], ["k"], [(185.0, "observed")])
    plasma, effect = fig.axes
    assert len(plasma.lines) == 2  # the curve and the reference line
    np.testing.assert_allclose(plasma.lines[0].get_ydata(), PLASMA)
    assert plasma.lines[1].get_ydata()[0] == 185.0
    assert plasma.get_ylim()[1] >= 185.0
    np.testing.assert_allclose(effect.lines[0].get_ydata(), PLASMA * 0.99 / 237.7)


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
