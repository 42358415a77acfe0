/* fearsim.h - the whole public API of fearsim in one include. */
#ifndef FEARSIM_H
#define FEARSIM_H

#include <fearsim/arousal.h>
#include <fearsim/barrier.h>
#include <fearsim/checkpoint.h>
#include <fearsim/config.h>
#include <fearsim/consolidation.h>
#include <fearsim/drug.h>
#include <fearsim/engine.h>
#include <fearsim/error.h>
#include <fearsim/experiment.h>
#include <fearsim/elementary.h>
#include <fearsim/fileio.h>
#include <fearsim/gb.h>
#include <fearsim/hash.h>
#include <fearsim/network.h>
#include <fearsim/neuron.h>
#include <fearsim/nmda.h>
#include <fearsim/observer.h>
#include <fearsim/outputs.h>
#include <fearsim/param.h>
#include <fearsim/pharm.h>
#include <fearsim/pk.h>
#include <fearsim/protocol.h>
#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/record_reader.h>
#include <fearsim/registry.h>
#include <fearsim/rng.h>
#include <fearsim/salience.h>
#include <fearsim/snapshot.h>
#include <fearsim/sweep.h>
#include <fearsim/cohort.h>
#include <fearsim/synrule.h>
#include <fearsim/units.h>
#include <fearsim/version.h>

#endif
