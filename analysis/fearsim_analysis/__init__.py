"""fearsim_analysis: load fearsim result files (HDF5) and plot them.

    from fearsim_analysis import load
    run = load("out.h5")
    run.spikes["LA"].timestamps      # s (the file holds ms, as SONATA readers expect)
    run.rates.by_pop["CeM"]          # Hz, one value per bin of run.rates.time
    run.trials["freezing"]           # fraction 0..1, one row per trial (run.trials is None
                                     # when the file has no /trials)

The layout of a result file is documented in include/fearsim/record.h. to_dataframe,
to_xarray and to_neo (interop.py) hand a result or a summary to pandas, xarray and Neo.
"""
from .interop import to_dataframe, to_neo, to_xarray
from .load import (FearsimFileError, Population, Rates, Result, Series, Spikes, Trials, load,
                   mean_rates)

__all__ = ["FearsimFileError", "Population", "Rates", "Result", "Series", "Spikes", "Trials",
           "load", "mean_rates", "to_dataframe", "to_neo", "to_xarray"]
