/* observer.c - what a run keeps of itself (include/fearsim/observer.h): spikes, rates, the
 * timeline, trials with their freezing score, and snapshots. The timeline's sums are taken by
 * every thread for its own neurons into buffers kept by sample parity (a row is written by
 * thread 0 one step after its sums were taken, while the next sums may already be under way)
 * and added in neuron order. */
#include <fearsim/observer.h>
#include <fearsim/pk.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/snapshot.h>

#include "network_impl.h"
#include "slow_impl.h"
#include "synrule_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pop_record {
  size_t handle;  /* record handle */
  double *t;      /* scratch: one step's spike times */
  uint64_t *ids;  /* scratch: one step's spike ids */
  double *rates;  /* Hz per bin */
  uint64_t count; /* spikes in the current bin */
} pop_record;

struct fs_observer {
  const fs_network *net;
  fs_record *rec;
  const fs_nmda_kinetics *kin;  /* [projection], the engine's */
  const fs_nmda_mod *mod;       /* [population], the engine's thread 0 copy */
  const fs_pharmacology *pharm; /* NULL: no drugs */
  bool has_slow;                /* some projection has a late phase */
  fs_status rec_status;
  fs_error rec_err;
  pop_record *prec; /* per population */
  size_t n_bins;
  /* phases: rate bins cover the fast phases only */
  size_t *bin_base; /* [phase]: the index of a fast phase's first bin */
  double *bin_time; /* [bin]: its start, s */
  /* the timeline: a row every timeline_steps; block sums by sample parity */
  size_t tl_time, (*tl_conc)[2][2], *tl_block; /* record handles; tl_conc[drug][where][unit] */
  size_t *tl_block_rest;   /* record handles: the block at rest per population */
  fs_block_coeffs *bcoeff; /* [population]: the blocker's coefficients there */
  double *block_acc[2];    /* [parity]: per population, per neuron, sums over its NMDA synapses */
  size_t *acc_offset;      /* [pop]: the population's first entry in block_acc */
  uint64_t *block_n;       /* [parity][thread][pop] */
  /* plastic projections: per target neuron, the sums of their rule's means, by parity */
  double *plast_acc[2];
  size_t *plast_offset; /* [projection]: its first entry: a block of n_pad sums per mean of its
                           rule (synrule.h), then one of the synapses alive */
  size_t *tl_mean;      /* record handles: projection k's i-th mean at mean_base[k] + i */
  size_t *mean_base;    /* [projection] */
  int64_t tl_written;   /* step of the last row written, -1 before the first */
  int64_t snap_written; /* step of the last snapshot written, -1 before the first */
  /* the slow state of neurons: per population with slow state, bdnf, prp, alive per neuron */
  double *slow_acc[2];                  /* [parity] */
  size_t *slow_offset;                  /* [population] */
  size_t *tl_bdnf, *tl_prp, *tl_spines; /* record handles per population */
  /* the protocol's trials: spikes of each population during each CS (or unsignalled US) */
  uint64_t *trial_spikes;         /* [trial * n_pops + population] */
  int64_t *trial_from, *trial_to; /* [trial]: its CS (or US), steps [from, to) */
  size_t trial;                   /* the first trial not over yet */
};

/* Per neuron with slow state: BDNF, PRP and plastic synapses alive (SF_COUNT blocks). */
enum { SF_BDNF, SF_PRP, SF_ALIVE, SF_COUNT };

/* --- lifecycle -------------------------------------------------------------------------- */

