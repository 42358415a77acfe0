/* slow.c - the slow clock over a network: tagging and capture, PRP, BDNF and spine turnover
 * for the neurons one thread owns (sim/slow_impl.h, equations in consolidation.h). */
#include <fearsim/elementary.h>
#include <fearsim/consolidation.h>
#include <fearsim/drug.h>

#include "slow_impl.h"

#include <math.h>

/* The synapses onto target j of a part: bkw[q] for q in [*q0, *q1). */
static void synapses_of(const fs_proj_part *part, fs_thread_range r, size_t j, uint64_t *q0,
                        uint64_t *q1) {
  *q0 = part->bkw_start[j - r.begin];
  *q1 = part->bkw_start[j - r.begin + 1];
}

double fs_slow_block_rest(const fs_pharmacology *ph, const fs_block_coeffs *bc, size_t pop,
                          double v_rest, double t) {
  if (ph == NULL) return 0.0;
  fs_nmda_mod m;
  fs_pharm_get_nmda_mod(ph, pop, t, &m);
  double on = bc->k_on * m.blocker_conc;
  double off = fs_drug_block_k_off(bc, v_rest);
  return on > 0 ? on / (on + off) : 0.0;
}

double fs_slow_block_at_rest(const fs_slow_ctx *c, size_t pop, double t) {
  return fs_slow_block_rest(c->pharm, &c->bc[pop], pop, c->net->spec->cons.bdnf.v_rest, t);
}

/* Brings projection k's synapses onto the thread's neurons to `to` and folds each neuron's sum
 * of its synapses' early change (the rule's advance_early hook) into esum, the PRP trigger's
 * accumulator (fs_consolidation_trigger_fold: the largest pathway mean, or the neuron's sum). */
static void advance_synapses(const fs_slow_ctx *c, size_t k, int64_t to) {
  fs_projection *proj = &c->net->projs[k];
  fs_proj_part *part = &proj->part[c->t];
  fs_thread_range r = proj->post->range[c->t];
  const fs_synrule_late *late = proj->rule->late;
  fs_prp_trigger trigger = c->net->spec->cons.late.trigger;
  double *acc = proj->post->esum;
  for (size_t j = r.begin; j < r.end; j++) {
    uint64_t q0, q1;
    uint32_t alive;
    synapses_of(part, r, j, &q0, &q1);
    double sum = late->advance_early(part, part->bkw + q0, q1 - q0, to, &c->env[k], &alive);
    acc[j] = fs_consolidation_trigger_fold(trigger, acc[j], sum, alive);
  }
}

/* BDNF and PRP of the thread's neurons of pop over h seconds ending at t_end; afterwards esum
 * holds each neuron's PRP integral over the step. */
static void update_neurons(const fs_slow_ctx *c, fs_population *pop, double h, double t_end) {
  const fs_consolidation_spec *cs = &c->net->spec->cons;
  fs_thread_range r = pop->range[c->t];
  double b_rest = fs_slow_block_at_rest(c, pop->index, t_end - 0.5 * h);
  bool ko = pop->spec->bdnf_knockout, blocked = pop->spec->mtorc1_block;
  /* the arousal after a shock suppresses the synthesis of its target populations (arousal.h) */
  const fs_experiment_spec *spec = c->net->spec;
  double gain =
      pop->spec->arousal
          ? fs_arousal_prp_gain(&spec->arousal.p, fs_experiment_arousal(spec, t_end - 0.5 * h))
          : 1.0;
  /* a session's shocks and omissions lower its target populations' threshold (salience.h) */
  double theta_factor = pop->spec->salience
                            ? fs_salience_threshold_factor(
                                  &spec->salience.p, fs_experiment_salience(spec, t_end - 0.5 * h))
                            : 1.0;
  for (size_t j = r.begin; j < r.end; j++) {
    double rate = (double)pop->spike_count[j] / h, b = pop->bdnf[j];
    pop->spike_count[j] = 0;
    double signal =
        fs_consolidation_trigger_signal(cs->late.trigger, pop->esum[j], pop->n_alive[j]);
    int on = signal > fs_consolidation_theta_pro(&cs->late, &cs->bdnf, b) * theta_factor;
    double alpha = fs_consolidation_prp_alpha(&cs->late, &cs->bdnf, b, blocked) * gain;
    pop->prp[j] =
        fs_consolidation_prp_step(pop->prp[j], on, alpha, cs->late.tau_p, h, &pop->esum[j]);
    pop->bdnf[j] = fs_consolidation_bdnf_step(
        b, fs_consolidation_bdnf_production(&cs->bdnf, rate, b_rest, ko), cs->bdnf.tau, h);
  }
}

/* Capture: each tagged synapse's z moves with the PRP its neuron had over the step. */
static void capture(const fs_slow_ctx *c, size_t k) {
  fs_projection *proj = &c->net->projs[k];
  fs_proj_part *part = &proj->part[c->t];
  const fs_late_params *lp = &c->net->spec->cons.late;
  const fs_synrule *rule = proj->rule;
  const double *p_int = proj->post->esum;
  for (uint64_t s = 0; s < part->n_syn; s++) {
    uint32_t j = part->target[s];
    if (p_int[j] == 0.0 || !fs_synrule_alive(rule, part, s)) continue; /* record untouched */
    double *z = fs_synrule_z(rule, part, s);
    int tag = rule->late->tag(lp, proj->rule_params, fs_synrule_rec(part, rule->record_size, s));
    *z = fs_consolidation_z_step(*z, tag, p_int[j], lp->tau_z);
  }
}

