/* engine.c - the fast-phase time loop. One OpenMP parallel region per run; per step:
 *   1. each thread generates the input spikes and advances the neurons of its ranges;
 *   2. barrier: the step's spikes of every thread are now visible;
 *   3. thread 0 writes the timeline row due, records spikes and rates, reports progress;
 *   4. each thread delivers every spike, in (population, id) order, to the synapses it owns
 *      (synapse agents update their drug block and plasticity on the way), adding into its
 *      own neurons' ring slots, then passes its neurons' spikes to their plastic synapses;
 *   5. at a snapshot time, two barriers around thread 0 writing every synapse.
 * Spike lists are double-buffered by step parity, so step n+1's neuron update never writes
 * a list another thread may still be reading for step n. Sums for the timeline are taken per
 * target neuron and added in neuron order, so they do not depend on the thread count.
 * Every STOP_CHECK_STEPS steps of a fast phase (not at its last step) and after every event of
 * a slow phase, the threads may leave the parallel region together, with every step before
 * eng->step done: to stop (a signal), or to pause for a checkpoint and go on. Leaving changes
 * nothing: a run that goes on from there, in this process or after a resume from a
 * checkpoint, does exactly what it would have done (fs_engine_checkpoint lists the state). */
#include <fearsim/engine.h>
#include <fearsim/pk.h>
#include <fearsim/synapse.h>

#include "checkpoint_impl.h"
#include "network_impl.h"
#include "slow_impl.h"
#include "synrule_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#define STOP_CHECK_STEPS 64
/* The drugs' concentrations change over minutes; every 1 ms of simulated time is plenty. */
#define PHARM_REFRESH_STEPS 10

/* Why the threads leave the parallel region before the end. */
enum { HALT_NONE, HALT_STOP, HALT_PAUSE };

typedef struct pop_record {
  size_t handle;  /* record handle */
  double *t;      /* scratch: one step's spike times */
  uint64_t *ids;  /* scratch: one step's spike ids */
  double *rates;  /* Hz per bin */
  uint64_t count; /* spikes in the current bin */
} pop_record;

struct fs_engine {
  fs_network *net;
  fs_record *rec;
  pop_record *prec; /* per population */
  size_t n_bins;
  int64_t step, n_steps;
  uint64_t spikes;
  uint64_t *syn_events;      /* per thread */
  uint64_t *plastic_dropped; /* per thread: presynaptic calcium jumps dropped (too many pending) */
  double wall;        /* s of wall time spent simulating, over every span of the run */
  double wall_before; /* wall of the spans before the current one */
  fs_progress_fn progress;
  void *progress_user;
  double progress_interval;
  const volatile sig_atomic_t *stop_flag;
  int64_t stop_step; /* stop at the first chance from this step on (tests) */
  fs_pause_fn pause; /* NULL: never pause */
  void *pause_user;
  double pause_interval; /* s of wall time between pauses */
  double last_pause;     /* omp_get_wtime() of the last pause (or of the start) */
  int halt;              /* HALT_*: why the threads left the parallel region */
  bool started;          /* the rows and snapshot of step 0 are written */
  int stop[2];           /* decisions of thread 0 (HALT_*), by step parity */
  fs_status rec_status;
  fs_error rec_err;
  /* drugs at the NMDA receptors */
  const fs_pharmacology *pharm; /* NULL: no drugs */
  fs_nmda_mod *mod;             /* [thread * n_pops + pop], each thread's own copy */
  fs_block_coeffs *bcoeff;      /* [pop] */
  fs_nmda_kinetics *kin;        /* [projection] */
  /* the timeline: a row every timeline_steps; block sums by sample parity */
  size_t tl_time, (*tl_conc)[2][2], *tl_block; /* record handles; tl_conc[drug][where][unit] */
  double *block_acc[2]; /* [parity]: per population, per neuron, sums over its NMDA synapses */
  size_t *acc_offset;   /* [pop]: the population's first entry in block_acc */
  uint64_t *block_n;    /* [parity][thread][pop] */
  /* plastic projections: per target neuron, sums of rho and of the weight, by parity */
  double *plast_acc[2];
  size_t *plast_offset; /* [projection]: its first entry: a block of n_pad sums per mean of its
                           rule (synrule.h), then one of the synapses alive */
  size_t *tl_mean;      /* record handles: projection k's i-th mean at mean_base[k] + i */
  size_t *mean_base;    /* [projection] */
  int64_t tl_written;         /* step of the last row written, -1 before the first */
  /* phases: rate bins cover the fast phases only */
  size_t *bin_base; /* [phase]: the index of a fast phase's first bin */
  double *bin_time; /* [bin]: its start, s */
  size_t phase;     /* the phase being run */
  int slow_stop;    /* thread 0's decision during a slow phase (HALT_*) */
  /* the slow clock (late phase, BDNF, spines) */
  bool has_slow;
  fs_synrule_env *penv; /* [thread * n_projs + projection] */
  double **factor;      /* [thread]: weight factors of one presynaptic row of a plastic projection */
  uint64_t *pool_empty; /* per thread: spines that found their neuron's reserve used up */
  int64_t *slow_from;   /* per thread: step of its last slow step */
  double *slow_acc[2];  /* [parity]: per population with slow state, bdnf, prp, alive per neuron */
  size_t *slow_offset;  /* [population] */
  size_t *tl_bdnf, *tl_prp, *tl_spines; /* record handles per population */
  /* the protocol's trials: spikes of each population during each CS (or unsignalled US) */
  uint64_t *trial_spikes;         /* [trial * n_pops + population] */
  int64_t *trial_from, *trial_to; /* [trial]: its CS (or US), steps [from, to) */
  size_t trial;                   /* the first trial not over yet */
};

/* Per neuron with slow state: BDNF, PRP and plastic synapses alive (SF_COUNT blocks). */
enum { SF_BDNF, SF_PRP, SF_ALIVE, SF_COUNT };

/* --- lifecycle -------------------------------------------------------------------------- */

static fs_status create_records(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  const fs_experiment_spec *spec = net->spec;
  eng->bin_base = calloc(spec->n_phases + 1, sizeof *eng->bin_base);
  if (eng->bin_base == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  eng->n_bins = 0;
  /* without neurons or inputs there are no rates (a drug-only run may span weeks) */
  for (size_t ph = 0; ph < spec->n_phases && net->n_pops > 0; ph++) {
    const fs_phase *p = &spec->phases[ph];
    eng->bin_base[ph] = eng->n_bins;
    if (p->fast)
      eng->n_bins +=
          (size_t)((p->stop - p->start + spec->rate_bin_steps - 1) / spec->rate_bin_steps);
  }
  eng->bin_time = malloc((eng->n_bins + 1) * sizeof *eng->bin_time);
  if (eng->bin_time == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t ph = 0; ph < spec->n_phases && net->n_pops > 0; ph++)
    for (size_t b = eng->bin_base[ph]; spec->phases[ph].fast && b < eng->n_bins &&
                                       (ph + 1 == spec->n_phases || b < eng->bin_base[ph + 1]);
         b++)
      eng->bin_time[b] = (double)(spec->phases[ph].start +
                                  (int64_t)(b - eng->bin_base[ph]) * spec->rate_bin_steps) *
                         spec->dt;
  for (size_t i = 0; i < net->n_pops; i++) {
    const fs_population *pop = &net->pops[i];
    pop_record *pr = &eng->prec[i];
    pr->t = malloc(pop->n_pad * sizeof *pr->t);
    pr->ids = malloc(pop->n_pad * sizeof *pr->ids);
    pr->rates = calloc(eng->n_bins + 1, sizeof *pr->rates);
    if (!pr->t || !pr->ids || !pr->rates)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the records of %s", pop->name);
    if (eng->rec == NULL) continue;
    fs_status st = fs_record_add_population(
        eng->rec, pop->name,
        pop->is_input ? (pop->spec->input == FS_INPUT_POISSON ? "poisson" : "spike_times")
                      : pop->model->name,
        pop->is_input ? "input" : "neuron", pop->n, pop->spec->record_spikes, &pr->handle, err);
    if (st != FS_OK) return st;
  }
  return FS_OK;
}

/* Where each trial's spikes are counted: its CS up to the US onset, or up to when the US would
 * come on a CS-alone trial with an outcome time (freezing is scored before the shock, whose own
 * response is not freezing, and the same part of every CS), or its US for an unsignalled one. */
static fs_status create_trials(fs_engine *eng, fs_error *err) {
  const fs_experiment_spec *spec = eng->net->spec;
  const fs_protocol *pr = spec->protocol;
  if (pr == NULL || pr->n_trials == 0) return FS_OK;
  eng->trial_spikes = calloc(pr->n_trials * (eng->net->n_pops + 1), sizeof *eng->trial_spikes);
  eng->trial_from = malloc(pr->n_trials * sizeof *eng->trial_from);
  eng->trial_to = malloc(pr->n_trials * sizeof *eng->trial_to);
  if (!eng->trial_spikes || !eng->trial_from || !eng->trial_to)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the trials");
  for (size_t k = 0; k < pr->n_trials; k++) {
    const fs_trial *tr = &pr->trials[k];
    bool cs = tr->kind == FS_TRIAL_CS;
    eng->trial_from[k] = llround((cs ? tr->cs_on : tr->us_on) / spec->dt);
    double to = cs ? tr->cs_off : tr->us_off,
           outcome = isnan(tr->us_on) ? tr->outcome_on : tr->us_on;
    if (cs && outcome > tr->cs_on && outcome < to) to = outcome;
    eng->trial_to[k] = llround(to / spec->dt);
  }
  return FS_OK;
}

/* n spikes of population pop at step at go to the trial whose CS holds them, if any. */
static void count_trial_spikes(fs_engine *eng, size_t pop, int64_t at, size_t n) {
  const fs_protocol *pr = eng->net->spec->protocol;
  size_t k = eng->trial;
  while (k < pr->n_trials && at >= eng->trial_to[k])
    k++;
  if (k < pr->n_trials && at >= eng->trial_from[k])
    eng->trial_spikes[k * eng->net->n_pops + pop] += n;
}

static bool pop_has_nmda_agents(const fs_network *net, size_t pop) {
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].nmda_agents && net->projs[k].post->index == pop) return true;
  return false;
}

