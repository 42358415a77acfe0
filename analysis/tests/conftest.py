"""Synthetic fearsim result files, written with h5py in the layout of include/fearsim/record.h,
and real ones written by the simulator (the `simulated` fixture)."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

ANALYSIS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ANALYSIS_DIR)

#: The SONATA `sorting` enum of a /spikes/<pop> group.
SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")


def _fixed(text):
    """A fixed-length ASCII string, as the C writer stores attributes."""
    return np.bytes_(text.encode())


def _dataset(group, name, data, dtype, units, description):
    """A chunked, shuffled, deflated 1-D dataset with units and description, as record.h."""
    data = np.asarray(data, dtype)
    d = group.create_dataset(name, data=data, maxshape=(None,), chunks=(1024,), shuffle=True,
                             compression="gzip")
    d.attrs["units"] = _fixed(units)
    d.attrs["description"] = _fixed(description)
    return d


def write_result(path, network, spikes, rates=None, timeline=None, time_units="ms",
                 duration=2.0):
    """Write a result file.

    network: {pop: (size, model, kind)}; spikes: {pop: (timestamps in s, node_ids)};
    rates: (time, {pop: Hz}) or None; timeline: {path below /timeline: (values, units)};
    time_units: "ms" (what fearsim writes) or "s" (format_version 1 files), the units the
    spike timestamps are stored in."""
    with h5py.File(path, "w") as f:
        for key, value in [("fearsim_version", "0.1.0"), ("git_commit", "abc1234"),
                           ("start_time", "2024-01-01T00:00:00Z"),
                           ("end_time", "2024-01-01T00:01:00Z"),
                           ("experiment_file", "configs/test.yaml")]:
            f.attrs[key] = _fixed(value)
        if time_units == "ms":
            f.attrs["format_version"] = np.uint64(2)
        f.attrs["seed"] = np.uint64(42)
        f.attrs["threads"] = np.int32(4)
        f.attrs["ranks"] = np.int32(1)
        f.attrs["dt"] = 1e-4
        f.attrs["dt_units"] = _fixed("s")
        f.attrs["duration"] = float(duration)
        f.attrs["experiment_yaml"] = "network:\n  LA: {size: 100}\nseed: 42\n"
        for pop, (size, model, kind) in network.items():
            g = f.create_group(f"network/{pop}")
            g.attrs["size"] = np.uint64(size)
            g.attrs["model"] = _fixed(model)
            g.attrs["kind"] = _fixed(kind)
        scale = {"s": 1.0, "ms": 1e3}[time_units]
        for pop, (t, ids) in spikes.items():
            g = f.create_group(f"spikes/{pop}")
            g.attrs.create("sorting", 2, dtype=SORTING)
            _dataset(g, "timestamps", np.asarray(t) * scale, "f8", time_units, "spike times")
            _dataset(g, "node_ids", ids, "u8", "1", "node id within the population")
        if rates is not None:
            time, by_pop = rates
            _dataset(f.require_group("rates"), "time", time, "f8", "s", "start of each bin")
            for pop, r in by_pop.items():
                _dataset(f["rates"], pop, r, "f8", "Hz", f"population rate of {pop}")
        for name, (values, units) in (timeline or {}).items():
            group = f.require_group(os.path.dirname(f"timeline/{name}"))
            if "time" not in group:
                _dataset(group, "time", np.arange(len(values)) * 60.0, "f8", "s", "time")
            _dataset(group, os.path.basename(name), values, "f8", units, f"{name} over time")
    return path


def _spikes(n, size, duration, seed):
    """n spikes in time order, spread over size neurons and [0, duration)."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.uniform(0, duration, n)), rng.integers(0, size, n)


#: The populations of the standard file: LA and CeM record spikes, CS (an input) only rates.
NETWORK = {"LA": (100, "lif", "neuron"), "CeM": (10, "lif", "neuron"),
           "CS": (20, "poisson", "input")}
