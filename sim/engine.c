/* engine.c - the time loop. One OpenMP parallel region per run; per step of a fast phase:
 *   1. each thread generates the input spikes and advances the neurons of its ranges;
 *   2. barrier: the step's spikes of every thread are now visible;
 *   3. thread 0 counts them, lets the observer see them (include/fearsim/observer.h), reports
 *      progress and decides whether to stop;
 *   4. each thread delivers every spike, in (population, id) order, to the synapses it owns
 *      (synapse agents update their drug block, and the rule of a plastic projection its
 *      synapses, one presynaptic row at a time), adding into its own neurons' ring slots, then
 *      passes its neurons' spikes to their plastic synapses; the slow clock ticks when due;
 *   5. the observer takes its sums when a row falls due, and at a snapshot time thread 0
 *      writes it between two barriers.
 * A slow phase goes from event to event (a slow step, or the observer's row or snapshot) with
 * no spikes. Spike lists are double-buffered by step parity, so step n+1's neuron update never
 * writes a list another thread may still be reading for step n.
 * Every STOP_CHECK_STEPS steps of a fast phase (not at its last step) and after every event of
 * a slow phase, the threads may leave the parallel region together, with every step before
 * eng->step done: to stop (a signal), or to pause for a checkpoint and go on. Leaving changes
 * nothing: a run that goes on from there, in this process or after a resume from a
 * checkpoint, does exactly what it would have done (fs_engine_checkpoint lists the state). */
#include <fearsim/barrier.h>
#include <fearsim/engine.h>
#include <fearsim/nmda.h>
#include <fearsim/observer.h>
#include <fearsim/record_checkpoint.h>

#include "network_impl.h"
#include "slow_impl.h"
#include "synrule_impl.h"

#include <math.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#define STOP_CHECK_STEPS 64
/* Polls of a barrier before a thread sleeps: some tens of microseconds, longer than a step
 * usually keeps the other thread busy, far shorter than a time slice. */
#define BARRIER_SPIN 2000
/* The drugs' concentrations change over minutes; every 1 ms of simulated time is plenty. */
#define PHARM_REFRESH_STEPS 10

/* On a machine with more threads than cores, a thread is often descheduled and the others
 * wait for it at every step. The threads poll at the barrier through a step's imbalance, so on
 * a free machine the process uses about n_threads cores' CPU time; when in SOLO_WINDOWS windows
 * of SOLO_WINDOW_S of wall time in a row, in a fast phase, it got less than SOLO_CPU_SHARE of
 * that, its threads were waiting for a core, and thread 0 goes on alone with every thread's
 * part, as fast as one thread (one short window alone may be another program's burst).
 * The results do not change: each part's work is the same whichever thread does it, and thread
 * 0 does the parts in order. */
#define SOLO_WINDOW_S 0.25
#define SOLO_WINDOWS 4
#define SOLO_CPU_SHARE 0.75

/* Thread 0's decisions at a check: why the threads leave the parallel region before the end,
 * or that thread 0 goes on alone. */
enum { HALT_NONE, HALT_STOP, HALT_PAUSE, GO_SOLO };

struct fs_engine {
  fs_network *net;
  fs_barrier barrier; /* the threads' meeting point, in place of OpenMP's spinning one */
  fs_observer *obs;
  int64_t step, n_steps;
  uint64_t spikes;
  uint64_t *syn_events;      /* per thread */
  uint64_t *plastic_dropped; /* per thread: events a plasticity rule dropped */
  double wall;               /* s of wall time spent simulating, over every span of the run */
  double wall_before;        /* wall of the spans before the current one */
  fs_progress_fn progress;
  void *progress_user;
  double progress_interval;
  const volatile sig_atomic_t *stop_flag;
  int64_t stop_step; /* stop at the first chance from this step on (tests) */
  fs_pause_fn pause; /* NULL: never pause */
  void *pause_user;
  double pause_interval;         /* s of wall time between pauses */
  double last_pause;             /* omp_get_wtime() of the last pause (or of the start) */
  int halt;                      /* HALT_*: why the threads left the parallel region */
  bool started;                  /* the rows and snapshot of step 0 are written */
  int stop[2];                   /* decisions of thread 0 (HALT_*), by step parity */
  int slow_stop;                 /* thread 0's decision during a slow phase (HALT_*) */
  bool solo;                     /* the other threads left the region: thread 0 runs every part */
  int64_t solo_step;             /* the first step thread 0 ran alone (-1: never) */
  int64_t solo_at;               /* go alone at the first chance from this step on (tests) */
  double window_start, cpu_mark; /* wall time and the process's CPU time at its start */
  int short_windows;             /* windows in a row in which the process got too little CPU */
  /* drugs at the NMDA receptors */
  const fs_pharmacology *pharm; /* NULL: no drugs */
  fs_nmda_mod *mod;             /* [thread * n_pops + pop], each thread's own copy */
  fs_block_coeffs *bcoeff;      /* [pop] */
  fs_nmda_kinetics *kin;        /* [projection] */
  fs_nmda_table *kin_tables;    /* one per distinct pair of time constants, kin's tables */
  /* plasticity and the slow clock (late phase, BDNF, spines) */
  bool has_slow;
  fs_synrule_env *penv; /* [thread * n_projs + projection] */
  double **factor; /* [thread]: weight factors of one presynaptic row of a plastic projection */
  uint64_t *pool_empty; /* per thread: spines that found their neuron's reserve used up */
  int64_t *slow_from;   /* per thread: step of its last slow step */
  /* the work done by this process, for the time left (thread 0 keeps it) */
  int64_t work_from;       /* the step this process began running at */
  bool work_from_set;      /* work_from is set */
  double wall_fast;        /* s spent in fast phases, finished ones */
  double wall_slow;        /* s spent in slow phases, finished ones */
  double phase_wall_start; /* omp_get_wtime() at the start of the phase under way */
  int phase_kind;          /* the phase under way: 0 none, 1 fast, 2 slow */
};