/* The four concentration series of drug i: plasma and effect site, in ng/mL and in uM. */
static const char *const conc_where[] = {"plasma", "effect"};
static const char *const conc_where_text[] = {"in plasma", "at the effect site (brain)"};
static const char *const conc_units[] = {"ng/mL", "uM"};
static const char *const conc_suffix[] = {"ng_per_mL", "uM"};

static fs_status create_drug_series(fs_engine *eng, size_t i, fs_error *err) {
  const char *name = fs_pharm_drug(eng->pharm, i)->name;
  fs_status st = FS_OK;
  for (int w = 0; w < 2 && st == FS_OK; w++)
    for (int u = 0; u < 2 && st == FS_OK; u++) {
      char path[128], desc[256];
      snprintf(path, sizeof path, "/timeline/%s_%s_%s", name, conc_where[w], conc_suffix[u]);
      snprintf(desc, sizeof desc, "%s concentration %s", name, conc_where_text[w]);
      st =
          fs_record_series_create(eng->rec, path, conc_units[u], desc, &eng->tl_conc[i][w][u], err);
    }
  return st;
}

/* A timeline is written when there is something that changes slowly: drugs or plasticity. */
static bool has_timeline(const fs_engine *eng) {
  if (eng->pharm && fs_pharm_n_drugs(eng->pharm) > 0) return true;
  if (eng->has_slow) return true;
  for (size_t k = 0; k < eng->net->n_projs; k++)
    if (eng->net->projs[k].plastic) return true;
  return false;
}

static int create_slow_sums(fs_engine *eng) {
  const fs_network *net = eng->net;
  size_t n = 1;
  eng->slow_offset = calloc(net->n_pops + 1, sizeof *eng->slow_offset);
  eng->tl_bdnf = calloc(net->n_pops + 1, sizeof *eng->tl_bdnf);
  eng->tl_prp = calloc(net->n_pops + 1, sizeof *eng->tl_prp);
  eng->tl_spines = calloc(net->n_pops + 1, sizeof *eng->tl_spines);
  if (!eng->slow_offset || !eng->tl_bdnf || !eng->tl_prp || !eng->tl_spines)
    return -1;
  for (size_t p = 0; p < net->n_pops; p++) {
    eng->slow_offset[p] = n;
    n += net->pops[p].bdnf ? SF_COUNT * net->pops[p].n_pad : 0;
  }
  eng->slow_acc[0] = calloc(n, sizeof(double));
  eng->slow_acc[1] = calloc(n, sizeof(double));
  return eng->slow_acc[0] && eng->slow_acc[1] ? 0 : -1;
}

static fs_status create_series(fs_engine *eng, const char *prefix, const char *name,
                               const char *unit, const char *desc, size_t *handle, fs_error *err) {
  char path[192];
  snprintf(path, sizeof path, "/timeline/%s_%s", prefix, name);
  return fs_record_series_create(eng->rec, path, unit, desc, handle, err);
}

/* BDNF, PRP and spine density per population with slow state. */
static fs_status create_slow_series(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  fs_status st = FS_OK;
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    const char *name = net->pops[p].name;
    if (!net->pops[p].bdnf) continue;
    st = create_series(eng, "bdnf", name, "1", "mean BDNF of the neurons, relative to rest",
                       &eng->tl_bdnf[p], err);
    if (st == FS_OK)
      st = create_series(eng, "prp", name, "1", "mean plasticity-related protein of the neurons",
                         &eng->tl_prp[p], err);
    if (st == FS_OK)
      st = create_series(eng, "spines", name, "1",
                         "spine density: late-phase synapses alive onto the population, "
                         "relative to the start",
                         &eng->tl_spines[p], err);
  }
  return st;
}

/* The means of projection k's rule: /timeline/<mean>_<projection>. */
static fs_status create_mean_series(fs_engine *eng, size_t k, fs_error *err) {
  const fs_projection *proj = &eng->net->projs[k];
  fs_status st = FS_OK;
  for (size_t i = 0; i < proj->rule->n_means && st == FS_OK; i++) {
    const fs_syn_mean *m = &proj->rule->means[i];
    if (m->late && !proj->late) continue;
    st = create_series(eng, m->name, proj->name, m->units, m->description,
                       &eng->tl_mean[eng->mean_base[k] + i], err);
  }
  return st;
}

static fs_status create_timeline(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  size_t n_drugs = eng->pharm ? fs_pharm_n_drugs(eng->pharm) : 0;
  eng->tl_conc = calloc(n_drugs + 1, sizeof *eng->tl_conc);
  eng->tl_block = calloc(net->n_pops + 1, sizeof *eng->tl_block);
  size_t n_sums = 2 * net->n_threads * (net->n_pops + 1), n_acc = 1;
  eng->acc_offset = calloc(net->n_pops + 1, sizeof *eng->acc_offset);
  for (size_t p = 0; eng->acc_offset && p < net->n_pops; p++) {
    eng->acc_offset[p] = n_acc;
    n_acc += pop_has_nmda_agents(net, p) ? net->pops[p].n_pad : 0;
  }
  eng->block_acc[0] = calloc(n_acc, sizeof(double));
  eng->block_acc[1] = calloc(n_acc, sizeof(double));
  eng->block_n = calloc(n_sums, sizeof *eng->block_n);
  size_t n_plast = 1;
  size_t n_means = 1;
  eng->plast_offset = calloc(net->n_projs + 1, sizeof *eng->plast_offset);
  eng->mean_base = calloc(net->n_projs + 1, sizeof *eng->mean_base);
  for (size_t k = 0; eng->plast_offset && eng->mean_base && k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    eng->plast_offset[k] = n_plast;
    eng->mean_base[k] = n_means;
    if (!proj->plastic) continue;
    n_plast += (proj->rule->n_means + 1) * proj->post->n_pad;
    n_means += proj->rule->n_means;
  }
  eng->plast_acc[0] = calloc(n_plast, sizeof(double));
  eng->plast_acc[1] = calloc(n_plast, sizeof(double));
  eng->tl_mean = calloc(n_means, sizeof *eng->tl_mean);
  eng->tl_written = -1;
  if (!eng->tl_conc || !eng->tl_block || !eng->acc_offset || !eng->block_acc[0] ||
      !eng->block_acc[1] || !eng->block_n || !eng->plast_offset || !eng->plast_acc[0] ||
      !eng->plast_acc[1] || !eng->mean_base || !eng->tl_mean || create_slow_sums(eng))
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the timeline");
  if (eng->rec == NULL || !has_timeline(eng)) return FS_OK;
  fs_status st = fs_record_series_create(eng->rec, "/timeline/time", "s",
                                         "time of each row of the timeline", &eng->tl_time, err);
  for (size_t i = 0; i < n_drugs && st == FS_OK; i++)
    st = create_drug_series(eng, i, err);
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!eng->pharm || !pop_has_nmda_agents(net, p)) continue;
    char path[128];
    snprintf(path, sizeof path, "/timeline/block_%s", net->pops[p].name);
    st = fs_record_series_create(eng->rec, path, "1",
                                 "mean drug-blocked fraction of the NMDA synapses onto the "
                                 "population, each as of its last transmitter arrival",
                                 &eng->tl_block[p], err);
  }
  for (size_t k = 0; k < net->n_projs && st == FS_OK; k++)
    if (net->projs[k].plastic) st = create_mean_series(eng, k, err);
  return st == FS_OK ? create_slow_series(eng, err) : st;
}

static fs_status create_pharmacology(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  eng->pharm = net->spec->pharm;
  eng->mod = calloc(net->n_threads * (net->n_pops + 1), sizeof *eng->mod);
  eng->bcoeff = calloc(net->n_pops + 1, sizeof *eng->bcoeff);
  eng->kin = calloc(net->n_projs + 1, sizeof *eng->kin);
  if (!eng->mod || !eng->bcoeff || !eng->kin)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < net->n_threads * (net->n_pops + 1); i++)
    eng->mod[i] = (fs_nmda_mod){0.0, 1.0, 1.0, 1.0}; /* no drug */
  for (size_t p = 0; p < net->n_pops; p++) {
    if (eng->pharm)
      fs_pharm_get_block_coeffs(eng->pharm, p, &eng->bcoeff[p]);
    else
      fs_block_coeffs_none(&eng->bcoeff[p]);
  }
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    double tr, td;
    if (!proj->nmda_agents) continue;
    fs_status st;
    if ((st = fs_neuron_model_get_param(proj->post->model, proj->post->params, "tau_nmda_rise", &tr,
                                        err)) != FS_OK ||
        (st = fs_neuron_model_get_param(proj->post->model, proj->post->params, "tau_nmda_decay",
                                        &td, err)) != FS_OK)
      return st;
    eng->kin[k] = fs_nmda_kinetics_make(tr, td, proj->spec->p_open);
  }
  return create_timeline(eng, err);
}

/* Per thread, room for the weight factors of the longest presynaptic row of a plastic
 * projection. */
static fs_status create_factors(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  uint64_t longest = 0;
  for (size_t k = 0; k < net->n_projs; k++)
    for (size_t t = 0; net->projs[k].plastic && t < net->n_threads; t++) {
      const fs_proj_part *part = &net->projs[k].part[t];
      for (uint64_t i = 0; i < net->projs[k].pre->n; i++)
        if (part->row_start[i + 1] - part->row_start[i] > longest)
          longest = part->row_start[i + 1] - part->row_start[i];
    }
  eng->factor = calloc(net->n_threads, sizeof *eng->factor);
  for (size_t t = 0; eng->factor && t < net->n_threads; t++)
    if ((eng->factor[t] = malloc((longest + 1) * sizeof(double))) == NULL) break;
  for (size_t t = 0; t < net->n_threads; t++)
    if (eng->factor == NULL || eng->factor[t] == NULL)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  return FS_OK;
}

