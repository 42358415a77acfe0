/* cohort.c - virtual cohorts: reads a cohort file (arms, subjects, design, individual
 * variability, traits), draws every subject's values from the master seed through
 * FS_RNG_SUBJECT streams, checks a crossover's wash-out with the PK of every arm, and hands the
 * runs to the sweep engine as a table (sweep_impl.h), which validates, runs and summarises
 * them. */
#include <fearsim/elementary.h>
#include <fearsim/cohort.h>
#include <fearsim/config.h>
#include <fearsim/experiment.h>
#include <fearsim/pharm.h>
#include <fearsim/rng.h>

#include "sweep_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TEXT_LEN FS_SWEEP_TEXT_LEN
#define MAX_SUBJECTS 100000L
#define MAX_TRIES 1000 /* draws of a truncated distribution before its range is refused */
#define GROUP_SEED 0u  /* FS_RNG_SUBJECT groups: the run seed, variables, traits */
#define GROUP_VARIABLE 1u
#define GROUP_TRAIT 0x8000u

static const char *const root_keys[] = {"name",     "description", "base",    "seed",
                                        "subjects", "design",      "arms",    "variability",
                                        "traits",   "analysis",    "outcomes"};
static const char *const design_keys[] = {"type", "washout"};
static const char *const designs[] = {"parallel", "crossover"};
static const char *const arm_keys[] = {"name", "description", "set"};
static const char *const variable_keys[] = {"key",   "name",    "lognormal", "normal", "uniform",
                                            "range", "integer", "source",    "arms"};
static const char *const dist_names[] = {"lognormal", "normal", "uniform"};
static const char *const trait_keys[] = {"name", "description", "source", "levels", "arms"};
static const char *const level_keys[] = {"name", "frequency", "set"};
static const char *const analysis_keys[] = {"test",      "endpoint",   "baseline",
                                            "reference", "responder",  "remission",
                                            "probes",    "probe_days", "lower_is_better"};
static const char *const tests[] = {"auto",     "welch",    "mann_whitney",
                                    "paired_t", "wilcoxon", "none"};

typedef enum dist_kind { DIST_LOGNORMAL, DIST_NORMAL, DIST_UNIFORM } dist_kind;

/* A quantity as written: its number, unit text, the SI value of one unit and its kind. */
typedef struct quantity {
  double number;
  char unit[32];
  double scale;
  fs_unit_kind kind;
} quantity;

typedef struct column {
  char name[128];
  char key[FS_CFG_PATH_LEN]; /* "" for a label */
  fs_cfg_node key_node;
  char (*text)[TEXT_LEN];
  fs_cfg_node *where;
} column;

typedef struct cohort {
  fs_config *cfg;
  const char *file;
  fs_cfg_node root;
  char base[4096];
  uint64_t seed;
  size_t n_subjects, n_arms, n_runs;
  bool crossover;
  double washout; /* s */
  column *cols;
  size_t n_cols, cap_cols;
  uint64_t *seeds;
} cohort;

/* ---- subjects and their streams -------------------------------------------------------- */

static size_t arm_of(const cohort *c, size_t run) {
  return run / c->n_subjects;
}

/* The subject a run belongs to: in a crossover the same in every arm. */
static size_t subject_of(const cohort *c, size_t run) {
  return c->crossover ? run % c->n_subjects : run;
}

static fs_rng subject_stream(const cohort *c, uint32_t group, size_t subject) {
  return fs_rng_make(c->seed, fs_rng_stream_id(FS_RNG_SUBJECT, group, (uint64_t)subject), 0);
}

/* 53 bits, so that the seed survives a trip through a double (CSV readers). */
static uint64_t subject_seed(const cohort *c, size_t subject) {
  fs_rng r = subject_stream(c, GROUP_SEED, subject);
  uint64_t lo = fs_rng_u32(&r), hi = fs_rng_u32(&r);
  return (hi << 32 | lo) & ((UINT64_C(1) << 53) - 1);
}

/* ---- columns --------------------------------------------------------------------------- */

static void cohort_free(cohort *c) {
  for (size_t i = 0; i < c->n_cols; i++) {
    free(c->cols[i].text);
    free(c->cols[i].where);
  }
  free(c->cols);
  free(c->seeds);
  fs_config_free(c->cfg);
}

static column *find_column(cohort *c, const char *key) {
  for (size_t i = 0; i < c->n_cols; i++)
    if (c->cols[i].key[0] != '\0' && strcmp(c->cols[i].key, key) == 0) return &c->cols[i];
  return NULL;
}

