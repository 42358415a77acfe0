/* units.c - a small table-driven parser for quantities with units ("30 s", "0.5 mg/kg",
 * "1e5 M^-1 s^-1"): a number, then factors [prefix]base[^exp] joined by spaces, '*' or '/',
 * reduced to an SI scale and a dimension vector over (m, kg, s, A, mol). */
#include <fearsim/elementary.h>
#include <fearsim/units.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DIM_M, DIM_KG, DIM_S, DIM_A, DIM_MOL, N_DIMS };

typedef struct unit_def {
  const char *name;
  double scale; /* SI value of one unit */
  signed char dim[N_DIMS];
  bool prefixable;
} unit_def;

/* Exact names are tried before prefix + name, so "min" is a minute, "mol" a mole and "m" a
 * metre. "d" and mega are left out on purpose: "d" is ambiguous and "M" is molar. */
static const unit_def units[] = {
    {"s", 1.0, {0, 0, 1, 0, 0}, true},          {"min", 60.0, {0, 0, 1, 0, 0}, false},
    {"h", 3600.0, {0, 0, 1, 0, 0}, false},      {"hr", 3600.0, {0, 0, 1, 0, 0}, false},
    {"day", 86400.0, {0, 0, 1, 0, 0}, false},   {"days", 86400.0, {0, 0, 1, 0, 0}, false},
    {"week", 604800.0, {0, 0, 1, 0, 0}, false}, {"weeks", 604800.0, {0, 0, 1, 0, 0}, false},
    {"Hz", 1.0, {0, 0, -1, 0, 0}, true},        {"V", 1.0, {2, 1, -3, -1, 0}, true},
    {"S", 1.0, {-2, -1, 3, 2, 0}, true},        {"F", 1.0, {-2, -1, 4, 2, 0}, true},
    {"A", 1.0, {0, 0, 0, 1, 0}, true},          {"Ohm", 1.0, {2, 1, -3, -2, 0}, true},
    {"M", 1000.0, {-3, 0, 0, 0, 1}, true},      {"mol", 1.0, {0, 0, 0, 0, 1}, true},
    {"g", 1e-3, {0, 1, 0, 0, 0}, true},         {"L", 1e-3, {3, 0, 0, 0, 0}, true},
    {"l", 1e-3, {3, 0, 0, 0, 0}, true},         {"m", 1.0, {1, 0, 0, 0, 0}, true},
};

typedef struct prefix_def {
  const char *text; /* UTF-8 */
  double scale;
} prefix_def;

static const prefix_def prefixes[] = {
    {"p", 1e-12},       {"n", 1e-9}, {"u", 1e-6}, {"\xc2\xb5", 1e-6}, /* U+00B5 micro sign */
    {"\xce\xbc", 1e-6},                                               /* U+03BC greek mu */
    {"m", 1e-3},        {"k", 1e3},
};

/* The product of the factors read so far. */
typedef struct quantity {
  double scale;
  int dim[N_DIMS];
  int mass_factors; /* count of g-based factors, so mg/kg is told apart from a bare number */
  int dim_factors;  /* count of factors that carry a dimension */
} quantity;

#define KIND_NAME_ROW(e, name, example, si) name,
static const char *const kind_names[] = {FS_UNIT_KIND_LIST(KIND_NAME_ROW)};
#undef KIND_NAME_ROW
#define KIND_EXAMPLE_ROW(e, name, example, si) example,
static const char *const kind_examples[] = {FS_UNIT_KIND_LIST(KIND_EXAMPLE_ROW)};
#undef KIND_EXAMPLE_ROW
#define KIND_SI_ROW(e, name, example, si) si,
static const char *const kind_si[] = {FS_UNIT_KIND_LIST(KIND_SI_ROW)};
#undef KIND_SI_ROW