/* Forgetting: consolidated potentiation (z > 0) relaxes to 0 (a modelling choice for memories
 * held in labile synapses; off unless tau_forget is set). Negative z is left alone: it is
 * consolidated depression or an immature spine (z_new), which must not mature by forgetting. */
static void forget(const fs_slow_ctx *c, size_t k, double h) {
  const fs_projection *proj = &c->net->projs[k];
  fs_proj_part *part = &proj->part[c->t];
  const double keep = fs_exp(-h / proj->rule->late->tau_forget(proj->rule_params));
  for (uint64_t s = 0; s < part->n_syn; s++) {
    double *z = fs_synrule_z(proj->rule, part, s);
    if (*z > 0.0) *z *= keep;
  }
}

/* Draws from a Poisson distribution of mean m by inversion (m is small: a few per step). */
static unsigned poisson_draw(fs_rng *r, double m) {
  double u = fs_rng_uniform(r), p = fs_exp(-m), cdf = p;
  unsigned n = 0;
  while (u > cdf && n < 100000) {
    n++;
    p *= m / n;
    cdf += p;
    if (p < 1e-300) break;
  }
  return n;
}

static void form_synapse(const fs_projection *proj, fs_proj_part *part, uint64_t s, double z_new,
                         int64_t now) {
  const fs_synrule *rule = proj->rule;
  fs_synrule_set_alive(rule, part, s, true);
  rule->late->form(proj->rule_params, fs_synrule_rec(part, rule->record_size, s), now);
  *fs_synrule_z(rule, part, s) = z_new;
}

/* Spine turnover of neuron j's synapses of projection k: weak ones (by their lasting weight,
 * 1 + z) are eliminated, new ones formed from the reserve, immature (z = z_new). */
static void turnover(const fs_slow_ctx *c, size_t k, size_t j, double h, int64_t to) {
  fs_projection *proj = &c->net->projs[k];
  fs_proj_part *part = &proj->part[c->t];
  fs_population *pop = proj->post;
  const fs_spine_params *sp = &c->net->spec->cons.spines;
  const fs_synrule *rule = proj->rule;
  fs_rng rng = fs_rng_make(c->net->spec->seed, fs_rng_stream_id(FS_RNG_SPINES, (uint32_t)k, j),
                           (uint64_t)to);
  double p_elim = fs_consolidation_spine_elimination(sp, h);
  uint64_t q0, q1, dormant = 0;
  synapses_of(part, pop->range[c->t], j, &q0, &q1);
  for (uint64_t q = q0; q < q1; q++) {
    uint64_t s = part->bkw[q];
    if (!fs_synrule_alive(rule, part, s)) {
      dormant++;
      continue;
    }
    /* weak by its lasting weight: early change fades, what is captured stays */
    if (rule->late->lasting_factor(proj->rule_params, *fs_synrule_z(rule, part, s)) < sp->weak &&
        fs_rng_uniform(&rng) < p_elim) {
      fs_synrule_set_alive(rule, part, s, false);
      pop->n_alive[j]--;
    }
  }
  double signal = fs_consolidation_mtorc1_signal(pop->bdnf[j], pop->spec->mtorc1_block);
  unsigned n_new =
      poisson_draw(&rng, fs_consolidation_spine_formation(sp, signal, pop->n_start[j], h));
  for (; n_new > 0 && dormant > 0; n_new--, dormant--) {
    uint64_t pick = fs_rng_below(&rng, dormant), seen = 0;
    for (uint64_t q = q0; q < q1; q++) {
      if (fs_synrule_alive(rule, part, part->bkw[q]) || seen++ != pick) continue;
      form_synapse(proj, part, part->bkw[q], sp->z_new, to);
      pop->n_alive[j]++;
      break;
    }
  }
  *c->pool_empty += n_new;
}

void fs_slow_step(const fs_slow_ctx *c, int64_t from, int64_t to) {
  fs_network *net = c->net;
  double dt = net->dt, h = (double)(to - from) * dt;
  if (to <= from) return;
  for (size_t i = 0; i < net->n_pops; i++) {
    fs_population *pop = &net->pops[i];
    for (size_t j = pop->range[c->t].begin; pop->esum && j < pop->range[c->t].end; j++)
      pop->esum[j] = 0.0;
  }
  for (size_t k = 0; k < net->n_projs; k++)
    if (net->projs[k].late) advance_synapses(c, k, to);
  for (size_t i = 0; i < net->n_pops; i++)
    if (net->pops[i].bdnf) update_neurons(c, &net->pops[i], h, (double)to * dt);
  for (size_t k = 0; k < net->n_projs; k++) {
    const fs_projection *proj = &net->projs[k];
    if (!proj->late) continue;
    capture(c, k);
    if (proj->rule->late->tau_forget(proj->rule_params) > 0) forget(c, k, h);
    if (proj->spec->plastic.reserve <= 0) continue;
    for (size_t j = proj->post->range[c->t].begin; j < proj->post->range[c->t].end; j++)
      turnover(c, k, j, h, to);
  }
}
