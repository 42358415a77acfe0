/* cmd_models.c - `fearsim models` (every neuron model, synapse rule with its presets, drug, drug
 * mechanism, PK model and consolidation table) and `fearsim params NAME` (each parameter with its
 * default, unit, bounds and source), printed from the very tables the experiment reader validates
 * with, as text, JSON or Markdown (docs/parameters.md is `fearsim params --all --format
 * markdown`). */
#include "cli.h"
#include "cmd.h"

#include <fearsim/arousal.h>
#include <fearsim/salience.h>
#include <fearsim/consolidation.h>
#include <fearsim/drug.h>
#include <fearsim/neuron.h>
#include <fearsim/pk.h>
#include <fearsim/registry.h>
#include <fearsim/synrule.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the catalogue: one entry per name, from the registries --------------------------------- */

typedef enum entry_kind {
  E_NEURON,
  E_RULE,
  E_DRUG,
  E_MECHANISM,
  E_PK,
  E_TABLE,
  E_KINDS
} entry_kind;

static const char *const kind_text[E_KINDS] = {
    "neuron model", "synapse rule", "drug", "drug mechanism", "PK model", "consolidation table"};
static const char *const kind_key[E_KINDS] = {"neuron_models",   "synapse_rules", "drugs",
                                              "drug_mechanisms", "pk_models",     "consolidation"};

typedef struct entry {
  entry_kind kind;
  const char *name, *description;
  const fs_param_spec *params;
  size_t n_params;
  const fs_synrule *rule;             /* E_RULE: its presets */
  const fs_drug *drug;                /* E_DRUG */
  const fs_drug_mechanism *mechanism; /* E_MECHANISM */
} entry;

#define MAX_ENTRIES (6 * FS_REGISTRY_MAX)

typedef struct catalogue {
  entry e[MAX_ENTRIES];
  size_t n;
} catalogue;

static void add(catalogue *c, entry e) {
  if (c->n < MAX_ENTRIES) c->e[c->n++] = e;
}

static void add_registries(catalogue *c) {
  for (size_t i = 0; i < fs_neuron_model_count(); i++) {
    const fs_neuron_model *m = fs_neuron_model_at(i);
    add(c, (entry){E_NEURON, m->name, m->description, m->params, m->n_params, NULL, NULL, NULL});
  }
  for (size_t i = 0; i < fs_synrule_count(); i++) {
    const fs_synrule *r = fs_synrule_at(i);
    add(c, (entry){E_RULE, r->name, r->description, r->params, r->n_params, r, NULL, NULL});
  }
  for (size_t i = 0; i < fs_drug_count(); i++) {
    const fs_drug *d = fs_drug_at(i);
    add(c, (entry){E_DRUG, d->name, d->description, d->params, d->n_params, NULL, d, NULL});
  }
  for (size_t i = 0; i < fs_drug_mechanism_count(); i++) {
    const fs_drug_mechanism *m = fs_drug_mechanism_at(i);
    add(c, (entry){E_MECHANISM, m->name, m->description, NULL, 0, NULL, NULL, m});
  }
  for (size_t i = 0; i < fs_pk_model_count(); i++) {
    const fs_pk_model *m = fs_pk_model_at(i);
    add(c, (entry){E_PK, m->name, m->description, m->params, m->n_params, NULL, NULL, NULL});
  }
}

static void add_tables(catalogue *c) {
  add(c, (entry){E_TABLE, "consolidation.late_phase",
                 "tagging, protein synthesis and capture of every late-phase projection",
                 fs_late_param_specs, fs_late_n_param_specs, NULL, NULL, NULL});
  add(c, (entry){E_TABLE, "consolidation.bdnf", "BDNF per neuron of a late-phase population",
                 fs_bdnf_param_specs, fs_bdnf_n_param_specs, NULL, NULL, NULL});
  add(c, (entry){E_TABLE, "consolidation.spines", "spine turnover of projections with a spine pool",
                 fs_spine_param_specs, fs_spine_n_param_specs, NULL, NULL, NULL});
  add(c, (entry){E_TABLE, "arousal",
                 "the arousal after a shock, which suppresses its target populations' protein "
                 "synthesis",
                 fs_arousal_param_specs, fs_arousal_n_param_specs, NULL, NULL, NULL});
  add(c, (entry){E_TABLE, "salience",
                 "the salience of a protocol's shocks and omitted shocks, which lowers its target "
                 "populations' protein-synthesis threshold",
                 fs_salience_param_specs, fs_salience_n_param_specs, NULL, NULL, NULL});
}

