/* pk.h - pharmacokinetics: linear mammillary compartment models with an effect site,
 * solved exactly between dose events (a matrix exponential of the constant-input system),
 * so that a query at any time t costs the same whatever the step and never drifts.
 *
 * State of one course (one drug, one PK model with its parameters, one subject), amounts
 * in kg of drug:
 *   d_in, d_ip, d_sc   absorption depots (intranasal, intraperitoneal, subcutaneous)
 *   a1                 central compartment, plasma concentration Cp = a1 / V1
 *   a2, a3             peripheral compartments
 *   ae                 effect site as an amount equivalent, Ce = ae / V1
 *   dd/dt  = -ka_route·d                       (a dose of X by a route puts F_route·X in d)
 *   da1/dt = R(t) + Σ ka·d - (k10 + k12 + k13)·a1 + k21·a2 + k31·a3
 *   da2/dt = k12·a1 - k21·a2,  da3/dt = k13·a1 - k31·a3
 *   dae/dt = ke0·(a1 - ae)                     (dCe/dt = ke0·(Cp - Ce))
 * R(t) is piecewise constant (infusions); between two events the solution is
 * z(t) = exp(M·(t - t_k))·z_k with z = (state, 1) and M = [[A, R], [0, 0]].
 * Doses superpose (the system is linear). Concentrations are SI: kg/m^3 (1 kg/m^3 =
 * 10^6 ng/mL). Rate constants are 1/s, V1 is per kg of body weight (m^3/kg).
 * The models (rows) are in sim/models/pk_<name>.c with their parameter tables and sources. */
#ifndef FEARSIM_PK_H
#define FEARSIM_PK_H

#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/param.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Routes of administration. X(enum, YAML name) */
#define FS_ROUTE_LIST(X)                                                                           \
  X(FS_ROUTE_IV_BOLUS, "iv_bolus")                                                                 \
  X(FS_ROUTE_IV_INFUSION, "iv_infusion")                                                           \
  X(FS_ROUTE_INTRANASAL, "intranasal")                                                             \
  X(FS_ROUTE_INTRAPERITONEAL, "intraperitoneal")                                                   \
  X(FS_ROUTE_SUBCUTANEOUS, "subcutaneous")                                                         \
  X(FS_ROUTE_LOCAL, "local")

#define FS_ROUTE_ENUM_ROW(e, name) e,
typedef enum fs_route { FS_ROUTE_LIST(FS_ROUTE_ENUM_ROW) FS_ROUTE_COUNT } fs_route;
#undef FS_ROUTE_ENUM_ROW

/* The YAML names of the routes, indexed by fs_route (FS_ROUTE_COUNT entries). */
extern const char *const fs_route_names[];

/* Parameters shared by every PK model (a model's table sets the fields it uses; the others
 * stay 0, which removes that compartment or route). SI units. */
typedef struct fs_pk_params {
  double v1;            /* central volume per body mass, m^3/kg */
  double k10, k12, k21; /* 1/s */
  double k13, k31;      /* 1/s, 0 for a two-compartment model */
  double ke0;           /* effect-site equilibration, 1/s */
  double ka_in, f_in;   /* intranasal absorption rate (1/s) and bioavailability */
  double ka_ip, f_ip;   /* intraperitoneal */
  double ka_sc, f_sc;   /* subcutaneous */
} fs_pk_params;

/* A PK model: one row of the registry. */
typedef struct fs_pk_model {
  const char *name;        /* the YAML value: "clements" */
  const char *description; /* one line, with the source */
  const fs_param_spec *params;
  size_t n_params;
} fs_pk_model;

/* The registry. fs_pk_model_find returns NULL on an unknown name and sets FS_ERR_INPUT with
 * `unknown PK model "x" (did you mean "y"?)` or the list of known names. */
const fs_pk_model *fs_pk_model_find(const char *name, fs_error *err);
size_t fs_pk_model_count(void);
const fs_pk_model *fs_pk_model_at(size_t i); /* NULL past the end */

/* Zeroes *out and writes the model's defaults. */
void fs_pk_model_defaults(const fs_pk_model *m, fs_pk_params *out);

/* The disposition half-lives ln2/λ (s) of the central/peripheral system (without depots
 * and effect site), fastest first; *n receives 1, 2 or 3. Returns FS_ERR_INPUT if the
 * parameters give no elimination (k10 = 0). */
fs_status fs_pk_half_lives(const fs_pk_params *p, double half_lives[3], size_t *n, fs_error *err);

/* One systemic dose. amount is the administered mass in kg (before bioavailability);
 * duration (s) is used by FS_ROUTE_IV_INFUSION only. FS_ROUTE_LOCAL is not a PK route. */
typedef struct fs_pk_dose {
  fs_route route;
  double t;        /* s from the start of the run */
  double amount;   /* kg */
  double duration; /* s */
} fs_pk_dose;

/* A course: the doses of one drug given to one subject under one PK model. Immutable once
 * created, so it may be queried from many threads at once. */
typedef struct fs_pk_course fs_pk_course;

/* Builds the course and precomputes the exact state at every event (dose, end of an
 * infusion). body_weight in kg (> 0). Fails with FS_ERR_INPUT (and *out NULL, nothing
 * leaked) on a non-positive amount, a negative time, an infusion without a positive
 * duration, a local route, or an extravascular route the model has no absorption for
 * (ka or F = 0); FS_ERR_NOMEM if out of memory. n may be 0 (a course that stays 0). */
fs_status fs_pk_course_create(const fs_pk_params *p, double body_weight, const fs_pk_dose *doses,
                              size_t n, fs_pk_course **out, fs_error *err);
void fs_pk_course_free(fs_pk_course *c); /* NULL is a no-op */

/* Plasma and effect-site mass concentrations (kg/m^3) at time t (s); 0 before the first
 * dose. Cost: a binary search over the events and one 8×8 matrix exponential; either
 * pointer may be NULL. */
void fs_pk_course_conc(const fs_pk_course *c, double t, double *plasma, double *effect);
double fs_pk_course_plasma(const fs_pk_course *c, double t);
double fs_pk_course_effect(const fs_pk_course *c, double t);

/* The full state vector (7 amounts, kg, in the order of the comment above) at t. */
#define FS_PK_NSTATE 7
void fs_pk_course_state(const fs_pk_course *c, double t, double state[FS_PK_NSTATE]);

/* Output units: a mass concentration (kg/m^3) as ng/mL, and as µM given the molar mass
 * (kg/mol). Either out pointer may be NULL. */
void fs_pk_conc_to_output(double mass_conc, double molar_mass, double *ng_per_ml, double *um);

/* exp(a·t) for a small dense n×n matrix (row-major, n <= 8) by scaling and squaring of a
 * degree-18 Taylor series; exact to rounding for the decaying systems used here. */
void fs_pk_expm(const double *a, size_t n, double t, double *out);

/* The PK model rows (sim/models/pk_*.c). */
extern const fs_pk_model fs_pk_clements;
extern const fs_pk_model fs_pk_domino;
extern const fs_pk_model fs_pk_rodent_1c;
extern const fs_pk_model fs_pk_none;

#ifdef __cplusplus
}
#endif
#endif