static fs_status create_records(fs_observer *obs, fs_error *err) {
  const fs_network *net = obs->net;
  const fs_experiment_spec *spec = net->spec;
  obs->bin_base = calloc(spec->n_phases + 1, sizeof *obs->bin_base);
  if (obs->bin_base == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  obs->n_bins = 0;
  /* without neurons or inputs there are no rates (a drug-only run may span weeks) */
  for (size_t ph = 0; ph < spec->n_phases && net->n_pops > 0; ph++) {
    const fs_phase *p = &spec->phases[ph];
    obs->bin_base[ph] = obs->n_bins;
    if (p->fast)
      obs->n_bins +=
          (size_t)((p->stop - p->start + spec->rate_bin_steps - 1) / spec->rate_bin_steps);
  }
  obs->bin_time = malloc((obs->n_bins + 1) * sizeof *obs->bin_time);
  if (obs->bin_time == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t ph = 0; ph < spec->n_phases && net->n_pops > 0; ph++)
    for (size_t b = obs->bin_base[ph]; spec->phases[ph].fast && b < obs->n_bins &&
                                       (ph + 1 == spec->n_phases || b < obs->bin_base[ph + 1]);
         b++)
      obs->bin_time[b] = (double)(spec->phases[ph].start +
                                  (int64_t)(b - obs->bin_base[ph]) * spec->rate_bin_steps) *
                         spec->dt;
  for (size_t i = 0; i < net->n_pops; i++) {
    const fs_population *pop = &net->pops[i];
    pop_record *pr = &obs->prec[i];
    pr->t = malloc(pop->n_pad * sizeof *pr->t);
    pr->ids = malloc(pop->n_pad * sizeof *pr->ids);
    pr->rates = calloc(obs->n_bins + 1, sizeof *pr->rates);
    if (!pr->t || !pr->ids || !pr->rates)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the records of %s", pop->name);
    if (obs->rec == NULL) continue;
    fs_status st = fs_record_add_population(
        obs->rec, pop->name,
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
static fs_status create_trials(fs_observer *obs, fs_error *err) {
  const fs_experiment_spec *spec = obs->net->spec;
  const fs_protocol *pr = spec->protocol;
  if (pr == NULL || pr->n_trials == 0) return FS_OK;
  obs->trial_spikes = calloc(pr->n_trials * (obs->net->n_pops + 1), sizeof *obs->trial_spikes);
  obs->trial_from = malloc(pr->n_trials * sizeof *obs->trial_from);
  obs->trial_to = malloc(pr->n_trials * sizeof *obs->trial_to);
  if (!obs->trial_spikes || !obs->trial_from || !obs->trial_to)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the trials");
  for (size_t k = 0; k < pr->n_trials; k++) {
    const fs_trial *tr = &pr->trials[k];
    bool cs = tr->kind == FS_TRIAL_CS;
    obs->trial_from[k] = llround((cs ? tr->cs_on : tr->us_on) / spec->dt);
    double to = cs ? tr->cs_off : tr->us_off,
           outcome = isnan(tr->us_on) ? tr->outcome_on : tr->us_on;
    if (cs && outcome > tr->cs_on && outcome < to) to = outcome;
    obs->trial_to[k] = llround(to / spec->dt);
  }
  return FS_OK;
}

/* n spikes of population pop at step at go to the trial whose CS holds them, if any. */
static void count_trial_spikes(fs_observer *obs, size_t pop, int64_t at, size_t n) {
  const fs_protocol *pr = obs->net->spec->protocol;
  size_t k = obs->trial;
  while (k < pr->n_trials && at >= obs->trial_to[k])
    k++;
  if (k < pr->n_trials && at >= obs->trial_from[k])
    obs->trial_spikes[k * obs->net->n_pops + pop] += n;
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

static fs_status create_drug_series(fs_observer *obs, size_t i, fs_error *err) {
  const char *name = fs_pharm_drug(obs->pharm, i)->name;
  fs_status st = FS_OK;
  for (int w = 0; w < 2 && st == FS_OK; w++)
    for (int u = 0; u < 2 && st == FS_OK; u++) {
      char path[128], desc[256];
      snprintf(path, sizeof path, "/timeline/%s_%s_%s", name, conc_where[w], conc_suffix[u]);
      snprintf(desc, sizeof desc, "%s concentration %s", name, conc_where_text[w]);
      st =
          fs_record_series_create(obs->rec, path, conc_units[u], desc, &obs->tl_conc[i][w][u], err);
    }
  return st;
}

/* A timeline is written when there is something that changes slowly: drugs or plasticity. */
static bool has_timeline(const fs_observer *obs) {
  if (obs->pharm && fs_pharm_n_drugs(obs->pharm) > 0) return true;
  if (obs->has_slow) return true;
  for (size_t k = 0; k < obs->net->n_projs; k++)
    if (obs->net->projs[k].plastic) return true;
  return false;
}

static int create_slow_sums(fs_observer *obs) {
  const fs_network *net = obs->net;
  size_t n = 1;
  obs->slow_offset = calloc(net->n_pops + 1, sizeof *obs->slow_offset);
  obs->tl_bdnf = calloc(net->n_pops + 1, sizeof *obs->tl_bdnf);
  obs->tl_prp = calloc(net->n_pops + 1, sizeof *obs->tl_prp);
  obs->tl_spines = calloc(net->n_pops + 1, sizeof *obs->tl_spines);
  if (!obs->slow_offset || !obs->tl_bdnf || !obs->tl_prp || !obs->tl_spines) return -1;
  for (size_t p = 0; p < net->n_pops; p++) {
    obs->slow_offset[p] = n;
    n += net->pops[p].bdnf ? SF_COUNT * net->pops[p].n_pad : 0;
  }
  obs->slow_acc[0] = calloc(n, sizeof(double));
  obs->slow_acc[1] = calloc(n, sizeof(double));
  return obs->slow_acc[0] && obs->slow_acc[1] ? 0 : -1;
}

static fs_status create_series(fs_observer *obs, const char *prefix, const char *name,
                               const char *unit, const char *desc, size_t *handle, fs_error *err) {
  char path[192];
  snprintf(path, sizeof path, "/timeline/%s_%s", prefix, name);
  return fs_record_series_create(obs->rec, path, unit, desc, handle, err);
}

/* BDNF, PRP and spine density per population with slow state. */
static fs_status create_slow_series(fs_observer *obs, fs_error *err) {
  const fs_network *net = obs->net;
  fs_status st = FS_OK;
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    const char *name = net->pops[p].name;
    if (!net->pops[p].bdnf) continue;
    st = create_series(obs, "bdnf", name, "1", "mean BDNF of the neurons, relative to rest",
                       &obs->tl_bdnf[p], err);
    if (st == FS_OK)
      st = create_series(obs, "prp", name, "1", "mean plasticity-related protein of the neurons",
                         &obs->tl_prp[p], err);
    if (st == FS_OK)
      st = create_series(obs, "spines", name, "1",
                         "spine density: late-phase synapses alive onto the population, "
                         "relative to the start",
                         &obs->tl_spines[p], err);
  }
  return st;
}

/* The means of projection k's rule: /timeline/<mean>_<projection>. */
static fs_status create_mean_series(fs_observer *obs, size_t k, fs_error *err) {
  const fs_projection *proj = &obs->net->projs[k];
  fs_status st = FS_OK;
  for (size_t i = 0; i < proj->rule->n_means && st == FS_OK; i++) {
    const fs_synrule_mean *m = &proj->rule->means[i];
    if (m->late && !proj->late) continue;
    st = create_series(obs, m->name, proj->name, m->units, m->description,
                       &obs->tl_mean[obs->mean_base[k] + i], err);
  }
  return st;
}

static fs_status create_timeline(fs_observer *obs, fs_error *err) {
  const fs_network *net = obs->net;
  size_t n_drugs = obs->pharm ? fs_pharm_n_drugs(obs->pharm) : 0;
  obs->tl_conc = calloc(n_drugs + 1, sizeof *obs->tl_conc);
  obs->tl_block = calloc(net->n_pops + 1, sizeof *obs->tl_block);
  obs->tl_block_rest = calloc(net->n_pops + 1, sizeof *obs->tl_block_rest);
  obs->bcoeff = calloc(net->n_pops + 1, sizeof *obs->bcoeff);
  for (size_t p = 0; obs->bcoeff && obs->pharm && p < net->n_pops; p++)
    fs_pharm_get_block_coeffs(obs->pharm, p, &obs->bcoeff[p]);
  size_t n_sums = 2 * net->n_threads * (net->n_pops + 1), n_acc = 1;
  obs->acc_offset = calloc(net->n_pops + 1, sizeof *obs->acc_offset);
  for (size_t p = 0; obs->acc_offset && p < net->n_pops; p++) {
    obs->acc_offset[p] = n_acc;
    n_acc += pop_has_nmda_agents(net, p) ? net->pops[p].n_pad : 0;
  }
  obs->block_acc[0] = calloc(n_acc, sizeof(double));
  obs->block_acc[1] = calloc(n_acc, sizeof(double));
  obs->block_n = calloc(n_sums, sizeof *obs->block_n);
  size_t n_plast = 1;
  size_t n_means = 1;
  obs->plast_offset = calloc(net->n_projs + 1, sizeof *obs->plast_offset);
  obs->mean_base = calloc(net->n_projs + 1, sizeof *obs->mean_base);
  for (size_t k = 0; obs->plast_offset && obs->mean_base && k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    obs->plast_offset[k] = n_plast;
    obs->mean_base[k] = n_means;
    if (!proj->plastic) continue;
    n_plast += (proj->rule->n_means + 1) * proj->post->n_pad;
    n_means += proj->rule->n_means;
  }
  obs->plast_acc[0] = calloc(n_plast, sizeof(double));
  obs->plast_acc[1] = calloc(n_plast, sizeof(double));
  obs->tl_mean = calloc(n_means, sizeof *obs->tl_mean);
  obs->tl_written = -1;
  if (!obs->tl_conc || !obs->tl_block || !obs->tl_block_rest || !obs->bcoeff || !obs->acc_offset ||
      !obs->block_acc[0] || !obs->block_acc[1] || !obs->block_n || !obs->plast_offset ||
      !obs->plast_acc[0] || !obs->plast_acc[1] || !obs->mean_base || !obs->tl_mean ||
      create_slow_sums(obs))
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the timeline");
  if (obs->rec == NULL || !has_timeline(obs)) return FS_OK;
  fs_status st = fs_record_series_create(obs->rec, "/timeline/time", "s",
                                         "time of each row of the timeline", &obs->tl_time, err);
  for (size_t i = 0; i < n_drugs && st == FS_OK; i++)
    st = create_drug_series(obs, i, err);
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!obs->pharm || !pop_has_nmda_agents(net, p)) continue;
    char path[128];
    snprintf(path, sizeof path, "/timeline/block_%s", net->pops[p].name);
    st = fs_record_series_create(obs->rec, path, "1",
                                 "mean drug-blocked fraction of the NMDA synapses onto the "
                                 "population, each as of its last transmitter arrival",
                                 &obs->tl_block[p], err);
    if (st == FS_OK)
      st = create_series(obs, "block_rest", net->pops[p].name, "1",
                         "drug-blocked fraction of the population's NMDA receptors at the resting "
                         "potential (consolidation.bdnf.v_rest), in equilibrium with the "
                         "effect-site concentration: what drives BDNF (eEF2 pathway)",
                         &obs->tl_block_rest[p], err);
  }
  for (size_t k = 0; k < net->n_projs && st == FS_OK; k++)
    if (net->projs[k].plastic) st = create_mean_series(obs, k, err);
  return st == FS_OK ? create_slow_series(obs, err) : st;
}

/* --- spikes, rates and trials (thread 0) ---------------------------------------------------- */

static size_t gather_spikes(const fs_population *pop, int parity, size_t n_threads, double t_spike,
                            pop_record *pr) {
  size_t n = 0;
  for (size_t t = 0; t < n_threads; t++) {
    const uint32_t *src = fs_population_spikes(pop, parity, t);
    for (size_t k = 0; k < pop->n_spikes[parity][t]; k++) {
      pr->t[n] = t_spike;
      pr->ids[n++] = src[k];
    }
  }
  return n;
}

static void record_step(fs_observer *obs, size_t phase, int64_t step) {
  const fs_network *net = obs->net;
  const fs_experiment_spec *spec = net->spec;
  const fs_phase *ph = &spec->phases[phase];
  int64_t in_phase = step - ph->start;
  int parity = (int)(step & 1);
  for (size_t i = 0; i < net->n_pops; i++) {
    const fs_population *pop = &net->pops[i];
    pop_record *pr = &obs->prec[i];
    double t_spike = (double)(pop->is_input ? step : step + 1) * net->dt;
    size_t n = gather_spikes(pop, parity, net->n_threads, t_spike, pr);
    if (n && obs->trial_spikes) count_trial_spikes(obs, i, pop->is_input ? step : step + 1, n);
    pr->count += n;
    if (n && obs->rec && pop->spec->record_spikes && obs->rec_status == FS_OK)
      obs->rec_status =
          fs_record_append_spikes(obs->rec, pr->handle, pr->t, pr->ids, n, &obs->rec_err);
    if ((in_phase + 1) % spec->rate_bin_steps == 0 || step + 1 == ph->stop) {
      int64_t bin = in_phase / spec->rate_bin_steps;
      int64_t len = in_phase + 1 - bin * spec->rate_bin_steps;
      pr->rates[obs->bin_base[phase] + (size_t)bin] =
          (double)pr->count / ((double)pop->n * (double)len * net->dt);
      pr->count = 0;
    }
  }
  while (obs->trial_spikes && obs->trial < spec->protocol->n_trials &&
         step >= obs->trial_to[obs->trial])
    obs->trial++;
}

/* --- the timeline ---------------------------------------------------------------------------- */

/* Thread t's sums over the plastic synapses alive of projection k, per target neuron: each
 * mean of its rule, and their count. */
static void sum_plastic(fs_observer *obs, size_t k, size_t t, int parity) {
  const fs_projection *proj = &obs->net->projs[k];
  const fs_proj_part *part = &proj->part[t];
  const fs_synrule *rule = proj->rule;
  fs_thread_range r = proj->post->range[t];
  size_t n_pad = proj->post->n_pad, n_means = rule->n_means;
  double *acc = obs->plast_acc[parity] + obs->plast_offset[k];
  for (size_t f = 0; f <= n_means; f++)
    for (size_t j = r.begin; j < r.end; j++)
      acc[f * n_pad + j] = 0.0;
  if (rule->sum_means)
    rule->sum_means(proj->rule_params, part, acc, n_pad);
  else
    fs_synrule_sum_means_of(rule, proj->rule_params, part, rule->means_of, acc, n_pad);
}

/* Thread t's copies of the slow state of its neurons (the owners change it during a step
 * while thread 0 writes a row). */
static void sum_slow(fs_observer *obs, size_t t, int parity) {
  const fs_network *net = obs->net;
  for (size_t p = 0; p < net->n_pops; p++) {
    const fs_population *pop = &net->pops[p];
    if (!pop->bdnf) continue;
    double *acc = obs->slow_acc[parity] + obs->slow_offset[p];
    for (size_t j = pop->range[t].begin; j < pop->range[t].end; j++) {
      acc[SF_BDNF * pop->n_pad + j] = pop->bdnf[j];
      acc[SF_PRP * pop->n_pad + j] = pop->prp[j];
      acc[SF_ALIVE * pop->n_pad + j] = (double)pop->n_alive[j];
    }
  }
}

/* Thread t's sums of the blocked fractions of its NMDA synapses, per target neuron (so
 * that the population's sum, taken over neurons in order, is the same for any thread count). */
static void sum_block(fs_observer *obs, size_t t, int parity) {
  const fs_network *net = obs->net;
  uint64_t *n = obs->block_n + ((size_t)parity * net->n_threads + t) * net->n_pops;
  for (size_t p = 0; p < net->n_pops; p++) {
    n[p] = 0;
    double *acc = obs->block_acc[parity] + obs->acc_offset[p];
    for (size_t j = net->pops[p].range[t].begin;
         pop_has_nmda_agents(net, p) && j < net->pops[p].range[t].end; j++)
      acc[j] = 0.0;
  }
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    const fs_proj_part *part = &proj->part[t];
    if (!proj->nmda_agents) continue;
    double *acc = obs->block_acc[parity] + obs->acc_offset[proj->post->index];
    for (uint64_t s = 0; s < part->n_syn; s++)
      acc[part->target[s]] += part->block[s];
    n[proj->post->index] += part->n_syn;
  }
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].plastic) sum_plastic(obs, k, t, parity);
  sum_slow(obs, t, parity);
}