/* SI dimension of every kind, in FS_UNIT_KIND_LIST order: m, kg, s, A, mol. */
static const signed char kind_dims[FS_UNIT_KIND_COUNT][N_DIMS] = {
    [FS_UNIT_DIMENSIONLESS] = {0, 0, 0, 0, 0},
    [FS_UNIT_TIME] = {0, 0, 1, 0, 0},
    [FS_UNIT_VOLTAGE] = {2, 1, -3, -1, 0},
    [FS_UNIT_INV_VOLTAGE] = {-2, -1, 3, 1, 0},
    [FS_UNIT_CONDUCTANCE] = {-2, -1, 3, 2, 0},
    [FS_UNIT_CAPACITANCE] = {-2, -1, 4, 2, 0},
    [FS_UNIT_CURRENT] = {0, 0, 0, 1, 0},
    [FS_UNIT_FREQUENCY] = {0, 0, -1, 0, 0},
    [FS_UNIT_RATE] = {0, 0, -1, 0, 0},
    [FS_UNIT_MOLAR] = {-3, 0, 0, 0, 1},
    [FS_UNIT_MASS_CONC] = {-3, 1, 0, 0, 0},
    [FS_UNIT_ASSOC_RATE] = {3, 0, -1, 0, -1},
    [FS_UNIT_MASS] = {0, 1, 0, 0, 0},
    [FS_UNIT_VOLUME] = {3, 0, 0, 0, 0},
    [FS_UNIT_VOLUME_PER_MASS] = {3, -1, 0, 0, 0},
    [FS_UNIT_DOSE_PER_MASS] = {0, 0, 0, 0, 0},
    [FS_UNIT_MOLAR_MASS] = {0, 1, 0, 0, -1},
    [FS_UNIT_LENGTH] = {1, 0, 0, 0, 0},
};

const char *fs_unit_kind_name(fs_unit_kind kind) {
  return (unsigned)kind < FS_UNIT_KIND_COUNT ? kind_names[kind] : "unknown kind";
}

const char *fs_unit_kind_example(fs_unit_kind kind) {
  return (unsigned)kind < FS_UNIT_KIND_COUNT ? kind_examples[kind] : "";
}

const char *fs_unit_kind_si(fs_unit_kind kind) {
  return (unsigned)kind < FS_UNIT_KIND_COUNT ? kind_si[kind] : "";
}

static bool is_space(char c) {
  return c == ' ' || c == '\t';
}

static const char *skip_space(const char *p) {
  while (is_space(*p))
    p++;
  return p;
}

/* A unit name: ASCII letters and the two UTF-8 micro signs. */
static size_t word_length(const char *p) {
  size_t n = 0;
  for (;;) {
    if (isalpha((unsigned char)p[n]))
      n++;
    else if ((p[n] == '\xc2' && p[n + 1] == '\xb5') || (p[n] == '\xce' && p[n + 1] == '\xbc'))
      n += 2;
    else
      return n;
  }
}

static const unit_def *find_unit(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i].name) == len && memcmp(units[i].name, name, len) == 0) return &units[i];
  return NULL;
}

/* Resolves a word to a unit and its prefix factor; false if it is not a known unit. */
static bool lookup_word(const char *word, size_t len, const unit_def **unit, double *prefix) {
  *prefix = 1.0;
  *unit = find_unit(word, len);
  if (*unit != NULL) return true;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t plen = strlen(prefixes[i].text);
    if (plen >= len || memcmp(prefixes[i].text, word, plen) != 0) continue;
    const unit_def *u = find_unit(word + plen, len - plen);
    if (u != NULL && u->prefixable) {
      *unit = u;
      *prefix = prefixes[i].scale;
      return true;
    }
  }
  return false;
}

/* Reads an optional "^[+-]digits"; false on a malformed exponent. */
static bool read_exponent(const char **pp, int *exp) {
  const char *p = *pp;
  *exp = 1;
  if (*p != '^') return true;
  p++;
  int sign = 1;
  if (*p == '+' || *p == '-') sign = (*p++ == '-') ? -1 : 1;
  if (!isdigit((unsigned char)*p)) return false;
  int e = 0;
  while (isdigit((unsigned char)*p) && e < 100)
    e = 10 * e + (*p++ - '0');
  if (isdigit((unsigned char)*p) || e == 0) return false;
  *exp = sign * e;
  *pp = p;
  return true;
}

static void apply_unit(quantity *q, const unit_def *u, double prefix, int exp) {
  q->scale *= fs_powi(u->scale * prefix, exp);
  bool has_dim = false;
  for (int d = 0; d < N_DIMS; d++) {
    q->dim[d] += u->dim[d] * exp;
    has_dim = has_dim || u->dim[d] != 0;
  }
  q->dim_factors += has_dim;
  q->mass_factors += u->dim[DIM_KG] != 0 && u->dim[DIM_M] == 0;
}

static bool parse_product(const char **pp, quantity *q, int depth);