fs_status fs_engine_create(fs_network *net, fs_record *rec, fs_engine **out, fs_error *err) {
  fs_status st = FS_OK;
  fs_engine *eng = calloc(1, sizeof *eng);
  *out = NULL;
  if (eng == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  eng->net = net;
  eng->rec = rec;
  eng->n_steps = net->spec->n_steps;
  eng->progress_interval = 1.0;
  eng->stop_step = INT64_MAX;
  eng->has_slow = fs_experiment_has_late_phase(net->spec);
  eng->prec = calloc(net->n_pops + 1, sizeof *eng->prec);
  eng->syn_events = calloc(net->n_threads, sizeof *eng->syn_events);
  eng->plastic_dropped = calloc(net->n_threads, sizeof *eng->plastic_dropped);
  eng->pool_empty = calloc(net->n_threads, sizeof *eng->pool_empty);
  eng->penv = calloc(net->n_threads * (net->n_projs + 1), sizeof *eng->penv);
  eng->slow_from = calloc(net->n_threads, sizeof *eng->slow_from);
  if (!eng->prec || !eng->syn_events || !eng->plastic_dropped || !eng->pool_empty || !eng->penv ||
      !eng->slow_from) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(create_factors(eng, err));
  FS_TRY(create_records(eng, err));
  FS_TRY(create_trials(eng, err));
  FS_TRY(create_pharmacology(eng, err));
  *out = eng;
  eng = NULL;
cleanup:
  fs_engine_free(eng);
  return st;
}

void fs_engine_free(fs_engine *eng) {
  if (eng == NULL) return;
  for (size_t i = 0; eng->prec && i < eng->net->n_pops; i++) {
    free(eng->prec[i].t);
    free(eng->prec[i].ids);
    free(eng->prec[i].rates);
  }
  free(eng->prec);
  free(eng->syn_events);
  free(eng->plastic_dropped);
  free(eng->mod);
  free(eng->bcoeff);
  free(eng->kin);
  free(eng->tl_conc);
  free(eng->tl_block);
  free(eng->block_acc[0]);
  free(eng->block_acc[1]);
  free(eng->acc_offset);
  free(eng->block_n);
  free(eng->plast_acc[0]);
  free(eng->plast_acc[1]);
  free(eng->plast_offset);
  free(eng->tl_mean);
  free(eng->mean_base);
  free(eng->bin_base);
  free(eng->bin_time);
  free(eng->penv);
  for (size_t t = 0; eng->factor && t < eng->net->n_threads; t++)
    free(eng->factor[t]);
  free(eng->factor);
  free(eng->pool_empty);
  free(eng->slow_from);
  free(eng->slow_acc[0]);
  free(eng->slow_acc[1]);
  free(eng->slow_offset);
  free(eng->tl_bdnf);
  free(eng->tl_prp);
  free(eng->tl_spines);
  free(eng->trial_spikes);
  free(eng->trial_from);
  free(eng->trial_to);
  free(eng);
}

void fs_engine_set_progress(fs_engine *eng, fs_progress_fn fn, void *user, double interval) {
  eng->progress = fn;
  eng->progress_user = user;
  eng->progress_interval = interval;
}

void fs_engine_set_stop_flag(fs_engine *eng, const volatile sig_atomic_t *flag) {
  eng->stop_flag = flag;
}

void fs_engine_set_stop_at(fs_engine *eng, double t) {
  eng->stop_step = t >= 0 ? llround(t / eng->net->dt) : INT64_MAX;
}

void fs_engine_set_pause(fs_engine *eng, fs_pause_fn fn, void *user, double interval) {
  eng->pause = fn;
  eng->pause_user = user;
  eng->pause_interval = interval;
}

fs_status fs_engine_get_stats(const fs_engine *eng, fs_engine_stats *out) {
  out->steps = eng->step;
  out->t = (double)eng->step * eng->net->dt;
  out->spikes = eng->spikes;
  out->syn_events = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++)
    out->syn_events += eng->syn_events[t];
  out->wall = eng->wall;
  out->plastic_dropped = out->spines_unformed = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++) {
    out->plastic_dropped += eng->plastic_dropped[t];
    out->spines_unformed += eng->pool_empty[t];
  }
  return FS_OK;
}

/* --- phase 1: inputs and neurons ---------------------------------------------------------- */

static void poisson_rate_change(fs_population *pop, fs_thread_range r, int64_t step, double dt) {
  const fs_population_spec *s = pop->spec;
  for (size_t k = 1; k < s->n_rates; k++)
    if (s->rate_step[k] == step)
      for (size_t i = r.begin; i < r.end; i++)
        pop->next_spike[i] = (uint64_t)step + fs_rng_geometric(&pop->rng[i], s->rate[k] * dt);
}

static double poisson_rate_at(const fs_population_spec *s, int64_t step) {
  size_t k = 0;
  while (k + 1 < s->n_rates && s->rate_step[k + 1] <= step)
    k++;
  return s->rate[k];
}

static size_t poisson_step(fs_population *pop, fs_thread_range r, int64_t step, double dt,
                           uint32_t *out) {
  size_t n = 0;
  poisson_rate_change(pop, r, step, dt);
  double p = poisson_rate_at(pop->spec, step) * dt;
  for (size_t i = r.begin; i < r.end; i++) {
    if (pop->next_spike[i] != (uint64_t)step) continue;
    out[n++] = (uint32_t)i;
    uint64_t gap = fs_rng_geometric(&pop->rng[i], p);
    pop->next_spike[i] = gap == UINT64_MAX ? UINT64_MAX : (uint64_t)step + 1 + gap;
  }
  return n;
}

/* Spike trains are short lists; thread 0 plays them for the whole population. */
static size_t train_step(fs_population *pop, int64_t step, uint32_t *out) {
  const fs_population_spec *s = pop->spec;
  size_t n = 0;
  while (pop->train_pos < s->n_train && s->train_step[pop->train_pos] < step)
    pop->train_pos++;
  for (; pop->train_pos < s->n_train && s->train_step[pop->train_pos] == step; pop->train_pos++)
    if (n == 0 || out[n - 1] != s->train_unit[pop->train_pos])
      out[n++] = s->train_unit[pop->train_pos];
  return n;
}

static double injected_current(const fs_network *net, size_t pop, int64_t step) {
  double i = 0.0;
  for (size_t k = 0; k < net->spec->n_currents; k++) {
    const fs_current_spec *c = &net->spec->currents[k];
    if (c->pop == pop && step >= c->start && step < c->stop) i += c->amplitude;
  }
  return i;
}

static void neuron_step(fs_network *net, fs_population *pop, size_t t, int64_t step, uint32_t *out,
                        size_t *n_out) {
  fs_thread_range r = pop->range[t];
  size_t slot = (size_t)(step % (int64_t)pop->ring_len);
  fs_step_ctx ctx;
  ctx.step = step;
  ctx.dt = net->dt;
  for (int c = 0; c < FS_N_CHANNELS; c++)
    ctx.in[c] = pop->ring + (slot * FS_N_CHANNELS + (size_t)c) * pop->n_pad;
  ctx.i_ext = injected_current(net, pop->index, step);
  ctx.fired = pop->fired;
  ctx.scratch = pop->scratch;
  ctx.spikes = out;
  ctx.n_spikes = 0;
  pop->model->step(pop, r.begin, r.end, &ctx);
  *n_out = ctx.n_spikes;
}

static void advance_populations(fs_network *net, size_t t, int64_t step) {
  int parity = (int)(step & 1);
  for (size_t i = 0; i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    fs_thread_range r = pop->range[t];
    uint32_t *out = pop->spike_buf[parity] + r.begin;
    size_t *n = &pop->n_spikes[parity][t];
    if (!pop->is_input) {
      neuron_step(net, pop, t, step, out, n);
      for (size_t k = 0; pop->spike_count && k < *n; k++)
        pop->spike_count[out[k]]++;
    } else if (pop->spec->input == FS_INPUT_POISSON)
      *n = poisson_step(pop, r, step, net->dt, out);
    else
      *n = t == 0 ? train_step(pop, step, pop->spike_buf[parity]) : 0;
  }
}

/* --- phase 3: recording (thread 0) -------------------------------------------------------- */

/* Thread u's spikes of a step: the spike-times inputs are played by thread 0 for the whole
 * population, every other population's thread writes at the start of its range. */
static const uint32_t *spikes_of(const fs_population *pre, int parity, size_t u) {
  bool whole = pre->is_input && pre->spec->input == FS_INPUT_SPIKE_TIMES;
  return pre->spike_buf[parity] + (whole ? 0 : pre->range[u].begin);
}

static size_t gather_spikes(const fs_population *pop, int parity, size_t n_threads, double t_spike,
                            pop_record *pr) {
  size_t n = 0;
  for (size_t t = 0; t < n_threads; t++) {
    const uint32_t *src = spikes_of(pop, parity, t);
    for (size_t k = 0; k < pop->n_spikes[parity][t]; k++) {
      pr->t[n] = t_spike;
      pr->ids[n++] = src[k];
    }
  }
  return n;
}

static void record_step(fs_engine *eng, int64_t step) {
  fs_network *net = eng->net;
  const fs_experiment_spec *spec = net->spec;
  const fs_phase *ph = &spec->phases[eng->phase];
  int64_t in_phase = step - ph->start;
  int parity = (int)(step & 1);
  for (size_t i = 0; i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    pop_record *pr = &eng->prec[i];
    double t_spike = (double)(pop->is_input ? step : step + 1) * net->dt;
    size_t n = gather_spikes(pop, parity, net->n_threads, t_spike, pr);
    eng->spikes += n;
    if (n && eng->trial_spikes) count_trial_spikes(eng, i, pop->is_input ? step : step + 1, n);
    pr->count += n;
    if (n && eng->rec && pop->spec->record_spikes && eng->rec_status == FS_OK)
      eng->rec_status =
          fs_record_append_spikes(eng->rec, pr->handle, pr->t, pr->ids, n, &eng->rec_err);
    if ((in_phase + 1) % spec->rate_bin_steps == 0 || step + 1 == ph->stop) {
      int64_t bin = in_phase / spec->rate_bin_steps;
      int64_t len = in_phase + 1 - bin * spec->rate_bin_steps;
      pr->rates[eng->bin_base[eng->phase] + (size_t)bin] =
          (double)pr->count / ((double)pop->n * (double)len * net->dt);
      pr->count = 0;
    }
  }
  while (eng->trial_spikes && eng->trial < spec->protocol->n_trials &&
         step >= eng->trial_to[eng->trial])
    eng->trial++;
}

