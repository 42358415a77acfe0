/* network.c - builds populations, inputs and projections from a validated experiment.
 * Every random choice is drawn from a stream keyed by the agent it belongs to (a neuron's
 * initial state, a target neuron's incoming synapses, an input unit's train), so the
 * network is the same for any thread count; each thread builds the synapses of the
 * neurons it owns (first touch puts them in its memory). */
#include <fearsim/hash.h>
#include <fearsim/record_checkpoint.h>

#include "network_impl.h"
#include "synrule_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#define BYTES_PER_SYNAPSE (sizeof(uint32_t) + sizeof(double) + sizeof(uint16_t))
#define BYTES_PER_NMDA_AGENT (4 * sizeof(double) + sizeof(int64_t))

/* --- memory ----------------------------------------------------------------------------- */

static double expected_synapses(const fs_experiment_spec *spec, const fs_projection_spec *p) {
  double n_pre = (double)spec->pops[p->pre].size, n_post = (double)spec->pops[p->post].size;
  switch (p->rule) {
  case FS_CONNECT_ALL_TO_ALL:
    return n_pre * n_post;
  case FS_CONNECT_ONE_TO_ONE:
    return n_post;
  case FS_CONNECT_FIXED_PROBABILITY:
    return p->p * n_pre * n_post;
  case FS_CONNECT_FIXED_INDEGREE:
    return (double)p->indegree * n_post;
  }
  return 0;
}

static double available_memory(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  double kib = -1;
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) break;
  if (f) fclose(f);
  if (kib > 0) return kib * 1024.0;
  return (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
}

/* What the run holds for its whole length: a rate per population and rate bin of the fast
 * phases (plus the bin times and the copy written at the end), and the input spike trains
 * read in advance (a step and a unit per spike). */
static double growing_bytes(const fs_experiment_spec *spec) {
  double bins = 0, spikes = 0;
  for (size_t ph = 0; ph < spec->n_phases && spec->n_pops > 0 && spec->rate_bin_steps > 0; ph++)
    if (spec->phases[ph].fast)
      bins += ceil((double)(spec->phases[ph].stop - spec->phases[ph].start) /
                   (double)spec->rate_bin_steps);
  for (size_t i = 0; i < spec->n_pops; i++)
    spikes += (double)spec->pops[i].n_train;
  return bins * 8.0 * ((double)spec->n_pops + 2) +
         spikes * (sizeof *spec->pops->train_step + sizeof *spec->pops->train_unit);
}

void fs_network_estimate(const fs_experiment_spec *spec, size_t n_threads,
                         fs_memory_estimate *out) {
  double syn = 0, bytes = 0, build = 0, max_delay = 1;
  for (size_t k = 0; k < spec->n_projs; k++) {
    const fs_projection_spec *p = &spec->projs[k];
    double e = expected_synapses(spec, p) * (1.0 + p->plastic.reserve);
    syn += e;
    /* CSR rows per thread */
    bytes += e * (BYTES_PER_SYNAPSE + (fs_projection_has_nmda(p) ? BYTES_PER_NMDA_AGENT : 0) +
                  /* the synapse's record and its entry in the post -> synapse index */
                  (p->plastic.enabled ? p->plastic.rule->record_size + sizeof(uint64_t) : 0)) +
             (double)n_threads * 8.0 * ((double)spec->pops[p->pre].size + 1);
    /* the build's temporary copy of every synapse, freed before the run */
    build += e * (BYTES_PER_SYNAPSE + sizeof(uint32_t));
    max_delay = fmax(max_delay, fs_dist_high(&p->delay) / spec->dt + 1);
  }
  for (size_t i = 0; i < spec->n_pops; i++) {
    const fs_population_spec *p = &spec->pops[i];
    double n = (double)p->size;
    if (p->input == FS_INPUT_NONE)
      bytes += n * (8.0 * FS_MAX_STATE + 4 + 8 + 8.0 * FS_N_CHANNELS * (max_delay + 1));
    else
      bytes += n * (8.0 + sizeof(fs_rng) + 8);
  }
  out->synapses = syn;
  out->growing = growing_bytes(spec);
  out->held = bytes;
  out->build = build;
  out->bytes = bytes + build + out->growing;
  out->available = available_memory();
}

static void format_bytes(double b, char *buf, size_t len) {
  static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024.0 && u < 6) {
    b /= 1024.0;
    u++;
  }
  snprintf(buf, len, "%.1f %s", b, unit[u]);
}

fs_status fs_network_check_memory(const fs_experiment_spec *spec, size_t n_threads, fs_error *err) {
  fs_memory_estimate e;
  fs_network_estimate(spec, n_threads, &e);
  if (e.bytes <= 0.9 * e.available) return FS_OK;
  char need[32], have[32], growing[32];
  format_bytes(e.bytes, need, sizeof need);
  format_bytes(e.available, have, sizeof have);
  format_bytes(e.growing, growing, sizeof growing);
  if (e.growing > 0.5 * e.bytes)
    return fs_error_set(err, FS_ERR_INPUT,
                        "%s: the network needs about %s (%.3g synapses), of which %s grows with "
                        "the duration (rate bins and input spike trains), more than the %s this "
                        "machine has available; shorten the run or lengthen record.rate_bin",
                        spec->file, need, e.synapses, growing, have);
  return fs_error_set(err, FS_ERR_INPUT,
                      "%s: the network needs about %s (%.3g synapses), more than the %s this "
                      "machine has available; shrink the populations or the connectivity",
                      spec->file, need, e.synapses, have);
}

/* --- populations ------------------------------------------------------------------------ */

static void *alloc_aligned(size_t n_bytes) {
  size_t rounded = (n_bytes + FS_ALIGN - 1) / FS_ALIGN * FS_ALIGN;
  void *p = aligned_alloc(FS_ALIGN, rounded ? rounded : FS_ALIGN);
  if (p) memset(p, 0, rounded ? rounded : FS_ALIGN);
  return p;
}

/* Thread t's range: blocks t/n to (t + 1)/n of the population. Where they do not divide evenly,
 * the populations give their extra blocks to the threads in turn (shift), so that no thread gets
 * them all. Inputs are split so: a thread's share costs in proportion to its size. */
static void split_ranges(fs_population *pop, size_t n_threads) {
  size_t blocks = (pop->n + FS_NEURON_BLOCK - 1) / FS_NEURON_BLOCK, shift = pop->index % n_threads;
  for (size_t t = 0; t < n_threads; t++) {
    size_t b0 = (blocks * t + shift) / n_threads, b1 = (blocks * (t + 1) + shift) / n_threads;
    pop->range[t].begin = b0 * FS_NEURON_BLOCK < pop->n ? b0 * FS_NEURON_BLOCK : pop->n;
    pop->range[t].end = b1 * FS_NEURON_BLOCK < pop->n ? b1 * FS_NEURON_BLOCK : pop->n;
  }
}