/* The mean block over the NMDA synapses onto population p, from the sums of a parity. */
static double mean_block(const fs_observer *obs, size_t p, int parity) {
  const fs_network *net = obs->net;
  double sum = 0.0;
  uint64_t n = 0;
  if (parity < 0) return 0.0;
  const double *acc = obs->block_acc[parity] + obs->acc_offset[p];
  for (size_t j = 0; j < net->pops[p].n; j++)
    sum += acc[j];
  for (size_t u = 0; u < net->n_threads; u++)
    n += obs->block_n[((size_t)parity * net->n_threads + u) * net->n_pops + p];
  return n ? sum / (double)n : 0.0;
}

static fs_status append_value(fs_observer *obs, size_t handle, double v) {
  return fs_record_series_append(obs->rec, handle, &v, 1, &obs->rec_err);
}

/* The mean over the plastic synapses alive of projection k of its rule's mean f. */
static double mean_plastic(const fs_observer *obs, size_t k, size_t f, int parity) {
  const fs_projection *proj = &obs->net->projs[k];
  size_t n_pad = proj->post->n_pad, alive = proj->rule->n_means;
  const double *acc = obs->plast_acc[parity] + obs->plast_offset[k];
  double sum = 0.0, n = 0.0;
  for (size_t j = 0; j < proj->post->n; j++) {
    sum += acc[f * n_pad + j];
    n += acc[alive * n_pad + j];
  }
  return n > 0 ? sum / n : 0.0;
}

