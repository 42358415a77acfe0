"""A result or a summary as the data structures of the field's tools: pandas, xarray and Neo.

    from fearsim_analysis import to_dataframe, to_xarray, to_neo
    trials = to_dataframe("run.h5")                  # /trials, one row per trial
    summary = to_dataframe("sweep/summary.h5")       # one row per run of a sweep (or cohort)
    timeline = to_xarray("run.h5")                   # /timeline on its time coordinate (s)
    rates = to_xarray("run.h5", "rates")             # /rates: one variable per population (Hz)
    segment = to_neo("run.h5", "LA")                 # one neo.SpikeTrain per neuron of LA
    block = to_neo("run.h5")                         # a neo.Segment per population

Units travel with the values: `df.attrs["units"]` maps each column to its units, every xarray
variable and coordinate has `units` and `description` in its attrs, and Neo's spike trains
are quantities (s). pandas, xarray and neo are imported only by the function that needs them.
"""
import os

import h5py
import numpy as np

from .load import FearsimFileError, Result, Trials, load, require_trials


def _result(source):
    """A Result from a Result or a path."""
    return source if isinstance(source, Result) else load(source)


def _is_summary_file(path):
    """A summary table has a /status column (a result file has none; both carry
    fearsim_version)."""
    try:
        with h5py.File(path, "r") as f:
            return isinstance(f.get("status"), h5py.Dataset)
    except OSError as e:
        raise FearsimFileError(f"{path}: not a readable HDF5 file ({e})") from None


# ---- pandas --------------------------------------------------------------------------------

def to_dataframe(source):
    """A pandas DataFrame of /trials (a result file, a Result or its Trials) or of a summary
    table (a sweep's or a cohort's summary.h5: one row per run).

    Trials: the file's columns in order (day, session, trial, context and kind as integers),
    then session_name and context_name, the names the indices stand for. Summary: every 1-D
    dataset of the file, named by its last path component (`dose` for /axes/dose) unless two
    share it, then by their path (`axes/dose`, `outcomes/dose`); strings decoded. Either way
    `df.attrs` holds `units` and `description` ({column: text}); a summary's also `groups`
    ({column: "axes", "outcomes", ... or ""}) and `meta` (the root attributes)."""
    if isinstance(source, Trials):
        return _trials_frame(source)
    if isinstance(source, Result):
        return _trials_frame(require_trials(source))
    path = os.fspath(source)
    if not os.path.isfile(path):
        raise FearsimFileError(f"{path}: no such file")
    if _is_summary_file(path):
        return summary_frame(path)
    return _trials_frame(require_trials(load(path)))


def _trials_frame(trials):
    import pandas as pd
    df = pd.DataFrame({name: np.asarray(values) for name, values in trials.columns.items()})
    if "session" in df:
        df["session_name"] = [trials.session_name(i) for i in df["session"]]
    if "context" in df:
        df["context_name"] = [trials.context_name(i) if i >= 0 else "" for i in df["context"]]
    df.attrs["units"] = dict(trials.units)
    df.attrs["description"] = {}
    return df


def _text(v):
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _plain(v):
    """An attribute value as plain Python (strings decoded, arrays as lists)."""
    if isinstance(v, (bytes, np.bytes_)):
        return _text(v)
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    return v.item() if isinstance(v, np.generic) else v


def _columns(f):
    """[(path, dataset)] of every 1-D dataset of a table file, in file order."""
    found = []
    f.visititems(lambda name, obj: found.append((name, obj))
                 if isinstance(obj, h5py.Dataset) and obj.ndim == 1 else None)
    return found


def _column_names(paths):
    """Last path components, or the whole path where two columns share the last one."""
    last = [p.rsplit("/", 1)[-1] for p in paths]
    return [p if last.count(n) > 1 else n for p, n in zip(paths, last)]


