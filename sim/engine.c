/* engine.c - the fast-phase time loop. One OpenMP parallel region per run; per step:
 *   1. each thread generates the input spikes and advances the neurons of its ranges;
 *   2. barrier: the step's spikes of every thread are now visible;
 *   3. thread 0 records spikes and rates and reports progress;
 *   4. each thread delivers every spike, in (population, id) order, to the synapses it owns,
 *      adding into its own neurons' ring slots.
 * Spike lists are double-buffered by step parity, so step n+1's neuron update never writes
 * a list another thread may still be reading for step n. */
#include <fearsim/engine.h>

#include "network_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#define STOP_CHECK_STEPS 64

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
  uint64_t *syn_events; /* per thread */
  double wall;
  fs_progress_fn progress;
  void *progress_user;
  double progress_interval;
  const volatile sig_atomic_t *stop_flag;
  int stop[2]; /* decisions of thread 0, by step parity */
  fs_status rec_status;
  fs_error rec_err;
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
    if (eng->rec == NULL)
      continue;
    fs_status st = fs_record_add_population(
        eng->rec, pop->name, pop->is_input ? (pop->spec->input == FS_INPUT_POISSON ? "poisson"
                                                                                  : "spike_times")
                                           : pop->model->name,
        pop->is_input ? "input" : "neuron", pop->n, pop->spec->record_spikes, &pr->handle, err);
    if (st != FS_OK)
      return st;
  }
  return FS_OK;
}

fs_status fs_engine_create(fs_network *net, fs_record *rec, fs_engine **out, fs_error *err) {
  fs_status st = FS_OK;
  fs_engine *eng = calloc(1, sizeof *eng);
  *out = NULL;
  if (eng == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  eng->net = net;
  eng->rec = rec;
  eng->n_steps = net->spec->n_steps;
  eng->progress_interval = 1.0;
  eng->prec = calloc(net->n_pops + 1, sizeof *eng->prec);
  eng->syn_events = calloc(net->n_threads, sizeof *eng->syn_events);
  if (!eng->prec || !eng->syn_events) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(create_records(eng, err));
  *out = eng;
  eng = NULL;
cleanup:
  fs_engine_free(eng);
  return st;
}

void fs_engine_free(fs_engine *eng) {
  if (eng == NULL)
    return;
  for (size_t i = 0; eng->prec && i < eng->net->n_pops; i++) {
    free(eng->prec[i].t);
    free(eng->prec[i].ids);
    free(eng->prec[i].rates);
  }
  free(eng->prec);
  free(eng->syn_events);
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
    if (pop->next_spike[i] != (uint64_t)step)
      continue;
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
    if (c->pop == pop && step >= c->start && step < c->stop)
      i += c->amplitude;
  }
  return i;
}

static void neuron_step(fs_network *net, fs_population *pop, size_t t, int64_t step,
                        uint32_t *out, size_t *n_out) {
  fs_thread_range r = pop->range[t];
  size_t slot = (size_t)(step % (int64_t)pop->ring_len);
  fs_step_ctx ctx;
  ctx.step = step;
  ctx.dt = net->dt;
  for (int c = 0; c < FS_N_CHANNELS; c++)
    ctx.in[c] = pop->ring + (slot * FS_N_CHANNELS + (size_t)c) * pop->n_pad;
  ctx.i_ext = injected_current(net, pop->index, step);
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

static size_t gather_spikes(const fs_population *pop, int parity, size_t n_threads, double t_spike,
                            pop_record *pr) {
  size_t n = 0;
  for (size_t t = 0; t < n_threads; t++) {
    const uint32_t *src = pop->spike_buf[parity] + (pop->is_input && pop->spec->input ==
                                                                         FS_INPUT_SPIKE_TIMES
                                                        ? 0
                                                        : pop->range[t].begin);
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
      eng->rec_status = fs_record_append_spikes(eng->rec, pr->handle, pr->t, pr->ids, n,
                                                &eng->rec_err);
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
  if (eng->progress == NULL || now - *last < eng->progress_interval)
    return;
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
    if (slot >= ring_len)
      slot -= ring_len;
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
    const uint32_t *src = pre->spike_buf[parity] +
                          (pre->is_input && pre->spec->input == FS_INPUT_SPIKE_TIMES
                               ? 0
                               : pre->range[u].begin);
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

static void deliver_spikes(fs_engine *eng, size_t t, int64_t step) {
  fs_network *net = eng->net;
  for (size_t k = 0; k < net->n_projs; k++)
    eng->syn_events[t] += deliver_projection(net, &net->projs[k], t, step);
}

/* --- the loop --------------------------------------------------------------------------- */

static int stop_requested(const fs_engine *eng) {
  return (eng->stop_flag && *eng->stop_flag) || eng->rec_status != FS_OK;
}

static void run_thread(fs_engine *eng, double t0) {
  fs_network *net = eng->net;
  size_t t = (size_t)omp_get_thread_num();
  double last_report = t0;
  for (int64_t step = eng->step; step < eng->n_steps; step++) {
    advance_populations(net, t, step);
#pragma omp barrier
    if (t == 0) {
      record_step(eng, step);
      eng->step = step + 1;
      report_progress(eng, &last_report, t0);
      if ((step + 1) % STOP_CHECK_STEPS == 0) {
#pragma omp atomic write
        eng->stop[(step / STOP_CHECK_STEPS) & 1] = stop_requested(eng);
      }
    }
    deliver_spikes(eng, t, step);
    /* every STOP_CHECK_STEPS steps, all threads read thread 0's decision of the previous
     * check; the barrier of that step orders the write before this read */
    if ((step + 1) % STOP_CHECK_STEPS == 0 && step >= STOP_CHECK_STEPS) {
      int stop;
#pragma omp atomic read
      stop = eng->stop[((step / STOP_CHECK_STEPS) - 1) & 1];
      if (stop)
        break;
    }
  }
}

fs_status fs_engine_run(fs_engine *eng, fs_error *err) {
  double t0 = omp_get_wtime();
  eng->stop[0] = eng->stop[1] = 0;
#pragma omp parallel num_threads((int)eng->net->n_threads) default(none) shared(eng, t0)
  run_thread(eng, t0);
  eng->wall += omp_get_wtime() - t0;
  if (eng->rec_status != FS_OK) {
    if (err)
      *err = eng->rec_err;
    return eng->rec_status;
  }
  if (eng->step < eng->n_steps)
    return fs_error_set(err, FS_ERR_INTERRUPTED, "interrupted at t = %g s of %g s",
                        (double)eng->step * eng->net->dt,
                        (double)eng->n_steps * eng->net->dt);
  return FS_OK;
}

fs_status fs_engine_finish(fs_engine *eng, fs_error *err) {
  const fs_experiment_spec *spec = eng->net->spec;
  if (eng->rec == NULL)
    return FS_OK;
  double *time = malloc((eng->n_bins + 1) * sizeof *time);
  if (time == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
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
