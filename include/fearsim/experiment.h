/* experiment.h - an experiment file read and fully validated into plain structs: the
 * simulation settings, populations, inputs, projections, injected currents and what to
 * record. Nothing is allocated for the network until the whole file has passed. */
#ifndef FEARSIM_EXPERIMENT_H
#define FEARSIM_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fearsim/arousal.h>
#include <fearsim/salience.h>
#include <fearsim/config.h>
#include <fearsim/consolidation.h>
#include <fearsim/error.h>
#include <fearsim/neuron.h>
#include <fearsim/pharm.h>
#include <fearsim/protocol.h>
#include <fearsim/synrule.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_NAME_LEN 64
#define FS_MAX_INIT 8

/* A value drawn per agent: a constant, uniform in [a, b], or normal (mean a, std b). */
typedef enum fs_dist_kind { FS_DIST_CONST, FS_DIST_UNIFORM, FS_DIST_NORMAL } fs_dist_kind;
typedef struct fs_dist {
  fs_dist_kind kind;
  double a, b;
} fs_dist;

/* The largest value a distribution is taken to reach: a normal one is clipped at mean + 5 sd. */
static inline double fs_dist_high(const fs_dist *d) {
  switch (d->kind) {
  case FS_DIST_UNIFORM:
    return d->b;
  case FS_DIST_NORMAL:
    return d->a + 5.0 * d->b;
  case FS_DIST_CONST:
    break;
  }
  return d->a;
}

typedef enum fs_input_kind { FS_INPUT_NONE, FS_INPUT_POISSON, FS_INPUT_SPIKE_TIMES } fs_input_kind;

typedef struct fs_population_spec {
  char name[FS_NAME_LEN];
  uint64_t size;
  fs_input_kind input; /* FS_INPUT_NONE for a neuron population */
  /* neurons */
  const fs_neuron_model *model;
  void *params; /* the model's parameter struct */
  int init_var[FS_MAX_INIT];
  fs_dist init[FS_MAX_INIT];
  size_t n_init;
  /* poisson: rate[k] holds from step_at[k] on (step_at[0] == 0) */
  double *rate;
  int64_t *rate_step;
  size_t n_rates;
  /* spike_times: (step, unit) pairs sorted by step, then unit */
  int64_t *train_step;
  uint32_t *train_unit;
  size_t n_train;
  bool record_spikes;
  /* consolidation switches of the population's neurons */
  bool mtorc1_block;  /* no protein synthesis and no TrkB-driven spine formation (rapamycin) */
  bool bdnf_knockout; /* no BDNF production */
  bool arousal;       /* its PRP synthesis is suppressed by the arousal after a US (arousal.h) */
  bool salience;      /* its PRP threshold is lowered by the salience of events (salience.h) */
} fs_population_spec;

typedef enum fs_connect_rule {
  FS_CONNECT_ALL_TO_ALL,
  FS_CONNECT_ONE_TO_ONE,
  FS_CONNECT_FIXED_PROBABILITY,
  FS_CONNECT_FIXED_INDEGREE
} fs_connect_rule;

/* Plasticity of a projection's synapses: a rule of the registry (include/fearsim/synrule.h). */
typedef struct fs_plasticity_spec {
  bool enabled;
  const fs_synrule *rule;
  void *params;       /* the rule's parameter struct (owned by the spec) */
  double up_fraction; /* bistable rules: fraction of synapses that start UP */
  bool late_phase;    /* tags, capture and consolidation (a rule with a late phase) */
  double reserve;     /* spine turnover: reserved synapses per initial one (0: no turnover) */
} fs_plasticity_spec;

typedef struct fs_projection_spec {
  char name[FS_NAME_LEN * 2 + 4];
  size_t pre, post;   /* population indices */
  fs_channel channel; /* AMPA for ampa_nmda, whose NMDA part is nmda_ratio times the weight */
  double nmda_ratio;  /* ampa_nmda: NMDA peak conductance relative to AMPA; 0 otherwise */
  fs_connect_rule rule;
  double p;          /* fixed_probability */
  uint64_t indegree; /* fixed_indegree */
  bool autapses;     /* may a neuron connect to itself (same population) */
  fs_dist weight;    /* S, clipped at 0 */
  fs_dist delay;     /* s, rounded to steps, at least one step */
  double p_open;     /* NMDA: peak open probability of a synapse's receptors after one release */
  fs_plasticity_spec plastic;
  /* fixed_indegree: the file's in-degree, before the circuit's scale capped it at the source's
   * size (check warns when that leaves less than half of it) */
  uint64_t indegree_asked;
} fs_projection_spec;

/* Does the projection's synapse carry NMDA receptors (receptor nmda or ampa_nmda)? */
static inline bool fs_projection_has_nmda(const fs_projection_spec *p) {
  return p->channel == FS_CH_NMDA || p->nmda_ratio > 0;
}

typedef struct fs_current_spec {
  size_t pop;
  double amplitude;    /* A */
  int64_t start, stop; /* steps, [start, stop) */
} fs_current_spec;

/* A stretch of the run: fast (spiking, every step) or slow (no spikes, slow-clock steps). */
typedef struct fs_phase {
  int64_t start, stop; /* steps, [start, stop) */
  bool fast;
} fs_phase;

/* The slow side of plasticity (consolidation.h), shared by every late-phase projection. */
typedef struct fs_consolidation_spec {
  fs_late_params late;
  fs_bdnf_params bdnf;
  fs_spine_params spines;
} fs_consolidation_spec;

/* The arousal after a shock (arousal.h): on when some population is its target. */
typedef struct fs_arousal_spec {
  bool on;
  fs_arousal_params p;
  double *us_on; /* s: the protocol's US onsets, increasing */
  size_t n_us;
} fs_arousal_spec;

