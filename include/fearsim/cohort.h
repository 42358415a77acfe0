/* cohort.h - virtual cohorts: a base experiment, arms (each a set of --set overrides),
 * subjects per arm in a parallel or crossover design, and individual variability (numeric
 * parameters drawn per subject, categorical traits with their effects), expanded into the
 * runs of a sweep (sweep.h) that the sweep engine runs, resumes and summarises.
 *
 * Cohort file (paths relative to it):
 *   base: ../experiments/ketamine_extinction.yaml
 *   seed: 2017                     master seed: every subject's values and seed come from it
 *   subjects: 15                   per arm
 *   design: parallel               or {type: crossover, washout: 14 d}: every subject in
 *                                  every arm (one run per arm, the same seed and values)
 *   arms:
 *     - {name: saline, set: {'drugs[0].drug': saline}}
 *     - {name: ketamine, set: {}}
 *   variability:                   one value per subject, from FS_RNG_SUBJECT streams
 *     - {key: subject.body_weight, lognormal: {median: 0.3 kg, cv: 0.1},
 *        range: {low: 0.2 kg, high: 0.45 kg}}
 *     - {key: 'protocol.defaults.us.intensity', normal: {mean: 0.5 mA, sd: 0.05 mA}}
 *     - {key: 'protocol.days[0].sessions[0].trials', uniform: {low: 4, high: 7},
 *        integer: true}
 *   traits:                        categorical, one level per subject
 *     - name: bdnf_val66met
 *       levels:
 *         - {name: val_val, frequency: 0.7}
 *         - {name: met, frequency: 0.3, set: {'plasticity...': ...}}
 *   analysis:                      read by fearsim_analysis cohort; checked here
 *     {test: auto, endpoint: recall, baseline: first, reference: saline, responder: 0.3,
 *      remission: 0.2, probes: [a, b], probe_days: [8, 15]}
 *   outcomes: [...]                as in a sweep file
 * The summary's columns: arm, subject, then every key an arm sets, every variable, every trait
 * and the keys its levels set. A run's result file holds its experiment after the overrides.
 * Bad input (FS_ERR_INPUT, at its place in the file, nothing run): an arm override that is
 * not a key of the experiment, a negative cv or sd, an empty range, trait frequencies that do
 * not sum to 1, a crossover whose wash-out leaves a drug above 1/32 of its peak plasma
 * concentration (five half-lives), fewer than 2 subjects per arm with a test. */
#ifndef FEARSIM_COHORT_H
#define FEARSIM_COHORT_H

#include <stdbool.h>

#include <fearsim/error.h>
#include <fearsim/sweep.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Is path a cohort file (a mapping with arms:)? false for anything else, unreadable too. */
bool fs_cohort_is_file(const char *path);

/* Reads a cohort file, draws every subject's values and validates every run by loading the
 * base experiment with its overrides. The runs are those of the returned sweep: run k is arm
 * k / subjects, subject k % subjects. On failure *out is NULL and err says why. */
fs_status fs_cohort_load(const char *path, fs_sweep **out, fs_error *err);

/* The fraction of its peak plasma concentration below which a drug is cleared for a
 * crossover's wash-out: 1/32, five half-lives. */
#define FS_COHORT_CLEARED (1.0 / 32.0)

#ifdef __cplusplus
}
#endif
#endif