/* The mean over the neurons of population p of field f (SF_*) of the slow state. */
static double mean_slow(const fs_observer *obs, size_t p, int f, int parity) {
  const fs_population *pop = &obs->net->pops[p];
  const double *acc = obs->slow_acc[parity] + obs->slow_offset[p] + (size_t)f * pop->n_pad;
  double sum = 0.0;
  for (size_t j = 0; j < pop->n; j++)
    sum += acc[j];
  return pop->n ? sum / (double)pop->n : 0.0;
}

static double spine_density(const fs_observer *obs, size_t p, int parity) {
  const fs_population *pop = &obs->net->pops[p];
  double start = 0.0;
  for (size_t j = 0; j < pop->n; j++)
    start += pop->n_start[j];
  return start > 0 ? mean_slow(obs, p, SF_ALIVE, parity) * (double)pop->n / start : 1.0;
}

static fs_status append_plastic_means(fs_observer *obs, int parity) {
  fs_status st = FS_OK;
  const fs_network *net = obs->net;
  for (size_t k = 0; k < net->n_projs && st == FS_OK; k++) {
    const fs_projection *proj = &net->projs[k];
    if (!proj->plastic) continue;
    for (size_t i = 0; i < proj->rule->n_means && st == FS_OK; i++)
      if (!proj->rule->means[i].late || proj->late)
        st =
            append_value(obs, obs->tl_mean[obs->mean_base[k] + i], mean_plastic(obs, k, i, parity));
  }
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!net->pops[p].bdnf) continue;
    st = append_value(obs, obs->tl_bdnf[p], mean_slow(obs, p, SF_BDNF, parity));
    if (st == FS_OK) st = append_value(obs, obs->tl_prp[p], mean_slow(obs, p, SF_PRP, parity));
    if (st == FS_OK) st = append_value(obs, obs->tl_spines[p], spine_density(obs, p, parity));
  }
  return st;
}

