/* experiment.c - reads an experiment file into a validated fs_experiment_spec: simulation
 * settings, neuron populations, inputs, projections, injected currents and recording. */
#include <fearsim/elementary.h>
#include <fearsim/experiment.h>
#include <fearsim/fileio.h>
#include <fearsim/hash.h>
#include <fearsim/param.h>
#include <fearsim/registry.h>
#include <fearsim/spikecsv.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POPULATION_SIZE 4294967295L /* node ids are 32-bit inside a population */
/* Step counts are int64_t and times step * dt doubles: 1e15 steps keeps both exact (3000
 * years at dt = 0.1 ms), and a run anywhere near it is refused by the memory check anyway. */
#define MAX_STEPS 1e15
#define MIN_DT 1e-9

static const char *const root_keys[] = {
    "name",     "description", "seed",     "simulation", "record",  "populations",
    "inputs",   "projections", "currents", "subject",    "drugs",   "consolidation",
    "protocol", "circuit",     "readout",  "arousal",    "salience"};
/* the sections a circuit file holds (and an experiment with `circuit:` must leave to it) */
static const char *const circuit_sections[] = {"populations", "inputs", "projections", "readout"};
static const char *const circuit_root_keys[] = {"name",    "description", "populations",
                                                "inputs",  "projections", "consolidation",
                                                "readout", "arousal",     "salience"};
static const char *const simulation_keys[] = {"dt", "duration", "threads", "slow_step", "schedule"};
static const char *const record_keys[] = {"spikes",        "rate_bin",  "timeline",
                                          "timeline_slow", "snapshots", "checkpoint"};
static const char *const phase_kinds[] = {"fast", "slow"};
static const char *const consolidation_keys[] = {
    "late_phase", "trigger", "bdnf", "bdnf_pathways", "spines", "bdnf_knockout", "populations"};
static const char *const pathway_keys[] = {"activity", "eef2", "lowers_theta_pro",
                                           "raises_synthesis"};
static const char *const cons_population_keys[] = {"mtorc1_block", "bdnf_knockout"};
static const char *const modulator_keys[] = {"populations", "params"};
static const char *const population_keys[] = {"model", "size", "params", "init"};
static const char *const input_kinds[] = {"poisson", "spike_times", "periodic"};
static const char *const projection_keys[] = {"name",       "from",      "to",    "receptor",
                                              "connect",    "weight",    "delay", "nmda_p_open",
                                              "nmda_ratio", "plasticity"};
static const char *const plasticity_keys[] = {"rule",        "preset",     "params",
                                              "up_fraction", "late_phase", "spines"};
static const char *const connect_keys[] = {"rule", "p", "indegree", "autapses"};
static const char *const connect_rules[] = {"all_to_all", "one_to_one", "fixed_probability",
                                            "fixed_indegree"};