/* The salience of the protocol's events (salience.h): on when some population is its target. */
typedef struct fs_salience_spec {
  bool on;
  fs_salience_params p;
  double *at; /* s: the protocol's US onsets and omitted USs, increasing */
  size_t n_events;
} fs_salience_spec;

typedef struct fs_experiment_spec {
  char *file;
  char *yaml_text; /* the experiment after overrides, for the result file */
  uint64_t seed;
  double dt;       /* s */
  double duration; /* s */
  int64_t n_steps;
  int threads;     /* 0: leave it to OpenMP */
  double rate_bin; /* s */
  int64_t rate_bin_steps;
  double timeline; /* s between two rows of /timeline during fast phases */
  int64_t timeline_steps;
  double timeline_slow; /* s between two rows of /timeline during slow phases */
  int64_t timeline_slow_steps;
  fs_phase *phases; /* in time order, covering [0, n_steps) without gaps */
  size_t n_phases;
  double slow_step; /* s: the slow clock of consolidation, BDNF and spines */
  int64_t slow_step_steps;
  fs_consolidation_spec cons;
  fs_arousal_spec arousal;
  fs_salience_spec salience;
  int64_t *snapshot_steps; /* increasing steps at which /snapshots/<k> is written */
  size_t n_snapshots;
  fs_population_spec *pops;
  size_t n_pops;
  fs_projection_spec *projs;
  size_t n_projs;
  fs_current_spec *currents;
  size_t n_currents;
  fs_pharmacology *pharm; /* subject and drugs; NULL when the file has neither */
  fs_protocol *protocol;  /* the behavioural protocol; NULL without one */
  /* the freezing readout: a logistic function of `pop`'s rate during each CS */
  bool has_readout;
  size_t readout_pop;
  double readout_half;  /* Hz: the rate at which freezing is 50 % */
  double readout_slope; /* Hz: the rate change that takes freezing from 50 % to 73 % */
  double scale;         /* the circuit's scale factor on population sizes (1 without one) */
  /* record.checkpoint: wall time between two checkpoints of a run, s (0: off, only SIGTERM and
   * SIGINT write one); wall time, not simulated, since it bounds the work a killed job loses */
  double checkpoint_every;
} fs_experiment_spec;

/* The default of record.checkpoint: 30 min of wall time (a run that ends sooner never writes
 * one unless it is stopped). */
#define FS_CHECKPOINT_DEFAULT 1800.0

/* Below this many neurons a population's mean (the freezing of the readout, a plastic
 * population's learning) rests on too few cells to mean anything. */
#define FS_SCALE_MIN_NEURONS 10

/* What a circuit's scale (below 1) did that may leave a run meaning nothing, though it is
 * valid input: the readout population, or the target of a plastic projection, left with fewer
 * than FS_SCALE_MIN_NEURONS neurons, and a fixed in-degree capped to less than half of the
 * file's because the scale shrank its source. Writes one line per finding (each ending in
 * '\n', the whole truncated to len and NUL-terminated) into buf and returns how many there are;
 * 0 (and buf "") without a circuit scale below 1. */
size_t fs_experiment_scale_warnings(const fs_experiment_spec *spec, char *buf, size_t len);

/* Freezing (0..1) for a rate r (Hz) of the readout population. */
double fs_experiment_freezing(const fs_experiment_spec *spec, double r);

/* Reads and validates an experiment file with its --set overrides. On failure *out is
 * NULL and err holds "file:line:col: key.path: what was expected, got what". */
fs_status fs_experiment_load(const char *path, const char *const *overrides, size_t n_overrides,
                             fs_experiment_spec **out, fs_error *err);

void fs_experiment_free(fs_experiment_spec *spec); /* NULL is a no-op */

/* Neurons per thread below which a further thread costs more than it gains: a step of a few
 * hundred neurons lasts microseconds, as long as the threads' meeting at the step's barrier,
 * and on a shared machine a thread that waits to be scheduled stalls the others every step
 * (measured: docs/performance.md). */
#define FS_NEURONS_PER_THREAD 2000

/* The thread count for the experiment when nobody chose one: one thread per
 * FS_NEURONS_PER_THREAD neurons (rounded to nearest, at least one), at most `cores`. */
size_t fs_experiment_auto_threads(const fs_experiment_spec *spec, size_t cores);

/* The identity of an experiment for checkpoints: a hash (FNV-1a) of its text after overrides
 * (circuit file included, so seed and --set too) and of the spike times read from files. A
 * resume refuses a checkpoint whose experiment no longer gives the same hash. */
uint64_t fs_experiment_hash(const fs_experiment_spec *spec);

/* The work of steps [from, to) of a run: *fast the steps of fast phases among them, *slow_ticks
 * the ticks of the slow clock (one per slow_step) that its slow phases hold. A session's step
 * costs a step of every neuron, a tick far less: the engine weighs the two as it goes
 * (fs_engine_eta), `fearsim check` prints them for the whole run. */
void fs_experiment_work(const fs_experiment_spec *spec, int64_t from, int64_t to, double *fast,
                        double *slow_ticks);

/* The arousal A(t) of the run at time t (s): 0 when the mechanism is off. */
double fs_experiment_arousal(const fs_experiment_spec *spec, double t);

/* The salience D(t) of the run at time t (s): 0 when the mechanism is off. */
double fs_experiment_salience(const fs_experiment_spec *spec, double t);

/* Does some projection have a late phase (and so the run a slow clock)? */
bool fs_experiment_has_late_phase(const fs_experiment_spec *spec);

/* The population named name, or -1. */
long fs_experiment_find_population(const fs_experiment_spec *spec, const char *name);

#ifdef __cplusplus
}
#endif
#endif
