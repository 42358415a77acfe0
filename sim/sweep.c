/* sweep.c - parameter sweeps: reads a sweep file, expands its axes into points and runs,
 * validates every point against the base experiment, keeps the state of each run in the results
 * folder, and gathers the finished ones into a summary (HDF5 through the record module, and
 * CSV). The program (sim/cli/sweep_pool.c) runs them. */
#include <fearsim/elementary.h>
#include <fearsim/config.h>
#include <fearsim/experiment.h>
#include <fearsim/fileio.h>
#include <fearsim/hash.h>
#include <fearsim/outputs.h>
#include <fearsim/record.h>
#include <fearsim/record_reader.h>
#include <fearsim/registry.h>
#include <fearsim/rng.h>
#include <fearsim/sweep.h>
#include <fearsim/units.h>

#include "sweep_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RUNS 100000000UL       /* a sweep larger than this is a mistake */
#define TEXT_LEN FS_SWEEP_TEXT_LEN /* an axis value as text */
#define OVR_LEN FS_SWEEP_OVERRIDE_LEN
_Static_assert(OVR_LEN == FS_CFG_PATH_LEN + TEXT_LEN + 8, "a key path, = and a value");
#define PATH_LEN 4096

static const char *const root_keys[] = {"name",       "description", "base", "seed",    "seeds",
                                        "replicates", "design",      "axes", "crossed", "outcomes"};
static const char *const designs[] = {"grid", "one_at_a_time"};
static const char *const axis_keys[] = {"key",      "name",   "values", "linspace",
                                        "logspace", "random", "lhs"};
static const char *const generators[] = {"values", "linspace", "logspace", "random", "lhs"};
static const char *const space_keys[] = {"from", "to", "num"};
static const char *const sample_keys[] = {"low", "high", "n", "log"};
static const char *const outcome_keys[] = {"name", "dataset", "reduce", "time", "index", "unit"};
static const char *const reduce_names[] = {"max", "min", "mean", "first", "last", "at", "index"};
static const char *const seed_modes[] = {"independent", "common"};

typedef enum gen_kind { GEN_VALUES, GEN_LINSPACE, GEN_LOGSPACE, GEN_RANDOM, GEN_LHS } gen_kind;

typedef enum sweep_reduce {
  REDUCE_MAX,
  REDUCE_MIN,
  REDUCE_MEAN,
  REDUCE_FIRST,
  REDUCE_LAST,
  REDUCE_AT,
  REDUCE_INDEX
} sweep_reduce;

typedef struct sweep_outcome {
  char name[128];
  char dataset[256];
  sweep_reduce reduce;
  double time;       /* s, for REDUCE_AT */
  long index;        /* row for REDUCE_INDEX, negative from the end */
  char unit[64];     /* requested unit; "" keeps the dataset's */
  fs_cfg_node where; /* its dataset: in the sweep file, for errors */
} sweep_outcome;

typedef struct sweep_axis {
  char name[128];
  char key[FS_CFG_PATH_LEN];
  fs_cfg_node key_node;
  size_t n;
  char (*text)[TEXT_LEN]; /* values as passed to --set */
  double *si;             /* SI values, NaN where not a quantity */
  fs_cfg_node *where;     /* per value: its place in the sweep file */
  bool numeric;
  char unit[32];            /* SI unit of the values */
  size_t group;             /* grid dimension; zipped axes share one */
  bool label;               /* a column of a table that is passed to no run (a cohort's arm name) */
  char base_text[TEXT_LEN]; /* one_at_a_time: the base experiment's value as written, or "" */
} sweep_axis;

struct fs_sweep {
  fs_config *cfg;
  char *file;
  char base[PATH_LEN];
  uint64_t seed;
  bool common_seeds;
  bool one_at_a_time; /* design: one_at_a_time */
  size_t replicates;
  sweep_axis *axes;
  size_t n_axes;
  size_t *group_len, *group_stride;
  size_t n_groups;
  size_t n_points;
  sweep_outcome *outcomes;
  size_t n_outcomes;
  uint64_t fingerprint;
  uint64_t *run_seeds; /* a table's seeds, one per run; NULL for a grid */
};

/* snprintf that may truncate on purpose (paths and messages are bounded). */
static void fmt(char *buf, size_t len, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t len, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  vsnprintf(buf, len, format, ap);
  va_end(ap);
}

/* ---- quantities as text ---------------------------------------------------------------- */

/* The SI value and kind of a quantity of any kind ("20 min" -> 1200, time); false if text
 * is not a quantity. */
static bool parse_any(const char *text, double *si, fs_unit_kind *kind) {
  fs_error e;
  for (int k = 0; k < FS_UNIT_KIND_COUNT; k++) {
    if (fs_units_parse(text, (fs_unit_kind)k, si, &e) == FS_OK) {
      *kind = (fs_unit_kind)k;
      return true;
    }
  }
  return false;
}

static const char *article(fs_unit_kind k) {
  return strchr("aeiou", fs_unit_kind_name(k)[0]) != NULL ? "an" : "a";
}

/* Splits "20 min" into 20 and "min" and gives the SI value of one such unit. */
bool fs_sweep_split_quantity(const char *text, double *number, char *unit, size_t len,
                             double *scale, fs_unit_kind *kind) {
  char *end;
  errno = 0;
  *number = strtod(text, &end);
  if (end == text || errno != 0 || !isfinite(*number)) return false;
  while (isspace((unsigned char)*end))
    end++;
  snprintf(unit, len, "%s", end);
  char one[TEXT_LEN];
  snprintf(one, sizeof one, "1 %s", unit);
  return parse_any(unit[0] != '\0' ? one : "1", scale, kind);
}

/* A number in a unit, as text that the unit parser reads back: "0.25 mg/kg". */
void fs_sweep_format_value(char *buf, size_t len, double number, const char *unit) {
  snprintf(buf, len, "%.12g%s%s", number, unit[0] != '\0' ? " " : "", unit);
}

/* ---- reading the sweep file ------------------------------------------------------------ */

