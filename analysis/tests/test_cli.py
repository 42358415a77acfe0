"""The command line: summary, plot, exit codes, and the fearsim-plot and fearsim-analysis
launchers."""
import os
import subprocess
import sys

import h5py
import pytest
from conftest import ANALYSIS_DIR, standard_file


def run(args, env, cwd=None):
    return subprocess.run([sys.executable, "-m", "fearsim_analysis", *args], env=env, cwd=cwd,
                          capture_output=True, text=True)


def test_summary(result_file, cli_env):
    p = run(["summary", result_file], cli_env)
    assert p.returncode == 0, p.stderr
    lines = {line.split()[0]: line.split() for line in p.stdout.splitlines() if line.strip()}
    assert lines["fearsim_version:"][1] == "0.1.0"
    assert lines["dt:"][1:] == ["0.0001", "s"]
    assert lines["LA"][1:] == ["neuron", "lif", "100", "300", "1.500", "spikes"]
    assert lines["CeM"][1:] == ["neuron", "lif", "10", "50", "2.500", "spikes"]
    assert lines["CS"][1:] == ["input", "poisson", "20", "-", "22.500", "rates"]


def test_summary_yaml(result_file, cli_env):
    p = run(["summary", result_file, "--yaml"], cli_env)
    assert p.returncode == 0 and p.stdout.rstrip().endswith("seed: 42")


def test_bad_files_exit_2(tmp_path, cli_env):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1.0]
    (tmp_path / "text.h5").write_text("not hdf5")
    for bad in ["other.h5", "text.h5", "missing.h5"]:
        for cmd in (["summary", bad], ["plot", bad, "-o", "f.png"]):
            p = run(cmd, cli_env, cwd=tmp_path)
            assert p.returncode == 2, (cmd, p.stderr)
            assert p.stderr.count("\n") == 1 and bad in p.stderr and "Traceback" not in p.stderr
    assert "not a fearsim result" in run(["summary", "other.h5"], cli_env, tmp_path).stderr


@pytest.mark.parametrize("args", [
    ["-o", "fig.txt"],
    ["-o", "fig.png", "--labels", "a,b"],
    ["-o", "fig.png", "--what", "raster,spectrum"],
    ["-o", "fig.png", "--t-start", "2", "--t-stop", "1"],
    ["-o", "fig.png", "--format", "svg"],
    ["-o", "no/such/dir/fig.png"],
    ["-o", "fig.png", "--t-start", "soon"],
])
def test_bad_arguments_exit_2(result_file, cli_env, tmp_path, args):
    p = run(["plot", result_file, *args], cli_env, cwd=tmp_path)
    assert p.returncode == 2 and "error:" in p.stderr, p.stderr
    assert not list(tmp_path.glob("fig*"))


def test_plot_formats_and_overlay(tmp_path, cli_env):
    saline = standard_file(str(tmp_path / "saline.h5"))
    ketamine = standard_file(str(tmp_path / "ketamine.h5"), ketamine_scale=2.0)
    p = run(["plot", saline, ketamine, "-o", str(tmp_path / "cmp.png"), "--format", "png,pdf",
             "--labels", "saline,ketamine", "--what", "rates,timeline", "--t-stop", "1.5"],
            cli_env)
    assert p.returncode == 0, p.stderr
    for ext in ("png", "pdf"):
        assert (tmp_path / f"cmp.{ext}").stat().st_size > 1000
    p = run(["plot", saline, "-o", str(tmp_path / "one.pdf")], cli_env)
    assert p.returncode == 0 and (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")


def test_wrapper_script(result_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPLAY")}
    wrapper = os.path.join(ANALYSIS_DIR, "fearsim-plot")
    p = subprocess.run([wrapper, result_file, "-o", str(tmp_path / "w.png"), "--max-neurons",
                        "5"], env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "w.png").read_bytes().startswith(b"\x89PNG")
    p = subprocess.run([wrapper, "--what", "nope", result_file], env=env, capture_output=True,
                       text=True)
    assert p.returncode == 2 and p.stderr.startswith("usage: fearsim-plot")


def test_analysis_launcher(result_file, tmp_path):
    """analysis/fearsim-analysis runs Debian's python3 with no PYTHONPATH, from any folder,
    whatever python3 comes first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPLAY")}
    env["PATH"] = "/usr/bin:/bin"
    launcher = os.path.join(ANALYSIS_DIR, "fearsim-analysis")
    p = subprocess.run([launcher, "summary", result_file], env=env, cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"file: {result_file}\n")
    p = subprocess.run([launcher, "--help"], env=env, capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("usage: fearsim-analysis")
    p = subprocess.run([launcher, "plot", "--what", "nope", result_file], env=env,
                       capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.startswith("usage: fearsim-analysis plot")