static void report_progress(fs_engine *eng, double *last, double t0) {
  double now = omp_get_wtime();
  if (eng->progress == NULL || now - *last < eng->progress_interval) return;
  *last = now;
  fs_engine_stats s;
  eng->wall = eng->wall_before + now - t0;
  fs_engine_get_stats(eng, &s);
  eng->progress(eng->progress_user, &s, (double)eng->n_steps * eng->net->dt);
}

/* --- phase 4: delivery ---------------------------------------------------------------------- */

static uint64_t deliver_row(const fs_proj_part *part, uint32_t src, double *ring, size_t n_pad,
                            size_t ring_len, size_t base_slot, fs_channel ch) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  for (uint64_t s = s0; s < s1; s++) {
    size_t slot = base_slot + part->delay[s];
    if (slot >= ring_len) slot -= ring_len;
    ring[(slot * FS_N_CHANNELS + (size_t)ch) * n_pad + part->target[s]] += part->weight[s];
  }
  return s1 - s0;
}

/* The common case of one delay for the whole projection: one ring slot for every synapse. */
static uint64_t deliver_row_same_delay(const fs_proj_part *part, uint32_t src, double *slot) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  const uint32_t *target = part->target;
  const double *weight = part->weight;
  for (uint64_t s = s0; s < s1; s++)
    slot[target[s]] += weight[s];
  return s1 - s0;
}

/* What the synapse agents of one projection see during one delivery by one thread. */
typedef struct agent_env {
  const fs_nmda_kinetics *kin;
  const fs_block_coeffs *bc;
  const fs_nmda_mod *mod;
  const double *v_post; /* postsynaptic membrane potentials */
  double dt;
  bool nmda;                      /* the synapses have NMDA receptors (agents) */
  bool drugs;                     /* update the block (it stays 0 without drugs) */
  bool gating;                    /* keep the gating traces without drugs too (post_glu) */
  double nmda_scale;              /* NMDA conductance per unit weight: nmda_ratio, or 1 for nmda */
  fs_channel direct;              /* the channel the weight goes to (FS_CH_NMDA: none besides) */
  const fs_synrule_env *plastic;  /* NULL: static weight */
  double *factor;                 /* the row's weight factors (plastic) */
} agent_env;

/* The drug-blocked fraction this arrival sees (0 without drugs). */
static void agent_block(fs_proj_part *part, uint64_t s, int64_t arrive, uint32_t j,
                        const agent_env *e) {
  if (!e->drugs) {
    if (e->gating) {
      fs_nmda_agent a = {0.0, part->x_rise[s], part->x_decay[s], 0.0, part->t_last[s]};
      fs_nmda_agent_bind(&a, e->kin, arrive, e->dt);
      part->x_rise[s] = a.x_rise;
      part->x_decay[s] = a.x_decay;
      part->t_last[s] = a.t_last;
    }
    return;
  }
  fs_nmda_agent a = {part->block[s], part->x_rise[s], part->x_decay[s], part->conc[s],
                     part->t_last[s]};
  fs_nmda_agent_arrive(&a, e->kin, e->bc, arrive, e->dt, e->mod->blocker_conc, e->v_post[j],
                       e->mod->allosteric);
  part->block[s] = a.block;
  part->x_rise[s] = a.x_rise;
  part->x_decay[s] = a.x_decay;
  part->conc[s] = a.conc;
  part->t_last[s] = a.t_last;
}

static bool alive(const agent_env *e, const fs_proj_part *part, uint64_t s) {
  return e->plastic == NULL || fs_syn_alive(e->plastic->rule, part, s);
}

/* Synapse agents of one presynaptic spike emitted at step emit: each updates its block, then
 * the rule updates the plastic ones for the whole row, then each transmits its weight
 * w * factor to its channel and w * factor * nmda_scale * (1 - b) * antagonist * gain to NMDA.
 * A synapse of the spine pool not formed (yet) does nothing. */
static uint64_t deliver_row_agents(fs_proj_part *part, uint32_t src, fs_population *post,
                                   int64_t emit, const agent_env *e) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  double nmda_factor = e->mod->antagonist * e->mod->gain;
  for (uint64_t s = s0; e->nmda && s < s1; s++)
    if (alive(e, part, s)) agent_block(part, s, emit + part->delay[s], part->target[s], e);
  if (e->plastic) e->plastic->rule->pre_row(part, s0, s1, emit, e->plastic, e->factor);
  for (uint64_t s = s0; s < s1; s++) {
    int64_t arrive = emit + part->delay[s];
    uint32_t j = part->target[s];
    if (!alive(e, part, s)) continue;
    double w = part->weight[s], b = e->drugs ? part->block[s] : 0.0;
    if (e->plastic) w *= e->factor[s - s0];
    double *slot =
        post->ring + (size_t)(arrive % (int64_t)post->ring_len) * FS_N_CHANNELS * post->n_pad;
    if (e->direct != FS_CH_NMDA) slot[e->direct * post->n_pad + j] += w;
    if (e->nmda) slot[FS_CH_NMDA * post->n_pad + j] += w * e->nmda_scale * (1.0 - b) * nmda_factor;
  }
  return s1 - s0;
}

static fs_synrule_env plastic_env(fs_engine *eng, const fs_projection *proj, size_t k, size_t t) {
  const fs_nmda_mod *m = &eng->mod[t * eng->net->n_pops + proj->post->index];
  fs_synrule_env pe = {.rule = proj->rule,
                       .params = proj->rule_params,
                       .kin = proj->nmda_agents ? &eng->kin[k] : NULL,
                       .dt = eng->net->dt,
                       .seed = eng->net->spec->seed,
                       .proj = (uint32_t)k,
                       .n_pre = proj->pre->n,
                       .nmda_factor = m->antagonist * m->gain,
                       .dropped = &eng->plastic_dropped[t]};
  return pe;
}

static uint64_t deliver_agent_projection(fs_engine *eng, size_t k, size_t t, int64_t step) {
  const fs_network *net = eng->net;
  const fs_projection *proj = &net->projs[k];
  const fs_population *pre = proj->pre;
  fs_population *post = proj->post;
  int parity = (int)(step & 1);
  fs_synrule_env pe = proj->plastic ? plastic_env(eng, proj, k, t) : (fs_synrule_env){0};
  agent_env e = {&eng->kin[k],
                 &eng->bcoeff[post->index],
                 &eng->mod[t * net->n_pops + post->index],
                 post->state[0],
                 net->dt,
                 proj->nmda_agents,
                 proj->nmda_agents && eng->pharm != NULL,
                 proj->nmda_agents && proj->plastic && proj->rule->reads_gating &&
                     proj->rule->reads_gating(proj->rule_params),
                 proj->spec->nmda_ratio > 0 ? proj->spec->nmda_ratio : 1.0,
                 proj->channel,
                 proj->plastic ? &pe : NULL,
                 eng->factor[t]};
  int64_t emit = step + (pre->is_input ? 0 : 1);
  uint64_t events = 0;
  for (size_t u = 0; u < net->n_threads; u++) {
    const uint32_t *src = spikes_of(pre, parity, u);
    for (size_t n = 0; n < pre->n_spikes[parity][u]; n++)
      events += deliver_row_agents(&proj->part[t], src[n], post, emit, &e);
  }
  return events;
}

/* The postsynaptic spikes of this step (time step + 1) reach the plastic synapses onto the
 * spiking neurons of this thread, one neuron's synapses at a time. */
static void push_post_spikes(fs_engine *eng, size_t k, size_t t, int64_t step) {
  const fs_projection *proj = &eng->net->projs[k];
  const fs_population *post = proj->post;
  fs_proj_part *part = &proj->part[t];
  fs_thread_range r = post->range[t];
  int parity = (int)(step & 1);
  const uint32_t *spk = post->spike_buf[parity] + r.begin;
  fs_synrule_env pe = plastic_env(eng, proj, k, t);
  for (size_t n = 0; n < post->n_spikes[parity][t]; n++) {
    size_t j = spk[n] - r.begin;
    uint64_t q0 = part->bkw_start[j], q1 = part->bkw_start[j + 1];
    proj->rule->post(part, part->bkw + q0, q1 - q0, step + 1, &pe);
  }
}

static uint64_t deliver_projection(const fs_network *net, const fs_projection *proj, size_t t,
                                   int64_t step) {
  const fs_population *pre = proj->pre;
  fs_population *post = proj->post;
  const fs_proj_part *part = &proj->part[t];
  int parity = (int)(step & 1);
  /* a neuron's spike is at the end of its step, an input's at the start */
  size_t base_slot = (size_t)((step + (pre->is_input ? 0 : 1)) % (int64_t)post->ring_len);
  size_t same_slot = (base_slot + proj->same_delay) % post->ring_len;
  double *slot = post->ring + (same_slot * FS_N_CHANNELS + (size_t)proj->channel) * post->n_pad;
  uint64_t events = 0;
  for (size_t u = 0; u < net->n_threads; u++) {
    const uint32_t *src = spikes_of(pre, parity, u);
    size_t n = pre->n_spikes[parity][u];
    if (proj->same_delay)
      for (size_t k = 0; k < n; k++)
        events += deliver_row_same_delay(part, src[k], slot);
    else
      for (size_t k = 0; k < n; k++)
        events += deliver_row(part, src[k], post->ring, post->n_pad, post->ring_len, base_slot,
                              proj->channel);
  }
  return events;
}

/* Synapse agents are needed for drugs, plasticity or a synapse with two receptors; without
 * them a projection delivers its fixed weights on the fast path. */
static bool needs_agents(const fs_engine *eng, const fs_projection *proj) {
  return proj->plastic || (proj->nmda_agents && (eng->pharm || proj->spec->nmda_ratio > 0));
}

