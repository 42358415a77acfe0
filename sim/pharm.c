/* pharm.c - reads `subject:` and `drugs:` (schema in include/fearsim/pharm.h) into a
 * validated plan: expanded doses, one PK course per (drug, PK model, PK parameters), local
 * applications, drug parameters and per-population selectivity. Everything is checked
 * before the courses are built. */
#include <fearsim/param.h>
#include <fearsim/pharm.h>
#include <fearsim/registry.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400.0
#define MAX_DOSES 100000 /* after expansion of repeat: */

/* ---- species presets -------------------------------------------------------------------- */

typedef struct species_row {
  const char *name;
  double body_weight; /* kg */
  bool rodent;        /* selects the drug row's pk_rodent */
} species_row;

/* Default weights: typical adult (human 70 kg, as in the Clements/Domino per-kg scaling;
 * rat 0.3 kg and mouse 0.025 kg, typical adult laboratory animals, placeholders). */
static const species_row species_rows[] = {
    {"human", 70.0, false}, {"rat", 0.3, true}, {"mouse", 0.025, true}};
static const char *const species_names[] = {"human", "rat", "mouse"};
#define N_SPECIES 3

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- the plan --------------------------------------------------------------------------- */

typedef struct pharm_drug {
  const fs_drug *drug;
  fs_drug_params params;
  long params_entry;   /* drugs[] entry that gave params, -1 if none */
  double *selectivity; /* per population, default 1 */
  long sel_entry;      /* drugs[] entry that gave selectivity, -1 if none */
} pharm_drug;

typedef struct pharm_course {
  size_t drug;
  fs_pk_params pk;
  fs_pk_course *course;
} pharm_course;

typedef struct pharm_local {
  size_t drug;
  double t0, t1, conc;
  unsigned char *mask; /* per population */
} pharm_local;

struct fs_pharmacology {
  const char *species;
  double body_weight;
  int start_weekday; /* 0 = Monday */
  bool rodent;
  size_t n_pops;
  pharm_drug *drugs;
  size_t n_drugs;
  pharm_course *courses;
  size_t n_courses;
  pharm_local *locals;
  size_t n_locals;
  fs_pharm_dose *doses;
  size_t *dose_course; /* while reading: the course of each dose, SIZE_MAX for none */
  size_t n_doses;
  int blocker;
};

/* What one drugs[] entry says, before expansion. */
typedef struct entry_spec {
  fs_cfg_node node;
  size_t index, drug;
  fs_route route;
  double amount, conc, duration, t0;
  size_t pk_course;
  unsigned char *mask;
} entry_spec;

typedef struct read_ctx {
  fs_pharmacology *ph;
  const char *const *pops;
  double t_end;
} read_ctx;

static bool grow(void **arr, size_t n, size_t elem) {
  if ((n & (n - 1)) != 0 && n != 0) return true; /* capacity is the next power of two */
  size_t cap = n == 0 ? 4 : 2 * n;
  void *p = realloc(*arr, cap * elem);
  if (p == NULL) return false;
  *arr = p;
  return true;
}

static fs_status nomem(fs_error *err) {
  return fs_error_set(err, FS_ERR_NOMEM, "out of memory while reading the drugs");
}

/* "8 h", "40 min" or "30 s", for messages. */
static void fmt_time(double t, char *buf, size_t len) {
  if (t >= 3600.0)
    snprintf(buf, len, "%.6g h", t / 3600.0);
  else if (t >= 60.0)
    snprintf(buf, len, "%.6g min", t / 60.0);
  else
    snprintf(buf, len, "%.6g s", t);
}

/* ---- subject ---------------------------------------------------------------------------- */

static fs_status read_subject(fs_cfg_node root, fs_pharmacology *ph, fs_error *err) {
  static const char *const keys[] = {"species", "body_weight", "start_weekday", "seed"};
  fs_cfg_node s = fs_cfg_child(root, "subject");
  fs_status st;
  size_t species = SIZE_MAX, weekday = 0;
  ph->species = "human";
  if (!fs_cfg_exists(s)) return FS_OK;
  if ((st = fs_cfg_expect_keys(s, keys, 4, err)) != FS_OK ||
      (st = fs_cfg_get_choice(s, "species", species_names, N_SPECIES, false, &species, err)) ||
      (st = fs_cfg_get_choice(s, "start_weekday", weekday_names, 7, false, &weekday, err)))
    return st;
  if (species != SIZE_MAX) {
    ph->species = species_rows[species].name;
    ph->body_weight = species_rows[species].body_weight;
    ph->rodent = species_rows[species].rodent;
  }
  ph->start_weekday = (int)weekday;
  double w = ph->body_weight;
  if ((st = fs_cfg_get_quantity(s, "body_weight", FS_UNIT_MASS, false, &w, err)) != FS_OK)
    return st;
  if (!(w > 0) && fs_cfg_exists(fs_cfg_child(s, "body_weight")))
    return fs_cfg_error(fs_cfg_child(s, "body_weight"), err, "the body weight must be > 0");
  ph->body_weight = w;
  return FS_OK;
}