/* --- lifecycle -------------------------------------------------------------------------- */

/* The earlier NMDA projection whose kinetics have k's time constants, or k. */
static size_t same_kinetics(const fs_engine *eng, size_t k) {
  for (size_t i = 0; i < k; i++)
    if (eng->net->projs[i].nmda_agents && eng->kin[i].tau_rise == eng->kin[k].tau_rise &&
        eng->kin[i].tau_decay == eng->kin[k].tau_decay)
      return i;
  return k;
}

/* The decay tables of the NMDA projections' kinetics, one per distinct pair of time constants
 * (the populations of a circuit mostly share theirs). */
static fs_status create_kinetics_tables(fs_engine *eng, fs_error *err) {
  const fs_network *net = eng->net;
  size_t n = 0;
  for (size_t k = 0; k < net->n_projs; k++)
    n += net->projs[k].nmda_agents && same_kinetics(eng, k) == k;
  if (n == 0) return FS_OK;
  eng->kin_tables = malloc(n * sizeof *eng->kin_tables);
  if (eng->kin_tables == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  n = 0;
  for (size_t k = 0; k < net->n_projs; k++) {
    if (!net->projs[k].nmda_agents) continue;
    size_t first = same_kinetics(eng, k);
    if (first == k) fs_nmda_table_fill(&eng->kin[k], net->dt, &eng->kin_tables[n]);
    eng->kin[k].table = first == k ? &eng->kin_tables[n++] : eng->kin[first].table;
  }
  return FS_OK;
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
    eng->mod[i] = FS_NMDA_MOD_NONE;
  for (size_t p = 0; p < net->n_pops; p++) {
    if (eng->pharm)
      fs_pharm_get_block_coeffs(eng->pharm, p, &eng->bcoeff[p]);
    else
      fs_drug_block_none(&eng->bcoeff[p]);
  }
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    double tr, td;
    if (!proj->nmda_agents) continue;
    fs_status st =
        fs_neuron_model_get_nmda_kinetics(proj->post->model, proj->post->params, &tr, &td, err);
    if (st != FS_OK) return st;
    eng->kin[k] = fs_nmda_kinetics_make(tr, td, proj->spec->p_open);
  }
  return create_kinetics_tables(eng, err);
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
  if (net->n_threads > (size_t)omp_get_thread_limit())
    return fs_error_set(err, FS_ERR_INPUT, "%zu threads asked for, but OMP_THREAD_LIMIT is %d",
                        net->n_threads, omp_get_thread_limit());
  fs_engine *eng = calloc(1, sizeof *eng);
  *out = NULL;
  if (eng == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  eng->net = net;
  eng->n_steps = net->spec->n_steps;
  eng->progress_interval = 1.0;
  eng->stop_step = INT64_MAX;
  eng->solo_at = INT64_MAX;
  eng->solo_step = -1;
  eng->has_slow = fs_experiment_has_late_phase(net->spec);
  eng->syn_events = calloc(net->n_threads, sizeof *eng->syn_events);
  eng->plastic_dropped = calloc(net->n_threads, sizeof *eng->plastic_dropped);
  eng->pool_empty = calloc(net->n_threads, sizeof *eng->pool_empty);
  eng->penv = calloc(net->n_threads * (net->n_projs + 1), sizeof *eng->penv);
  eng->slow_from = calloc(net->n_threads, sizeof *eng->slow_from);
  if (!eng->syn_events || !eng->plastic_dropped || !eng->pool_empty || !eng->penv ||
      !eng->slow_from) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  FS_TRY(create_factors(eng, err));
  FS_TRY(create_pharmacology(eng, err));
  FS_TRY(fs_observer_create(net, rec, eng->kin, eng->mod, &eng->obs, err));
  *out = eng;
  eng = NULL;
cleanup:
  fs_engine_free(eng);
  return st;
}

void fs_engine_free(fs_engine *eng) {
  if (eng == NULL) return;
  fs_observer_free(eng->obs);
  free(eng->syn_events);
  free(eng->plastic_dropped);
  free(eng->mod);
  free(eng->bcoeff);
  free(eng->kin);
  free(eng->kin_tables);
  free(eng->penv);
  for (size_t t = 0; eng->factor && t < eng->net->n_threads; t++)
    free(eng->factor[t]);
  free(eng->factor);
  free(eng->pool_empty);
  free(eng->slow_from);
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

void fs_engine_set_solo_at(fs_engine *eng, double t) {
  eng->solo_at = t >= 0 ? llround(t / eng->net->dt) : INT64_MAX;
}

void fs_engine_set_stop_at(fs_engine *eng, double t) {
  eng->stop_step = t >= 0 ? llround(t / eng->net->dt) : INT64_MAX;
}

void fs_engine_set_pause(fs_engine *eng, fs_pause_fn fn, void *user, double interval) {
  eng->pause = fn;
  eng->pause_user = user;
  eng->pause_interval = interval;
}

/* The work done since work_from and left (fs_experiment_work), and the wall time of each kind,
 * the phase under way included. */
static void count_work(const fs_engine *eng, fs_engine_stats *out) {
  const fs_experiment_spec *spec = eng->net->spec;
  fs_experiment_work(spec, eng->work_from, eng->step, &out->fast_done, &out->slow_done);
  fs_experiment_work(spec, eng->step, eng->n_steps, &out->fast_left, &out->slow_left);
  double under_way = eng->phase_kind ? omp_get_wtime() - eng->phase_wall_start : 0.0;
  out->wall_fast = eng->wall_fast + (eng->phase_kind == 1 ? under_way : 0.0);
  out->wall_slow = eng->wall_slow + (eng->phase_kind == 2 ? under_way : 0.0);
}

double fs_engine_eta(const fs_engine_stats *s) {
  double eta = 0.0;
  if (s->fast_done > 0) eta += s->fast_left * s->wall_fast / s->fast_done;
  if (s->slow_done > 0) eta += s->slow_left * s->wall_slow / s->slow_done;
  return eta;
}

fs_status fs_engine_get_stats(const fs_engine *eng, fs_engine_stats *out) {
  count_work(eng, out);
  out->steps = eng->step;
  out->t = (double)eng->step * eng->net->dt;
  out->spikes = eng->spikes;
  out->syn_events = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++)
    out->syn_events += eng->syn_events[t];
  out->wall = eng->wall;
  out->solo_step = eng->solo_step;
  out->plastic_dropped = out->spines_unformed = 0;
  for (size_t t = 0; t < eng->net->n_threads; t++) {
    out->plastic_dropped += eng->plastic_dropped[t];
    out->spines_unformed += eng->pool_empty[t];
  }
  return FS_OK;
}

/* --- phase 1: inputs and neurons ---------------------------------------------------------- */

/* --- Poisson inputs: each thread keeps its units in a binary min-heap by (next spike, id), so
 * a step costs one look at the top when no unit spikes, and units that spike together come out
 * in id order. */

static bool poisson_before(const fs_population *pop, uint32_t a, uint32_t b) {
  uint64_t ta = pop->next_spike[a], tb = pop->next_spike[b];
  return ta < tb || (ta == tb && a < b);
}

/* Moves heap entry at down (the heap is q[0 .. n)) until its children come after it. */
static void poisson_sift_down(const fs_population *pop, uint32_t *q, size_t n, size_t at) {
  uint32_t unit = q[at];
  for (;;) {
    size_t child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && poisson_before(pop, q[child + 1], q[child])) child++;
    if (!poisson_before(pop, q[child], unit)) break;
    q[at] = q[child];
    at = child;
  }
  q[at] = unit;
}