static fs_status add_column(cohort *c, const char *name, const char *key, fs_cfg_node at,
                            column **out, fs_error *err) {
  if (c->n_cols == c->cap_cols) {
    size_t cap = c->cap_cols ? 2 * c->cap_cols : 16;
    column *grown = realloc(c->cols, cap * sizeof *grown);
    if (grown == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    c->cols = grown;
    c->cap_cols = cap;
  }
  for (size_t i = 0; i < c->n_cols; i++)
    if (strcmp(c->cols[i].name, name) == 0)
      return fs_cfg_error(at, err,
                          "\"%s\" is already a column of the summary; give it a name:", name);
  column *col = &c->cols[c->n_cols];
  memset(col, 0, sizeof *col);
  col->text = calloc(c->n_runs, sizeof *col->text);
  col->where = calloc(c->n_runs, sizeof *col->where);
  if (col->text == NULL || col->where == NULL) {
    free(col->text);
    free(col->where);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  c->n_cols++;
  snprintf(col->name, sizeof col->name, "%s", name);
  snprintf(col->key, sizeof col->key, "%s", key != NULL ? key : "");
  col->key_node = at;
  for (size_t r = 0; r < c->n_runs; r++)
    col->where[r] = at;
  *out = col;
  return FS_OK;
}

static bool plain_name(const char *name) {
  return name[0] != '\0' && strlen(name) < 128 && strpbrk(name, "/,") == NULL;
}

/* A key that a column may set: a key path, not the seed (which the cohort gives). */
static fs_status check_key(fs_cfg_node at, const char *key, fs_error *err) {
  if (key[0] == '\0' || strlen(key) >= FS_CFG_PATH_LEN || strpbrk(key, "=/,") != NULL)
    return fs_cfg_error(at, err, "expected a key path such as \"drugs[0].dose\", got \"%s\"", key);
  if (strcmp(key, "seed") == 0)
    return fs_cfg_error(at, err, "every subject's seed comes from the cohort's seed");
  return FS_OK;
}

/* ---- arms ------------------------------------------------------------------------------ */

static fs_status check_arm_name(const cohort *c, fs_cfg_node arms, size_t a, fs_error *err) {
  const char *name = fs_cfg_scalar(fs_cfg_child(fs_cfg_item(arms, a), "name"));
  if (!plain_name(name))
    return fs_cfg_error(fs_cfg_child(fs_cfg_item(arms, a), "name"), err,
                        "expected a name without '/' or ','");
  for (size_t b = 0; b < a; b++)
    if (strcmp(fs_cfg_scalar(fs_cfg_child(fs_cfg_item(arms, b), "name")), name) == 0)
      return fs_cfg_error(fs_cfg_child(fs_cfg_item(arms, a), "name"), err,
                          "two arms are named \"%s\"", name);
  (void)c;
  return FS_OK;
}

/* One arm's overrides into the columns of its keys, for the runs of the arm. */
static fs_status read_arm_set(cohort *c, fs_cfg_node set, size_t a, fs_error *err) {
  if (fs_cfg_exists(set) && !fs_cfg_is_map(set))
    return fs_cfg_error(set, err, "expected a mapping of key paths to values");
  for (size_t i = 0; i < fs_cfg_len(set); i++) {
    const char *key = fs_cfg_key(set, i);
    fs_cfg_node v = fs_cfg_item(set, i);
    const char *text = fs_cfg_scalar(v);
    column *col = find_column(c, key);
    fs_status st = check_key(v, key, err);
    if (st != FS_OK) return st;
    if (text == NULL || text[0] == '\0' || strlen(text) >= TEXT_LEN)
      return fs_cfg_error(v, err, "expected a single value such as \"0.5 mg/kg\"");
    if (col == NULL && (st = add_column(c, key, key, v, &col, err)) != FS_OK) return st;
    for (size_t s = 0; s < c->n_subjects; s++) {
      size_t run = a * c->n_subjects + s;
      snprintf(col->text[run], TEXT_LEN, "%s", text);
      col->where[run] = v;
    }
  }
  return FS_OK;
}

static fs_status read_arms(cohort *c, fs_cfg_node arms, fs_error *err) {
  column *arm = NULL, *subject = NULL;
  fs_status st;
  if ((st = add_column(c, "arm", NULL, arms, &arm, err)) != FS_OK ||
      (st = add_column(c, "subject", NULL, arms, &subject, err)) != FS_OK)
    return st;
  for (size_t a = 0; a < c->n_arms; a++) {
    fs_cfg_node item = fs_cfg_item(arms, a);
    const char *name = NULL;
    if ((st = fs_cfg_expect_keys(item, arm_keys, COUNT(arm_keys), err)) != FS_OK ||
        (st = fs_cfg_get_string(item, "name", true, &name, err)) != FS_OK ||
        (st = check_arm_name(c, arms, a, err)) != FS_OK ||
        (st = read_arm_set(c, fs_cfg_child(item, "set"), a, err)) != FS_OK)
      return st;
  }
  arm = &c->cols[0], subject = &c->cols[1]; /* the array may have moved */
  for (size_t r = 0; r < c->n_runs; r++) {
    snprintf(arm->text[r], TEXT_LEN, "%s",
             fs_cfg_scalar(fs_cfg_child(fs_cfg_item(arms, arm_of(c, r)), "name")));
    snprintf(subject->text[r], TEXT_LEN, "s%04zu", subject_of(c, r));
  }
  return FS_OK;
}

/* `arms: [a, b]` of a variable or trait: which arms its overrides apply to (all without it).
 * in[arm] receives the answer. */
static fs_status read_arm_filter(const cohort *c, fs_cfg_node node, bool *in, fs_error *err) {
  fs_cfg_node list = fs_cfg_child(node, "arms");
  fs_cfg_node arms = fs_cfg_child(c->root, "arms");
  for (size_t a = 0; a < c->n_arms; a++)
    in[a] = !fs_cfg_exists(list);
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of arm names");
  for (size_t i = 0; i < fs_cfg_len(list); i++) {
    const char *name = fs_cfg_scalar(fs_cfg_item(list, i));
    size_t a = 0;
    while (a < c->n_arms &&
           (name == NULL ||
            strcmp(name, fs_cfg_scalar(fs_cfg_child(fs_cfg_item(arms, a), "name"))) != 0))
      a++;
    if (a == c->n_arms)
      return fs_cfg_error(fs_cfg_item(list, i), err, "\"%s\" is not the name of an arm",
                          name != NULL ? name : "");
    in[a] = true;
  }
  return FS_OK;
}

/* Clears the values of columns [first, last) in the runs of arms that in[] leaves out. */
static void apply_arm_filter(cohort *c, const bool *in, size_t first, size_t last) {
  for (size_t r = 0; r < c->n_runs; r++)
    for (size_t k = first; !in[arm_of(c, r)] && k < last; k++)
      c->cols[k].text[r][0] = '\0';
}

/* ---- variability ----------------------------------------------------------------------- */

typedef struct variable {
  dist_kind kind;
  double p0, p1; /* median and cv, mean and sd, or low and high, in the unit of p0 */
  double lo, hi; /* truncation, in the same unit */
  char unit[32];
  bool integer;
  fs_cfg_node node, range;
} variable;

static fs_status read_q(fs_cfg_node parent, const char *key, quantity *q, fs_error *err) {
  const char *text = NULL;
  fs_status st = fs_cfg_get_string(parent, key, true, &text, err);
  if (st != FS_OK) return st;
  if (!fs_sweep_split_quantity(text, &q->number, q->unit, sizeof q->unit, &q->scale, &q->kind))
    return fs_cfg_error(fs_cfg_child(parent, key), err,
                        "expected a number with its unit such as \"0.3 kg\", got \"%s\"", text);
  return FS_OK;
}

/* parent.key in the unit of ref. */
static fs_status read_in(fs_cfg_node parent, const char *key, const quantity *ref, double *out,
                         fs_error *err) {
  quantity q;
  double si;
  fs_error ignored;
  fs_status st = read_q(parent, key, &q, err);
  if (st != FS_OK) return st;
  const char *text = fs_cfg_scalar(fs_cfg_child(parent, key));
  if (fs_units_parse(text, ref->kind, &si, &ignored) != FS_OK)
    return fs_cfg_error(fs_cfg_child(parent, key), err, "expected %s like \"%.6g %s\", got \"%s\"",
                        fs_unit_kind_name(ref->kind), ref->number, ref->unit, text);
  *out = si / ref->scale;
  return FS_OK;
}

static fs_status read_dist(variable *v, fs_cfg_node g, quantity *ref, fs_error *err) {
  static const char *const lognormal_keys[] = {"median", "cv"};
  static const char *const normal_keys[] = {"mean", "sd"};
  static const char *const uniform_keys[] = {"low", "high"};
  const char *const *keys = v->kind == DIST_LOGNORMAL ? lognormal_keys
                            : v->kind == DIST_NORMAL  ? normal_keys
                                                      : uniform_keys;
  fs_status st;
  if ((st = fs_cfg_expect_keys(g, keys, 2, err)) != FS_OK || (st = read_q(g, keys[0], ref, err)))
    return st;
  v->p0 = ref->number;
  if (v->kind == DIST_LOGNORMAL) {
    st = fs_cfg_get_quantity(g, "cv", FS_UNIT_DIMENSIONLESS, true, &v->p1, err);
    if (st == FS_OK && !(v->p1 >= 0))
      return fs_cfg_error(fs_cfg_child(g, "cv"), err, "a coefficient of variation is 0 or more");
    if (st == FS_OK && !(v->p0 > 0))
      return fs_cfg_error(fs_cfg_child(g, "median"), err, "a log-normal median is above 0");
    return st;
  }
  if ((st = read_in(g, keys[1], ref, &v->p1, err)) != FS_OK) return st;
  if (v->kind == DIST_NORMAL && !(v->p1 >= 0))
    return fs_cfg_error(fs_cfg_child(g, "sd"), err, "a standard deviation is 0 or more");
  if (v->kind == DIST_UNIFORM && !(v->p1 > v->p0))
    return fs_cfg_error(g, err, "empty range: high must be above low");
  return FS_OK;
}

static fs_status read_truncation(variable *v, fs_cfg_node node, const quantity *ref,
                                 fs_error *err) {
  static const char *const range_keys[] = {"low", "high"};
  fs_cfg_node r = fs_cfg_child(node, "range");
  fs_status st;
  v->lo = -INFINITY;
  v->hi = INFINITY;
  v->range = r;
  if (!fs_cfg_exists(r)) return FS_OK;
  if ((st = fs_cfg_expect_keys(r, range_keys, 2, err)) != FS_OK ||
      (st = read_in(r, "low", ref, &v->lo, err)) != FS_OK ||
      (st = read_in(r, "high", ref, &v->hi, err)) != FS_OK)
    return st;
  if (!(v->hi > v->lo)) return fs_cfg_error(r, err, "empty range: high must be above low");
  return FS_OK;
}

static double draw_once(const variable *v, fs_rng *r) {
  switch (v->kind) {
  case DIST_LOGNORMAL:
    return v->p0 * fs_exp(sqrt(fs_log1p(v->p1 * v->p1)) * fs_rng_normal(r));
  case DIST_NORMAL:
    return v->p0 + v->p1 * fs_rng_normal(r);
  case DIST_UNIFORM:
    break;
  }
  return v->p0 + (v->p1 - v->p0) * fs_rng_uniform(r);
}

/* One subject's value: drawn again until it falls in the range (rounded first when it is a
 * whole number), so the distribution is the one truncated to the range. */
static fs_status draw(const variable *v, fs_rng *r, double *out, fs_error *err) {
  for (int i = 0; i < MAX_TRIES; i++) {
    double x = draw_once(v, r);
    if (v->integer) x = nearbyint(x);
    if (x >= v->lo && x <= v->hi) {
      *out = x;
      return FS_OK;
    }
  }
  return fs_cfg_error(fs_cfg_exists(v->range) ? v->range : v->node, err,
                      "no value of the distribution fell in the range in %d draws", MAX_TRIES);
}

static fs_status read_variable_spec(variable *v, fs_cfg_node node, fs_error *err) {
  size_t n_dist = 0, which = 0;
  quantity ref;
  fs_status st;
  v->node = node;
  for (size_t i = 0; i < COUNT(dist_names); i++)
    if (fs_cfg_exists(fs_cfg_child(node, dist_names[i]))) n_dist++, which = i;
  if (n_dist != 1)
    return fs_cfg_error(node, err, "a variable needs exactly one of lognormal, normal, uniform");
  v->kind = (dist_kind)which;
  if ((st = read_dist(v, fs_cfg_child(node, dist_names[which]), &ref, err)) != FS_OK ||
      (st = read_truncation(v, node, &ref, err)) != FS_OK ||
      (st = fs_cfg_get_bool(node, "integer", false, &v->integer, err)) != FS_OK)
    return st;
  snprintf(v->unit, sizeof v->unit, "%s", ref.unit);
  return FS_OK;
}

static void format_drawn(const variable *v, double x, char *buf, size_t len) {
  if (v->integer)
    snprintf(buf, len, "%.0f%s%s", x, v->unit[0] ? " " : "", v->unit);
  else
    fs_sweep_format_value(buf, len, x, v->unit);
}

static fs_status read_variable(cohort *c, fs_cfg_node node, size_t ordinal, fs_error *err) {
  const char *key = NULL, *name = NULL, *source = NULL;
  variable v = {0};
  column *col = NULL;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, variable_keys, COUNT(variable_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "key", true, &key, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "name", false, &name, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "source", false, &source, err)) != FS_OK ||
      (st = check_key(fs_cfg_child(node, "key"), key, err)) != FS_OK)
    return st;
  if (find_column(c, key) != NULL)
    return fs_cfg_error(fs_cfg_child(node, "key"), err,
                        "\"%s\" is already set by an arm or a "
                        "variable; a key is set by one of them",
                        key);
  if (name != NULL && !plain_name(name))
    return fs_cfg_error(fs_cfg_child(node, "name"), err, "expected a name without '/' or ','");
  if ((st = read_variable_spec(&v, node, err)) != FS_OK ||
      (st = add_column(c, name != NULL ? name : key, key, fs_cfg_child(node, "key"), &col, err)) !=
          FS_OK)
    return st;
  for (size_t r = 0; st == FS_OK && r < c->n_runs; r++) {
    fs_rng rng = subject_stream(c, GROUP_VARIABLE + (uint32_t)ordinal, subject_of(c, r));
    double x = 0;
    st = draw(&v, &rng, &x, err);
    format_drawn(&v, x, col->text[r], TEXT_LEN);
    col->where[r] = node;
  }
  bool *in = calloc(c->n_arms, sizeof *in);
  if (st == FS_OK && in == NULL) st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  if (st == FS_OK && (st = read_arm_filter(c, node, in, err)) == FS_OK)
    apply_arm_filter(c, in, c->n_cols - 1, c->n_cols);
  free(in);
  return st;
}