/* ---- drugs of the plan ------------------------------------------------------------------ */

/* The plan's index of drug d, adding it if new. */
static fs_status plan_drug(fs_pharmacology *ph, const fs_drug *d, size_t *index, fs_error *err) {
  fs_status st = fs_drug_check(d, err);
  if (st != FS_OK) return st;
  for (size_t i = 0; i < ph->n_drugs; i++)
    if (ph->drugs[i].drug == d) {
      *index = i;
      return FS_OK;
    }
  if (!grow((void **)&ph->drugs, ph->n_drugs, sizeof *ph->drugs)) return nomem(err);
  pharm_drug *pd = &ph->drugs[ph->n_drugs];
  memset(pd, 0, sizeof *pd);
  pd->drug = d;
  pd->params_entry = pd->sel_entry = -1;
  fs_drug_defaults(d, &pd->params);
  pd->selectivity = malloc(sizeof(double) * (ph->n_pops + 1));
  if (pd->selectivity == NULL) return nomem(err);
  for (size_t p = 0; p < ph->n_pops; p++)
    pd->selectivity[p] = 1.0;
  *index = ph->n_drugs++;
  return FS_OK;
}

/* Only one open-channel blocker per experiment. */
static fs_status check_blocker(fs_pharmacology *ph, const entry_spec *e, fs_error *err) {
  if (!ph->drugs[e->drug].drug->mechanism->blocks_channel) return FS_OK;
  if (ph->blocker < 0) {
    ph->blocker = (int)e->drug;
    return FS_OK;
  }
  if ((size_t)ph->blocker == e->drug) return FS_OK;
  return fs_cfg_error(fs_cfg_child(e->node, "drug"), err,
                      "only one open-channel blocker may be used in an experiment, got \"%s\" "
                      "and \"%s\"",
                      ph->drugs[ph->blocker].drug->name, ph->drugs[e->drug].drug->name);
}

/* `params:` — the drug's table; every entry that gives it must give the same values. */
static fs_status read_drug_params(fs_pharmacology *ph, const entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "params");
  pharm_drug *pd = &ph->drugs[e->drug];
  if (!fs_cfg_exists(n)) return FS_OK;
  fs_drug_params p;
  fs_drug_defaults(pd->drug, &p);
  fs_status st = fs_params_read(n, pd->drug->params, pd->drug->n_params, &p, err);
  if (st != FS_OK) return st;
  if (pd->params_entry >= 0 && memcmp(&p, &pd->params, sizeof p) != 0)
    return fs_cfg_error(n, err, "differs from drugs[%ld].params; a drug has one set of parameters",
                        pd->params_entry);
  pd->params = p;
  pd->params_entry = (long)e->index;
  return FS_OK;
}

/* "did you mean" or the list of the populations. */
static fs_status unknown_population(fs_cfg_node n, const char *name, const read_ctx *c,
                                    fs_error *err) {
  const char *close = fs_registry_closest(name, c->pops, c->ph->n_pops);
  if (close != NULL)
    return fs_cfg_error(n, err, "unknown population \"%s\" (did you mean \"%s\"?)", name, close);
  char list[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < c->ph->n_pops && used < sizeof list; i++)
    used +=
        (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", i ? ", " : "", c->pops[i]);
  return fs_cfg_error(n, err, "unknown population \"%s\" (the populations are: %s)", name,
                      c->ph->n_pops ? list : "none");
}

static fs_status find_population(fs_cfg_node n, const char *name, const read_ctx *c, size_t *pop,
                                 fs_error *err) {
  for (size_t i = 0; i < c->ph->n_pops; i++)
    if (strcmp(c->pops[i], name) == 0) {
      *pop = i;
      return FS_OK;
    }
  return unknown_population(n, name, c, err);
}

/* `selectivity: {pop: factor}` for an open-channel blocker. */
static fs_status read_selectivity(const read_ctx *c, const entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "selectivity");
  pharm_drug *pd = &c->ph->drugs[e->drug];
  if (!fs_cfg_exists(n)) return FS_OK;
  if (!pd->drug->mechanism->blocks_channel)
    return fs_cfg_error(n, err, "selectivity applies to open-channel blockers only, not to %s",
                        pd->drug->name);
  if (pd->sel_entry >= 0)
    return fs_cfg_error(n, err, "selectivity was already given at drugs[%ld]", pd->sel_entry);
  if (!fs_cfg_is_map(n))
    return fs_cfg_error(n, err, "expected a mapping of population names to factors");
  for (size_t i = 0; i < fs_cfg_len(n); i++) {
    const char *name = fs_cfg_key(n, i);
    size_t pop = 0;
    double f = 1.0;
    fs_status st = find_population(fs_cfg_item(n, i), name, c, &pop, err);
    if (st == FS_OK) st = fs_cfg_get_quantity(n, name, FS_UNIT_DIMENSIONLESS, true, &f, err);
    if (st == FS_OK && !(f >= 0))
      st = fs_cfg_error(fs_cfg_item(n, i), err, "a selectivity factor must be >= 0");
    if (st != FS_OK) return st;
    pd->selectivity[pop] = f;
  }
  pd->sel_entry = (long)e->index;
  return FS_OK;
}

