/* pk.c - exact piecewise solution of linear compartment models with an effect site and
 * absorption depots (equations in include/fearsim/pk.h). A course precomputes the state
 * after every event; a query propagates from the last event with one matrix exponential,
 * so the answer does not depend on how often or how coarsely it is asked for. */
#include <fearsim/config.h>
#include <fearsim/pk.h>
#include <fearsim/registry.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PK_LN2 0.69314718055994530942
#define NS FS_PK_NSTATE /* 7 state variables */
#define NZ (NS + 1)     /* augmented with the constant 1 that carries the infusion rate */

enum { S_DIN, S_DIP, S_DSC, S_A1, S_A2, S_A3, S_AE };

#define FS_ROUTE_NAME_ROW(e, name) name,
const char *const fs_route_names[] = {FS_ROUTE_LIST(FS_ROUTE_NAME_ROW)};
#undef FS_ROUTE_NAME_ROW

/* ---- registry ---------------------------------------------------------------------------- */

static const fs_pk_model *const pk_models[] = {&fs_pk_clements, &fs_pk_domino, &fs_pk_rodent_1c,
                                               &fs_pk_none};
#define N_PK_MODELS (sizeof pk_models / sizeof pk_models[0])

size_t fs_pk_model_count(void) {
  return N_PK_MODELS;
}

const fs_pk_model *fs_pk_model_at(size_t i) {
  return i < N_PK_MODELS ? pk_models[i] : NULL;
}

const fs_pk_model *fs_pk_model_find(const char *name, fs_error *err) {
  return fs_registry_find((const void *const *)pk_models, N_PK_MODELS, "PK model", name, err);
}

void fs_pk_model_defaults(const fs_pk_model *m, fs_pk_params *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < m->n_params; i++)
    *(double *)((char *)out + m->params[i].offset) = m->params[i].def;
}

/* ---- half-lives ------------------------------------------------------------------------- */

/* μ³ - a μ² + b μ - c at μ. */
static double cubic(double a, double b, double c, double mu) {
  return ((mu - a) * mu + b) * mu - c;
}

/* The root of the cubic in [lo, hi], where it changes sign once, by bisection down to
 * adjacent doubles: plain arithmetic, so the same bits on every CPU. */
static double bisect_root(double a, double b, double c, double lo, double hi) {
  bool lo_negative = cubic(a, b, c, lo) < 0.0;
  for (int i = 0; i < 2200; i++) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if ((cubic(a, b, c, mid) < 0.0) == lo_negative)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Roots μ >= 0 of μ³ - a μ² + b μ - c (the negated eigenvalues of a three-compartment
 * mammillary system: all real, in [0, a]). The cubic rises from -c at 0 to its maximum at d1,
 * falls to its minimum at d2 and rises again, so each root lies between two of 0, d1, d2 and
 * a; a maximum at or below 0 (or a minimum at or above 0) is a double root there, and c = 0
 * (a compartment that never returns drug) a root at 0. */
static void cubic_roots(double a, double b, double c, double mu[3]) {
  double disc = a * a - 3.0 * b;
  double w = sqrt(disc > 0.0 ? disc : 0.0);
  double d1 = (a - w) / 3.0, d2 = (a + w) / 3.0;
  bool double_low = !(cubic(a, b, c, d1) > 0.0), double_high = !(cubic(a, b, c, d2) < 0.0);
  mu[0] = c <= 0.0 ? 0.0 : (double_low ? d1 : bisect_root(a, b, c, 0.0, d1));
  mu[1] = double_low ? d1 : (double_high ? d2 : bisect_root(a, b, c, d1, d2));
  mu[2] = double_high ? d2 : bisect_root(a, b, c, d2, a);
}

static int cmp_desc(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a < b) - (a > b);
}