static fs_status read_variability(cohort *c, fs_cfg_node list, fs_error *err) {
  fs_status st = FS_OK;
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of variables");
  if (fs_cfg_len(list) >= GROUP_TRAIT - GROUP_VARIABLE)
    return fs_cfg_error(list, err, "too many variables");
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(list); i++)
    st = read_variable(c, fs_cfg_item(list, i), i, err);
  return st;
}

/* ---- traits ---------------------------------------------------------------------------- */

static fs_status read_frequencies(fs_cfg_node levels, double *cum, fs_error *err) {
  double sum = 0;
  fs_status st = FS_OK;
  for (size_t l = 0; st == FS_OK && l < fs_cfg_len(levels); l++) {
    fs_cfg_node lv = fs_cfg_item(levels, l);
    double p = 0;
    const char *name = NULL;
    if ((st = fs_cfg_expect_keys(lv, level_keys, COUNT(level_keys), err)) != FS_OK ||
        (st = fs_cfg_get_string(lv, "name", true, &name, err)) != FS_OK ||
        (st = fs_cfg_get_quantity(lv, "frequency", FS_UNIT_DIMENSIONLESS, true, &p, err)) != FS_OK)
      return st;
    if (!(p >= 0 && p <= 1))
      return fs_cfg_error(fs_cfg_child(lv, "frequency"), err, "a frequency is from 0 to 1");
    if (!plain_name(name))
      return fs_cfg_error(fs_cfg_child(lv, "name"), err, "expected a name without '/' or ','");
    sum += p;
    cum[l] = sum;
  }
  if (fabs(sum - 1.0) > 1e-6)
    return fs_cfg_error(levels, err, "the frequencies of the levels sum to %.6g, not 1", sum);
  return FS_OK;
}