/* ---- one entry: amount, time, route-specific keys ---------------------------------------- */

/* `dose:` as mg/kg (× body weight) or mg, > 0. */
static fs_status read_amount(const fs_pharmacology *ph, entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "dose");
  if (!fs_cfg_exists(n)) return fs_cfg_error(e->node, err, "missing key \"dose\"");
  const char *text = fs_cfg_scalar(n);
  double v;
  fs_error uerr;
  bool per_kg = text != NULL && fs_units_parse(text, FS_UNIT_DOSE_PER_MASS, &v, &uerr) == FS_OK;
  if (!per_kg && (text == NULL || fs_units_parse(text, FS_UNIT_MASS, &v, &uerr) != FS_OK))
    return fs_cfg_error(n, err, "expected a dose such as \"0.5 mg/kg\" or \"56 mg\", got \"%s\"",
                        text ? text : "a collection");
  if (!(v > 0)) return fs_cfg_error(n, err, "the dose must be > 0, got \"%s\"", text);
  if (!(ph->body_weight > 0))
    return fs_cfg_error(n, err,
                        "%s needs the body weight: give subject.body_weight or subject.species",
                        per_kg ? "a dose per body mass" : "a systemic dose (V1 is per kg)");
  e->amount = per_kg ? v * ph->body_weight : v;
  return FS_OK;
}

/* `concentration:` for a local application, mol/m^3 (a mass concentration is divided by
 * the molar mass), > 0. */
static fs_status read_local_conc(const fs_pharmacology *ph, entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "concentration");
  if (!fs_cfg_exists(n)) return fs_cfg_error(e->node, err, "missing key \"concentration\"");
  const char *text = fs_cfg_scalar(n);
  double v;
  fs_error uerr;
  if (text != NULL && fs_units_parse(text, FS_UNIT_MOLAR, &v, &uerr) == FS_OK)
    e->conc = v;
  else if (text != NULL && fs_units_parse(text, FS_UNIT_MASS_CONC, &v, &uerr) == FS_OK)
    e->conc = v / ph->drugs[e->drug].drug->molar_mass;
  else
    return fs_cfg_error(n, err,
                        "expected a concentration such as \"50 uM\" or \"10 ug/mL\", got "
                        "\"%s\"",
                        text ? text : "a collection");
  if (!(e->conc > 0))
    return fs_cfg_error(n, err, "the concentration must be > 0, got \"%s\"", text);
  return FS_OK;
}

/* 'HH:MM' or 'HH:MM:SS' → seconds after midnight. */
static bool parse_clock(const char *s, double *out) {
  int h, m, sec = 0, used = 0;
  if (s == NULL) return false;
  if (sscanf(s, "%2d:%2d:%2d%n", &h, &m, &sec, &used) != 3) {
    sec = 0;
    if (sscanf(s, "%2d:%2d%n", &h, &m, &used) != 2) return false;
  }
  if (s[used] != '\0' || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return false;
  *out = h * 3600.0 + m * 60.0 + sec;
  return true;
}

/* `at:` (time from the start) or `day:` + `time:` (t = 0 is 00:00 of day 1). */
static fs_status read_time(entry_spec *e, fs_error *err) {
  fs_cfg_node at = fs_cfg_child(e->node, "at"), day = fs_cfg_child(e->node, "day");
  fs_cfg_node clock = fs_cfg_child(e->node, "time");
  if (fs_cfg_exists(at) && (fs_cfg_exists(day) || fs_cfg_exists(clock)))
    return fs_cfg_error(at, err, "give either at or day/time, not both");
  if (fs_cfg_exists(at) || !(fs_cfg_exists(day) || fs_cfg_exists(clock))) {
    fs_status st = fs_cfg_get_quantity(e->node, "at", FS_UNIT_TIME, true, &e->t0, err);
    if (st == FS_OK && !(e->t0 >= 0)) st = fs_cfg_error(at, err, "the time must be >= 0");
    return st;
  }
  long d = 1;
  double c = 0.0;
  fs_status st = fs_cfg_get_int(e->node, "day", 1, 100000, true, &d, err);
  if (st != FS_OK) return st;
  if (fs_cfg_exists(clock) && !parse_clock(fs_cfg_scalar(clock), &c))
    return fs_cfg_error(clock, err, "expected a clock time such as '09:00', got \"%s\"",
                        fs_cfg_scalar(clock) ? fs_cfg_scalar(clock) : "a collection");
  e->t0 = (double)(d - 1) * DAY + c;
  return FS_OK;
}

/* `duration:` is required for iv_infusion and local and refused elsewhere. */
static fs_status read_duration(entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "duration");
  bool needed = e->route == FS_ROUTE_IV_INFUSION || e->route == FS_ROUTE_LOCAL;
  if (!needed && fs_cfg_exists(n))
    return fs_cfg_error(n, err, "duration applies to the routes iv_infusion and local only");
  if (!needed) return FS_OK;
  fs_status st = fs_cfg_get_quantity(e->node, "duration", FS_UNIT_TIME, true, &e->duration, err);
  if (st == FS_OK && !(e->duration > 0)) st = fs_cfg_error(n, err, "the duration must be > 0");
  return st;
}

