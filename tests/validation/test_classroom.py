"""The lesson of docs/tutorial.md, run as a student runs it: every ```sh block of the tutorial,
in order, in a fresh folder holding only build/, configs/ and analysis/ (links to this
checkout). Then the classroom experiments it ran (configs/classroom/) must show their
phenomena, each in the direction the tutorial promises and by a margin, and the report it
wrote must open in a real headless browser (Debian's chromium) without console errors, with
every figure decoded and a screenshot that is not blank.

Run by ctest as classroom_tutorial (label validation), with FEARSIM_BIN and
FEARSIM_SOURCE_DIR set.
"""
import os
import re
import shutil
import subprocess

import h5py
import matplotlib.image
import numpy as np
import pytest

SOURCE = os.environ.get("FEARSIM_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
BIN = os.environ.get("FEARSIM_BIN", os.path.join(SOURCE, "build", "fearsim"))
TUTORIAL = os.path.join(SOURCE, "docs", "tutorial.md")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def sh_blocks(text):
    """The ```sh blocks of a Markdown text, in order."""
    return re.findall(r"^```sh\n(.*?)^```$", text, re.M | re.S)


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """(folder, [(block, CompletedProcess)]): the tutorial's blocks run in a fresh folder."""
    folder = tmp_path_factory.mktemp("lesson")
    os.symlink(os.path.dirname(os.path.abspath(BIN)), folder / "build")
    for name in ("configs", "analysis"):
        os.symlink(os.path.join(SOURCE, name), folder / name)
    # a student's python3 is Debian's; the tutorial sets PYTHONPATH itself
    env = dict(os.environ, PATH="/usr/bin:" + os.environ.get("PATH", ""))
    env.pop("PYTHONPATH", None)
    with open(TUTORIAL, encoding="utf-8") as f:
        blocks = sh_blocks(f.read())
    done = []
    for block in blocks:
        done.append((block, subprocess.run(["sh", "-e", "-c", block], cwd=folder, env=env,
                                           capture_output=True, text=True)))
        if done[-1][1].returncode != 0:
            break
    return folder, done


def freezing(path):
    """{session name: [freezing % of its CS trials]} of a result file."""
    with h5py.File(path, "r") as f:
        g = f["trials"]
        names = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in g.attrs["session_names"]]
        values, sessions = g["freezing"][()], g["session"][()]
    return {names[int(s)]: list(100 * values[(sessions == s) & np.isfinite(values)])
            for s in np.unique(sessions)}


def test_every_command_of_the_tutorial_runs(lesson):
    _, done = lesson
    assert len(done) >= 8
    for block, p in done:
        assert p.returncode == 0, f"{block}\nexit {p.returncode}\n{p.stdout}\n{p.stderr}"


def test_every_figure_it_names_exists(lesson):
    folder, _ = lesson
    with open(TUTORIAL, encoding="utf-8") as f:
        named = set(re.findall(r"-o (\S+\.png)", "\n".join(sh_blocks(f.read()))))
    assert len(named) >= 9
    for name in named:
        assert (folder / name).read_bytes().startswith(b"\x89PNG"), name


def test_conditioning(lesson):
    fz = freezing(lesson[0] / "conditioning.h5")
    cond = fz["conditioning"]
    assert cond[0] < 20 and min(cond[1:]) > 70, cond  # naive tone low, paired tones high
    assert fz["recall"][0] > 70, fz  # remembered the next day


def test_extinction_and_recall(lesson):
    fz = freezing(lesson[0] / "extinction.h5")
    ext = fz["extinction"]
    assert np.mean(ext[-3:]) < np.mean(ext[:3]) - 20, ext
    assert fz["recall"][0] < fz["conditioning"][-1] - 25, fz


def test_spontaneous_recovery(lesson):
    fz = freezing(lesson[0] / "spontaneous_recovery.h5")
    assert fz["test_day9"][0] > fz["recall"][0] + 15, fz


def test_renewal(lesson):
    renewal, extinction = (freezing(lesson[0] / f"{n}.h5") for n in ("renewal", "extinction"))
    # the same animal up to day 3: its first test in A against its first test in B (step 2)
    assert renewal["extinction"] == extinction["extinction"]
    assert renewal["test_A"][0] > extinction["recall"][0] + 5, (renewal, extinction)
    assert renewal["test_A"][0] > renewal["test_B"][0] + 10, renewal


def test_ketamine_against_no_drug(lesson):
    ket, ctl = (freezing(lesson[0] / f"{n}.h5") for n in ("ketamine", "no_drug"))
    assert ket["conditioning"] == ctl["conditioning"]  # the same animal up to the dose
    assert np.mean(ket["extinction"]) < np.mean(ctl["extinction"]) - 10, (ket, ctl)
    assert ket["recall"][0] < ctl["recall"][0] - 10, (ket, ctl)


def test_mtorc1_block_takes_the_benefit_away(lesson):
    blk, ket, ctl = (freezing(lesson[0] / f"{n}.h5")
                     for n in ("ketamine_mtorc1_block", "ketamine", "no_drug"))
    assert blk["recall"][0] > ket["recall"][0] + 20, (blk, ket)
    assert blk["recall"][0] > ctl["recall"][0], (blk, ctl)


def test_the_mechanism_series_have_units(lesson):
    with h5py.File(lesson[0] / "ketamine.h5", "r") as f:
        tl = f["timeline"]
        for name, units in (("block_rest_IL_E", "1"), ("block_IL_E", "1"),
                            ("calcium_CS->IL_E", "1"), ("bdnf_IL_E", "1"), ("prp_IL_E", "1"),
                            ("ketamine_effect_uM", "uM")):
            u = tl[name].attrs["units"]
            assert (u.decode() if isinstance(u, bytes) else u) == units, name
        rest = tl["block_rest_IL_E"][()]
        assert rest.max() > 0.1  # the dose blocks IL's receptors at rest ...
        assert rest[-1] < 1e-3 * rest.max()  # ... for hours, not days


def _browser():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "no chromium: install it with sh cmake/install-deps.sh --test"
    return found


def test_the_report_opens_in_a_browser(lesson, tmp_path):
    page = lesson[0] / "ketamine_report" / "index.html"
    n_figures = page.read_text().count("<img ")
    assert n_figures >= 4
    flags = BROWSER_FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([_browser(), *flags, "--enable-logging=stderr", "--v=0", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=300)
    assert dom.returncode == 0, dom.stderr
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    assert f'data-figures="{n_figures}/{n_figures}"' in dom.stdout  # every image decoded
    shot = tmp_path / "report.png"
    p = subprocess.run([_browser(), *flags, f"--screenshot={shot}", "--window-size=1280,2000",
                        page.as_uri()], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and shot.exists(), p.stderr
    pixels = matplotlib.image.imread(shot)[..., :3]
    not_white = (pixels < 0.9).any(axis=-1).mean()
    assert not_white > 0.05, not_white  # text and figures, not an empty page
    keep = os.environ.get("FEARSIM_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
