/* protocol.h - the experiment's `protocol:` section (a multi-day behavioural paradigm of days,
 * sessions, CS/US trials and contexts) expanded into plain arrays: one row per trial and per
 * session, the fast (spiking) windows the engine must simulate, and a piecewise-constant rate
 * plan for every input population the protocol drives.
 *
 * YAML (times as in pharm.h: t = 0 is 00:00 of day 1; a session starts at `time` of `day`):
 *   protocol:
 *     inputs:                        # the `inputs:` populations the protocol drives
 *       cs: {population: CS, rate: 40 Hz, baseline: 0 Hz}       # rate during a CS, baseline
 *                                                              # otherwise (default 0 Hz)
 *       us: {population: US, rate: 200 Hz, reference: 0.5 mA}   # rate of a US at the reference
 *                                    # intensity, scaled linearly with intensity; baseline too
 *       outcome: {population: US_time, rate: 40 Hz}   # optional: an input that fires at the
 *                                    # US's time on every CS trial, shock or not (the moment
 *                                    # the outcome is expected; the US timing of the session
 *                                    # or of defaults.us applies even to `us: none` sessions)
 *       tones:                       # optional: further tones a session may play instead
 *         cs2: {population: CS2, rate: 40 Hz, baseline: 0 Hz,   # of the cs (name -> drive)
 *               with: {CS: 10 Hz}}   # optional: other tones' inputs it also drives during
 *                                    # its trials (a tone near the CS in frequency excites
 *                                    # the CS's channel too); their baseline otherwise
 *       contexts: {A: ctx_A, B: ctx_B}  # optional: context name -> input population
 *       context_rate: 20 Hz          # with contexts: the rate of the session's context during
 *                                    # its fast windows; every context is 0 Hz otherwise
 *     defaults:                      # optional; every session may override every key
 *       cs_duration: 30 s
 *       us: {at: 28 s, duration: 2 s, intensity: 0.5 mA}   # onset relative to the CS onset
 *       iti: 120 s                   # from a CS (or unsignalled US) offset to the next onset
 *       window: {before: 5 s, after: 2 s}   # fast window around each trial (default 0 s, 0 s)
 *     days:                          # day numbers strictly increasing
 *       - day: 1
 *         sessions:                  # in time order; a session ends before the next starts
 *           - {name: conditioning, time: '10:00', context: A, trials: 5, us: paired}
 *       - day: 2
 *         sessions:
 *           - {name: extinction, time: '10:00', context: B, trials: 20, us: none}
 *       - day: 3
 *         sessions:
 *           - {name: recall, time: '10:00', context: B, trials: 3, us: none,
 *              iti: [60 s, 90 s]}    # a list gives each gap (trials - 1 of them)
 *           - {name: reinstatement, time: '16:00', context: A, us_alone: 4,
 *              us: {intensity: 0.3 mA}}   # unsignalled USs, no CS
 *           - {name: novel_tone, time: '18:00', context: B, trials: 2, us: none,
 *              stimulus: cs2}        # the tone its trials play (default cs); a list gives
 *                                    # one per trial, e.g. [cs, cs2]
 * A session has name (up to 63 characters), time ('HH:MM' or 'HH:MM:SS'), context (required
 * when contexts are given, refused otherwise), and either trials (CS trials) or us_alone
 * (unsignalled USs). Its `us` is `paired` (the default when defaults.us is given), `none`
 * (the default otherwise) or a mapping whose keys override defaults.us (and pair the US);
 * a us_alone session takes only the mapping form, without `at`, and no stimulus. A tone's name
 * is cs or a key of protocol.inputs.tones; an input population belongs to one tone (or the US,
 * a context or the outcome) only, but a tone's `with` may name the population of another.
 *
 * Timing, for a session starting at S = (day - 1)·24 h + time, with trial k from 0:
 *   CS trials:  cs_on[0] = S + before, cs_off[k] = cs_on[k] + cs_duration,
 *               cs_on[k+1] = cs_off[k] + iti[k]; us_on = cs_on + at, us_off = us_on + duration;
 *               window = [cs_on - before, cs_off + after] (the US must lie inside it).
 *   us_alone:   the US takes the CS's place: us_on[0] = S + before, us_off = us_on + duration,
 *               us_on[k+1] = us_off[k] + iti[k], window = [us_on - before, us_off + after].
 * So the first window of a session starts at its clock time. Windows of one session that
 * overlap or touch are merged; sessions may touch but not overlap. The session's stop is the
 * end of its last window; the slow phase runs between windows.
 *
 * Rates are frequencies, durations times (> 0; before/after >= 0), intensities currents.
 * Every error is FS_ERR_INPUT with the place, e.g.
 *   `x.yaml:18:54: protocol.days[1].sessions[0].context: unknown context "b" (did you mean
 *   "B"?)`. */