/* `populations:` of a local application, into a mask. */
static fs_status read_targets(const read_ctx *c, entry_spec *e, fs_error *err) {
  fs_cfg_node n = fs_cfg_child(e->node, "populations");
  if (e->route != FS_ROUTE_LOCAL) {
    if (fs_cfg_exists(n))
      return fs_cfg_error(n, err, "populations applies to the route local only");
    return FS_OK;
  }
  if (!fs_cfg_exists(n)) return fs_cfg_error(e->node, err, "missing key \"populations\"");
  if (!fs_cfg_is_seq(n) || fs_cfg_len(n) == 0)
    return fs_cfg_error(n, err, "expected a list of population names such as [LA]");
  e->mask = calloc(c->ph->n_pops + 1, 1);
  if (e->mask == NULL) return nomem(err);
  for (size_t i = 0; i < fs_cfg_len(n); i++) {
    fs_cfg_node item = fs_cfg_item(n, i);
    const char *name = fs_cfg_scalar(item);
    size_t pop = 0;
    if (name == NULL) return fs_cfg_error(item, err, "expected a population name");
    fs_status st = find_population(item, name, c, &pop, err);
    if (st != FS_OK) return st;
    e->mask[pop] = 1;
  }
  return FS_OK;
}

/* ---- PK courses ------------------------------------------------------------------------- */

static fs_status pk_model_of(const fs_pharmacology *ph, const entry_spec *e, const fs_pk_model **m,
                             fs_error *err) {
  const char *names[8];
  size_t n = fs_pk_model_count(), idx = SIZE_MAX;
  for (size_t i = 0; i < n && i < 8; i++)
    names[i] = fs_pk_model_at(i)->name;
  fs_status st = fs_cfg_get_choice(e->node, "pk_model", names, n, false, &idx, err);
  if (st != FS_OK) return st;
  if (idx != SIZE_MAX) {
    *m = fs_pk_model_at(idx);
    return FS_OK;
  }
  const fs_drug *d = ph->drugs[e->drug].drug;
  const char *def = ph->rodent ? d->pk_rodent : d->pk_human;
  if (def == NULL)
    return fs_cfg_error(fs_cfg_child(e->node, "route"), err,
                        "no default PK model for %s in a %s; give pk_model", d->name, ph->species);
  *m = fs_pk_model_find(def, err);
  return *m != NULL ? FS_OK : FS_ERR_INTERNAL;
}

/* The course for (drug, model parameters), created if new; SIZE_MAX for PK model "none". */
static fs_status course_of(fs_pharmacology *ph, entry_spec *e, fs_error *err) {
  const fs_pk_model *m = NULL;
  fs_pk_params p;
  fs_status st = pk_model_of(ph, e, &m, err);
  if (st != FS_OK) return st;
  e->pk_course = SIZE_MAX;
  if (m == &fs_pk_none)
    return fs_cfg_exists(fs_cfg_child(e->node, "pk_params"))
               ? fs_cfg_error(fs_cfg_child(e->node, "pk_params"), err,
                              "PK model \"none\" has no parameters")
               : FS_OK;
  fs_pk_model_defaults(m, &p);
  st = fs_params_read(fs_cfg_child(e->node, "pk_params"), m->params, m->n_params, &p, err);
  if (st != FS_OK) return st;
  for (size_t i = 0; i < ph->n_courses; i++)
    if (ph->courses[i].drug == e->drug && memcmp(&ph->courses[i].pk, &p, sizeof p) == 0) {
      e->pk_course = i;
      return FS_OK;
    }
  if (!grow((void **)&ph->courses, ph->n_courses, sizeof *ph->courses)) return nomem(err);
  ph->courses[ph->n_courses] = (pharm_course){e->drug, p, NULL};
  e->pk_course = ph->n_courses++;
  return FS_OK;
}