/* The heap of thread range r, built anew from next_spike (after every unit redrew it, and at
 * the start of a span). */
static void poisson_queue_build(fs_population *pop, fs_thread_range r) {
  uint32_t *q = pop->queue + r.begin;
  size_t n = r.end - r.begin;
  for (size_t i = 0; i < n; i++)
    q[i] = (uint32_t)(r.begin + i);
  for (size_t i = n / 2; i-- > 0;)
    poisson_sift_down(pop, q, n, i);
}

/* The rate changes at step, in schedule order, through range r's cursor into the schedule:
 * changes that fell in a slow phase (or before a resume) are passed over unapplied, as
 * the units' next spikes were drawn before them. */
static void poisson_rate_change(fs_population *pop, fs_thread_range r, size_t t, int64_t step,
                                double dt) {
  const fs_population_spec *s = pop->spec;
  size_t k = pop->rate_next[t];
  while (k < s->n_rates && s->rate_step[k] < step)
    k++;
  for (; k < s->n_rates && s->rate_step[k] == step; k++) {
    double log_q = fs_rng_geometric_log_q(s->rate[k] * dt);
    for (size_t i = r.begin; i < r.end; i++)
      pop->next_spike[i] = (uint64_t)step + fs_rng_geometric_from_log(&pop->rng[i], log_q);
    poisson_queue_build(pop, r);
  }
  pop->rate_next[t] = k;
}

static double poisson_rate_at(const fs_population_spec *s, int64_t step) {
  size_t k = 0;
  while (k + 1 < s->n_rates && s->rate_step[k + 1] <= step)
    k++;
  return s->rate[k];
}

/* The same at step, once poisson_rate_change has moved the cursor past it. */
static double poisson_rate_now(const fs_population *pop, size_t t) {
  return pop->spec->rate[pop->rate_next[t] - 1];
}

static size_t poisson_step(fs_population *pop, size_t t, int64_t step, double dt, uint32_t *out) {
  fs_thread_range r = pop->range[t];
  uint32_t *q = pop->queue + r.begin;
  size_t n = 0, len = r.end - r.begin;
  poisson_rate_change(pop, r, t, step, dt);
  if (len == 0 || pop->next_spike[q[0]] != (uint64_t)step) return 0;
  double log_q = fs_rng_geometric_log_q(poisson_rate_now(pop, t) * dt);
  while (pop->next_spike[q[0]] == (uint64_t)step) {
    uint32_t i = q[0];
    out[n++] = i;
    uint64_t gap = fs_rng_geometric_from_log(&pop->rng[i], log_q);
    pop->next_spike[i] = gap == UINT64_MAX ? UINT64_MAX : (uint64_t)step + 1 + gap;
    poisson_sift_down(pop, q, len, 0);
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
  const fs_share *share = &pop->share[t];
  size_t slot = (size_t)(step % (int64_t)pop->ring_len);
  double *ring = fs_share_view(pop, t, pop->ring, fs_ring_rows(pop));
  fs_step_ctx ctx;
  ctx.step = step;
  ctx.dt = net->dt;
  for (int c = 0; c < FS_N_CHANNELS; c++)
    ctx.in[c] = ring + (slot * FS_N_CHANNELS + (size_t)c) * share->stride;
  ctx.i_ext = injected_current(net, pop->index, step);
  ctx.fired = pop->fired + share->gap;
  ctx.scratch = fs_share_view(pop, t, pop->scratch, FS_SCRATCH_ROWS);
  ctx.stride = share->stride;
  ctx.spikes = out;
  ctx.n_spikes = 0;
  ctx.pad_end = fs_range_loop_end(pop, r);
  if (share->gap == 0) {
    pop->model->step(pop, r.begin, r.end, &ctx);
  } else { /* the model reads the population's arrays: give it this share's view of them */
    fs_population view = *pop;
    for (size_t k = 0; k < pop->model->n_state; k++)
      view.state[k] += share->gap;
    view.refractory += share->gap;
    pop->model->step(&view, r.begin, r.end, &ctx);
  }
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
      *n = poisson_step(pop, t, step, net->dt, out);
    else
      *n = t == 0 ? train_step(pop, step, pop->spike_buf[parity]) : 0;
  }
}

