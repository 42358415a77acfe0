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
 * target neuron and added in neuron order, so they do not depend on the thread count. */
#include <fearsim/engine.h>
#include <fearsim/pk.h>
#include <fearsim/synapse.h>

#include "network_impl.h"
#include "synapse_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#define STOP_CHECK_STEPS 64
/* The drugs' concentrations change over minutes; every 1 ms of simulated time is plenty. */
#define PHARM_REFRESH_STEPS 10
#define POST_PREFETCH 8

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
  double wall;
  fs_progress_fn progress;
  void *progress_user;
  double progress_interval;
  const volatile sig_atomic_t *stop_flag;
  int stop[2]; /* decisions of thread 0, by step parity */
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
  size_t *plast_offset;       /* [projection]: its first entry (rho sums; weight sums follow) */
  size_t *tl_rho, *tl_weight; /* record handles per projection */
  int64_t tl_written;         /* step of the last row written, -1 before the first */
};

/* --- lifecycle -------------------------------------------------------------------------- */

static fs_status create_records(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  const fs_experiment_spec *spec = net->spec;
  eng->n_bins = (size_t)((spec->n_steps + spec->rate_bin_steps - 1) / spec->rate_bin_steps);
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
  for (size_t k = 0; k < eng->net->n_projs; k++)
    if (eng->net->projs[k].plastic) return true;
  return false;
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
  eng->plast_offset = calloc(net->n_projs + 1, sizeof *eng->plast_offset);
  for (size_t k = 0; eng->plast_offset && k < net->n_projs; k++) {
    eng->plast_offset[k] = n_plast;
    n_plast += net->projs[k].plastic ? 2 * net->projs[k].post->n_pad : 0;
  }
  eng->plast_acc[0] = calloc(n_plast, sizeof(double));
  eng->plast_acc[1] = calloc(n_plast, sizeof(double));
  eng->tl_rho = calloc(net->n_projs + 1, sizeof *eng->tl_rho);
  eng->tl_weight = calloc(net->n_projs + 1, sizeof *eng->tl_weight);
  eng->tl_written = -1;
  if (!eng->tl_conc || !eng->tl_block || !eng->acc_offset || !eng->block_acc[0] ||
      !eng->block_acc[1] || !eng->block_n || !eng->plast_offset || !eng->plast_acc[0] ||
      !eng->plast_acc[1] || !eng->tl_rho || !eng->tl_weight)
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
  for (size_t k = 0; k < net->n_projs && st == FS_OK; k++) {
    if (!net->projs[k].plastic) continue;
    char path[160];
    snprintf(path, sizeof path, "/timeline/rho_%s", net->projs[k].name);
    st = fs_record_series_create(eng->rec, path, "1",
                                 "mean early-phase efficacy of the projection's synapses, each "
                                 "as of its last update",
                                 &eng->tl_rho[k], err);
    snprintf(path, sizeof path, "/timeline/weight_%s", net->projs[k].name);
    if (st == FS_OK)
      st = fs_record_series_create(eng->rec, path, "S",
                                   "mean weight of the projection's synapses, each as of its "
                                   "last update",
                                   &eng->tl_weight[k], err);
  }
  return st;
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

fs_status fs_engine_create(fs_network *net, fs_record *rec, fs_engine **out, fs_error *err) {
  fs_status st = FS_OK;
  fs_engine *eng = calloc(1, sizeof *eng);
  *out = NULL;
  if (eng == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  eng->net = net;
  eng->rec = rec;
  eng->n_steps = net->spec->n_steps;
  eng->progress_interval = 1.0;
  eng->prec = calloc(net->n_pops + 1, sizeof *eng->prec);
  eng->syn_events = calloc(net->n_threads, sizeof *eng->syn_events);
  eng->plastic_dropped = calloc(net->n_threads, sizeof *eng->plastic_dropped);
  if (!eng->prec || !eng->syn_events || !eng->plastic_dropped) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(create_records(eng, err));
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
  free(eng->tl_rho);
  free(eng->tl_weight);
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

fs_status fs_engine_get_stats(const fs_engine *eng, fs_engine_stats *out) {
  out->steps = eng->step;
  out->t = (double)eng->step * eng->net->dt;
  out->spikes = eng->spikes;
  out->syn_events = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++)
    out->syn_events += eng->syn_events[t];
  out->wall = eng->wall;
  out->plastic_dropped = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++)
    out->plastic_dropped += eng->plastic_dropped[t];
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
    if (!pop->is_input)
      neuron_step(net, pop, t, step, out, n);
    else if (pop->spec->input == FS_INPUT_POISSON)
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
  int parity = (int)(step & 1);
  for (size_t i = 0; i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    pop_record *pr = &eng->prec[i];
    double t_spike = (double)(pop->is_input ? step : step + 1) * net->dt;
    size_t n = gather_spikes(pop, parity, net->n_threads, t_spike, pr);
    eng->spikes += n;
    pr->count += n;
    if (n && eng->rec && pop->spec->record_spikes && eng->rec_status == FS_OK)
      eng->rec_status =
          fs_record_append_spikes(eng->rec, pr->handle, pr->t, pr->ids, n, &eng->rec_err);
    if ((step + 1) % spec->rate_bin_steps == 0 || step + 1 == spec->n_steps) {
      int64_t bin = step / spec->rate_bin_steps;
      int64_t len = step + 1 - bin * spec->rate_bin_steps;
      pr->rates[bin] = (double)pr->count / ((double)pop->n * (double)len * net->dt);
      pr->count = 0;
    }
  }
}

static void report_progress(fs_engine *eng, double *last, double t0) {
  double now = omp_get_wtime();
  if (eng->progress == NULL || now - *last < eng->progress_interval) return;
  *last = now;
  fs_engine_stats s;
  eng->wall = now - t0;
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
  bool drugs;                    /* update the block (it stays 0 without drugs) */
  double nmda_scale;             /* NMDA conductance per unit weight: nmda_ratio, or 1 for nmda */
  bool ampa;                     /* the synapse also has AMPA receptors (ampa_nmda) */
  const fs_plastic_env *plastic; /* NULL: static weight */
} agent_env;

/* The drug-blocked fraction this arrival sees (0 without drugs). */
static double agent_block(fs_proj_part *part, uint64_t s, int64_t arrive, uint32_t j,
                          const agent_env *e) {
  if (!e->drugs) return 0.0;
  fs_nmda_agent a = {part->block[s], part->x_rise[s], part->x_decay[s], part->conc[s],
                     part->t_last[s]};
  double b = fs_nmda_agent_arrive(&a, e->kin, e->bc, arrive, e->dt, e->mod->blocker_conc,
                                  e->v_post[j], e->mod->allosteric);
  part->block[s] = a.block;
  part->x_rise[s] = a.x_rise;
  part->x_decay[s] = a.x_decay;
  part->conc[s] = a.conc;
  part->t_last[s] = a.t_last;
  return b;
}

/* Synapse agents of one presynaptic spike emitted at step emit: each updates its block and,
 * if plastic, its calcium and efficacy, then transmits its weight w(rho) to AMPA and
 * w(rho) * nmda_scale * (1 - b) * antagonist * gain to NMDA. */
static uint64_t deliver_row_agents(fs_proj_part *part, uint32_t src, fs_population *post,
                                   int64_t emit, const agent_env *e) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  double factor = e->mod->antagonist * e->mod->gain;
  for (uint64_t s = s0; s < s1; s++) {
    int64_t arrive = emit + part->delay[s];
    uint32_t j = part->target[s];
    double b = agent_block(part, s, arrive, j, e), w = part->weight[s];
    if (e->plastic) {
      fs_plastic_pre(part, s, emit, arrive + e->plastic->delay_pre, e->plastic);
      w *= 1.0 + (e->plastic->gb->b - 1.0) * part->plast[s].rho;
    }
    double *slot =
        post->ring + (size_t)(arrive % (int64_t)post->ring_len) * FS_N_CHANNELS * post->n_pad;
    if (e->ampa) slot[FS_CH_AMPA * post->n_pad + j] += w;
    slot[FS_CH_NMDA * post->n_pad + j] += w * e->nmda_scale * (1.0 - b) * factor;
  }
  return s1 - s0;
}