/* A route without absorption in the chosen model, checked here to give a place. */
static fs_status check_absorption(const fs_pharmacology *ph, const entry_spec *e, fs_error *err) {
  if (e->pk_course == SIZE_MAX) return FS_OK;
  const fs_pk_params *p = &ph->courses[e->pk_course].pk;
  double ka = e->route == FS_ROUTE_INTRANASAL        ? p->ka_in * p->f_in
              : e->route == FS_ROUTE_INTRAPERITONEAL ? p->ka_ip * p->f_ip
              : e->route == FS_ROUTE_SUBCUTANEOUS    ? p->ka_sc * p->f_sc
                                                     : 1.0;
  if (ka > 0) return FS_OK;
  return fs_cfg_error(fs_cfg_child(e->node, "route"), err,
                      "the PK model of %s has no absorption for the route %s (choose pk_model, "
                      "e.g. rodent_1c for intraperitoneal)",
                      ph->drugs[e->drug].drug->name, fs_route_names[e->route]);
}

/* ---- repeat: ---------------------------------------------------------------------------- */

static fs_status repeat_every(fs_cfg_node r, double t0, double **times, size_t *n, fs_error *err) {
  double every = 0;
  long count = 0;
  fs_status st = fs_cfg_get_quantity(r, "every", FS_UNIT_TIME, true, &every, err);
  if (st == FS_OK) st = fs_cfg_get_int(r, "count", 1, MAX_DOSES, true, &count, err);
  if (st == FS_OK && !(every > 0))
    st = fs_cfg_error(fs_cfg_child(r, "every"), err, "the interval must be > 0");
  if (st != FS_OK) return st;
  if ((*times = malloc(sizeof(double) * (size_t)count)) == NULL) return nomem(err);
  for (long k = 0; k < count; k++)
    (*times)[k] = t0 + (double)k * every;
  *n = (size_t)count;
  return FS_OK;
}

static fs_status read_weekday(fs_cfg_node item, size_t *day, fs_error *err) {
  const char *text = fs_cfg_scalar(item);
  for (size_t d = 0; text != NULL && d < 7; d++)
    if (strcmp(text, weekday_names[d]) == 0) {
      *day = d;
      return FS_OK;
    }
  const char *close = text ? fs_registry_closest(text, weekday_names, 7) : NULL;
  return fs_cfg_error(item, err,
                      "expected one of \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", "
                      "\"sun\", got \"%s\"%s%s%s",
                      text ? text : "a collection", close ? " (did you mean \"" : "",
                      close ? close : "", close ? "\"?)" : "");
}

static fs_status read_weekdays(fs_cfg_node r, bool days[7], fs_error *err) {
  fs_cfg_node w = fs_cfg_child(r, "weekdays");
  if (!fs_cfg_is_seq(w) || fs_cfg_len(w) == 0)
    return fs_cfg_error(w, err, "expected a list of weekdays such as [mon, wed, fri]");
  for (size_t i = 0; i < fs_cfg_len(w); i++) {
    size_t d = 0;
    fs_status st = read_weekday(fs_cfg_item(w, i), &d, err);
    if (st != FS_OK) return st;
    days[d] = true;
  }
  return FS_OK;
}

static fs_status repeat_weekdays(const fs_pharmacology *ph, fs_cfg_node r, double t0,
                                 double **times, size_t *n, fs_error *err) {
  bool days[7] = {false};
  long weeks = 0;
  fs_status st = read_weekdays(r, days, err);
  if (st == FS_OK) st = fs_cfg_get_int(r, "weeks", 1, 1000, true, &weeks, err);
  if (st != FS_OK) return st;
  double d0 = floor(t0 / DAY), clock = t0 - d0 * DAY;
  int wd0 = (ph->start_weekday + (int)fmod(d0, 7.0)) % 7;
  if (!days[wd0])
    return fs_cfg_error(fs_cfg_child(r, "weekdays"), err,
                        "the first dose falls on a %s, which is not in the list",
                        weekday_names[wd0]);
  if ((*times = malloc(sizeof(double) * (size_t)(7 * weeks))) == NULL) return nomem(err);
  *n = 0;
  for (long k = 0; k < 7 * weeks; k++)
    if (days[(wd0 + k) % 7]) (*times)[(*n)++] = (d0 + (double)k) * DAY + clock;
  return FS_OK;
}