#ifndef FEARSIM_PROTOCOL_H
#define FEARSIM_PROTOCOL_H

#include <stddef.h>

#include <fearsim/config.h>
#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FS_PROTOCOL_NAME_LEN 64
#define FS_PROTOCOL_NONE ((size_t)-1) /* "no context" */

typedef enum fs_trial_kind {
  FS_TRIAL_CS,      /* a CS, with or without a US */
  FS_TRIAL_US_ALONE /* an unsignalled US */
} fs_trial_kind;

/* All times in s, absolute (t = 0 is 00:00 of day 1). */
typedef struct fs_trial {
  fs_trial_kind kind;
  size_t tone; /* index into tones (0, the cs, for an unsignalled US) */
  int day;
  size_t session;                   /* index into sessions */
  size_t trial;                     /* number within its session, from 0 */
  size_t context;                   /* index into contexts, FS_PROTOCOL_NONE without contexts */
  size_t window;                    /* index into windows (the merged window holding it) */
  double cs_on, cs_off;             /* NaN for an unsignalled US */
  double us_on, us_off;             /* NaN when there is no US */
  double us_intensity;              /* A; 0 when there is no US */
  double outcome_on, outcome_off;   /* when the US comes or would come; NaN without one */
  double window_start, window_stop; /* this trial's own fast window, before merging */
} fs_trial;

typedef struct fs_session {
  char name[FS_PROTOCOL_NAME_LEN];
  int day;
  size_t context;     /* index into contexts, FS_PROTOCOL_NONE without contexts */
  double start, stop; /* s: its clock time, the end of its last window */
  size_t first_trial, n_trials;
} fs_session;

/* A fast window: sorted, disjoint, each within one session. */
typedef struct fs_window {
  double start, stop; /* s */
  size_t session;
  size_t first_trial, n_trials;
} fs_window;

/* A piecewise-constant rate: rate[k] (Hz) holds on [t[k], t[k+1]), the last one for ever;
 * t[0] == 0, t strictly increasing, consecutive rates differ. */
typedef struct fs_rate_plan {
  char population[FS_PROTOCOL_NAME_LEN];
  size_t input; /* index into the input_names given to fs_protocol_read */
  double *t;
  double *rate;
  size_t n;
} fs_rate_plan;

/* A tone: cs (tones[0]) or one of protocol.inputs.tones. During its trials its own plan's input
 * fires at rate and each `with` input at its with_rate; every other time at their baselines. */
typedef struct fs_tone {
  char name[FS_PROTOCOL_NAME_LEN];
  size_t plan; /* index into plans of its own input */
  double rate, baseline;
  size_t *with_plan; /* the other tones' inputs it also drives (indices into plans) */
  double *with_rate; /* Hz, one per with_plan */
  size_t n_with;
} fs_tone;

typedef struct fs_context {
  char name[FS_PROTOCOL_NAME_LEN];
  size_t plan; /* index into plans of its population */
} fs_context;

typedef struct fs_protocol {
  fs_trial *trials; /* in time order */
  size_t n_trials;
  fs_session *sessions; /* in time order */
  size_t n_sessions;
  fs_context *contexts; /* in the order of protocol.inputs.contexts */
  size_t n_contexts;
  fs_window *windows;
  size_t n_windows;
  fs_tone *tones; /* [0] the cs, then protocol.inputs.tones in order */
  size_t n_tones;
  fs_rate_plan *plans; /* [0] the CS, [1] the US, then one per context in order, then the
                          outcome input's if given, then one per further tone in order */
  size_t n_plans;
  double end; /* s, the end of the last window */
} fs_protocol;

/* Reads root.protocol (root: the experiment document's root) against the names of the
 * experiment's `inputs:` entries. No protocol section gives *out = NULL and FS_OK. On failure
 * *out is NULL, nothing is leaked, and err says where (FS_ERR_INPUT) or FS_ERR_NOMEM. */
fs_status fs_protocol_read(fs_cfg_node root, const char *const *input_names, size_t n_inputs,
                           fs_protocol **out, fs_error *err);
void fs_protocol_free(fs_protocol *p); /* NULL is a no-op */

/* The rate of a plan at t (s), Hz; O(log n). */
double fs_protocol_plan_rate(const fs_rate_plan *plan, double t);

/* Parses a clock time 'HH:MM' or 'HH:MM:SS' (00:00 to 23:59:59) into seconds after midnight.
 * On failure returns FS_ERR_INPUT with `expected a clock time such as '09:00', got "<text>"`
 * (no location: the caller prefixes it); text may be NULL (a collection). */
fs_status fs_protocol_parse_clock(const char *text, double *seconds, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
