/* synrule_graupner_brunel.c - the calcium-based plasticity rule of Graupner & Brunel (2012) as
 * a synapse rule (include/fearsim/synrule.h): each synapse keeps its calcium and efficacy rho,
 * advanced in closed form from event to event (the equations, parameters and presets are in
 * include/fearsim/gb.h and sim/gb.c), with the late phase of
 * include/fearsim/consolidation.h when the projection has one.
 *
 * The synapse's calcium sees its NMDA receptors: a presynaptic jump ca_ext c_pre A, A = (1 - block)
 * * antagonist * glycine-site gain, lands D after the transmitter; a postsynaptic spike adds
 * ca_ext c_post (1 - post_nmda + post_nmda * A * G), G = 1 - post_glu + post_glu * min(1, gating)
 * (ca_ext: extracellular calcium relative to the fit's, 1 by default).
 * The weight is the base weight times 1 + (b - 1) rho (bistable) or (rho + rho_0 z) / rho_0
 * (kappa > 0). Presynaptic jumps not yet landed are kept per synapse (at most GB_PEND_MAX; a
 * further one is dropped and counted in the run's statistics). */
#include <fearsim/gb.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/synrule.h>

#include "../synrule_impl.h"

#include <math.h>
#include <stddef.h>

#define GB_PEND_MAX 8
#define POST_PREFETCH 8

/* The state of one synapse: calcium and efficacy as of step t_plast, its consolidated state z
 * (late phase, as of the last slow step), the presynaptic calcium jumps still to come (offsets
 * in steps from t_plast, in time order), its presynaptic and postsynaptic ids (its noise
 * stream), the blocks of noise it has drawn, and whether it exists. 64 bytes, one cache line. */
typedef struct gb_syn {
  double ca, rho, z;
  int64_t t_plast;
  uint32_t pre, post, noise_ctr;
  uint16_t pend[GB_PEND_MAX];
  uint8_t n_pend;
  uint8_t alive;
} gb_syn;

static gb_syn *syn_at(const fs_proj_part *part, uint64_t s) {
  return (gb_syn *)part->plast + s;
}

static const fs_gb_params *gb_of(const fs_synrule_env *e) {
  return e->params;
}

/* The decay factors of the gaps of k < GB_TABLE steps (0.2 s at dt = 0.1 ms), computed as
 * fs_gb_advance computes them: a look-up instead of two exp() per event, the same bits. */
#define GB_TABLE 2048
typedef struct gb_coeff {
  fs_gb_decay decay[GB_TABLE];
} gb_coeff;

static fs_status precompute(const void *params, double dt, void *coeff, fs_error *err) {
  (void)err;
  gb_coeff *c = coeff;
  for (int64_t k = 0; k < GB_TABLE; k++)
    c->decay[k] = fs_gb_decay_of(params, (double)k * dt);
  return FS_OK;
}

/* The decay factors of a gap of k steps: the table's, or computed as the table computes them. */
static fs_gb_decay decay_of(const fs_synrule_env *e, int64_t k) {
  const gb_coeff *c = e->coeff;
  if (c != NULL && k < GB_TABLE) return c->decay[k];
  return fs_gb_decay_of(gb_of(e), (double)k * e->dt);
}

/* st advanced by k steps without a calcium jump. */
static void gap(const fs_synrule_env *e, fs_gb_state *st, int64_t k, fs_rng *noise) {
  fs_gb_decay d = decay_of(e, k);
  fs_gb_advance_decayed(gb_of(e), st, (double)k * e->dt, &d, noise);
}

/* The presynaptic calcium jump sees the synapse's NMDA availability: its blocked fraction
 * and the competitive and glycine-site factors of the moment. */
static double availability(const fs_proj_part *part, uint64_t s, const fs_synrule_env *e) {
  double unblocked = part->block ? 1.0 - part->block[s] : 1.0;
  return unblocked * e->nmda_factor;
}

/* The state of synapse s brought to step to, without storing it: the calcium jumps due are
 * applied (*used of them) and the noise stream advanced. */