/* One row of the timeline at step: drug concentrations and, from the sums of the given
 * parity (-1: no network), the means per population and projection. */
static void write_timeline_row(fs_observer *obs, int64_t step, int parity) {
  const fs_network *net = obs->net;
  size_t n_drugs = obs->pharm ? fs_pharm_n_drugs(obs->pharm) : 0;
  double t = (double)step * net->dt;
  if (obs->rec == NULL || !has_timeline(obs) || obs->rec_status != FS_OK || step == obs->tl_written)
    return;
  fs_status st = append_value(obs, obs->tl_time, t);
  for (size_t i = 0; i < n_drugs && st == FS_OK; i++) {
    double c[2], out[2][2];
    fs_pharm_conc(obs->pharm, i, t, &c[0], &c[1]);
    for (int w = 0; w < 2; w++)
      fs_pk_conc_to_output(c[w], fs_pharm_drug(obs->pharm, i)->molar_mass, &out[w][0], &out[w][1]);
    for (int w = 0; w < 2 && st == FS_OK; w++)
      for (int u = 0; u < 2 && st == FS_OK; u++)
        st = append_value(obs, obs->tl_conc[i][w][u], out[w][u]);
  }
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    if (!obs->pharm || !pop_has_nmda_agents(net, p)) continue;
    st = append_value(obs, obs->tl_block[p], mean_block(obs, p, parity));
    if (st == FS_OK)
      st = append_value(
          obs, obs->tl_block_rest[p],
          fs_slow_block_rest(obs->pharm, &obs->bcoeff[p], p, net->spec->cons.bdnf.v_rest, t));
  }
  if (st == FS_OK && parity >= 0) st = append_plastic_means(obs, parity);
  obs->rec_status = st;
  obs->tl_written = step;
}

/* --- snapshots -------------------------------------------------------------------------- */