/* The keys the levels set become columns; a subject of a level that does not set one has no
 * override there. */
static fs_status trait_columns(cohort *c, fs_cfg_node levels, size_t first, fs_error *err) {
  for (size_t l = 0; l < fs_cfg_len(levels); l++) {
    fs_cfg_node set = fs_cfg_child(fs_cfg_item(levels, l), "set");
    if (fs_cfg_exists(set) && !fs_cfg_is_map(set))
      return fs_cfg_error(set, err, "expected a mapping of key paths to values");
    for (size_t i = 0; i < fs_cfg_len(set); i++) {
      const char *key = fs_cfg_key(set, i);
      fs_cfg_node v = fs_cfg_item(set, i);
      column *col = find_column(c, key);
      fs_status st = check_key(v, key, err);
      if (st != FS_OK) return st;
      const char *text = fs_cfg_scalar(v);
      if (text == NULL || text[0] == '\0' || strlen(text) >= TEXT_LEN)
        return fs_cfg_error(v, err, "expected a single value such as \"0.5 mg/kg\"");
      if (col != NULL && (size_t)(col - c->cols) < first)
        return fs_cfg_error(v, err, "\"%s\" is already set by an arm or a variable", key);
      if (col == NULL && (st = add_column(c, key, key, v, &col, err)) != FS_OK) return st;
    }
  }
  return FS_OK;
}