static fs_gb_state advanced(const fs_proj_part *part, uint64_t s, int64_t to,
                            const fs_synrule_env *e, fs_rng *noise, int *used) {
  const fs_gb_params *gb = gb_of(e);
  const gb_syn *y = syn_at(part, s);
  int64_t cur = y->t_plast;
  int n = y->n_pend, k = 0;
  fs_gb_state st = {y->ca, y->rho};
  uint64_t who = (uint64_t)y->post * e->n_pre + y->pre;
  *noise = fs_rng_make(e->seed, fs_rng_stream_id(FS_RNG_PLASTIC, e->proj, who), y->noise_ctr);
  for (; k < n && y->t_plast + y->pend[k] <= to; k++) {
    int64_t at = y->t_plast + y->pend[k];
    gap(e, &st, at - cur, noise);
    st.c += gb->ca_ext * gb->c_pre * availability(part, s, e);
    cur = at;
  }
  gap(e, &st, to - cur, noise);
  *used = k;
  return st;
}

static void advance(fs_proj_part *part, uint64_t s, int64_t to, const fs_synrule_env *e) {
  fs_rng noise;
  int used;
  fs_gb_state st = advanced(part, s, to, e, &noise, &used);
  gb_syn *y = syn_at(part, s);
  for (int i = used; i < y->n_pend; i++)
    y->pend[i - used] = (uint16_t)(y->t_plast + y->pend[i] - to);
  y->n_pend = (uint8_t)(y->n_pend - used);
  y->t_plast = to;
  y->ca = st.c;
  y->rho = st.rho;
  y->noise_ctr = (uint32_t)noise.counter;
}

static void peek(const fs_proj_part *part, uint64_t s, int64_t to, const fs_synrule_env *e,
                 void *out) {
  fs_rng noise;
  int used;
  fs_gb_state st = advanced(part, s, to, e, &noise, &used);
  gb_syn *y = out;
  *y = *syn_at(part, s);
  y->ca = st.c;
  y->rho = st.rho;
}

static double weight_factor(const void *params, const void *rec) {
  const gb_syn *y = rec;
  return fs_gb_weight_factor(params, y->rho, y->z);
}

/* A presynaptic spike emitted at step emit: each synapse is brought to emit and its calcium
 * jump scheduled D after the transmitter arrives. */
static void pre_row(fs_proj_part *part, uint64_t s0, uint64_t s1, int64_t emit,
                    const fs_synrule_env *e, double *factor) {
  const fs_gb_params *gb = gb_of(e);
  int64_t delay_pre = llround(gb->delay_pre / e->dt);
  for (uint64_t s = s0; s < s1; s++) {
    gb_syn *y = syn_at(part, s);
    if (!y->alive) continue;
    advance(part, s, emit, e);
    if (y->n_pend == GB_PEND_MAX)
      (*e->dropped)++;
    else
      y->pend[y->n_pend++] = (uint16_t)(part->delay[s] + delay_pre);
    factor[s - s0] = fs_gb_weight_factor(gb, y->rho, y->z);
  }
}

/* The fraction of synapse s's NMDA receptors with transmitter bound at step at: its
 * peak-normalised gating, capped at 1. */
static double bound(const fs_proj_part *part, uint64_t s, int64_t at, const fs_synrule_env *e) {
  fs_nmda_agent a = {0.0, part->x_rise[s], part->x_decay[s], 0.0, part->t_last[s]};
  double g = fs_nmda_agent_gating(&a, e->kin, at, e->dt);
  return g < 1.0 ? (g > 0.0 ? g : 0.0) : 1.0;
}

static void post_one(fs_proj_part *part, uint64_t s, int64_t at, const fs_synrule_env *e) {
  const fs_gb_params *gb = gb_of(e);
  advance(part, s, at, e);
  double f = gb->post_nmda, u = gb->post_glu;
  double nmda = availability(part, s, e);
  if (u > 0) nmda *= 1.0 - u + u * bound(part, s, at, e);
  syn_at(part, s)->ca += gb->ca_ext * gb->c_post * (1.0 - f + f * nmda);
}

/* The synapses of one neuron lie scattered over the rows of their presynaptic neurons: fetch a
 * few ahead so that their cache misses overlap. */