/* Snapshot number index at step now; only thread 0, while the others wait at a barrier. */
static void write_snapshot(fs_observer *obs, size_t index, int64_t now) {
  if (obs->rec == NULL || obs->rec_status != FS_OK) return;
  fs_snapshot_ctx c = {obs->net, obs->rec, obs->kin, obs->mod};
  obs->rec_status = fs_snapshot_write(&c, index, now, &obs->rec_err);
}

/* The index of the snapshot at step, or SIZE_MAX (their steps increase). */
static size_t snapshot_at(const fs_experiment_spec *spec, int64_t step) {
  for (size_t i = 0; i < spec->n_snapshots && spec->snapshot_steps[i] <= step; i++)
    if (spec->snapshot_steps[i] == step) return i;
  return SIZE_MAX;
}

/* The snapshot due at step, once. */
static void snapshot_if_due(fs_observer *obs, int64_t step) {
  size_t i = snapshot_at(obs->net->spec, step);
  if (i == SIZE_MAX || step == obs->snap_written) return;
  write_snapshot(obs, i, step);
  obs->snap_written = step;
}

/* --- the end of a run: /trials and /rates ------------------------------------------------ */

/* One column of /trials, filled by column(trial) for every trial. */
static fs_status write_trial_column(fs_observer *obs, const char *name, const char *units,
                                    const char *desc, double *buf, fs_error *err) {
  char path[160];
  snprintf(path, sizeof path, "/trials/%s", name);
  return fs_record_write_array(obs->rec, path, buf, obs->net->spec->protocol->n_trials, units, desc,
                               err);
}

/* An integer column of /trials (an index or a count). */
static fs_status write_trial_index(fs_observer *obs, const char *name, const char *desc,
                                   int64_t *buf, fs_error *err) {
  char path[160];
  snprintf(path, sizeof path, "/trials/%s", name);
  return fs_record_write_array_i64(obs->rec, path, buf, obs->net->spec->protocol->n_trials, "1",
                                   desc, err);
}

/* The mean rate of population p during trial k's CS (or US), Hz. */
static double trial_rate(const fs_observer *obs, size_t k, size_t p) {
  const fs_network *net = obs->net;
  double span = (double)(obs->trial_to[k] - obs->trial_from[k]) * net->dt;
  return span > 0 ? (double)obs->trial_spikes[k * net->n_pops + p] / ((double)net->pops[p].n * span)
                  : NAN;
}

static fs_status write_trial_rates(fs_observer *obs, double *buf, fs_error *err) {
  const fs_network *net = obs->net;
  const fs_protocol *pr = net->spec->protocol;
  fs_status st = FS_OK;
  for (size_t p = 0; p < net->n_pops && st == FS_OK; p++) {
    char name[96];
    snprintf(name, sizeof name, "rate_%s", net->pops[p].name);
    for (size_t k = 0; k < pr->n_trials; k++)
      buf[k] = trial_rate(obs, k, p);
    st = write_trial_column(obs, name, "Hz",
                            "mean rate of the population during the CS before its US (the US of an "
                            "unsignalled one)",
                            buf, err);
  }
  return st;
}

static fs_status write_trial_names(fs_observer *obs, fs_error *err) {
  const fs_protocol *pr = obs->net->spec->protocol;
  const char **names = calloc(pr->n_sessions + pr->n_contexts + 1, sizeof *names);
  if (names == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < pr->n_sessions; i++)
    names[i] = pr->sessions[i].name;
  fs_status st =
      fs_record_set_attr_strings(obs->rec, "/trials", "session_names", names, pr->n_sessions, err);
  for (size_t i = 0; i < pr->n_contexts; i++)
    names[i] = pr->contexts[i].name;
  if (st == FS_OK && pr->n_contexts > 0)
    st = fs_record_set_attr_strings(obs->rec, "/trials", "contexts", names, pr->n_contexts, err);
  free(names);
  return st;
}

