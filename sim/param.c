/* param.c - parameter-spec tables: defaults, reading a YAML mapping with units, bounds
 * checks with messages in SI units, and the self-check of a table. */
#include <fearsim/param.h>

#include <math.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void store(void *out, size_t offset, double value) {
  memcpy((char *)out + offset, &value, sizeof value);
}

void fs_params_set_defaults(const fs_param_spec *specs, size_t n, void *out) {
  for (size_t i = 0; i < n; i++)
    store(out, specs[i].offset, specs[i].def);
}

const fs_param_spec *fs_params_find(const fs_param_spec *specs, size_t n, const char *name) {
  for (size_t i = 0; name != NULL && i < n; i++)
    if (strcmp(specs[i].name, name) == 0) return &specs[i];
  return NULL;
}

/* "0.02 s", or "0.5" for a dimensionless row. %g is exact enough for a bound; digits
 * enough to tell value and bound apart are printed when %g would show them equal. */
static void format_value(char *buf, size_t len, const fs_param_spec *spec, double v, double other) {
  char a[64], b[64];
  snprintf(a, sizeof a, "%g", v);
  snprintf(b, sizeof b, "%g", other);
  if (strcmp(a, b) == 0 && v != other) snprintf(a, sizeof a, "%.17g", v);
  if (spec->kind == FS_UNIT_DIMENSIONLESS)
    snprintf(buf, len, "%s", a);
  else
    snprintf(buf, len, "%s %s", a, fs_unit_kind_si(spec->kind));
}

static bool below_min(const fs_param_spec *s, double v) {
  return (s->flags & FS_PARAM_MIN_EXCLUSIVE) ? !(v > s->min) : !(v >= s->min);
}

static bool above_max(const fs_param_spec *s, double v) {
  return (s->flags & FS_PARAM_MAX_EXCLUSIVE) ? !(v < s->max) : !(v <= s->max);
}

/* "must be > 0 s", "must be between 0.0001 s and 10 s", "must be >= 0 V and < 1 V". */
static void describe_bounds(char *buf, size_t len, const fs_param_spec *s, double v) {
  char lo[96], hi[96];
  bool has_min = isfinite(s->min), has_max = isfinite(s->max);
  bool min_ex = (s->flags & FS_PARAM_MIN_EXCLUSIVE) != 0;
  bool max_ex = (s->flags & FS_PARAM_MAX_EXCLUSIVE) != 0;
  format_value(lo, sizeof lo, s, s->min, v);
  format_value(hi, sizeof hi, s, s->max, v);
  if (has_min && has_max && !min_ex && !max_ex)
    snprintf(buf, len, "must be between %s and %s", lo, hi);
  else if (has_min && has_max)
    snprintf(buf, len, "must be %s %s and %s %s", min_ex ? ">" : ">=", lo, max_ex ? "<" : "<=", hi);
  else if (has_min)
    snprintf(buf, len, "must be %s %s", min_ex ? ">" : ">=", lo);
  else if (has_max)
    snprintf(buf, len, "must be %s %s", max_ex ? "<" : "<=", hi);
  else
    snprintf(buf, len, "must be a finite number");
}

fs_status fs_param_check(const fs_param_spec *spec, double value, fs_error *err) {
  bool bad = isnan(value) || (isfinite(spec->min) && below_min(spec, value)) ||
             (isfinite(spec->max) && above_max(spec, value)) ||
             (!isfinite(spec->min) && !isfinite(spec->max) && !isfinite(value));
  if (!bad) return FS_OK;
  char bounds[256], got[96];
  describe_bounds(bounds, sizeof bounds, spec, value);
  double nearest = below_min(spec, value) ? spec->min : spec->max;
  format_value(got, sizeof got, spec, value, nearest);
  return fs_error_set(err, FS_ERR_INPUT, "%s %s, got %s", spec->name, bounds, got);
}