static void deliver_spikes(fs_engine *eng, size_t t, int64_t step) {
  fs_network *net = eng->net;
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    if (needs_agents(eng, proj))
      eng->syn_events[t] += deliver_agent_projection(eng, k, t, step);
    else
      eng->syn_events[t] += deliver_projection(net, proj, t, step);
  }
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].plastic) push_post_spikes(eng, k, t, step);
}

/* --- drugs and the timeline ------------------------------------------------------------ */

static void refresh_drugs(fs_engine *eng, size_t t, int64_t step, bool now) {
  if (eng->pharm == NULL || (!now && step % PHARM_REFRESH_STEPS != 0)) return;
  const fs_network *net = eng->net;
  for (size_t p = 0; p < net->n_pops; p++)
    fs_pharm_get_nmda_mod(eng->pharm, p, (double)step * net->dt, &eng->mod[t * net->n_pops + p]);
}

/* Thread t's sums over the plastic synapses alive of projection k, per target neuron: each
 * mean of its rule, and their count. */
static void sum_plastic(fs_engine *eng, size_t k, size_t t, int parity) {
  const fs_projection *proj = &eng->net->projs[k];
  const fs_proj_part *part = &proj->part[t];
  const fs_synrule *rule = proj->rule;
  fs_thread_range r = proj->post->range[t];
  size_t n_pad = proj->post->n_pad, n_means = rule->n_means;
  double *acc = eng->plast_acc[parity] + eng->plast_offset[k], value[FS_SYN_MAX_MEANS];
  for (size_t f = 0; f <= n_means; f++)
    for (size_t j = r.begin; j < r.end; j++)
      acc[f * n_pad + j] = 0.0;
  for (uint64_t s = 0; s < part->n_syn; s++) {
    size_t j = part->target[s];
    if (!fs_syn_alive(rule, part, s)) continue;
    rule->means_of(proj->rule_params, fs_syn_rec(part, rule->record_size, s), part->weight[s],
                   value);
    for (size_t f = 0; f < n_means; f++)
      acc[f * n_pad + j] += value[f];
    acc[n_means * n_pad + j] += 1.0;
  }
}

/* Thread t's copies of the slow state of its neurons (the owners change it during a step
 * while thread 0 writes a row). */
static void sum_slow(fs_engine *eng, size_t t, int parity) {
  const fs_network *net = eng->net;
  for (size_t p = 0; p < net->n_pops; p++) {
    const fs_population *pop = &net->pops[p];
    if (!pop->bdnf) continue;
    double *acc = eng->slow_acc[parity] + eng->slow_offset[p];
    for (size_t j = pop->range[t].begin; j < pop->range[t].end; j++) {
      acc[SF_BDNF * pop->n_pad + j] = pop->bdnf[j];
      acc[SF_PRP * pop->n_pad + j] = pop->prp[j];
      acc[SF_ALIVE * pop->n_pad + j] = (double)pop->n_alive[j];
    }
  }
}

/* Thread t's sums of the blocked fractions of its NMDA synapses, per target neuron (so
 * that the population's sum, taken over neurons in order, is the same for any thread count). */
static void sum_block(fs_engine *eng, size_t t, int parity) {
  const fs_network *net = eng->net;
  uint64_t *n = eng->block_n + ((size_t)parity * net->n_threads + t) * net->n_pops;
  for (size_t p = 0; p < net->n_pops; p++) {
    n[p] = 0;
    double *acc = eng->block_acc[parity] + eng->acc_offset[p];
    for (size_t j = net->pops[p].range[t].begin;
         pop_has_nmda_agents(net, p) && j < net->pops[p].range[t].end; j++)
      acc[j] = 0.0;
  }
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    const fs_proj_part *part = &proj->part[t];
    if (!proj->nmda_agents) continue;
    double *acc = eng->block_acc[parity] + eng->acc_offset[proj->post->index];
    for (uint64_t s = 0; s < part->n_syn; s++)
      acc[part->target[s]] += part->block[s];
    n[proj->post->index] += part->n_syn;
  }
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].plastic) sum_plastic(eng, k, t, parity);
  sum_slow(eng, t, parity);
}

/* The mean block over the NMDA synapses onto population p, from the sums of a parity. */
static double mean_block(const fs_engine *eng, size_t p, int parity) {
  const fs_network *net = eng->net;
  double sum = 0.0;
  uint64_t n = 0;
  if (parity < 0) return 0.0;
  const double *acc = eng->block_acc[parity] + eng->acc_offset[p];
  for (size_t j = 0; j < net->pops[p].n; j++)
    sum += acc[j];
  for (size_t u = 0; u < net->n_threads; u++)
    n += eng->block_n[((size_t)parity * net->n_threads + u) * net->n_pops + p];
  return n ? sum / (double)n : 0.0;
}

static fs_status append_value(fs_engine *eng, size_t handle, double v) {
  return fs_record_series_append(eng->rec, handle, &v, 1, &eng->rec_err);
}

/* The mean over the plastic synapses alive of projection k of its rule's mean f. */
static double mean_plastic(const fs_engine *eng, size_t k, size_t f, int parity) {
  const fs_projection *proj = &eng->net->projs[k];
  size_t n_pad = proj->post->n_pad, alive = proj->rule->n_means;
  const double *acc = eng->plast_acc[parity] + eng->plast_offset[k];
  double sum = 0.0, n = 0.0;
  for (size_t j = 0; j < proj->post->n; j++) {
    sum += acc[f * n_pad + j];
    n += acc[alive * n_pad + j];
  }
  return n > 0 ? sum / n : 0.0;
}

/* The mean over the neurons of population p of field f (SF_*) of the slow state. */
static double mean_slow(const fs_engine *eng, size_t p, int f, int parity) {
  const fs_population *pop = &eng->net->pops[p];
  const double *acc = eng->slow_acc[parity] + eng->slow_offset[p] + (size_t)f * pop->n_pad;
  double sum = 0.0;
  for (size_t j = 0; j < pop->n; j++)
    sum += acc[j];
  return pop->n ? sum / (double)pop->n : 0.0;
}

static double spine_density(const fs_engine *eng, size_t p, int parity) {
  const fs_population *pop = &eng->net->pops[p];
  double start = 0.0;
  for (size_t j = 0; j < pop->n; j++)
    start += pop->n_start[j];
  return start > 0 ? mean_slow(eng, p, SF_ALIVE, parity) * (double)pop->n / start : 1.0;
}

static fs_status append_plastic_means(fs_engine *eng, int parity) {
  fs_status st = FS_OK;
  const fs_network *net = eng->net;
  for (size_t k = 0; k < net->n_projs && st == FS_OK; k++) {
    const fs_projection *proj = &net->projs[k];
    if (!proj->plastic) continue;
    for (size_t i = 0; i < proj->rule->n_means && st == FS_OK; i++)
      if (!proj->rule->means[i].late || proj->late)
        st = append_value(eng, eng->tl_mean[eng->mean_base[k] + i], mean_plastic(eng, k, i, parity));
  }
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!net->pops[p].bdnf) continue;
    st = append_value(eng, eng->tl_bdnf[p], mean_slow(eng, p, SF_BDNF, parity));
    if (st == FS_OK) st = append_value(eng, eng->tl_prp[p], mean_slow(eng, p, SF_PRP, parity));
    if (st == FS_OK) st = append_value(eng, eng->tl_spines[p], spine_density(eng, p, parity));
  }
  return st;
}

/* One row of the timeline at step: drug concentrations and, from the sums of the given
 * parity (-1: no network), the means per population and projection. */
static void write_timeline_row(fs_engine *eng, int64_t step, int parity) {
  const fs_network *net = eng->net;
  size_t n_drugs = eng->pharm ? fs_pharm_n_drugs(eng->pharm) : 0;
  double t = (double)step * net->dt;
  if (eng->rec == NULL || !has_timeline(eng) || eng->rec_status != FS_OK || step == eng->tl_written)
    return;
  fs_status st = append_value(eng, eng->tl_time, t);
  for (size_t i = 0; i < n_drugs && st == FS_OK; i++) {
    double c[2], out[2][2];
    fs_pharm_conc(eng->pharm, i, t, &c[0], &c[1]);
    for (int w = 0; w < 2; w++)
      fs_pk_conc_to_output(c[w], fs_pharm_drug(eng->pharm, i)->molar_mass, &out[w][0], &out[w][1]);
    for (int w = 0; w < 2 && st == FS_OK; w++)
      for (int u = 0; u < 2 && st == FS_OK; u++)
        st = append_value(eng, eng->tl_conc[i][w][u], out[w][u]);
  }
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!eng->pharm || !pop_has_nmda_agents(net, p)) continue;
    st = append_value(eng, eng->tl_block[p], mean_block(eng, p, parity));
  }
  if (st == FS_OK && parity >= 0) st = append_plastic_means(eng, parity);
  eng->rec_status = st;
  eng->tl_written = step;
}

/* --- the loop --------------------------------------------------------------------------- */

/* Thread 0's decision (HALT_*) at a point where the threads may leave together. */
static int halt_requested(const fs_engine *eng) {
  if ((eng->stop_flag && *eng->stop_flag) || eng->rec_status != FS_OK ||
      eng->step >= eng->stop_step)
    return HALT_STOP;
  if (eng->pause && eng->pause_interval > 0 &&
      omp_get_wtime() - eng->last_pause >= eng->pause_interval)
    return HALT_PAUSE;
  return HALT_NONE;
}

/* --- snapshots: the full synaptic state at chosen times ------------------------------------ */

/* The per-synapse fields of a snapshot besides pre, post and the rule's own (FS_SYN_SNAPSHOT). */
enum { SN_WEIGHT, SN_BLOCK, SN_Z, SN_TAG, SN_ALIVE, SN_COUNT };
static const char *const snap_names[SN_COUNT] = {"weight", "block", "z", "tag", "alive"};
static const char *const snap_units[SN_COUNT] = {"S", "1", "1", "1", "1"};
static const char *const snap_text[SN_COUNT] = {
    "weight of each synapse: its AMPA (or only) peak conductance",
    "drug-blocked fraction of each synapse's NMDA receptors",
    "consolidated (late-phase) state of each synapse, -0.5 to 1, as of the last slow step",
    "tag of each synapse: 1 for LTP, -1 for LTD, 0 untagged",
    "1 for a synapse that exists, 0 for one of the reserved spine pool not formed"};

