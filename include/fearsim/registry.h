/* registry.h - models are rows in const registries, found by name (STYLE.md §8): one look-up
 * for every registry (neuron models, synapse rules, drugs, drug mechanisms, PK models), and the
 * "did you mean" that every unknown name or key gets. */
#ifndef FEARSIM_REGISTRY_H
#define FEARSIM_REGISTRY_H

#include <stddef.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_REGISTRY_MAX 64 /* rows of one registry, at most */

/* The row of table (n pointers to descriptors whose first member is `const char *name`) named
 * name; otherwise NULL, and err says `unknown <what> "x" (did you mean "y"?)` or lists the
 * known names (FS_ERR_INPUT). */
const void *fs_registry_find(const void *const *table, size_t n, const char *what, const char *name,
                             fs_error *err);

/* The name in names[] closest to word by edit distance, or NULL if none is close enough
 * to be a plausible typo. Used for every "did you mean". */
const char *fs_registry_closest(const char *word, const char *const *names, size_t n_names);

/* Sets err to FS_ERR_INPUT with `unknown <what> "<name>" (did you mean "<close>"?)`, or with
 * `(known: "a", "b", "c")` when no name is close; returns FS_ERR_INPUT. */
fs_status fs_registry_unknown(fs_error *err, const char *what, const char *name,
                              const char *const *names, size_t n_names);

#ifdef __cplusplus
}
#endif
#endif
