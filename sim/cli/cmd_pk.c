/* cmd_pk.c - `fearsim pk EXP.yaml`: reads the experiment's subject/drugs sections and prints
 * a concentration–time table (time in h; plasma ng/mL and effect site µM per drug; the
 * concentration of local applications in µM per target population). */
#include "cli.h"
#include "cli_pk.h"

#include <fearsim/config.h>
#include <fearsim/pharm.h>
#include <fearsim/units.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POPS 256
#define MAX_ROWS 1000000
#define MAX_COLS 64

typedef struct pk_opts {
  const char *file;
  const char *sets[FS_CLI_MAX_SETS];
  size_t n_sets;
  double step, until; /* s; until < 0: not given */
  const char *csv;
} pk_opts;

/* One output column: a drug's plasma (kind 0), effect site (1) or local conc at pop (2). */
typedef struct pk_col {
  size_t drug, pop;
  int kind;
} pk_col;

static void usage(FILE *f) {
  fputs("usage: fearsim pk EXP.yaml [--set key=value]... [--step 1 min] [--until 8 h]\n"
        "                  [--csv FILE]\n"
        "Prints the concentration-time table of the experiment's dosing plan (subject: and\n"
        "drugs: sections): time (h), plasma (ng/mL) and effect site (uM) per drug, and the\n"
        "concentration of local applications (uM) per target population.\n"
        "  --set k=v    override a value of the file (repeatable)\n"
        "  --step T     row interval (default 1 min)\n"
        "  --until T    last row (default simulation.duration, else the last dose + 8 h)\n"
        "  --csv FILE   also write the table as CSV to FILE\n",
        f);
}

/* Prints "fearsim: pk: <what> <arg>" and returns the usage exit code. */
static int bad_usage(const char *what, const char *arg) {
  fprintf(stderr, "fearsim: pk: %s%s%s (see fearsim pk --help)\n", what, arg ? " " : "",
          arg ? arg : "");
  return 2;
}

enum { OPT_HELP, OPT_SET, OPT_STEP, OPT_UNTIL, OPT_CSV, N_OPTS };

static const fs_cli_opt pk_opt_table[N_OPTS] = {
    [OPT_HELP] = {"help", 'h', NULL},
    [OPT_SET] = {"set", 0, "key=value"},
    [OPT_STEP] = {"step", 0, "a time such as 1 min"},
    [OPT_UNTIL] = {"until", 0, "a time such as 8 h"},
    [OPT_CSV] = {"csv", 0, "a file name"},
};

/* The value v of --step/--until: "1min", "'1 min'" or the two words 1 min (then the second
 * is taken from argv[optind]). */
static int take_time(int argc, char **argv, const char *opt, const char *v, double *out) {
  fs_error err;
  char joined[128];
  bool ok = fs_units_parse(v, FS_UNIT_TIME, out, &err) == FS_OK;
  if (!ok && optind < argc && argv[optind][0] != '-') {
    snprintf(joined, sizeof joined, "%s %s", v, argv[optind]);
    ok = fs_units_parse(joined, FS_UNIT_TIME, out, &err) == FS_OK;
    if (ok) v = argv[optind++];
  }
  if (!ok || !(*out > 0)) {
    fprintf(stderr, "fearsim: pk: %s: expected a positive time such as \"1 min\", got \"%s\"\n",
            opt, v);
    return 2;
  }
  return 0;
}

/* One option or operand: 0 to go on, 2 on a usage error, -1 after --help. */
static int take_opt(int argc, char **argv, int k, const char *v, pk_opts *o) {
  switch (k) {
  case OPT_HELP:
    usage(stdout);
    return -1;
  case OPT_SET:
    if (o->n_sets >= FS_CLI_MAX_SETS) return bad_usage("too many --set options", NULL);
    o->sets[o->n_sets++] = v;
    return 0;
  case OPT_STEP:
    return take_time(argc, argv, "--step", v, &o->step);
  case OPT_UNTIL:
    return take_time(argc, argv, "--until", v, &o->until);
  case OPT_CSV:
    o->csv = v;
    return 0;
  default: /* FS_CLI_OPT_OPERAND */
    if (v[0] == '-' || o->file != NULL) return bad_usage("unexpected argument", v);
    o->file = v;
    return 0;
  }
}