fs_status fs_pk_half_lives(const fs_pk_params *p, double hl[3], size_t *n, fs_error *err) {
  if (!(p->k10 > 0))
    return fs_error_set(err, FS_ERR_INPUT, "the PK model has no elimination (k10 = 0)");
  double mu[3];
  size_t m;
  if (p->k12 <= 0 && p->k13 <= 0) {
    mu[0] = p->k10;
    m = 1;
  } else if (p->k13 <= 0) {
    double s = p->k10 + p->k12 + p->k21, d = sqrt(s * s - 4.0 * p->k10 * p->k21);
    mu[0] = 0.5 * (s + d);
    mu[1] = 0.5 * (s - d);
    m = 2;
  } else {
    double a = p->k10 + p->k12 + p->k13 + p->k21 + p->k31;
    double b =
        p->k10 * p->k21 + p->k10 * p->k31 + p->k12 * p->k31 + p->k13 * p->k21 + p->k21 * p->k31;
    cubic_roots(a, b, p->k10 * p->k21 * p->k31, mu);
    m = 3;
  }
  qsort(mu, m, sizeof mu[0], cmp_desc);
  for (size_t i = 0; i < m; i++)
    hl[i] = PK_LN2 / mu[i];
  *n = m;
  return FS_OK;
}

/* ---- matrix exponential ----------------------------------------------------------------- */

static void matmul(const double *a, const double *b, size_t n, double *out) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0.0;
      for (size_t k = 0; k < n; k++)
        s += a[i * n + k] * b[k * n + j];
      out[i * n + j] = s;
    }
}

static double norm1(const double *a, size_t n) {
  double best = 0.0;
  for (size_t j = 0; j < n; j++) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
      s += fabs(a[i * n + j]);
    best = s > best ? s : best;
  }
  return best;
}

/* ceil(log2(v)) for v > 1, exactly (frexp gives v = m 2^e with m in [0.5, 1)). */
static int ceil_log2(double v) {
  int e;
  double m = frexp(v, &e);
  return m == 0.5 ? e - 1 : e;
}

void fs_pk_expm(const double *a, size_t n, double t, double *out) {
  double b[NZ * NZ], e[NZ * NZ], tmp[NZ * NZ];
  double nrm = norm1(a, n) * fabs(t);
  int s = nrm > 0.5 ? ceil_log2(nrm / 0.5) : 0;
  double scale = ldexp(t, -s);
  for (size_t i = 0; i < n * n; i++)
    b[i] = a[i] * scale;
  /* Horner: e = I + b(I + b/2(I + b/3(... (I + b/18)))) */
  memset(e, 0, sizeof(double) * n * n);
  for (size_t i = 0; i < n; i++)
    e[i * n + i] = 1.0;
  for (int k = 18; k >= 1; k--) {
    matmul(b, e, n, tmp);
    for (size_t i = 0; i < n * n; i++)
      e[i] = tmp[i] / k;
    for (size_t i = 0; i < n; i++)
      e[i * n + i] += 1.0;
  }
  for (int k = 0; k < s; k++) {
    matmul(e, e, n, tmp);
    memcpy(e, tmp, sizeof(double) * n * n);
  }
  memcpy(out, e, sizeof(double) * n * n);
}

/* ---- courses ---------------------------------------------------------------------------- */

typedef struct pk_event {
  double t;
  double z[NZ]; /* state just after the events at t; z[NS] = 1 */
  double rate;  /* infusion rate into the central compartment until the next event, kg/s */
} pk_event;

struct fs_pk_course {
  double a[NZ * NZ]; /* the augmented system matrix without the rate column */
  double v1;         /* m^3 (per-kg volume × body weight) */
  pk_event *ev;
  size_t n_ev;
};

static void build_matrix(const fs_pk_params *p, double *a) {
  memset(a, 0, sizeof(double) * NZ * NZ);
#define A(i, j) a[(i)*NZ + (j)]
  A(S_DIN, S_DIN) = -p->ka_in;
  A(S_DIP, S_DIP) = -p->ka_ip;
  A(S_DSC, S_DSC) = -p->ka_sc;
  A(S_A1, S_DIN) = p->ka_in;
  A(S_A1, S_DIP) = p->ka_ip;
  A(S_A1, S_DSC) = p->ka_sc;
  A(S_A1, S_A1) = -(p->k10 + p->k12 + p->k13);
  A(S_A1, S_A2) = p->k21;
  A(S_A1, S_A3) = p->k31;
  A(S_A2, S_A1) = p->k12;
  A(S_A2, S_A2) = -p->k21;
  A(S_A3, S_A1) = p->k13;
  A(S_A3, S_A3) = -p->k31;
  A(S_AE, S_A1) = p->ke0;
  A(S_AE, S_AE) = -p->ke0;
#undef A
}