/* Per synapse in canonical order: pre, post, the fields above, then the rule's fields. */
typedef struct snapshot_arrays {
  uint64_t *pre, *post;
  double *f[SN_COUNT + FS_SYN_MAX_FIELDS];
  size_t n_f;
} snapshot_arrays;

/* Synapse s of a part, as it is at step now: a plastic one brought there without changing it.
 * A synapse of the spine pool that has not formed has weight 0 and alive 0. */
static void snapshot_one(fs_engine *eng, const fs_projection *proj, size_t k,
                         const fs_proj_part *part, uint64_t s, int64_t now, size_t at,
                         const snapshot_arrays *a) {
  a->post[at] = part->target[s];
  for (size_t f = 0; f < a->n_f; f++)
    a->f[f][at] = 0.0;
  a->f[SN_WEIGHT][at] = part->weight[s];
  a->f[SN_BLOCK][at] = part->block ? part->block[s] : 0.0;
  a->f[SN_ALIVE][at] = 1.0;
  if (!proj->plastic) return;
  const fs_synrule *rule = proj->rule;
  unsigned char rec[FS_SYN_MAX_RECORD];
  fs_synrule_env pe = plastic_env(eng, proj, k, 0);
  bool is_alive = fs_syn_alive(rule, part, s);
  rule->peek(part, s, now, &pe, rec);
  for (size_t i = 0, f = SN_COUNT; i < rule->n_fields; i++)
    if (rule->fields[i].flags & FS_SYN_SNAPSHOT)
      a->f[f++][at] = fs_syn_field_value(&rule->fields[i], rec);
  if (proj->late) {
    a->f[SN_Z][at] = *(const double *)(rec + rule->late->z_offset);
    a->f[SN_TAG][at] = rule->late->tag(&eng->net->spec->cons.late, proj->rule_params, rec);
    a->f[SN_ALIVE][at] = is_alive;
  }
  a->f[SN_WEIGHT][at] *= is_alive ? rule->weight_factor(proj->rule_params, rec) : 0.0;
}

static fs_status fill_snapshot(fs_engine *eng, size_t k, int64_t now, const snapshot_arrays *a) {
  const fs_projection *proj = &eng->net->projs[k];
  size_t at = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++) {
    const fs_proj_part *part = &proj->part[t];
    uint64_t *order = malloc((part->n_syn + 1) * sizeof *order);
    uint32_t *pre_of = malloc((part->n_syn + 1) * sizeof *pre_of);
    fs_status st = order && pre_of ? fs_part_canonical_order(proj, t, order, pre_of) : FS_ERR_NOMEM;
    for (uint64_t o = 0; st == FS_OK && o < part->n_syn; o++, at++) {
      a->pre[at] = pre_of[o];
      snapshot_one(eng, proj, k, part, order[o], now, at, a);
    }
    free(order);
    free(pre_of);
    if (st != FS_OK) return fs_error_set(&eng->rec_err, st, "out of memory for a snapshot");
  }
  return FS_OK;
}

/* Which fields a projection's snapshot holds: block for synapses with NMDA receptors, z and
 * tag with a late phase, alive with a spine pool. */
static bool snapshot_has(const fs_projection *proj, int f) {
  switch (f) {
  case SN_BLOCK:
    return proj->nmda_agents;
  case SN_Z:
  case SN_TAG:
    return proj->late;
  case SN_ALIVE:
    return proj->late && proj->spec->plastic.reserve > 0;
  default:
    return true;
  }
}

/* What a reader needs to interpret the rule's state: the parameters it names. */
static fs_status snapshot_attrs(fs_engine *eng, const fs_projection *proj, const char *path) {
  const fs_synrule *rule = proj->rule;
  fs_status st = FS_OK;
  for (size_t i = 0; i < rule->n_snapshot_attrs && st == FS_OK; i++) {
    const fs_param_spec *p = fs_params_find(rule->params, rule->n_params, rule->snapshot_attrs[i]);
    double v;
    memcpy(&v, (const char *)proj->rule_params + p->offset, sizeof v);
    st = fs_record_set_attr_double(eng->rec, path, p->name, v, NULL, &eng->rec_err);
  }
  return st;
}

static fs_status write_snapshot_field(fs_engine *eng, const char *path, const double *v, size_t n,
                                      const char *units, const char *text) {
  return fs_record_write_array(eng->rec, path, v, n, units, text, &eng->rec_err);
}

static fs_status write_snapshot_fields(fs_engine *eng, size_t index, const fs_projection *proj,
                                       const snapshot_arrays *a) {
  size_t n = proj->n_syn;
  char path[256];
  fs_status st = FS_OK;
  for (int f = 0; f < SN_COUNT && st == FS_OK; f++) {
    if (!snapshot_has(proj, f)) continue;
    snprintf(path, sizeof path, "/snapshots/%zu/%s/%s", index, proj->name, snap_names[f]);
    st = write_snapshot_field(eng, path, a->f[f], n, snap_units[f], snap_text[f]);
  }
  for (size_t i = 0, f = SN_COUNT; proj->plastic && i < proj->rule->n_fields && st == FS_OK; i++) {
    const fs_syn_field *fd = &proj->rule->fields[i];
    if (!(fd->flags & FS_SYN_SNAPSHOT)) continue;
    snprintf(path, sizeof path, "/snapshots/%zu/%s/%s", index, proj->name, fd->name);
    st = write_snapshot_field(eng, path, a->f[f++], n, fd->units, fd->description);
  }
  return st;
}

static size_t snapshot_field_count(const fs_projection *proj) {
  size_t n = SN_COUNT;
  for (size_t i = 0; proj->plastic && i < proj->rule->n_fields; i++)
    n += (proj->rule->fields[i].flags & FS_SYN_SNAPSHOT) != 0;
  return n;
}

static fs_status write_projection_snapshot(fs_engine *eng, size_t index, size_t k, int64_t now) {
  const fs_projection *proj = &eng->net->projs[k];
  size_t n = proj->n_syn;
  snapshot_arrays a = {malloc((n + 1) * 8), malloc((n + 1) * 8), {NULL}, snapshot_field_count(proj)};
  bool ok = a.pre && a.post;
  for (size_t f = 0; f < a.n_f; f++)
    ok = (a.f[f] = malloc((n + 1) * sizeof(double))) != NULL && ok;
  fs_status st = ok ? fill_snapshot(eng, k, now, &a)
                    : fs_error_set(&eng->rec_err, FS_ERR_NOMEM, "out of memory for a snapshot");
  char path[256];
  snprintf(path, sizeof path, "/snapshots/%zu/%s/pre", index, proj->name);
  if (st == FS_OK)
    st = fs_record_write_array_u64(eng->rec, path, a.pre, n, NULL, NULL, &eng->rec_err);
  snprintf(path, sizeof path, "/snapshots/%zu/%s/post", index, proj->name);
  if (st == FS_OK)
    st = fs_record_write_array_u64(eng->rec, path, a.post, n, NULL, NULL, &eng->rec_err);
  if (st == FS_OK) st = write_snapshot_fields(eng, index, proj, &a);
  snprintf(path, sizeof path, "/snapshots/%zu/%s", index, proj->name);
  if (st == FS_OK && proj->plastic) st = snapshot_attrs(eng, proj, path);
  free(a.pre);
  free(a.post);
  for (size_t f = 0; f < a.n_f; f++)
    free(a.f[f]);
  return st;
}

/* Snapshot number index at step now; only thread 0, while the others wait at a barrier. */
static void write_snapshot(fs_engine *eng, size_t index, int64_t now) {
  if (eng->rec == NULL || eng->rec_status != FS_OK) return;
  fs_status st = FS_OK;
  for (size_t k = 0; k < eng->net->n_projs && st == FS_OK; k++)
    st = write_projection_snapshot(eng, index, k, now);
  char group[64];
  snprintf(group, sizeof group, "/snapshots/%zu", index);
  if (st == FS_OK && eng->net->n_projs > 0)
    st = fs_record_set_attr_double(eng->rec, group, "time", (double)now * eng->net->dt, "s",
                                   &eng->rec_err);
  eng->rec_status = st;
}

/* The index of the first snapshot after step. */
static size_t next_snapshot(const fs_experiment_spec *spec, int64_t step) {
  size_t i = 0;
  while (i < spec->n_snapshots && spec->snapshot_steps[i] <= step)
    i++;
  return i;
}

/* --- phases ------------------------------------------------------------------------------ */

/* Thread t's neurons start a fast phase that follows a slow one at rest, with empty input
 * rings (what was in flight fell into the slow phase); Poisson inputs draw their next spike
 * afresh from the rate in force, which is exact for a memoryless process. */
static void start_fast_phase(fs_engine *eng, size_t t, int64_t start) {
  fs_network *net = eng->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    fs_thread_range r = pop->range[t];
    if (pop->is_input) {
      if (pop->spec->input != FS_INPUT_POISSON) continue;
      double p = poisson_rate_at(pop->spec, start) * net->dt;
      for (size_t j = r.begin; j < r.end; j++) {
        uint64_t gap = fs_rng_geometric(&pop->rng[j], p);
        pop->next_spike[j] = gap == UINT64_MAX ? UINT64_MAX : (uint64_t)start + gap;
      }
      continue;
    }
    double rest[FS_MAX_STATE];
    pop->model->rest_state(pop->params, rest);
    for (size_t v = 0; v < pop->model->n_state; v++)
      for (size_t j = r.begin; j < r.end; j++)
        pop->state[v][j] = rest[v];
    for (size_t j = r.begin; j < r.end; j++)
      pop->refractory[j] = 0;
    for (size_t row = 0; row < pop->ring_len * FS_N_CHANNELS; row++)
      memset(pop->ring + row * pop->n_pad + r.begin, 0, (r.end - r.begin) * sizeof(double));
  }
}