/* The times of an entry: t0 alone, or the series of `repeat:`. */
static fs_status entry_times(const fs_pharmacology *ph, const entry_spec *e, double **times,
                             size_t *n, fs_error *err) {
  static const char *const keys[] = {"every", "count", "weekdays", "weeks"};
  fs_cfg_node r = fs_cfg_child(e->node, "repeat");
  fs_status st = fs_cfg_expect_keys(r, keys, 4, err);
  if (st != FS_OK) return st;
  if (!fs_cfg_exists(r)) {
    if ((*times = malloc(sizeof(double))) == NULL) return nomem(err);
    (*times)[0] = e->t0;
    *n = 1;
    return FS_OK;
  }
  bool every = fs_cfg_exists(fs_cfg_child(r, "every"));
  bool weekly = fs_cfg_exists(fs_cfg_child(r, "weekdays"));
  if (every == weekly)
    return fs_cfg_error(r, err, "expected either {every, count} or {weekdays, weeks}");
  return every ? repeat_every(r, e->t0, times, n, err)
               : repeat_weekdays(ph, r, e->t0, times, n, err);
}

/* ---- adding the doses ------------------------------------------------------------------- */

static fs_status check_end(const read_ctx *c, const entry_spec *e, double t, size_t k, size_t n,
                           fs_error *err) {
  double end = t + e->duration;
  bool bad = e->duration > 0 ? end > c->t_end : t >= c->t_end;
  if (!bad) return FS_OK;
  char te[32], tr[32], which[64] = "";
  fmt_time(end, te, sizeof te);
  fmt_time(c->t_end, tr, sizeof tr);
  if (n > 1) snprintf(which, sizeof which, "dose %zu of %zu: ", k + 1, n);
  const char *what = e->route == FS_ROUTE_IV_INFUSION ? "the infusion ends"
                     : e->route == FS_ROUTE_LOCAL     ? "the application ends"
                                                      : "the dose is given";
  fs_cfg_node at = e->duration > 0 ? fs_cfg_child(e->node, "duration") : e->node;
  return fs_cfg_error(at, err, "%s%s at %s, after the end of the run at %s", which, what, te, tr);
}

static fs_status add_local(fs_pharmacology *ph, const entry_spec *e, double t, fs_error *err) {
  if (!grow((void **)&ph->locals, ph->n_locals, sizeof *ph->locals)) return nomem(err);
  unsigned char *mask = malloc(ph->n_pops + 1);
  if (mask == NULL) return nomem(err);
  memcpy(mask, e->mask, ph->n_pops + 1);
  ph->locals[ph->n_locals++] = (pharm_local){e->drug, t, t + e->duration, e->conc, mask};
  return FS_OK;
}

static fs_status add_doses(const read_ctx *c, const entry_spec *e, const double *times, size_t n,
                           fs_error *err) {
  fs_pharmacology *ph = c->ph;
  if (ph->n_doses + n > MAX_DOSES)
    return fs_cfg_error(e->node, err, "more than %d doses in the experiment", MAX_DOSES);
  for (size_t k = 0; k < n; k++) {
    fs_status st = check_end(c, e, times[k], k, n, err);
    if (st == FS_OK && e->route == FS_ROUTE_LOCAL) st = add_local(ph, e, times[k], err);
    if (st != FS_OK) return st;
    if (!grow((void **)&ph->doses, ph->n_doses, sizeof *ph->doses) ||
        !grow((void **)&ph->dose_course, ph->n_doses, sizeof *ph->dose_course))
      return nomem(err);
    ph->dose_course[ph->n_doses] = e->pk_course;
    ph->doses[ph->n_doses++] =
        (fs_pharm_dose){e->drug, e->index, e->route, times[k], e->duration, e->amount, e->conc};
  }
  return FS_OK;
}

/* ---- one entry -------------------------------------------------------------------------- */

static fs_status read_drug_and_route(fs_pharmacology *ph, entry_spec *e, fs_error *err) {
  const char *names[16];
  size_t n = fs_drug_count() < 16 ? fs_drug_count() : 16, d = 0, r = 0;
  for (size_t i = 0; i < n; i++)
    names[i] = fs_drug_at(i)->name;
  fs_status st = fs_cfg_get_choice(e->node, "drug", names, n, true, &d, err);
  if (st == FS_OK)
    st = fs_cfg_get_choice(e->node, "route", fs_route_names, FS_ROUTE_COUNT, true, &r, err);
  if (st == FS_OK) st = plan_drug(ph, fs_drug_at(d), &e->drug, err);
  e->route = (fs_route)r;
  return st == FS_OK ? check_blocker(ph, e, err) : st;
}

/* The keys that are read for one route and must be absent for the other kind. */
static fs_status check_route_keys(const entry_spec *e, fs_error *err) {
  bool local = e->route == FS_ROUTE_LOCAL;
  static const char *const systemic_only[] = {"dose", "pk_model", "pk_params"};
  for (size_t i = 0; i < 3; i++) {
    fs_cfg_node n = fs_cfg_child(e->node, systemic_only[i]);
    if (local && fs_cfg_exists(n))
      return fs_cfg_error(n, err, "%s does not apply to the route local (give concentration)",
                          systemic_only[i]);
  }
  fs_cfg_node n = fs_cfg_child(e->node, "concentration");
  if (!local && fs_cfg_exists(n))
    return fs_cfg_error(n, err, "concentration applies to the route local only (give dose)");
  return FS_OK;
}

