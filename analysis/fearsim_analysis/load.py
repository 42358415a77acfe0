"""Read a fearsim result file (HDF5) into plain Python objects.

The layout is the one written by include/fearsim/record.h:

    /                          attributes: fearsim_version, format_version, git_commit, seed,
                               ..., experiment_yaml
    /network/<pop>             group; attributes size, model, kind
    /spikes/<pop>/timestamps   float64 in ms (SONATA; format_version 1 files hold s): read into s
    /spikes/<pop>/node_ids     uint64, ids within the population
    /rates/time, /rates/<pop>  start of each bin (s), population rate per bin (Hz)
    /timeline/<name>, ...      1-D series; their time axis is the dimension scale attached to
                               them, else (older files) the `time` dataset of the same group
    /trials/<column>           one row per trial: day, session, trial, context, kind (int64),
                               cs_on, ..., freezing, rate_<pop>; attributes contexts, session_names

Everything is read eagerly; a missing group is simply absent from the result.
"""
import os
from dataclasses import dataclass, field

import h5py
import numpy as np

#: Units per second, for the time units a file may declare. Dividing by 1e3 undoes the
#: writer's multiplication of seconds by 1e3 more often exactly than multiplying by 1e-3.
TIME_UNITS = {"s": 1.0, "ms": 1e3, "us": 1e6}


class FearsimFileError(Exception):
    """The file is missing, is not HDF5, is not a fearsim result, or is malformed."""


@dataclass(frozen=True)
class Population:
    """A population declared in /network: size (neurons), model name, kind ("neuron"/"input")."""
    name: str
    size: int | None
    model: str
    kind: str


@dataclass
class Spikes:
    """The spikes of one population: timestamps in s and node ids, in time order."""
    timestamps: np.ndarray
    node_ids: np.ndarray


@dataclass
class Rates:
    """Binned population rates: time (start of each bin, s) and rate per population (Hz)."""
    time: np.ndarray
    by_pop: dict


@dataclass
class Series:
    """A /timeline series: name (path below /timeline), values with their units, and the
    time axis (s) of its group, or None when the group has no matching `time` dataset."""
    name: str
    time: np.ndarray | None
    values: np.ndarray
    units: str
    description: str


@dataclass
class Trials:
    """/trials: one row per trial of the protocol. columns: {name: 1-D array}, all the same
    length; units: {name: units}; contexts and session_names: the attributes of /trials
    (the `context` and `session` columns index them)."""
    columns: dict
    units: dict
    contexts: list
    session_names: list

    def __len__(self):
        return len(self.columns["day"])

    def __getitem__(self, name):
        return self.columns[name]

    def rate_populations(self):
        """The populations with a `rate_<pop>` column (mean rate during the CS)."""
        return [c[len("rate_"):] for c in self.columns if c.startswith("rate_")]

    def session_name(self, index):
        """The name of session `index`, or "session <index>" if the file does not name it."""
        index = int(index)
        return self.session_names[index] if 0 <= index < len(self.session_names) \
            else f"session {index}"

    def context_name(self, index):
        """The name of context `index`, or its number if the file does not name it."""
        index = int(index)
        return self.contexts[index] if 0 <= index < len(self.contexts) else str(index)


@dataclass
class Result:
    """One run. meta holds the root attributes except experiment_yaml, which is its own field."""
    path: str
    meta: dict
    experiment_yaml: str
    populations: dict = field(default_factory=dict)
    spikes: dict = field(default_factory=dict)
    rates: Rates | None = None
    timeline: dict = field(default_factory=dict)
    trials: Trials | None = None

    @property
    def duration(self):
        """Simulated duration in s (root attribute `duration`), or None if absent."""
        d = self.meta.get("duration")
        return float(d) if d is not None else None

    def population_names(self):
        """Every population named in /network, /spikes or /rates, /network's first."""
        names = list(self.populations)
        for pop in list(self.spikes) + list(self.rates.by_pop if self.rates else []):
            if pop not in names:
                names.append(pop)
        return names