static const char *const receptor_names[] = {"ampa", "nmda", "gaba_a", "ampa_nmda"};
static const char *const current_keys[] = {"population", "amplitude", "start", "stop"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- distributions ------------------------------------------------------------------- */

static fs_status read_dist_map(fs_cfg_node node, fs_unit_kind kind, fs_dist *out, fs_error *err) {
  static const char *const forms[] = {"uniform", "normal"};
  static const char *const uniform_keys[] = {"low", "high"};
  static const char *const normal_keys[] = {"mean", "std"};
  fs_status st = fs_cfg_expect_keys(node, forms, COUNT(forms), err);
  if (st != FS_OK) return st;
  if (fs_cfg_len(node) != 1)
    return fs_cfg_error(node, err,
                        "expected one of {uniform: {low, high}} or "
                        "{normal: {mean, std}}");
  fs_cfg_node body = fs_cfg_item(node, 0);
  bool uniform = strcmp(fs_cfg_key(node, 0), "uniform") == 0;
  const char *const *keys = uniform ? uniform_keys : normal_keys;
  if ((st = fs_cfg_expect_keys(body, keys, 2, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(body, keys[0], kind, true, &out->a, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(body, keys[1], kind, true, &out->b, err)) != FS_OK)
    return st;
  out->kind = uniform ? FS_DIST_UNIFORM : FS_DIST_NORMAL;
  if (uniform && !(out->a <= out->b))
    return fs_cfg_error(fs_cfg_child(body, "high"), err, "high must not be below low");
  if (!uniform && out->b < 0)
    return fs_cfg_error(fs_cfg_child(body, "std"), err, "std must not be negative");
  return FS_OK;
}

/* A value given as a quantity ("2 nS") or as {uniform: ...} / {normal: ...}. */
static fs_status read_dist(fs_cfg_node parent, const char *key, fs_unit_kind kind, bool required,
                           fs_dist *out, fs_error *err) {
  fs_cfg_node node = fs_cfg_child(parent, key);
  if (fs_cfg_is_map(node)) return read_dist_map(node, kind, out, err);
  out->kind = FS_DIST_CONST;
  out->b = 0.0;
  return fs_cfg_get_quantity(parent, key, kind, required, &out->a, err);
}

/* The smallest value a distribution is expected to take (normal: the mean). */
static double dist_low(const fs_dist *d) {
  return d->a;
}

/* --- simulation and record ----------------------------------------------------------- */

/* The shortest slow phase: after it every neuron is taken to be at rest. */
#define MIN_SLOW_PHASE 1.0

static fs_status push_phase(fs_experiment_spec *spec, int64_t steps, bool fast) {
  int64_t start = spec->n_phases ? spec->phases[spec->n_phases - 1].stop : 0;
  if (spec->n_phases && spec->phases[spec->n_phases - 1].fast == fast) {
    spec->phases[spec->n_phases - 1].stop += steps; /* two of a kind in a row are one */
    return FS_OK;
  }
  spec->phases[spec->n_phases++] = (fs_phase){start, start + steps, fast};
  return FS_OK;
}

/* simulation.schedule: a list of {fast: <time>} or {slow: <time>}; without it the whole run
 * is one fast phase. */
static fs_status read_schedule(fs_cfg_node sim, bool has_duration, fs_experiment_spec *spec,
                               fs_error *err) {
  fs_cfg_node list = fs_cfg_child(sim, "schedule");
  size_t n = fs_cfg_exists(list) ? fs_cfg_len(list) : 1;
  spec->phases = calloc(n + 1, sizeof *spec->phases);
  if (spec->phases == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  if (!fs_cfg_exists(list)) return push_phase(spec, spec->n_steps, true);
  if (!fs_cfg_is_seq(list) || n == 0)
    return fs_cfg_error(list, err, "expected a list of {fast: <time>} or {slow: <time>}");
  for (size_t k = 0; k < n; k++) {
    fs_cfg_node item = fs_cfg_item(list, k);
    fs_status st = fs_cfg_expect_keys(item, phase_kinds, COUNT(phase_kinds), err);
    if (st != FS_OK) return st;
    if (!fs_cfg_is_map(item) || fs_cfg_len(item) != 1)
      return fs_cfg_error(item, err, "expected {fast: <time>} or {slow: <time>}");
    const char *kind = fs_cfg_key(item, 0);
    double d = 0;
    if ((st = fs_cfg_get_quantity(item, kind, FS_UNIT_TIME, true, &d, err)) != FS_OK) return st;
    bool fast = strcmp(kind, "fast") == 0;
    if (!(d / spec->dt <= MAX_STEPS) ||
        (spec->n_phases > 0 &&
         !((double)spec->phases[spec->n_phases - 1].stop + d / spec->dt <= MAX_STEPS)))
      return fs_cfg_error(fs_cfg_child(item, kind), err,
                          "the schedule must last at most %g time steps (%g s at dt = %g s)",
                          MAX_STEPS, MAX_STEPS * spec->dt, spec->dt);
    int64_t steps = llround(d / spec->dt);
    if (steps < 1 || (!fast && d < MIN_SLOW_PHASE))
      return fs_cfg_error(fs_cfg_child(item, kind), err,
                          "a %s phase must last at least %g s, got %g s", kind,
                          fast ? spec->dt : MIN_SLOW_PHASE, d);
    push_phase(spec, steps, fast);
  }
  int64_t total = spec->phases[spec->n_phases - 1].stop;
  if (has_duration && total != spec->n_steps)
    return fs_cfg_error(fs_cfg_child(sim, "duration"), err,
                        "the schedule lasts %g s but the duration is %g s (give one of them)",
                        (double)total * spec->dt, spec->duration);
  spec->n_steps = total;
  spec->duration = (double)total * spec->dt;
  return FS_OK;
}

static fs_status read_simulation(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node sim = fs_cfg_child(root, "simulation");
  fs_status st;
  long threads = 0;
  bool scheduled =
      fs_cfg_exists(fs_cfg_child(sim, "schedule")) || fs_cfg_exists(fs_cfg_child(root, "protocol"));
  bool has_duration = fs_cfg_exists(fs_cfg_child(sim, "duration"));
  spec->dt = 1e-4;
  spec->slow_step = 60.0;
  if ((st = fs_cfg_expect_keys(sim, simulation_keys, COUNT(simulation_keys), err)) != FS_OK ||
      (st = fs_cfg_get_quantity(sim, "dt", FS_UNIT_TIME, false, &spec->dt, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(sim, "duration", FS_UNIT_TIME, !scheduled, &spec->duration, err)) !=
          FS_OK ||
      (st = fs_cfg_get_quantity(sim, "slow_step", FS_UNIT_TIME, false, &spec->slow_step, err)) !=
          FS_OK ||
      (st = fs_cfg_get_int(sim, "threads", 0, 4096, false, &threads, err)) != FS_OK)
    return st;
  if (!(spec->dt > 0))
    return fs_cfg_error(fs_cfg_child(sim, "dt"), err, "the time step must be > 0 s, got %g s",
                        spec->dt);
  if (spec->dt < MIN_DT) /* smaller ones overflow the step counts derived from them */
    return fs_cfg_error(fs_cfg_child(sim, "dt"), err,
                        "the time step must be at least %g s (1 ns), got %g s", MIN_DT, spec->dt);
  if (spec->dt > 0.01)
    return fs_cfg_error(fs_cfg_child(sim, "dt"), err,
                        "the time step must be at most 10 ms for a spiking network, got %g s",
                        spec->dt);
  if (has_duration && !(spec->duration > 0))
    return fs_cfg_error(fs_cfg_child(sim, "duration"), err, "the duration must be > 0 s, got %g s",
                        spec->duration);
  if (has_duration && !(spec->duration / spec->dt <= MAX_STEPS))
    return fs_cfg_error(fs_cfg_child(sim, "duration"), err,
                        "the duration must be at most %g time steps (%g s at dt = %g s), got %g s",
                        MAX_STEPS, MAX_STEPS * spec->dt, spec->dt, spec->duration);
  spec->slow_step_steps = llround(spec->slow_step / spec->dt);
  if (spec->slow_step_steps < 1 || spec->slow_step > 86400.0)
    return fs_cfg_error(fs_cfg_child(sim, "slow_step"), err,
                        "the slow step must lie between one time step and 1 day, got %g s",
                        spec->slow_step);
  spec->n_steps = llround(spec->duration / spec->dt);
  spec->threads = (int)threads;
  if (!fs_cfg_exists(fs_cfg_child(root, "protocol")))
    return read_schedule(sim, has_duration, spec, err);
  if (fs_cfg_exists(fs_cfg_child(sim, "schedule")))
    return fs_cfg_error(fs_cfg_child(sim, "schedule"), err,
                        "with a protocol the fast and slow phases follow from its sessions: "
                        "leave schedule out");
  return FS_OK;
}

/* record.snapshots: increasing times within the run, each written as /snapshots/<k>. */
static fs_status read_snapshots(fs_cfg_node rec, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node list = fs_cfg_child(rec, "snapshots");
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of times");
  spec->snapshot_steps = calloc(fs_cfg_len(list) + 1, sizeof *spec->snapshot_steps);
  if (spec->snapshot_steps == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < fs_cfg_len(list); k++) {
    fs_cfg_node item = fs_cfg_item(list, k);
    double t = 0;
    fs_status st =
        fs_units_parse(fs_cfg_scalar(item) ? fs_cfg_scalar(item) : "", FS_UNIT_TIME, &t, err);
    if (st != FS_OK) {
      char where[FS_ERROR_MSG_LEN];
      fs_cfg_where(item, where, sizeof where);
      fs_error_prefix(err, "%s", where);
      return st;
    }
    if (!(t >= 0 && t / spec->dt <= (double)spec->n_steps + 0.5)) /* before llround overflows */
      return fs_cfg_error(item, err, "a snapshot at %g s is outside the experiment (0 s to %g s)",
                          t, spec->duration);
    int64_t step = llround(t / spec->dt);
    if (k > 0 && step <= spec->snapshot_steps[k - 1])
      return fs_cfg_error(item, err, "snapshot times must increase");
    spec->snapshot_steps[spec->n_snapshots++] = step;
  }
  return FS_OK;
}

/* record.checkpoint: the wall time between two checkpoints ("30 min"), or off (then only
 * SIGTERM and SIGINT write one). */
static fs_status read_checkpoint(fs_cfg_node rec, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node node = fs_cfg_child(rec, "checkpoint");
  const char *text = fs_cfg_scalar(node);
  spec->checkpoint_every = FS_CHECKPOINT_DEFAULT;
  if (!fs_cfg_exists(node)) return FS_OK;
  if (text && strcmp(text, "off") == 0) {
    spec->checkpoint_every = 0.0;
    return FS_OK;
  }
  fs_error ignored;
  if (text == NULL ||
      fs_units_parse(text, FS_UNIT_TIME, &spec->checkpoint_every, &ignored) != FS_OK ||
      !(spec->checkpoint_every > 0))
    return fs_cfg_error(node, err,
                        "expected the wall time between two checkpoints such as \"30 min\", or "
                        "off, got \"%s\"",
                        text ? text : "a list or map");
  return FS_OK;
}

/* A recording interval longer than MAX_STEPS steps would overflow its step count. */
static fs_status check_interval(fs_cfg_node rec, const char *key, double t,
                                const fs_experiment_spec *spec, fs_error *err) {
  if (t / spec->dt <= MAX_STEPS) return FS_OK;
  return fs_cfg_error(fs_cfg_child(rec, key), err, "%s must be at most %g s, got %g s", key,
                      MAX_STEPS * spec->dt, t);
}

static fs_status read_record(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node rec = fs_cfg_child(root, "record");
  fs_status st;
  spec->rate_bin = 1e-3;
  if ((st = fs_cfg_expect_keys(rec, record_keys, COUNT(record_keys), err)) != FS_OK ||
      (st = read_checkpoint(rec, spec, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(rec, "rate_bin", FS_UNIT_TIME, false, &spec->rate_bin, err)) !=
          FS_OK)
    return st;
  spec->timeline = spec->n_pops > 0 ? 10e-3 : 60.0;
  if ((st = fs_cfg_get_quantity(rec, "timeline", FS_UNIT_TIME, false, &spec->timeline, err)) !=
      FS_OK)
    return st;
  if ((st = check_interval(rec, "rate_bin", spec->rate_bin, spec, err)) != FS_OK ||
      (st = check_interval(rec, "timeline", spec->timeline, spec, err)) != FS_OK)
    return st;
  spec->timeline_steps = llround(spec->timeline / spec->dt);
  if (spec->timeline_steps < 1)
    return fs_cfg_error(fs_cfg_child(rec, "timeline"), err,
                        "the timeline interval must be at least one time step (%g s)", spec->dt);
  spec->timeline_slow = 600.0;
  if ((st = fs_cfg_get_quantity(rec, "timeline_slow", FS_UNIT_TIME, false, &spec->timeline_slow,
                                err)) != FS_OK)
    return st;
  if ((st = check_interval(rec, "timeline_slow", spec->timeline_slow, spec, err)) != FS_OK)
    return st;
  spec->timeline_slow_steps = llround(spec->timeline_slow / spec->dt);
  if (spec->timeline_slow_steps < 1)
    return fs_cfg_error(fs_cfg_child(rec, "timeline_slow"), err,
                        "the slow timeline interval must be at least one time step (%g s)",
                        spec->dt);
  if ((st = read_snapshots(rec, spec, err)) != FS_OK) return st;
  spec->rate_bin_steps = llround(spec->rate_bin / spec->dt);
  if (spec->rate_bin_steps < 1)
    return fs_cfg_error(fs_cfg_child(rec, "rate_bin"), err,
                        "the rate bin must be at least one time step (%g s)", spec->dt);
  fs_cfg_node spikes = fs_cfg_child(rec, "spikes");
  const char *all = fs_cfg_scalar(spikes);
  bool every = !fs_cfg_exists(spikes) || (all && strcmp(all, "all") == 0);
  for (size_t i = 0; i < spec->n_pops; i++)
    spec->pops[i].record_spikes = every;
  if (every || (all && strcmp(all, "none") == 0)) return FS_OK;
  if (!fs_cfg_is_seq(spikes))
    return fs_cfg_error(spikes, err, "expected all, none or a list of population names");
  for (size_t k = 0; k < fs_cfg_len(spikes); k++) {
    fs_cfg_node item = fs_cfg_item(spikes, k);
    const char *name = fs_cfg_scalar(item);
    long p = name ? fs_experiment_find_population(spec, name) : -1;
    if (p < 0) return fs_cfg_error(item, err, "no population named \"%s\"", name ? name : "");
    spec->pops[p].record_spikes = true;
  }
  return FS_OK;
}

/* --- neuron populations --------------------------------------------------------------- */

static fs_status read_init(fs_cfg_node node, fs_population_spec *pop, fs_error *err) {
  const fs_neuron_model *m = pop->model;
  fs_status st = fs_cfg_expect_keys(node, m->state_names, m->n_state, err);
  if (st != FS_OK) return st;
  for (size_t k = 0; k < fs_cfg_len(node) && k < FS_MAX_INIT; k++) {
    const char *var = fs_cfg_key(node, k);
    int idx = fs_neuron_model_state_index(m, var);
    pop->init_var[pop->n_init] = idx;
    if ((st = read_dist(node, var, m->state_kinds[idx], true, &pop->init[pop->n_init], err)) !=
        FS_OK)
      return st;
    pop->n_init++;
  }
  return FS_OK;
}

static fs_status read_model_params(fs_cfg_node node, fs_population_spec *pop, double dt,
                                   fs_error *err) {
  const fs_neuron_model *m = pop->model;
  pop->params = calloc(1, m->params_size);
  void *coeff = calloc(1, m->coeff_size);
  fs_status st = FS_OK;
  if (pop->params == NULL || coeff == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory reading %s", node.path);
    goto cleanup;
  }
  FS_TRY(fs_params_read(fs_cfg_child(node, "params"), m->params, m->n_params, pop->params, err));
  st = m->precompute(pop->params, dt, coeff, err);
  if (st != FS_OK) {
    fs_cfg_node params = fs_cfg_child(node, "params");
    char where[FS_ERROR_MSG_LEN];
    fs_cfg_where(fs_cfg_exists(params) ? params : node, where, sizeof where);
    fs_error_prefix(err, "%s", where);
  }
cleanup:
  free(coeff);
  return st;
}

static fs_status read_population(fs_cfg_node node, const char *name, double dt,
                                 fs_population_spec *pop, fs_error *err) {
  size_t n_models = fs_neuron_model_count(), model = 0;
  const char *model_names[16];
  for (size_t i = 0; i < n_models && i < 16; i++)
    model_names[i] = fs_neuron_model_at(i)->name;
  long size = 0;
  fs_status st;
  snprintf(pop->name, sizeof pop->name, "%s", name);
  if ((st = fs_cfg_expect_keys(node, population_keys, COUNT(population_keys), err)) != FS_OK ||
      (st = fs_cfg_get_choice(node, "model", model_names, n_models, true, &model, err)) != FS_OK ||
      (st = fs_cfg_get_int(node, "size", 1, MAX_POPULATION_SIZE, true, &size, err)) != FS_OK)
    return st;
  pop->model = fs_neuron_model_at(model);
  pop->size = (uint64_t)size;
  if ((st = read_model_params(node, pop, dt, err)) != FS_OK) return st;
  return read_init(fs_cfg_child(node, "init"), pop, err);
}

/* --- inputs --------------------------------------------------------------------------- */

static fs_status read_rate_schedule(fs_cfg_node node, const fs_experiment_spec *spec,
                                    fs_population_spec *pop, fs_error *err) {
  static const char *const keys[] = {"at", "rate"};
  fs_cfg_node sched = fs_cfg_child(node, "schedule");
  size_t n = fs_cfg_exists(sched) ? fs_cfg_len(sched) : 1;
  if (fs_cfg_exists(sched) && (!fs_cfg_is_seq(sched) || n == 0))
    return fs_cfg_error(sched, err, "expected a list of {at: <time>, rate: <frequency>}");
  if (fs_cfg_exists(sched) && fs_cfg_exists(fs_cfg_child(node, "rate")))
    return fs_cfg_error(fs_cfg_child(node, "rate"), err, "give either rate or schedule, not both");
  pop->rate = calloc(n, sizeof *pop->rate);
  pop->rate_step = calloc(n, sizeof *pop->rate_step);
  if (!pop->rate || !pop->rate_step)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory reading %s", node.path);
  pop->n_rates = n;
  if (!fs_cfg_exists(sched)) {
    fs_status st = fs_cfg_get_quantity(node, "rate", FS_UNIT_FREQUENCY, true, &pop->rate[0], err);
    if (st == FS_OK && !(pop->rate[0] >= 0 && pop->rate[0] * spec->dt <= 1.0))
      st = fs_cfg_error(fs_cfg_child(node, "rate"), err,
                        "the rate must lie between 0 Hz and 1/dt = %g Hz, got %g Hz",
                        1.0 / spec->dt, pop->rate[0]);
    return st;
  }
  for (size_t k = 0; k < n; k++) {
    fs_cfg_node item = fs_cfg_item(sched, k);
    double at = 0;
    fs_status st;
    if ((st = fs_cfg_expect_keys(item, keys, 2, err)) != FS_OK ||
        (st = fs_cfg_get_quantity(item, "at", FS_UNIT_TIME, true, &at, err)) != FS_OK ||
        (st = fs_cfg_get_quantity(item, "rate", FS_UNIT_FREQUENCY, true, &pop->rate[k], err)) !=
            FS_OK)
      return st;
    if (!(at / spec->dt <= MAX_STEPS))
      return fs_cfg_error(fs_cfg_child(item, "at"), err,
                          "times must be at most %g time steps (%g s), got %g s", MAX_STEPS,
                          MAX_STEPS * spec->dt, at);
    pop->rate_step[k] = llround(at / spec->dt);
    if (k == 0 && pop->rate_step[0] != 0)
      return fs_cfg_error(fs_cfg_child(item, "at"), err, "the first entry must be at 0 s");
    if (k > 0 && pop->rate_step[k] <= pop->rate_step[k - 1])
      return fs_cfg_error(fs_cfg_child(item, "at"), err, "times must increase");
  }
  for (size_t k = 0; k < n; k++)
    if (pop->rate[k] < 0 || pop->rate[k] * spec->dt > 1.0)
      return fs_cfg_error(node, err, "rates must lie between 0 Hz and 1/dt = %g Hz",
                          1.0 / spec->dt);
  return FS_OK;
}

typedef struct train_entry {
  int64_t step;
  uint32_t unit;
} train_entry;

static int compare_train(const void *a, const void *b) {
  const train_entry *x = a, *y = b;
  if (x->step != y->step) return x->step < y->step ? -1 : 1;
  return (x->unit > y->unit) - (x->unit < y->unit);
}

/* Spikes given in advance (spike_times, periodic) are held for the whole run: 12 bytes each,
 * so 1e8 of them are 1.2 GB, far more than any stimulation protocol needs. */
#define MAX_TRAIN_SPIKES 100000000

static fs_status train_push(fs_cfg_node at, fs_population_spec *pop, size_t *cap, int64_t step,
                            uint32_t unit, fs_error *err) {
  if (pop->n_train >= MAX_TRAIN_SPIKES)
    return fs_cfg_error(at, err,
                        "more than %d spikes given in advance; use a poisson input or fewer "
                        "units or pulses",
                        MAX_TRAIN_SPIKES);
  if (pop->n_train == *cap) {
    size_t ncap = *cap ? 2 * *cap : 64;
    int64_t *s = realloc(pop->train_step, ncap * sizeof *s);
    if (s) pop->train_step = s;
    uint32_t *u = realloc(pop->train_unit, ncap * sizeof *u);
    if (u) pop->train_unit = u;
    if (!s || !u) return fs_error_set(err, FS_ERR_NOMEM, "out of memory reading spike times");
    *cap = ncap;
  }
  pop->train_step[pop->n_train] = step;
  pop->train_unit[pop->n_train] = unit;
  pop->n_train++;
  return FS_OK;
}

typedef struct train_sink {
  fs_cfg_node at;
  fs_population_spec *pop;
  size_t *cap;
} train_sink;

static fs_status push_csv_spike(void *arg, uint64_t node, int64_t step, fs_error *err) {
  train_sink *t = arg;
  return train_push(t->at, t->pop, t->cap, step, (uint32_t)node, err);
}

/* Reads the spike-time CSV (see spikecsv.h) named by file:, relative to the experiment. */
static fs_status read_train_file(fs_cfg_node node, const fs_experiment_spec *spec,
                                 fs_population_spec *pop, size_t *cap, fs_error *err) {
  const char *name = NULL;
  fs_status st = fs_cfg_get_string(node, "file", true, &name, err);
  if (st != FS_OK) return st;
  char path[4096];
  const char *slash = strrchr(spec->file, '/');
  int n;
  if (name[0] == '/' || slash == NULL)
    n = snprintf(path, sizeof path, "%s", name);
  else
    n = snprintf(path, sizeof path, "%.*s/%s", (int)(slash - spec->file), spec->file, name);
  if (n < 0 || (size_t)n >= sizeof path)
    return fs_cfg_error(fs_cfg_child(node, "file"), err, "the path is too long");
  if (fs_fileio_check_regular(path, err) != FS_OK)
    return fs_cfg_error(fs_cfg_child(node, "file"), err, "%s", err->msg);
  fs_spikecsv_limits lim = {pop->size, spec->dt, spec->n_steps};
  train_sink sink = {fs_cfg_child(node, "file"), pop, cap};
  return fs_spikecsv_read(path, &lim, push_csv_spike, &sink, err);
}

static fs_status read_train_list(fs_cfg_node node, const fs_experiment_spec *spec,
                                 fs_population_spec *pop, size_t *cap, fs_error *err) {
  fs_cfg_node times = fs_cfg_child(node, "times");
  if (!fs_cfg_is_seq(times))
    return fs_cfg_error(fs_cfg_exists(times) ? times : node, err,
                        "expected times: a list of times, or file: a CSV of node_id,time_s");
  if ((double)fs_cfg_len(times) * (double)pop->size > MAX_TRAIN_SPIKES)
    return fs_cfg_error(times, err,
                        "more than %d spikes given in advance; use a poisson input or "
                        "fewer units or times",
                        MAX_TRAIN_SPIKES);
  for (size_t k = 0; k < fs_cfg_len(times); k++) {
    fs_cfg_node item = fs_cfg_item(times, k);
    double t;
    fs_status st =
        fs_units_parse(fs_cfg_scalar(item) ? fs_cfg_scalar(item) : "", FS_UNIT_TIME, &t, err);
    if (st != FS_OK) {
      char where[FS_ERROR_MSG_LEN];
      fs_cfg_where(item, where, sizeof where);
      fs_error_prefix(err, "%s", where);
      return st;
    }
    if (!(t / spec->dt < (double)spec->n_steps - 0.5))
      return fs_cfg_error(item, err, "a spike at %g s is outside the run (0 s to %g s)", t,
                          spec->duration);
    for (uint64_t u = 0; u < pop->size; u++)
      if ((st = train_push(item, pop, cap, llround(t / spec->dt), (uint32_t)u, err)) != FS_OK)
        return st;
  }
  return FS_OK;
}

static fs_status read_spike_times(fs_cfg_node node, const fs_experiment_spec *spec,
                                  fs_population_spec *pop, fs_error *err) {
  size_t cap = 0;
  fs_status st = fs_cfg_exists(fs_cfg_child(node, "file"))
                     ? read_train_file(node, spec, pop, &cap, err)
                     : read_train_list(node, spec, pop, &cap, err);
  if (st != FS_OK) return st;
  train_entry *tmp = malloc((pop->n_train + 1) * sizeof *tmp);
  if (tmp == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory sorting spike times");
  for (size_t k = 0; k < pop->n_train; k++)
    tmp[k] = (train_entry){pop->train_step[k], pop->train_unit[k]};
  qsort(tmp, pop->n_train, sizeof *tmp, compare_train);
  for (size_t k = 0; k < pop->n_train; k++) {
    pop->train_step[k] = tmp[k].step;
    pop->train_unit[k] = tmp[k].unit;
  }
  free(tmp);
  return FS_OK;
}

/* A periodic train: every unit fires at start + k / rate, count times (default: to the end);
 * stimulation protocols such as 900 pulses at 1 Hz. */
/* The phase that holds step (the last one for the end of the run). */
static const fs_phase *phase_of(const fs_experiment_spec *spec, int64_t step) {
  size_t k = 0;
  while (k + 1 < spec->n_phases && spec->phases[k].stop <= step)
    k++;
  return &spec->phases[k];
}

/* One train of a periodic input from t0: pulses in slow phases cannot happen and are skipped. */
static fs_status push_periodic_train(fs_cfg_node at, const fs_experiment_spec *spec,
                                     fs_population_spec *pop, double t0, double rate, long count,
                                     size_t *cap, fs_error *err) {
  for (long k = 0; count < 0 || k < count; k++) {
    int64_t step = llround((t0 + (double)k / rate) / spec->dt);
    if (step >= spec->n_steps) break;
    const fs_phase *ph = phase_of(spec, step);
    if (!ph->fast) { /* on to the first pulse of the next fast phase */
      long next = (long)ceil(((double)ph->stop * spec->dt - t0) * rate - 1e-9);
      k = (next > k ? next : k + 1) - 1;
      continue;
    }
    for (uint64_t u = 0; u < pop->size; u++) {
      fs_status st = train_push(at, pop, cap, step, (uint32_t)u, err);
      if (st != FS_OK) return st;
    }
  }
  return FS_OK;
}

/* periodic: {rate, start, count, repeat: {count, every}}: `count` pulses at `rate` from
 * `start`, the whole train repeated `repeat.count` times every `repeat.every`. */
static fs_status read_periodic(fs_cfg_node node, const fs_experiment_spec *spec,
                               fs_population_spec *pop, fs_error *err) {
  static const char *const keys[] = {"type", "size", "rate", "start", "count", "repeat"};
  static const char *const repeat_keys[] = {"count", "every"};
  fs_cfg_node repeat = fs_cfg_child(node, "repeat");
  double rate = 0, start = 0, every = 0;
  long size = 1, count = -1, trains = 1;
  size_t cap = 0;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, keys, COUNT(keys), err)) != FS_OK ||
      (st = fs_cfg_get_int(node, "size", 1, MAX_POPULATION_SIZE, false, &size, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(node, "rate", FS_UNIT_FREQUENCY, true, &rate, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(node, "start", FS_UNIT_TIME, false, &start, err)) != FS_OK ||
      (st = fs_cfg_get_int(node, "count", 1, 100000000L, fs_cfg_exists(repeat), &count, err)) !=
          FS_OK ||
      (st = fs_cfg_expect_keys(repeat, repeat_keys, COUNT(repeat_keys), err)) != FS_OK ||
      (st = fs_cfg_get_int(repeat, "count", 1, 100000L, fs_cfg_exists(repeat), &trains, err)) !=
          FS_OK ||
      (st = fs_cfg_get_quantity(repeat, "every", FS_UNIT_TIME, fs_cfg_exists(repeat), &every,
                                err)) != FS_OK)
    return st;
  if (!(rate > 0 && rate * spec->dt <= 1.0))
    return fs_cfg_error(fs_cfg_child(node, "rate"), err,
                        "the rate must lie above 0 Hz and at most 1/dt = %g Hz", 1.0 / spec->dt);
  if (!(start >= 0 && start <= spec->duration)) /* beyond it, t / dt may overflow the steps */
    return fs_cfg_error(fs_cfg_child(node, "start"), err,
                        "start must lie within the run (0 s to %g s), got %g s", spec->duration,
                        start);
  if (fs_cfg_exists(repeat) && !(every <= spec->duration))
    return fs_cfg_error(fs_cfg_child(repeat, "every"), err,
                        "every must be at most the run's duration (%g s), got %g s", spec->duration,
                        every);
  if (fs_cfg_exists(repeat) && !((double)(count - 1) / rate < every))
    return fs_cfg_error(fs_cfg_child(repeat, "every"), err,
                        "trains of %ld pulses at %g Hz last %g s: every must be longer, got %g s",
                        count, rate, (double)(count - 1) / rate, every);
  double pulses = count > 0 ? (double)count : ceil((spec->duration - start) * rate) + 1;
  if (pulses * (double)trains * (double)size > MAX_TRAIN_SPIKES) /* before any is pushed */
    return fs_cfg_error(node, err,
                        "more than %d spikes given in advance; use a poisson input or "
                        "fewer units or pulses",
                        MAX_TRAIN_SPIKES);
  pop->size = (uint64_t)size;
  pop->input = FS_INPUT_SPIKE_TIMES;
  for (long r = 0; r < trains; r++)
    if ((st = push_periodic_train(node, spec, pop, start + (double)r * every, rate, count, &cap,
                                  err)) != FS_OK)
      return st;
  return FS_OK;
}

static fs_status read_input(fs_cfg_node node, const char *name, const fs_experiment_spec *spec,
                            fs_population_spec *pop, fs_error *err) {
  static const char *const poisson_keys[] = {"type", "size", "rate", "schedule"};
  static const char *const times_keys[] = {"type", "size", "times", "file"};
  size_t kind = 0;
  long size = 1;
  fs_status st;
  snprintf(pop->name, sizeof pop->name, "%s", name);
  if ((st = fs_cfg_get_choice(node, "type", input_kinds, COUNT(input_kinds), true, &kind, err)) !=
      FS_OK)
    return st;
  if (kind == 2) return read_periodic(node, spec, pop, err);
  bool poisson = kind == 0;
  if ((st = fs_cfg_expect_keys(node, poisson ? poisson_keys : times_keys, 4, err)) != FS_OK ||
      (st = fs_cfg_get_int(node, "size", 1, MAX_POPULATION_SIZE, poisson, &size, err)) != FS_OK)
    return st;
  pop->size = (uint64_t)size;
  pop->input = poisson ? FS_INPUT_POISSON : FS_INPUT_SPIKE_TIMES;
  return poisson ? read_rate_schedule(node, spec, pop, err)
                 : read_spike_times(node, spec, pop, err);
}

static fs_status check_unique_name(fs_cfg_node map, size_t k, const fs_experiment_spec *spec,
                                   fs_error *err) {
  const char *name = fs_cfg_key(map, k);
  if (name[0] == '\0' || strlen(name) >= FS_NAME_LEN ||
      strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                   "TUVWXYZ0123456789_") != strlen(name))
    return fs_cfg_error(fs_cfg_item(map, k), err,
                        "a population name must be 1 to %d letters, digits and _, got \"%s\"",
                        FS_NAME_LEN - 1, name);
  if (fs_experiment_find_population(spec, name) >= 0)
    return fs_cfg_error(fs_cfg_item(map, k), err, "a population named \"%s\" exists already", name);
  return FS_OK;
}

static fs_status read_populations(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node neurons = fs_cfg_child(root, "populations"), inputs = fs_cfg_child(root, "inputs");
  bool drugs_only = !fs_cfg_exists(neurons) && !fs_cfg_exists(inputs) &&
                    fs_cfg_exists(fs_cfg_child(root, "drugs"));
  if (drugs_only) return FS_OK; /* a pharmacology-only experiment: no network, only the timeline */
  if (!fs_cfg_is_map(neurons) || fs_cfg_len(neurons) == 0)
    return fs_cfg_error(fs_cfg_exists(neurons) ? neurons : root, err,
                        "expected populations: a mapping from names to populations");
  if (fs_cfg_exists(inputs) && !fs_cfg_is_map(inputs))
    return fs_cfg_error(inputs, err, "expected a mapping from names to inputs");
  size_t n = fs_cfg_len(neurons) + fs_cfg_len(inputs);
  spec->pops = calloc(n, sizeof *spec->pops);
  if (spec->pops == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  fs_status st = FS_OK;
  for (size_t k = 0; k < fs_cfg_len(neurons) && st == FS_OK; k++) {
    if ((st = check_unique_name(neurons, k, spec, err)) == FS_OK)
      st = read_population(fs_cfg_item(neurons, k), fs_cfg_key(neurons, k), spec->dt,
                           &spec->pops[spec->n_pops], err);
    spec->n_pops++;
  }
  for (size_t k = 0; k < fs_cfg_len(inputs) && st == FS_OK; k++) {
    if ((st = check_unique_name(inputs, k, spec, err)) == FS_OK)
      st = read_input(fs_cfg_item(inputs, k), fs_cfg_key(inputs, k), spec,
                      &spec->pops[spec->n_pops], err);
    spec->n_pops++;
  }
  return st;
}

/* --- projections ---------------------------------------------------------------------- */

static fs_status read_population_ref(fs_cfg_node node, const char *key,
                                     const fs_experiment_spec *spec, bool neurons_only, size_t *out,
                                     fs_error *err) {
  const char *name = NULL;
  fs_status st = fs_cfg_get_string(node, key, true, &name, err);
  if (st != FS_OK) return st;
  long p = fs_experiment_find_population(spec, name);
  if (p >= 0 && !(neurons_only && spec->pops[p].input != FS_INPUT_NONE)) {
    *out = (size_t)p;
    return FS_OK;
  }
  const char *names[256];
  size_t n = 0;
  for (size_t i = 0; i < spec->n_pops && n < 256; i++)
    if (!neurons_only || spec->pops[i].input == FS_INPUT_NONE) names[n++] = spec->pops[i].name;
  const char *close = fs_registry_closest(name, names, n);
  if (p >= 0)
    return fs_cfg_error(fs_cfg_child(node, key), err,
                        "\"%s\" is an input; only neuron populations can receive synapses", name);
  if (close)
    return fs_cfg_error(fs_cfg_child(node, key), err,
                        "no population named \"%s\" (did you mean \"%s\"?)", name, close);
  return fs_cfg_error(fs_cfg_child(node, key), err, "no population named \"%s\"", name);
}

static fs_status read_connect(fs_cfg_node node, const fs_experiment_spec *spec,
                              fs_projection_spec *proj, fs_error *err) {
  fs_cfg_node c = fs_cfg_child(node, "connect");
  size_t rule = 0;
  long k = 0;
  fs_status st;
  proj->autapses = true;
  if (!fs_cfg_exists(c)) return fs_cfg_error(node, err, "missing key \"connect\"");
  if ((st = fs_cfg_expect_keys(c, connect_keys, COUNT(connect_keys), err)) != FS_OK ||
      (st = fs_cfg_get_choice(c, "rule", connect_rules, COUNT(connect_rules), true, &rule, err)) !=
          FS_OK ||
      (st = fs_cfg_get_bool(c, "autapses", false, &proj->autapses, err)) != FS_OK)
    return st;
  proj->rule = (fs_connect_rule)rule;
  uint64_t n_pre = spec->pops[proj->pre].size, n_post = spec->pops[proj->post].size;
  if (proj->rule == FS_CONNECT_FIXED_PROBABILITY) {
    if ((st = fs_cfg_get_quantity(c, "p", FS_UNIT_DIMENSIONLESS, true, &proj->p, err)) != FS_OK)
      return st;
    if (!(proj->p >= 0 && proj->p <= 1))
      return fs_cfg_error(fs_cfg_child(c, "p"), err, "p must lie between 0 and 1, got %g", proj->p);
  } else if (proj->rule == FS_CONNECT_FIXED_INDEGREE) {
    bool self = proj->pre == proj->post && !proj->autapses;
    if ((st = fs_cfg_get_int(c, "indegree", 0, (long)(n_pre - self), true, &k, err)) != FS_OK)
      return st;
    proj->indegree = (uint64_t)k;
  } else if (proj->rule == FS_CONNECT_ONE_TO_ONE && n_pre != n_post) {
    return fs_cfg_error(c, err, "one_to_one needs populations of equal size, got %llu and %llu",
                        (unsigned long long)n_pre, (unsigned long long)n_post);
  }
  return FS_OK;
}

/* ampa_nmda needs nmda_ratio (the NMDA peak conductance relative to the weight); no other
 * receptor takes it. */
static fs_status read_nmda_ratio(fs_cfg_node node, bool ampa_nmda, fs_projection_spec *proj,
                                 fs_error *err) {
  fs_cfg_node ratio = fs_cfg_child(node, "nmda_ratio");
  if (!ampa_nmda && fs_cfg_exists(ratio))
    return fs_cfg_error(ratio, err,
                        "nmda_ratio applies only to projections with receptor "
                        "ampa_nmda");
  if (!ampa_nmda) return FS_OK;
  fs_status st =
      fs_cfg_get_quantity(node, "nmda_ratio", FS_UNIT_DIMENSIONLESS, true, &proj->nmda_ratio, err);
  if (st == FS_OK && !(proj->nmda_ratio > 0 && proj->nmda_ratio <= 100))
    return fs_cfg_error(ratio, err, "nmda_ratio must be > 0 and <= 100, got %g", proj->nmda_ratio);
  return st;
}

/* plasticity.late_phase (true/false) and plasticity.spines: {reserve: 0.5}. */
static fs_status read_late_phase(fs_cfg_node pl, fs_projection_spec *proj, fs_error *err) {
  static const char *const spine_keys[] = {"reserve"};
  const fs_plasticity_spec *ps = &proj->plastic;
  const fs_synrule_late *late = ps->rule->late;
  fs_cfg_node spines = fs_cfg_child(pl, "spines");
  fs_status st = fs_cfg_get_bool(pl, "late_phase", false, &proj->plastic.late_phase, err);
  if (st != FS_OK) return st;
  if (ps->late_phase && late == NULL)
    return fs_cfg_error(fs_cfg_child(pl, "late_phase"), err, "the rule %s has no late phase",
                        ps->rule->name);
  const char *late_only = late && !ps->late_phase ? late->late_only(ps->params) : NULL;
  if (late_only)
    return fs_cfg_error(fs_cfg_child(fs_cfg_child(pl, "params"), late_only), err,
                        "%s acts on the consolidated weight: it needs late_phase: true", late_only);
  const char *unfit = ps->late_phase ? late->unfit(ps->params) : NULL;
  if (unfit) return fs_cfg_error(fs_cfg_child(pl, "late_phase"), err, "%s", unfit);
  if (!fs_cfg_exists(spines)) return FS_OK;
  if (late == NULL)
    return fs_cfg_error(spines, err, "the rule %s has no late phase, so no spine turnover",
                        ps->rule->name);
  if (!proj->plastic.late_phase)
    return fs_cfg_error(spines, err, "spine turnover needs late_phase: true");
  if ((st = fs_cfg_expect_keys(spines, spine_keys, COUNT(spine_keys), err)) != FS_OK ||
      (st = fs_cfg_get_quantity(spines, "reserve", FS_UNIT_DIMENSIONLESS, true,
                                &proj->plastic.reserve, err)) != FS_OK)
    return st;
  if (!(proj->plastic.reserve > 0 && proj->plastic.reserve <= 10))
    return fs_cfg_error(fs_cfg_child(spines, "reserve"), err,
                        "reserve (synapses kept for new spines per initial one) must lie in "
                        "(0, 10], got %g",
                        proj->plastic.reserve);
  return FS_OK;
}

/* plasticity.rule: a rule of the registry, by name. */
static fs_status read_rule(fs_cfg_node pl, fs_plasticity_spec *ps, fs_error *err) {
  const char *names[FS_REGISTRY_MAX];
  size_t n = fs_synrule_count(), which = 0;
  for (size_t i = 0; i < n; i++)
    names[i] = fs_synrule_at(i)->name;
  fs_status st = fs_cfg_get_choice(pl, "rule", names, n, true, &which, err);
  if (st != FS_OK) return st;
  ps->rule = fs_synrule_at(which);
  ps->params = calloc(1, ps->rule->params_size);
  return ps->params ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
}

/* plasticity.preset (the rule's first by default) and plasticity.params over it. */
static fs_status read_rule_params(fs_cfg_node pl, fs_plasticity_spec *ps, fs_error *err) {
  const fs_synrule *rule = ps->rule;
  size_t which = 0;
  fs_status st =
      fs_cfg_get_choice(pl, "preset", rule->presets, rule->n_presets, false, &which, err);
  if (st != FS_OK) return st;
  rule->preset(rule->presets[which], ps->params, NULL);
  ps->up_fraction = rule->default_up_fraction ? rule->default_up_fraction(ps->params) : 0.0;
  if ((st = fs_params_read_over(fs_cfg_child(pl, "params"), rule->params, rule->n_params,
                                ps->params, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(pl, "up_fraction", FS_UNIT_DIMENSIONLESS, false, &ps->up_fraction,
                                err)) != FS_OK)
    return st;
  if (rule->default_up_fraction == NULL && fs_cfg_exists(fs_cfg_child(pl, "up_fraction")))
    return fs_cfg_error(fs_cfg_child(pl, "up_fraction"), err,
                        "the rule %s has no UP and DOWN states: up_fraction does not apply",
                        rule->name);
  if ((st = rule->check(ps->params, err)) != FS_OK) {
    char where[FS_ERROR_MSG_LEN];
    fs_cfg_where(fs_cfg_exists(fs_cfg_child(pl, "params")) ? fs_cfg_child(pl, "params") : pl, where,
                 sizeof where);
    fs_error_prefix(err, "%s", where);
  }
  return st;
}

/* plasticity: {rule: graupner_brunel, preset: cortical, params: {...}, up_fraction: 0.5} */
static fs_status read_plasticity(fs_cfg_node node, fs_projection_spec *proj, fs_error *err) {
  fs_cfg_node pl = fs_cfg_child(node, "plasticity");
  fs_plasticity_spec *ps = &proj->plastic;
  fs_status st;
  if (!fs_cfg_exists(pl)) return FS_OK;
  if ((st = fs_cfg_expect_keys(pl, plasticity_keys, COUNT(plasticity_keys), err)) != FS_OK ||
      (st = read_rule(pl, ps, err)) != FS_OK || (st = read_rule_params(pl, ps, err)) != FS_OK)
    return st;
  if (!(ps->up_fraction >= 0 && ps->up_fraction <= 1))
    return fs_cfg_error(fs_cfg_child(pl, "up_fraction"), err,
                        "up_fraction must lie between 0 and 1, got %g", ps->up_fraction);
  if (ps->rule->needs_nmda && !fs_projection_has_nmda(proj))
    return fs_cfg_error(pl, err, "the rule %s needs NMDA receptors: use receptor nmda or ampa_nmda",
                        ps->rule->name);
  ps->enabled = true;
  return read_late_phase(pl, proj, err);
}

/* A projection with NMDA receptors needs a target whose neuron model has them: the engine
 * takes the receptors' kinetics from the model. */
static fs_status check_nmda_target(fs_cfg_node node, const fs_experiment_spec *spec,
                                   const fs_projection_spec *proj, fs_error *err) {
  const fs_population_spec *post = &spec->pops[proj->post];
  if (!fs_projection_has_nmda(proj) || fs_neuron_model_has_nmda(post->model)) return FS_OK;
  return fs_cfg_error(fs_cfg_child(node, "receptor"), err,
                      "population \"%s\" (neuron model %s) has no NMDA receptors; use receptor "
                      "ampa or gaba_a",
                      post->name, post->model->name);
}

static fs_status read_projection(fs_cfg_node node, const fs_experiment_spec *spec,
                                 fs_projection_spec *proj, fs_error *err) {
  size_t receptor = 0;
  const char *name = NULL;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, projection_keys, COUNT(projection_keys), err)) != FS_OK ||
      (st = read_population_ref(node, "from", spec, false, &proj->pre, err)) != FS_OK ||
      (st = read_population_ref(node, "to", spec, true, &proj->post, err)) != FS_OK ||
      (st = fs_cfg_get_choice(node, "receptor", receptor_names, COUNT(receptor_names), true,
                              &receptor, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "name", false, &name, err)) != FS_OK ||
      (st = read_connect(node, spec, proj, err)) != FS_OK ||
      (st = read_dist(node, "weight", FS_UNIT_CONDUCTANCE, true, &proj->weight, err)) != FS_OK)
    return st;
  proj->channel = receptor == 3 ? FS_CH_AMPA : (fs_channel)receptor;
  if ((st = read_nmda_ratio(node, receptor == 3, proj, err)) != FS_OK ||
      (st = check_nmda_target(node, spec, proj, err)) != FS_OK ||
      (st = read_plasticity(node, proj, err)) != FS_OK)
    return st;
  proj->p_open = 0.3;
  fs_cfg_node p_open = fs_cfg_child(node, "nmda_p_open");
  if (fs_cfg_exists(p_open) && !fs_projection_has_nmda(proj))
    return fs_cfg_error(p_open, err,
                        "nmda_p_open applies only to projections with receptor nmda or ampa_nmda");
  if ((st = fs_cfg_get_quantity(node, "nmda_p_open", FS_UNIT_DIMENSIONLESS, false, &proj->p_open,
                                err)) != FS_OK)
    return st;
  if (!(proj->p_open > 0 && proj->p_open <= 1))
    return fs_cfg_error(p_open, err, "nmda_p_open must be > 0 and <= 1, got %g", proj->p_open);
  proj->delay = (fs_dist){FS_DIST_CONST, spec->dt, 0.0};
  if ((st = read_dist(node, "delay", FS_UNIT_TIME, false, &proj->delay, err)) != FS_OK) return st;
  if (name)
    snprintf(proj->name, sizeof proj->name, "%s", name);
  else
    snprintf(proj->name, sizeof proj->name, "%s->%s", spec->pops[proj->pre].name,
             spec->pops[proj->post].name);
  if (dist_low(&proj->weight) < 0)
    return fs_cfg_error(fs_cfg_child(node, "weight"), err,
                        "weights are conductances and must not be negative (the receptor "
                        "decides whether a synapse excites or inhibits)");
  if (dist_low(&proj->delay) < spec->dt * (1 - 1e-9))
    return fs_cfg_error(fs_cfg_child(node, "delay"), err,
                        "a delay of %g s is shorter than the time step dt = %g s",
                        dist_low(&proj->delay), spec->dt);
  if (fs_dist_high(&proj->delay) > 65000 * spec->dt)
    return fs_cfg_error(fs_cfg_child(node, "delay"), err,
                        "delays must stay below 65000 time steps (%g s)", 65000 * spec->dt);
  return FS_OK;
}

/* A list section (projections, currents): an array of items of size elem, each read by
 * read_item; *n counts the items read, so that a failure frees what was built. */
typedef fs_status (*item_reader)(fs_cfg_node node, fs_experiment_spec *spec, void *item,
                                 fs_error *err);

static fs_status read_list(fs_cfg_node root, const char *key, const char *what, size_t elem,
                           item_reader read_item, fs_experiment_spec *spec, void **items, size_t *n,
                           fs_error *err) {
  fs_cfg_node list = fs_cfg_child(root, key);
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of %s", what);
  *items = calloc(fs_cfg_len(list) + 1, elem);
  if (*items == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < fs_cfg_len(list); k++) {
    fs_status st = read_item(fs_cfg_item(list, k), spec, (char *)*items + k * elem, err);
    if (st != FS_OK) return st;
    (*n)++;
  }
  return FS_OK;
}

static fs_status projection_item(fs_cfg_node node, fs_experiment_spec *spec, void *item,
                                 fs_error *err) {
  fs_status st = read_projection(node, spec, item, err);
  if (st != FS_OK) { /* the item is not counted: release what it holds */
    fs_projection_spec *proj = item;
    free(proj->plastic.params);
    proj->plastic.params = NULL;
  }
  return st;
}

static fs_status read_projections(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  void *items = NULL;
  fs_status st = read_list(root, "projections", "projections", sizeof *spec->projs, projection_item,
                           spec, &items, &spec->n_projs, err);
  spec->projs = items; /* also on failure, so that fs_experiment_free releases it */
  return st;
}

/* --- injected currents ---------------------------------------------------------------- */

static fs_status read_current(fs_cfg_node node, fs_experiment_spec *spec, fs_current_spec *cur,
                              fs_error *err) {
  double start = 0, stop = spec->duration;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, current_keys, COUNT(current_keys), err)) != FS_OK ||
      (st = read_population_ref(node, "population", spec, true, &cur->pop, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(node, "amplitude", FS_UNIT_CURRENT, true, &cur->amplitude, err)) !=
          FS_OK ||
      (st = fs_cfg_get_quantity(node, "start", FS_UNIT_TIME, false, &start, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(node, "stop", FS_UNIT_TIME, false, &stop, err)) != FS_OK)
    return st;
  if (!(start >= 0 && stop > start))
    return fs_cfg_error(node, err, "expected 0 s <= start < stop, got start %g s, stop %g s", start,
                        stop);
  cur->start = llround(start / spec->dt);
  cur->stop = llround(stop / spec->dt);
  return FS_OK;
}

static fs_status current_item(fs_cfg_node node, fs_experiment_spec *spec, void *item,
                              fs_error *err) {
  return read_current(node, spec, item, err);
}

static fs_status read_currents(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  void *items = NULL;
  fs_status st = read_list(root, "currents", "injected currents", sizeof *spec->currents,
                           current_item, spec, &items, &spec->n_currents, err);
  spec->currents = items;
  return st;
}

/* --- pharmacology --------------------------------------------------------------------- */

static fs_status read_pharmacology(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  if (!fs_cfg_exists(fs_cfg_child(root, "drugs")) && !fs_cfg_exists(fs_cfg_child(root, "subject")))
    return FS_OK;
  const char **names = calloc(spec->n_pops + 1, sizeof *names);
  if (names == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < spec->n_pops; i++)
    names[i] = spec->pops[i].name;
  fs_status st = fs_pharm_read(root, names, spec->n_pops, spec->duration, &spec->pharm, err);
  free(names);
  return st;
}

/* --- circuit, protocol and readout --------------------------------------------------------- */

/* The phases of a protocol: its fast windows, slow phases between them, and a slow tail up to
 * simulation.duration when that is given (else the run ends with the last window). */
static fs_status protocol_phases(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  const fs_protocol *pr = spec->protocol;
  fs_cfg_node dur = fs_cfg_child(fs_cfg_child(root, "simulation"), "duration");
  if (!(pr->end / spec->dt <= MAX_STEPS))
    return fs_cfg_error(fs_cfg_child(root, "protocol"), err,
                        "the protocol must end within %g time steps (%g s at dt = %g s), it ends "
                        "at %g s",
                        MAX_STEPS, MAX_STEPS * spec->dt, spec->dt, pr->end);
  int64_t end = llround(pr->end / spec->dt);
  if (fs_cfg_exists(dur) && spec->n_steps < end)
    return fs_cfg_error(dur, err, "the protocol runs until %g s, after the duration (%g s)",
                        pr->end, spec->duration);
  if (fs_cfg_exists(dur)) end = spec->n_steps;
  spec->phases = calloc(2 * pr->n_windows + 2, sizeof *spec->phases);
  if (spec->phases == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  int64_t at = 0;
  for (size_t w = 0; w < pr->n_windows; w++) {
    int64_t a = llround(pr->windows[w].start / spec->dt),
            b = llround(pr->windows[w].stop / spec->dt);
    if (a > at) push_phase(spec, a - at, false);
    if (b > a) push_phase(spec, b - a, true);
    at = b > at ? b : at;
  }
  if (end > at) push_phase(spec, end - at, false);
  spec->n_steps = end;
  spec->duration = (double)end * spec->dt;
  return FS_OK;
}

/* The names of the `inputs:` entries, for the protocol to check its populations against. */
static fs_status read_protocol(fs_cfg_node root, fs_cfg_node net_root, fs_experiment_spec *spec,
                               fs_error *err) {
  fs_cfg_node inputs = fs_cfg_child(net_root, "inputs");
  size_t n = fs_cfg_is_map(inputs) ? fs_cfg_len(inputs) : 0;
  const char **names = calloc(n + 1, sizeof *names);
  if (names == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    names[i] = fs_cfg_key(inputs, i);
  fs_status st = fs_protocol_read(root, names, n, &spec->protocol, err);
  free(names);
  if (st != FS_OK || spec->protocol == NULL) return st;
  return protocol_phases(root, spec, err);
}

/* The protocol's rate plans replace the rates of the inputs it drives (Poisson inputs only). */
static fs_status apply_rate_plans(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  const fs_protocol *pr = spec->protocol;
  fs_cfg_node where = fs_cfg_child(fs_cfg_child(root, "protocol"), "inputs");
  for (size_t k = 0; pr && k < pr->n_plans; k++) {
    const fs_rate_plan *plan = &pr->plans[k];
    long i = fs_experiment_find_population(spec, plan->population);
    fs_population_spec *pop = &spec->pops[i];
    if (pop->input != FS_INPUT_POISSON)
      return fs_cfg_error(where, err,
                          "input \"%s\" is driven by the protocol: it must be of type "
                          "poisson",
                          plan->population);
    double *rate = malloc((plan->n + 1) * sizeof *rate);
    int64_t *step = malloc((plan->n + 1) * sizeof *step);
    if (!rate || !step) {
      free(rate);
      free(step);
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    }
    for (size_t j = 0; j < plan->n; j++) {
      rate[j] = plan->rate[j];
      step[j] = llround(plan->t[j] / spec->dt);
      if (rate[j] * spec->dt > 1.0) {
        fs_status st =
            fs_cfg_error(where, err, "the protocol drives %s at %g Hz, above 1/dt = %g Hz",
                         plan->population, rate[j], 1.0 / spec->dt);
        free(rate);
        free(step);
        return st;
      }
    }
    free(pop->rate);
    free(pop->rate_step);
    pop->rate = rate;
    pop->rate_step = step;
    pop->n_rates = plan->n;
  }
  return FS_OK;
}

/* readout: {population: CeM, half: 10 Hz, slope: 2 Hz} */
static fs_status read_readout(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  static const char *const keys[] = {"population", "half", "slope"};
  fs_cfg_node r = fs_cfg_child(root, "readout");
  fs_status st;
  if (!fs_cfg_exists(r)) return FS_OK;
  if ((st = fs_cfg_expect_keys(r, keys, COUNT(keys), err)) != FS_OK ||
      (st = read_population_ref(r, "population", spec, true, &spec->readout_pop, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(r, "half", FS_UNIT_FREQUENCY, true, &spec->readout_half, err)) !=
          FS_OK ||
      (st = fs_cfg_get_quantity(r, "slope", FS_UNIT_FREQUENCY, true, &spec->readout_slope, err)) !=
          FS_OK)
    return st;
  if (!(spec->readout_slope > 0))
    return fs_cfg_error(fs_cfg_child(r, "slope"), err, "the slope must be > 0 Hz");
  spec->has_readout = true;
  return FS_OK;
}

double fs_experiment_freezing(const fs_experiment_spec *spec, double r) {
  return 1.0 / (1.0 + fs_exp(-(r - spec->readout_half) / spec->readout_slope));
}

/* circuit.scale shrinks every neuron population and Poisson input; connection probabilities
 * grow so that in-degrees stay, in-degrees are capped at the smaller source. */
static void apply_scale(fs_experiment_spec *spec) {
  for (size_t k = 0; k < spec->n_projs; k++)
    spec->projs[k].indegree_asked = spec->projs[k].indegree;
  if (spec->scale == 1.0) return;
  for (size_t i = 0; i < spec->n_pops; i++) {
    fs_population_spec *p = &spec->pops[i];
    if (p->input != FS_INPUT_NONE && p->input != FS_INPUT_POISSON) continue;
    double n = llround((double)p->size * spec->scale);
    p->size = n < 1 ? 1 : (uint64_t)n;
  }
  for (size_t k = 0; k < spec->n_projs; k++) {
    fs_projection_spec *p = &spec->projs[k];
    uint64_t n_pre = spec->pops[p->pre].size;
    if (p->rule == FS_CONNECT_FIXED_PROBABILITY) p->p = fmin(1.0, p->p / spec->scale);
    if (p->rule == FS_CONNECT_FIXED_INDEGREE && p->indegree > n_pre) p->indegree = n_pre;
  }
}

/* Appends one line to the warnings in buf (len bytes, already holding *used). */
static void add_warning(char *buf, size_t len, size_t *used, const char *fmt, ...) {
  if (*used + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *used, len - *used, fmt, ap);
  va_end(ap);
  if (n > 0) *used += (size_t)n < len - *used ? (size_t)n : len - 1 - *used;
}

static bool is_plastic_target(const fs_experiment_spec *spec, size_t pop) {
  for (size_t k = 0; k < spec->n_projs; k++)
    if (spec->projs[k].plastic.enabled && spec->projs[k].post == pop) return true;
  return false;
}

size_t fs_experiment_scale_warnings(const fs_experiment_spec *spec, char *buf, size_t len) {
  size_t n = 0, used = 0;
  if (len > 0) buf[0] = '\0';
  if (!(spec->scale < 1.0)) return 0;
  for (size_t i = 0; i < spec->n_pops; i++) {
    const fs_population_spec *p = &spec->pops[i];
    bool readout = spec->has_readout && spec->readout_pop == i;
    if (p->input != FS_INPUT_NONE || p->size >= FS_SCALE_MIN_NEURONS ||
        !(readout || is_plastic_target(spec, i)))
      continue;
    add_warning(buf, len, &used,
                "circuit.scale %g leaves %s population %s %llu neuron%s (fewer than %d): its %s "
                "rests on too few cells to mean anything\n",
                spec->scale, readout ? "the readout" : "the plastic", p->name,
                (unsigned long long)p->size, p->size == 1 ? "" : "s", FS_SCALE_MIN_NEURONS,
                readout ? "freezing score" : "learning");
    n++;
  }
  for (size_t k = 0; k < spec->n_projs; k++) {
    const fs_projection_spec *p = &spec->projs[k];
    if (p->rule != FS_CONNECT_FIXED_INDEGREE || 2 * p->indegree >= p->indegree_asked) continue;
    add_warning(buf, len, &used,
                "circuit.scale %g caps projection %s's in-degree at %llu of its %llu (%s has "
                "only %llu units): its target gets less than half the input the circuit was "
                "calibrated with\n",
                spec->scale, p->name, (unsigned long long)p->indegree,
                (unsigned long long)p->indegree_asked, spec->pops[p->pre].name,
                (unsigned long long)spec->pops[p->pre].size);
    n++;
  }
  return n;
}

static char *join_dir(const char *file, const char *rel) {
  const char *slash = strrchr(file, '/');
  size_t d = rel[0] == '/' || slash == NULL ? 0 : (size_t)(slash - file) + 1;
  char *out = malloc(d + strlen(rel) + 1);
  if (out == NULL) return NULL;
  memcpy(out, file, d);
  strcpy(out + d, rel);
  return out;
}

/* circuit: {file: circuits/fear_circuit.yaml, scale: 0.25, set: ["key=value", ...]} (or just the
 * file name): the populations, inputs, projections and readout come from that file. */
static fs_status load_circuit(fs_cfg_node root, fs_experiment_spec *spec, fs_config **out,
                              fs_error *err) {
  static const char *const keys[] = {"file", "scale", "set"};
  fs_cfg_node c = fs_cfg_child(root, "circuit");
  const char *file = fs_cfg_scalar(c);
  fs_status st;
  spec->scale = 1.0;
  *out = NULL;
  if (!fs_cfg_exists(c)) return FS_OK;
  for (size_t i = 0; i < COUNT(circuit_sections); i++)
    if (fs_cfg_exists(fs_cfg_child(root, circuit_sections[i])))
      return fs_cfg_error(fs_cfg_child(root, circuit_sections[i]), err,
                          "%s come from the circuit file; change them there or with circuit.set",
                          circuit_sections[i]);
  if (!file) {
    if ((st = fs_cfg_expect_keys(c, keys, COUNT(keys), err)) != FS_OK ||
        (st = fs_cfg_get_string(c, "file", true, &file, err)) != FS_OK ||
        (st = fs_cfg_get_quantity(c, "scale", FS_UNIT_DIMENSIONLESS, false, &spec->scale, err)) !=
            FS_OK)
      return st;
    if (!(spec->scale > 0 && spec->scale <= 10))
      return fs_cfg_error(fs_cfg_child(c, "scale"), err, "scale must lie in (0, 10], got %g",
                          spec->scale);
  }
  fs_cfg_node set = fs_cfg_child(c, "set");
  size_t n_set = fs_cfg_is_seq(set) ? fs_cfg_len(set) : 0;
  if (fs_cfg_exists(set) && !fs_cfg_is_seq(set))
    return fs_cfg_error(set, err, "expected a list of \"key=value\" overrides");
  const char **over = calloc(n_set + 1, sizeof *over);
  char *path = join_dir(spec->file, file);
  if (!over || !path) {
    free(over);
    free(path);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n_set; i++)
    over[i] = fs_cfg_scalar(fs_cfg_item(set, i)) ? fs_cfg_scalar(fs_cfg_item(set, i)) : "";
  if (fs_fileio_check_regular(path, err) != FS_OK) /* a directory, a FIFO, none at all */
    st = fs_cfg_error(fs_cfg_exists(fs_cfg_child(c, "file")) ? fs_cfg_child(c, "file") : c, err,
                      "%s", err->msg);
  else
    st = fs_config_load(path, over, n_set, out, err);
  free(over);
  free(path);
  if (st == FS_OK)
    st = fs_cfg_expect_keys(fs_config_root(*out), circuit_root_keys, COUNT(circuit_root_keys), err);
  return st;
}

/* --- consolidation ---------------------------------------------------------------------- */

static fs_status read_pathways(fs_cfg_node node, fs_bdnf_params *bp, fs_error *err) {
  bool *fields[] = {&bp->activity, &bp->eef2, &bp->lowers_theta_pro, &bp->raises_synthesis};
  fs_status st = fs_cfg_expect_keys(node, pathway_keys, COUNT(pathway_keys), err);
  for (size_t i = 0; i < COUNT(pathway_keys) && st == FS_OK; i++)
    st = fs_cfg_get_bool(node, pathway_keys[i], false, fields[i], err);
  return st;
}

/* A name under consolidation.populations that is an input (no neurons to block) or unknown. */
static fs_status cons_population_error(fs_cfg_node body, const fs_experiment_spec *spec,
                                       const char *name, long k, fs_error *err) {
  const char *names[256];
  size_t n = 0;
  if (k >= 0)
    return fs_cfg_error(body, err,
                        "\"%s\" is an input; mtorc1_block and bdnf_knockout apply to neuron "
                        "populations",
                        name);
  for (size_t i = 0; i < spec->n_pops && n < 256; i++)
    if (spec->pops[i].input == FS_INPUT_NONE) names[n++] = spec->pops[i].name;
  const char *close = fs_registry_closest(name, names, n);
  if (close)
    return fs_cfg_error(body, err, "no population named \"%s\" (did you mean \"%s\"?)", name,
                        close);
  return fs_cfg_error(body, err, "no population named \"%s\"", name);
}

/* Does a late-phase projection reach population pop (so that it has BDNF, PRP and spines)? */
static bool late_phase_onto(const fs_experiment_spec *spec, size_t pop) {
  for (size_t k = 0; k < spec->n_projs; k++)
    if (spec->projs[k].plastic.late_phase && spec->projs[k].post == pop) return true;
  return false;
}

/* A switch set on a population without late phase would change nothing: say so. */
static fs_status check_switch_has_effect(fs_cfg_node body, const fs_population_spec *pop, bool late,
                                         fs_error *err) {
  static const char *const keys[] = {"mtorc1_block", "bdnf_knockout"};
  static const char *const what[] = {"protein synthesis or spine formation to block",
                                     "BDNF to knock out"};
  const bool on[] = {pop->mtorc1_block, pop->bdnf_knockout};
  for (size_t i = 0; i < 2 && !late; i++)
    if (on[i] && fs_cfg_exists(fs_cfg_child(body, keys[i])))
      return fs_cfg_error(fs_cfg_child(body, keys[i]), err,
                          "no late-phase projection reaches \"%s\" (plasticity: {late_phase: "
                          "true}), so it has no %s",
                          pop->name, what[i]);
  return FS_OK;
}

/* consolidation.populations: {<neuron population>: {mtorc1_block: true, bdnf_knockout: true}} */
static fs_status read_cons_populations(fs_cfg_node map, fs_experiment_spec *spec, fs_error *err) {
  if (!fs_cfg_exists(map)) return FS_OK;
  if (!fs_cfg_is_map(map)) return fs_cfg_error(map, err, "expected a map of population names");
  for (size_t i = 0; i < fs_cfg_len(map); i++) {
    const char *name = fs_cfg_key(map, i);
    fs_cfg_node body = fs_cfg_item(map, i);
    long k = fs_experiment_find_population(spec, name);
    if (k < 0 || spec->pops[k].input != FS_INPUT_NONE)
      return cons_population_error(body, spec, name, k, err);
    fs_population_spec *pop = &spec->pops[k];
    fs_status st;
    if ((st = fs_cfg_expect_keys(body, cons_population_keys, COUNT(cons_population_keys), err)) !=
            FS_OK ||
        (st = fs_cfg_get_bool(body, "mtorc1_block", false, &pop->mtorc1_block, err)) != FS_OK ||
        (st = fs_cfg_get_bool(body, "bdnf_knockout", false, &pop->bdnf_knockout, err)) != FS_OK ||
        (st = check_switch_has_effect(body, pop, late_phase_onto(spec, (size_t)k), err)) != FS_OK)
      return st;
  }
  return FS_OK;
}

static void consolidation_defaults(fs_consolidation_spec *cs) {
  fs_params_set_defaults(fs_late_param_specs, fs_late_n_param_specs, &cs->late);
  fs_consolidation_late_defaults(&cs->late);
  fs_params_set_defaults(fs_bdnf_param_specs, fs_bdnf_n_param_specs, &cs->bdnf);
  fs_params_set_defaults(fs_spine_param_specs, fs_spine_n_param_specs, &cs->spines);
  fs_consolidation_bdnf_defaults(&cs->bdnf);
}

/* Reads root.consolidation over what spec->cons holds (the circuit's, then the experiment's). */
static fs_status read_consolidation(fs_cfg_node root, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node c = fs_cfg_child(root, "consolidation");
  fs_consolidation_spec *cs = &spec->cons;
  bool knockout = false;
  size_t trigger = cs->late.trigger;
  if (!fs_cfg_exists(c)) return FS_OK;
  fs_status st;
  if ((st = fs_cfg_expect_keys(c, consolidation_keys, COUNT(consolidation_keys), err)) != FS_OK ||
      (st = fs_params_read_over(fs_cfg_child(c, "late_phase"), fs_late_param_specs,
                                fs_late_n_param_specs, &cs->late, err)) != FS_OK ||
      (fs_cfg_exists(fs_cfg_child(c, "trigger")) &&
       (st = fs_cfg_get_choice(c, "trigger", fs_prp_trigger_names, fs_prp_n_triggers, true,
                               &trigger, err)) != FS_OK) ||
      (st = fs_params_read_over(fs_cfg_child(c, "bdnf"), fs_bdnf_param_specs, fs_bdnf_n_param_specs,
                                &cs->bdnf, err)) != FS_OK ||
      (st = fs_params_read_over(fs_cfg_child(c, "spines"), fs_spine_param_specs,
                                fs_spine_n_param_specs, &cs->spines, err)) != FS_OK ||
      (st = read_pathways(fs_cfg_child(c, "bdnf_pathways"), &cs->bdnf, err)) != FS_OK ||
      (st = fs_cfg_get_bool(c, "bdnf_knockout", false, &knockout, err)) != FS_OK ||
      (st = read_cons_populations(fs_cfg_child(c, "populations"), spec, err)) != FS_OK)
    return st;
  cs->late.trigger = (fs_prp_trigger)trigger;
  if (knockout && !fs_experiment_has_late_phase(spec))
    return fs_cfg_error(fs_cfg_child(c, "bdnf_knockout"), err,
                        "no projection has a late phase (plasticity: {late_phase: true}), so "
                        "there is no BDNF to knock out");
  for (size_t i = 0; knockout && i < spec->n_pops; i++)
    spec->pops[i].bdnf_knockout = true;
  return FS_OK;
}

/* --- arousal and salience ------------------------------------------------------------------ */

/* A neuromodulatory state of the protocol that acts on the protein synthesis of the populations
 * it names: the arousal after a shock (arousal.h) and the salience (salience.h). */
typedef struct modulator {
  const char *key;    /* its section in the file */
  const char *acts;   /* what it does to a target's synthesis, for the error messages */
  bool *on;           /* set when some population is a target */
  size_t target_flag; /* offset of the population's bool */
  const fs_param_spec *specs;
  size_t n_specs;
  void *params;
} modulator;

static modulator arousal_of(fs_experiment_spec *spec) {
  return (modulator){"arousal",
                     "suppress",
                     &spec->arousal.on,
                     offsetof(fs_population_spec, arousal),
                     fs_arousal_param_specs,
                     fs_arousal_n_param_specs,
                     &spec->arousal.p};
}

static modulator salience_of(fs_experiment_spec *spec) {
  return (modulator){"salience",
                     "lower the threshold of",
                     &spec->salience.on,
                     offsetof(fs_population_spec, salience),
                     fs_salience_param_specs,
                     fs_salience_n_param_specs,
                     &spec->salience.p};
}

static bool *target_flag(fs_population_spec *pop, const modulator *m) {
  return (bool *)((char *)pop + m->target_flag);
}

/* <key>.populations: a list of neuron populations reached by a late-phase projection (their
 * protein synthesis is what the modulator acts on); it replaces the list read before (the
 * circuit's). */
static fs_status read_modulator_targets(fs_cfg_node list, fs_experiment_spec *spec,
                                        const modulator *m, fs_error *err) {
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list))
    return fs_cfg_error(list, err, "expected a list of population names, such as [IL_E]");
  for (size_t i = 0; i < spec->n_pops; i++)
    *target_flag(&spec->pops[i], m) = false;
  *m->on = false;
  for (size_t i = 0; i < fs_cfg_len(list); i++) {
    fs_cfg_node item = fs_cfg_item(list, i);
    const char *name = fs_cfg_scalar(item);
    long k = name ? fs_experiment_find_population(spec, name) : -1;
    if (name == NULL) return fs_cfg_error(item, err, "expected a population name");
    if (k >= 0 && spec->pops[k].input != FS_INPUT_NONE)
      return fs_cfg_error(item, err, "\"%s\" is an input; the %s acts on neuron populations", name,
                          m->key);
    if (k < 0) return cons_population_error(item, spec, name, k, err);
    if (!late_phase_onto(spec, (size_t)k))
      return fs_cfg_error(item, err,
                          "no late-phase projection reaches \"%s\" (plasticity: {late_phase: "
                          "true}), so it has no protein synthesis for the %s to %s",
                          name, m->key, m->acts);
    *target_flag(&spec->pops[k], m) = *m->on = true;
  }
  return FS_OK;
}

/* Reads root.<key> over what the spec holds (the circuit's, then the experiment's). */
static fs_status read_modulator(fs_cfg_node root, fs_experiment_spec *spec, const modulator *m,
                                fs_error *err) {
  fs_cfg_node a = fs_cfg_child(root, m->key);
  if (!fs_cfg_exists(a)) return FS_OK;
  fs_status st;
  if ((st = fs_cfg_expect_keys(a, modulator_keys, COUNT(modulator_keys), err)) != FS_OK ||
      (st = fs_params_read_over(fs_cfg_child(a, "params"), m->specs, m->n_specs, m->params, err)) !=
          FS_OK)
    return st;
  return read_modulator_targets(fs_cfg_child(a, "populations"), spec, m, err);
}

/* Both modulators from the circuit file, then from the experiment. */
static fs_status read_modulators(fs_cfg_node root, fs_cfg_node net_root, fs_experiment_spec *spec,
                                 fs_error *err) {
  fs_params_set_defaults(fs_arousal_param_specs, fs_arousal_n_param_specs, &spec->arousal.p);
  fs_params_set_defaults(fs_salience_param_specs, fs_salience_n_param_specs, &spec->salience.p);
  modulator all[] = {arousal_of(spec), salience_of(spec)};
  fs_status st;
  for (size_t i = 0; i < COUNT(all); i++)
    if ((st = read_modulator(net_root, spec, &all[i], err)) != FS_OK ||
        (net_root.cfg != root.cfg && (st = read_modulator(root, spec, &all[i], err)) != FS_OK))
      return st;
  return FS_OK;
}

/* The protocol's event times, in time order: the US onsets for the arousal; for the salience,
 * the US onsets and the ends of the CSs that no US follows (the omitted USs). */
static fs_status modulator_events(fs_experiment_spec *spec, fs_error *err) {
  const fs_protocol *pr = spec->protocol;
  if (pr == NULL || (!spec->arousal.on && !spec->salience.on)) return FS_OK;
  spec->arousal.us_on = malloc((pr->n_trials + 1) * sizeof *spec->arousal.us_on);
  spec->salience.at = malloc((pr->n_trials + 1) * sizeof *spec->salience.at);
  if (spec->arousal.us_on == NULL || spec->salience.at == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < pr->n_trials; i++) {
    const fs_trial *tr = &pr->trials[i];
    if (!isnan(tr->us_on)) {
      spec->arousal.us_on[spec->arousal.n_us++] = tr->us_on;
      spec->salience.at[spec->salience.n_events++] = tr->us_on;
    } else if (!isnan(tr->cs_off)) {
      spec->salience.at[spec->salience.n_events++] = tr->cs_off;
    }
  }
  return FS_OK;
}

double fs_experiment_arousal(const fs_experiment_spec *spec, double t) {
  if (!spec->arousal.on) return 0.0;
  return fs_arousal_level(&spec->arousal.p, spec->arousal.us_on, spec->arousal.n_us, t);
}

double fs_experiment_salience(const fs_experiment_spec *spec, double t) {
  if (!spec->salience.on) return 0.0;
  return fs_salience_level(&spec->salience.p, spec->salience.at, spec->salience.n_events, t);
}

void fs_experiment_work(const fs_experiment_spec *spec, int64_t from, int64_t to, double *fast,
                        double *slow_ticks) {
  *fast = *slow_ticks = 0.0;
  for (size_t ph = 0; ph < spec->n_phases; ph++) {
    const fs_phase *p = &spec->phases[ph];
    int64_t a = p->start > from ? p->start : from, b = p->stop < to ? p->stop : to;
    if (b <= a) continue;
    if (p->fast)
      *fast += (double)(b - a);
    else
      *slow_ticks += (double)(b - a) / (double)spec->slow_step_steps; /* >= 1: read_simulation */
  }
}

bool fs_experiment_has_late_phase(const fs_experiment_spec *spec) {
  for (size_t k = 0; k < spec->n_projs; k++)
    if (spec->projs[k].plastic.late_phase) return true;
  return false;
}

/* --- the whole file ------------------------------------------------------------------- */

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c) memcpy(c, s, n);
  return c;
}

/* The result file keeps the circuit too: the experiment text, then the circuit's. */
static fs_status append_circuit_text(fs_experiment_spec *spec, const fs_config *circuit,
                                     fs_error *err) {
  const char *ct = fs_config_text(circuit);
  size_t a = strlen(spec->yaml_text), b = strlen(ct);
  char *both = malloc(a + b + 64);
  if (both == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  snprintf(both, a + b + 64, "%s\n# --- the circuit file, after circuit.set ---\n%s",
           spec->yaml_text, ct);
  free(spec->yaml_text);
  spec->yaml_text = both;
  return FS_OK;
}

/* Everything after the simulation settings; net_root is the circuit file's root (or root). */
static fs_status read_sections(fs_cfg_node root, fs_cfg_node net_root, fs_experiment_spec *spec,
                               fs_error *err) {
  fs_status st;
  consolidation_defaults(&spec->cons);
  if ((st = read_protocol(root, net_root, spec, err)) != FS_OK ||
      (st = read_populations(net_root, spec, err)) != FS_OK ||
      (st = apply_rate_plans(root, spec, err)) != FS_OK ||
      (st = read_projections(net_root, spec, err)) != FS_OK ||
      (st = read_currents(root, spec, err)) != FS_OK ||
      (st = read_record(root, spec, err)) != FS_OK ||
      (st = read_consolidation(net_root, spec, err)) != FS_OK ||
      (net_root.cfg != root.cfg && (st = read_consolidation(root, spec, err)) != FS_OK) ||
      (st = read_modulators(root, net_root, spec, err)) != FS_OK ||
      (st = modulator_events(spec, err)) != FS_OK ||
      (st = read_readout(net_root, spec, err)) != FS_OK ||
      (st = read_pharmacology(root, spec, err)) != FS_OK)
    return st;
  apply_scale(spec);
  if (spec->protocol && spec->protocol->n_trials > 0 && !spec->has_readout)
    return fs_cfg_error(fs_cfg_child(root, "protocol"), err,
                        "a protocol with trials needs a readout: {population, half, slope} (in "
                        "the circuit or the experiment) to score freezing");
  return FS_OK;
}

static fs_status read_root(const fs_config *cfg, fs_experiment_spec *spec, fs_error *err) {
  fs_cfg_node root = fs_config_root(cfg);
  fs_config *circuit = NULL;
  long seed = 1;
  fs_status st;
  if ((st = fs_cfg_expect_keys(root, root_keys, COUNT(root_keys), err)) != FS_OK ||
      (st = fs_cfg_get_int(root, "seed", 0, 0x7fffffffffffffffL, false, &seed, err)) != FS_OK ||
      (st = read_simulation(root, spec, err)) != FS_OK ||
      (st = load_circuit(root, spec, &circuit, err)) != FS_OK) {
    fs_config_free(circuit);
    return st;
  }
  st = read_sections(root, circuit ? fs_config_root(circuit) : root, spec, err);
  if (st == FS_OK && circuit) st = append_circuit_text(spec, circuit, err);
  fs_config_free(circuit);
  spec->seed = (uint64_t)seed;
  return st;
}

size_t fs_experiment_auto_threads(const fs_experiment_spec *spec, size_t cores) {
  uint64_t neurons = 0;
  for (size_t i = 0; i < spec->n_pops; i++)
    if (spec->pops[i].input == FS_INPUT_NONE) neurons += spec->pops[i].size;
  uint64_t n = (neurons + FS_NEURONS_PER_THREAD / 2) / FS_NEURONS_PER_THREAD;
  if (n < 1) n = 1;
  return n < cores ? (size_t)n : (cores > 0 ? cores : 1);
}

fs_status fs_experiment_load(const char *path, const char *const *overrides, size_t n_overrides,
                             fs_experiment_spec **out, fs_error *err) {
  fs_config *cfg = NULL;
  fs_experiment_spec *spec = NULL;
  fs_status st;
  *out = NULL;
  FS_TRY(fs_config_load(path, overrides, n_overrides, &cfg, err));
  spec = calloc(1, sizeof *spec);
  if (spec == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  spec->file = copy_string(path);
  spec->yaml_text = copy_string(fs_config_text(cfg));
  if (!spec->file || !spec->yaml_text) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(read_root(cfg, spec, err));
  *out = spec;
  spec = NULL;
cleanup:
  fs_experiment_free(spec);
  fs_config_free(cfg);
  return st;
}

void fs_experiment_free(fs_experiment_spec *spec) {
  if (spec == NULL) return;
  for (size_t i = 0; i < spec->n_pops; i++) {
    fs_population_spec *p = &spec->pops[i];
    free(p->params);
    free(p->rate);
    free(p->rate_step);
    free(p->train_step);
    free(p->train_unit);
  }
  free(spec->pops);
  for (size_t k = 0; spec->projs && k < spec->n_projs; k++)
    free(spec->projs[k].plastic.params);
  free(spec->projs);
  free(spec->currents);
  free(spec->arousal.us_on);
  free(spec->salience.at);
  free(spec->snapshot_steps);
  free(spec->phases);
  fs_protocol_free(spec->protocol);
  fs_pharm_free(spec->pharm);
  free(spec->file);
  free(spec->yaml_text);
  free(spec);
}

uint64_t fs_experiment_hash(const fs_experiment_spec *spec) {
  uint64_t h = fs_hash_fnv1a(spec->yaml_text, strlen(spec->yaml_text), FS_HASH_FNV_BASIS);
  for (size_t i = 0; i < spec->n_pops; i++) {
    const fs_population_spec *p = &spec->pops[i];
    uint64_t n = p->n_train;
    h = fs_hash_fnv1a(&n, sizeof n, h);
    if (n == 0) continue;
    h = fs_hash_fnv1a(p->train_step, n * sizeof *p->train_step, h);
    h = fs_hash_fnv1a(p->train_unit, n * sizeof *p->train_unit, h);
  }
  return h;
}

long fs_experiment_find_population(const fs_experiment_spec *spec, const char *name) {
  for (size_t i = 0; i < spec->n_pops; i++)
    if (strcmp(spec->pops[i].name, name) == 0) return (long)i;
  return -1;
}