/* One factor: "(group)", "%", "1", or [prefix]unit[^exp]; sign is -1 after a '/'. */
static bool parse_factor(const char **pp, quantity *q, int sign, int depth) {
  const char *p = *pp;
  if (*p == '(') {
    quantity inner = {1.0, {0}, 0, 0};
    p++;
    if (depth > 4 || !parse_product(&p, &inner, depth + 1) || *p != ')') return false;
    p++;
    q->scale *= sign > 0 ? inner.scale : 1.0 / inner.scale;
    for (int d = 0; d < N_DIMS; d++)
      q->dim[d] += sign * inner.dim[d];
    q->mass_factors += inner.mass_factors;
    q->dim_factors += inner.dim_factors;
  } else if (*p == '%') {
    p++;
    q->scale *= sign > 0 ? 0.01 : 100.0;
  } else if (*p == '1' && !isalnum((unsigned char)p[1])) {
    p++;
  } else {
    size_t len = word_length(p);
    const unit_def *u;
    double prefix;
    int exp;
    if (len == 0 || !lookup_word(p, len, &u, &prefix)) return false;
    p += len;
    if (!read_exponent(&p, &exp)) return false;
    apply_unit(q, u, prefix, sign * exp);
  }
  *pp = p;
  return true;
}

/* Factors separated by spaces, '*' or '/', up to the end of the text or a ')'. A leading
 * '/' ("/min") divides from the start. */
static bool parse_product(const char **pp, quantity *q, int depth) {
  const char *p = skip_space(*pp);
  bool first = true;
  while (*p != '\0' && *p != ')') {
    int sign = 1;
    if (*p == '/' || *p == '*') {
      sign = (*p == '/') ? -1 : 1;
      p = skip_space(p + 1);
    } else if (!first && !is_space(p[-1])) {
      return false; /* "mVs" after a factor with no separator */
    }
    if (!parse_factor(&p, q, sign, depth)) return false;
    p = skip_space(p);
    first = false;
  }
  *pp = p;
  return true;
}

/* The leading number: digits with optional sign, point and exponent; no "nan", "inf" or
 * hexadecimal, which strtod would otherwise accept. */
static bool parse_number(const char **pp, double *value) {
  const char *p = *pp;
  const char *q = (*p == '+' || *p == '-') ? p + 1 : p;
  if (!(isdigit((unsigned char)q[0]) || (q[0] == '.' && isdigit((unsigned char)q[1]))))
    return false;
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) return false;
  char *end;
  *value = strtod(p, &end);
  if (end == p || !isfinite(*value)) return false;
  *pp = end;
  return true;
}

static bool kind_matches(const quantity *q, fs_unit_kind kind) {
  for (int d = 0; d < N_DIMS; d++)
    if (q->dim[d] != kind_dims[kind][d]) return false;
  if (kind == FS_UNIT_DIMENSIONLESS) return q->dim_factors == 0;
  if (kind == FS_UNIT_DOSE_PER_MASS) return q->mass_factors > 0;
  return true;
}

void fs_unit_kind_expected(fs_unit_kind kind, char *buf, size_t len) {
  const char *name = fs_unit_kind_name(kind);
  const char *article = name[0] != '\0' && strchr("aeiou", name[0]) != NULL ? "an" : "a";
  if (buf != NULL && len > 0)
    snprintf(buf, len, "expected %s %s such as \"%s\"", article, name, fs_unit_kind_example(kind));
}

static fs_status unit_error(const char *text, fs_unit_kind kind, fs_error *err) {
  char expected[256];
  fs_unit_kind_expected(kind, expected, sizeof expected);
  return fs_error_set(err, FS_ERR_INPUT, "%s, got \"%s\"", expected, text);
}

fs_status fs_units_parse(const char *text, fs_unit_kind kind, double *out, fs_error *err) {
  if (text == NULL) text = "";
  if ((unsigned)kind >= FS_UNIT_KIND_COUNT)
    return fs_error_set(err, FS_ERR_INTERNAL, "unknown unit kind %d", (int)kind);
  const char *p = skip_space(text);
  double number;
  quantity q = {1.0, {0}, 0, 0};
  if (!parse_number(&p, &number) || !parse_product(&p, &q, 0) || *p != '\0' ||
      !kind_matches(&q, kind))
    return unit_error(text, kind, err);
  double value = number * q.scale;
  if (!isfinite(value)) return unit_error(text, kind, err);
  *out = value;
  return FS_OK;
}