static fs_status axis_alloc(sweep_axis *a, size_t n, fs_cfg_node at, fs_error *err) {
  if (n == 0) return fs_cfg_error(at, err, "an axis needs at least one value");
  if (n > MAX_RUNS) return fs_cfg_error(at, err, "more than %lu values", MAX_RUNS);
  a->n = n;
  a->text = calloc(n, sizeof *a->text);
  a->si = calloc(n, sizeof *a->si);
  a->where = calloc(n, sizeof *a->where);
  if (a->text == NULL || a->si == NULL || a->where == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    a->where[i] = at;
  return FS_OK;
}

static fs_status read_values(sweep_axis *a, fs_cfg_node list, fs_error *err) {
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of values");
  fs_status st = axis_alloc(a, fs_cfg_len(list), list, err);
  for (size_t i = 0; st == FS_OK && i < a->n; i++) {
    fs_cfg_node v = fs_cfg_item(list, i);
    const char *text = fs_cfg_scalar(v);
    a->where[i] = v;
    if (text == NULL) return fs_cfg_error(v, err, "expected a single value such as \"0.5 mg/kg\"");
    if (strlen(text) >= TEXT_LEN || text[0] == '\0')
      return fs_cfg_error(v, err, "expected a value of 1 to %d characters", TEXT_LEN - 1);
    snprintf(a->text[i], TEXT_LEN, "%s", text);
  }
  return st;
}

/* Reads parent.key as a quantity of any kind: its number, unit text, SI scale and kind. */
static fs_status read_bound(fs_cfg_node parent, const char *key, double *number, char *unit,
                            double *scale, fs_unit_kind *kind, fs_error *err) {
  const char *text = NULL;
  fs_status st = fs_cfg_get_string(parent, key, true, &text, err);
  if (st != FS_OK) return st;
  if (!fs_sweep_split_quantity(text, number, unit, 32, scale, kind))
    return fs_cfg_error(fs_cfg_child(parent, key), err,
                        "expected a number with a unit such as \"0.5 mg/kg\", got \"%s\"", text);
  return FS_OK;
}

/* Reads low/high (or from/to) as two numbers in the unit of the first; they must share a
 * dimension. */
static fs_status read_range(fs_cfg_node g, const char *k0, const char *k1, bool positive,
                            double *lo, double *hi, char *unit, fs_error *err) {
  double s0, s1;
  fs_unit_kind q0, q1;
  char unit1[32];
  fs_status st;
  if ((st = read_bound(g, k0, lo, unit, &s0, &q0, err)) != FS_OK ||
      (st = read_bound(g, k1, hi, unit1, &s1, &q1, err)) != FS_OK)
    return st;
  double si0 = *lo * s0, si1 = *hi * s1, dummy;
  fs_error e;
  if (fs_units_parse(fs_cfg_scalar(fs_cfg_child(g, k1)), q0, &dummy, &e) != FS_OK)
    return fs_cfg_error(fs_cfg_child(g, k1), err, "\"%s\" is %s %s, but %s \"%s\" is %s %s",
                        fs_cfg_scalar(fs_cfg_child(g, k1)), article(q1), fs_unit_kind_name(q1), k0,
                        fs_cfg_scalar(fs_cfg_child(g, k0)), article(q0), fs_unit_kind_name(q0));
  *hi = si1 / s0; /* in the unit of the first bound */
  if (positive && !(si0 > 0 && si1 > 0))
    return fs_cfg_error(g, err, "a logarithmic range needs %s and %s above 0", k0, k1);
  return FS_OK;
}

static fs_status read_space(sweep_axis *a, fs_cfg_node g, bool log_space, fs_error *err) {
  double lo, hi;
  char unit[32];
  long num = 0;
  fs_status st;
  if ((st = fs_cfg_expect_keys(g, space_keys, COUNT(space_keys), err)) != FS_OK ||
      (st = read_range(g, "from", "to", log_space, &lo, &hi, unit, err)) != FS_OK ||
      (st = fs_cfg_get_int(g, "num", 1, (long)MAX_RUNS, true, &num, err)) != FS_OK ||
      (st = axis_alloc(a, (size_t)num, g, err)) != FS_OK)
    return st;
  for (size_t i = 0; i < a->n; i++) {
    double f = a->n > 1 ? (double)i / (double)(a->n - 1) : 0.0;
    double v = log_space ? lo * fs_pow(hi / lo, f) : lo + f * (hi - lo);
    if (i + 1 == a->n && a->n > 1) v = hi;
    fs_sweep_format_value(a->text[i], TEXT_LEN, v, unit);
  }
  return FS_OK;
}

/* Uniform draws in [low, high) (log: uniform in log), or a Latin-hypercube column: the range
 * cut into n strata, one draw in each, in a random order. The stream is the axis' ordinal, so
 * the values depend only on the master seed and the axis' place in the file. */
static fs_status read_samples(sweep_axis *a, fs_cfg_node g, bool lhs, uint64_t seed, size_t ordinal,
                              fs_error *err) {
  double lo, hi;
  char unit[32];
  long num = 0;
  bool log_scale = false;
  fs_status st;
  if ((st = fs_cfg_expect_keys(g, sample_keys, COUNT(sample_keys), err)) != FS_OK ||
      (st = fs_cfg_get_bool(g, "log", false, &log_scale, err)) != FS_OK ||
      (st = read_range(g, "low", "high", log_scale, &lo, &hi, unit, err)) != FS_OK ||
      (st = fs_cfg_get_int(g, "n", 1, (long)MAX_RUNS, true, &num, err)) != FS_OK ||
      (st = axis_alloc(a, (size_t)num, g, err)) != FS_OK)
    return st;
  if (!(lo < hi)) return fs_cfg_error(fs_cfg_child(g, "high"), err, "high must be above low");
  size_t *perm = calloc(a->n, sizeof *perm);
  if (perm == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  fs_rng r = fs_rng_make(seed, 0x5357ULL << 48 | (uint64_t)ordinal, 0);
  for (size_t i = 0; i < a->n; i++)
    perm[i] = i;
  for (size_t i = a->n; lhs && i > 1; i--) {
    size_t j = (size_t)fs_rng_below(&r, i);
    size_t t = perm[i - 1];
    perm[i - 1] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < a->n; i++) {
    double u = fs_rng_uniform(&r);
    double f = lhs ? ((double)perm[i] + u) / (double)a->n : u;
    double v = log_scale ? lo * fs_pow(hi / lo, f) : lo + f * (hi - lo);
    fs_sweep_format_value(a->text[i], TEXT_LEN, v, unit);
  }
  free(perm);
  return FS_OK;
}

/* SI values and unit of an axis: every value a quantity of one dimension, or none. */
static fs_status classify_values(sweep_axis *a, fs_error *err) {
  fs_unit_kind first = FS_UNIT_DIMENSIONLESS;
  size_t n_numeric = 0, first_at = 0, n_empty = 0;
  for (size_t i = 0; i < a->n; i++) {
    fs_unit_kind k;
    a->si[i] = NAN;
    if (a->text[i][0] == '\0') n_empty++;
    if (a->text[i][0] == '\0' || !parse_any(a->text[i], &a->si[i], &k)) continue;
    if (n_numeric == 0) first = k, first_at = i;
    double dummy;
    fs_error e;
    if (fs_units_parse(a->text[i], first, &dummy, &e) != FS_OK)
      return fs_cfg_error(a->where[i], err, "\"%s\" is %s %s, but \"%s\" is %s %s", a->text[i],
                          article(k), fs_unit_kind_name(k), a->text[first_at], article(first),
                          fs_unit_kind_name(first));
    n_numeric++;
  }
  if (n_numeric > 0 && n_numeric + n_empty < a->n) {
    for (size_t i = 0; i < a->n; i++)
      if (isnan(a->si[i]) && a->text[i][0] != '\0')
        return fs_cfg_error(a->where[i], err, "expected %s like \"%s\", got \"%s\"",
                            fs_unit_kind_name(first), a->text[first_at], a->text[i]);
  }
  a->numeric = n_numeric > 0;
  snprintf(a->unit, sizeof a->unit, "%s", a->numeric ? fs_unit_kind_si(first) : "");
  return FS_OK;
}

static fs_status read_axis(fs_sweep *s, fs_cfg_node node, size_t group, fs_error *err) {
  sweep_axis *a = &s->axes[s->n_axes];
  const char *key = NULL, *name = NULL;
  fs_status st;
  a->group = group;
  if ((st = fs_cfg_expect_keys(node, axis_keys, COUNT(axis_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "key", true, &key, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "name", false, &name, err)) != FS_OK)
    return st;
  a->key_node = fs_cfg_child(node, "key");
  if (strlen(key) >= sizeof a->key || key[0] == '\0' || strchr(key, '=') != NULL)
    return fs_cfg_error(a->key_node, err, "expected a key path such as \"drugs[0].dose\"");
  if (strcmp(key, "seed") == 0)
    return fs_cfg_error(a->key_node, err,
                        "the seed of every run comes from the sweep's seed and replicates");
  snprintf(a->key, sizeof a->key, "%s", key);
  snprintf(a->name, sizeof a->name, "%s", name != NULL ? name : key);
  if (strchr(a->name, '/') != NULL || strchr(a->name, ',') != NULL || a->name[0] == '\0')
    return fs_cfg_error(fs_cfg_child(node, name != NULL ? "name" : "key"), err,
                        "a column name needs no '/' or ','; give the axis a name:");
  size_t n_gen = 0, gen = 0;
  for (size_t i = 0; i < COUNT(generators); i++)
    if (fs_cfg_exists(fs_cfg_child(node, generators[i]))) n_gen++, gen = i;
  if (n_gen != 1)
    return fs_cfg_error(node, err,
                        "an axis needs exactly one of values, linspace, logspace, random, lhs");
  fs_cfg_node g = fs_cfg_child(node, generators[gen]);
  size_t ordinal = s->n_axes;
  s->n_axes++; /* counted now, so that fs_sweep_free releases what read_* allocated */
  switch ((gen_kind)gen) {
  case GEN_VALUES:
    st = read_values(a, g, err);
    break;
  case GEN_LINSPACE:
  case GEN_LOGSPACE:
    st = read_space(a, g, gen == GEN_LOGSPACE, err);
    break;
  case GEN_RANDOM:
  case GEN_LHS:
    st = read_samples(a, g, gen == GEN_LHS, s->seed, ordinal, err);
    break;
  }
  if (st == FS_OK) st = classify_values(a, err);
  for (size_t i = 0; st == FS_OK && i + 1 < s->n_axes; i++) {
    if (strcmp(s->axes[i].key, a->key) == 0)
      st = fs_cfg_error(a->key_node, err, "\"%s\" is already an axis", a->key);
    else if (strcmp(s->axes[i].name, a->name) == 0)
      st = fs_cfg_error(node, err, "two axes are named \"%s\"; give one a name:", a->name);
  }
  return st;
}

/* Counts the axes of the list, zipped ones one by one, to size the axis array. */
static size_t count_axes(fs_cfg_node list) {
  size_t n = 0;
  for (size_t i = 0; i < fs_cfg_len(list); i++) {
    fs_cfg_node zip = fs_cfg_child(fs_cfg_item(list, i), "zip");
    n += fs_cfg_is_seq(zip) ? fs_cfg_len(zip) : 1;
  }
  return n;
}

static fs_status read_zip(fs_sweep *s, fs_cfg_node item, size_t group, fs_error *err) {
  static const char *const zip_keys[] = {"zip"};
  fs_cfg_node zip = fs_cfg_child(item, "zip");
  fs_status st = fs_cfg_expect_keys(item, zip_keys, 1, err);
  if (st != FS_OK) return st;
  if (!fs_cfg_is_seq(zip) || fs_cfg_len(zip) == 0)
    return fs_cfg_error(zip, err, "expected a list of axes that vary together");
  size_t first = s->n_axes;
  for (size_t j = 0; st == FS_OK && j < fs_cfg_len(zip); j++) {
    fs_cfg_node ax = fs_cfg_item(zip, j);
    if ((st = read_axis(s, ax, group, err)) == FS_OK &&
        s->axes[s->n_axes - 1].n != s->axes[first].n)
      st = fs_cfg_error(ax, err,
                        "zipped axes need the same number of values: %zu here, %zu in the first",
                        s->axes[s->n_axes - 1].n, s->axes[first].n);
  }
  return st;
}

/* The groups of one list of axes (axes: or crossed:), numbered from s->n_groups on. */
static fs_status read_axis_list(fs_sweep *s, fs_cfg_node list, fs_error *err) {
  fs_status st = FS_OK;
  if (!fs_cfg_exists(list)) return FS_OK;
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(list); i++) {
    fs_cfg_node item = fs_cfg_item(list, i);
    size_t g = s->n_groups++;
    if (fs_cfg_exists(fs_cfg_child(item, "zip")))
      st = read_zip(s, item, g, err);
    else
      st = read_axis(s, item, g, err);
    if (st == FS_OK) s->group_len[g] = s->axes[s->n_axes - 1].n;
  }
  return st;
}

static fs_status read_axes(fs_sweep *s, fs_cfg_node list, fs_cfg_node crossed, fs_error *err) {
  if (!fs_cfg_exists(list) && !fs_cfg_exists(crossed)) return FS_OK; /* one point, replicates */
  if (fs_cfg_exists(list) && !fs_cfg_is_seq(list))
    return fs_cfg_error(list, err, "expected a list of axes");
  if (fs_cfg_exists(crossed) && !fs_cfg_is_seq(crossed))
    return fs_cfg_error(crossed, err, "expected a list of axes");
  if (fs_cfg_exists(crossed) && !s->one_at_a_time)
    return fs_cfg_error(crossed, err,
                        "crossed axes go with design: one_at_a_time (in a grid every axis is "
                        "crossed with every other: list them under axes:)");
  size_t n = count_axes(list) + count_axes(crossed);
  size_t groups = fs_cfg_len(list) + fs_cfg_len(crossed);
  s->axes = calloc(n + 1, sizeof *s->axes);
  s->group_len = calloc(groups + 1, sizeof *s->group_len);
  s->group_stride = calloc(groups + 1, sizeof *s->group_stride);
  if (s->axes == NULL || s->group_len == NULL || s->group_stride == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  fs_status st = read_axis_list(s, list, err);
  return st == FS_OK ? read_axis_list(s, crossed, err) : st;
}

/* Axis a spread over `points` points: its values at [at, at + a->n), no value (the base
 * experiment's) elsewhere. */
static fs_status spread_axis(sweep_axis *a, size_t points, size_t at, fs_error *err) {
  sweep_axis old = *a;
  fs_status st = axis_alloc(a, points, a->key_node, err);
  for (size_t i = 0; st == FS_OK && i < old.n; i++) {
    memcpy(a->text[at + i], old.text[i], TEXT_LEN);
    a->where[at + i] = old.where[i];
  }
  free(old.text);
  free(old.si);
  free(old.where);
  return st == FS_OK ? classify_values(a, err) : st;
}

/* Each varied axis's value in the base experiment, as the file writes it ("" if the file
 * leaves it to the default): the point the sensitivity is measured around. */
static fs_status read_base_values(fs_sweep *s, size_t n_varied, fs_error *err) {
  fs_config *cfg = NULL;
  fs_status st = fs_config_load(s->base, NULL, 0, &cfg, err);
  for (size_t i = 0; st == FS_OK && i < s->n_axes; i++) {
    const char *v = s->axes[i].group < n_varied
                        ? fs_cfg_scalar(fs_cfg_at(fs_config_root(cfg), s->axes[i].key))
                        : NULL;
    snprintf(s->axes[i].base_text, TEXT_LEN, "%s", v != NULL ? v : "");
  }
  fs_config_free(cfg);
  return st;
}

/* design: one_at_a_time. Point 0 is the base experiment; then each group of axes: varies
 * alone, its values in order, every other key left as the base file has it. These points are
 * the first dimension of the grid, the groups of crossed: the others. */
static fs_status vary_one_at_a_time(fs_sweep *s, size_t n_varied, fs_cfg_node root, fs_error *err) {
  size_t points = 1;
  for (size_t g = 0; g < n_varied; g++)
    points += s->group_len[g];
  if (points > MAX_RUNS)
    return fs_cfg_error(fs_cfg_child(root, "axes"), err, "more than %lu points", MAX_RUNS);
  fs_status st = read_base_values(s, n_varied, err);
  for (size_t i = 0; st == FS_OK && i < s->n_axes; i++) {
    sweep_axis *a = &s->axes[i];
    if (a->group < n_varied) {
      size_t start = 1;
      for (size_t g = 0; g < a->group; g++)
        start += s->group_len[g];
      st = spread_axis(a, points, start, err);
      a->group = 0;
    } else {
      a->group = a->group - n_varied + 1;
    }
  }
  for (size_t g = n_varied; g < s->n_groups; g++)
    s->group_len[g - n_varied + 1] = s->group_len[g];
  s->group_len[0] = points;
  s->n_groups = s->n_groups - n_varied + 1;
  return st;
}

/* Strides of the grid, the last group varying fastest (like nested loops in file order). */
static fs_status size_grid(fs_sweep *s, fs_cfg_node root, fs_error *err) {
  size_t n = 1;
  for (size_t g = s->n_groups; g-- > 0;) {
    s->group_stride[g] = n;
    if (s->group_len[g] > MAX_RUNS / n)
      return fs_cfg_error(fs_cfg_child(root, "axes"), err, "the grid has more than %lu points",
                          MAX_RUNS);
    n *= s->group_len[g];
  }
  if (s->replicates > MAX_RUNS / n)
    return fs_cfg_error(fs_cfg_child(root, "replicates"), err, "more than %lu runs", MAX_RUNS);
  s->n_points = n;
  return FS_OK;
}

static fs_status read_outcome(sweep_outcome *o, fs_cfg_node node, fs_error *err) {
  const char *name = NULL, *dataset = NULL, *unit = NULL;
  size_t reduce = 0;
  fs_status st;
  if ((st = fs_cfg_expect_keys(node, outcome_keys, COUNT(outcome_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "name", true, &name, err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "dataset", true, &dataset, err)) != FS_OK ||
      (st = fs_cfg_get_choice(node, "reduce", reduce_names, COUNT(reduce_names), true, &reduce,
                              err)) != FS_OK ||
      (st = fs_cfg_get_string(node, "unit", false, &unit, err)) != FS_OK)
    return st;
  if (strlen(name) >= sizeof o->name || name[0] == '\0' || strchr(name, '/') || strchr(name, ','))
    return fs_cfg_error(fs_cfg_child(node, "name"), err, "expected a name without '/' or ','");
  if (dataset[0] != '/' || strlen(dataset) >= sizeof o->dataset)
    return fs_cfg_error(fs_cfg_child(node, "dataset"), err,
                        "expected an HDF5 path such as \"/timeline/ketamine_plasma_uM\"");
  snprintf(o->name, sizeof o->name, "%s", name);
  snprintf(o->dataset, sizeof o->dataset, "%s", dataset);
  o->where = fs_cfg_child(node, "dataset");
  o->reduce = (sweep_reduce)reduce;
  bool wants_time = o->reduce == REDUCE_AT, wants_index = o->reduce == REDUCE_INDEX;
  if ((st = fs_cfg_get_quantity(node, "time", FS_UNIT_TIME, wants_time, &o->time, err)) != FS_OK ||
      (st = fs_cfg_get_int(node, "index", -(long)MAX_RUNS, (long)MAX_RUNS, wants_index, &o->index,
                           err)) != FS_OK)
    return st;
  if (!wants_time && fs_cfg_exists(fs_cfg_child(node, "time")))
    return fs_cfg_error(fs_cfg_child(node, "time"), err, "time: goes with reduce: at");
  if (!wants_index && fs_cfg_exists(fs_cfg_child(node, "index")))
    return fs_cfg_error(fs_cfg_child(node, "index"), err, "index: goes with reduce: index");
  double si;
  fs_unit_kind kind;
  char one[96];
  snprintf(one, sizeof one, "1 %s", unit != NULL ? unit : "");
  if (unit != NULL && (strlen(unit) >= sizeof o->unit || !parse_any(one, &si, &kind)))
    return fs_cfg_error(fs_cfg_child(node, "unit"), err, "expected a unit such as \"ng/mL\"");
  snprintf(o->unit, sizeof o->unit, "%s", unit != NULL ? unit : "");
  return FS_OK;
}

static fs_status read_outcomes(fs_sweep *s, fs_cfg_node list, fs_error *err) {
  fs_status st = FS_OK;
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of outcomes");
  s->outcomes = calloc(fs_cfg_len(list) + 1, sizeof *s->outcomes);
  if (s->outcomes == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(list); i++) {
    st = read_outcome(&s->outcomes[i], fs_cfg_item(list, i), err);
    for (size_t j = 0; st == FS_OK && j < i; j++)
      if (strcmp(s->outcomes[j].name, s->outcomes[i].name) == 0)
        st = fs_cfg_error(fs_cfg_child(fs_cfg_item(list, i), "name"), err,
                          "two outcomes are named \"%s\"", s->outcomes[i].name);
    for (size_t a = 0; st == FS_OK && a < s->n_axes; a++)
      if (strcmp(s->axes[a].name, s->outcomes[i].name) == 0)
        st = fs_cfg_error(fs_cfg_child(fs_cfg_item(list, i), "name"), err,
                          "\"%s\" is already the name of an axis", s->outcomes[i].name);
    s->n_outcomes = i + 1;
  }
  return st;
}

/* base: a path relative to the sweep file (unless absolute). */
static fs_status read_base(fs_sweep *s, fs_cfg_node root, fs_error *err) {
  const char *base = NULL;
  fs_status st = fs_cfg_get_string(root, "base", true, &base, err);
  if (st != FS_OK) return st;
  const char *slash = strrchr(s->file, '/');
  int dir_len = slash != NULL && base[0] != '/' ? (int)(slash - s->file + 1) : 0;
  int n = snprintf(s->base, sizeof s->base, "%.*s%s", dir_len, s->file, base);
  if (n < 0 || (size_t)n >= sizeof s->base)
    return fs_cfg_error(fs_cfg_child(root, "base"), err, "path too long");
  if (fs_fileio_check_regular(s->base, err) != FS_OK) /* a directory, a FIFO, none at all */
    return fs_cfg_error(fs_cfg_child(root, "base"), err, "%s", err->msg);
  return FS_OK;
}

static fs_status read_settings(fs_sweep *s, fs_cfg_node root, fs_error *err) {
  long seed = 1, replicates = 1;
  size_t mode = 0, design = 0;
  const char *text;
  fs_status st;
  if ((st = fs_cfg_expect_keys(root, root_keys, COUNT(root_keys), err)) != FS_OK ||
      (st = fs_cfg_get_string(root, "name", false, &text, err)) != FS_OK ||
      (st = fs_cfg_get_string(root, "description", false, &text, err)) != FS_OK ||
      (st = fs_cfg_get_int(root, "seed", 0, 0x7fffffffffffffffL, false, &seed, err)) != FS_OK ||
      (st = fs_cfg_get_int(root, "replicates", 1, 1000000, false, &replicates, err)) != FS_OK ||
      (st = fs_cfg_get_choice(root, "seeds", seed_modes, COUNT(seed_modes), false, &mode, err)) !=
          FS_OK ||
      (st = fs_cfg_get_choice(root, "design", designs, COUNT(designs), false, &design, err)) !=
          FS_OK)
    return st;
  s->one_at_a_time = design == 1;
  s->seed = (uint64_t)seed;
  s->replicates = (size_t)replicates;
  s->common_seeds = mode == 1;
  return read_base(s, root, err);
}

/* ---- points, runs and seeds ------------------------------------------------------------ */

static size_t value_index(const fs_sweep *s, size_t axis, size_t point) {
  const sweep_axis *a = &s->axes[axis];
  return point / s->group_stride[a->group] % s->group_len[a->group];
}

/* The seed of (point, replicate): Philox keyed by the master seed, countered by the pair, cut
 * to 53 bits so that it survives a trip through a double (CSV readers, JSON). */
static uint64_t run_seed(const fs_sweep *s, size_t point, size_t rep) {
  uint64_t p = s->common_seeds ? 0 : (uint64_t)point;
  const uint32_t key[2] = {(uint32_t)s->seed, (uint32_t)(s->seed >> 32)};
  const uint32_t ctr[4] = {(uint32_t)p, (uint32_t)(p >> 32), (uint32_t)rep, 0x53454544u};
  uint32_t out[4];
  fs_rng_philox4x32(key, ctr, out);
  return ((uint64_t)out[1] << 32 | out[0]) & ((UINT64_C(1) << 53) - 1);
}

/* A value as YAML for --set: plain when that reads back the same, else single-quoted. */
static void yaml_value(const char *text, char *buf, size_t len) {
  bool plain = strchr("-?:,[]{}#&*!|>'\"%@` ", text[0]) == NULL ||
               (text[0] == '-' && isdigit((unsigned char)text[1]));
  for (const char *p = text; plain && *p != '\0'; p++)
    plain = isalnum((unsigned char)*p) || strchr(" ._/^*+-%()", *p) != NULL ||
            ((unsigned char)*p >= 0x80);
  if (plain) {
    snprintf(buf, len, "%s", text);
    return;
  }
  size_t o = 0;
  if (len < 3) return;
  buf[o++] = '\'';
  for (const char *p = text; *p != '\0' && o + 3 < len; p++) {
    if (*p == '\'') buf[o++] = '\'';
    buf[o++] = *p;
  }
  buf[o++] = '\'';
  buf[o] = '\0';
}

fs_status fs_sweep_override(const fs_sweep *s, size_t axis, size_t point, char *buf, size_t len,
                            fs_error *err) {
  if (s == NULL || axis >= s->n_axes || point >= s->n_points)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_override: out of range");
  const char *text = s->axes[axis].text[value_index(s, axis, point)];
  if (s->axes[axis].label || text[0] == '\0') {
    if (len > 0) buf[0] = '\0'; /* nothing to pass to this run */
    return FS_OK;
  }
  char value[2 * TEXT_LEN + 4];
  yaml_value(text, value, sizeof value);
  int n = snprintf(buf, len, "%s=%s", s->axes[axis].key, value);
  if (n < 0 || (size_t)n >= len) return fs_error_set(err, FS_ERR_INTERNAL, "override too long");
  return FS_OK;
}

/* ---- validation: every point through fs_experiment_load -------------------------------- */

/* A failure of `--set 'k=v'` moved to the axis in the sweep file that made it: the key's
 * place for a key that does not exist, else the value's. */
static fs_status relocate_error(const fs_sweep *s, size_t point, char (*ovr)[OVR_LEN],
                                fs_error *err) {
  for (size_t a = 0; a < s->n_axes; a++) {
    char prefix[OVR_LEN + 16];
    int n = snprintf(prefix, sizeof prefix, "--set '%s': ", ovr[a]);
    if (n < 0 || ovr[a][0] == '\0' || strncmp(err->msg, prefix, (size_t)n) != 0) continue;
    char rest[FS_ERROR_MSG_LEN];
    snprintf(rest, sizeof rest, "%s", err->msg + n);
    size_t key_len = strlen(s->axes[a].key);
    bool at_value = strncmp(rest, s->axes[a].key, key_len) == 0 && rest[key_len] == ':' &&
                    strstr(rest, "unknown key") == NULL &&
                    strstr(rest, "expected a mapping") == NULL;
    fs_cfg_node at = at_value ? s->axes[a].where[value_index(s, a, point)] : s->axes[a].key_node;
    return fs_cfg_error(at, err, "%s", rest);
  }
  return err->code;
}

static fs_status hash_base(fs_sweep *s, fs_error *err) {
  FILE *f = fopen(s->base, "rb");
  unsigned char buf[8192];
  size_t got;
  if (f == NULL)
    return fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", s->base, strerror(errno));
  s->fingerprint = FS_HASH_FNV_BASIS;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0)
    s->fingerprint = fs_hash_fnv1a(buf, got, s->fingerprint);
  fclose(f);
  return FS_OK;
}

/* The sibling `time` of a dataset: "/timeline/time" for "/timeline/x". */
static void time_beside(const char *dataset, char *buf, size_t len) {
  const char *slash = strrchr(dataset, '/');
  snprintf(buf, len, "%.*s/time", (int)(slash - dataset), dataset);
}

/* An outcome must name a dataset that the point's run will write (and reduce: at the `time`
 * beside it), so that a typo is reported at its line before anything runs. */
static fs_status check_outcome(const fs_sweep *s, size_t point, const sweep_outcome *oc,
                               const fs_outputs *o, fs_error *err) {
  char at_point[64] = "", tpath[300];
  if (s->n_points > 1) snprintf(at_point, sizeof at_point, " at point %zu", point);
  if (!fs_outputs_has(o, oc->dataset)) {
    const char *close = fs_outputs_closest(o, oc->dataset);
    return fs_cfg_error(oc->where, err, "the base experiment%s writes no dataset %s%s%s%s",
                        at_point, oc->dataset, close ? " (did you mean " : "", close ? close : "",
                        close ? "?)" : "");
  }
  time_beside(oc->dataset, tpath, sizeof tpath);
  if (oc->reduce == REDUCE_AT && !fs_outputs_has(o, tpath))
    return fs_cfg_error(oc->where, err,
                        "reduce: at needs a dataset %s beside %s, which the base experiment%s "
                        "does not write",
                        tpath, oc->dataset, at_point);
  return FS_OK;
}

static fs_status check_outcomes(const fs_sweep *s, size_t point, const fs_experiment_spec *spec,
                                fs_error *err) {
  fs_outputs *o = NULL;
  fs_status st = s->n_outcomes > 0 ? fs_outputs_create(spec, &o, err) : FS_OK;
  for (size_t i = 0; st == FS_OK && i < s->n_outcomes; i++)
    st = check_outcome(s, point, &s->outcomes[i], o, err);
  fs_outputs_free(o);
  return st;
}

static fs_status validate_points(fs_sweep *s, fs_error *err) {
  fs_status st = hash_base(s, err);
  char(*ovr)[OVR_LEN] = calloc(s->n_axes + 1, sizeof *ovr);
  const char **list = calloc(s->n_axes + 1, sizeof *list);
  if (st == FS_OK && (ovr == NULL || list == NULL))
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t p = 0; st == FS_OK && p < s->n_points; p++) {
    size_t n_list = 0;
    for (size_t a = 0; st == FS_OK && a < s->n_axes; a++) {
      st = fs_sweep_override(s, a, p, ovr[a], OVR_LEN, err);
      if (st == FS_OK && ovr[a][0] != '\0') list[n_list++] = ovr[a];
      if (st == FS_OK) s->fingerprint = fs_hash_fnv1a(ovr[a], strlen(ovr[a]) + 1, s->fingerprint);
    }
    for (size_t r = 0; st == FS_OK && r < s->replicates; r++) {
      uint64_t seed = s->run_seeds != NULL ? s->run_seeds[p] : run_seed(s, p, r);
      s->fingerprint = fs_hash_fnv1a(&seed, sizeof seed, s->fingerprint);
    }
    fs_experiment_spec *spec = NULL;
    if (st == FS_OK && (st = fs_experiment_load(s->base, list, n_list, &spec, err)) != FS_OK)
      st = relocate_error(s, p, ovr, err);
    if (st == FS_OK) st = check_outcomes(s, p, spec, err);
    fs_experiment_free(spec);
  }
  free(ovr);
  free(list);
  return st;
}

/* ---- load and accessors ---------------------------------------------------------------- */

fs_status fs_sweep_load(const char *path, fs_sweep **out, fs_error *err) {
  fs_status st = FS_OK;
  if (out == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_load: NULL argument");
  *out = NULL;
  fs_sweep *s = calloc(1, sizeof *s);
  if (s == NULL || (s->file = malloc(strlen(path) + 1)) == NULL)
    FS_TRY(fs_error_set(err, FS_ERR_NOMEM, "out of memory"));
  memcpy(s->file, path, strlen(path) + 1);
  FS_TRY(fs_config_load(path, NULL, 0, &s->cfg, err));
  fs_cfg_node root = fs_config_root(s->cfg);
  if (!fs_cfg_is_map(root))
    FS_TRY(fs_error_set(err, FS_ERR_INPUT, "%s: expected a sweep (base:, axes:, outcomes:)", path));
  FS_TRY(read_settings(s, root, err));
  FS_TRY(read_axes(s, fs_cfg_child(root, "axes"), fs_cfg_child(root, "crossed"), err));
  if (s->group_len == NULL && ((s->group_len = calloc(1, sizeof *s->group_len)) == NULL ||
                               (s->group_stride = calloc(1, sizeof *s->group_stride)) == NULL))
    FS_TRY(fs_error_set(err, FS_ERR_NOMEM, "out of memory"));
  if (s->one_at_a_time)
    FS_TRY(vary_one_at_a_time(s, fs_cfg_len(fs_cfg_child(root, "axes")), root, err));
  FS_TRY(size_grid(s, root, err));
  FS_TRY(read_outcomes(s, fs_cfg_child(root, "outcomes"), err));
  FS_TRY(validate_points(s, err));
  *out = s;
  s = NULL;
cleanup:
  fs_sweep_free(s);
  return st;
}

/* ---- a table of runs (cohorts) ---------------------------------------------------------- */

static fs_status table_column(fs_sweep *s, const fs_sweep_column *col, size_t n_runs,
                              fs_error *err) {
  sweep_axis *a = &s->axes[s->n_axes++];
  snprintf(a->name, sizeof a->name, "%s", col->name);
  snprintf(a->key, sizeof a->key, "%s", col->key != NULL ? col->key : "");
  a->key_node = col->key_node;
  a->label = col->key == NULL;
  fs_status st = axis_alloc(a, n_runs, col->key_node, err);
  for (size_t i = 0; st == FS_OK && i < n_runs; i++) {
    snprintf(a->text[i], TEXT_LEN, "%s", col->text[i]);
    a->where[i] = col->where[i];
  }
  return st == FS_OK ? classify_values(a, err) : st;
}

static fs_status table_grid(fs_sweep *s, const fs_sweep_table *t, fs_error *err) {
  s->axes = calloc(t->n_cols + 1, sizeof *s->axes);
  s->group_len = calloc(1, sizeof *s->group_len);
  s->group_stride = calloc(1, sizeof *s->group_stride);
  s->run_seeds = calloc(t->n_runs + 1, sizeof *s->run_seeds);
  if (s->axes == NULL || s->group_len == NULL || s->group_stride == NULL || s->run_seeds == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  memcpy(s->run_seeds, t->seeds, t->n_runs * sizeof *t->seeds);
  s->group_len[0] = t->n_runs;
  s->group_stride[0] = 1;
  s->n_groups = 1;
  s->n_points = t->n_runs;
  s->replicates = 1;
  fs_status st = FS_OK;
  for (size_t c = 0; st == FS_OK && c < t->n_cols; c++)
    st = table_column(s, &t->cols[c], t->n_runs, err);
  return st;
}

fs_status fs_sweep_create_table(fs_config *cfg, const fs_sweep_table *t, fs_sweep **out,
                                fs_error *err) {
  fs_status st = FS_OK;
  *out = NULL;
  fs_sweep *s = calloc(1, sizeof *s);
  const char *path = fs_config_file(cfg);
  if (s == NULL || (s->file = malloc(strlen(path) + 1)) == NULL) {
    fs_config_free(cfg);
    free(s);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  memcpy(s->file, path, strlen(path) + 1);
  s->cfg = cfg;
  s->seed = t->seed;
  if (t->n_runs == 0 || t->n_runs > MAX_RUNS)
    FS_TRY(fs_cfg_error(t->root, err, "expected 1 to %lu runs, got %zu", MAX_RUNS, t->n_runs));
  FS_TRY(read_base(s, t->root, err));
  FS_TRY(table_grid(s, t, err));
  FS_TRY(read_outcomes(s, t->outcomes, err));
  FS_TRY(validate_points(s, err));
  *out = s;
  s = NULL;
cleanup:
  fs_sweep_free(s);
  return st;
}

void fs_sweep_free(fs_sweep *s) {
  if (s == NULL) return;
  for (size_t i = 0; i < s->n_axes; i++) {
    free(s->axes[i].text);
    free(s->axes[i].si);
    free(s->axes[i].where);
  }
  free(s->axes);
  free(s->group_len);
  free(s->group_stride);
  free(s->outcomes);
  free(s->run_seeds);
  fs_config_free(s->cfg);
  free(s->file);
  free(s);
}

fs_status fs_sweep_get_info(const fs_sweep *s, fs_sweep_info *out) {
  if (s == NULL || out == NULL) return FS_ERR_INTERNAL;
  *out = (fs_sweep_info){s->file,
                         s->base,
                         s->seed,
                         s->n_axes,
                         s->n_points,
                         s->replicates,
                         s->n_points * s->replicates,
                         s->n_outcomes,
                         s->fingerprint};
  return FS_OK;
}

fs_status fs_sweep_get_axis(const fs_sweep *s, size_t axis, fs_sweep_axis_info *out) {
  if (s == NULL || out == NULL || axis >= s->n_axes) return FS_ERR_INTERNAL;
  const sweep_axis *a = &s->axes[axis];
  *out = (fs_sweep_axis_info){a->name, a->key, a->unit, a->numeric, a->n, a->base_text};
  return FS_OK;
}

fs_status fs_sweep_get_outcome(const fs_sweep *s, size_t outcome, fs_sweep_outcome_info *out) {
  if (s == NULL || out == NULL || outcome >= s->n_outcomes) return FS_ERR_INTERNAL;
  const sweep_outcome *o = &s->outcomes[outcome];
  *out = (fs_sweep_outcome_info){o->name, o->dataset, reduce_names[o->reduce], o->unit};
  return FS_OK;
}

fs_status fs_sweep_get_run(const fs_sweep *s, size_t k, fs_sweep_run *out, fs_error *err) {
  size_t n = s->n_points * s->replicates;
  if (k >= n)
    return fs_error_set(err, FS_ERR_INPUT,
                        "run %zu is out of range: the sweep has %zu run%s (0 to %zu)", k, n,
                        n == 1 ? "" : "s", n - 1);
  out->run = k;
  out->point = k / s->replicates;
  out->replicate = k % s->replicates;
  out->seed = s->run_seeds != NULL ? s->run_seeds[k] : run_seed(s, out->point, out->replicate);
  return FS_OK;
}

const char *fs_sweep_value_text(const fs_sweep *s, size_t axis, size_t point) {
  if (s == NULL || axis >= s->n_axes || point >= s->n_points) return NULL;
  return s->axes[axis].text[value_index(s, axis, point)];
}

double fs_sweep_value_si(const fs_sweep *s, size_t axis, size_t point) {
  if (s == NULL || axis >= s->n_axes || point >= s->n_points) return NAN;
  return s->axes[axis].si[value_index(s, axis, point)];
}

static int digits(size_t n) {
  int d = 1;
  while (n >= 10)
    n /= 10, d++;
  return d;
}

void fs_sweep_run_path(const fs_sweep *s, const char *dir, size_t k, const char *suffix, char *buf,
                       size_t len) {
  int wp = digits(s->n_points > 0 ? s->n_points - 1 : 0);
  wp = wp < 4 ? 4 : wp;
  if (s->replicates == 1)
    fmt(buf, len, "%s/point_%0*zu%s", dir, wp, k, suffix);
  else
    fmt(buf, len, "%s/point_%0*zu_r%0*zu%s", dir, wp, k / s->replicates, digits(s->replicates - 1),
        k % s->replicates, suffix);
}

const char *fs_sweep_state_str(fs_sweep_state st) {
  switch (st) {
  case FS_SWEEP_OK:
    return "ok";
  case FS_SWEEP_FAILED:
    return "failed";
  case FS_SWEEP_MISSING:
    break;
  }
  return "missing";
}

static bool exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

fs_sweep_state fs_sweep_run_state(const fs_sweep *s, const char *dir, size_t k, char *reason,
                                  size_t len) {
  char path[PATH_LEN];
  if (reason != NULL && len > 0) reason[0] = '\0';
  fs_sweep_run_path(s, dir, k, ".h5", path, sizeof path);
  if (exists(path)) return FS_SWEEP_OK;
  fs_sweep_run_path(s, dir, k, ".failed", path, sizeof path);
  FILE *f = fopen(path, "r");
  if (f == NULL) return FS_SWEEP_MISSING;
  if (reason != NULL && len > 0) {
    size_t n = fread(reason, 1, len - 1, f);
    while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == '\r'))
      n--;
    reason[n] = '\0';
  }
  fclose(f);
  return FS_SWEEP_FAILED;
}

fs_status fs_sweep_set_run_state(const fs_sweep *s, const char *dir, size_t k, fs_sweep_state st,
                                 const char *reason, fs_error *err) {
  char path[PATH_LEN], text[600];
  if (s == NULL || dir == NULL || k >= s->n_points * s->replicates || st == FS_SWEEP_OK)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_set_run_state: bad argument");
  fs_sweep_run_path(s, dir, k, ".failed", path, sizeof path);
  if (st == FS_SWEEP_MISSING) {
    if (remove(path) != 0 && errno != ENOENT)
      return fs_error_set(err, FS_ERR_IO, "cannot remove \"%s\": %s", path, strerror(errno));
    return FS_OK;
  }
  fmt(text, sizeof text, "%s\n", reason != NULL ? reason : "");
  return fs_fileio_write_text(path, text, err);
}

/* ---- the results folder ---------------------------------------------------------------- */

fs_status fs_sweep_prepare_dir(const fs_sweep *s, const char *dir, fs_error *err) {
  char path[PATH_LEN], want[256], have[256] = "";
  snprintf(want, sizeof want, "fearsim sweep manifest\nfingerprint: %016llx\nruns: %zu\n",
           (unsigned long long)s->fingerprint, s->n_points * s->replicates);
  snprintf(path, sizeof path, "%s/manifest.txt", dir);
  FILE *f = fopen(path, "r");
  if (f != NULL) {
    size_t n = fread(have, 1, sizeof have - 1, f);
    have[n] = '\0';
    fclose(f);
    if (strcmp(have, want) == 0) return FS_OK;
    return fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\" holds the results of another sweep (or of this one before its "
                        "base or axes changed); choose another output folder or remove it",
                        dir);
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return fs_error_set(err, errno == ENOENT ? FS_ERR_INPUT : FS_ERR_IO,
                        "cannot create the folder \"%s\": %s", dir, strerror(errno));
  return fs_fileio_write_text(path, want, err);
}

/* ---- summary --------------------------------------------------------------------------- */

/* Everything the summary holds, column by column (one row per run). */
typedef struct summary {
  size_t n;
  uint64_t *run, *point, *rep, *seed;
  const char **status;
  char (*reason)[512];
  char (*file)[256];
  const char **reason_p, **file_p;
  double *axis;           /* n_axes x n */
  const char **axis_text; /* n_axes x n */
  double *outcome;        /* n_outcomes x n */
  char (*out_units)[64];
} summary;

static void summary_free(summary *t) {
  free(t->run);
  free(t->point);
  free(t->rep);
  free(t->seed);
  free(t->status);
  free(t->reason);
  free(t->file);
  free(t->reason_p);
  free(t->file_p);
  free(t->axis);
  free(t->axis_text);
  free(t->outcome);
  free(t->out_units);
}

static fs_status summary_alloc(summary *t, const fs_sweep *s, fs_error *err) {
  size_t n = s->n_points * s->replicates, na = s->n_axes + 1, no = s->n_outcomes + 1;
  t->n = n;
  t->run = calloc(n, sizeof *t->run);
  t->point = calloc(n, sizeof *t->point);
  t->rep = calloc(n, sizeof *t->rep);
  t->seed = calloc(n, sizeof *t->seed);
  t->status = calloc(n, sizeof *t->status);
  t->reason = calloc(n, sizeof *t->reason);
  t->file = calloc(n, sizeof *t->file);
  t->reason_p = calloc(n, sizeof *t->reason_p);
  t->file_p = calloc(n, sizeof *t->file_p);
  t->axis = calloc(n * na, sizeof *t->axis);
  t->axis_text = calloc(n * na, sizeof *t->axis_text);
  t->outcome = calloc(n * no, sizeof *t->outcome);
  t->out_units = calloc(no, sizeof *t->out_units);
  if (!t->run || !t->point || !t->rep || !t->seed || !t->status || !t->reason || !t->file ||
      !t->reason_p || !t->file_p || !t->axis || !t->axis_text || !t->outcome || !t->out_units)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  return FS_OK;
}

static void note_problem(fs_sweep_tally *tally, const char *file, const char *problem) {
  if (tally->outcome_problems++ == 0)
    fmt(tally->first_problem, sizeof tally->first_problem, "%s: %s", file, problem);
}

/* The factor from the dataset's units to the requested ones, or NaN if they do not convert. */
static double unit_factor(const char *from, const char *to) {
  char a[96], b[96];
  double sa, sb, check;
  fs_unit_kind ka, kb;
  fs_error e;
  snprintf(a, sizeof a, "1 %s", from);
  snprintf(b, sizeof b, "1 %s", to);
  if (!parse_any(a, &sa, &ka) || !parse_any(b, &sb, &kb) ||
      fs_units_parse(b, ka, &check, &e) != FS_OK)
    return NAN;
  return sa / sb;
}

/* ---- reading an outcome from a result file -------------------------------------------- */

/* "no dataset /timeline/x (did you mean /timeline/y?)" from the datasets the file holds. */
static void missing_dataset(const fs_record_reader *r, const char *path, char *problem,
                            size_t plen) {
  char **names = NULL;
  size_t n = 0;
  fs_error ignored;
  const char *close = NULL;
  if (fs_record_reader_list(r, &names, &n, &ignored) == FS_OK)
    close = fs_registry_closest(path, (const char *const *)names, n);
  if (close != NULL)
    fmt(problem, plen, "no dataset %s (did you mean %s?)", path, close);
  else
    fmt(problem, plen, "no dataset %s", path);
  free(names);
}

/* Reads a whole dataset as doubles; *v is malloc'ed. On failure problem says why. */
static bool read_vector(const fs_record_reader *r, const char *path, double **v, size_t *n,
                        char *units, size_t ulen, char *problem, size_t plen) {
  fs_error e;
  if (fs_record_reader_read(r, path, v, n, units, ulen, &e) == FS_OK) return true;
  fmt(problem, plen, "%s", e.msg);
  return false;
}

/* The value at time t, linear between rows of the sibling `time` dataset. */
static bool value_at(const fs_record_reader *r, const sweep_outcome *o, const double *v, size_t n,
                     double *out, char *problem, size_t plen) {
  char tpath[300];
  double *t = NULL;
  size_t nt = 0;
  time_beside(o->dataset, tpath, sizeof tpath);
  if (!fs_record_reader_has(r, tpath))
    return fmt(problem, plen, "reduce: at needs a dataset %s beside %s", tpath, o->dataset), false;
  bool ok = read_vector(r, tpath, &t, &nt, NULL, 0, problem, plen);
  if (ok && (nt != n || n == 0)) {
    fmt(problem, plen, "%s has %zu rows, %s has %zu", tpath, nt, o->dataset, n);
    ok = false;
  } else if (ok && !(o->time >= t[0] && o->time <= t[n - 1])) {
    fmt(problem, plen, "time %g s is outside %s (%g s to %g s)", o->time, tpath, t[0], t[n - 1]);
    ok = false;
  }
  size_t i = 0;
  while (ok && i + 1 < n && t[i + 1] < o->time)
    i++;
  if (ok) {
    double span = i + 1 < n ? t[i + 1] - t[i] : 0.0;
    double f = span > 0 ? (o->time - t[i]) / span : 0.0;
    *out = i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[i];
  }
  free(t);
  return ok;
}

static bool reduce(const fs_record_reader *r, const sweep_outcome *o, const double *v, size_t n,
                   double *out, char *problem, size_t plen) {
  if (n == 0) return fmt(problem, plen, "%s is empty", o->dataset), false;
  double acc = v[0];
  switch (o->reduce) {
  case REDUCE_MAX:
    for (size_t i = 1; i < n; i++)
      acc = v[i] > acc ? v[i] : acc;
    break;
  case REDUCE_MIN:
    for (size_t i = 1; i < n; i++)
      acc = v[i] < acc ? v[i] : acc;
    break;
  case REDUCE_MEAN:
    for (size_t i = 1; i < n; i++)
      acc += v[i];
    acc /= (double)n;
    break;
  case REDUCE_FIRST:
    break;
  case REDUCE_LAST:
    acc = v[n - 1];
    break;
  case REDUCE_INDEX: {
    long i = o->index < 0 ? (long)n + o->index : o->index;
    if (i < 0 || i >= (long)n)
      return fmt(problem, plen, "index %ld is outside %s (%zu rows)", o->index, o->dataset, n),
             false;
    acc = v[i];
    break;
  }
  case REDUCE_AT:
    return value_at(r, o, v, n, out, problem, plen);
  }
  *out = acc;
  return true;
}

/* Reads one outcome from a result file. On success *value holds it (in the dataset's units)
 * and units the dataset's `units` attribute; on failure problem says why ("no dataset
 * /timeline/x (did you mean /timeline/y?)", "time 99 s is outside 0 s to 10 s"). */
static bool read_outcome_value(const char *file, const sweep_outcome *o, double *value, char *units,
                               size_t ulen, char *problem, size_t plen) {
  fs_record_reader *r = NULL;
  fs_error e;
  if (fs_record_reader_open(file, &r, &e) != FS_OK) return fmt(problem, plen, "%s", e.msg), false;
  double *v = NULL;
  size_t n = 0;
  bool ok = false;
  if (!fs_record_reader_has(r, o->dataset))
    missing_dataset(r, o->dataset, problem, plen);
  else if (read_vector(r, o->dataset, &v, &n, units, ulen, problem, plen))
    ok = reduce(r, o, v, n, value, problem, plen);
  free(v);
  fs_record_reader_free(r);
  return ok;
}

/* Reads every outcome of run k from its result file; an outcome that cannot be read makes the
 * run failed, with the first such problem as its reason (false). */
static bool read_outcomes_of(const fs_sweep *s, summary *t, size_t k, const char *path,
                             fs_sweep_tally *tally) {
  bool ok = true;
  for (size_t o = 0; o < s->n_outcomes; o++) {
    const sweep_outcome *oc = &s->outcomes[o];
    double v = NAN;
    char units[64] = "", problem[400] = "";
    if (!read_outcome_value(path, oc, &v, units, sizeof units, problem, sizeof problem)) {
      v = NAN;
    } else if (oc->unit[0] != '\0' && strcmp(oc->unit, units) != 0) {
      double f = unit_factor(units[0] ? units : "1", oc->unit);
      if (isnan(f))
        fmt(problem, sizeof problem, "%s: cannot express \"%s\" in \"%s\"", oc->dataset, units,
            oc->unit);
      v *= f;
    }
    if (problem[0] != '\0') {
      note_problem(tally, path, problem);
      if (ok) fmt(t->reason[k], sizeof t->reason[k], "outcome %s: %s", oc->name, problem);
      ok = false;
    }
    if (t->out_units[o][0] == '\0')
      snprintf(t->out_units[o], sizeof t->out_units[o], "%s", oc->unit[0] ? oc->unit : units);
    t->outcome[o * t->n + k] = v;
  }
  return ok;
}

static void fill_summary(const fs_sweep *s, const char *dir, summary *t, fs_sweep_tally *tally) {
  for (size_t k = 0; k < t->n; k++) {
    fs_sweep_run r = {0};
    fs_error ignored;
    char path[PATH_LEN];
    fs_sweep_get_run(s, k, &r, &ignored);
    t->run[k] = k;
    t->point[k] = r.point;
    t->rep[k] = r.replicate;
    t->seed[k] = r.seed;
    fs_sweep_state st = fs_sweep_run_state(s, dir, k, t->reason[k], sizeof t->reason[k]);
    t->status[k] = fs_sweep_state_str(st);
    fs_sweep_run_path(s, ".", k, ".h5", path, sizeof path);
    fmt(t->file[k], sizeof t->file[k], "%s", path + 2);
    t->reason_p[k] = t->reason[k];
    t->file_p[k] = t->file[k];
    for (size_t a = 0; a < s->n_axes; a++) {
      t->axis[a * t->n + k] = fs_sweep_value_si(s, a, r.point);
      t->axis_text[a * t->n + k] = fs_sweep_value_text(s, a, r.point);
    }
    for (size_t o = 0; o < s->n_outcomes; o++)
      t->outcome[o * t->n + k] = NAN;
    fs_sweep_run_path(s, dir, k, ".h5", path, sizeof path);
    if (st == FS_SWEEP_OK && !read_outcomes_of(s, t, k, path, tally)) {
      st = FS_SWEEP_FAILED;
      t->status[k] = fs_sweep_state_str(st);
    }
    *(st == FS_SWEEP_OK       ? &tally->ok
      : st == FS_SWEEP_FAILED ? &tally->failed
                              : &tally->missing) += 1;
  }
}

static fs_status write_summary_h5(const fs_sweep *s, const char *dir, const summary *t,
                                  const fs_sweep_tally *tally, fs_error *err) {
  size_t nc = 8 + s->n_axes + s->n_outcomes, c = 0;
  fs_record_column *cols = calloc(nc, sizeof *cols);
  char(*paths)[300] = calloc(nc, sizeof *paths);
  char(*desc)[400] = calloc(nc, sizeof *desc);
  if (cols == NULL || paths == NULL || desc == NULL) {
    free(cols), free(paths), free(desc);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  cols[c++] = (fs_record_column){"/run", "1",    "run number: point * replicates + replicate",
                                 NULL,   t->run, NULL};
  cols[c++] = (fs_record_column){
      "/index", "1", "point: the index of the parameter combination", NULL, t->point, NULL};
  cols[c++] = (fs_record_column){"/replicate", "1", "replicate of the point", NULL, t->rep, NULL};
  cols[c++] =
      (fs_record_column){"/seed", "1", "the run's seed (fearsim run --seed)", NULL, t->seed, NULL};
  cols[c++] = (fs_record_column){"/status", "", "ok, failed or missing", NULL, NULL, t->status};
  cols[c++] = (fs_record_column){"/reason", "", "why a run failed", NULL, NULL, t->reason_p};
  cols[c++] = (fs_record_column){"/file", "",   "the run's result, relative to this file",
                                 NULL,    NULL, t->file_p};
  for (size_t a = 0; a < s->n_axes; a++, c++) {
    const sweep_axis *ax = &s->axes[a];
    fmt(paths[c], sizeof paths[c], "/axes/%s", ax->name);
    double si;
    fs_unit_kind kind;
    if (ax->numeric && parse_any(ax->base_text, &si, &kind)) /* "0.5 mA = 0.0005": SI after = */
      fmt(desc[c], sizeof desc[c], "%s; base value: %s = %.17g", ax->key, ax->base_text, si);
    else if (ax->base_text[0] != '\0')
      fmt(desc[c], sizeof desc[c], "%s; base value: %s", ax->key, ax->base_text);
    else
      fmt(desc[c], sizeof desc[c], "%s", ax->key);
    cols[c] = (fs_record_column){paths[c], ax->numeric ? ax->unit : "",
                                 desc[c],  ax->numeric ? &t->axis[a * t->n] : NULL,
                                 NULL,     ax->numeric ? NULL : &t->axis_text[a * t->n]};
  }
  for (size_t o = 0; o < s->n_outcomes; o++, c++) {
    const sweep_outcome *oc = &s->outcomes[o];
    fmt(paths[c], sizeof paths[c], "/outcomes/%s", oc->name);
    fmt(desc[c], sizeof desc[c], "%s of %s%s", reduce_names[oc->reduce], oc->dataset,
        oc->reduce == REDUCE_AT ? " at the given time" : "");
    cols[c] =
        (fs_record_column){paths[c], t->out_units[o], desc[c], &t->outcome[o * t->n], NULL, NULL};
  }
  char path[PATH_LEN];
  snprintf(path, sizeof path, "%s/summary.h5", dir);
  const fs_record_table_attr attrs[] = {
      {"fearsim_version", FS_VERSION, 0},        {"sweep_file", s->file, 0},
      {"sweep_yaml", fs_config_text(s->cfg), 0}, {"base_experiment", s->base, 0},
      {"seed", NULL, (double)s->seed},           {"replicates", NULL, (double)s->replicates},
      {"points", NULL, (double)s->n_points},     {"ok", NULL, (double)tally->ok},
      {"failed", NULL, (double)tally->failed},   {"missing", NULL, (double)tally->missing},
  };
  fs_status st = fs_record_write_table(path, attrs, COUNT(attrs), cols, c, t->n, err);
  free(cols), free(paths), free(desc);
  return st;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_text(FILE *f, const char *text) {
  if (strpbrk(text, ",\"\n\r") == NULL) {
    fputs(text, f);
    return;
  }
  fputc('"', f);
  for (const char *p = text; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
  }
  fputc('"', f);
}

static void csv_header(FILE *f, const fs_sweep *s, const summary *t) {
  fputs("run,index,replicate,seed,status", f);
  for (size_t a = 0; a < s->n_axes; a++) {
    fputc(',', f);
    char h[200];
    snprintf(h, sizeof h, "%s%s%s%s", s->axes[a].name, s->axes[a].numeric ? " [" : "",
             s->axes[a].unit, s->axes[a].numeric ? "]" : "");
    csv_text(f, h);
  }
  for (size_t o = 0; o < s->n_outcomes; o++) {
    char h[200];
    fputc(',', f);
    snprintf(h, sizeof h, "%s%s%s%s", s->outcomes[o].name, t->out_units[o][0] ? " [" : "",
             t->out_units[o], t->out_units[o][0] ? "]" : "");
    csv_text(f, h);
  }
  fputs(",reason\n", f);
}

typedef struct csv_job {
  const fs_sweep *s;
  const summary *t;
} csv_job;

static bool csv_rows(FILE *f, void *arg) {
  const fs_sweep *s = ((const csv_job *)arg)->s;
  const summary *t = ((const csv_job *)arg)->t;
  csv_header(f, s, t);
  for (size_t k = 0; k < t->n; k++) {
    fprintf(f, "%zu,%llu,%llu,%llu,%s", k, (unsigned long long)t->point[k],
            (unsigned long long)t->rep[k], (unsigned long long)t->seed[k], t->status[k]);
    for (size_t a = 0; a < s->n_axes; a++) {
      fputc(',', f);
      if (s->axes[a].numeric)
        fprintf(f, "%.17g", t->axis[a * t->n + k]);
      else
        csv_text(f, t->axis_text[a * t->n + k]);
    }
    for (size_t o = 0; o < s->n_outcomes; o++) {
      double v = t->outcome[o * t->n + k];
      if (isnan(v))
        fputs(",", f);
      else
        fprintf(f, ",%.17g", v);
    }
    fputc(',', f);
    csv_text(f, t->reason[k]);
    fputc('\n', f);
  }
  return true;
}

static fs_status write_summary_csv(const fs_sweep *s, const char *dir, const summary *t,
                                   fs_error *err) {
  char path[PATH_LEN];
  csv_job job = {s, t};
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  return fs_fileio_write_atomic(path, csv_rows, &job, err);
}

fs_status fs_sweep_collect(const fs_sweep *s, const char *dir, fs_sweep_tally *tally,
                           fs_error *err) {
  summary t = {0};
  fs_sweep_tally local = {0};
  fs_status st;
  if (s == NULL || dir == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_sweep_collect: NULL argument");
  if (!exists(dir))
    return fs_error_set(err, FS_ERR_INPUT, "no results folder \"%s\" (run the sweep first)", dir);
  FS_TRY(summary_alloc(&t, s, err));
  fill_summary(s, dir, &t, &local);
  FS_TRY(write_summary_h5(s, dir, &t, &local, err));
  FS_TRY(write_summary_csv(s, dir, &t, err));
  if (tally != NULL) *tally = local;
cleanup:
  summary_free(&t);
  return st;
}