static void post(fs_proj_part *part, const uint64_t *syn, size_t n, int64_t at,
                 const fs_synrule_env *e) {
  for (size_t q = 0; q < n && q < POST_PREFETCH; q++)
    __builtin_prefetch(syn_at(part, syn[q]));
  for (size_t q = 0; q < n; q++) {
    if (q + POST_PREFETCH < n) __builtin_prefetch(syn_at(part, syn[q + POST_PREFETCH]));
    if (syn_at(part, syn[q])->alive) post_one(part, syn[q], at, e);
  }
}

static void init(const void *params, void *rec, uint32_t pre, uint32_t post, bool up) {
  gb_syn *y = rec;
  y->rho = fs_gb_initial_rho(params, up);
  y->alive = 1;
  y->pre = pre;
  y->post = post;
}

/* rho and weight for every plastic projection; z, early and late weight with a late phase. */
static const fs_synrule_mean gb_means[] = {
    {"rho", "1",
     "mean early-phase efficacy of the projection's synapses, each as of its last update", false},
    {"weight", "S", "mean weight of the projection's synapses, each as of its last update", false},
    {"z", "1", "mean consolidated state z of the synapses alive", true},
    {"weight_early", "S", "mean early part of the weight, base weight * rho / rho_0", true},
    {"weight_late", "S", "mean late (consolidated) part of the weight, base weight * z", true},
    {"calcium", "1",
     "mean calcium of the projection's synapses (dimensionless, the scale of c_pre, c_post, "
     "theta_d and theta_p), each as of its last update",
     false},
};

static void means_of(const void *params, const void *rec, double w0, double *out) {
  const fs_gb_params *gb = params;
  const gb_syn *y = rec;
  out[0] = y->rho;
  out[1] = w0 * fs_gb_weight_factor(gb, y->rho, y->z);
  out[2] = y->z;
  out[3] = gb->kappa > 0 ? w0 * y->rho / gb->rho_0 : 0.0;
  out[4] = w0 * y->z;
  out[5] = y->ca;
}

/* --- the late phase ------------------------------------------------------------------------ */

/* Quiet: no calcium and no jump to come, so until its next event rho only drifts back to rho_0
 * (kappa > 0) and no noise is drawn; at rest: and it is there. */
static bool quiet(const gb_syn *y) {
  return y->n_pend == 0 && y->ca == 0.0;
}

/* Between sessions nearly every synapse is quiet and all were last updated at the same step,
 * so one look-up of the decay factors serves a neuron's quiet synapses, which only drift (no
 * noise stream, no threshold tests: the bits of advance()); the others take the full advance. */
static double advance_early(fs_proj_part *part, const uint64_t *syn, size_t n, int64_t to,
                            const fs_synrule_env *e, uint32_t *n_alive) {
  const fs_gb_params *gb = gb_of(e);
  int64_t k_known = -1;
  fs_gb_decay d = {1.0, 1.0};
  double sum = 0.0;
  uint32_t alive = 0;
  for (size_t q = 0; q < n && q < POST_PREFETCH; q++)
    __builtin_prefetch(syn_at(part, syn[q]));
  for (size_t q = 0; q < n; q++) {
    if (q + POST_PREFETCH < n) __builtin_prefetch(syn_at(part, syn[q + POST_PREFETCH]));
    gb_syn *y = syn_at(part, syn[q]);
    alive += y->alive;
    if (!y->alive || (quiet(y) && y->rho == gb->rho_0)) continue;
    int64_t k = to - y->t_plast;
    if (quiet(y) && k > 0) {
      if (k != k_known) d = decay_of(e, k_known = k);
      y->rho = fs_gb_drift_decayed(gb, y->rho, (double)k * e->dt, &d); /* no calcium to decay */
      y->t_plast = to;
    } else {
      advance(part, syn[q], to, e);
    }
    sum += fabs(y->rho - gb->rho_0) / gb->rho_0;
  }
  *n_alive = alive;
  return sum;
}

static int tag(const fs_late_params *lp, const void *params, const void *rec) {
  return fs_consolidation_tag(lp, ((const gb_syn *)rec)->rho,
                              ((const fs_gb_params *)params)->rho_0);
}

static void form(const void *params, void *rec, int64_t now) {
  gb_syn *y = rec;
  y->rho = ((const fs_gb_params *)params)->rho_0;
  y->ca = 0.0;
  y->n_pend = 0;
  y->t_plast = now;
}

static double lasting_factor(const void *params, double z) {
  const fs_gb_params *gb = params;
  return fs_gb_weight_factor(gb, gb->rho_0, z);
}

