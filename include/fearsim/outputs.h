/* outputs.h - the datasets a run of an experiment will write, known from its validated spec
 * alone (before a network is built), so that a sweep can check its outcomes before anything
 * runs. The names follow what the observer (observer.c), the record (record.c) and the
 * snapshots (snapshot.c) write; tests/integration/test_outputs.c compares the two on real
 * runs. */
#ifndef FEARSIM_OUTPUTS_H
#define FEARSIM_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/experiment.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fs_outputs fs_outputs;

/* Lists the datasets a run of spec writes ("/timeline/ketamine_plasma_ng_per_mL",
 * "/trials/freezing", ...). On failure (FS_ERR_NOMEM) *out is NULL and nothing is leaked. */
fs_status fs_outputs_create(const fs_experiment_spec *spec, fs_outputs **out, fs_error *err);
void fs_outputs_free(fs_outputs *o); /* NULL is a no-op */

size_t fs_outputs_count(const fs_outputs *o);
const char *fs_outputs_at(const fs_outputs *o, size_t i); /* NULL past the end */
bool fs_outputs_has(const fs_outputs *o, const char *path);

/* The listed dataset closest to path (a plausible typo), or NULL. */
const char *fs_outputs_closest(const fs_outputs *o, const char *path);

#ifdef __cplusplus
}
#endif
#endif