def summary_frame(path):
    """The DataFrame of a summary table file (see to_dataframe)."""
    import pandas as pd
    path = os.fspath(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise FearsimFileError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        found = _columns(f)
        if not found or "status" not in f:
            raise FearsimFileError(f"{path}: not a fearsim summary (no /status column)")
        rows = len(f["status"])
        uneven = [p for p, d in found if len(d) != rows]
        if uneven:
            raise FearsimFileError(f"{path}: {', '.join('/' + p for p in uneven)} "
                                   f"not {rows} rows long like /status")
        names = _column_names([p for p, _ in found])
        data, units, desc, groups = {}, {}, {}, {}
        for name, (p, d) in zip(names, found):
            values = d[()]
            if values.dtype.kind in "OS":
                values = np.array([_text(x) for x in values], dtype=object)
            data[name] = values
            units[name] = _text(d.attrs.get("units", ""))
            desc[name] = _text(d.attrs.get("description", ""))
            groups[name] = p.rsplit("/", 1)[0] if "/" in p else ""
        meta = {k: _plain(v) for k, v in f.attrs.items()}
    df = pd.DataFrame(data)
    df.attrs.update(units=units, description=desc, groups=groups, meta=meta)
    return df


# ---- xarray --------------------------------------------------------------------------------

def _coord(values, description):
    return ("time", np.asarray(values, dtype=np.float64),
            {"units": "s", "description": description})


def _meta_attrs(result):
    keep = ("fearsim_version", "format_version", "seed", "experiment_file")
    return {k: result.meta[k] for k in keep if k in result.meta}


def to_xarray(source, group="timeline"):
    """An xarray Dataset of a result's /timeline (group="timeline") or /rates
    (group="rates"), with `time` (s) as its coordinate.

    Every variable keeps its units and description in attrs (the rates are in Hz, one
    variable per population). Timeline series on another time axis than /timeline/time get
    their own coordinate, `time_<group>` (a synthetic nested group); series without a time
    axis are left out. The Dataset's attrs hold the run's seed, version and experiment."""
    import xarray as xr
    result = _result(source)
    if group == "rates":
        if result.rates is None:
            raise FearsimFileError(f"{result.path}: no /rates in the file")
        ds = xr.Dataset(coords={"time": _coord(result.rates.time, "start of each rate bin")})
        for pop, values in result.rates.by_pop.items():
            ds[pop] = ("time", values, {"units": "Hz", "description": f"firing rate of {pop}"})
    elif group == "timeline":
        if not result.timeline:
            raise FearsimFileError(f"{result.path}: no /timeline in the file")
        ds = _timeline_dataset(xr, result.timeline)
    else:
        raise ValueError(f"group must be \"timeline\" or \"rates\", not {group!r}")
    ds.attrs.update(_meta_attrs(result))
    return ds


def _timeline_dataset(xr, timeline):
    axes = {}  # dimension name -> time values
    variables = {}
    for name, s in timeline.items():
        if s.time is None:
            continue
        parent = name.rsplit("/", 1)[0] if "/" in name else ""
        dim = "time" if not parent else f"time_{parent.replace('/', '_')}"
        axes.setdefault(dim, s.time)
        variables[name] = (dim, s.values, {"units": s.units, "description": s.description})
    coords = {dim: (dim, t, {"units": "s", "description": "time of each row"})
              for dim, t in axes.items()}
    return xr.Dataset(variables, coords=coords)


# ---- Neo -----------------------------------------------------------------------------------

def to_neo(source, population=None):
    """Spikes as Neo objects: for one population a neo.Segment named after it holding one
    neo.SpikeTrain per neuron (node ids 0..size-1, empty ones included, annotated with
    population and node_id); for population=None a neo.Block with such a Segment for every
    population whose spikes were recorded. Times are quantities in s, from 0 to the run's
    duration."""
    result = _result(source)
    if population is not None:
        return _segment(result, population)
    import neo
    block = neo.Block(name=os.path.basename(result.path), file_origin=result.path)
    for pop in result.spikes:
        block.segments.append(_segment(result, pop))
    return block


def _segment(result, pop):
    import neo
    import quantities as pq
    if pop not in result.spikes:
        known = ", ".join(result.spikes) or "none"
        raise FearsimFileError(f"{result.path}: no spikes of population {pop!r} (recorded: "
                               f"{known})")
    spikes = result.spikes[pop]
    size = result.populations[pop].size if pop in result.populations else None
    size = size or int(spikes.node_ids.max(initial=-1)) + 1
    t_stop = max(result.duration or 0.0, float(spikes.timestamps.max(initial=0.0)))
    order = np.argsort(spikes.node_ids, kind="stable")  # keeps each neuron's time order
    cuts = np.searchsorted(spikes.node_ids[order], np.arange(1, size))
    segment = neo.Segment(name=pop, file_origin=result.path)
    for node, times in enumerate(np.split(spikes.timestamps[order], cuts)):
        segment.spiketrains.append(neo.SpikeTrain(times, units=pq.s, t_start=0.0 * pq.s,
                                                  t_stop=t_stop * pq.s, name=f"{pop}[{node}]",
                                                  population=pop, node_id=node))
    return segment
