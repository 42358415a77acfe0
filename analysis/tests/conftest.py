"""Synthetic fearsim result files, written with h5py in the layout of include/fearsim/record.h."""
import os
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


def write_result(path, network, spikes, rates=None, timeline=None, time_units="s",
                 duration=2.0):
    """Write a result file.

    network: {pop: (size, model, kind)}; spikes: {pop: (timestamps in s, node_ids)};
    rates: (time, {pop: Hz}) or None; timeline: {path below /timeline: (values, units)};
    time_units: "s" or "ms", the units the spike timestamps are stored in."""
    with h5py.File(path, "w") as f:
        for key, value in [("fearsim_version", "0.1.0"), ("git_commit", "abc1234"),
                           ("start_time", "2024-01-01T00:00:00Z"),
                           ("end_time", "2024-01-01T00:01:00Z"),
                           ("experiment_file", "configs/test.yaml")]:
            f.attrs[key] = _fixed(value)
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


def standard_file(path, time_units="s", ketamine_scale=1.0):
    """LA: 300 spikes (1.5 Hz), CeM: 50 spikes (2.5 Hz), CS: rates only (22.5 Hz mean)."""
    timeline = {k: (v * ketamine_scale, u) for k, (v, u) in TIMELINE.items()}
    return write_result(path, NETWORK,
                        {"LA": _spikes(300, 100, 2.0, 1), "CeM": _spikes(50, 10, 2.0, 2)},
                        RATES, timeline, time_units)


@pytest.fixture
def result_file(tmp_path):
    """The standard file, timestamps in s."""
    return standard_file(str(tmp_path / "saline.h5"))


@pytest.fixture
def cli_env():
    """The environment for running `python3 -m fearsim_analysis` in a subprocess."""
    return dict(os.environ, PYTHONPATH=ANALYSIS_DIR)