static void assign_level(cohort *c, fs_cfg_node levels, size_t level, size_t run) {
  fs_cfg_node set = fs_cfg_child(fs_cfg_item(levels, level), "set");
  for (size_t i = 0; i < fs_cfg_len(set); i++) {
    column *col = find_column(c, fs_cfg_key(set, i));
    snprintf(col->text[run], TEXT_LEN, "%s", fs_cfg_scalar(fs_cfg_item(set, i)));
    col->where[run] = fs_cfg_item(set, i);
  }
}

static fs_status read_trait(cohort *c, fs_cfg_node node, size_t ordinal, fs_error *err) {
  const char *name = NULL, *text = NULL;
  fs_cfg_node levels = fs_cfg_child(node, "levels");
  column *col = NULL;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, trait_keys, COUNT(trait_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "name", true, &name, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "description", false, &text, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "source", false, &text, err)) != FS_OK)
    return st;
  if (!plain_name(name))
    return fs_cfg_error(fs_cfg_child(node, "name"), err, "expected a name without '/' or ','");
  if (!fs_cfg_is_seq(levels) || fs_cfg_len(levels) == 0)
    return fs_cfg_error(fs_cfg_exists(levels) ? levels : node, err, "expected a list of levels");
  double *cum = calloc(fs_cfg_len(levels), sizeof *cum);
  if (cum == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  size_t label = c->n_cols;
  if ((st = read_frequencies(levels, cum, err)) == FS_OK &&
      (st = add_column(c, name, NULL, fs_cfg_child(node, "name"), &col, err)) == FS_OK)
    st = trait_columns(c, levels, label, err);
  for (size_t r = 0; st == FS_OK && r < c->n_runs; r++) {
    fs_rng rng = subject_stream(c, GROUP_TRAIT + (uint32_t)ordinal, subject_of(c, r));
    double u = fs_rng_uniform(&rng) * cum[fs_cfg_len(levels) - 1];
    size_t l = 0;
    while (l + 1 < fs_cfg_len(levels) && u >= cum[l])
      l++;
    snprintf(c->cols[label].text[r], TEXT_LEN, "%s",
             fs_cfg_scalar(fs_cfg_child(fs_cfg_item(levels, l), "name")));
    assign_level(c, levels, l, r);
  }
  free(cum);
  /* the subject keeps its level in every arm; its effects apply in the arms named */
  bool *in = calloc(c->n_arms, sizeof *in);
  if (st == FS_OK && in == NULL) st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  if (st == FS_OK && (st = read_arm_filter(c, node, in, err)) == FS_OK)
    apply_arm_filter(c, in, label + 1, c->n_cols);
  free(in);
  return st;
}