def _value(v):
    """An HDF5 attribute value as a plain Python value (strings decoded, scalars unwrapped)."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return [_value(x) for x in v.tolist()] if v.ndim else _value(v[()])
    if isinstance(v, np.generic):
        return v.item()
    return v


def _units(dset):
    """The `units` attribute of a dataset ("" if absent)."""
    return str(_value(dset.attrs.get("units", "")))


def _time(path, dset):
    """A time dataset converted to seconds; a missing `units` attribute means seconds."""
    units = _units(dset) or "s"
    if units not in TIME_UNITS:
        raise FearsimFileError(f"{path}: {dset.name} has time units {units!r}; "
                               f"expected one of {', '.join(TIME_UNITS)}")
    return dset[()].astype(np.float64) / TIME_UNITS[units]


def _read_spikes(path, group):
    spikes = {}
    for pop, g in group.items():
        if not (isinstance(g, h5py.Group) and "timestamps" in g and "node_ids" in g):
            continue
        t = _time(path, g["timestamps"])
        ids = g["node_ids"][()].astype(np.int64)
        if t.shape != ids.shape:
            raise FearsimFileError(f"{path}: /spikes/{pop} has {t.size} timestamps but "
                                   f"{ids.size} node_ids")
        spikes[pop] = Spikes(t, ids)
    return spikes


def _read_rates(path, group):
    if "time" not in group:
        return None
    time = _time(path, group["time"])
    by_pop = {}
    for pop, d in group.items():
        if pop == "time" or not isinstance(d, h5py.Dataset):
            continue
        if d.shape != time.shape:
            raise FearsimFileError(f"{path}: /rates/{pop} has {d.shape[0]} bins but "
                                   f"/rates/time has {time.size}")
        by_pop[pop] = d[()].astype(np.float64)
    return Rates(time, by_pop)


def _read_timeline(path, group):
    series = {}

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or name.rsplit("/", 1)[-1] == "time":
            return
        parent = obj.parent
        axis = obj.dims[0][0] if len(obj.dims[0]) else parent.get("time")
        time = None
        if axis is not None and axis.shape == obj.shape:
            time = _time(path, axis)
        series[name] = Series(name, time, obj[()].astype(np.float64), _units(obj),
                              str(_value(obj.attrs.get("description", ""))))

    group.visititems(visit)
    return series


#: The /trials columns every reader relies on.
TRIAL_COLUMNS = ("day", "session", "trial", "kind", "freezing")


def _strings(value):
    """An attribute holding one string or an array of strings, as a list of str."""
    value = _value(value)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _read_trials(path, group):
    columns = {n: d[()] for n, d in group.items() if isinstance(d, h5py.Dataset) and d.ndim == 1}
    missing = [c for c in TRIAL_COLUMNS if c not in columns]
    if missing:
        raise FearsimFileError(f"{path}: /trials has no {', '.join(missing)} dataset")
    lengths = {n: len(c) for n, c in columns.items()}
    if len(set(lengths.values())) > 1:
        raise FearsimFileError(f"{path}: the /trials datasets differ in length "
                               f"({', '.join(f'{n}: {k}' for n, k in lengths.items())})")
    units = {n: _units(group[n]) for n in columns}
    return Trials(columns, units, _strings(group.attrs.get("contexts", [])),
                  _strings(group.attrs.get("session_names", [])))


def load(path):
    """Read the result file at path into a Result; raise FearsimFileError if it is not one."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FearsimFileError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise FearsimFileError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        if "fearsim_version" not in f.attrs:
            raise FearsimFileError(f"{path}: not a fearsim result file "
                                   "(no fearsim_version attribute on /)")
        meta = {k: _value(v) for k, v in f.attrs.items()}
        result = Result(path, meta, str(meta.pop("experiment_yaml", "")))
        for pop, g in f.get("network", {}).items():
            size = g.attrs.get("size")
            result.populations[pop] = Population(
                pop, int(size) if size is not None else None,
                str(_value(g.attrs.get("model", ""))), str(_value(g.attrs.get("kind", ""))))
        if "spikes" in f:
            result.spikes = _read_spikes(path, f["spikes"])
        if "rates" in f:
            result.rates = _read_rates(path, f["rates"])
        if "timeline" in f:
            result.timeline = _read_timeline(path, f["timeline"])
        if "trials" in f:
            result.trials = _read_trials(path, f["trials"])
    return result


def require_trials(result):
    """result.trials, or FearsimFileError if the run has no /trials (no protocol trials)."""
    if result.trials is None:
        raise FearsimFileError(f"{result.path}: no /trials in the file (the run has no "
                               "protocol with trials)")
    return result.trials


def _bin(time):
    """The usual bin width of a rate series (s): the median step between bin starts."""
    return float(np.median(np.diff(time))) if time.size > 1 else 1.0


def window_slices(time):
    """Slices of the rate bins that follow each other without a gap.

    A multi-day run records rates only inside its fast windows, so /rates/time jumps from
    one window to the next; a step longer than 1.5 usual bins starts a new window."""
    if time.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(time) > 1.5 * _bin(time)) + 1
    bounds = [0, *cuts.tolist(), time.size]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def bin_widths(time, duration):
    """Width of each rate bin (s): the step to the next start, the last one ending at duration.

    The last bin of a window (window_slices) that is followed by a gap, and the last bin of
    all when duration would make it longer than 1.5 usual bins, get the usual width."""
    if time.size == 0:
        return time
    usual = _bin(time)
    last = duration - time[-1] if duration is not None and duration > time[-1] else usual
    widths = np.append(np.diff(time), last)
    widths[widths > 1.5 * usual] = usual
    return widths


def mean_rates(result):
    """Mean firing rate per neuron (Hz) of every population, as {pop: (rate, source)}.

    source is "spikes" (spike count / (size * spiking time)) when the spikes were recorded
    and size and duration are known, "rates" (bin-width weighted mean of /rates/<pop>)
    otherwise, and "" with rate nan when neither is available. The spiking time is the
    time covered by the rate bins when there are any (a multi-day run spikes only in its
    fast windows), else the duration."""
    out = {}
    active = result.duration
    if result.rates and result.rates.time.size:
        active = float(bin_widths(result.rates.time, result.duration).sum())
    for pop in result.population_names():
        size = result.populations[pop].size if pop in result.populations else None
        if pop in result.spikes and size and active:
            out[pop] = (result.spikes[pop].timestamps.size / (size * active), "spikes")
        elif result.rates and pop in result.rates.by_pop and result.rates.time.size:
            w = bin_widths(result.rates.time, result.duration)
            out[pop] = (float(np.average(result.rates.by_pop[pop], weights=w)), "rates")
        else:
            out[pop] = (float("nan"), "")
    return out