/* 0 to go on, 2 on a usage error, -1 after --help. */
static int parse_args(int argc, char **argv, pk_opts *o) {
  fs_cli_opts p;
  fs_cli_opts_init(&p, pk_opt_table, N_OPTS);
  const char *v = NULL;
  int k, rc = 0;
  while (rc == 0 && (k = fs_cli_next_opt(&p, argc, argv, &v)) != FS_CLI_OPT_END)
    rc = k == FS_CLI_OPT_BAD ? bad_usage(p.msg, NULL) : take_opt(argc, argv, k, v, o);
  if (rc != 0) return rc;
  if (o->file == NULL) return bad_usage("missing the experiment file", NULL);
  return 0;
}

/* Population names: the keys of `populations:` (a mapping) or the `name` of its items (a
 * list); without that section, the names the drugs mention, so the plan validates alone. */
static size_t add_name(const char **names, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return n;
  if (name != NULL && n < MAX_POPS) names[n++] = name;
  return n;
}

static size_t population_names(fs_cfg_node root, const char **names) {
  fs_cfg_node pops = fs_cfg_child(root, "populations"), drugs = fs_cfg_child(root, "drugs");
  size_t n = 0;
  for (size_t i = 0; fs_cfg_is_map(pops) && i < fs_cfg_len(pops); i++)
    n = add_name(names, n, fs_cfg_key(pops, i));
  for (size_t i = 0; fs_cfg_is_seq(pops) && i < fs_cfg_len(pops); i++) {
    const char *name = fs_cfg_scalar(fs_cfg_child(fs_cfg_item(pops, i), "name"));
    if (name != NULL) n = add_name(names, n, name);
  }
  if (fs_cfg_exists(pops)) return n;
  for (size_t i = 0; fs_cfg_is_seq(drugs) && i < fs_cfg_len(drugs); i++) {
    fs_cfg_node d = fs_cfg_item(drugs, i), p = fs_cfg_child(d, "populations");
    fs_cfg_node s = fs_cfg_child(d, "selectivity");
    for (size_t k = 0; fs_cfg_is_seq(p) && k < fs_cfg_len(p); k++)
      if (fs_cfg_scalar(fs_cfg_item(p, k)) != NULL)
        n = add_name(names, n, fs_cfg_scalar(fs_cfg_item(p, k)));
    for (size_t k = 0; fs_cfg_is_map(s) && k < fs_cfg_len(s); k++)
      n = add_name(names, n, fs_cfg_key(s, k));
  }
  return n;
}

/* The run's end from simulation.duration, INFINITY if absent. */
static fs_status run_end(fs_cfg_node root, double *t_end, fs_error *err) {
  *t_end = INFINITY;
  fs_cfg_node sim = fs_cfg_child(root, "simulation");
  if (!fs_cfg_exists(sim)) return FS_OK;
  return fs_cfg_get_quantity(sim, "duration", FS_UNIT_TIME, false, t_end, err);
}

static double default_until(const fs_pharmacology *ph, double t_end) {
  if (isfinite(t_end)) return t_end;
  double last = 0.0;
  for (size_t i = 0; i < fs_pharm_n_doses(ph); i++) {
    const fs_pharm_dose *d = fs_pharm_dose_at(ph, i);
    last = fmax(last, d->t + d->duration);
  }
  return last + 8 * 3600.0;
}

/* Local concentration of drug i at pop and t (the receptor concentration minus the
 * systemic effect site). */
static double local_conc(const fs_pharmacology *ph, size_t i, size_t pop, double t) {
  double effect;
  fs_pharm_conc(ph, i, t, NULL, &effect);
  double c = fs_pharm_receptor_conc(ph, i, pop, t) - effect / fs_pharm_drug(ph, i)->molar_mass;
  return c > 0 ? c : 0.0;
}

static bool has_local(const fs_pharmacology *ph, size_t i, size_t pop) {
  for (size_t k = 0; k < fs_pharm_n_doses(ph); k++) {
    const fs_pharm_dose *d = fs_pharm_dose_at(ph, k);
    if (d->drug == i && d->route == FS_ROUTE_LOCAL && local_conc(ph, i, pop, d->t) > 0) return true;
  }
  return false;
}

static size_t columns(const fs_pharmacology *ph, size_t n_pops, pk_col *cols) {
  size_t n = 0;
  for (size_t i = 0; i < fs_pharm_n_drugs(ph); i++) {
    bool systemic = false;
    for (size_t k = 0; k < fs_pharm_n_doses(ph); k++)
      systemic |=
          fs_pharm_dose_at(ph, k)->drug == i && fs_pharm_dose_at(ph, k)->route != FS_ROUTE_LOCAL;
    for (int kind = 0; systemic && kind < 2 && n < MAX_COLS; kind++)
      cols[n++] = (pk_col){i, 0, kind};
    for (size_t p = 0; p < n_pops && n < MAX_COLS; p++)
      if (has_local(ph, i, p)) cols[n++] = (pk_col){i, p, 2};
  }
  return n;
}