/* /trials: one row per trial of the protocol, with its freezing score. */
static fs_status write_trials(fs_observer *obs, fs_error *err) {
  const fs_experiment_spec *spec = obs->net->spec;
  const fs_protocol *pr = spec->protocol;
  size_t n = pr->n_trials;
  double *buf = malloc((n + 1) * sizeof *buf);
  int64_t *index = malloc((n + 1) * sizeof *index);
  fs_status st = FS_OK;
  if (buf == NULL || index == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
#define TRIAL_INDEX(name, desc, expr)                                                              \
  do {                                                                                             \
    for (size_t k = 0; k < n; k++) {                                                               \
      const fs_trial *tr = &pr->trials[k];                                                         \
      index[k] = (expr);                                                                           \
    }                                                                                              \
    if (st == FS_OK) st = write_trial_index(obs, name, desc, index, err);                          \
  } while (0)
#define TRIAL_COLUMN(name, units, desc, expr)                                                      \
  do {                                                                                             \
    for (size_t k = 0; k < n; k++) {                                                               \
      const fs_trial *tr = &pr->trials[k];                                                         \
      (void)tr;                                                                                    \
      buf[k] = (expr);                                                                             \
    }                                                                                              \
    if (st == FS_OK) st = write_trial_column(obs, name, units, desc, buf, err);                    \
  } while (0)
  TRIAL_INDEX("day", "day of the trial, from 1", (int64_t)tr->day);
  TRIAL_INDEX("session", "index of its session (names in the session_names attribute)",
              (int64_t)tr->session);
  TRIAL_INDEX("trial", "number of the trial within its session, from 0", (int64_t)tr->trial);
  TRIAL_INDEX("context", "index of its context (names in the contexts attribute), -1 none",
              tr->context == FS_PROTOCOL_NONE ? -1 : (int64_t)tr->context);
  TRIAL_INDEX("kind", "0: a CS trial, 1: an unsignalled US", (int64_t)tr->kind);
#undef TRIAL_INDEX
  TRIAL_COLUMN("cs_on", "s", "CS onset (NaN for an unsignalled US)", tr->cs_on);
  TRIAL_COLUMN("cs_off", "s", "CS offset", tr->cs_off);
  TRIAL_COLUMN("us_on", "s", "US onset (NaN without a US)", tr->us_on);
  TRIAL_COLUMN("us_off", "s", "US offset", tr->us_off);
  TRIAL_COLUMN("us_intensity", "A", "US intensity (0 without a US)", tr->us_intensity);
  TRIAL_COLUMN("freezing", "1",
               "freezing score: logistic function of the readout population's rate during the "
               "CS before its US (NaN for an unsignalled US)",
               tr->kind == FS_TRIAL_CS
                   ? fs_experiment_freezing(spec, trial_rate(obs, k, spec->readout_pop))
                   : NAN);
#undef TRIAL_COLUMN
  if (st == FS_OK) st = write_trial_rates(obs, buf, err);
  if (st == FS_OK) st = write_trial_names(obs, err);
  if (st == FS_OK)
    st = fs_record_set_attr_string(obs->rec, "/trials", "readout",
                                   obs->net->pops[spec->readout_pop].name, err);
cleanup:
  free(index);
  free(buf);
  return st;
}

/* --- checkpoints ------------------------------------------------------------------------- */

/* Rate bins (only those up to the last that is not 0) and the spikes of the bin under way. */
static fs_status checkpoint_rates(fs_observer *obs, const fs_record_checkpoint_io *io,
                                  fs_error *err) {
  const fs_network *net = obs->net;
  uint64_t *count = calloc(net->n_pops + 1, sizeof *count);
  fs_status st = count ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == FS_OK && i < net->n_pops; i++) {
    pop_record *pr = &obs->prec[i];
    char name[64];
    size_t n = obs->n_bins;
    while (!io->restore && n > 0 && pr->rates[n - 1] == 0.0)
      n--;
    snprintf(name, sizeof name, "observer/rates/%zu", i);
    st = fs_record_checkpoint_prefix(io, name, FS_REC_F64, pr->rates, &n, obs->n_bins, err);
    count[i] = pr->count;
  }
  if (st == FS_OK)
    st = fs_record_checkpoint_array(io, "observer/bin_count", FS_REC_U64, count, net->n_pops, err);
  for (size_t i = 0; st == FS_OK && io->restore && i < net->n_pops; i++)
    obs->prec[i].count = count[i];
  free(count);
  return st;
}

/* The observer's clock: the last row and snapshot written and the first trial not over. */
enum { OC_TL_WRITTEN, OC_SNAP_WRITTEN, OC_TRIAL, OC_CLOCK };

fs_status fs_observer_checkpoint(fs_observer *obs, const fs_record_checkpoint_io *io,
                                 fs_error *err) {
  const fs_protocol *pr = obs->net->spec->protocol;
  int64_t clock[OC_CLOCK] = {obs->tl_written, obs->snap_written, (int64_t)obs->trial};
  fs_status st = fs_record_checkpoint_array(io, "observer/clock", FS_REC_I64, clock, OC_CLOCK, err);
  if (st == FS_OK && io->restore) {
    obs->tl_written = clock[OC_TL_WRITTEN];
    obs->snap_written = clock[OC_SNAP_WRITTEN];
    obs->trial = (size_t)clock[OC_TRIAL];
  }
  if (st == FS_OK) st = checkpoint_rates(obs, io, err);
  if (st == FS_OK && obs->trial_spikes)
    st = fs_record_checkpoint_array(io, "observer/trial_spikes", FS_REC_U64, obs->trial_spikes,
                                    pr->n_trials * obs->net->n_pops, err);
  return st;
}

/* --- the engine's calls --------------------------------------------------------------------- */

