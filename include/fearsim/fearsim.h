/* fearsim.h - the whole public API of fearsim in one include. */
#ifndef FEARSIM_H
#define FEARSIM_H

#include <fearsim/checkpoint.h>
#include <fearsim/config.h>
#include <fearsim/dosing.h>
#include <fearsim/drug.h>
#include <fearsim/engine.h>
#include <fearsim/error.h>
#include <fearsim/experiment.h>
#include <fearsim/network.h>
#include <fearsim/neuron.h>
#include <fearsim/param.h>
#include <fearsim/pk.h>
#include <fearsim/plasticity.h>
#include <fearsim/record.h>
#include <fearsim/rng.h>
#include <fearsim/sweep.h>
#include <fearsim/synapse.h>
#include <fearsim/units.h>

#endif