/* z(t0 + dt) = exp(M dt) z(t0), M = a with the rate in the last column. */
static void propagate(const double *a, double rate, const double *z0, double dt, double *z) {
  double m[NZ * NZ], e[NZ * NZ];
  memcpy(m, a, sizeof m);
  m[S_A1 * NZ + NS] = rate;
  fs_pk_expm(m, NZ, dt, e);
  for (size_t i = 0; i < NZ; i++) {
    double s = 0.0;
    for (size_t j = 0; j < NZ; j++)
      s += e[i * NZ + j] * z0[j];
    z[i] = s;
  }
}

static fs_status check_dose(const fs_pk_params *p, const fs_pk_dose *d, size_t i, fs_error *err) {
  if (d->route == FS_ROUTE_LOCAL || (unsigned)d->route >= FS_ROUTE_COUNT)
    return fs_error_set(err, FS_ERR_INPUT, "dose %zu: route \"%s\" is not a PK route", i,
                        (unsigned)d->route < FS_ROUTE_COUNT ? fs_route_names[d->route] : "?");
  if (!(d->amount > 0) || !isfinite(d->amount))
    return fs_error_set(err, FS_ERR_INPUT, "dose %zu: the amount must be > 0", i);
  if (!(d->t >= 0) || !isfinite(d->t))
    return fs_error_set(err, FS_ERR_INPUT, "dose %zu: the time must be >= 0", i);
  if (d->route == FS_ROUTE_IV_INFUSION && !(d->duration > 0 && isfinite(d->duration)))
    return fs_error_set(err, FS_ERR_INPUT, "dose %zu: an infusion needs a duration > 0", i);
  double ka = d->route == FS_ROUTE_INTRANASAL        ? p->ka_in * p->f_in
              : d->route == FS_ROUTE_INTRAPERITONEAL ? p->ka_ip * p->f_ip
              : d->route == FS_ROUTE_SUBCUTANEOUS    ? p->ka_sc * p->f_sc
                                                     : 1.0;
  if (!(ka > 0))
    return fs_error_set(err, FS_ERR_INPUT,
                        "dose %zu: the PK model has no absorption for route \"%s\" (its ka or F "
                        "is 0)",
                        i, fs_route_names[d->route]);
  return FS_OK;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* The sorted, distinct event times: dose times and infusion ends. Returns the count. */
static size_t event_times(const fs_pk_dose *d, size_t n, double *t) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    t[m++] = d[i].t;
    if (d[i].route == FS_ROUTE_IV_INFUSION) t[m++] = d[i].t + d[i].duration;
  }
  qsort(t, m, sizeof t[0], cmp_double);
  size_t u = 0;
  for (size_t i = 0; i < m; i++)
    if (u == 0 || t[i] != t[u - 1]) t[u++] = t[i];
  return u;
}

/* Applies the boluses given at time t and returns the infusion rate active from t on. */
static double apply_events(const fs_pk_params *p, const fs_pk_dose *d, size_t n, double t,
                           double *z) {
  double rate = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (d[i].route == FS_ROUTE_IV_INFUSION) {
      if (d[i].t <= t && t < d[i].t + d[i].duration) rate += d[i].amount / d[i].duration;
      continue;
    }
    if (d[i].t != t) continue;
    switch (d[i].route) {
    case FS_ROUTE_IV_BOLUS:
      z[S_A1] += d[i].amount;
      break;
    case FS_ROUTE_INTRANASAL:
      z[S_DIN] += p->f_in * d[i].amount;
      break;
    case FS_ROUTE_INTRAPERITONEAL:
      z[S_DIP] += p->f_ip * d[i].amount;
      break;
    case FS_ROUTE_SUBCUTANEOUS:
      z[S_DSC] += p->f_sc * d[i].amount;
      break;
    default:
      break;
    }
  }
  return rate;
}