/* What a neuron of pop costs a thread per step, relative to one without NMDA receptors: the
 * Mg2+ block's exponential and the NMDA traces about double it (per neuron update at full scale,
 * one thread: AdEx or LIF with NMDA input 4.5-5.5, LIF without 1.7-2.4, in cycles x 10^-9 per
 * neuron over one conditioning trial). */
static double neuron_weight(const fs_population *pop) {
  return pop->has_nmda ? 2.0 : 1.0;
}

/* What the whole population costs a thread, in those units. */
static double pop_weight(const fs_population *pop) {
  return neuron_weight(pop) * (double)pop->n;
}

/* Thread ranges [begin, end) in thread order, about chunk[t] neurons each: every range but an
 * empty one begins at a whole block. */
static void lay_out(fs_population *pop, const double *chunk, size_t n_threads) {
  double sum = 0.0;
  size_t at = 0;
  for (size_t t = 0; t < n_threads; t++) {
    sum += chunk[t];
    size_t end = (size_t)llround(sum / FS_NEURON_BLOCK) * FS_NEURON_BLOCK;
    end = t + 1 == n_threads || end > pop->n || sum > (double)pop->n - 0.5 ? pop->n : end;
    pop->range[t].begin = at;
    pop->range[t].end = end > at ? end : at;
    at = pop->range[t].end;
  }
}

static size_t least_loaded(const double *load, size_t n_threads) {
  size_t best = 0;
  for (size_t t = 1; t < n_threads; t++)
    if (load[t] < load[best]) best = t;
  return best;
}

/* The heaviest neuron population not yet placed (placed[i] false), or n_pops. */
static size_t heaviest_left(const fs_network *net, const bool *placed) {
  size_t best = net->n_pops;
  double w_best = -1.0;
  for (size_t i = 0; i < net->n_pops; i++) {
    const fs_population *pop = &net->pops[i];
    double w = pop_weight(pop);
    if (!pop->is_input && !placed[i] && w > w_best) best = i, w_best = w;
  }
  return best;
}

/* Gives pop's weight w to the threads so that the most loaded is as light as it can be: each
 * takes up to a common level h, sum of max(0, h - load) = w. chunk: n_threads scratch. */
static void water_fill(fs_population *pop, double *load, double *chunk, size_t n_threads) {
  double w = pop_weight(pop), lo = 0.0, hi = 0.0;
  for (size_t t = 0; t < n_threads; t++)
    hi = load[t] + w > hi ? load[t] + w : hi;
  for (int k = 0; k < 100; k++) {
    double h = 0.5 * (lo + hi), got = 0.0;
    for (size_t t = 0; t < n_threads; t++)
      got += h > load[t] ? h - load[t] : 0.0;
    *(got < w ? &lo : &hi) = h;
  }
  for (size_t t = 0; t < n_threads; t++) {
    chunk[t] = hi > load[t] ? (hi - load[t]) / neuron_weight(pop) : 0.0;
    load[t] += chunk[t] * neuron_weight(pop);
  }
  lay_out(pop, chunk, n_threads);
}

/* pop whole to the least loaded thread. */
static void place_whole(fs_population *pop, double *load, double *chunk, size_t n_threads) {
  size_t t = least_loaded(load, n_threads);
  for (size_t u = 0; u < n_threads; u++)
    chunk[u] = u == t ? (double)pop->n : 0.0;
  load[t] += pop_weight(pop);
  lay_out(pop, chunk, n_threads);
}

/* The threads' shares of the neuron populations. A population split between two threads cost
 * each of them more per neuron than it costs one thread alone when their ranges were
 * neighbours in every array (up to twice as much for 100 neurons, a third more for 800,
 * measured on one full-scale conditioning trial; in COBA's E 40-75 %); split populations now
 * keep a gap between the shares (fs_share), which removes most of it, but a whole population
 * needs no view and no gap. So populations go whole to the least loaded thread, heaviest
 * first; only those heavier than a thread's fair share are split, last, to even the loads. The
 * results do not depend on the shares. */
static fs_status assign_neuron_ranges(fs_network *net, fs_error *err) {
  size_t n_threads = net->n_threads, n_pops = net->n_pops;
  double *load = calloc(2 * n_threads, sizeof *load), *chunk = load + n_threads, total = 0.0;
  bool *placed = calloc(n_pops + 1, sizeof *placed);
  if (!load || !placed) {
    free(load);
    free(placed);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < n_pops; i++) {
    placed[i] = net->pops[i].is_input;
    if (!placed[i]) total += pop_weight(&net->pops[i]);
  }
  double fair = total / (double)n_threads;
  for (size_t i; (i = heaviest_left(net, placed)) < n_pops;) {
    fs_population *pop = &net->pops[i];
    placed[i] = true;
    if (pop_weight(pop) <= fair) place_whole(pop, load, chunk, n_threads);
  }
  for (size_t i = 0; i < n_pops; i++) {
    fs_population *pop = &net->pops[i];
    if (!pop->is_input && pop_weight(pop) > fair) water_fill(pop, load, chunk, n_threads);
  }
  free(load);
  free(placed);
  return FS_OK;
}

static double draw(const fs_dist *d, fs_rng *r) {
  switch (d->kind) {
  case FS_DIST_UNIFORM:
    return d->a + (d->b - d->a) * fs_rng_uniform(r);
  case FS_DIST_NORMAL:
    return d->a + d->b * fs_rng_normal(r);
  case FS_DIST_CONST:
    break;
  }
  return d->a;
}

/* Neuron i's initial state (values drawn from its own stream), or a padding lane's (i >= n: at
 * rest; fs_step_ctx.pad_end), into the share's view of the state arrays. */
static void init_neuron(fs_population *pop, double *const *view, size_t i, const double *rest,
                        uint64_t seed) {
  const fs_population_spec *s = pop->spec;
  for (size_t k = 0; k < pop->model->n_state; k++)
    view[k][i] = rest[k];
  if (i >= pop->n) return;
  fs_rng r = fs_rng_make(seed, fs_rng_stream_id(FS_RNG_INIT, (uint32_t)pop->index, i), 0);
  for (size_t k = 0; k < s->n_init; k++)
    view[s->init_var[k]][i] = draw(&s->init[k], &r);
}

/* Where each thread's share lies in the per-neuron arrays (fs_share), from the ranges: as rows
 * of n_pad values for a population one thread holds, as gapped blocks for a split one. Returns
 * the values of the gaps, which each array holds beside its rows of n_pad values. */
static size_t lay_out_shares(fs_population *pop, size_t n_threads) {
  size_t held = 0;
  for (size_t t = 0; t < n_threads; t++)
    held += pop->range[t].begin < pop->range[t].end;
  pop->split = held > 1;
  size_t gap = 0;
  for (size_t t = 0; t < n_threads; t++) {
    fs_share *s = &pop->share[t];
    bool mine = pop->range[t].begin < pop->range[t].end;
    if (!pop->split) {
      *s = (fs_share){.begin = 0, .stride = pop->n_pad, .gap = 0};
      continue;
    }
    s->begin = mine ? pop->range[t].begin : 0;
    s->stride = mine ? fs_range_loop_end(pop, pop->range[t]) - s->begin : 0;
    s->gap = mine ? gap : 0;
    gap += mine ? FS_SHARE_GAP : 0;
  }
  return gap;
}