/* Reads one present key of map with its row's unit and bounds. */
static fs_status read_one(fs_cfg_node map, const fs_param_spec *spec, void *out, fs_error *err) {
  double value = spec->def;
  fs_status st = fs_cfg_get_quantity(map, spec->name, spec->kind, true, &value, err);
  if (st != FS_OK) return st;
  fs_error check;
  if (fs_param_check(spec, value, &check) != FS_OK)
    return fs_cfg_error(fs_cfg_child(map, spec->name), err, "%s", check.msg);
  store(out, spec->offset, value);
  return FS_OK;
}

fs_status fs_params_read(fs_cfg_node map, const fs_param_spec *specs, size_t n, void *out,
                         fs_error *err) {
  fs_params_set_defaults(specs, n, out);
  return fs_params_read_over(map, specs, n, out, err);
}

fs_status fs_params_read_over(fs_cfg_node map, const fs_param_spec *specs, size_t n, void *out,
                              fs_error *err) {
  fs_status st = FS_OK;
  const char **names = NULL;
  if (!fs_cfg_exists(map)) return FS_OK;
  names = malloc((n > 0 ? n : 1) * sizeof *names);
  if (names == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    names[i] = specs[i].name;
  FS_TRY(fs_cfg_expect_keys(map, names, n, err));
  /* In file order, so that the first error reported is the first in the file. */
  for (size_t i = 0; i < fs_cfg_len(map); i++)
    FS_TRY(read_one(map, fs_params_find(specs, n, fs_cfg_key(map, i)), out, err));
cleanup:
  free(names);
  return st;
}

static fs_status check_row(const fs_param_spec *specs, size_t i, size_t struct_size,
                           fs_error *err) {
  const fs_param_spec *s = &specs[i];
  fs_error check;
  if (s->name == NULL || s->name[0] == '\0')
    return fs_error_set(err, FS_ERR_INTERNAL, "parameter row %zu has no name", i);
  if (s->description == NULL || s->description[0] == '\0' || s->source == NULL ||
      s->source[0] == '\0')
    return fs_error_set(err, FS_ERR_INTERNAL, "parameter \"%s\" has no description or source",
                        s->name);
  if ((unsigned)s->kind >= FS_UNIT_KIND_COUNT)
    return fs_error_set(err, FS_ERR_INTERNAL, "parameter \"%s\": unknown unit kind", s->name);
  if (isnan(s->min) || isnan(s->max) || !(s->min <= s->max))
    return fs_error_set(err, FS_ERR_INTERNAL, "parameter \"%s\": min %g is not <= max %g", s->name,
                        s->min, s->max);
  if (fs_param_check(s, s->def, &check) != FS_OK)
    return fs_error_set(err, FS_ERR_INTERNAL, "parameter \"%s\": default out of bounds: %s",
                        s->name, check.msg);
  if (s->offset % alignof(double) != 0 || s->offset > struct_size ||
      struct_size - s->offset < sizeof(double))
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "parameter \"%s\": offset %zu is not an aligned double inside a struct "
                        "of %zu bytes",
                        s->name, s->offset, struct_size);
  for (size_t j = 0; j < i; j++) {
    if (strcmp(specs[j].name, s->name) == 0)
      return fs_error_set(err, FS_ERR_INTERNAL, "parameter \"%s\": name used twice", s->name);
    if (specs[j].offset == s->offset)
      return fs_error_set(err, FS_ERR_INTERNAL,
                          "parameter \"%s\": offset %zu is used by \"%s\" too", s->name, s->offset,
                          specs[j].name);
  }
  return FS_OK;
}

fs_status fs_params_validate_table(const fs_param_spec *specs, size_t n, size_t struct_size,
                                   fs_error *err) {
  if (specs == NULL && n > 0) return fs_error_set(err, FS_ERR_INTERNAL, "parameter table is NULL");
  for (size_t i = 0; i < n; i++) {
    fs_status st = check_row(specs, i, struct_size, err);
    if (st != FS_OK) return st;
  }
  return FS_OK;
}