/* Thread t's share of the slow clock from its last slow step to step `to`. */
static void slow_step(fs_engine *eng, size_t t, int64_t to) {
  fs_network *net = eng->net;
  fs_synrule_env *env = eng->penv + t * (net->n_projs + 1);
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].plastic) env[k] = plastic_env(eng, &net->projs[k], k, t);
  fs_slow_ctx c = {net, eng->pharm, eng->bcoeff, env, t, &eng->pool_empty[t]};
  fs_slow_step(&c, eng->slow_from[t], to);
  eng->slow_from[t] = to;
}

/* A row of the timeline at step at, between barriers, from sums every thread takes anew. */
static void synced_row(fs_engine *eng, size_t t, int64_t at) {
#pragma omp barrier
  sum_block(eng, t, 0);
#pragma omp barrier
  if (t == 0) write_timeline_row(eng, at, 0);
#pragma omp barrier
}

/* The fast phase ph: every step of it. Returns true if the run was stopped. */
static bool run_fast(fs_engine *eng, size_t t, size_t ph, double t0, double *last_report) {
  fs_network *net = eng->net;
  const fs_experiment_spec *spec = net->spec;
  const fs_phase *p = &spec->phases[ph];
  int64_t k_tl = spec->timeline_steps, first = eng->step > p->start ? eng->step : p->start;
  size_t snap = next_snapshot(spec, first);
  if (first == p->start && p->start > 0) start_fast_phase(eng, t, p->start);
  /* going on within the phase, the drugs stay as last refreshed (they are in a checkpoint) */
  if (first == p->start) refresh_drugs(eng, t, first, true);
  for (int64_t step = first; step < p->stop; step++) {
    refresh_drugs(eng, t, step, false);
    advance_populations(net, t, step);
#pragma omp barrier
    if (t == 0) {
      if (step % k_tl == 0) write_timeline_row(eng, step, (int)((step / k_tl) & 1));
      record_step(eng, step);
      eng->step = step + 1;
      report_progress(eng, last_report, t0);
      if ((step + 1) % STOP_CHECK_STEPS == 0) {
#pragma omp atomic write
        eng->stop[(step / STOP_CHECK_STEPS) & 1] = halt_requested(eng);
      }
    }
    deliver_spikes(eng, t, step);
    if (eng->has_slow && ((step + 1) % spec->slow_step_steps == 0 || step + 1 == p->stop))
      slow_step(eng, t, step + 1);
    if ((step + 1) % k_tl == 0) sum_block(eng, t, (int)(((step + 1) / k_tl) & 1));
    if (snap < spec->n_snapshots && spec->snapshot_steps[snap] == step + 1) {
#pragma omp barrier
      if (t == 0) write_snapshot(eng, snap, step + 1);
#pragma omp barrier
      snap++;
    }
    /* every STOP_CHECK_STEPS steps, all threads read thread 0's decision of the previous
     * check; the barrier of that step orders the write before this read. Never at the last
     * step: the phase's closing row comes first. */
    if ((step + 1) % STOP_CHECK_STEPS == 0 && step >= STOP_CHECK_STEPS && step + 1 < p->stop) {
      int stop;
#pragma omp atomic read
      stop = eng->stop[((step / STOP_CHECK_STEPS) - 1) & 1];
      if (stop) {
        if (t == 0) eng->halt = stop;
        return true;
      }
    }
  }
  synced_row(eng, t, p->stop);
  return false;
}

/* The next time the slow phase must stop at after step now: a slow step, a timeline row, a
 * snapshot or the end of the phase. */
static int64_t next_slow_event(const fs_experiment_spec *spec, int64_t now, int64_t stop,
                               size_t snap) {
  int64_t next = stop;
  int64_t every[] = {spec->slow_step_steps, spec->timeline_slow_steps};
  for (int i = 0; i < 2; i++) {
    int64_t at = (now / every[i] + 1) * every[i];
    if (at < next) next = at;
  }
  if (snap < spec->n_snapshots && spec->snapshot_steps[snap] < next)
    next = spec->snapshot_steps[snap];
  return next;
}

/* The slow phase ph: no spikes; from event to event, the slow clock, rows and snapshots. */
static bool run_slow(fs_engine *eng, size_t t, size_t ph, double t0, double *last_report) {
  const fs_experiment_spec *spec = eng->net->spec;
  const fs_phase *p = &spec->phases[ph];
  int64_t now = eng->step > p->start ? eng->step : p->start;
  size_t snap = next_snapshot(spec, now);
  while (now < p->stop) {
    int64_t next = next_slow_event(spec, now, p->stop, snap);
    bool tick = next % spec->slow_step_steps == 0 || next == p->stop;
    bool row = next % spec->timeline_slow_steps == 0 || next == p->stop;
    bool shot = snap < spec->n_snapshots && spec->snapshot_steps[snap] == next;
    if (eng->has_slow && tick) slow_step(eng, t, next);
    if (row) sum_block(eng, t, 0);
#pragma omp barrier
    if (t == 0) {
      eng->step = next;
      if (row) write_timeline_row(eng, next, 0);
      if (shot) write_snapshot(eng, snap, next);
      report_progress(eng, last_report, t0);
      eng->slow_stop = halt_requested(eng);
      eng->halt = eng->slow_stop;
    }
#pragma omp barrier
    snap += shot;
    if (eng->slow_stop) return true;
    now = next;
  }
  return false;
}

static void run_thread(fs_engine *eng, double t0) {
  const fs_experiment_spec *spec = eng->net->spec;
  size_t t = (size_t)omp_get_thread_num();
  double last_report = t0;
  for (size_t ph = 0; ph < spec->n_phases; ph++) {
    const fs_phase *p = &spec->phases[ph];
    if (p->stop <= eng->step) continue;
    if (t == 0) eng->phase = ph;
    bool stopped =
        p->fast ? run_fast(eng, t, ph, t0, &last_report) : run_slow(eng, t, ph, t0, &last_report);
    if (stopped) return;
  }
}

/* Without a network only the timeline advances. */
static void run_timeline_only(fs_engine *eng) {
  int64_t k_tl = eng->net->spec->timeline_steps;
  for (int64_t step = eng->step;;) {
    write_timeline_row(eng, step, -1);
    eng->step = step;
    if (step == eng->n_steps || (eng->halt = halt_requested(eng)) != HALT_NONE) return;
    step = step + k_tl < eng->n_steps ? step + k_tl : eng->n_steps;
  }
}

/* The rows and snapshot of step 0. */
static void start_run(fs_engine *eng) {
  for (size_t t = 0; t < eng->net->n_threads && eng->net->n_pops > 0; t++)
    sum_block(eng, t, 0);
  write_timeline_row(eng, 0, eng->net->n_pops > 0 ? 0 : -1);
  if (eng->net->spec->n_snapshots > 0 && eng->net->spec->snapshot_steps[0] == 0)
    write_snapshot(eng, 0, 0);
  eng->started = true;
}

/* Going on from step s within a fast phase: the row due at s is written from sums the last
 * step took; they are taken again here from the state, which they depend on alone. */
static void retake_sums(fs_engine *eng) {
  int64_t s = eng->step, k_tl = eng->net->spec->timeline_steps;
  if (s == 0 || s % k_tl != 0 || eng->net->n_pops == 0) return;
  for (size_t t = 0; t < eng->net->n_threads; t++)
    sum_block(eng, t, (int)((s / k_tl) & 1));
}

/* From eng->step to the end, or until the threads halt together. */
static void run_span(fs_engine *eng) {
  double t0 = omp_get_wtime();
  eng->wall_before = eng->wall;
  eng->stop[0] = eng->stop[1] = 0;
  eng->slow_stop = 0;
  eng->halt = HALT_NONE;
  if (!eng->started) start_run(eng);
  retake_sums(eng);
  if (eng->net->n_pops == 0) {
    run_timeline_only(eng);
  } else {
#pragma omp parallel num_threads((int)eng->net->n_threads) default(none) shared(eng, t0)
    run_thread(eng, t0);
  }
  eng->wall = eng->wall_before + omp_get_wtime() - t0;
}

fs_status fs_engine_run(fs_engine *eng, fs_error *err) {
  eng->last_pause = omp_get_wtime();
  for (;;) {
    run_span(eng);
    if (eng->rec_status != FS_OK) {
      if (err) *err = eng->rec_err;
      return eng->rec_status;
    }
    if (eng->step >= eng->n_steps) return FS_OK;
    if (eng->halt != HALT_PAUSE || eng->pause == NULL) break;
    fs_status st = eng->pause(eng->pause_user, err);
    if (st != FS_OK) return st;
    eng->last_pause = omp_get_wtime();
  }
  return fs_error_set(err, FS_ERR_INTERRUPTED, "interrupted at t = %g s of %g s",
                      (double)eng->step * eng->net->dt, (double)eng->n_steps * eng->net->dt);
}

/* One column of /trials, filled by column(trial) for every trial. */
static fs_status write_trial_column(fs_engine *eng, const char *name, const char *units,
                                    const char *desc, double *buf, fs_error *err) {
  char path[160];
  snprintf(path, sizeof path, "/trials/%s", name);
  return fs_record_write_array(eng->rec, path, buf, eng->net->spec->protocol->n_trials, units, desc,
                               err);
}

/* The mean rate of population p during trial k's CS (or US), Hz. */
static double trial_rate(const fs_engine *eng, size_t k, size_t p) {
  const fs_network *net = eng->net;
  double span = (double)(eng->trial_to[k] - eng->trial_from[k]) * net->dt;
  return span > 0 ? (double)eng->trial_spikes[k * net->n_pops + p] / ((double)net->pops[p].n * span)
                  : NAN;
}

static fs_status write_trial_rates(fs_engine *eng, double *buf, fs_error *err) {
  const fs_network *net = eng->net;
  const fs_protocol *pr = net->spec->protocol;
  fs_status st = FS_OK;
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    char name[96];
    snprintf(name, sizeof name, "rate_%s", net->pops[p].name);
    for (size_t k = 0; k < pr->n_trials; k++)
      buf[k] = trial_rate(eng, k, p);
    st = write_trial_column(eng, name, "Hz",
                            "mean rate of the population during the CS before its US (the US of an "
                            "unsignalled one)",
                            buf, err);
  }
  return st;
}