/* --- phase 3: thread 0 ------------------------------------------------------------------- */

/* The spikes of every population and thread at step. */
static uint64_t count_spikes(const fs_network *net, int64_t step) {
  int parity = (int)(step & 1);
  uint64_t n = 0;
  for (size_t i = 0; i < net->n_pops; i++)
    for (size_t t = 0; t < net->n_threads; t++)
      n += net->pops[i].n_spikes[parity][t];
  return n;
}

static void report_progress(fs_engine *eng, double *last, double t0) {
  if (eng->progress == NULL) return;
  double now = omp_get_wtime();
  if (now - *last < eng->progress_interval) return;
  *last = now;
  fs_engine_stats s;
  eng->wall = eng->wall_before + now - t0;
  fs_engine_get_stats(eng, &s);
  eng->progress(eng->progress_user, &s, (double)eng->n_steps * eng->net->dt);
}

/* --- phase 4: delivery ---------------------------------------------------------------------- */

/* A spike's row is a few synapses at a random place of the projection's arrays: fetching it
 * costs a cache miss or two, which delivery hides by asking for the rows of the spikes a few
 * places ahead while it adds the current one. A plastic row's records (a cache line each for
 * the rules here) are fetched whole, up to RECORD_PREFETCH_LINES lines.
 *
 * The helpers are always_inline because GCC (12, at -O2 and -O3) judges a function of
 * prefetches alone to have no effect and deletes the calls to it: before, no agent row was
 * prefetched at all. */
enum { ROW_LOOKAHEAD = 4, RECORD_PREFETCH_LINES = 16, CACHE_LINE = 64 };

static inline __attribute__((always_inline)) void prefetch_row(const fs_proj_part *part,
                                                               uint32_t src) {
  uint64_t s0 = part->row_start[src];
  __builtin_prefetch(part->target + s0);
  __builtin_prefetch(part->weight + s0);
}

/* The same for a row of synapse agents, whose state is spread over more arrays. */
static inline __attribute__((always_inline)) void
prefetch_agent_row(const fs_proj_part *part, uint32_t src, size_t record_size) {
  uint64_t s0 = part->row_start[src];
  prefetch_row(part, src);
  __builtin_prefetch(part->delay + s0);
  if (part->block) {
    __builtin_prefetch(part->block + s0);
    __builtin_prefetch(part->x_rise + s0);
    __builtin_prefetch(part->x_decay + s0);
    __builtin_prefetch(part->conc + s0);
    __builtin_prefetch(part->t_last + s0);
  }
  if (part->plast == NULL) return;
  const char *rec = (const char *)part->plast + s0 * record_size;
  const char *end = (const char *)part->plast + part->row_start[src + 1] * record_size;
  for (int k = 0; k < RECORD_PREFETCH_LINES && rec < end; k++, rec += CACHE_LINE)
    __builtin_prefetch(rec);
}

/* The ring slot `delay` steps after slot `from`: a delay is shorter than the ring, so one
 * comparison does what % would with an integer division per synapse. */
static inline size_t ring_slot(size_t from, size_t delay, size_t ring_len) {
  size_t at = from + delay;
  return at >= ring_len ? at - ring_len : at;
}

/* ring: the delivering thread's view of the ring, rows of stride values (fs_share). */
static uint64_t deliver_row(const fs_proj_part *part, uint32_t src, double *ring, size_t stride,
                            size_t ring_len, size_t base_slot, fs_channel ch) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  for (uint64_t s = s0; s < s1; s++) {
    size_t slot = ring_slot(base_slot, part->delay[s], ring_len);
    ring[(slot * FS_N_CHANNELS + (size_t)ch) * stride + part->target[s]] += part->weight[s];
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
  const double *v_post; /* postsynaptic membrane potentials (the thread's view, fs_share) */
  double *ring;         /* the postsynaptic ring (the thread's view), rows of stride values */
  size_t stride;
  double dt;
  bool nmda;                     /* the synapses have NMDA receptors (agents) */
  bool drugs;                    /* update the block (it stays 0 without drugs) */
  bool gating;                   /* keep the gating traces without drugs too (reads_gating) */
  double nmda_scale;             /* NMDA conductance per unit weight: nmda_ratio, or 1 for nmda */
  fs_channel direct;             /* the channel the weight goes to (FS_CH_NMDA: none besides) */
  const fs_synrule_env *plastic; /* NULL: static weight */
  double *factor;                /* the row's weight factors (plastic) */
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
  return e->plastic == NULL || fs_synrule_alive(e->plastic->rule, part, s);
}

/* Synapse agents of one presynaptic spike emitted at step emit (ring slot emit_slot): each
 * updates its block, then the rule updates the plastic ones for the whole row, then each
 * transmits its weight w * factor to its channel and w * factor * nmda_scale * (1 - b) *
 * antagonist * gain to NMDA. A synapse of the spine pool not formed (yet) does nothing. */