static fs_status read_traits(cohort *c, fs_cfg_node list, fs_error *err) {
  fs_status st = FS_OK;
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of traits");
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(list); i++)
    st = read_trait(c, fs_cfg_item(list, i), i, err);
  return st;
}

/* ---- design and the crossover's wash-out ------------------------------------------------ */

static fs_status read_design(cohort *c, fs_cfg_node d, fs_error *err) {
  size_t type = 0;
  fs_status st;
  if (!fs_cfg_exists(d)) return FS_OK;
  if (fs_cfg_is_scalar(d)) {
    const char *text = fs_cfg_scalar(d);
    if (strcmp(text, "parallel") == 0) return FS_OK;
    return fs_cfg_error(d, err, "expected parallel, or {type: crossover, washout: 14 d}");
  }
  if ((st = fs_cfg_expect_keys(d, design_keys, COUNT(design_keys), err)) != FS_OK ||
      (st = fs_cfg_get_choice(d, "type", designs, COUNT(designs), true, &type, err)) != FS_OK)
    return st;
  c->crossover = type == 1;
  if (!c->crossover && fs_cfg_exists(fs_cfg_child(d, "washout")))
    return fs_cfg_error(fs_cfg_child(d, "washout"), err, "a wash-out goes with a crossover");
  if (c->crossover &&
      (st = fs_cfg_get_quantity(d, "washout", FS_UNIT_TIME, true, &c->washout, err)) != FS_OK)
    return st;
  if (c->crossover && !(c->washout > 0))
    return fs_cfg_error(fs_cfg_child(d, "washout"), err, "a wash-out is longer than 0 s");
  return FS_OK;
}

/* The time from the end of drug i's last systemic dose until its plasma concentration stays
 * below FS_COHORT_CLEARED of its peak (s; 0 if it has no systemic dose). Sampled every minute,
 * which resolves any half-life of the PK tables. */
static double clearance_time(const fs_pharmacology *ph, size_t i) {
  double t0 = INFINITY, t_end = -INFINITY, peak = 0, c = 0;
  for (size_t k = 0; k < fs_pharm_n_doses(ph); k++) {
    const fs_pharm_dose *d = fs_pharm_dose_at(ph, k);
    if (d->drug != i || d->route == FS_ROUTE_LOCAL) continue;
    t0 = fmin(t0, d->t);
    t_end = fmax(t_end, d->t + d->duration);
  }
  if (!isfinite(t0)) return 0;
  for (double t = t0; t <= t_end + 86400.0; t += 60.0) {
    fs_pharm_conc(ph, i, t, &c, NULL);
    peak = fmax(peak, c);
  }
  double t = t_end;
  for (; t < t_end + 365 * 86400.0; t += 60.0) {
    fs_pharm_conc(ph, i, t, &c, NULL);
    if (c <= FS_COHORT_CLEARED * peak) break;
  }
  return t - t_end;
}

/* The experiment of one run: the base with the run's overrides; NULL if it does not load. */
static fs_experiment_spec *run_experiment(const cohort *c, size_t run) {
  const char **list = calloc(c->n_cols + 1, sizeof *list);
  char(*ovr)[FS_SWEEP_OVERRIDE_LEN] = calloc(c->n_cols + 1, sizeof *ovr);
  size_t n = 0;
  for (size_t k = 2; list != NULL && ovr != NULL && k < c->n_cols; k++) {
    if (c->cols[k].key[0] == '\0' || c->cols[k].text[run][0] == '\0') continue;
    snprintf(ovr[n], sizeof ovr[n], "%s=%s", c->cols[k].key, c->cols[k].text[run]);
    list[n] = ovr[n];
    n++;
  }
  fs_experiment_spec *spec = NULL;
  fs_error ignored;
  if (list != NULL && ovr != NULL)
    fs_experiment_load(c->base, list, n, &spec, &ignored); /* NULL on failure */
  free(list);
  free(ovr);
  return spec;
}

/* Does every drug of every run (each subject in each arm, with its own PK) clear within the
 * wash-out? A run that does not load is left to the validation of the runs, which says why
 * at its place. */