#: Rate bins of 0.5, 1.0 and 0.5 s (the last one ends at duration = 2 s).
RATES = (np.array([0.0, 0.5, 1.5]),
         {"LA": np.array([1.0, 2.0, 1.0]), "CeM": np.array([2.0, 3.0, 2.0]),
          "CS": np.array([10.0, 20.0, 40.0])})
TIMELINE = {"plasma_ketamine": (np.array([0.0, 5.0, 3.0, 1.0]), "uM"),
            "bdnf": (np.array([1.0, 1.1, 1.3, 1.2]), "1"),
            "weights/LA_CeM": (np.array([0.5, 0.6, 0.7]), "nS")}


def standard_file(path, time_units="ms", ketamine_scale=1.0):
    """LA: 300 spikes (1.5 Hz), CeM: 50 spikes (2.5 Hz), CS: rates only (22.5 Hz mean)."""
    timeline = {k: (v * ketamine_scale, u) for k, (v, u) in TIMELINE.items()}
    return write_result(path, NETWORK,
                        {"LA": _spikes(300, 100, 2.0, 1), "CeM": _spikes(50, 10, 2.0, 2)},
                        RATES, timeline, time_units)


@pytest.fixture
def result_file(tmp_path):
    """The standard file, timestamps in ms."""
    return standard_file(str(tmp_path / "saline.h5"))


@pytest.fixture
def cli_env():
    """The environment for running `python3 -m fearsim_analysis` in a subprocess."""
    return dict(os.environ, PYTHONPATH=ANALYSIS_DIR)


#: The protocol of the multi-day file: (day, session, context, kinds of its trials in order).
#: Session 1 has an unsignalled US (kind 1) between its CS trials.
PROTOCOL = [(1, 0, 0, [0, 0]), (1, 1, 0, [0, 1, 0, 0]), (2, 2, 1, [0, 0, 0, 0]),
            (3, 3, 1, [0, 0])]
SESSION_NAMES = ["habituation", "conditioning", "extinction", "recall"]
CONTEXTS = ["A", "B"]
DAY = 86400.0
#: Fast windows of the multi-day file: start (s) of each 30 s window with 1 s rate bins.
WINDOWS = [9 * 3600.0, DAY + 9 * 3600.0, 2 * DAY + 9 * 3600.0]


def trial_rows():
    """(day, session, trial, context, kind) of every trial of PROTOCOL, in order."""
    return [(day, s, i, ctx, kind) for day, s, ctx, kinds in PROTOCOL
            for i, kind in enumerate(kinds)]


def _write_trials(f, freezing):
    rows = np.array(trial_rows())
    g = f.create_group("trials")
    g.attrs["contexts"] = CONTEXTS
    g.attrs["session_names"] = SESSION_NAMES
    for j, name in enumerate(["day", "session", "trial", "context", "kind"]):
        _dataset(g, name, rows[:, j], "i8", "1", name)
    cs = rows[:, 4] == 0
    start = np.array([WINDOWS[d - 1] + 5.0 * i for d, _, i, _, _ in trial_rows()])
    for name, value in [("cs_on", np.where(cs, start, np.nan)),
                        ("cs_off", np.where(cs, start + 3, np.nan)),
                        ("us_on", start + 2.5), ("us_off", start + 3),
                        ("us_intensity", np.full(len(rows), 0.5e-3))]:
        _dataset(g, name, value, "f8", "A" if name == "us_intensity" else "s", name)
    _dataset(g, "freezing", np.where(cs, freezing, np.nan), "f8", "1", "freezing fraction")
    _dataset(g, "rate_LA_E", np.where(cs, 10 * np.asarray(freezing), np.nan), "f8", "Hz",
             "LA_E rate during the CS")


def timeline_time():
    """Irregular rows: dense (1 s) inside each fast window, one per 10 min elsewhere."""
    slow = np.arange(0, 3 * DAY + 1, 600.0)
    fast = np.concatenate([w + np.arange(0, 30.0) for w in WINDOWS])
    return np.unique(np.concatenate([slow, fast]))