static uint64_t deliver_row_agents(fs_proj_part *part, uint32_t src, fs_population *post,
                                   int64_t emit, size_t emit_slot, const agent_env *e) {
  uint64_t s0 = part->row_start[src], s1 = part->row_start[src + 1];
  double nmda_factor = e->mod->antagonist * e->mod->gain;
  for (uint64_t s = s0; e->nmda && s < s1; s++)
    if (alive(e, part, s)) agent_block(part, s, emit + part->delay[s], part->target[s], e);
  if (e->plastic) e->plastic->rule->pre_row(part, s0, s1, emit, e->plastic, e->factor);
  for (uint64_t s = s0; s < s1; s++) {
    uint32_t j = part->target[s];
    if (!alive(e, part, s)) continue;
    double w = part->weight[s], b = e->drugs ? part->block[s] : 0.0;
    if (e->plastic) w *= e->factor[s - s0];
    size_t at = ring_slot(emit_slot, part->delay[s], post->ring_len);
    double *slot = e->ring + at * FS_N_CHANNELS * e->stride;
    if (e->direct != FS_CH_NMDA) slot[e->direct * e->stride + j] += w;
    if (e->nmda) slot[FS_CH_NMDA * e->stride + j] += w * e->nmda_scale * (1.0 - b) * nmda_factor;
  }
  return s1 - s0;
}

static fs_synrule_env plastic_env(fs_engine *eng, const fs_projection *proj, size_t k, size_t t) {
  return fs_synrule_env_make(eng->net, k, &eng->kin[k],
                             &eng->mod[t * eng->net->n_pops + proj->post->index],
                             &eng->plastic_dropped[t]);
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
                 post->state[post->model->v_index] + post->share[t].gap,
                 fs_share_view(post, t, post->ring, fs_ring_rows(post)),
                 post->share[t].stride,
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
  size_t emit_slot = (size_t)(emit % (int64_t)post->ring_len);
  fs_proj_part *part = &proj->part[t];
  size_t record_size = proj->plastic ? proj->rule->record_size : 0;
  uint64_t events = 0;
  for (size_t u = 0; u < net->n_threads; u++) {
    const uint32_t *src = fs_population_spikes(pre, parity, u);
    size_t n = pre->n_spikes[parity][u];
    for (size_t i = 0; i < n && i < ROW_LOOKAHEAD; i++)
      prefetch_agent_row(part, src[i], record_size);
    for (size_t i = 0; i < n; i++) {
      if (i + ROW_LOOKAHEAD < n) prefetch_agent_row(part, src[i + ROW_LOOKAHEAD], record_size);
      events += deliver_row_agents(part, src[i], post, emit, emit_slot, &e);
    }
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
  if (post->n_spikes[parity][t] == 0) return;
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
  size_t same_slot = ring_slot(base_slot, proj->same_delay, post->ring_len);
  size_t stride = post->share[t].stride;
  double *ring = fs_share_view(post, t, post->ring, fs_ring_rows(post));
  double *slot = ring + (same_slot * FS_N_CHANNELS + (size_t)proj->channel) * stride;
  uint64_t events = 0;
  for (size_t u = 0; u < net->n_threads; u++) {
    const uint32_t *src = fs_population_spikes(pre, parity, u);
    size_t n = pre->n_spikes[parity][u];
    for (size_t k = 0; k < n && k < ROW_LOOKAHEAD; k++)
      prefetch_row(part, src[k]);
    for (size_t k = 0; k < n; k++) {
      if (k + ROW_LOOKAHEAD < n) prefetch_row(part, src[k + ROW_LOOKAHEAD]);
      if (proj->same_delay)
        events += deliver_row_same_delay(part, src[k], slot);
      else
        events += deliver_row(part, src[k], ring, stride, post->ring_len, base_slot, proj->channel);
    }
  }
  return events;
}

/* Synapse agents are needed for drugs, plasticity or a synapse with two receptors; without
 * them a projection delivers its fixed weights on the fast path. */
static bool needs_agents(const fs_engine *eng, const fs_projection *proj) {
  return proj->plastic || (proj->nmda_agents && (eng->pharm || proj->spec->nmda_ratio > 0));
}

/* Did population pop spike at all at step (on any thread)? */
static bool any_spikes(const fs_network *net, const fs_population *pop, int64_t step) {
  int parity = (int)(step & 1);
  for (size_t u = 0; u < net->n_threads; u++)
    if (pop->n_spikes[parity][u] > 0) return true;
  return false;
}

static void deliver_spikes(fs_engine *eng, size_t t, int64_t step) {
  fs_network *net = eng->net;
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    if (!any_spikes(net, proj->pre, step)) continue; /* most steps, for most projections */
    if (needs_agents(eng, proj))
      eng->syn_events[t] += deliver_agent_projection(eng, k, t, step);
    else
      eng->syn_events[t] += deliver_projection(net, proj, t, step);
  }
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].plastic) push_post_spikes(eng, k, t, step);
}

/* --- drugs ------------------------------------------------------------------------------ */

static void refresh_drugs(fs_engine *eng, size_t t, int64_t step, bool now) {
  if (eng->pharm == NULL || (!now && step % PHARM_REFRESH_STEPS != 0)) return;
  const fs_network *net = eng->net;
  fs_pharm_get_nmda_mods(eng->pharm, (double)step * net->dt, &eng->mod[t * net->n_pops],
                         net->n_pops);
}

/* --- the loop --------------------------------------------------------------------------- */

/* Thread 0's decision (HALT_*) at a point where the threads may leave together. */
static int halt_requested(const fs_engine *eng) {
  if ((eng->stop_flag && *eng->stop_flag) || fs_observer_get_status(eng->obs, NULL) != FS_OK ||
      eng->step >= eng->stop_step)
    return HALT_STOP;
  if (eng->pause && eng->pause_interval > 0 &&
      omp_get_wtime() - eng->last_pause >= eng->pause_interval)
    return HALT_PAUSE;
  return HALT_NONE;
}