/* The per-neuron arrays, laid out by the threads' shares, and the initial state. */
static fs_status create_neuron_arrays(fs_population *pop, const fs_network *net, fs_error *err) {
  const fs_neuron_model *m = pop->model;
  size_t n_threads = net->n_threads;
  pop->share = calloc(n_threads, sizeof *pop->share);
  if (pop->share == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  size_t gaps = lay_out_shares(pop, n_threads), one = pop->n_pad + gaps;
  pop->refractory = alloc_aligned(one * sizeof(int32_t));
  pop->fired = alloc_aligned(one * sizeof(int32_t));
  pop->scratch = alloc_aligned((FS_SCRATCH_ROWS * pop->n_pad + gaps) * sizeof(double));
  pop->ring = alloc_aligned((fs_ring_rows(pop) * pop->n_pad + gaps) * sizeof(double));
  if (!pop->refractory || !pop->fired || !pop->scratch || !pop->ring)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  for (size_t k = 0; k < m->n_state; k++)
    if ((pop->state[k] = alloc_aligned(one * sizeof(double))) == NULL)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  double rest[FS_MAX_STATE], *view[FS_MAX_STATE];
  m->rest_state(pop->params, rest);
  for (size_t t = 0; t < n_threads; t++) {
    for (size_t k = 0; k < m->n_state; k++)
      view[k] = fs_share_view(pop, t, pop->state[k], 1);
    for (size_t i = pop->range[t].begin; i < fs_range_loop_end(pop, pop->range[t]); i++)
      init_neuron(pop, view, i, rest, net->spec->seed);
  }
  return FS_OK;
}

static fs_status create_neurons(fs_population *pop, const fs_network *net, fs_error *err) {
  const fs_neuron_model *m = pop->model;
  pop->params = pop->spec->params;
  pop->coeff = calloc(1, m->coeff_size);
  pop->ring_len = net->max_delay + 2; /* a neuron spike lands 1 + delay steps ahead */
  if (!pop->coeff)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  return m->precompute(pop->params, net->dt, pop->coeff, err);
}

static fs_status create_inputs(fs_population *pop, const fs_network *net, fs_error *err) {
  if (pop->spec->input != FS_INPUT_POISSON) return FS_OK;
  pop->next_spike = calloc(pop->n_pad, sizeof *pop->next_spike);
  pop->rng = calloc(pop->n_pad, sizeof *pop->rng);
  pop->queue = calloc(pop->n_pad, sizeof *pop->queue);
  pop->rate_next = calloc(net->n_threads, sizeof *pop->rate_next);
  if (!pop->next_spike || !pop->rng || !pop->queue || !pop->rate_next)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for input %s", pop->name);
  double p = pop->spec->rate[0] * net->dt;
  for (size_t i = 0; i < pop->n; i++) {
    pop->rng[i] =
        fs_rng_make(net->spec->seed, fs_rng_stream_id(FS_RNG_INPUT, (uint32_t)pop->index, i), 0);
    pop->next_spike[i] = fs_rng_geometric(&pop->rng[i], p);
  }
  return FS_OK;
}

static fs_status create_population(fs_network *net, size_t i, fs_error *err) {
  fs_population *pop = &net->pops[i];
  const fs_population_spec *s = &net->spec->pops[i];
  snprintf(pop->name, sizeof pop->name, "%s", s->name);
  pop->index = i;
  pop->spec = s;
  pop->is_input = s->input != FS_INPUT_NONE;
  pop->model = s->model;
  pop->n = (size_t)s->size;
  pop->n_pad = (pop->n + FS_NEURON_BLOCK - 1) / FS_NEURON_BLOCK * FS_NEURON_BLOCK;
  pop->range = calloc(net->n_threads, sizeof *pop->range);
  for (int b = 0; b < 2; b++) {
    pop->spike_buf[b] = calloc(pop->n_pad, sizeof(uint32_t));
    pop->n_spikes[b] = calloc(net->n_threads, sizeof(size_t));
    if (!pop->spike_buf[b] || !pop->n_spikes[b])
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  }
  if (pop->range == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for population %s", pop->name);
  if (pop->is_input) split_ranges(pop, net->n_threads);
  return pop->is_input ? create_inputs(pop, net, err) : create_neurons(pop, net, err);
}

static void free_population(fs_population *pop) {
  for (size_t k = 0; k < FS_MAX_STATE; k++)
    free(pop->state[k]);
  free(pop->coeff);
  free(pop->refractory);
  free(pop->fired);
  free(pop->scratch);
  free(pop->ring);
  free(pop->range);
  free(pop->share);
  free(pop->next_spike);
  free(pop->rng);
  free(pop->queue);
  free(pop->rate_next);
  free(pop->bdnf);
  free(pop->prp);
  free(pop->esum);
  free(pop->spike_count);
  free(pop->n_alive);
  free(pop->n_start);
  for (int b = 0; b < 2; b++) {
    free(pop->spike_buf[b]);
    free(pop->n_spikes[b]);
  }
}

/* --- projections ------------------------------------------------------------------------ */

/* The synapses one thread generates, before they are sorted into CSR rows. */
typedef struct syn_list {
  size_t n, cap;
  uint32_t *pre, *post;
  double *w;
  uint16_t *d;
  uint8_t *up; /* plastic synapses: SYN_DOWN, SYN_UP or SYN_RESERVED (spine pool) */
} syn_list;

enum { SYN_DOWN, SYN_UP, SYN_RESERVED };

static int syn_list_grow(syn_list *l) {
  size_t cap = l->cap ? 2 * l->cap : 1024;
  uint32_t *a = realloc(l->pre, cap * sizeof *a);
  if (a) l->pre = a;
  uint32_t *b = realloc(l->post, cap * sizeof *b);
  if (b) l->post = b;
  double *w = realloc(l->w, cap * sizeof *w);
  if (w) l->w = w;
  uint16_t *d = realloc(l->d, cap * sizeof *d);
  if (d) l->d = d;
  uint8_t *up = realloc(l->up, cap * sizeof *up);
  if (up) l->up = up;
  if (!a || !b || !w || !d || !up) return -1;
  l->cap = cap;
  return 0;
}

static int syn_list_push(syn_list *l, uint32_t pre, uint32_t post) {
  if (l->n == l->cap && syn_list_grow(l)) return -1;
  l->pre[l->n] = pre;
  l->post[l->n] = post;
  l->n++;
  return 0;
}

static void syn_list_free(syn_list *l) {
  free(l->pre);
  free(l->post);
  free(l->w);
  free(l->d);
  free(l->up);
}

/* k distinct sources out of n (Floyd's algorithm), skipping `skip` (or none if skip >= n);
 * mark[] is a zeroed scratch array of n bytes, zeroed again on return. */
static int choose_sources(syn_list *l, uint32_t post, uint64_t n, uint64_t k, uint64_t skip,
                          fs_rng *r, uint8_t *mark) {
  uint64_t m = skip < n ? n - 1 : n;
  size_t first = l->n;
  for (uint64_t j = m - k; j < m; j++) {
    uint64_t t = fs_rng_below(r, j + 1);
    uint64_t pick = mark[t] ? j : t;
    mark[pick] = 1;
    uint64_t src = skip < n && pick >= skip ? pick + 1 : pick;
    if (syn_list_push(l, (uint32_t)src, post)) return -1;
  }
  for (size_t s = first; s < l->n; s++) {
    uint64_t pick = l->pre[s];
    mark[skip < n && pick > skip ? pick - 1 : pick] = 0;
  }
  return 0;
}

static int generate_target(const fs_projection_spec *p, uint64_t n_pre, uint32_t post, fs_rng *r,
                           uint8_t *mark, syn_list *l) {
  uint64_t self = p->pre == p->post && !p->autapses ? post : UINT64_MAX;
  switch (p->rule) {
  case FS_CONNECT_ALL_TO_ALL:
    for (uint64_t i = 0; i < n_pre; i++)
      if (i != self && syn_list_push(l, (uint32_t)i, post)) return -1;
    return 0;
  case FS_CONNECT_ONE_TO_ONE:
    return post != self ? syn_list_push(l, post, post) : 0;
  case FS_CONNECT_FIXED_PROBABILITY: {
    /* skip ahead by geometric gaps; a gap past the end (UINT64_MAX for p -> 0) ends the row */
    double log_q = fs_rng_geometric_log_q(p->p);
    for (uint64_t i = fs_rng_geometric_from_log(r, log_q); i < n_pre;) {
      if (i != self && syn_list_push(l, (uint32_t)i, post)) return -1;
      uint64_t gap = fs_rng_geometric_from_log(r, log_q);
      if (gap >= n_pre - i) break;
      i += 1 + gap;
    }
    return 0;
  }
  case FS_CONNECT_FIXED_INDEGREE:
    return choose_sources(l, post, n_pre, p->indegree, self, r, mark);
  }
  return 0;
}

/* The spine pool of one target: n synapses from presynaptic neurons drawn uniformly (self
 * excluded without autapses), which exist only once a spine forms. */
static int generate_reserve(const fs_projection_spec *p, uint64_t n_pre, uint32_t post, fs_rng *r,
                            uint64_t n, syn_list *l) {
  bool skip_self = p->pre == p->post && !p->autapses;
  uint64_t m = skip_self ? n_pre - 1 : n_pre;
  for (uint64_t k = 0; k < n && m > 0; k++) {
    uint64_t src = fs_rng_below(r, m);
    if (skip_self && src >= post) src++;
    if (syn_list_push(l, (uint32_t)src, post)) return -1;
  }
  return 0;
}

static uint16_t delay_steps(double d, double dt) {
  long s = lround(d / dt);
  return (uint16_t)(s < 1 ? 1 : (s > 65000 ? 65000 : s));
}

/* Synapses onto [begin, end) of the target population, each target from its own stream. */
static int generate_part(const fs_network *net, size_t k, fs_thread_range range, syn_list *l) {
  const fs_projection_spec *p = &net->spec->projs[k];
  uint64_t n_pre = net->spec->pops[p->pre].size;
  uint8_t *mark = p->rule == FS_CONNECT_FIXED_INDEGREE ? calloc(n_pre + 1, 1) : NULL;
  int rc = p->rule == FS_CONNECT_FIXED_INDEGREE && !mark ? -1 : 0;
  for (size_t j = range.begin; j < range.end && rc == 0; j++) {
    fs_rng r = fs_rng_make(net->spec->seed, fs_rng_stream_id(FS_RNG_CONNECT, (uint32_t)k, j), 0);
    size_t first = l->n;
    rc = generate_target(p, n_pre, (uint32_t)j, &r, mark, l);
    size_t formed = l->n;
    if (rc == 0 && p->plastic.reserve > 0)
      rc = generate_reserve(p, n_pre, (uint32_t)j, &r,
                            (uint64_t)llround(p->plastic.reserve * (double)(formed - first)), l);
    for (size_t s = first; s < l->n && rc == 0; s++) {
      l->w[s] = fmax(0.0, draw(&p->weight, &r));
      l->d[s] = delay_steps(fmin(draw(&p->delay, &r), fs_dist_high(&p->delay)), net->dt);
      l->up[s] = s >= formed ? SYN_RESERVED
                             : (p->plastic.enabled && fs_rng_uniform(&r) < p->plastic.up_fraction);
    }
  }
  free(mark);
  return rc;
}

static int alloc_nmda_agents(fs_proj_part *part) {
  size_t n = part->n_syn + 1;
  part->block = calloc(n, sizeof *part->block);
  part->x_rise = calloc(n, sizeof *part->x_rise);
  part->x_decay = calloc(n, sizeof *part->x_decay);
  part->conc = calloc(n, sizeof *part->conc);
  part->t_last = calloc(n, sizeof *part->t_last);
  return part->block && part->x_rise && part->x_decay && part->conc && part->t_last ? 0 : -1;
}

/* Counting sort by presynaptic id (stable: a row stays ordered by target). */
static int alloc_plastic(fs_proj_part *part, size_t rec_size) {
  part->plast = alloc_aligned((part->n_syn + 1) * rec_size);
  if (part->plast) memset(part->plast, 0, (part->n_syn + 1) * rec_size);
  return part->plast ? 0 : -1;
}

/* The post -> synapse index of a part: a counting sort of its synapses by target. */
static int build_bkw(fs_proj_part *part, fs_thread_range r) {
  size_t n_targets = r.end - r.begin;
  part->bkw_start = calloc(n_targets + 1, sizeof *part->bkw_start);
  part->bkw = malloc((part->n_syn + 1) * sizeof *part->bkw);
  uint64_t *fill = malloc((n_targets + 1) * sizeof *fill);
  if (!part->bkw_start || !part->bkw || !fill) {
    free(fill);
    return -1;
  }
  for (uint64_t s = 0; s < part->n_syn; s++)
    part->bkw_start[part->target[s] - r.begin + 1]++;
  for (size_t j = 0; j < n_targets; j++)
    part->bkw_start[j + 1] += part->bkw_start[j];
  memcpy(fill, part->bkw_start, (n_targets + 1) * sizeof *fill);
  for (uint64_t s = 0; s < part->n_syn; s++)
    part->bkw[fill[part->target[s] - r.begin]++] = s;
  free(fill);
  return 0;
}

/* Synapse at of a part as its rule creates it; one of the spine pool is not alive yet. */
static void init_plastic(fs_proj_part *part, uint64_t at, const fs_plasticity_spec *ps,
                         uint32_t pre, uint32_t post, uint8_t up) {
  const fs_synrule *rule = ps->rule;
  rule->init(ps->params, fs_synrule_rec(part, rule->record_size, at), pre, post, up == SYN_UP);
  if (up == SYN_RESERVED) fs_synrule_set_alive(rule, part, at, false);
}

static int build_csr(fs_proj_part *part, const syn_list *l, uint64_t n_pre,
                     const fs_plasticity_spec *ps) {
  bool plastic = ps->enabled;
  part->n_syn = l->n;
  part->row_start = calloc(n_pre + 1, sizeof *part->row_start);
  part->target = malloc((l->n + 1) * sizeof *part->target);
  part->weight = malloc((l->n + 1) * sizeof *part->weight);
  part->delay = malloc((l->n + 1) * sizeof *part->delay);
  if (!part->row_start || !part->target || !part->weight || !part->delay) return -1;
  for (size_t s = 0; s < l->n; s++)
    part->row_start[l->pre[s] + 1]++;
  for (uint64_t i = 0; i < n_pre; i++)
    part->row_start[i + 1] += part->row_start[i];
  uint64_t *fill = malloc((n_pre + 1) * sizeof *fill);
  if (!fill) return -1;
  memcpy(fill, part->row_start, (n_pre + 1) * sizeof *fill);
  if (plastic && alloc_plastic(part, ps->rule->record_size)) {
    free(fill);
    return -1;
  }
  for (size_t s = 0; s < l->n; s++) {
    uint64_t at = fill[l->pre[s]]++;
    part->target[at] = l->post[s];
    part->weight[at] = l->w[s];
    part->delay[at] = l->d[s];
    if (plastic) init_plastic(part, at, ps, l->pre[s], l->post[s], l->up[s]);
  }
  free(fill);
  return 0;
}

static void free_part(fs_proj_part *part) {
  free(part->plast);
  free(part->bkw_start);
  free(part->bkw);
  free(part->block);
  free(part->x_rise);
  free(part->x_decay);
  free(part->conc);
  free(part->t_last);
  free(part->row_start);
  free(part->target);
  free(part->weight);
  free(part->delay);
}

/* What a plastic projection's rule precomputes for step dt (its coefficients, if any). */
static fs_status create_rule_coeff(fs_projection *proj, double dt, fs_error *err) {
  const fs_synrule *rule = proj->rule;
  if (rule->coeff_size == 0) return FS_OK;
  proj->rule_coeff = calloc(1, rule->coeff_size);
  if (proj->rule_coeff == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for projection %s", proj->name);
  return rule->precompute(proj->rule_params, dt, proj->rule_coeff, err);
}

static fs_status create_projections(fs_network *net, fs_error *err) {
  int failed = 0;
  for (size_t k = 0; k < net->n_projs; k++) {
    fs_projection *proj = &net->projs[k];
    const fs_projection_spec *s = &net->spec->projs[k];
    snprintf(proj->name, sizeof proj->name, "%s", s->name);
    proj->spec = s;
    proj->pre = &net->pops[s->pre];
    proj->post = &net->pops[s->post];
    proj->channel = s->channel;
    proj->part = calloc(net->n_threads, sizeof *proj->part);
    if (proj->part == NULL)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for projection %s", proj->name);
    proj->nmda_agents = fs_projection_has_nmda(s);
    proj->plastic = s->plastic.enabled;
    proj->late = s->plastic.late_phase;
    proj->rule = s->plastic.rule;
    proj->rule_params = s->plastic.params;
    fs_status st = proj->plastic ? create_rule_coeff(proj, net->dt, err) : FS_OK;
    if (st != FS_OK) return st;
    if (proj->nmda_agents) proj->post->has_nmda = true;
    if (s->delay.kind == FS_DIST_CONST) proj->same_delay = delay_steps(s->delay.a, net->dt);
  }
#pragma omp parallel num_threads((int)net->n_threads) default(none) shared(net)                    \
    reduction(|                                                                                    \
              : failed)
  {
    size_t t = (size_t)omp_get_thread_num();
    for (size_t k = 0; k < net->n_projs && !failed; k++) {
      fs_projection *proj = &net->projs[k];
      syn_list l = {0};
      failed |= generate_part(net, k, proj->post->range[t], &l) ||
                build_csr(&proj->part[t], &l, proj->pre->n, &proj->spec->plastic) ||
                (proj->nmda_agents && alloc_nmda_agents(&proj->part[t])) ||
                (proj->plastic && build_bkw(&proj->part[t], proj->post->range[t]));
      syn_list_free(&l);
    }
  }
  if (failed) return fs_error_set(err, FS_ERR_NOMEM, "out of memory while building synapses");
  for (size_t k = 0; k < net->n_projs; k++)
    for (size_t t = 0; t < net->n_threads; t++)
      net->projs[k].n_syn += net->projs[k].part[t].n_syn;
  return FS_OK;
}

/* --- the slow state of neurons with late-phase synapses ------------------------------------- */

static void count_alive(fs_network *net, fs_population *pop) {
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    if (!proj->late || proj->post != pop) continue;
    for (size_t t = 0; t < net->n_threads; t++)
      for (uint64_t s = 0; s < proj->part[t].n_syn; s++)
        pop->n_alive[proj->part[t].target[s]] += fs_synrule_alive(proj->rule, &proj->part[t], s);
  }
  memcpy(pop->n_start, pop->n_alive, pop->n_pad * sizeof *pop->n_alive);
}

static fs_status create_slow_state(fs_network *net, fs_error *err) {
  for (size_t k = 0; k < net->n_projs; k++) {
    fs_population *pop = net->projs[k].post;
    if (!net->projs[k].late || pop->bdnf) continue;
    size_t n = pop->n_pad;
    pop->bdnf = malloc(n * sizeof *pop->bdnf);
    pop->prp = calloc(n, sizeof *pop->prp);
    pop->esum = calloc(n, sizeof *pop->esum);
    pop->spike_count = calloc(n, sizeof *pop->spike_count);
    pop->n_alive = calloc(n, sizeof *pop->n_alive);
    pop->n_start = calloc(n, sizeof *pop->n_start);
    if (!pop->bdnf || !pop->prp || !pop->esum || !pop->spike_count || !pop->n_alive ||
        !pop->n_start)
      return fs_error_set(err, FS_ERR_NOMEM, "out of memory for the slow state of %s", pop->name);
    for (size_t j = 0; j < n; j++) /* at rest; none without BDNF */
      pop->bdnf[j] = pop->spec->bdnf_knockout ? 0.0 : 1.0;
  }
  for (size_t i = 0; i < net->n_pops; i++)
    if (net->pops[i].bdnf) count_alive(net, &net->pops[i]);
  return FS_OK;
}

/* --- the network ------------------------------------------------------------------------ */

static size_t max_delay_steps(const fs_experiment_spec *spec) {
  size_t m = 1;
  for (size_t k = 0; k < spec->n_projs; k++) {
    size_t s = delay_steps(fs_dist_high(&spec->projs[k].delay), spec->dt);
    m = s > m ? s : m;
  }
  return m;
}

fs_status fs_network_create(const fs_experiment_spec *spec, size_t n_threads, fs_network **out,
                            fs_error *err) {
  fs_status st = FS_OK;
  fs_network *net = calloc(1, sizeof *net);
  *out = NULL;
  if (net == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  net->spec = spec;
  net->n_threads = n_threads ? n_threads : 1;
  net->dt = spec->dt;
  net->max_delay = max_delay_steps(spec);
  net->n_pops = spec->n_pops;
  net->n_projs = spec->n_projs;
  net->pops = calloc(spec->n_pops + 1, sizeof *net->pops);
  net->projs = calloc(spec->n_projs + 1, sizeof *net->projs);
  if (!net->pops || !net->projs) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t k = 0; k < spec->n_projs; k++)
    if (fs_projection_has_nmda(&spec->projs[k])) net->pops[spec->projs[k].post].has_nmda = true;
  for (size_t i = 0; i < spec->n_pops; i++)
    FS_TRY(create_population(net, i, err));
  FS_TRY(assign_neuron_ranges(net, err));
  for (size_t i = 0; i < spec->n_pops; i++)
    if (!net->pops[i].is_input) FS_TRY(create_neuron_arrays(&net->pops[i], net, err));
  FS_TRY(create_projections(net, err));
  FS_TRY(create_slow_state(net, err));
  *out = net;
  net = NULL;
cleanup:
  fs_network_free(net);
  return st;
}

void fs_network_free(fs_network *net) {
  if (net == NULL) return;
  for (size_t i = 0; net->pops && i < net->n_pops; i++)
    free_population(&net->pops[i]);
  for (size_t k = 0; net->projs && k < net->n_projs; k++) {
    for (size_t t = 0; net->projs[k].part && t < net->n_threads; t++)
      free_part(&net->projs[k].part[t]);
    free(net->projs[k].part);
    free(net->projs[k].rule_coeff);
  }
  free(net->pops);
  free(net->projs);
  free(net);
}

fs_status fs_network_get_spec(const fs_network *net, const fs_experiment_spec **out) {
  *out = net->spec;
  return FS_OK;
}

uint64_t fs_network_synapse_count(const fs_network *net) {
  uint64_t n = 0;
  for (size_t k = 0; k < net->n_projs; k++)
    n += net->projs[k].n_syn;
  return n;
}

uint64_t fs_network_projection_size(const fs_network *net, size_t k) {
  return k < net->n_projs ? net->projs[k].n_syn : 0;
}

/* For one thread's part, the index in the part of each synapse in canonical (post, pre)
 * order: a counting sort by target of its rows, which are visited in ascending pre order;
 * pre_of[] receives each one's presynaptic id. */
fs_status fs_network_canonical_order(const fs_projection *proj, size_t t, uint64_t *order,
                                     uint32_t *pre_of) {
  const fs_proj_part *part = &proj->part[t];
  fs_thread_range r = proj->post->range[t];
  size_t *fill = calloc(r.end - r.begin + 1, sizeof *fill);
  if (fill == NULL) return FS_ERR_NOMEM;
  for (uint64_t s = 0; s < part->n_syn; s++)
    fill[part->target[s] - r.begin + 1]++;
  for (size_t j = 0; j < r.end - r.begin; j++)
    fill[j + 1] += fill[j];
  for (uint64_t i = 0; i < proj->pre->n; i++)
    for (uint64_t s = part->row_start[i]; s < part->row_start[i + 1]; s++) {
      size_t o = fill[part->target[s] - r.begin]++;
      order[o] = s;
      pre_of[o] = (uint32_t)i;
    }
  free(fill);
  return FS_OK;
}

/* Visits the synapses of projection k in canonical order; NULL outputs are skipped. */
typedef struct canonical_out {
  uint32_t *pre, *post;
  double *weight, *delay, *block;
  const fs_synrule_field *field; /* a field of the rule's record, into value */
  size_t field_stride;           /* the record's size */
  double *value;
} canonical_out;

static void copy_one(const fs_network *net, const fs_proj_part *part, uint64_t s, uint32_t pre,
                     size_t at, const canonical_out *o) {
  if (o->pre) o->pre[at] = pre;
  if (o->post) o->post[at] = part->target[s];
  if (o->weight) o->weight[at] = part->weight[s];
  if (o->delay) o->delay[at] = part->delay[s] * net->dt;
  if (o->block) o->block[at] = part->block ? part->block[s] : 0.0;
  if (o->value)
    o->value[at] = fs_synrule_field_value(o->field, fs_synrule_rec(part, o->field_stride, s));
}

static fs_status copy_canonical(const fs_network *net, size_t k, const canonical_out *out,
                                fs_error *err) {
  if (k >= net->n_projs) return fs_error_set(err, FS_ERR_INPUT, "no projection %zu", k);
  const fs_projection *proj = &net->projs[k];
  size_t at = 0;
  for (size_t t = 0; t < net->n_threads; t++) {
    const fs_proj_part *part = &proj->part[t];
    uint64_t *order = malloc((part->n_syn + 1) * sizeof *order);
    uint32_t *pre_of = malloc((part->n_syn + 1) * sizeof *pre_of);
    fs_status st =
        order && pre_of ? fs_network_canonical_order(proj, t, order, pre_of) : FS_ERR_NOMEM;
    for (uint64_t o = 0; st == FS_OK && o < part->n_syn; o++, at++)
      copy_one(net, part, order[o], pre_of[o], at, out);
    free(order);
    free(pre_of);
    if (st != FS_OK) return fs_error_set(err, FS_ERR_NOMEM, "out of memory copying synapses");
  }
  return FS_OK;
}

fs_status fs_network_get_synapses(const fs_network *net, size_t k, uint32_t *pre, uint32_t *post,
                                  double *weight, double *delay, fs_error *err) {
  canonical_out o = {pre, post, weight, delay, NULL, NULL, 0, NULL};
  return copy_canonical(net, k, &o, err);
}

fs_status fs_network_get_nmda_block(const fs_network *net, size_t k, double *block, fs_error *err) {
  canonical_out o = {NULL, NULL, NULL, NULL, block, NULL, 0, NULL};
  return copy_canonical(net, k, &o, err);
}

fs_status fs_network_get_synapse_field(const fs_network *net, size_t k, const char *name,
                                       double *out, fs_error *err) {
  if (k >= net->n_projs) return fs_error_set(err, FS_ERR_INPUT, "no projection %zu", k);
  const fs_projection *proj = &net->projs[k];
  const fs_synrule_field *f = proj->plastic ? fs_synrule_find_field(proj->rule, name) : NULL;
  if (f == NULL)
    return fs_error_set(err, FS_ERR_INPUT, "projection %s has no synapse field %s", proj->name,
                        name);
  canonical_out o = {NULL, NULL, NULL, NULL, NULL, f, proj->rule->record_size, out};
  return copy_canonical(net, k, &o, err);
}

/* --- checkpoints ---------------------------------------------------------------------------- */

/* The NMDA synapse agents' arrays of a part (fs_proj_part), one value per synapse each. */
#define NMDA_FIELD(f, type)                                                                        \
  { #f, type, sizeof(double), 1, offsetof(fs_proj_part, f), NULL, NULL, 0 }
static const fs_synrule_field nmda_fields[] = {
    NMDA_FIELD(block, FS_REC_F64), NMDA_FIELD(x_rise, FS_REC_F64), NMDA_FIELD(x_decay, FS_REC_F64),
    NMDA_FIELD(conc, FS_REC_F64),  NMDA_FIELD(t_last, FS_REC_I64),
};

/* Where a set of per-synapse fields lives: the part's arrays (rec_size 0), or the records of
 * the projection's rule, rec_size bytes each. */
typedef struct field_set {
  const fs_synrule_field *fields;
  size_t n, rec_size;
} field_set;

/* The synapses of one projection in canonical order: part t's k-th is its synapse
 * order[t][k], of presynaptic neuron pre[t][k]. */
typedef struct canon {
  size_t n_threads;
  uint64_t **order;
  uint32_t **pre;
} canon;

static void canon_free(canon *c) {
  for (size_t t = 0; c->order && t < c->n_threads; t++) {
    free(c->order[t]);
    free(c->pre[t]);
  }
  free(c->order);
  free(c->pre);
}

static fs_status canon_make(const fs_network *net, const fs_projection *proj, canon *c,
                            fs_error *err) {
  fs_status st = FS_OK;
  c->n_threads = net->n_threads;
  c->order = calloc(net->n_threads, sizeof *c->order);
  c->pre = calloc(net->n_threads, sizeof *c->pre);
  for (size_t t = 0; st == FS_OK && t < net->n_threads; t++) {
    size_t n = proj->part[t].n_syn + 1;
    if (c->order && c->pre) {
      c->order[t] = malloc(n * sizeof **c->order);
      c->pre[t] = malloc(n * sizeof **c->pre);
    }
    if (!c->order || !c->pre || !c->order[t] || !c->pre[t] ||
        fs_network_canonical_order(proj, t, c->order[t], c->pre[t]) != FS_OK)
      st = fs_error_set(err, FS_ERR_NOMEM, "out of memory for a checkpoint");
  }
  return st;
}

static unsigned char *field_at(const fs_proj_part *part, const fs_synrule_field *f, size_t rec_size,
                               uint64_t s) {
  if (rec_size) return (unsigned char *)fs_synrule_rec(part, rec_size, s) + f->offset;
  unsigned char *base = *(unsigned char *const *)((const unsigned char *)part + f->offset);
  return base + s * f->size * f->count;
}

/* Copies field f of every synapse between the parts and buf (canonical order). */
static void move_field(const fs_projection *proj, const canon *c, const fs_synrule_field *f,
                       size_t rec_size, unsigned char *buf, bool to_parts) {
  size_t bytes = f->size * f->count, at = 0;
  for (size_t t = 0; t < c->n_threads; t++) {
    const fs_proj_part *part = &proj->part[t];
    for (uint64_t o = 0; o < part->n_syn; o++, at++) {
      unsigned char *syn = field_at(part, f, rec_size, c->order[t][o]);
      if (to_parts)
        memcpy(syn, buf + at * bytes, bytes);
      else
        memcpy(buf + at * bytes, syn, bytes);
    }
  }
}

/* What the synapses are: (pre, post, weight, delay) of each in canonical order. */
static uint64_t projection_fingerprint(const fs_projection *proj, const canon *c) {
  uint64_t h = FS_HASH_FNV_BASIS;
  for (size_t t = 0; t < c->n_threads; t++) {
    const fs_proj_part *part = &proj->part[t];
    for (uint64_t o = 0; o < part->n_syn; o++) {
      uint64_t s = c->order[t][o];
      unsigned char rec[4 + 4 + 8 + 2];
      memcpy(rec, &c->pre[t][o], 4);
      memcpy(rec + 4, &part->target[s], 4);
      memcpy(rec + 8, &part->weight[s], 8);
      memcpy(rec + 16, &part->delay[s], 2);
      h = fs_hash_fnv1a(rec, sizeof rec, h);
    }
  }
  return h;
}

static fs_status checkpoint_fields(const fs_projection *proj, size_t k, const canon *c,
                                   field_set set, const fs_record_checkpoint_io *io,
                                   fs_error *err) {
  size_t widest = 1;
  for (size_t i = 0; i < set.n; i++)
    widest = set.fields[i].size * set.fields[i].count > widest
                 ? set.fields[i].size * set.fields[i].count
                 : widest;
  unsigned char *buf = malloc((proj->n_syn + 1) * widest);
  fs_status st = buf ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory for a checkpoint");
  for (size_t i = 0; st == FS_OK && i < set.n; i++) {
    const fs_synrule_field *f = &set.fields[i];
    char name[64];
    snprintf(name, sizeof name, "proj/%zu/%s", k, f->name);
    if (!io->restore) move_field(proj, c, f, set.rec_size, buf, false);
    st = fs_record_checkpoint_array(io, name, f->type, buf, proj->n_syn * f->count, err);
    if (st == FS_OK && io->restore) move_field(proj, c, f, set.rec_size, buf, true);
  }
  free(buf);
  return st;
}

static fs_status checkpoint_projection(fs_network *net, size_t k, const fs_record_checkpoint_io *io,
                                       fs_error *err) {
  const fs_projection *proj = &net->projs[k];
  canon c = {0, NULL, NULL};
  char name[64];
  fs_status st = canon_make(net, proj, &c, err);
  uint64_t fp = st == FS_OK ? projection_fingerprint(proj, &c) : 0, saved = fp;
  snprintf(name, sizeof name, "proj/%zu/fingerprint", k);
  if (st == FS_OK) st = fs_record_checkpoint_array(io, name, FS_REC_U64, &saved, 1, err);
  if (st == FS_OK && saved != fp)
    st = fs_error_set(err, FS_ERR_INPUT,
                      "the synapses of projection %s differ from those of the checkpoint",
                      proj->name);
  field_set nmda = {nmda_fields, sizeof nmda_fields / sizeof nmda_fields[0], 0};
  if (st == FS_OK && proj->nmda_agents) st = checkpoint_fields(proj, k, &c, nmda, io, err);
  if (st == FS_OK && proj->plastic) {
    field_set rule = {proj->rule->fields, proj->rule->n_fields, proj->rule->record_size};
    st = checkpoint_fields(proj, k, &c, rule, io, err);
  }
  canon_free(&c);
  return st;
}

/* One array of population i named "pop/<i>/<what>". */
static fs_status pop_array(const fs_record_checkpoint_io *io, size_t i, const char *what,
                           fs_record_type type, void *data, size_t n, fs_error *err) {
  char name[64];
  snprintf(name, sizeof name, "pop/%zu/%s", i, what);
  return fs_record_checkpoint_array(io, name, type, data, n, err);
}

/* A Poisson input's units: the step of each one's next spike and its random stream. */
static fs_status checkpoint_poisson(fs_population *pop, const fs_record_checkpoint_io *io,
                                    fs_error *err) {
  size_t n = pop->n;
  uint64_t *ctr = malloc((n + 1) * sizeof *ctr);
  uint32_t *buf = malloc((4 * n + 1) * sizeof *buf), *used = malloc((n + 1) * sizeof *used);
  fs_status st = ctr && buf && used ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t j = 0; st == FS_OK && j < n; j++) {
    ctr[j] = pop->rng[j].counter;
    memcpy(buf + 4 * j, pop->rng[j].buf, sizeof pop->rng[j].buf);
    used[j] = pop->rng[j].used;
  }
  if (st == FS_OK)
    st = pop_array(io, pop->index, "next_spike", FS_REC_U64, pop->next_spike, n, err);
  if (st == FS_OK) st = pop_array(io, pop->index, "rng_counter", FS_REC_U64, ctr, n, err);
  if (st == FS_OK) st = pop_array(io, pop->index, "rng_buf", FS_REC_U32, buf, 4 * n, err);
  if (st == FS_OK) st = pop_array(io, pop->index, "rng_used", FS_REC_U32, used, n, err);
  for (size_t j = 0; st == FS_OK && io->restore && j < n; j++) {
    pop->rng[j].counter = ctr[j];
    memcpy(pop->rng[j].buf, buf + 4 * j, sizeof pop->rng[j].buf);
    pop->rng[j].used = used[j];
  }
  free(ctr);
  free(buf);
  free(used);
  return st;
}

static fs_status checkpoint_input(fs_population *pop, const fs_record_checkpoint_io *io,
                                  fs_error *err) {
  if (pop->spec->input == FS_INPUT_POISSON) return checkpoint_poisson(pop, io, err);
  uint64_t pos = pop->train_pos;
  fs_status st = pop_array(io, pop->index, "train_pos", FS_REC_U64, &pos, 1, err);
  if (st == FS_OK && io->restore) {
    if (pos > pop->spec->n_train)
      return fs_error_set(err, FS_ERR_INPUT, "the checkpoint is past the spike train of input %s",
                          pop->name);
    pop->train_pos = (size_t)pos;
  }
  return st;
}

/* BDNF, PRP, the PRP integral of the last slow step, spikes since it, synapses alive. */
static fs_status checkpoint_slow(fs_population *pop, const fs_record_checkpoint_io *io,
                                 fs_error *err) {
  size_t i = pop->index, n = pop->n;
  fs_status st = pop_array(io, i, "bdnf", FS_REC_F64, pop->bdnf, n, err);
  if (st == FS_OK) st = pop_array(io, i, "prp", FS_REC_F64, pop->prp, n, err);
  if (st == FS_OK) st = pop_array(io, i, "esum", FS_REC_F64, pop->esum, n, err);
  if (st == FS_OK) st = pop_array(io, i, "spike_count", FS_REC_U32, pop->spike_count, n, err);
  if (st == FS_OK) st = pop_array(io, i, "n_alive", FS_REC_U32, pop->n_alive, n, err);
  if (st == FS_OK) st = pop_array(io, i, "n_start", FS_REC_U32, pop->n_start, n, err);
  return st;
}

/* Copies an array of `rows` rows of `size`-byte values between its layout by shares (base)
 * and rows of n_pad values in neuron order (flat): to flat, or back (restore). */
static void flatten(const fs_population *pop, size_t n_threads, void *base, void *flat, size_t size,
                    size_t rows, bool restore) {
  for (size_t t = 0; t < n_threads; t++) {
    const fs_share *s = &pop->share[t];
    if (s->stride == 0) continue;
    char *view = (char *)base + fs_share_offset(pop, t, rows) * size;
    for (size_t r = 0; r < rows; r++) {
      char *a = view + (r * s->stride + s->begin) * size;
      char *b = (char *)flat + (r * pop->n_pad + s->begin) * size;
      memcpy(restore ? a : b, restore ? b : a, s->stride * size);
    }
  }
}

/* One per-neuron array of `rows` rows, saved in neuron order (padding included) whatever the
 * threads' shares, so that a run resumes on any thread count. */
static fs_status neuron_array(fs_population *pop, size_t n_threads,
                              const fs_record_checkpoint_io *io, const char *what,
                              fs_record_type type, size_t size, void *base, size_t rows,
                              fs_error *err) {
  size_t n = rows * pop->n_pad;
  if (!pop->split) return pop_array(io, pop->index, what, type, base, n, err);
  void *flat = malloc(n * size);
  if (flat == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  if (!io->restore) flatten(pop, n_threads, base, flat, size, rows, false);
  fs_status st = pop_array(io, pop->index, what, type, flat, n, err);
  if (st == FS_OK && io->restore) flatten(pop, n_threads, base, flat, size, rows, true);
  free(flat);
  return st;
}

/* A neuron population: its state variables, refractory counters and input rings (whose slots
 * are indexed by the absolute step, so they are saved whole), padding included. */
static fs_status checkpoint_neurons(fs_population *pop, size_t n_threads,
                                    const fs_record_checkpoint_io *io, fs_error *err) {
  fs_status st = FS_OK;
  for (size_t v = 0; st == FS_OK && v < pop->model->n_state; v++) {
    char what[32];
    snprintf(what, sizeof what, "state/%zu", v);
    st = neuron_array(pop, n_threads, io, what, FS_REC_F64, sizeof(double), pop->state[v], 1, err);
  }
  if (st == FS_OK)
    st = neuron_array(pop, n_threads, io, "refractory", FS_REC_I32, sizeof(int32_t),
                      pop->refractory, 1, err);
  if (st == FS_OK)
    st = neuron_array(pop, n_threads, io, "ring", FS_REC_F64, sizeof(double), pop->ring,
                      fs_ring_rows(pop), err);
  if (st == FS_OK && pop->bdnf) st = checkpoint_slow(pop, io, err);
  return st;
}

fs_status fs_network_checkpoint(fs_network *net, const fs_record_checkpoint_io *io, fs_error *err) {
  fs_status st = FS_OK;
  for (size_t i = 0; st == FS_OK && i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    st = pop->is_input ? checkpoint_input(pop, io, err)
                       : checkpoint_neurons(pop, net->n_threads, io, err);
  }
  for (size_t k = 0; st == FS_OK && k < net->n_projs; k++)
    st = checkpoint_projection(net, k, io, err);
  return st;
}