static fs_status read_entry_body(const read_ctx *c, entry_spec *e, fs_error *err) {
  fs_pharmacology *ph = c->ph;
  fs_status st;
  if ((st = read_drug_and_route(ph, e, err)) != FS_OK || (st = check_route_keys(e, err)) ||
      (st = read_time(e, err)) || (st = read_duration(e, err)) || (st = read_targets(c, e, err)) ||
      (st = read_drug_params(ph, e, err)) || (st = read_selectivity(c, e, err)))
    return st;
  if (e->route == FS_ROUTE_LOCAL) return read_local_conc(ph, e, err);
  if ((st = read_amount(ph, e, err)) != FS_OK || (st = course_of(ph, e, err)) != FS_OK) return st;
  return check_absorption(ph, e, err);
}

static fs_status read_entry(const read_ctx *c, fs_cfg_node node, size_t index, fs_error *err) {
  static const char *const keys[] = {"drug",     "route",     "dose",     "concentration", "at",
                                     "day",      "time",      "duration", "populations",   "repeat",
                                     "pk_model", "pk_params", "params",   "selectivity"};
  entry_spec e = {.node = node, .index = index, .pk_course = SIZE_MAX};
  double *times = NULL;
  size_t n = 0;
  fs_status st = FS_OK;
  if (!fs_cfg_is_map(node))
    st = fs_cfg_error(node, err, "expected a mapping with drug, route, dose and at");
  if (st == FS_OK) st = fs_cfg_expect_keys(node, keys, sizeof keys / sizeof keys[0], err);
  if (st == FS_OK) st = read_entry_body(c, &e, err);
  if (st == FS_OK) st = entry_times(c->ph, &e, &times, &n, err);
  if (st == FS_OK) st = add_doses(c, &e, times, n, err);
  free(times);
  free(e.mask);
  return st;
}

/* ---- building and the public API -------------------------------------------------------- */

static int cmp_dose(const void *x, const void *y) {
  const fs_pharm_dose *a = x, *b = y;
  if (a->t != b->t) return (a->t > b->t) - (a->t < b->t);
  return (a->entry > b->entry) - (a->entry < b->entry);
}

static fs_status build_course(fs_pharmacology *ph, size_t ci, fs_error *err) {
  pharm_course *pc = &ph->courses[ci];
  fs_pk_dose *d = malloc(sizeof *d * (ph->n_doses + 1));
  size_t n = 0;
  if (d == NULL) return nomem(err);
  for (size_t i = 0; i < ph->n_doses; i++) {
    const fs_pharm_dose *x = &ph->doses[i];
    if (ph->dose_course[i] == ci) d[n++] = (fs_pk_dose){x->route, x->t, x->amount, x->duration};
  }
  fs_status st = fs_pk_course_create(&pc->pk, ph->body_weight, d, n, &pc->course, err);
  free(d);
  return st;
}

static fs_status read_drugs(const read_ctx *c, fs_cfg_node root, fs_error *err) {
  fs_cfg_node list = fs_cfg_child(root, "drugs");
  if (!fs_cfg_exists(list)) return FS_OK;
  if (!fs_cfg_is_seq(list)) return fs_cfg_error(list, err, "expected a list of doses");
  fs_status st = FS_OK;
  for (size_t i = 0; i < fs_cfg_len(list) && st == FS_OK; i++)
    st = read_entry(c, fs_cfg_item(list, i), i, err);
  for (size_t ci = 0; ci < c->ph->n_courses && st == FS_OK; ci++)
    st = build_course(c->ph, ci, err);
  free(c->ph->dose_course);
  c->ph->dose_course = NULL;
  if (st == FS_OK && c->ph->n_doses > 1)
    qsort(c->ph->doses, c->ph->n_doses, sizeof *c->ph->doses, cmp_dose);
  return st;
}

fs_status fs_pharm_read(fs_cfg_node root, const char *const *pop_names, size_t n_pops, double t_end,
                        fs_pharmacology **out, fs_error *err) {
  *out = NULL;
  fs_pharmacology *ph = calloc(1, sizeof *ph);
  if (ph == NULL) return nomem(err);
  ph->blocker = -1;
  ph->n_pops = pop_names != NULL ? n_pops : 0;
  read_ctx c = {ph, pop_names, isnan(t_end) ? INFINITY : t_end};
  fs_status st = read_subject(root, ph, err);
  if (st == FS_OK) st = read_drugs(&c, root, err);
  if (st != FS_OK) {
    fs_pharm_free(ph);
    return st;
  }
  *out = ph;
  return FS_OK;
}

