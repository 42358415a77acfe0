/* protocol.c - reads `protocol:` (schema in include/fearsim/protocol.h) and expands its days and
 * sessions into trials, merged fast windows and one piecewise-constant rate plan per driven
 * input population. Every value is checked while reading; the plans are built last. */
#include <fearsim/protocol.h>
#include <fearsim/registry.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400.0
#define MAX_DAY 100000
#define MAX_TRIALS 100000 /* per session */
/* Times are sums of user values, so "touching" windows may differ by rounding; closer than
 * this (far below any dt) they touch. */
#define EPS_T 1e-9

/* The CS or the US input. */
typedef struct drive {
  size_t input;
  double rate, baseline, reference;
} drive;

typedef enum us_mode { US_UNSET, US_NONE, US_PAIRED } us_mode;

/* The timing keys: protocol.defaults, then a session's own keys on top. NaN: not given. */
typedef struct settings {
  double cs_duration, before, after;
  double us_at, us_duration, us_intensity;
  us_mode us;
  fs_cfg_node iti; /* a time or a list of times; absent if not given */
} settings;

typedef struct reader {
  fs_protocol *p;
  const char *const *inputs;
  size_t n_inputs;
  fs_cfg_node *plan_nodes; /* where each plan's population was named */
  const char **context_names;
  const char **tone_names;
  drive cs, us;
  double context_rate;
  double outcome_rate; /* Hz, of the outcome input */
  size_t outcome_plan; /* its plan; 0: no outcome input */
  settings defaults;
  size_t cap_trials, cap_sessions, cap_windows;
  long prev_day;
  size_t prev_day_index;
} reader;

typedef struct session_spec {
  fs_cfg_node node;
  fs_session *s;
  settings set;
  bool us_alone;
  size_t *tone; /* the tone of each trial */
} session_spec;

static const char *const us_modes[] = {"none", "paired"};

static fs_status nomem(fs_error *err) {
  return fs_error_set(err, FS_ERR_NOMEM, "out of memory while reading the protocol");
}

/* Makes room for need elements in *arr (capacity *cap). */
static bool reserve(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t ncap = *cap ? 2 * *cap : 16;
  while (ncap < need)
    ncap *= 2;
  void *q = realloc(*arr, ncap * elem);
  if (q == NULL) return false;
  *arr = q;
  *cap = ncap;
  return true;
}

/* "day 3, 10:12:07" (milliseconds when not whole), for messages. */
static void fmt_when(double t, char *buf, size_t len) {
  double d = floor(t / DAY), s = round((t - d * DAY) * 1000.0) / 1000.0;
  int h = (int)(s / 3600.0), m = (int)((s - h * 3600.0) / 60.0);
  double sec = s - h * 3600.0 - m * 60.0;
  if (sec == floor(sec))
    snprintf(buf, len, "day %.0f, %02d:%02d:%02.0f", d + 1, h, m, sec);
  else
    snprintf(buf, len, "day %.0f, %02d:%02d:%06.3f", d + 1, h, m, sec);
}

fs_status fs_protocol_parse_clock(const char *text, double *seconds, fs_error *err) {
  int h = 0, m = 0, s = 0, used = 0;
  bool ok = text != NULL;
  if (ok && sscanf(text, "%2d:%2d:%2d%n", &h, &m, &s, &used) != 3) {
    s = 0;
    ok = sscanf(text, "%2d:%2d%n", &h, &m, &used) == 2;
  }
  ok = ok && text[used] == '\0' && h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 59;
  if (!ok)
    return fs_error_set(err, FS_ERR_INPUT, "expected a clock time such as '09:00', got %s%s%s",
                        text ? "\"" : "", text ? text : "a collection", text ? "\"" : "");
  *seconds = h * 3600.0 + m * 60.0 + s;
  return FS_OK;
}