def slow_values(time, scale=1.0):
    """{name: (values, units)} of the /timeline series of the multi-day file."""
    days = time / DAY
    plasma = 180.0 * scale * np.exp(-np.maximum(time - DAY, 0) / 3 / 3600) * (time >= DAY)
    return {"ketamine_plasma_ng_per_mL": (plasma, "ng/mL"),
            "ketamine_effect_ng_per_mL": (0.9 * plasma, "ng/mL"),
            "ketamine_plasma_uM": (plasma / 237.7, "uM"),
            "ketamine_effect_uM": (0.9 * plasma / 237.7, "uM"),
            "block_LA_E": (plasma / (plasma + 100.0), "1"),
            "weight_CS->LA_E": ((1.0 + 0.1 * scale * days) * 1e-9, "S"),
            "weight_early_CS->LA_E": ((0.5 + 0.1 * scale * days) * 1e-9, "S"),
            "weight_late_CS->LA_E": (np.full(time.size, 0.5e-9), "S"),
            "rho_CS->LA_E": (0.2 + 0.1 * days, "1"),
            "z_CS->LA_E": (0.05 * days, "1"),
            "spines_LA_E": (1.0 + 0.02 * scale * days, "1"),
            "bdnf_LA_E": (np.ones(time.size), "1"),
            "prp_LA_E": (np.zeros(time.size), "1")}


def multiday_file(path, freezing, scale=1.0, trials=True):
    """A three-day fear experiment (PROTOCOL): freezing gives one value per trial row (the
    US-alone row is stored as NaN whatever it holds); scale multiplies the drug, weight and
    spine changes. Spikes and rates exist only in the three 30 s WINDOWS."""
    bins = np.concatenate([w + np.arange(30.0) for w in WINDOWS])
    t, ids = _spikes(600, 100, 30.0, 5)
    spikes = np.sort(np.concatenate([w + t[k::3] for k, w in enumerate(WINDOWS)]))
    write_result(path, {"LA_E": (100, "lif", "neuron")},
                 {"LA_E": (spikes, ids[np.argsort(np.argsort(spikes))])},
                 (bins, {"LA_E": 2.0 + np.sin(bins)}), duration=3 * DAY)
    time = timeline_time()
    with h5py.File(path, "a") as f:
        g = f.create_group("timeline")
        _dataset(g, "time", time, "f8", "s", "time of each row of the timeline")
        for name, (values, units) in slow_values(time, scale).items():
            _dataset(g, name, values, "f8", units, name.replace("_", " "))
        if trials:
            _write_trials(f, freezing)
    return path


#: Freezing per trial row of PROTOCOL for two saline and two ketamine runs (the fifth
#: row, 0.99, is the unsignalled US and must be ignored).
FREEZING = {
    "sal1": [0.0, 0.1, 0.2, 0.99, 0.6, 0.8, 0.7, 0.6, 0.5, 0.4, 0.5, 0.6],
    "sal2": [0.1, 0.1, 0.4, 0.99, 0.6, 0.6, 0.9, 0.8, 0.6, 0.5, 0.7, 0.8],
    "ket1": [0.0, 0.0, 0.2, 0.99, 0.5, 0.7, 0.5, 0.3, 0.2, 0.1, 0.1, 0.2],
    "ket2": [0.2, 0.0, 0.2, 0.99, 0.7, 0.9, 0.5, 0.3, 0.2, 0.1, 0.3, 0.2],
}


@pytest.fixture
def multiday(tmp_path):
    """{name: path} of the four multi-day files of FREEZING (ketamine runs: scale 2)."""
    return {name: multiday_file(str(tmp_path / f"{name}.h5"), values,
                                2.0 if name.startswith("ket") else 1.0)
            for name, values in FREEZING.items()}


# ---- real files, written by the simulator ---------------------------------------------------