void fs_pharm_free(fs_pharmacology *ph) {
  if (ph == NULL) return;
  for (size_t i = 0; i < ph->n_drugs; i++)
    free(ph->drugs[i].selectivity);
  for (size_t i = 0; i < ph->n_courses; i++)
    fs_pk_course_free(ph->courses[i].course);
  for (size_t i = 0; i < ph->n_locals; i++)
    free(ph->locals[i].mask);
  free(ph->drugs);
  free(ph->courses);
  free(ph->locals);
  free(ph->doses);
  free(ph->dose_course);
  free(ph);
}

const char *fs_pharm_species(const fs_pharmacology *ph) {
  return ph->species;
}
double fs_pharm_body_weight(const fs_pharmacology *ph) {
  return ph->body_weight;
}
size_t fs_pharm_n_drugs(const fs_pharmacology *ph) {
  return ph->n_drugs;
}
size_t fs_pharm_n_doses(const fs_pharmacology *ph) {
  return ph->n_doses;
}
int fs_pharm_blocker(const fs_pharmacology *ph) {
  return ph->blocker;
}

const fs_drug *fs_pharm_drug(const fs_pharmacology *ph, size_t i) {
  return i < ph->n_drugs ? ph->drugs[i].drug : NULL;
}

const fs_drug_params *fs_pharm_drug_params(const fs_pharmacology *ph, size_t i) {
  return i < ph->n_drugs ? &ph->drugs[i].params : NULL;
}

const fs_pharm_dose *fs_pharm_dose_at(const fs_pharmacology *ph, size_t i) {
  return i < ph->n_doses ? &ph->doses[i] : NULL;
}

void fs_pharm_conc(const fs_pharmacology *ph, size_t i, double t, double *plasma, double *effect) {
  double p = 0.0, e = 0.0;
  for (size_t k = 0; k < ph->n_courses; k++) {
    if (ph->courses[k].drug != i || ph->courses[k].course == NULL) continue;
    double pk, ek;
    fs_pk_course_conc(ph->courses[k].course, t, &pk, &ek);
    p += pk;
    e += ek;
  }
  if (plasma != NULL) *plasma = p;
  if (effect != NULL) *effect = e;
}

/* The systemic concentration c of drug i at population pop's receptors with what its local
 * applications add there at time t. */
static double with_local(const fs_pharmacology *ph, size_t i, size_t pop, double t, double c) {
  for (size_t k = 0; k < ph->n_locals; k++) {
    const pharm_local *l = &ph->locals[k];
    if (l->drug == i && pop < ph->n_pops && l->mask[pop] && t >= l->t0 && t < l->t1) c += l->conc;
  }
  return c;
}

double fs_pharm_receptor_conc(const fs_pharmacology *ph, size_t i, size_t pop, double t) {
  if (i >= ph->n_drugs) return 0.0;
  double effect;
  fs_pharm_conc(ph, i, t, NULL, &effect);
  return with_local(ph, i, pop, t, effect / ph->drugs[i].drug->molar_mass);
}

/* The drugs' effect at the NMDA receptors of populations first .. first + n - 1 at time t, into
 * out[0 .. n): every drug's concentration at its effect site is computed once. */
static void nmda_mods(const fs_pharmacology *ph, double t, size_t first, size_t n,
                      fs_nmda_mod *out) {
  for (size_t p = 0; p < n; p++)
    out[p] = FS_NMDA_MOD_NONE;
  for (size_t i = 0; i < ph->n_drugs; i++) {
    const fs_drug_mechanism *m = ph->drugs[i].drug->mechanism;
    if (m->nmda_effect == NULL) continue;
    double effect;
    fs_pharm_conc(ph, i, t, NULL, &effect);
    double systemic = effect / ph->drugs[i].drug->molar_mass;
    for (size_t p = 0; p < n; p++)
      m->nmda_effect(&ph->drugs[i].params, with_local(ph, i, first + p, t, systemic), &out[p]);
  }
}

void fs_pharm_get_nmda_mod(const fs_pharmacology *ph, size_t pop, double t, fs_nmda_mod *out) {
  nmda_mods(ph, t, pop, 1, out);
}

void fs_pharm_get_nmda_mods(const fs_pharmacology *ph, double t, fs_nmda_mod *out, size_t n_pops) {
  nmda_mods(ph, t, 0, n_pops, out);
}

void fs_pharm_get_block_coeffs(const fs_pharmacology *ph, size_t pop, fs_block_coeffs *out) {
  fs_drug_block_none(out);
  if (ph->blocker < 0) return;
  const pharm_drug *pd = &ph->drugs[ph->blocker];
  double sel = pop < ph->n_pops ? pd->selectivity[pop] : 1.0;
  (void)fs_drug_block_init(pd->drug, &pd->params, sel, out, NULL);
}