static fs_status check_washout(const cohort *c, fs_cfg_node design, fs_error *err) {
  for (size_t run = 0; c->crossover && run < c->n_runs; run++) {
    fs_experiment_spec *spec = run_experiment(c, run);
    for (size_t i = 0; spec != NULL && spec->pharm != NULL && i < fs_pharm_n_drugs(spec->pharm);
         i++) {
      double need = clearance_time(spec->pharm, i);
      if (need <= c->washout) continue;
      fs_status st = fs_cfg_error(
          fs_cfg_child(design, "washout"), err,
          "a wash-out of %.4g h is too short: %s in arm \"%s\" (subject %s) needs %.4g h after "
          "its last dose to fall below 1/32 of its peak plasma concentration (five half-lives)",
          c->washout / 3600.0, fs_pharm_drug(spec->pharm, i)->name, c->cols[0].text[run],
          c->cols[1].text[run], need / 3600.0);
      fs_experiment_free(spec);
      return st;
    }
    fs_experiment_free(spec);
  }
  return FS_OK;
}

/* ---- analysis: what fearsim_analysis cohort compares ----------------------------------- */

static bool is_outcome(fs_cfg_node outcomes, const char *name) {
  for (size_t i = 0; i < fs_cfg_len(outcomes); i++) {
    const char *n = fs_cfg_scalar(fs_cfg_child(fs_cfg_item(outcomes, i), "name"));
    if (n != NULL && strcmp(n, name) == 0) return true;
  }
  return false;
}

static fs_status check_outcome_name(fs_cfg_node at, fs_cfg_node outcomes, fs_error *err) {
  const char *name = fs_cfg_scalar(at);
  if (name == NULL) return fs_cfg_error(at, err, "expected the name of an outcome");
  if (!is_outcome(outcomes, name))
    return fs_cfg_error(at, err, "\"%s\" is not the name of one of the outcomes:", name);
  return FS_OK;
}

static fs_status check_reference(const cohort *c, fs_cfg_node at, fs_error *err) {
  for (size_t r = 0; r < c->n_runs; r += c->n_subjects)
    if (strcmp(c->cols[0].text[r], fs_cfg_scalar(at)) == 0) return FS_OK;
  return fs_cfg_error(at, err, "\"%s\" is not the name of an arm", fs_cfg_scalar(at));
}

static fs_status check_probes(fs_cfg_node an, fs_cfg_node outcomes, fs_error *err) {
  fs_cfg_node probes = fs_cfg_child(an, "probes"), days = fs_cfg_child(an, "probe_days");
  fs_status st = FS_OK;
  if (!fs_cfg_exists(probes) && !fs_cfg_exists(days)) return FS_OK;
  if (!fs_cfg_is_seq(probes) || !fs_cfg_is_seq(days) || fs_cfg_len(probes) != fs_cfg_len(days))
    return fs_cfg_error(an, err, "probes and probe_days are two lists of the same length");
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(probes); i++) {
    double d;
    fs_error e;
    const char *text = fs_cfg_scalar(fs_cfg_item(days, i));
    st = check_outcome_name(fs_cfg_item(probes, i), outcomes, err);
    if (st == FS_OK && (text == NULL || fs_units_parse(text, FS_UNIT_DIMENSIONLESS, &d, &e)))
      st = fs_cfg_error(fs_cfg_item(days, i), err, "expected a day number such as 14");
  }
  return st;
}