static fs_plastic_env plastic_env(fs_engine *eng, const fs_projection *proj, size_t k, size_t t) {
  const fs_gb_params *gb = &proj->spec->plastic.gb;
  const fs_nmda_mod *m = &eng->mod[t * eng->net->n_pops + proj->post->index];
  fs_plastic_env pe = {gb,
                       eng->net->dt,
                       eng->net->spec->seed,
                       (uint32_t)k,
                       proj->pre->n,
                       m->antagonist * m->gain,
                       llround(gb->delay_pre / eng->net->dt),
                       &eng->plastic_dropped[t]};
  return pe;
}

static uint64_t deliver_agent_projection(fs_engine *eng, size_t k, size_t t, int64_t step) {
  const fs_network *net = eng->net;
  const fs_projection *proj = &net->projs[k];
  const fs_population *pre = proj->pre;
  fs_population *post = proj->post;
  int parity = (int)(step & 1);
  fs_plastic_env pe = plastic_env(eng, proj, k, t);
  agent_env e = {&eng->kin[k],
                 &eng->bcoeff[post->index],
                 &eng->mod[t * net->n_pops + post->index],
                 post->state[0],
                 net->dt,
                 eng->pharm != NULL,
                 proj->spec->nmda_ratio > 0 ? proj->spec->nmda_ratio : 1.0,
                 proj->spec->nmda_ratio > 0,
                 proj->plastic ? &pe : NULL};
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
 * spiking neurons of this thread. */
static void push_post_spikes(fs_engine *eng, size_t k, size_t t, int64_t step) {
  const fs_projection *proj = &eng->net->projs[k];
  const fs_population *post = proj->post;
  fs_proj_part *part = &proj->part[t];
  fs_thread_range r = post->range[t];
  int parity = (int)(step & 1);
  const uint32_t *spk = post->spike_buf[parity] + r.begin;
  fs_plastic_env pe = plastic_env(eng, proj, k, t);
  for (size_t n = 0; n < post->n_spikes[parity][t]; n++) {
    size_t j = spk[n] - r.begin;
    uint64_t q0 = part->bkw_start[j], q1 = part->bkw_start[j + 1];
    /* the synapses of one neuron lie scattered over the rows of their presynaptic neurons:
     * fetch a few ahead so that their cache misses overlap */
    for (uint64_t q = q0; q < q1 && q < q0 + POST_PREFETCH; q++)
      __builtin_prefetch(&part->plast[part->bkw[q]]);
    for (uint64_t q = q0; q < q1; q++) {
      if (q + POST_PREFETCH < q1) __builtin_prefetch(&part->plast[part->bkw[q + POST_PREFETCH]]);
      fs_plastic_post(part, part->bkw[q], step + 1, &pe);
    }
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
  return proj->nmda_agents && (eng->pharm || proj->plastic || proj->spec->nmda_ratio > 0);
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

static void refresh_drugs(fs_engine *eng, size_t t, int64_t step) {
  if (eng->pharm == NULL || step % PHARM_REFRESH_STEPS != 0) return;
  const fs_network *net = eng->net;
  for (size_t p = 0; p < net->n_pops; p++)
    fs_pharm_get_nmda_mod(eng->pharm, p, (double)step * net->dt, &eng->mod[t * net->n_pops + p]);
}

/* Thread t's sums of rho and of the weight over the plastic synapses of projection k, per
 * target neuron. */
static void sum_plastic(fs_engine *eng, size_t k, size_t t, int parity) {
  const fs_projection *proj = &eng->net->projs[k];
  const fs_proj_part *part = &proj->part[t];
  fs_thread_range r = proj->post->range[t];
  double *rho = eng->plast_acc[parity] + eng->plast_offset[k];
  double *w = rho + proj->post->n_pad;
  double up = proj->spec->plastic.gb.b - 1.0;
  for (size_t j = r.begin; j < r.end; j++)
    rho[j] = w[j] = 0.0;
  for (uint64_t s = 0; s < part->n_syn; s++) {
    rho[part->target[s]] += part->plast[s].rho;
    w[part->target[s]] += part->weight[s] * (1.0 + up * part->plast[s].rho);
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

/* One row of the timeline at step: drug concentrations and, from the sums of the given
 * parity (-1: none), the mean block per population. */
/* The mean over the plastic synapses of projection k of rho (field 0) or the weight (1). */
static double mean_plastic(const fs_engine *eng, size_t k, int field, int parity) {
  const fs_projection *proj = &eng->net->projs[k];
  const double *acc = eng->plast_acc[parity] + eng->plast_offset[k] + field * proj->post->n_pad;
  double sum = 0.0;
  for (size_t j = 0; j < proj->post->n; j++)
    sum += acc[j];
  return proj->n_syn ? sum / (double)proj->n_syn : 0.0;
}

static fs_status append_plastic_means(fs_engine *eng, int parity) {
  fs_status st = FS_OK;
  for (size_t k = 0; k < eng->net->n_projs && st == FS_OK; k++) {
    const fs_projection *proj = &eng->net->projs[k];
    if (!proj->plastic) continue;
    double rho = 0, w = 0;
    if (parity >= 0) {
      rho = mean_plastic(eng, k, 0, parity);
      w = mean_plastic(eng, k, 1, parity);
    } else { /* the first row: the initial state, read directly */
      for (size_t t = 0; t < eng->net->n_threads; t++)
        for (uint64_t s = 0; s < proj->part[t].n_syn; s++) {
          rho += proj->part[t].plast[s].rho;
          w += proj->part[t].weight[s] *
               (1.0 + (proj->spec->plastic.gb.b - 1.0) * proj->part[t].plast[s].rho);
        }
      rho = proj->n_syn ? rho / (double)proj->n_syn : 0.0;
      w = proj->n_syn ? w / (double)proj->n_syn : 0.0;
    }
    if ((st = append_value(eng, eng->tl_rho[k], rho)) == FS_OK)
      st = append_value(eng, eng->tl_weight[k], w);
  }
  return st;
}

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
  if (st == FS_OK) st = append_plastic_means(eng, parity);
  eng->rec_status = st;
  eng->tl_written = step;
}

/* --- the loop --------------------------------------------------------------------------- */

static int stop_requested(const fs_engine *eng) {
  return (eng->stop_flag && *eng->stop_flag) || eng->rec_status != FS_OK;
}

/* --- snapshots: the full synaptic state at chosen times ------------------------------------ */

typedef struct snapshot_arrays {
  uint64_t *pre, *post;
  double *weight, *rho, *calcium, *block;
} snapshot_arrays;

/* Synapse s of a part, as it is at step now: a plastic one brought there without changing it. */
static void snapshot_one(fs_engine *eng, const fs_projection *proj, size_t k,
                         const fs_proj_part *part, uint64_t s, int64_t now, size_t at,
                         const snapshot_arrays *a) {
  a->post[at] = part->target[s];
  a->weight[at] = part->weight[s];
  a->block[at] = part->block ? part->block[s] : 0.0;
  a->rho[at] = a->calcium[at] = 0.0;
  if (proj->plastic) {
    fs_plastic_env pe = plastic_env(eng, proj, k, 0);
    fs_gb_state st = fs_plastic_peek(part, s, now, &pe);
    a->rho[at] = st.rho;
    a->calcium[at] = st.c;
    a->weight[at] *= 1.0 + (proj->spec->plastic.gb.b - 1.0) * st.rho;
  }
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

static fs_status write_projection_snapshot(fs_engine *eng, size_t index, size_t k, int64_t now) {
  const fs_projection *proj = &eng->net->projs[k];
  size_t n = proj->n_syn;
  snapshot_arrays a = {malloc((n + 1) * 8), malloc((n + 1) * 8), malloc((n + 1) * 8),
                       malloc((n + 1) * 8), malloc((n + 1) * 8), malloc((n + 1) * 8)};
  fs_status st = a.pre && a.post && a.weight && a.rho && a.calcium && a.block
                     ? fill_snapshot(eng, k, now, &a)
                     : fs_error_set(&eng->rec_err, FS_ERR_NOMEM, "out of memory for a snapshot");
  const char *names[] = {"weight", "rho", "calcium", "block"};
  const double *values[] = {a.weight, a.rho, a.calcium, a.block};
  char path[256];
  snprintf(path, sizeof path, "/snapshots/%zu/%s/pre", index, proj->name);
  if (st == FS_OK)
    st = fs_record_write_array_u64(eng->rec, path, a.pre, n, NULL, NULL, &eng->rec_err);
  snprintf(path, sizeof path, "/snapshots/%zu/%s/post", index, proj->name);
  if (st == FS_OK)
    st = fs_record_write_array_u64(eng->rec, path, a.post, n, NULL, NULL, &eng->rec_err);
  /* rho and calcium only for plastic synapses, block only for synapses with NMDA receptors */
  const bool present[] = {true, proj->plastic, proj->plastic, proj->nmda_agents};
  for (int f = 0; f < 4 && st == FS_OK; f++) {
    if (!present[f]) continue;
    snprintf(path, sizeof path, "/snapshots/%zu/%s/%s", index, proj->name, names[f]);
    st = fs_record_write_array(eng->rec, path, values[f], n, NULL, NULL, &eng->rec_err);
  }
  if (st == FS_OK && proj->plastic) {
    /* what a reader needs to tell UP from DOWN and the weight of each state */
    snprintf(path, sizeof path, "/snapshots/%zu/%s", index, proj->name);
    st = fs_record_set_attr_double(eng->rec, path, "b", proj->spec->plastic.gb.b, NULL,
                                   &eng->rec_err);
    if (st == FS_OK)
      st = fs_record_set_attr_double(eng->rec, path, "rho_star", proj->spec->plastic.gb.rho_star,
                                     NULL, &eng->rec_err);
  }
  free(a.pre);
  free(a.post);
  free(a.weight);
  free(a.rho);
  free(a.calcium);
  free(a.block);
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

static void run_thread(fs_engine *eng, double t0) {
  fs_network *net = eng->net;
  size_t t = (size_t)omp_get_thread_num();
  double last_report = t0;
  int64_t k_tl = net->spec->timeline_steps;
  size_t snap = next_snapshot(net->spec, eng->step);
  for (int64_t step = eng->step; step < eng->n_steps; step++) {
    refresh_drugs(eng, t, step);
    advance_populations(net, t, step);
#pragma omp barrier
    if (t == 0) {
      if (step % k_tl == 0 && step > 0) write_timeline_row(eng, step, (int)((step / k_tl) & 1));
      record_step(eng, step);
      eng->step = step + 1;
      report_progress(eng, &last_report, t0);
      if ((step + 1) % STOP_CHECK_STEPS == 0) {
#pragma omp atomic write
        eng->stop[(step / STOP_CHECK_STEPS) & 1] = stop_requested(eng);
      }
    }
    deliver_spikes(eng, t, step);
    if ((step + 1) % k_tl == 0) sum_block(eng, t, (int)(((step + 1) / k_tl) & 1));
    if (snap < net->spec->n_snapshots && net->spec->snapshot_steps[snap] == step + 1) {
#pragma omp barrier
      if (t == 0) write_snapshot(eng, snap, step + 1);
#pragma omp barrier
      snap++;
    }
    /* every STOP_CHECK_STEPS steps, all threads read thread 0's decision of the previous
     * check; the barrier of that step orders the write before this read */
    if ((step + 1) % STOP_CHECK_STEPS == 0 && step >= STOP_CHECK_STEPS) {
      int stop;
#pragma omp atomic read
      stop = eng->stop[((step / STOP_CHECK_STEPS) - 1) & 1];
      if (stop) break;
    }
  }
}

/* Without a network only the timeline advances. */
static void run_timeline_only(fs_engine *eng) {
  int64_t k_tl = eng->net->spec->timeline_steps;
  for (int64_t step = eng->step;;) {
    write_timeline_row(eng, step, -1);
    eng->step = step;
    if (step == eng->n_steps || stop_requested(eng)) return;
    step = step + k_tl < eng->n_steps ? step + k_tl : eng->n_steps;
  }
}

fs_status fs_engine_run(fs_engine *eng, fs_error *err) {
  double t0 = omp_get_wtime();
  int64_t k_tl = eng->net->spec->timeline_steps;
  eng->stop[0] = eng->stop[1] = 0;
  if (eng->step == 0) {
    write_timeline_row(eng, 0, -1);
    if (eng->net->spec->n_snapshots > 0 && eng->net->spec->snapshot_steps[0] == 0)
      write_snapshot(eng, 0, 0);
  }
  if (eng->net->n_pops == 0) {
    run_timeline_only(eng);
  } else {
#pragma omp parallel num_threads((int)eng->net->n_threads) default(none) shared(eng, t0)
    run_thread(eng, t0);
    /* the row of the last step, whose sums no later step consumed */
    if (eng->step % k_tl == 0) write_timeline_row(eng, eng->step, (int)((eng->step / k_tl) & 1));
  }
  eng->wall += omp_get_wtime() - t0;
  if (eng->rec_status != FS_OK) {
    if (err) *err = eng->rec_err;
    return eng->rec_status;
  }
  if (eng->step < eng->n_steps)
    return fs_error_set(err, FS_ERR_INTERRUPTED, "interrupted at t = %g s of %g s",
                        (double)eng->step * eng->net->dt, (double)eng->n_steps * eng->net->dt);
  return FS_OK;
}

fs_status fs_engine_finish(fs_engine *eng, fs_error *err) {
  const fs_experiment_spec *spec = eng->net->spec;
  if (eng->rec == NULL || eng->net->n_pops == 0) return FS_OK;
  double *time = malloc((eng->n_bins + 1) * sizeof *time);
  if (time == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t b = 0; b < eng->n_bins; b++)
    time[b] = (double)b * spec->rate_bin;
  fs_status st = fs_record_write_array(eng->rec, "/rates/time", time, eng->n_bins, "s",
                                       "start of each bin of the population rates", err);
  for (size_t i = 0; i < eng->net->n_pops && st == FS_OK; i++) {
    char path[128];
    snprintf(path, sizeof path, "/rates/%s", eng->net->pops[i].name);
    st = fs_record_write_array(eng->rec, path, eng->prec[i].rates, eng->n_bins, "Hz",
                               "population rate: spikes per neuron per second in each bin", err);
  }
  free(time);
  return st;
}