double fs_protocol_plan_rate(const fs_rate_plan *plan, double t) {
  if (plan == NULL || plan->n == 0) return 0.0;
  size_t lo = 0, hi = plan->n; /* the last k with t[k] <= t lies in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (plan->t[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return plan->rate[lo];
}

/* ---- values ----------------------------------------------------------------------------- */

/* parent.key as a quantity that must be > 0 (positive) or >= 0; absent and optional leaves
 * *out unchanged. */
static fs_status get_bounded(fs_cfg_node parent, const char *key, fs_unit_kind kind, bool required,
                             bool positive, double *out, fs_error *err) {
  double v = *out;
  fs_status st = fs_cfg_get_quantity(parent, key, kind, required, &v, err);
  fs_cfg_node n = fs_cfg_child(parent, key);
  if (st != FS_OK || !fs_cfg_exists(n)) return st;
  if (positive ? !(v > 0) : !(v >= 0))
    return fs_cfg_error(n, err, "expected a value %s, got \"%s\"", positive ? "> 0" : ">= 0",
                        fs_cfg_scalar(n));
  *out = v;
  return FS_OK;
}

/* One time > 0 given as a node (an element of an iti list, or iti itself). */
static fs_status positive_time(fs_cfg_node n, double *out, fs_error *err) {
  const char *text = fs_cfg_scalar(n);
  char expected[128];
  fs_error uerr;
  if (text == NULL) {
    fs_unit_kind_expected(FS_UNIT_TIME, expected, sizeof expected);
    return fs_cfg_error(n, err, "%s, got a %s", expected, fs_cfg_is_map(n) ? "mapping" : "list");
  }
  if (fs_units_parse(text, FS_UNIT_TIME, out, &uerr) != FS_OK)
    return fs_cfg_error(n, err, "%s", uerr.msg);
  if (!(*out > 0)) return fs_cfg_error(n, err, "expected a value > 0, got \"%s\"", text);
  return FS_OK;
}

/* iti: one time for every gap, or a list of one time per gap; n_gaps SIZE_MAX accepts a list
 * of any length (protocol.defaults). gaps may be NULL. */
static fs_status read_iti(fs_cfg_node n, size_t n_gaps, size_t n_trials, double *gaps,
                          fs_error *err) {
  double g = 0;
  fs_status st = FS_OK;
  if (!fs_cfg_is_seq(n)) {
    st = positive_time(n, &g, err);
    for (size_t k = 0; st == FS_OK && gaps != NULL && k < n_gaps; k++)
      gaps[k] = g;
    return st;
  }
  if (n_gaps != SIZE_MAX && fs_cfg_len(n) != n_gaps)
    return fs_cfg_error(n, err,
                        "expected a list of %zu intervals (one between each two of the %zu "
                        "trials), got %zu",
                        n_gaps, n_trials, fs_cfg_len(n));
  for (size_t k = 0; st == FS_OK && k < fs_cfg_len(n); k++) {
    st = positive_time(fs_cfg_item(n, k), &g, err);
    if (gaps != NULL) gaps[k] = g;
  }
  return st;
}

/* The index of the input named by the scalar n, with "did you mean" otherwise. */
static fs_status find_input(const reader *r, fs_cfg_node n, size_t *index, fs_error *err) {
  const char *name = fs_cfg_scalar(n);
  if (name == NULL) return fs_cfg_error(n, err, "expected the name of an input population");
  for (size_t i = 0; i < r->n_inputs; i++)
    if (r->inputs[i] != NULL && strcmp(r->inputs[i], name) == 0) {
      *index = i;
      return FS_OK;
    }
  if (r->n_inputs == 0)
    return fs_cfg_error(n, err, "unknown input \"%s\" (the experiment has no inputs)", name);
  char where[FS_ERROR_MSG_LEN];
  fs_cfg_where(n, where, sizeof where);
  fs_registry_unknown(err, "input", name, r->inputs, r->n_inputs);
  fs_error_prefix(err, "%s", where);
  return FS_ERR_INPUT;
}

static fs_status copy_name(fs_cfg_node n, const char *name, char dst[FS_PROTOCOL_NAME_LEN],
                           fs_error *err) {
  if (strlen(name) >= FS_PROTOCOL_NAME_LEN)
    return fs_cfg_error(n, err, "expected a name of at most %d characters, got \"%s\"",
                        FS_PROTOCOL_NAME_LEN - 1, name);
  snprintf(dst, FS_PROTOCOL_NAME_LEN, "%s", name);
  return FS_OK;
}

/* ---- protocol.inputs -------------------------------------------------------------------- */

/* A new plan for the input named at n; an input may follow one plan only. */
static fs_status add_plan(reader *r, fs_cfg_node n, fs_error *err) {
  size_t input = 0;
  fs_status st = find_input(r, n, &input, err);
  if (st != FS_OK) return st;
  for (size_t i = 0; i < r->p->n_plans; i++)
    if (r->p->plans[i].input == input)
      return fs_cfg_error(n, err, "the input \"%s\" is already driven by %s", fs_cfg_scalar(n),
                          r->plan_nodes[i].path);
  fs_rate_plan *pl = &r->p->plans[r->p->n_plans];
  st = copy_name(n, fs_cfg_scalar(n), pl->population, err);
  if (st != FS_OK) return st;
  pl->input = input;
  r->plan_nodes[r->p->n_plans++] = n;
  return FS_OK;
}

static fs_status read_drive(reader *r, fs_cfg_node inputs, const char *key, drive *d,
                            fs_error *err) {
  static const char *const cs_keys[] = {"population", "rate", "baseline"};
  static const char *const us_keys[] = {"population", "rate", "baseline", "reference"};
  bool us = strcmp(key, "us") == 0;
  fs_cfg_node n = fs_cfg_child(inputs, key);
  const char *pop = NULL;
  fs_status st;
  if (!fs_cfg_exists(n)) return fs_cfg_error(inputs, err, "missing key \"%s\"", key);
  if ((st = fs_cfg_expect_keys(n, us ? us_keys : cs_keys, us ? 4 : 3, err)) != FS_OK ||
      (st = fs_cfg_get_string(n, "population", true, &pop, err)) != FS_OK ||
      (st = add_plan(r, fs_cfg_child(n, "population"), err)) != FS_OK ||
      (st = get_bounded(n, "rate", FS_UNIT_FREQUENCY, true, false, &d->rate, err)) != FS_OK ||
      (st = get_bounded(n, "baseline", FS_UNIT_FREQUENCY, false, false, &d->baseline, err)))
    return st;
  d->input = r->p->plans[r->p->n_plans - 1].input;
  if (us) return get_bounded(n, "reference", FS_UNIT_CURRENT, true, true, &d->reference, err);
  return FS_OK;
}

static fs_status read_contexts(reader *r, fs_cfg_node inputs, fs_error *err) {
  fs_cfg_node c = fs_cfg_child(inputs, "contexts"), rate = fs_cfg_child(inputs, "context_rate");
  fs_protocol *p = r->p;
  if (!fs_cfg_exists(c) && !fs_cfg_exists(rate)) return FS_OK;
  if (!fs_cfg_exists(c) || !fs_cfg_exists(rate))
    return fs_cfg_error(fs_cfg_exists(c) ? c : rate, err,
                        "give contexts and context_rate together");
  if (!fs_cfg_is_map(c) || fs_cfg_len(c) == 0)
    return fs_cfg_error(c, err,
                        "expected a mapping of context names to input populations such "
                        "as {A: ctx_A, B: ctx_B}");
  fs_status st =
      get_bounded(inputs, "context_rate", FS_UNIT_FREQUENCY, true, false, &r->context_rate, err);
  size_t n = fs_cfg_len(c);
  p->contexts = calloc(n, sizeof *p->contexts);
  r->context_names = calloc(n, sizeof *r->context_names);
  if (st == FS_OK && (p->contexts == NULL || r->context_names == NULL)) return nomem(err);
  for (size_t i = 0; i < n && st == FS_OK; i++) {
    fs_cfg_node item = fs_cfg_item(c, i);
    p->contexts[i].plan = p->n_plans;
    st = copy_name(item, fs_cfg_key(c, i), p->contexts[i].name, err);
    if (st == FS_OK) st = add_plan(r, item, err);
    r->context_names[i] = p->contexts[i].name;
    p->n_contexts = i + 1;
  }
  return st;
}

/* The optional outcome input: fires when the US comes or would come on every CS trial. */
static fs_status read_outcome(reader *r, fs_cfg_node inputs, fs_error *err) {
  static const char *const keys[] = {"population", "rate"};
  fs_cfg_node n = fs_cfg_child(inputs, "outcome");
  const char *pop = NULL;
  fs_status st;
  if (!fs_cfg_exists(n)) return FS_OK;
  if ((st = fs_cfg_expect_keys(n, keys, 2, err)) != FS_OK ||
      (st = fs_cfg_get_string(n, "population", true, &pop, err)) != FS_OK ||
      (st = add_plan(r, fs_cfg_child(n, "population"), err)) != FS_OK)
    return st;
  r->outcome_plan = r->p->n_plans - 1;
  return get_bounded(n, "rate", FS_UNIT_FREQUENCY, true, false, &r->outcome_rate, err);
}

/* protocol.inputs.tones: {name: {population, rate, baseline, with}}; tones[0] is the cs. */
static fs_status read_tones(reader *r, fs_cfg_node inputs, fs_error *err) {
  static const char *const keys[] = {"population", "rate", "baseline", "with"};
  fs_cfg_node t = fs_cfg_child(inputs, "tones");
  fs_protocol *p = r->p;
  size_t n = fs_cfg_is_map(t) ? fs_cfg_len(t) : 0;
  if (fs_cfg_exists(t) && (!fs_cfg_is_map(t) || n == 0))
    return fs_cfg_error(t, err,
                        "expected a mapping of tone names to drives such as {cs2: {population: "
                        "CS2, rate: 20 Hz}}");
  p->tones = calloc(n + 1, sizeof *p->tones);
  r->tone_names = calloc(n + 1, sizeof *r->tone_names);
  if (p->tones == NULL || r->tone_names == NULL) return nomem(err);
  p->tones[0] = (fs_tone){"cs", 0, r->cs.rate, r->cs.baseline, NULL, NULL, 0};
  r->tone_names[0] = p->tones[0].name;
  p->n_tones = 1;
  fs_status st = FS_OK;
  for (size_t i = 0; i < n && st == FS_OK; i++) {
    fs_cfg_node item = fs_cfg_item(t, i);
    fs_tone *tone = &p->tones[i + 1];
    const char *pop = NULL;
    for (size_t j = 0; j <= i; j++)
      if (strcmp(fs_cfg_key(t, i), p->tones[j].name) == 0)
        return fs_cfg_error(item, err, "the tone \"%s\" is already declared", p->tones[j].name);
    if ((st = copy_name(item, fs_cfg_key(t, i), tone->name, err)) != FS_OK ||
        (st = fs_cfg_expect_keys(item, keys, 4, err)) != FS_OK ||
        (st = fs_cfg_get_string(item, "population", true, &pop, err)) != FS_OK ||
        (st = add_plan(r, fs_cfg_child(item, "population"), err)) != FS_OK ||
        (st = get_bounded(item, "rate", FS_UNIT_FREQUENCY, true, false, &tone->rate, err)) ||
        (st = get_bounded(item, "baseline", FS_UNIT_FREQUENCY, false, false, &tone->baseline, err)))
      return st;
    tone->plan = p->n_plans - 1;
    r->tone_names[i + 1] = tone->name;
    p->n_tones = i + 2;
  }
  return st;
}

/* The plan of the tone whose input is named by the key of with[i], or an error. */
static fs_status find_tone_input(const reader *r, fs_cfg_node with, size_t i, size_t self,
                                 size_t *plan, fs_error *err) {
  const char *name = fs_cfg_key(with, i);
  fs_cfg_node at = fs_cfg_item(with, i);
  const fs_protocol *p = r->p;
  for (size_t k = 0; k < p->n_tones; k++) {
    if (strcmp(p->plans[p->tones[k].plan].population, name) != 0) continue;
    if (k == self) return fs_cfg_error(at, err, "\"%s\" is this tone's own input", name);
    *plan = p->tones[k].plan;
    return FS_OK;
  }
  const char *names[64];
  size_t n = 0;
  for (size_t k = 0; k < p->n_tones && n < 64; k++)
    if (k != self) names[n++] = p->plans[p->tones[k].plan].population;
  char where[FS_ERROR_MSG_LEN];
  fs_cfg_where(at, where, sizeof where);
  fs_registry_unknown(err, "tone input", name, names, n);
  fs_error_prefix(err, "%s", where);
  return FS_ERR_INPUT;
}

/* A tone's `with: {<another tone's input>: <rate>}` (after every tone is known). */
static fs_status read_with(reader *r, fs_cfg_node item, size_t self, fs_error *err) {
  fs_cfg_node with = fs_cfg_child(item, "with");
  fs_tone *tone = &r->p->tones[self];
  if (!fs_cfg_exists(with)) return FS_OK;
  if (!fs_cfg_is_map(with) || fs_cfg_len(with) == 0)
    return fs_cfg_error(with, err,
                        "expected a mapping of other tones' inputs to rates such as {CS: 10 Hz}");
  size_t n = fs_cfg_len(with);
  tone->with_plan = calloc(n, sizeof *tone->with_plan);
  tone->with_rate = calloc(n, sizeof *tone->with_rate);
  if (tone->with_plan == NULL || tone->with_rate == NULL) return nomem(err);
  fs_status st = FS_OK;
  for (size_t i = 0; i < n && st == FS_OK; i++) {
    st = find_tone_input(r, with, i, self, &tone->with_plan[i], err);
    if (st == FS_OK)
      st = get_bounded(with, fs_cfg_key(with, i), FS_UNIT_FREQUENCY, true, false,
                       &tone->with_rate[i], err);
    tone->n_with = i + 1;
  }
  return st;
}

static fs_status read_inputs(reader *r, fs_cfg_node proto, fs_error *err) {
  static const char *const keys[] = {"cs", "us", "tones", "contexts", "context_rate", "outcome"};
  fs_cfg_node inputs = fs_cfg_child(proto, "inputs"), tones = fs_cfg_child(inputs, "tones");
  fs_status st;
  if (!fs_cfg_exists(inputs)) return fs_cfg_error(proto, err, "missing key \"inputs\"");
  if ((st = fs_cfg_expect_keys(inputs, keys, 6, err)) != FS_OK) return st;
  size_t n_plans = 3 + fs_cfg_len(fs_cfg_child(inputs, "contexts")) +
                   (fs_cfg_is_map(tones) ? fs_cfg_len(tones) : 0);
  r->p->plans = calloc(n_plans, sizeof *r->p->plans);
  r->plan_nodes = calloc(n_plans, sizeof *r->plan_nodes);
  if (r->p->plans == NULL || r->plan_nodes == NULL) return nomem(err);
  if ((st = read_drive(r, inputs, "cs", &r->cs, err)) != FS_OK ||
      (st = read_drive(r, inputs, "us", &r->us, err)) != FS_OK)
    return st;
  if ((st = read_contexts(r, inputs, err)) != FS_OK ||
      (st = read_outcome(r, inputs, err)) != FS_OK || (st = read_tones(r, inputs, err)) != FS_OK)
    return st;
  for (size_t k = 1; k < r->p->n_tones && st == FS_OK; k++)
    st = read_with(r, fs_cfg_item(tones, k - 1), k, err);
  return st;
}

/* ---- timing keys (protocol.defaults and each session) ----------------------------------- */

static fs_status read_window(fs_cfg_node parent, settings *s, fs_error *err) {
  static const char *const keys[] = {"before", "after"};
  fs_cfg_node w = fs_cfg_child(parent, "window");
  fs_status st = fs_cfg_expect_keys(w, keys, 2, err);
  if (st == FS_OK) st = get_bounded(w, "before", FS_UNIT_TIME, false, false, &s->before, err);
  if (st == FS_OK) st = get_bounded(w, "after", FS_UNIT_TIME, false, false, &s->after, err);
  return st;
}

/* us: a mapping {at, duration, intensity} (pairs the US), or in a session none | paired. */
static fs_status read_us(fs_cfg_node parent, bool session, settings *s, fs_error *err) {
  static const char *const keys[] = {"at", "duration", "intensity"};
  fs_cfg_node u = fs_cfg_child(parent, "us");
  fs_status st;
  if (!fs_cfg_exists(u)) return FS_OK;
  if (session && fs_cfg_is_scalar(u)) {
    size_t mode = 0;
    st = fs_cfg_get_choice(parent, "us", us_modes, 2, true, &mode, err);
    s->us = mode == 0 ? US_NONE : US_PAIRED;
    return st;
  }
  if ((st = fs_cfg_expect_keys(u, keys, 3, err)) != FS_OK ||
      (st = fs_cfg_get_quantity(u, "at", FS_UNIT_TIME, false, &s->us_at, err)) != FS_OK ||
      (st = get_bounded(u, "duration", FS_UNIT_TIME, false, true, &s->us_duration, err)) ||
      (st = get_bounded(u, "intensity", FS_UNIT_CURRENT, false, true, &s->us_intensity, err)))
    return st;
  s->us = US_PAIRED;
  return FS_OK;
}

static fs_status read_settings(fs_cfg_node parent, bool session, settings *s, fs_error *err) {
  fs_status st =
      get_bounded(parent, "cs_duration", FS_UNIT_TIME, false, true, &s->cs_duration, err);
  if (st == FS_OK) st = read_window(parent, s, err);
  if (st == FS_OK) st = read_us(parent, session, s, err);
  fs_cfg_node iti = fs_cfg_child(parent, "iti");
  if (st == FS_OK && fs_cfg_exists(iti)) {
    s->iti = iti;
    st = session ? FS_OK : read_iti(iti, SIZE_MAX, 0, NULL, err); /* a session's: when expanded */
  }
  return st;
}

static fs_status read_defaults(reader *r, fs_cfg_node proto, fs_error *err) {
  static const char *const keys[] = {"cs_duration", "us", "iti", "window"};
  fs_cfg_node d = fs_cfg_child(proto, "defaults");
  settings *s = &r->defaults;
  *s = (settings){NAN, 0.0, 0.0, NAN, NAN, NAN, US_UNSET, fs_cfg_child(d, "iti")};
  fs_status st = fs_cfg_expect_keys(d, keys, 4, err);
  return st == FS_OK ? read_settings(d, false, s, err) : st;
}

/* ---- one session ------------------------------------------------------------------------ */

static fs_status read_context(const reader *r, fs_cfg_node s, size_t *ctx, fs_error *err) {
  fs_cfg_node c = fs_cfg_child(s, "context");
  const char *name = NULL;
  *ctx = FS_PROTOCOL_NONE;
  if (r->p->n_contexts == 0)
    return fs_cfg_exists(c) ? fs_cfg_error(c, err,
                                           "there are no contexts (give them in "
                                           "protocol.inputs.contexts)")
                            : FS_OK;
  fs_status st = fs_cfg_get_string(s, "context", true, &name, err);
  for (size_t i = 0; st == FS_OK && i < r->p->n_contexts; i++)
    if (strcmp(r->p->contexts[i].name, name) == 0) {
      *ctx = i;
      return FS_OK;
    }
  if (st != FS_OK) return st;
  char where[FS_ERROR_MSG_LEN];
  fs_cfg_where(c, where, sizeof where);
  fs_registry_unknown(err, "context", name, r->context_names, r->p->n_contexts);
  fs_error_prefix(err, "%s", where);
  return FS_ERR_INPUT;
}

/* trials or us_alone, and the keys that apply to one kind only. */
static fs_status read_count(session_spec *ss, fs_error *err) {
  fs_cfg_node s = ss->node, trials = fs_cfg_child(s, "trials"), alone = fs_cfg_child(s, "us_alone");
  fs_cfg_node u = fs_cfg_child(s, "us");
  long n = 0;
  if (fs_cfg_exists(trials) == fs_cfg_exists(alone))
    return fs_cfg_error(fs_cfg_exists(alone) ? alone : s, err,
                        "give either trials (CS trials) or us_alone (unsignalled USs)%s",
                        fs_cfg_exists(alone) ? ", not both" : "");
  ss->us_alone = fs_cfg_exists(alone);
  fs_status st =
      fs_cfg_get_int(s, ss->us_alone ? "us_alone" : "trials", 1, MAX_TRIALS, true, &n, err);
  ss->s->n_trials = (size_t)n;
  if (st != FS_OK || !ss->us_alone) return st;
  if (fs_cfg_exists(u) && !fs_cfg_is_map(u))
    return fs_cfg_error(u, err,
                        "a us_alone session takes us as a mapping {duration, intensity} "
                        "or not at all");
  if (fs_cfg_exists(fs_cfg_child(u, "at")))
    return fs_cfg_error(fs_cfg_child(u, "at"), err,
                        "an unsignalled US has no CS to be timed from; leave out at");
  if (fs_cfg_exists(fs_cfg_child(s, "cs_duration")))
    return fs_cfg_error(fs_cfg_child(s, "cs_duration"), err,
                        "a us_alone session has no CS; leave out cs_duration");
  if (fs_cfg_exists(fs_cfg_child(s, "stimulus")))
    return fs_cfg_error(fs_cfg_child(s, "stimulus"), err,
                        "a us_alone session plays no tone; leave out stimulus");
  return FS_OK;
}

/* The tone named by the scalar n (cs or a key of protocol.inputs.tones). */
static fs_status find_tone(const reader *r, fs_cfg_node n, size_t *tone, fs_error *err) {
  const char *name = fs_cfg_scalar(n);
  if (name == NULL) return fs_cfg_error(n, err, "expected the name of a tone such as cs");
  for (size_t k = 0; k < r->p->n_tones; k++)
    if (strcmp(r->p->tones[k].name, name) == 0) {
      *tone = k;
      return FS_OK;
    }
  char where[FS_ERROR_MSG_LEN];
  fs_cfg_where(n, where, sizeof where);
  fs_registry_unknown(err, "tone", name, r->tone_names, r->p->n_tones);
  fs_error_prefix(err, "%s", where);
  return FS_ERR_INPUT;
}

/* stimulus: a tone for every trial, or a list of one tone per trial; cs when absent. */
static fs_status read_stimulus(const reader *r, session_spec *ss, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(ss->node, "stimulus");
  size_t trials = ss->s->n_trials, tone = 0;
  ss->tone = calloc(trials, sizeof *ss->tone);
  if (ss->tone == NULL) return nomem(err);
  if (!fs_cfg_exists(n)) return FS_OK;
  if (!fs_cfg_is_seq(n)) {
    fs_status st = find_tone(r, n, &tone, err);
    for (size_t k = 0; k < trials && st == FS_OK; k++)
      ss->tone[k] = tone;
    return st;
  }
  if (fs_cfg_len(n) != trials)
    return fs_cfg_error(n, err, "expected a list of %zu tones (one per trial), got %zu", trials,
                        fs_cfg_len(n));
  fs_status st = FS_OK;
  for (size_t k = 0; k < trials && st == FS_OK; k++)
    st = find_tone(r, fs_cfg_item(n, k), &ss->tone[k], err);
  return st;
}

/* Sessions in time order, each starting after the previous one's last window. */
static fs_status check_start(const reader *r, const session_spec *ss, fs_error *err) {
  if (r->p->n_sessions == 0) return FS_OK;
  const fs_session *prev = &r->p->sessions[r->p->n_sessions - 1], *s = ss->s;
  fs_cfg_node clk = fs_cfg_child(ss->node, "time");
  char a[48], b[48];
  if (prev->day == s->day && s->start < prev->start) {
    fmt_when(prev->start, b, sizeof b);
    return fs_cfg_error(clk, err,
                        "sessions of a day must be in time order: \"%s\" starts before \"%s\" "
                        "(%s)",
                        s->name, prev->name, b);
  }
  if (s->start >= prev->stop - EPS_T) return FS_OK;
  fmt_when(s->start, a, sizeof a);
  fmt_when(prev->stop, b, sizeof b);
  return fs_cfg_error(clk, err,
                      "the session \"%s\" starts at %s, before the previous session \"%s\" ends "
                      "at %s",
                      s->name, a, prev->name, b);
}

static fs_status read_session_head(reader *r, session_spec *ss, fs_error *err) {
  static const char *const keys[] = {"name", "time", "context",     "trials", "us_alone",
                                     "us",   "iti",  "cs_duration", "window", "stimulus"};
  fs_cfg_node s = ss->node;
  const char *name = NULL;
  double clk = 0;
  fs_error cerr;
  fs_status st;
  if ((st = fs_cfg_expect_keys(s, keys, sizeof keys / sizeof keys[0], err)) != FS_OK ||
      (st = fs_cfg_get_string(s, "name", true, &name, err)) != FS_OK ||
      (st = copy_name(fs_cfg_child(s, "name"), name, ss->s->name, err)) != FS_OK)
    return st;
  fs_cfg_node time_node = fs_cfg_child(s, "time");
  if (!fs_cfg_exists(time_node)) return fs_cfg_error(s, err, "missing key \"time\"");
  if (fs_protocol_parse_clock(fs_cfg_scalar(time_node), &clk, &cerr) != FS_OK)
    return fs_cfg_error(time_node, err, "%s", cerr.msg);
  ss->s->start = (double)(ss->s->day - 1) * DAY + clk;
  if ((st = read_context(r, s, &ss->s->context, err)) != FS_OK ||
      (st = read_count(ss, err)) != FS_OK || (st = read_stimulus(r, ss, err)) != FS_OK)
    return st;
  ss->set = r->defaults;
  if (ss->us_alone) ss->set.us = US_PAIRED;
  return read_settings(s, true, &ss->set, err);
}

/* A timing value that neither the session nor protocol.defaults gave. */
static fs_status missing(const session_spec *ss, const char *key, bool us, fs_error *err) {
  fs_cfg_node u = fs_cfg_child(ss->node, "us");
  if (us)
    return fs_cfg_error(fs_cfg_exists(u) ? u : ss->node, err,
                        "missing key \"%s\" of the US (give it in this session's us or in "
                        "protocol.defaults.us)",
                        key);
  return fs_cfg_error(ss->node, err, "missing key \"%s\" (give it here or in protocol.defaults)",
                      key);
}

/* Every value the expansion needs is there, and a paired US (or, with an outcome input, the
 * time it would come) lies inside the fast window. */
static fs_status check_timing(const session_spec *ss, bool outcome, fs_error *err) {
  const settings *t = &ss->set;
  bool paired = t->us == US_PAIRED, timed = paired || (outcome && !ss->us_alone);
  if (!ss->us_alone && isnan(t->cs_duration)) return missing(ss, "cs_duration", false, err);
  if (ss->s->n_trials > 1 && !fs_cfg_exists(t->iti)) return missing(ss, "iti", false, err);
  if (timed && !paired && (isnan(t->us_at) || isnan(t->us_duration)))
    return fs_cfg_error(ss->node, err,
                        "protocol.inputs.outcome needs the time the US would come on every CS "
                        "trial: give us.at and us.duration in protocol.defaults");
  if (timed && !ss->us_alone && isnan(t->us_at)) return missing(ss, "at", true, err);
  if (timed && isnan(t->us_duration)) return missing(ss, "duration", true, err);
  if (paired && isnan(t->us_intensity)) return missing(ss, "intensity", true, err);
  if (!timed || ss->us_alone) return FS_OK;
  double end = t->us_at + t->us_duration, stop = t->cs_duration + t->after;
  if (t->us_at >= -t->before - EPS_T && end <= stop + EPS_T) return FS_OK;
  fs_cfg_node u = fs_cfg_child(ss->node, "us");
  bool early = t->us_at < -t->before - EPS_T;
  const char *what = paired ? "the US" : "the outcome time (when the US would come)";
  return fs_cfg_error(paired && fs_cfg_exists(u) ? u : ss->node, err,
                      "%s (%g s to %g s after the CS onset) %s the trial's fast window "
                      "(%g s to %g s); %s",
                      what, t->us_at, end, early ? "starts before" : "ends after", -t->before, stop,
                      early ? "lengthen window.before or move the US"
                            : "lengthen window.after or move the US");
}

/* Trial k of a session, starting at onset t (the CS's, or the US's for an unsignalled one). */
static fs_trial make_trial(const session_spec *ss, size_t index, size_t k, double t) {
  const settings *set = &ss->set;
  const fs_session *s = ss->s;
  fs_trial tr = {.kind = ss->us_alone ? FS_TRIAL_US_ALONE : FS_TRIAL_CS,
                 .tone = ss->tone[k],
                 .day = s->day,
                 .session = index,
                 .trial = k,
                 .context = s->context,
                 .cs_on = NAN,
                 .cs_off = NAN,
                 .us_on = NAN,
                 .us_off = NAN,
                 .outcome_on = NAN,
                 .outcome_off = NAN};
  if (!ss->us_alone) {
    tr.cs_on = t;
    tr.cs_off = t + set->cs_duration;
    tr.outcome_on = t + set->us_at; /* NaN when the session has no US timing */
    tr.outcome_off = tr.outcome_on + set->us_duration;
  }
  if (set->us == US_PAIRED) {
    tr.us_on = ss->us_alone ? t : t + set->us_at;
    tr.us_off = tr.us_on + set->us_duration;
    tr.us_intensity = set->us_intensity;
  }
  double off = ss->us_alone ? tr.us_off : tr.cs_off;
  tr.window_start = t - set->before;
  tr.window_stop = off + set->after;
  return tr;
}

/* A trial's stimuli (CS and US) must end before the next trial's begin. */
static fs_status check_trial_order(const session_spec *ss, const fs_trial *a, const fs_trial *b,
                                   fs_error *err) {
  double end = fmax(a->cs_off, a->us_off), start = fmin(b->cs_on, b->us_on);
  if (start >= end - EPS_T) return FS_OK;
  fs_cfg_node iti = fs_cfg_child(ss->node, "iti");
  return fs_cfg_error(fs_cfg_exists(iti) ? iti : ss->node, err,
                      "the stimuli of trial %zu of %zu begin %g s before those of trial %zu end; "
                      "lengthen the iti or move the US",
                      b->trial + 1, ss->s->n_trials, end - start, a->trial + 1);
}

/* Adds trial tr to the session's last window, or opens a new one. */
static fs_status add_to_window(reader *r, fs_trial *tr, size_t first_window, fs_error *err) {
  fs_protocol *p = r->p;
  fs_window *w = p->n_windows > first_window ? &p->windows[p->n_windows - 1] : NULL;
  if (w != NULL && tr->window_start <= w->stop + EPS_T) {
    w->stop = fmax(w->stop, tr->window_stop);
    w->n_trials++;
  } else {
    if (!reserve((void **)&p->windows, &r->cap_windows, p->n_windows + 1, sizeof *p->windows))
      return nomem(err);
    p->windows[p->n_windows++] =
        (fs_window){tr->window_start, tr->window_stop, tr->session, p->n_trials, 1};
  }
  tr->window = p->n_windows - 1;
  return FS_OK;
}

static fs_status expand_session(reader *r, session_spec *ss, fs_error *err) {
  fs_protocol *p = r->p;
  size_t n = ss->s->n_trials, index = p->n_sessions, first_window = p->n_windows;
  double *gaps = malloc(sizeof(double) * n);
  fs_status st = gaps == NULL ? nomem(err) : FS_OK;
  /* a 1-trial session does not need the default iti, which may be a list for other sessions */
  bool own_iti = fs_cfg_exists(fs_cfg_child(ss->node, "iti"));
  if (st == FS_OK && (n > 1 || own_iti)) st = read_iti(ss->set.iti, n - 1, n, gaps, err);
  if (st == FS_OK &&
      !reserve((void **)&p->trials, &r->cap_trials, p->n_trials + n, sizeof *p->trials))
    st = nomem(err);
  ss->s->first_trial = p->n_trials;
  double t = ss->s->start + ss->set.before;
  for (size_t k = 0; k < n && st == FS_OK; k++) {
    fs_trial tr = make_trial(ss, index, k, t);
    if (k > 0) st = check_trial_order(ss, &p->trials[p->n_trials - 1], &tr, err);
    if (st == FS_OK) st = add_to_window(r, &tr, first_window, err);
    if (st == FS_OK) p->trials[p->n_trials++] = tr;
    if (k + 1 < n) t = (ss->us_alone ? tr.us_off : tr.cs_off) + gaps[k];
  }
  free(gaps);
  if (st == FS_OK) ss->s->stop = p->windows[p->n_windows - 1].stop;
  return st;
}

static fs_status read_session(reader *r, fs_cfg_node node, long day, fs_error *err) {
  fs_protocol *p = r->p;
  if (!reserve((void **)&p->sessions, &r->cap_sessions, p->n_sessions + 1, sizeof *p->sessions))
    return nomem(err);
  fs_session *s = &p->sessions[p->n_sessions];
  memset(s, 0, sizeof *s);
  s->day = (int)day;
  session_spec ss = {.node = node, .s = s};
  fs_status st = read_session_head(r, &ss, err);
  if (st == FS_OK) st = check_timing(&ss, r->outcome_plan > 0, err);
  if (st == FS_OK) st = check_start(r, &ss, err);
  if (st == FS_OK) st = expand_session(r, &ss, err);
  if (st == FS_OK) p->n_sessions++;
  free(ss.tone);
  return st;
}

/* ---- days ------------------------------------------------------------------------------- */

static fs_status read_day(reader *r, fs_cfg_node d, size_t index, fs_error *err) {
  static const char *const keys[] = {"day", "sessions"};
  long day = 0;
  fs_status st;
  if ((st = fs_cfg_expect_keys(d, keys, 2, err)) != FS_OK ||
      (st = fs_cfg_get_int(d, "day", 1, MAX_DAY, true, &day, err)) != FS_OK)
    return st;
  fs_cfg_node dn = fs_cfg_child(d, "day");
  if (index > 0 && day == r->prev_day)
    return fs_cfg_error(dn, err,
                        "day %ld is repeated (days[%zu] is day %ld too); give all of a day's "
                        "sessions in one entry",
                        day, r->prev_day_index, day);
  if (index > 0 && day < r->prev_day)
    return fs_cfg_error(dn, err, "day number going backwards: day %ld after day %ld", day,
                        r->prev_day);
  r->prev_day = day;
  r->prev_day_index = index;
  fs_cfg_node list = fs_cfg_child(d, "sessions");
  if (!fs_cfg_exists(list)) return fs_cfg_error(d, err, "missing key \"sessions\"");
  if (!fs_cfg_is_seq(list) || fs_cfg_len(list) == 0)
    return fs_cfg_error(list, err,
                        "expected a list of sessions such as [{name: conditioning, "
                        "time: '10:00', context: A, trials: 5}]");
  for (size_t i = 0; i < fs_cfg_len(list) && st == FS_OK; i++)
    st = read_session(r, fs_cfg_item(list, i), day, err);
  return st;
}

static fs_status read_days(reader *r, fs_cfg_node proto, fs_error *err) {
  fs_cfg_node days = fs_cfg_child(proto, "days");
  fs_status st = FS_OK;
  if (!fs_cfg_exists(days)) return fs_cfg_error(proto, err, "missing key \"days\"");
  if (!fs_cfg_is_seq(days) || fs_cfg_len(days) == 0)
    return fs_cfg_error(days, err, "expected a list of days such as [{day: 1, sessions: [...]}]");
  for (size_t i = 0; i < fs_cfg_len(days) && st == FS_OK; i++)
    st = read_day(r, fs_cfg_item(days, i), i, err);
  return st;
}

/* ---- rate plans ------------------------------------------------------------------------- */

/* Appends rate from t on; t never decreases, and at an equal time the later value wins. */
static void plan_push(fs_rate_plan *pl, double t, double rate) {
  if (pl->n > 0 && t <= pl->t[pl->n - 1]) {
    pl->rate[pl->n - 1] = rate;
    if (pl->n > 1 && pl->rate[pl->n - 2] == rate) pl->n--;
    return;
  }
  if (pl->n > 0 && pl->rate[pl->n - 1] == rate) return;
  pl->t[pl->n] = t;
  pl->rate[pl->n++] = rate;
}

static bool plan_alloc(fs_rate_plan *pl, size_t max_points, double baseline) {
  pl->t = malloc(sizeof(double) * max_points);
  pl->rate = malloc(sizeof(double) * max_points);
  if (pl->t == NULL || pl->rate == NULL) return false;
  plan_push(pl, 0.0, baseline);
  return true;
}

/* During a CS trial, its tone's input and the inputs of the tone's `with` change rate. */
static void push_tone(fs_protocol *p, const fs_trial *tr) {
  const fs_tone *tone = &p->tones[tr->tone];
  plan_push(&p->plans[tone->plan], tr->cs_on, tone->rate);
  plan_push(&p->plans[tone->plan], tr->cs_off, tone->baseline);
  for (size_t j = 0; j < tone->n_with; j++) {
    const fs_tone *other = NULL;
    for (size_t k = 0; k < p->n_tones && other == NULL; k++)
      if (p->tones[k].plan == tone->with_plan[j]) other = &p->tones[k];
    plan_push(&p->plans[tone->with_plan[j]], tr->cs_on, tone->with_rate[j]);
    plan_push(&p->plans[tone->with_plan[j]], tr->cs_off, other->baseline);
  }
}

static fs_status build_plans(reader *r, fs_error *err) {
  fs_protocol *p = r->p;
  fs_rate_plan *us = &p->plans[1];
  for (size_t k = 0; k < p->n_tones; k++)
    if (!plan_alloc(&p->plans[p->tones[k].plan], 1 + 2 * p->n_trials, p->tones[k].baseline))
      return nomem(err);
  if (!plan_alloc(us, 1 + 2 * p->n_trials, r->us.baseline)) return nomem(err);
  for (size_t i = 0; i < p->n_trials; i++) {
    const fs_trial *tr = &p->trials[i];
    if (tr->kind == FS_TRIAL_CS) push_tone(p, tr);
    if (!isnan(tr->us_on)) {
      plan_push(us, tr->us_on, r->us.rate * tr->us_intensity / r->us.reference);
      plan_push(us, tr->us_off, r->us.baseline);
    }
  }
  if (r->outcome_plan > 0) {
    fs_rate_plan *pl = &p->plans[r->outcome_plan];
    if (!plan_alloc(pl, 1 + 2 * p->n_trials, 0.0)) return nomem(err);
    for (size_t i = 0; i < p->n_trials; i++) {
      if (p->trials[i].kind != FS_TRIAL_CS) continue;
      plan_push(pl, p->trials[i].outcome_on, r->outcome_rate);
      plan_push(pl, p->trials[i].outcome_off, 0.0);
    }
  }
  for (size_t c = 0; c < p->n_contexts; c++) {
    fs_rate_plan *pl = &p->plans[p->contexts[c].plan];
    if (!plan_alloc(pl, 1 + 2 * p->n_windows, 0.0)) return nomem(err);
    for (size_t w = 0; w < p->n_windows; w++) {
      if (p->sessions[p->windows[w].session].context != c) continue;
      plan_push(pl, p->windows[w].start, r->context_rate);
      plan_push(pl, p->windows[w].stop, 0.0);
    }
  }
  return FS_OK;
}

/* ---- public ----------------------------------------------------------------------------- */

static fs_status read_protocol(reader *r, fs_cfg_node proto, fs_error *err) {
  static const char *const keys[] = {"inputs", "defaults", "days"};
  fs_status st = fs_cfg_expect_keys(proto, keys, 3, err);
  if (st == FS_OK) st = read_inputs(r, proto, err);
  if (st == FS_OK) st = read_defaults(r, proto, err);
  if (st == FS_OK) st = read_days(r, proto, err);
  if (st == FS_OK) st = build_plans(r, err);
  if (st == FS_OK) r->p->end = r->p->windows[r->p->n_windows - 1].stop;
  return st;
}

fs_status fs_protocol_read(fs_cfg_node root, const char *const *input_names, size_t n_inputs,
                           fs_protocol **out, fs_error *err) {
  *out = NULL;
  fs_cfg_node proto = fs_cfg_child(root, "protocol");
  if (!fs_cfg_exists(proto)) return FS_OK;
  reader r = {.inputs = input_names, .n_inputs = input_names != NULL ? n_inputs : 0};
  r.p = calloc(1, sizeof *r.p);
  if (r.p == NULL) return nomem(err);
  fs_status st = read_protocol(&r, proto, err);
  free(r.plan_nodes);
  free(r.context_names);
  free(r.tone_names);
  if (st != FS_OK) {
    fs_protocol_free(r.p);
    return st;
  }
  *out = r.p;
  return FS_OK;
}

void fs_protocol_free(fs_protocol *p) {
  if (p == NULL) return;
  for (size_t i = 0; i < p->n_plans; i++) {
    free(p->plans[i].t);
    free(p->plans[i].rate);
  }
  for (size_t k = 0; k < p->n_tones; k++) {
    free(p->tones[k].with_plan);
    free(p->tones[k].with_rate);
  }
  free(p->tones);
  free(p->plans);
  free(p->trials);
  free(p->sessions);
  free(p->contexts);
  free(p->windows);
  free(p);
}