static fs_status write_trial_names(fs_engine *eng, fs_error *err) {
  const fs_protocol *pr = eng->net->spec->protocol;
  const char **names = calloc(pr->n_sessions + pr->n_contexts + 1, sizeof *names);
  if (names == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < pr->n_sessions; i++)
    names[i] = pr->sessions[i].name;
  fs_status st =
      fs_record_set_attr_strings(eng->rec, "/trials", "session_names", names, pr->n_sessions, err);
  for (size_t i = 0; i < pr->n_contexts; i++)
    names[i] = pr->contexts[i].name;
  if (st == FS_OK && pr->n_contexts > 0)
    st = fs_record_set_attr_strings(eng->rec, "/trials", "contexts", names, pr->n_contexts, err);
  free(names);
  return st;
}

/* /trials: one row per trial of the protocol, with its freezing score. */
static fs_status write_trials(fs_engine *eng, fs_error *err) {
  const fs_experiment_spec *spec = eng->net->spec;
  const fs_protocol *pr = spec->protocol;
  size_t n = pr->n_trials;
  double *buf = malloc((n + 1) * sizeof *buf);
  if (buf == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  fs_status st = FS_OK;
#define TRIAL_COLUMN(name, units, desc, expr)                                                      \
  do {                                                                                             \
    for (size_t k = 0; k < n; k++) {                                                               \
      const fs_trial *tr = &pr->trials[k];                                                         \
      (void)tr;                                                                                    \
      buf[k] = (expr);                                                                             \
    }                                                                                              \
    if (st == FS_OK) st = write_trial_column(eng, name, units, desc, buf, err);                    \
  } while (0)
  TRIAL_COLUMN("day", "1", "day of the trial, from 1", (double)tr->day);
  TRIAL_COLUMN("session", "1", "index of its session (names in the session_names attribute)",
               (double)tr->session);
  TRIAL_COLUMN("trial", "1", "number of the trial within its session, from 0", (double)tr->trial);
  TRIAL_COLUMN("context", "1", "index of its context (names in the contexts attribute), -1 none",
               tr->context == FS_PROTOCOL_NONE ? -1.0 : (double)tr->context);
  TRIAL_COLUMN("kind", "1", "0: a CS trial, 1: an unsignalled US", (double)tr->kind);
  TRIAL_COLUMN("cs_on", "s", "CS onset (NaN for an unsignalled US)", tr->cs_on);
  TRIAL_COLUMN("cs_off", "s", "CS offset", tr->cs_off);
  TRIAL_COLUMN("us_on", "s", "US onset (NaN without a US)", tr->us_on);
  TRIAL_COLUMN("us_off", "s", "US offset", tr->us_off);
  TRIAL_COLUMN("us_intensity", "A", "US intensity (0 without a US)", tr->us_intensity);
  TRIAL_COLUMN("freezing", "1",
               "freezing score: logistic function of the readout population's rate during the "
               "CS before its US (NaN for an unsignalled US)",
               tr->kind == FS_TRIAL_CS
                   ? fs_experiment_freezing(spec, trial_rate(eng, k, spec->readout_pop))
                   : NAN);
#undef TRIAL_COLUMN
  if (st == FS_OK) st = write_trial_rates(eng, buf, err);
  if (st == FS_OK) st = write_trial_names(eng, err);
  if (st == FS_OK)
    st = fs_record_set_attr_string(eng->rec, "/trials", "readout",
                                   eng->net->pops[spec->readout_pop].name, err);
  free(buf);
  return st;
}

fs_status fs_engine_finish(fs_engine *eng, fs_error *err) {
  if (eng->rec == NULL || eng->net->n_pops == 0) return FS_OK;
  if (eng->trial_spikes) {
    fs_status st = write_trials(eng, err);
    if (st != FS_OK) return st;
  }
  fs_status st = fs_record_write_array(eng->rec, "/rates/time", eng->bin_time, eng->n_bins, "s",
                                       "start of each bin of the population rates (bins cover "
                                       "the fast phases only)",
                                       err);
  for (size_t i = 0; i < eng->net->n_pops && st == FS_OK; i++) {
    char path[128];
    snprintf(path, sizeof path, "/rates/%s", eng->net->pops[i].name);
    st = fs_record_write_array(eng->rec, path, eng->prec[i].rates, eng->n_bins, "Hz",
                               "population rate: spikes per neuron per second in each bin", err);
  }
  return st;
}

/* --- checkpoints ------------------------------------------------------------------------- */

/* The engine's clock and counters: step, last timeline row, trial, last slow step, length. */
enum { CK_STEP, CK_TL_WRITTEN, CK_TRIAL, CK_SLOW_FROM, CK_N_STEPS, CK_CLOCK };
enum { CK_SPIKES, CK_SYN_EVENTS, CK_DROPPED, CK_UNFORMED, CK_COUNTS };

static fs_status checkpoint_clock(fs_engine *eng, const fs_ckpt_io *io, fs_error *err) {
  const fs_network *net = eng->net;
  int64_t clock[CK_CLOCK] = {eng->step, eng->tl_written, (int64_t)eng->trial, eng->slow_from[0],
                             eng->n_steps};
  fs_engine_stats s;
  fs_engine_get_stats(eng, &s);
  uint64_t counts[CK_COUNTS] = {s.spikes, s.syn_events, s.plastic_dropped, s.spines_unformed};
  double wall = eng->wall;
  fs_status st = fs_ckpt_array(io, "engine/clock", FS_REC_I64, clock, CK_CLOCK, err);
  if (st == FS_OK) st = fs_ckpt_array(io, "engine/counts", FS_REC_U64, counts, CK_COUNTS, err);
  if (st == FS_OK) st = fs_ckpt_array(io, "engine/wall", FS_REC_F64, &wall, 1, err);
  if (st != FS_OK || !io->restore) return st;
  if (clock[CK_N_STEPS] != eng->n_steps || clock[CK_STEP] < 0 || clock[CK_STEP] > eng->n_steps)
    return fs_error_set(
        err, FS_ERR_INPUT, "the checkpoint is at step %lld of %lld, this experiment has %lld steps",
        (long long)clock[CK_STEP], (long long)clock[CK_N_STEPS], (long long)eng->n_steps);
  eng->step = clock[CK_STEP];
  eng->tl_written = clock[CK_TL_WRITTEN];
  eng->trial = (size_t)clock[CK_TRIAL];
  eng->spikes = counts[CK_SPIKES];
  eng->wall = wall;
  eng->started = true;
  for (size_t t = 0; t < net->n_threads; t++) {
    eng->slow_from[t] = clock[CK_SLOW_FROM];
    eng->syn_events[t] = t == 0 ? counts[CK_SYN_EVENTS] : 0;
    eng->plastic_dropped[t] = t == 0 ? counts[CK_DROPPED] : 0;
    eng->pool_empty[t] = t == 0 ? counts[CK_UNFORMED] : 0;
  }
  return FS_OK;
}

/* The drugs at the receptors as last refreshed (every thread holds the same copy): a run goes
 * on with them until the next refresh, and through a slow phase with those of the fast phase
 * before it. */
static fs_status checkpoint_drugs(fs_engine *eng, const fs_ckpt_io *io, fs_error *err) {
  const fs_network *net = eng->net;
  size_t np = net->n_pops;
  double *m = malloc((4 * np + 1) * sizeof *m);
  if (m == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory for a checkpoint");
  for (size_t p = 0; p < np; p++) {
    const fs_nmda_mod *x = &eng->mod[p];
    m[4 * p] = x->blocker_conc;
    m[4 * p + 1] = x->antagonist;
    m[4 * p + 2] = x->gain;
    m[4 * p + 3] = x->allosteric;
  }
  fs_status st = fs_ckpt_array(io, "engine/drugs", FS_REC_F64, m, 4 * np, err);
  for (size_t t = 0; st == FS_OK && io->restore && t < net->n_threads; t++)
    for (size_t p = 0; p < np; p++)
      eng->mod[t * np + p] = (fs_nmda_mod){m[4 * p], m[4 * p + 1], m[4 * p + 2], m[4 * p + 3]};
  free(m);
  return st;
}

/* Rate bins (only those up to the last that is not 0) and the spikes of the bin under way. */
static fs_status checkpoint_rates(fs_engine *eng, const fs_ckpt_io *io, fs_error *err) {
  const fs_network *net = eng->net;
  uint64_t *count = calloc(net->n_pops + 1, sizeof *count);
  fs_status st = count ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == FS_OK && i < net->n_pops; i++) {
    pop_record *pr = &eng->prec[i];
    char name[64];
    size_t n = eng->n_bins;
    while (!io->restore && n > 0 && pr->rates[n - 1] == 0.0)
      n--;
    snprintf(name, sizeof name, "engine/rates/%zu", i);
    st = fs_ckpt_prefix(io, name, FS_REC_F64, pr->rates, &n, eng->n_bins, err);
    count[i] = pr->count;
  }
  if (st == FS_OK) st = fs_ckpt_array(io, "engine/bin_count", FS_REC_U64, count, net->n_pops, err);
  for (size_t i = 0; st == FS_OK && io->restore && i < net->n_pops; i++)
    eng->prec[i].count = count[i];
  free(count);
  return st;
}

fs_status fs_engine_checkpoint(fs_engine *eng, const fs_ckpt_io *io, fs_error *err) {
  const fs_protocol *pr = eng->net->spec->protocol;
  fs_status st = checkpoint_clock(eng, io, err);
  if (st == FS_OK) st = checkpoint_drugs(eng, io, err);
  if (st == FS_OK) st = checkpoint_rates(eng, io, err);
  if (st == FS_OK && eng->trial_spikes)
    st = fs_ckpt_array(io, "engine/trial_spikes", FS_REC_U64, eng->trial_spikes,
                       pr->n_trials * eng->net->n_pops, err);
  return st;
}