#: A 2-s network: 200 Poisson inputs at 25 Hz drive 100 LIF neurons.
NETWORK_YAML = """\
seed: 3
simulation: {dt: 0.1 ms, duration: 2 s}
populations:
  E: {model: lif_cond, size: 100}
inputs:
  drive: {type: poisson, size: 200, rate: 25 Hz}
projections:
  - {from: drive, to: E, receptor: ampa, connect: {rule: fixed_indegree, indegree: 50},
     weight: 3 nS}
record: {rate_bin: 10 ms}
"""

PROTOCOL_CIRCUIT_YAML = """\
populations:
  A: {model: lif_cond, size: 40}
inputs:
  CS: {type: poisson, size: 50, rate: 0 Hz}
  US: {type: poisson, size: 20, rate: 0 Hz}
  ctx_A: {type: poisson, size: 20, rate: 0 Hz}
projections:
  - {from: CS, to: A, receptor: ampa, connect: {rule: fixed_indegree, indegree: 20}, weight: 3 nS}
readout: {population: A, half: 5 Hz, slope: 1 Hz}
"""

#: Two CS trials on day 1 (10:00, the first with a US), one on day 2, and ketamine i.p. at
#: 12:00 on day 1: /trials (3 rows), /rates in the fast windows, a /timeline of the drug.
PROTOCOL_YAML = """\
seed: 2
circuit: {file: circuit.yaml, scale: 1}
subject: {species: rat, body_weight: 0.3 kg}
drugs:
  - {drug: ketamine, route: intraperitoneal, dose: 10 mg/kg, day: 1, time: '12:00'}
protocol:
  inputs:
    cs: {population: CS, rate: 50 Hz}
    us: {population: US, rate: 100 Hz, reference: 0.5 mA}
    contexts: {A: ctx_A}
    context_rate: 10 Hz
  defaults: {cs_duration: 0.5 s, iti: 1 s, window: {before: 0.2 s, after: 0.1 s},
             us: {at: 0.4 s, duration: 0.1 s, intensity: 0.5 mA}}
  days:
    - day: 1
      sessions: [{name: train, time: '10:00', context: A, trials: 2}]
    - day: 2
      sessions: [{name: test, time: '10:00', context: A, trials: 1, us: none}]
record: {rate_bin: 10 ms, timeline: 0.1 s, timeline_slow: 10 min}
"""


def _fearsim(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, f"fearsim {' '.join(args)}: {p.stderr}"


@pytest.fixture(scope="session")
def simulated(tmp_path_factory):
    """{"network", "protocol", "summary": path} of files the real simulator wrote: the runs of
    NETWORK_YAML and PROTOCOL_YAML and the summary.h5 of configs/sweeps/ketamine_dose.yaml.
    Needs FEARSIM_BIN and FEARSIM_SOURCE_DIR (ctest sets them)."""
    binary, source = os.environ.get("FEARSIM_BIN"), os.environ.get("FEARSIM_SOURCE_DIR")
    if not (binary and source and os.access(binary, os.X_OK)):
        pytest.skip("FEARSIM_BIN and FEARSIM_SOURCE_DIR are not set (ctest sets them)")
    d = tmp_path_factory.mktemp("simulated")
    (d / "network.yaml").write_text(NETWORK_YAML)
    (d / "circuit.yaml").write_text(PROTOCOL_CIRCUIT_YAML)
    (d / "protocol.yaml").write_text(PROTOCOL_YAML)
    _fearsim(binary, "run", str(d / "network.yaml"), "-o", str(d / "network.h5"), "--quiet")
    _fearsim(binary, "run", str(d / "protocol.yaml"), "-o", str(d / "protocol.h5"), "--quiet")
    _fearsim(binary, "sweep", os.path.join(source, "configs", "sweeps", "ketamine_dose.yaml"),
             "--jobs", "2", "-o", str(d / "sweep"))
    return {"network": str(d / "network.h5"), "protocol": str(d / "protocol.h5"),
            "summary": str(d / "sweep" / "summary.h5")}