static void col_name(const fs_pharmacology *ph, const char **pops, const pk_col *c, char *buf,
                     size_t len) {
  const char *drug = fs_pharm_drug(ph, c->drug)->name;
  if (c->kind == 0)
    snprintf(buf, len, "%s_plasma_ng_per_mL", drug);
  else if (c->kind == 1)
    snprintf(buf, len, "%s_effect_uM", drug);
  else
    snprintf(buf, len, "%s_%s_local_uM", drug, pops[c->pop]);
}

static double col_value(const fs_pharmacology *ph, const pk_col *c, double t) {
  double plasma, effect, ng, um;
  if (c->kind == 2) return local_conc(ph, c->drug, c->pop, t) * 1e3;
  fs_pharm_conc(ph, c->drug, t, &plasma, &effect);
  fs_pk_conc_to_output(c->kind == 0 ? plasma : effect, fs_pharm_drug(ph, c->drug)->molar_mass, &ng,
                       &um);
  return c->kind == 0 ? ng : um;
}

static void write_rows(const fs_pharmacology *ph, const char **pops, const pk_col *cols,
                       size_t n_cols, const pk_opts *o, FILE *out, FILE *csv) {
  char name[128];
  fprintf(out, "%10s", "time_h");
  if (csv) fprintf(csv, "time_h");
  for (size_t c = 0; c < n_cols; c++) {
    col_name(ph, pops, &cols[c], name, sizeof name);
    fprintf(out, "  %*s", (int)(strlen(name) > 12 ? strlen(name) : 12), name);
    if (csv) fprintf(csv, ",%s", name);
  }
  fputc('\n', out);
  if (csv) fputc('\n', csv);
  long rows = (long)floor(o->until / o->step + 1e-9);
  for (long r = 0; r <= rows; r++) {
    double t = (double)r * o->step;
    fprintf(out, "%10.4f", t / 3600.0);
    if (csv) fprintf(csv, "%.6g", t / 3600.0);
    for (size_t c = 0; c < n_cols; c++) {
      col_name(ph, pops, &cols[c], name, sizeof name);
      double v = col_value(ph, &cols[c], t);
      fprintf(out, "  %*.6g", (int)(strlen(name) > 12 ? strlen(name) : 12), v);
      if (csv) fprintf(csv, ",%.9g", v);
    }
    fputc('\n', out);
    if (csv) fputc('\n', csv);
  }
}

static int print_table(const fs_pharmacology *ph, const char **pops, size_t n_pops,
                       const pk_opts *o) {
  pk_col cols[MAX_COLS];
  size_t n_cols = columns(ph, n_pops, cols);
  if (o->until / o->step > MAX_ROWS) {
    fprintf(stderr, "fearsim: pk: more than %d rows; use a larger --step\n", MAX_ROWS);
    return 2;
  }
  FILE *csv = NULL;
  if (o->csv != NULL && (csv = fopen(o->csv, "w")) == NULL) {
    fprintf(stderr, "fearsim: pk: cannot write %s\n", o->csv);
    return 1;
  }
  write_rows(ph, pops, cols, n_cols, o, stdout, csv);
  if (csv != NULL && fclose(csv) != 0) {
    fprintf(stderr, "fearsim: pk: error while writing %s\n", o->csv);
    return 1;
  }
  return 0;
}

int fs_cli_pk(int argc, char **argv) {
  pk_opts o = {.step = 60.0, .until = -1.0};
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) return rc < 0 ? 0 : rc;
  fs_error err = {0};
  fs_config *cfg = NULL;
  fs_pharmacology *ph = NULL;
  const char *pops[MAX_POPS];
  double t_end;
  fs_status st = fs_config_load(o.file, o.sets, o.n_sets, &cfg, &err);
  size_t n_pops = st == FS_OK ? population_names(fs_config_root(cfg), pops) : 0;
  if (st == FS_OK) st = run_end(fs_config_root(cfg), &t_end, &err);
  if (st == FS_OK) st = fs_pharm_read(fs_config_root(cfg), pops, n_pops, t_end, &ph, &err);
  if (st == FS_OK) {
    if (o.until < 0) o.until = default_until(ph, t_end);
    rc = print_table(ph, pops, n_pops, &o);
  } else {
    rc = fs_cli_fail(&err);
  }
  fs_pharm_free(ph);
  fs_config_free(cfg);
  return rc;
}