static void build_events(fs_pk_course *c, const fs_pk_params *p, const fs_pk_dose *d, size_t n,
                         const double *times) {
  double z[NZ] = {0};
  z[NS] = 1.0;
  for (size_t k = 0; k < c->n_ev; k++) {
    if (k > 0) propagate(c->a, c->ev[k - 1].rate, c->ev[k - 1].z, times[k] - times[k - 1], z);
    c->ev[k].t = times[k];
    c->ev[k].rate = apply_events(p, d, n, times[k], z);
    memcpy(c->ev[k].z, z, sizeof z);
  }
}

fs_status fs_pk_course_create(const fs_pk_params *p, double body_weight, const fs_pk_dose *doses,
                              size_t n, fs_pk_course **out, fs_error *err) {
  *out = NULL;
  if (!(body_weight > 0)) return fs_error_set(err, FS_ERR_INPUT, "the body weight must be > 0");
  if (n > 0 && !(p->v1 > 0))
    return fs_error_set(err, FS_ERR_INPUT, "the PK model has no central volume (v1 = 0)");
  for (size_t i = 0; i < n; i++)
    if (check_dose(p, &doses[i], i, err) != FS_OK) return FS_ERR_INPUT;
  fs_pk_course *c = calloc(1, sizeof *c);
  double *times = malloc(sizeof(double) * (2 * n + 1));
  if (c == NULL || times == NULL || (c->ev = calloc(2 * n + 1, sizeof *c->ev)) == NULL) {
    free(times);
    fs_pk_course_free(c);
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory for a PK course of %zu doses", n);
  }
  build_matrix(p, c->a);
  c->v1 = p->v1 * body_weight;
  c->n_ev = event_times(doses, n, times);
  build_events(c, p, doses, n, times);
  free(times);
  *out = c;
  return FS_OK;
}

void fs_pk_course_free(fs_pk_course *c) {
  if (c == NULL) return;
  free(c->ev);
  free(c);
}

/* The last event at or before t, or NULL if t precedes every event. */
static const pk_event *find_event(const fs_pk_course *c, double t) {
  if (c->n_ev == 0 || t < c->ev[0].t) return NULL;
  size_t lo = 0, hi = c->n_ev; /* ev[lo].t <= t < ev[hi].t */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->ev[mid].t <= t)
      lo = mid;
    else
      hi = mid;
  }
  return &c->ev[lo];
}

void fs_pk_course_state(const fs_pk_course *c, double t, double state[FS_PK_NSTATE]) {
  const pk_event *e = find_event(c, t);
  if (e == NULL) {
    memset(state, 0, sizeof(double) * NS);
    return;
  }
  double z[NZ];
  if (t == e->t)
    memcpy(z, e->z, sizeof z);
  else
    propagate(c->a, e->rate, e->z, t - e->t, z);
  memcpy(state, z, sizeof(double) * NS);
}

void fs_pk_course_conc(const fs_pk_course *c, double t, double *plasma, double *effect) {
  double s[NS];
  fs_pk_course_state(c, t, s);
  double v1 = c->v1 > 0 ? c->v1 : 1.0;
  if (plasma != NULL) *plasma = s[S_A1] / v1;
  if (effect != NULL) *effect = s[S_AE] / v1;
}

double fs_pk_course_plasma(const fs_pk_course *c, double t) {
  double p;
  fs_pk_course_conc(c, t, &p, NULL);
  return p;
}

double fs_pk_course_effect(const fs_pk_course *c, double t) {
  double e;
  fs_pk_course_conc(c, t, NULL, &e);
  return e;
}

void fs_pk_conc_to_output(double mass_conc, double molar_mass, double *ng_per_ml, double *um) {
  if (ng_per_ml != NULL) *ng_per_ml = mass_conc * 1e6; /* 1 kg/m^3 = 1 mg/mL = 1e6 ng/mL */
  if (um != NULL)
    *um = molar_mass > 0 ? mass_conc / molar_mass * 1e3 : 0.0; /* mol/m^3 = mM = 1e3 µM */
}
