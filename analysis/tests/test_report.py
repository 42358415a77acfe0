"""The freezing, weights and report commands: outputs, labels and groups, exit codes."""
import subprocess
import sys

import numpy as np
import pytest
from conftest import FREEZING, multiday_file

PNG, PDF = b"\x89PNG", b"%PDF"


def run(args, env, cwd=None):
    return subprocess.run([sys.executable, "-m", "fearsim_analysis", *args], env=env, cwd=cwd,
                          capture_output=True, text=True)


def _valid(path, magic):
    data = path.read_bytes()
    return data.startswith(magic) and len(data) > 1000


def test_freezing_png_and_pdf_with_labels(multiday, cli_env, tmp_path):
    p = run(["freezing", multiday["sal1"], multiday["ket1"], "--label", "saline", "--label",
             "ketamine", "-o", str(tmp_path / "fr.png"), "--format", "png,pdf"], cli_env)
    assert p.returncode == 0, p.stderr
    assert _valid(tmp_path / "fr.png", PNG) and _valid(tmp_path / "fr.pdf", PDF)


def test_freezing_groups_per_session(multiday, cli_env, tmp_path):
    p = run(["freezing", "--group", "saline", multiday["sal1"], multiday["sal2"],
             "--group", "ketamine", multiday["ket1"], multiday["ket2"], "--per", "session",
             "-o", str(tmp_path / "groups.pdf")], cli_env)
    assert p.returncode == 0, p.stderr
    assert _valid(tmp_path / "groups.pdf", PDF)


def test_weights_command(multiday, cli_env, tmp_path):
    p = run(["weights", multiday["sal1"], multiday["ket1"], "--labels", "saline,ketamine",
             "--what", "weight,spines,z", "--early-late", "-o", str(tmp_path / "w.png")],
            cli_env)
    assert p.returncode == 0, p.stderr
    assert _valid(tmp_path / "w.png", PNG)


def test_report_writes_the_standard_set(multiday, cli_env, tmp_path):
    out = tmp_path / "report"
    p = run(["report", "--group", "saline", multiday["sal1"], multiday["sal2"],
             "--group", "ketamine", multiday["ket1"], multiday["ket2"], "-o", str(out),
             "--format", "png,pdf"], cli_env)
    assert p.returncode == 0, p.stderr
    for name in ("freezing", "weights", "drug"):
        assert _valid(out / f"{name}.png", PNG) and _valid(out / f"{name}.pdf", PDF)
    rows = [line.split("\t") for line in (out / "freezing.tsv").read_text().splitlines()]
    assert rows[0] == ["label", "day", "session", "freezing_pct", "sem_pct", "n"]
    ext = {(r[0], r[2]): r for r in rows[1:]}
    # ketamine, extinction (trial rows 6..9): run means 0.275 and 0.275 -> sem 0
    ket1, ket2 = np.array(FREEZING["ket1"][6:10]), np.array(FREEZING["ket2"][6:10])
    assert float(ext[("ketamine", "2")][3]) == pytest.approx(100 * (ket1.mean() + ket2.mean()) / 2)
    sal1, sal2 = np.array(FREEZING["sal1"][6:10]), np.array(FREEZING["sal2"][6:10])
    assert float(ext[("saline", "2")][4]) == pytest.approx(
        100 * abs(sal1.mean() - sal2.mean()) / 2, abs=0.01)
    assert ext[("saline", "2")][5] == "2"


def test_report_skips_what_a_file_lacks(tmp_path, cli_env):
    path = multiday_file(str(tmp_path / "notrials.h5"), FREEZING["sal1"], trials=False)
    p = run(["report", path, "-o", str(tmp_path / "r")], cli_env)
    assert p.returncode == 0, p.stderr
    assert "skipped freezing:" in p.stdout and "no /trials" in p.stdout
    assert sorted(f.name for f in (tmp_path / "r").iterdir()) == [
        "drug.png", "index.html", "mechanism_notrials.png", "weights.png"]


def test_report_with_nothing_to_report(result_file, cli_env, tmp_path):
    p = run(["report", result_file, "-o", str(tmp_path / "r")], cli_env)
    assert p.returncode == 2 and "nothing to report" in p.stderr
    assert not (tmp_path / "r").exists()


def test_bad_input_exits_2(tmp_path, cli_env, result_file):
    path = multiday_file(str(tmp_path / "a.h5"), FREEZING["sal1"])
    cases = [
        (["freezing", result_file, "-o", "f.png"], "no /trials in the file"),
        (["weights", path, "--only", "BLA", "-o", "f.png"], "no weight/spines series for BLA"),
        (["weights", path, "--what", "mass", "-o", "f.png"], "unknown series kind mass"),
        (["freezing", path, "--label", "a", "--label", "b", "-o", "f.png"],
         "2 labels for 1 result files"),
        (["freezing", "--group", "saline", "-o", "f.png"], "--group saline names no file"),
        (["freezing", "-o", "f.png"], "give at least one RESULT.h5"),
        (["freezing", path, path, "-o", "f.png"], "label a is used twice"),
        (["freezing", path, "-o", "f.txt"], "cannot tell the figure format"),
        (["freezing", "missing.h5", "-o", "f.png"], "missing.h5: no such file"),
        (["report", path, "-o", "no/such/dir"], "parent directory"),
    ]
    for args, message in cases:
        p = run(args, cli_env, cwd=tmp_path)
        assert p.returncode == 2, (args, p.stderr)
        assert message in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)
        assert p.stderr.strip().count("\n") == 0 or p.stderr.startswith("usage:"), p.stderr
    assert not list(tmp_path.glob("f.*"))