fs_status fs_observer_create(const fs_network *net, fs_record *rec, const fs_nmda_kinetics *kin,
                             const fs_nmda_mod *mod, fs_observer **out, fs_error *err) {
  fs_status st = FS_OK;
  fs_observer *obs = calloc(1, sizeof *obs);
  *out = NULL;
  if (obs == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  obs->net = net;
  obs->rec = rec;
  obs->kin = kin;
  obs->mod = mod;
  obs->pharm = net->spec->pharm;
  obs->has_slow = fs_experiment_has_late_phase(net->spec);
  obs->snap_written = -1;
  obs->prec = calloc(net->n_pops + 1, sizeof *obs->prec);
  if (obs->prec == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(create_records(obs, err));
  FS_TRY(create_trials(obs, err));
  FS_TRY(create_timeline(obs, err));
  *out = obs;
  obs = NULL;
cleanup:
  fs_observer_free(obs);
  return st;
}

void fs_observer_free(fs_observer *obs) {
  if (obs == NULL) return;
  for (size_t i = 0; obs->prec && i < obs->net->n_pops; i++) {
    free(obs->prec[i].t);
    free(obs->prec[i].ids);
    free(obs->prec[i].rates);
  }
  free(obs->prec);
  free(obs->bin_base);
  free(obs->bin_time);
  free(obs->tl_conc);
  free(obs->tl_block);
  free(obs->tl_block_rest);
  free(obs->bcoeff);
  for (int parity = 0; parity < 2; parity++) {
    free(obs->block_acc[parity]);
    free(obs->plast_acc[parity]);
    free(obs->slow_acc[parity]);
  }
  free(obs->acc_offset);
  free(obs->block_n);
  free(obs->plast_offset);
  free(obs->tl_mean);
  free(obs->mean_base);
  free(obs->slow_offset);
  free(obs->tl_bdnf);
  free(obs->tl_prp);
  free(obs->tl_spines);
  free(obs->trial_spikes);
  free(obs->trial_from);
  free(obs->trial_to);
  free(obs);
}

/* The parity of the sums for a row at step of a fast phase: a row is written one step after
 * its sums were taken, while the next row's may already be under way. */
static int row_parity(const fs_observer *obs, int64_t step) {
  return (int)((step / obs->net->spec->timeline_steps) & 1);
}

void fs_observer_start(fs_observer *obs) {
  const fs_network *net = obs->net;
  for (size_t t = 0; t < net->n_threads && net->n_pops > 0; t++)
    sum_block(obs, t, 0);
  write_timeline_row(obs, 0, net->n_pops > 0 ? 0 : -1);
  snapshot_if_due(obs, 0);
}

bool fs_observer_row_due(const fs_observer *obs, size_t ph, int64_t step) {
  const fs_experiment_spec *spec = obs->net->spec;
  const fs_phase *p = &spec->phases[ph];
  int64_t every = p->fast ? spec->timeline_steps : spec->timeline_slow_steps;
  return step % every == 0 || step == p->stop;
}

bool fs_observer_snapshot_due(const fs_observer *obs, int64_t step) {
  return snapshot_at(obs->net->spec, step) != SIZE_MAX && step != obs->snap_written;
}

int64_t fs_observer_next_event(const fs_observer *obs, int64_t now, int64_t stop) {
  const fs_experiment_spec *spec = obs->net->spec;
  int64_t every = spec->timeline_slow_steps, next = (now / every + 1) * every;
  if (next > stop) next = stop;
  for (size_t i = 0; i < spec->n_snapshots; i++)
    if (spec->snapshot_steps[i] > now && spec->snapshot_steps[i] < next)
      return spec->snapshot_steps[i];
  return next;
}

void fs_observer_step(fs_observer *obs, fs_observe_point at, size_t t, size_t ph, int64_t step) {
  const fs_experiment_spec *spec = obs->net->spec;
  switch (at) {
  case FS_OBSERVE_SPIKES:
    if (step % spec->timeline_steps == 0) write_timeline_row(obs, step, row_parity(obs, step));
    record_step(obs, ph, step);
    break;
  case FS_OBSERVE_SUMS:
    sum_block(obs, t, row_parity(obs, step));
    break;
  case FS_OBSERVE_SYNC:
    if (fs_observer_row_due(obs, ph, step)) write_timeline_row(obs, step, row_parity(obs, step));
    snapshot_if_due(obs, step);
    break;
  case FS_OBSERVE_SNAPSHOT:
    snapshot_if_due(obs, step);
    break;
  }
}

void fs_observer_resume(fs_observer *obs, int64_t step) {
  const fs_network *net = obs->net;
  if (step == 0 || step % net->spec->timeline_steps != 0 || net->n_pops == 0) return;
  for (size_t t = 0; t < net->n_threads; t++)
    sum_block(obs, t, row_parity(obs, step));
}

void fs_observer_drug_row(fs_observer *obs, int64_t step) {
  write_timeline_row(obs, step, -1);
}

fs_status fs_observer_get_status(const fs_observer *obs, fs_error *err) {
  if (obs->rec_status != FS_OK && err) *err = obs->rec_err;
  return obs->rec_status;
}

fs_status fs_observer_finish(fs_observer *obs, fs_error *err) {
  if (obs->rec == NULL || obs->net->n_pops == 0) return FS_OK;
  if (obs->trial_spikes) {
    fs_status st = write_trials(obs, err);
    if (st != FS_OK) return st;
  }
  fs_status st = fs_record_write_array(obs->rec, "/rates/time", obs->bin_time, obs->n_bins, "s",
                                       "start of each bin of the population rates (bins cover "
                                       "the fast phases only)",
                                       err);
  for (size_t i = 0; i < obs->net->n_pops && st == FS_OK; i++) {
    char path[128];
    snprintf(path, sizeof path, "/rates/%s", obs->net->pops[i].name);
    st = fs_record_write_array(obs->rec, path, obs->prec[i].rates, obs->n_bins, "Hz",
                               "population rate: spikes per neuron per second in each bin", err);
  }
  return st;
}