static const char *late_only(const void *params) {
  return ((const fs_gb_params *)params)->tau_forget > 0 ? "tau_forget" : NULL;
}

static double tau_forget(const void *params) {
  return ((const fs_gb_params *)params)->tau_forget;
}

static const char *unfit(const void *params) {
  if (((const fs_gb_params *)params)->kappa > 0) return NULL;
  return "a late phase needs early change that decays (params.kappa > 0, as in preset stc); "
         "with the bistable drift nothing would fade";
}

static const fs_synrule_late gb_late = {
    .z_offset = offsetof(gb_syn, z),
    .alive_offset = offsetof(gb_syn, alive),
    .unfit = unfit,
    .advance_early = advance_early,
    .tag = tag,
    .form = form,
    .lasting_factor = lasting_factor,
    .late_only = late_only,
    .tau_forget = tau_forget,
};

/* --- the descriptor ------------------------------------------------------------------------ */

#define FIELD(f, name, type, count, units, flags, text)                                            \
  { name, type, sizeof(((gb_syn *)0)->f) / (count), count, offsetof(gb_syn, f), units, text, flags }

static const fs_synrule_field gb_fields[] = {
    FIELD(ca, "calcium", FS_REC_F64, 1, "1", FS_SYNRULE_SNAPSHOT,
          "calcium of each plastic synapse"),
    FIELD(rho, "rho", FS_REC_F64, 1, "1", FS_SYNRULE_SNAPSHOT,
          "early-phase efficacy of each plastic synapse"),
    FIELD(z, "z", FS_REC_F64, 1, "1", 0, "consolidated (late-phase) state"),
    FIELD(t_plast, "t_plast", FS_REC_I64, 1, "1", 0, "step of the last update"),
    FIELD(noise_ctr, "noise_ctr", FS_REC_U32, 1, "1", 0, "blocks of noise drawn"),
    FIELD(pend, "pend", FS_REC_U16, GB_PEND_MAX, "1", 0,
          "presynaptic calcium jumps to come, steps after t_plast"),
    FIELD(n_pend, "n_pend", FS_REC_U8, 1, "1", 0, "presynaptic calcium jumps to come"),
    FIELD(alive, "alive", FS_REC_U8, 1, "1", 0, "the synapse exists"),
};

static const char *const gb_presets[] = {"cortical", "hippocampal", "dp", "stc"};
static const char *const gb_snapshot_attrs[] = {"b", "rho_star", "rho_0", "kappa"};

static fs_status preset(const char *name, void *params, fs_error *err) {
  return fs_gb_preset(name, params, err);
}

static fs_status check(const void *params, fs_error *err) {
  return fs_gb_check(params, err);
}

static bool reads_gating(const void *params) {
  return ((const fs_gb_params *)params)->post_glu > 0;
}

static double default_up_fraction(const void *params) {
  return 1.0 - ((const fs_gb_params *)params)->beta;
}

const fs_synrule fs_synrule_graupner_brunel = {
    .name = "graupner_brunel",
    .description = "calcium-based early plasticity (Graupner & Brunel 2012), with a late phase",
    .params = fs_gb_param_specs,
    .n_params = FS_GB_N_PARAMS,
    .params_size = sizeof(fs_gb_params),
    .presets = gb_presets,
    .n_presets = sizeof gb_presets / sizeof gb_presets[0],
    .preset = preset,
    .check = check,
    .default_up_fraction = default_up_fraction,
    .needs_nmda = true,
    .reads_gating = reads_gating,
    .record_size = sizeof(gb_syn),
    .fields = gb_fields,
    .n_fields = sizeof gb_fields / sizeof gb_fields[0],
    .means = gb_means,
    .n_means = sizeof gb_means / sizeof gb_means[0],
    .snapshot_attrs = gb_snapshot_attrs,
    .n_snapshot_attrs = sizeof gb_snapshot_attrs / sizeof gb_snapshot_attrs[0],
    .init = init,
    .pre_row = pre_row,
    .post = post,
    .advance = advance,
    .peek = peek,
    .weight_factor = weight_factor,
    .means_of = means_of,
    .late = &gb_late,
    .coeff_size = sizeof(gb_coeff),
    .precompute = precompute,
};