/* CPU time of the whole process, s. */
static double process_cpu(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
         (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Thread 0: over the window's wall time, did the threads get so little CPU time that they are
 * being descheduled? */
static bool threads_descheduled(fs_engine *eng) {
  double now = omp_get_wtime(), span = now - eng->window_start;
  if (span < SOLO_WINDOW_S) return false;
  double cpu = process_cpu(), used = cpu - eng->cpu_mark;
  eng->window_start = now;
  eng->cpu_mark = cpu;
  bool starved = used < SOLO_CPU_SHARE * span * (double)eng->net->n_threads;
  eng->short_windows = starved ? eng->short_windows + 1 : 0;
  return eng->short_windows >= SOLO_WINDOWS;
}

/* Thread 0: the window starts afresh with each fast phase (slow phases have other waits). */
static void open_solo_window(fs_engine *eng) {
  eng->window_start = omp_get_wtime();
  eng->cpu_mark = process_cpu();
  eng->short_windows = 0;
}

/* Thread 0's decision at a check of a fast phase: a halt, going on alone, or neither. */
static int decide(fs_engine *eng) {
  int halt = halt_requested(eng);
  if (halt != HALT_NONE || eng->solo || eng->net->n_threads < 2) return halt;
  return eng->step >= eng->solo_at || threads_descheduled(eng) ? GO_SOLO : HALT_NONE;
}

/* The parts (threads' shares of the network) thread t runs: its own, or every one once it is
 * alone. */
static size_t part_begin(const fs_engine *eng, size_t t) {
  return eng->solo ? 0 : t;
}
static size_t part_end(const fs_engine *eng, size_t t) {
  return eng->solo ? eng->net->n_threads : t + 1;
}

static void sync_threads(fs_engine *eng) {
  if (!eng->solo) fs_barrier_wait(&eng->barrier);
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
      double log_q = fs_rng_geometric_log_q(poisson_rate_at(pop->spec, start) * net->dt);
      for (size_t j = r.begin; j < r.end; j++) {
        uint64_t gap = fs_rng_geometric_from_log(&pop->rng[j], log_q);
        pop->next_spike[j] = gap == UINT64_MAX ? UINT64_MAX : (uint64_t)start + gap;
      }
      poisson_queue_build(pop, r);
      continue;
    }
    double rest[FS_MAX_STATE];
    pop->model->rest_state(pop->params, rest);
    size_t end = fs_range_loop_end(pop, r); /* the padding lanes too */
    const fs_share *share = &pop->share[t];
    for (size_t v = 0; v < pop->model->n_state; v++)
      for (size_t j = r.begin; j < end; j++)
        pop->state[v][j + share->gap] = rest[v];
    for (size_t j = r.begin; j < end; j++)
      pop->refractory[j + share->gap] = 0;
    double *ring = fs_share_view(pop, t, pop->ring, fs_ring_rows(pop));
    for (size_t row = 0; row < fs_ring_rows(pop); row++)
      memset(ring + row * share->stride + r.begin, 0, (r.end - r.begin) * sizeof(double));
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

/* The observer's sums of step at, taken by every thread, then its row and snapshot due at
 * step at, written by thread 0, between barriers. */
static void synced_observe(fs_engine *eng, size_t t, size_t ph, int64_t at) {
  sync_threads(eng);
  for (size_t u = part_begin(eng, t); u < part_end(eng, t); u++)
    fs_observer_step(eng->obs, FS_OBSERVE_SUMS, u, ph, at);
  sync_threads(eng);
  if (t == 0) fs_observer_step(eng->obs, FS_OBSERVE_SYNC, t, ph, at);
  sync_threads(eng);
}

/* How a phase ended for a thread: run to its end, halted with the others (stop or pause), or
 * left to thread 0, which goes on alone. */
enum { PHASE_DONE, PHASE_HALTED, PHASE_LEFT };

/* The fast phase ph: every step of it. Returns PHASE_*. */
static int run_fast(fs_engine *eng, size_t t, size_t ph, double t0, double *last_report) {
  fs_network *net = eng->net;
  const fs_experiment_spec *spec = net->spec;
  const fs_phase *p = &spec->phases[ph];
  int64_t first = eng->step > p->start ? eng->step : p->start;
  if (t == 0) open_solo_window(eng);
  for (size_t u = part_begin(eng, t); u < part_end(eng, t); u++) {
    if (first == p->start && p->start > 0) start_fast_phase(eng, u, p->start);
    /* going on within the phase, the drugs stay as last refreshed (they are in a checkpoint) */
    if (first == p->start) refresh_drugs(eng, u, first, true);
  }
  for (int64_t step = first; step < p->stop; step++) {
    for (size_t u = part_begin(eng, t); u < part_end(eng, t); u++) {
      refresh_drugs(eng, u, step, false);
      advance_populations(net, u, step);
    }
    sync_threads(eng);
    if (t == 0) {
      eng->spikes += count_spikes(net, step);
      fs_observer_step(eng->obs, FS_OBSERVE_SPIKES, t, ph, step);
      eng->step = step + 1;
      report_progress(eng, last_report, t0);
      if ((step + 1) % STOP_CHECK_STEPS == 0) {
#pragma omp atomic write
        eng->stop[(step / STOP_CHECK_STEPS) & 1] = decide(eng);
      }
    }
    for (size_t u = part_begin(eng, t); u < part_end(eng, t); u++) {
      deliver_spikes(eng, u, step);
      if (eng->has_slow && ((step + 1) % spec->slow_step_steps == 0 || step + 1 == p->stop))
        slow_step(eng, u, step + 1);
      if (step + 1 < p->stop && fs_observer_row_due(eng->obs, ph, step + 1))
        fs_observer_step(eng->obs, FS_OBSERVE_SUMS, u, ph, step + 1);
    }
    if (fs_observer_snapshot_due(eng->obs, step + 1)) {
      sync_threads(eng);
      if (t == 0) fs_observer_step(eng->obs, FS_OBSERVE_SNAPSHOT, t, ph, step + 1);
      sync_threads(eng);
    }
    /* every STOP_CHECK_STEPS steps, all threads read thread 0's decision of the previous
     * check; the barrier of that step orders the write before this read. Never at the last
     * step: the phase's closing row comes first. */
    if ((step + 1) % STOP_CHECK_STEPS == 0 && step >= STOP_CHECK_STEPS && step + 1 < p->stop) {
      int stop;
#pragma omp atomic read
      stop = eng->stop[((step / STOP_CHECK_STEPS) - 1) & 1];
      if (stop == GO_SOLO && !eng->solo) {
        fs_barrier_wait(&eng->barrier); /* thread 0 then sees all the others wrote */
        if (t != 0) return PHASE_LEFT;
        eng->solo = true;
        if (eng->solo_step < 0) eng->solo_step = step + 1;
      } else if (stop != HALT_NONE && stop != GO_SOLO) {
        if (t == 0) eng->halt = stop;
        return PHASE_HALTED;
      }
    }
  }
  synced_observe(eng, t, ph, p->stop);
  return PHASE_DONE;
}

/* The next time the slow phase must stop at after step now: a slow step, the observer's row or
 * snapshot, or the end of the phase. */
static int64_t next_slow_event(const fs_engine *eng, int64_t now, int64_t stop) {
  int64_t every = eng->net->spec->slow_step_steps, tick = (now / every + 1) * every;
  int64_t next = fs_observer_next_event(eng->obs, now, stop);
  return tick < next ? tick : next;
}

/* The slow phase ph: no spikes; from event to event, the slow clock and the observer. Returns
 * PHASE_DONE or PHASE_HALTED. */
static int run_slow(fs_engine *eng, size_t t, size_t ph, double t0, double *last_report) {
  const fs_experiment_spec *spec = eng->net->spec;
  const fs_phase *p = &spec->phases[ph];
  int64_t now = eng->step > p->start ? eng->step : p->start;
  while (now < p->stop) {
    int64_t next = next_slow_event(eng, now, p->stop);
    bool tick = next % spec->slow_step_steps == 0 || next == p->stop;
    for (size_t u = part_begin(eng, t); u < part_end(eng, t); u++) {
      if (eng->has_slow && tick) slow_step(eng, u, next);
      if (fs_observer_row_due(eng->obs, ph, next))
        fs_observer_step(eng->obs, FS_OBSERVE_SUMS, u, ph, next);
    }
    sync_threads(eng);
    if (t == 0) {
      eng->step = next;
      fs_observer_step(eng->obs, FS_OBSERVE_SYNC, t, ph, next);
      report_progress(eng, last_report, t0);
      eng->slow_stop = halt_requested(eng);
      eng->halt = eng->slow_stop;
    }
    sync_threads(eng);
    if (eng->slow_stop) return PHASE_HALTED;
    now = next;
  }
  return PHASE_DONE;
}

/* Thread t's Poisson queues, from the units' next spikes, and its cursors into the rate
 * schedules, which poisson_rate_change moves up to the span's first step (after a pause or a
 * resume). */
static void build_poisson_queues(fs_network *net, size_t t) {
  for (size_t i = 0; i < net->n_pops; i++)
    if (net->pops[i].is_input && net->pops[i].spec->input == FS_INPUT_POISSON) {
      poisson_queue_build(&net->pops[i], net->pops[i].range[t]);
      net->pops[i].rate_next[t] = 1;
    }
}

/* Subnormal numbers (below 2.2e-308) appear where a conductance, a gating trace, a calcium
 * level or a concentration decays through a long silence, and an x86 CPU takes about a hundred
 * cycles for an operation on one: 4000 LIF neurons with NMDA synapses and 2-Hz firing
 * (configs/benchmarks/coba_plastic.yaml) spent two thirds of their time in them. The engine's
 * threads flush them to zero (FTZ and DAZ on x86-64, FZ on AArch64), which every CPU of an
 * architecture does alike: the results stay the same bits on any of them, and a value that
 * would be below 1e-300 may read 0. Each thread restores its caller's mode when it leaves. */
typedef struct fp_mode {
  unsigned long long bits;
} fp_mode;

static fp_mode flush_subnormals(void) {
  fp_mode m = {0};
#if defined(__x86_64__)
  m.bits = _mm_getcsr();
  _mm_setcsr((unsigned)m.bits | 0x8040u); /* FTZ (bit 15) and DAZ (bit 6) */
#elif defined(__aarch64__)
  m.bits = __builtin_aarch64_get_fpcr();
  __builtin_aarch64_set_fpcr((unsigned)m.bits | (1u << 24)); /* FZ */
#endif
  return m;
}

static void restore_fp_mode(fp_mode m) {
#if defined(__x86_64__)
  _mm_setcsr((unsigned)m.bits);
#elif defined(__aarch64__)
  __builtin_aarch64_set_fpcr((unsigned)m.bits);
#else
  (void)m;
#endif
}

static void run_thread(fs_engine *eng, double t0) {
  const fs_experiment_spec *spec = eng->net->spec;
  size_t t = (size_t)omp_get_thread_num();
  fp_mode caller = flush_subnormals();
  double last_report = t0;
  bool left = false;
  build_poisson_queues(eng->net, t);
  for (size_t ph = 0; ph < spec->n_phases; ph++) {
    const fs_phase *p = &spec->phases[ph];
    if (p->stop <= eng->step) continue;
    if (t == 0) {
      eng->phase_wall_start = omp_get_wtime();
      eng->phase_kind = p->fast ? 1 : 2;
    }
    int end =
        p->fast ? run_fast(eng, t, ph, t0, &last_report) : run_slow(eng, t, ph, t0, &last_report);
    if (t == 0) {
      *(p->fast ? &eng->wall_fast : &eng->wall_slow) += omp_get_wtime() - eng->phase_wall_start;
      eng->phase_kind = 0;
    }
    left = end == PHASE_LEFT;
    if (end != PHASE_DONE) break;
  }
  /* the threads that left wait for thread 0 here, asleep in the kernel, rather than in
   * OpenMP's barrier at the region's end, which may spin (OMP_WAIT_POLICY=active) */
  if (left || (t == 0 && eng->solo)) fs_barrier_wait(&eng->barrier);
  restore_fp_mode(caller);
}

/* Without a network only the timeline advances. */
static void run_timeline_only(fs_engine *eng) {
  int64_t k_tl = eng->net->spec->timeline_steps;
  for (int64_t step = eng->step;;) {
    fs_observer_drug_row(eng->obs, step);
    eng->step = step;
    if (step == eng->n_steps || (eng->halt = halt_requested(eng)) != HALT_NONE) return;
    step = step + k_tl < eng->n_steps ? step + k_tl : eng->n_steps;
  }
}

/* From eng->step to the end, or until the threads halt together. */
static void run_span(fs_engine *eng) {
  double t0 = omp_get_wtime();
  if (!eng->work_from_set) eng->work_from = eng->step, eng->work_from_set = true;
  eng->wall_before = eng->wall;
  eng->stop[0] = eng->stop[1] = 0;
  eng->slow_stop = 0;
  eng->halt = HALT_NONE;
  eng->solo = false;
  if (!eng->started) fs_observer_start(eng->obs);
  eng->started = true;
  fs_observer_resume(eng->obs, eng->step);
  if (eng->net->n_pops == 0) {
    run_timeline_only(eng);
  } else {
    fs_barrier_init(&eng->barrier, (unsigned)eng->net->n_threads, BARRIER_SPIN);
    omp_set_dynamic(0); /* the team must have n_threads threads: each owns its ranges */
#pragma omp parallel num_threads((int)eng->net->n_threads) default(none) shared(eng, t0)
    run_thread(eng, t0);
  }
  eng->wall = eng->wall_before + omp_get_wtime() - t0;
}

fs_status fs_engine_run(fs_engine *eng, fs_error *err) {
  eng->last_pause = omp_get_wtime();
  for (;;) {
    run_span(eng);
    fs_status st = fs_observer_get_status(eng->obs, err);
    if (st != FS_OK) return st;
    if (eng->step >= eng->n_steps) return FS_OK;
    if (eng->halt != HALT_PAUSE || eng->pause == NULL) break;
    if ((st = eng->pause(eng->pause_user, err)) != FS_OK) return st;
    eng->last_pause = omp_get_wtime();
  }
  return fs_error_set(err, FS_ERR_INTERRUPTED, "interrupted at t = %g s of %g s",
                      (double)eng->step * eng->net->dt, (double)eng->n_steps * eng->net->dt);
}

fs_status fs_engine_finish(fs_engine *eng, fs_error *err) {
  return fs_observer_finish(eng->obs, err);
}

/* --- checkpoints ------------------------------------------------------------------------- */

/* The engine's clock and counters: step, last slow step, length. */
enum { CK_STEP, CK_SLOW_FROM, CK_N_STEPS, CK_CLOCK };
enum { CK_SPIKES, CK_SYN_EVENTS, CK_DROPPED, CK_UNFORMED, CK_COUNTS };

static fs_status checkpoint_clock(fs_engine *eng, const fs_record_checkpoint_io *io,
                                  fs_error *err) {
  const fs_network *net = eng->net;
  int64_t clock[CK_CLOCK] = {eng->step, eng->slow_from[0], eng->n_steps};
  fs_engine_stats s;
  fs_engine_get_stats(eng, &s);
  uint64_t counts[CK_COUNTS] = {s.spikes, s.syn_events, s.plastic_dropped, s.spines_unformed};
  double wall = eng->wall;
  fs_status st = fs_record_checkpoint_array(io, "engine/clock", FS_REC_I64, clock, CK_CLOCK, err);
  if (st == FS_OK)
    st = fs_record_checkpoint_array(io, "engine/counts", FS_REC_U64, counts, CK_COUNTS, err);
  if (st == FS_OK) st = fs_record_checkpoint_array(io, "engine/wall", FS_REC_F64, &wall, 1, err);
  if (st != FS_OK || !io->restore) return st;
  if (clock[CK_N_STEPS] != eng->n_steps || clock[CK_STEP] < 0 || clock[CK_STEP] > eng->n_steps)
    return fs_error_set(
        err, FS_ERR_INPUT, "the checkpoint is at step %lld of %lld, this experiment has %lld steps",
        (long long)clock[CK_STEP], (long long)clock[CK_N_STEPS], (long long)eng->n_steps);
  eng->step = clock[CK_STEP];
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
static fs_status checkpoint_drugs(fs_engine *eng, const fs_record_checkpoint_io *io,
                                  fs_error *err) {
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
  fs_status st = fs_record_checkpoint_array(io, "engine/drugs", FS_REC_F64, m, 4 * np, err);
  for (size_t t = 0; st == FS_OK && io->restore && t < net->n_threads; t++)
    for (size_t p = 0; p < np; p++)
      eng->mod[t * np + p] = (fs_nmda_mod){.blocker_conc = m[4 * p],
                                           .antagonist = m[4 * p + 1],
                                           .gain = m[4 * p + 2],
                                           .allosteric = m[4 * p + 3]};
  free(m);
  return st;
}

fs_status fs_engine_checkpoint(fs_engine *eng, const fs_record_checkpoint_io *io, fs_error *err) {
  fs_status st = checkpoint_clock(eng, io, err);
  if (st == FS_OK) st = checkpoint_drugs(eng, io, err);
  if (st == FS_OK) st = fs_observer_checkpoint(eng->obs, io, err);
  return st;
}
