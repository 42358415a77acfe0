/* param.h - one parameter-spec table per model drives parsing (with units), defaults,
 * bounds, unknown-key errors, --set overrides, HDF5 `units` attributes and the docs. */
#ifndef FEARSIM_PARAM_H
#define FEARSIM_PARAM_H

#include <stddef.h>

#include <fearsim/config.h>
#include <fearsim/error.h>
#include <fearsim/units.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  FS_PARAM_MIN_EXCLUSIVE = 1u << 0, /* value must be > min (not >= min) */
  FS_PARAM_MAX_EXCLUSIVE = 1u << 1  /* value must be < max */
};

/* One row: a double field of a parameter struct, in SI, with its default and where that
 * default comes from. `fearsim params` and docs/parameters.md print these rows; the model
 * file's top comment and docs/model.md say more. */
typedef struct fs_param_spec {
  const char *name; /* the YAML key */
  fs_unit_kind kind;
  double def, min, max; /* SI; bounds inclusive unless flags say otherwise */
  unsigned flags;
  size_t offset; /* offsetof(the model's parameter struct, field), a double */
  const char *description;
  const char *source; /* of the default: "Author et al. year, Journal", or "fearsim (judgment)" */
} fs_param_spec;

/* Writes every default into the struct at out. */
void fs_params_set_defaults(const fs_param_spec *specs, size_t n, void *out);

/* Defaults first, then every key of map (a mapping, or absent) read with its unit and
 * checked against its bounds: `<where>: tau_m must be > 0 s, got 0 s`. Unknown keys are
 * errors with a "did you mean". On failure the struct may be partly written. */
fs_status fs_params_read(fs_cfg_node map, const fs_param_spec *specs, size_t n, void *out,
                         fs_error *err);

/* The same without writing the defaults first: the keys present override what out holds
 * (a preset, say). */
fs_status fs_params_read_over(fs_cfg_node map, const fs_param_spec *specs, size_t n, void *out,
                              fs_error *err);

/* Checks a value against a row's bounds; on failure a message "<name> must be ..." with the
 * bounds in SI units, without a location. */
fs_status fs_param_check(const fs_param_spec *spec, double value, fs_error *err);

/* The row named name, or NULL. */
const fs_param_spec *fs_params_find(const fs_param_spec *specs, size_t n, const char *name);

/* Checks that a table is well formed: a description and a source on every row, unique names,
 * default within bounds, min <= max, offsets distinct. Used by the registry's unit test. */
fs_status fs_params_validate_table(const fs_param_spec *specs, size_t n, size_t struct_size,
                                   fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