static const entry *find_entry(const catalogue *c, const char *name, fs_error *err) {
  const char *names[MAX_ENTRIES];
  for (size_t i = 0; i < c->n; i++) {
    if (strcmp(c->e[i].name, name) == 0) return &c->e[i];
    names[i] = c->e[i].name;
  }
  fs_registry_unknown(err, "model", name, names, c->n);
  return NULL;
}

/* --- numbers, bounds and JSON strings -------------------------------------------------------- */

/* The shortest %g (up to 10 digits) that reads back as v: "0.5617539", "0.0001816666667",
 * "1000" rather than "1e+03" (up to 7 digits before the point). */
static void format_number(char *buf, size_t len, double v) {
  int digits = 1;
  while (digits < 10) {
    snprintf(buf, len, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) break;
    digits++;
  }
  int whole = fabs(v) >= 1 ? (int)floor(log10(fabs(v))) + 1 : 0;
  snprintf(buf, len, "%.*g", whole > digits && whole <= 7 ? whole : digits, v);
}

/* "(0, 1e-06]", "[-0.2, 0.2]", "[0, inf)". */
static void format_bounds(char *buf, size_t len, const fs_param_spec *s) {
  char lo[32] = "-inf", hi[32] = "inf";
  bool lo_open = (s->flags & FS_PARAM_MIN_EXCLUSIVE) || !isfinite(s->min);
  bool hi_open = (s->flags & FS_PARAM_MAX_EXCLUSIVE) || !isfinite(s->max);
  if (isfinite(s->min)) format_number(lo, sizeof lo, s->min);
  if (isfinite(s->max)) format_number(hi, sizeof hi, s->max);
  snprintf(buf, len, "%c%s, %s%c", lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
}

static void json_string(const char *s) {
  putchar('"');
  for (; s != NULL && *s != '\0'; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      printf("\\%c", ch);
    else if (ch < 0x20)
      printf("\\u%04x", ch);
    else
      putchar(ch);
  }
  putchar('"');
}

static void json_number(double v) {
  char buf[32];
  if (!isfinite(v)) {
    fputs("null", stdout);
    return;
  }
  snprintf(buf, sizeof buf, "%.17g", v);
  fputs(buf, stdout);
}

/* The value of parameter s in the struct a rule's preset filled. */
static double value_in(const void *params, const fs_param_spec *s) {
  double v;
  memcpy(&v, (const char *)params + s->offset, sizeof v);
  return v;
}

/* Every preset of a rule, filled into one block (n_presets structs); NULL if none or out of
 * memory. */
static unsigned char *preset_values(const entry *e) {
  if (e->rule == NULL || e->rule->n_presets == 0) return NULL;
  size_t size = e->rule->params_size;
  unsigned char *all = calloc(e->rule->n_presets, size);
  fs_error ignored;
  for (size_t p = 0; all != NULL && p < e->rule->n_presets; p++)
    e->rule->preset(e->rule->presets[p], all + p * size, &ignored);
  return all;
}

/* The drugs that act by a mechanism, ", "-separated. */
static void drugs_of(const fs_drug_mechanism *m, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < fs_drug_count() && used < len; i++)
    if (fs_drug_at(i)->mechanism == m)
      used +=
          (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", fs_drug_at(i)->name);
}

/* One line about an entry beyond its description: a drug's mechanism, molar mass and PK. */
static void entry_facts(const entry *e, char *buf, size_t len) {
  char drugs[512];
  buf[0] = '\0';
  if (e->drug != NULL)
    snprintf(buf, len, "mechanism %s; molar mass %g kg/mol; PK model %s (human), %s (rodent)",
             e->drug->mechanism->name, e->drug->molar_mass,
             e->drug->pk_human ? e->drug->pk_human : "none",
             e->drug->pk_rodent ? e->drug->pk_rodent : "none");
  if (e->mechanism != NULL) {
    drugs_of(e->mechanism, drugs, sizeof drugs);
    snprintf(buf, len, "no parameters of its own: each drug's table holds them (%s)", drugs);
  }
  if (e->rule != NULL) snprintf(buf, len, "presets (the first is the default):");
  for (size_t p = 0; e->rule != NULL && p < e->rule->n_presets; p++)
    snprintf(buf + strlen(buf), len - strlen(buf), " %s", e->rule->presets[p]);
}

/* --- fearsim params: text, JSON, Markdown ---------------------------------------------------- */

typedef enum out_format { F_TEXT, F_JSON, F_MARKDOWN } out_format;

static void params_text(const entry *e) {
  char facts[1024], def[32], bounds[80];
  entry_facts(e, facts, sizeof facts);
  printf("%s (%s): %s\n", e->name, kind_text[e->kind], e->description);
  if (facts[0]) printf("%s\n", facts);
  if (e->n_params == 0) return;
  unsigned char *presets = preset_values(e);
  int unit_width = 8; /* the widest unit of the table, so that the columns stay aligned */
  for (size_t i = 0; i < e->n_params; i++) {
    int w = (int)strlen(fs_unit_kind_si(e->params[i].kind));
    if (w > unit_width) unit_width = w;
  }
  printf("%-20s %-14s %-*s %-22s %s\n", "name", "default", unit_width, "unit", "bounds",
         "description");
  for (size_t i = 0; i < e->n_params; i++) {
    const fs_param_spec *s = &e->params[i];
    format_number(def, sizeof def, s->def);
    format_bounds(bounds, sizeof bounds, s);
    printf("%-20s %-14s %-*s %-22s %s\n", s->name, def, unit_width, fs_unit_kind_si(s->kind),
           bounds, s->description);
    for (size_t p = 0; presets != NULL && p < e->rule->n_presets; p++) {
      format_number(def, sizeof def, value_in(presets + p * e->rule->params_size, s));
      printf("%20s %-14s preset %s\n", "", def, e->rule->presets[p]);
    }
    printf("%20s source: %s\n", "", s->source);
  }
  free(presets);
}

static void markdown_header(const entry *e) {
  printf("| name | default |");
  for (size_t p = 0; e->rule != NULL && p < e->rule->n_presets; p++)
    printf(" %s |", e->rule->presets[p]);
  printf(" unit | bounds | meaning | source |\n|---|---|");
  for (size_t p = 0; e->rule != NULL && p < e->rule->n_presets; p++)
    printf("---|");
  printf("---|---|---|---|\n");
}

/* A table cell: a '|' in the text would end it. */
static void markdown_cell(const char *text) {
  fputs(" ", stdout);
  for (; *text != '\0'; text++)
    *text == '|' ? fputs("\\|", stdout) : putchar(*text);
  fputs(" |", stdout);
}

static void params_markdown(const entry *e) {
  char facts[1024], def[32], bounds[80];
  entry_facts(e, facts, sizeof facts);
  printf("### %s (%s)\n\n%s.%s%s\n\n", e->name, kind_text[e->kind], e->description,
         facts[0] ? " " : "", facts);
  if (e->n_params == 0) return;
  unsigned char *presets = preset_values(e);
  markdown_header(e);
  for (size_t i = 0; i < e->n_params; i++) {
    const fs_param_spec *s = &e->params[i];
    format_number(def, sizeof def, s->def);
    format_bounds(bounds, sizeof bounds, s);
    printf("| `%s` | %s |", s->name, def);
    for (size_t p = 0; presets != NULL && p < e->rule->n_presets; p++) {
      format_number(def, sizeof def, value_in(presets + p * e->rule->params_size, s));
      printf(" %s |", def);
    }
    printf(" %s | %s |", fs_unit_kind_si(s->kind), bounds);
    markdown_cell(s->description);
    markdown_cell(s->source);
    printf("\n");
  }
  printf("\n");
  free(presets);
}

static void json_param(const entry *e, const fs_param_spec *s, const unsigned char *presets) {
  printf("{\"name\": ");
  json_string(s->name);
  printf(", \"default\": ");
  json_number(s->def);
  printf(", \"unit\": ");
  json_string(fs_unit_kind_si(s->kind));
  printf(", \"min\": ");
  json_number(s->min);
  printf(", \"max\": ");
  json_number(s->max);
  printf(", \"min_exclusive\": %s, \"max_exclusive\": %s, \"description\": ",
         (s->flags & FS_PARAM_MIN_EXCLUSIVE) ? "true" : "false",
         (s->flags & FS_PARAM_MAX_EXCLUSIVE) ? "true" : "false");
  json_string(s->description);
  printf(", \"source\": ");
  json_string(s->source);
  if (presets != NULL) {
    printf(", \"presets\": {");
    for (size_t p = 0; p < e->rule->n_presets; p++) {
      printf("%s", p ? ", " : "");
      json_string(e->rule->presets[p]);
      printf(": ");
      json_number(value_in(presets + p * e->rule->params_size, s));
    }
    printf("}");
  }
  printf("}");
}

static void json_entry_head(const entry *e) {
  printf("{\"name\": ");
  json_string(e->name);
  printf(", \"kind\": ");
  json_string(kind_text[e->kind]);
  printf(", \"description\": ");
  json_string(e->description);
  if (e->drug != NULL) {
    printf(", \"mechanism\": ");
    json_string(e->drug->mechanism->name);
    printf(", \"molar_mass\": ");
    json_number(e->drug->molar_mass);
    printf(", \"molar_mass_unit\": \"kg/mol\", \"pk_human\": ");
    e->drug->pk_human ? json_string(e->drug->pk_human) : (void)fputs("null", stdout);
    printf(", \"pk_rodent\": ");
    e->drug->pk_rodent ? json_string(e->drug->pk_rodent) : (void)fputs("null", stdout);
  }
  if (e->rule != NULL) {
    printf(", \"presets\": [");
    for (size_t p = 0; p < e->rule->n_presets; p++) {
      printf("%s", p ? ", " : "");
      json_string(e->rule->presets[p]);
    }
    printf("]");
  }
  for (size_t i = 0; e->mechanism != NULL && i < fs_drug_count(); i++)
    if (fs_drug_at(i)->mechanism == e->mechanism) {
      printf(", \"drugs\": [");
      for (size_t j = i, first = 1; j < fs_drug_count(); j++)
        if (fs_drug_at(j)->mechanism == e->mechanism) {
          printf("%s", first ? "" : ", ");
          json_string(fs_drug_at(j)->name);
          first = 0;
        }
      printf("]");
      break;
    }
}

static void params_json(const entry *e) {
  unsigned char *presets = preset_values(e);
  json_entry_head(e);
  printf(", \"params\": [");
  for (size_t i = 0; i < e->n_params; i++) {
    printf("%s\n    ", i ? "," : "");
    json_param(e, &e->params[i], presets);
  }
  printf("]}");
  free(presets);
}

static void print_params(const entry *e, out_format f) {
  if (f == F_TEXT) params_text(e);
  if (f == F_MARKDOWN) params_markdown(e);
  if (f == F_JSON) params_json(e);
}

static const char markdown_preamble[] =
    "# Parameters of every model\n"
    "\n"
    "<!-- Generated by `fearsim params --all --format markdown` from the tables the experiment\n"
    "reader validates with; do not edit: `cmake --build build --target docs-parameters` rewrites\n"
    "it, and the test cli_params_docs fails while it is stale. -->\n"
    "\n"
    "Values are in SI units (the unit column); a config may give them in any unit of the same\n"
    "kind (\"250 pF\", \"0.0109 /min\"). Bounds: a square bracket includes the bound, a round one\n"
    "excludes it. The model itself, with its equations, is in docs/model.md.\n"
    "\n";

static void print_all(const catalogue *c, out_format f) {
  if (f == F_MARKDOWN) fputs(markdown_preamble, stdout);
  if (f == F_JSON) printf("[");
  for (size_t i = 0; i < c->n; i++) {
    if (f == F_MARKDOWN && (i == 0 || c->e[i - 1].kind != c->e[i].kind))
      printf("## %c%ss\n\n", toupper((unsigned char)kind_text[c->e[i].kind][0]),
             kind_text[c->e[i].kind] + 1);
    if (f == F_JSON) printf("%s\n", i ? "," : "");
    print_params(&c->e[i], f);
    if (f == F_TEXT && i + 1 < c->n) printf("\n");
  }
  if (f == F_JSON) printf("]\n");
}

/* --- fearsim models ----------------------------------------------------------------------------
 */

static void models_text(const catalogue *c) {
  for (size_t i = 0; i < c->n; i++) {
    const entry *e = &c->e[i];
    char facts[1024];
    if (i == 0 || c->e[i - 1].kind != e->kind)
      printf("%s%c%ss:\n", i ? "\n" : "", toupper((unsigned char)kind_text[e->kind][0]),
             kind_text[e->kind] + 1);
    entry_facts(e, facts, sizeof facts);
    printf("  %-26s %s%s%s\n", e->name, e->description, facts[0] ? "; " : "", facts);
  }
  printf("\nfearsim params NAME lists a model's parameters with defaults, units, bounds and "
         "sources.\n");
}

static void models_json(const catalogue *c) {
  printf("{");
  for (int k = 0; k < E_KINDS; k++) {
    printf("%s\n  ", k ? "," : "");
    json_string(kind_key[k]);
    printf(": [");
    for (size_t i = 0, first = 1; i < c->n; i++) {
      if (c->e[i].kind != (entry_kind)k) continue;
      printf("%s\n    ", first ? "" : ",");
      json_entry_head(&c->e[i]);
      printf(", \"n_params\": %zu}", c->e[i].n_params);
      first = 0;
    }
    printf("]");
  }
  printf("\n}\n");
}

/* --- arguments ------------------------------------------------------------------------------- */

static const char models_usage[] =
    "usage: fearsim models [--format text|json]\n"
    "\n"
    "Lists every neuron model, synapse rule (with its presets), drug, drug mechanism, PK model\n"
    "and consolidation table that an experiment may name.\n";

static const char params_usage[] =
    "usage: fearsim params NAME [--format text|json|markdown]\n"
    "       fearsim params --all [--format text|json|markdown]\n"
    "\n"
    "Prints the parameters of a model (any name `fearsim models` lists): each with its default\n"
    "and unit (SI), its bounds and the source of its default, from the tables the experiment\n"
    "reader validates with. A synapse rule also shows the values of each of its presets.\n";

enum { OPT_HELP, OPT_FORMAT, OPT_ALL };
static const fs_cli_opt opt_table[] = {
    {"help", 'h', NULL}, {"format", 'f', "a format (text, json or markdown)"}, {"all", 0, NULL}};

typedef struct args {
  const char *name;
  out_format format;
  bool all, help;
} args;

static int usage_error(const char *usage, const char *msg) {
  fprintf(stderr, "fearsim: %s\n%s", msg, usage);
  return 2;
}

static bool parse_format(const char *v, bool markdown_ok, out_format *out) {
  if (strcmp(v, "text") == 0) return *out = F_TEXT, true;
  if (strcmp(v, "json") == 0) return *out = F_JSON, true;
  if (markdown_ok && strcmp(v, "markdown") == 0) return *out = F_MARKDOWN, true;
  return false;
}

/* 0 and *a filled, or the exit code of a usage error. */
static int parse_args(int argc, char **argv, bool is_params, args *a) {
  const char *usage = is_params ? params_usage : models_usage;
  fs_cli_opts p;
  fs_cli_opts_init(&p, opt_table, is_params ? 3 : 2);
  const char *v = NULL;
  char msg[600];
  int k;
  while ((k = fs_cli_next_opt(&p, argc, argv, &v)) != FS_CLI_OPT_END) {
    if (k == FS_CLI_OPT_BAD) return usage_error(usage, p.msg);
    if (k == OPT_HELP) a->help = true;
    if (k == OPT_ALL) a->all = true;
    if (k == OPT_FORMAT && !parse_format(v, is_params, &a->format)) {
      snprintf(msg, sizeof msg, "unknown format \"%s\" (%s)", v,
               is_params ? "text, json or markdown" : "text or json");
      return usage_error(usage, msg);
    }
    if (k == FS_CLI_OPT_OPERAND && (!is_params || a->name != NULL))
      return usage_error(usage, is_params ? "params takes one name" : "models takes no name");
    if (k == FS_CLI_OPT_OPERAND) a->name = v;
  }
  if (is_params && !a->help && (a->name == NULL) == !a->all)
    return usage_error(usage, "params takes one name, or --all");
  return 0;
}

int fs_cli_models(int argc, char **argv) {
  args a = {0};
  int rc = parse_args(argc, argv, false, &a);
  if (rc != 0 || a.help) return a.help ? (fputs(models_usage, stdout), 0) : rc;
  static catalogue c;
  add_registries(&c);
  add_tables(&c);
  a.format == F_JSON ? models_json(&c) : models_text(&c);
  return 0;
}

int fs_cli_params(int argc, char **argv) {
  args a = {0};
  int rc = parse_args(argc, argv, true, &a);
  if (rc != 0 || a.help) return a.help ? (fputs(params_usage, stdout), 0) : rc;
  static catalogue c;
  add_registries(&c);
  add_tables(&c);
  if (a.all) {
    print_all(&c, a.format);
    return 0;
  }
  fs_error err = {0};
  const entry *e = find_entry(&c, a.name, &err);
  if (e == NULL) return fs_cli_fail(&err);
  print_params(e, a.format);
  if (a.format == F_JSON) printf("\n");
  return 0;
}
