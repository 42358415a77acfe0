/* config.h - the YAML experiment file, read with libyaml, behind one accessor layer that
 * knows the file, line, column and key path of every value, so that every error reads
 * `configs/x.yaml:14:9: protocol[2].trials.cs.rate: expected a frequency such as "20 Hz",
 * got "fast"`. `--set key.path=value` overrides are applied before anything reads it. */
#ifndef FEARSIM_CONFIG_H
#define FEARSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/units.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_config fs_config;

#define FS_CFG_PATH_LEN 256

/* A handle on one value of the document, carried by value. id 0 means "absent": every
 * accessor accepts an absent node and treats it as a missing optional value. */
typedef struct fs_cfg_node {
  const fs_config *cfg;
  int id;
  int anchor; /* the nearest node on the path that exists: where messages about an absent one
                 point to (file:line:column of its parent mapping, say) */
  char path[FS_CFG_PATH_LEN]; /* "populations.E.params.tau_m", "protocol[2].trials" */
} fs_cfg_node;

/* Loads a YAML file and applies overrides ("a.b[2].c=value"; the value is YAML, so a
 * flow mapping such as "{mean: 1 nS, std: 0.1 nS}" is allowed). A missing key on the
 * path is created, so that validation reports it as unknown if it is. On failure *out is
 * NULL and err says where: malformed YAML gives "file:line:col: <libyaml problem>",
 * a duplicate key in a mapping is an error too. */
fs_status fs_config_load(const char *path, const char *const *overrides, size_t n_overrides,
                         fs_config **out, fs_error *err);

/* Same, from a string; name stands for the file name in messages. */
fs_status fs_config_load_string(const char *name, const char *text, const char *const *overrides,
                                size_t n_overrides, fs_config **out, fs_error *err);

void fs_config_free(fs_config *cfg); /* NULL is a no-op */

const char *fs_config_file(const fs_config *cfg); /* the path given to load */
const char *fs_config_text(const fs_config *cfg); /* the whole document after overrides, as YAML */
fs_cfg_node fs_config_root(const fs_config *cfg);

bool fs_cfg_exists(fs_cfg_node n);
bool fs_cfg_is_map(fs_cfg_node n);
bool fs_cfg_is_seq(fs_cfg_node n);
bool fs_cfg_is_scalar(fs_cfg_node n);
size_t fs_cfg_len(fs_cfg_node n);                         /* entries of a map or sequence, else 0 */
fs_cfg_node fs_cfg_child(fs_cfg_node n, const char *key); /* absent if n is not a map or no key */
fs_cfg_node fs_cfg_item(fs_cfg_node n, size_t i); /* i-th element of a sequence or value of a map */
const char *fs_cfg_key(fs_cfg_node n, size_t i);  /* i-th key of a map, NULL otherwise */
const char *fs_cfg_scalar(fs_cfg_node n);         /* text of a scalar, NULL otherwise */
/* The node at a `--set` key path under n ("drugs[0].dose", "circuit.set[2]"); absent if the
 * path is malformed, leads through an index of something not a sequence, or to nothing. */
fs_cfg_node fs_cfg_at(fs_cfg_node n, const char *path);

/* "file:line:col: path" (1-based line and column), or "--set 'k=v': path" for a value
 * that came from an override. */
void fs_cfg_where(fs_cfg_node n, char *buf, size_t len);

/* Sets err to FS_ERR_INPUT with "<where>: <formatted message>" and returns FS_ERR_INPUT. */
fs_status fs_cfg_error(fs_cfg_node n, fs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks that n is a mapping whose keys are all in allowed[]; an unknown key gives
 * `<where of the key>: unknown key "sise" (did you mean "size"?)`, or lists the allowed
 * keys when none is close. An absent n passes. */
fs_status fs_cfg_expect_keys(fs_cfg_node n, const char *const *allowed, size_t n_allowed,
                             fs_error *err);

/* Typed getters of parent.key. If the key is absent: a required one is an error
 * `<where of parent>: missing key "size"`, an optional one leaves *out unchanged and
 * returns FS_OK. A present value of the wrong type or unit is an error at its place. */
fs_status fs_cfg_get_quantity(fs_cfg_node parent, const char *key, fs_unit_kind kind, bool required,
                              double *out, fs_error *err);
fs_status fs_cfg_get_int(fs_cfg_node parent, const char *key, long min, long max, bool required,
                         long *out, fs_error *err);
fs_status fs_cfg_get_bool(fs_cfg_node parent, const char *key, bool required, bool *out,
                          fs_error *err);
fs_status fs_cfg_get_string(fs_cfg_node parent, const char *key, bool required, const char **out,
                            fs_error *err);
/* A string that must be one of choices[]; *index receives its position. An unknown value
 * gives `expected one of "a", "b", "c", got "x" (did you mean "b"?)`. */
fs_status fs_cfg_get_choice(fs_cfg_node parent, const char *key, const char *const *choices,
                            size_t n_choices, bool required, size_t *index, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