static fs_status read_analysis(const cohort *c, fs_cfg_node an, fs_error *err) {
  size_t test = 0;
  double frac = 0;
  bool flag = false;
  fs_cfg_node outcomes = fs_cfg_child(c->root, "outcomes");
  fs_status st;
  if ((st = fs_cfg_expect_keys(an, analysis_keys, COUNT(analysis_keys), err)) != FS_OK ||
      (st = fs_cfg_get_choice(an, "test", tests, COUNT(tests), false, &test, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(an, "responder", FS_UNIT_DIMENSIONLESS, false, &frac, err)) !=
          FS_OK ||
      (st = fs_cfg_get_quantity(an, "remission", FS_UNIT_DIMENSIONLESS, false, &frac, err)) !=
          FS_OK ||
      (st = fs_cfg_get_bool(an, "lower_is_better", false, &flag, err)) != FS_OK)
    return st;
  const char *const names[] = {"endpoint", "baseline"};
  for (size_t i = 0; i < COUNT(names); i++)
    if (fs_cfg_exists(fs_cfg_child(an, names[i])) &&
        (st = check_outcome_name(fs_cfg_child(an, names[i]), outcomes, err)) != FS_OK)
      return st;
  if (fs_cfg_exists(fs_cfg_child(an, "reference")) &&
      (st = check_reference(c, fs_cfg_child(an, "reference"), err)) != FS_OK)
    return st;
  if ((st = check_probes(an, outcomes, err)) != FS_OK) return st;
  bool paired_test = strcmp(tests[test], "paired_t") == 0 || strcmp(tests[test], "wilcoxon") == 0;
  if (paired_test && !c->crossover)
    return fs_cfg_error(fs_cfg_child(an, "test"), err,
                        "%s compares paired subjects: it needs design: {type: crossover}",
                        tests[test]);
  if (strcmp(tests[test], "none") != 0 && c->n_subjects < 2)
    return fs_cfg_error(fs_cfg_child(c->root, "subjects"), err,
                        "a test (analysis.test: %s) needs at least 2 subjects per arm, got %zu",
                        tests[test], c->n_subjects);
  return FS_OK;
}

/* ---- load ------------------------------------------------------------------------------ */

static fs_status resolve_base(cohort *c, fs_error *err) {
  const char *base = NULL;
  fs_status st = fs_cfg_get_string(c->root, "base", true, &base, err);
  if (st != FS_OK) return st;
  const char *slash = strrchr(c->file, '/');
  int dir_len = slash != NULL && base[0] != '/' ? (int)(slash - c->file + 1) : 0;
  int n = snprintf(c->base, sizeof c->base, "%.*s%s", dir_len, c->file, base);
  if (n < 0 || (size_t)n >= sizeof c->base)
    return fs_cfg_error(fs_cfg_child(c->root, "base"), err, "path too long");
  return FS_OK;
}

static fs_status read_settings(cohort *c, fs_error *err) {
  long seed = 1, subjects = 0;
  const char *text;
  fs_cfg_node arms = fs_cfg_child(c->root, "arms");
  fs_status st;
  if ((st = fs_cfg_expect_keys(c->root, root_keys, COUNT(root_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(c->root, "name", false, &text, err)) != FS_OK ||
      (st = fs_cfg_get_string(c->root, "description", false, &text, err)) != FS_OK ||
      (st = fs_cfg_get_int(c->root, "seed", 0, 0x7fffffffffffffffL, false, &seed, err)) != FS_OK ||
      (st = fs_cfg_get_int(c->root, "subjects", 1, MAX_SUBJECTS, true, &subjects, err)) != FS_OK ||
      (st = resolve_base(c, err)) != FS_OK ||
      (st = read_design(c, fs_cfg_child(c->root, "design"), err)) != FS_OK)
    return st;
  if (!fs_cfg_is_seq(arms) || fs_cfg_len(arms) == 0 || fs_cfg_len(arms) > 1000)
    return fs_cfg_error(fs_cfg_exists(arms) ? arms : c->root, err,
                        "expected a list of 1 to 1000 arms");
  c->seed = (uint64_t)seed;
  c->n_subjects = (size_t)subjects;
  c->n_arms = fs_cfg_len(arms);
  c->n_runs = c->n_arms * c->n_subjects;
  return FS_OK;
}

static fs_status draw_seeds(cohort *c, fs_error *err) {
  c->seeds = calloc(c->n_runs, sizeof *c->seeds);
  if (c->seeds == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t r = 0; r < c->n_runs; r++)
    c->seeds[r] = subject_seed(c, subject_of(c, r));
  return FS_OK;
}

/* The columns as the sweep engine takes them. */
static fs_status make_sweep(cohort *c, fs_sweep **out, fs_error *err) {
  fs_sweep_column *cols = calloc(c->n_cols, sizeof *cols);
  if (cols == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < c->n_cols; i++)
    cols[i] = (fs_sweep_column){c->cols[i].name, c->cols[i].key[0] != '\0' ? c->cols[i].key : NULL,
                                c->cols[i].key_node, (const char(*)[TEXT_LEN])c->cols[i].text,
                                c->cols[i].where};
  fs_sweep_table t = {
      c->root, c->seed, cols, c->n_cols, c->n_runs, c->seeds, fs_cfg_child(c->root, "outcomes")};
  fs_config *cfg = c->cfg;
  c->cfg = NULL; /* the sweep owns it from here */
  fs_status st = fs_sweep_create_table(cfg, &t, out, err);
  free(cols);
  return st;
}

fs_status fs_cohort_load(const char *path, fs_sweep **out, fs_error *err) {
  cohort c;
  fs_status st;
  if (path == NULL || out == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_cohort_load: NULL argument");
  *out = NULL;
  memset(&c, 0, sizeof c);
  c.file = path;
  FS_TRY(fs_config_load(path, NULL, 0, &c.cfg, err));
  c.root = fs_config_root(c.cfg);
  if (!fs_cfg_is_map(c.root))
    FS_TRY(
        fs_error_set(err, FS_ERR_INPUT, "%s: expected a cohort (base:, arms:, subjects:)", path));
  FS_TRY(read_settings(&c, err));
  FS_TRY(read_arms(&c, fs_cfg_child(c.root, "arms"), err));
  FS_TRY(read_variability(&c, fs_cfg_child(c.root, "variability"), err));
  FS_TRY(read_traits(&c, fs_cfg_child(c.root, "traits"), err));
  FS_TRY(read_analysis(&c, fs_cfg_child(c.root, "analysis"), err));
  FS_TRY(check_washout(&c, fs_cfg_child(c.root, "design"), err));
  FS_TRY(draw_seeds(&c, err));
  FS_TRY(make_sweep(&c, out, err));
cleanup:
  cohort_free(&c);
  return st;
}

bool fs_cohort_is_file(const char *path) {
  fs_config *cfg = NULL;
  fs_error ignored;
  if (fs_config_load(path, NULL, 0, &cfg, &ignored) != FS_OK) return false;
  bool yes = fs_cfg_exists(fs_cfg_child(fs_config_root(cfg), "arms"));
  fs_config_free(cfg);
  return yes;
}
