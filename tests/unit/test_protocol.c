/* test_protocol.c - the `protocol:` reader: trial, US and window times against hand computation,
 * window merging, the rate plans, unsignalled USs, defaults and overrides, and the bad-input
 * messages with their file:line:col and key path. */
#include "fs_test.h"

#include <fearsim/config.h>
#include <fearsim/protocol.h>

#include <stdlib.h>

#define DAY 86400.0
#define HOUR 3600.0
#define MA 1e-3

static const char *const inputs[] = {"CS", "US", "ctx_A", "ctx_B", "bg"};

/* The paradigm of protocol.h: line numbers below refer to this text. */
static const char base[] =
    "protocol:\n"                                                                        /* 1 */
    "  inputs:\n"                                                                        /* 2 */
    "    cs: {population: CS, rate: 40 Hz, baseline: 2 Hz}\n"                            /* 3 */
    "    us: {population: US, rate: 200 Hz, reference: 0.5 mA}\n"                        /* 4 */
    "    contexts: {A: ctx_A, B: ctx_B}\n"                                               /* 5 */
    "    context_rate: 20 Hz\n"                                                          /* 6 */
    "  defaults:\n"                                                                      /* 7 */
    "    cs_duration: 30 s\n"                                                            /* 8 */
    "    us: {at: 28 s, duration: 2 s, intensity: 0.5 mA}\n"                             /* 9 */
    "    iti: 120 s\n"                                                                   /* 10 */
    "    window: {before: 5 s, after: 2 s}\n"                                            /* 11 */
    "  days:\n"                                                                          /* 12 */
    "    - day: 1\n"                                                                     /* 13 */
    "      sessions:\n"                                                                  /* 14 */
    "        - {name: conditioning, time: '10:00', context: A, trials: 5, us: paired}\n" /* 15 */
    "    - day: 2\n"                                                                     /* 16 */
    "      sessions:\n"                                                                  /* 17 */
    "        - {name: extinction, time: '10:00', context: B, trials: 20, us: none}\n"    /* 18 */
    "    - day: 3\n"                                                                     /* 19 */
    "      sessions:\n"                                                                  /* 20 */
    "        - {name: recall, time: '10:00', context: B, trials: 3, us: none}\n"         /* 21 */
    "        - {name: renewal, time: '14:00', context: A, trials: 3, us: none}\n"        /* 22 */
    "        - {name: reinstatement, time: '16:00', context: A, us_alone: 4}\n";         /* 23 */

/* text with the first occurrence of from replaced by to (static buffer). */
static const char *edited(const char *text, const char *from, const char *to) {
  static char out[4096];
  const char *at = strstr(text, from);
  assert_non_null(at);
  snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
  return out;
}

static const char *variant(const char *from, const char *to) {
  return edited(base, from, to);
}

/* Reads the protocol of text, loaded as file, against the circuit's input names. */
static fs_status load_as(const char *file, const char *const *names, size_t n, const char *text,
                         fs_protocol **out, fs_error *err) {
  fs_config *cfg = NULL;
  *out = NULL;
  fs_status st = fs_config_load_string(file, text, NULL, 0, &cfg, err);
  if (st != FS_OK) print_error("%s\n", err->msg);
  assert_int_equal(st, FS_OK);
  st = fs_protocol_read(fs_config_root(cfg), names, n, out, err);
  fs_config_free(cfg);
  return st;
}

/* The reader refuses text, loaded as file, with exactly msg. */
static void expect_error_as(const char *file, const char *const *names, size_t n, const char *text,
                            const char *msg) {
  fs_protocol *p = NULL;
  fs_error err = {0};
  assert_int_equal(load_as(file, names, n, text, &p, &err), FS_ERR_INPUT);
  assert_null(p);
  fs_assert_msg(err, msg);
}

static fs_status load(const char *text, fs_protocol **out, fs_error *err) {
  return load_as("x.yaml", inputs, 5, text, out, err);
}

static fs_protocol *load_ok(const char *text) {
  fs_protocol *p = NULL;
  fs_error err = {0};
  fs_status st = load(text, &p, &err);
  if (st != FS_OK) print_error("%s\n", err.msg);
  assert_int_equal(st, FS_OK);
  assert_non_null(p);
  return p;
}

static void expect_error(const char *text, const char *msg) {
  expect_error_as("x.yaml", inputs, 5, text, msg);
}

#define close_to(a, e) fs_assert_close((a), (e), 0, 1e-9)

static double rate_at(const fs_protocol *p, size_t plan, double t) {
  return fs_protocol_plan_rate(&p->plans[plan], t);
}

/* ---- expansion -------------------------------------------------------------------------- */

static void test_sessions(void **state) {
  (void)state;
  fs_protocol *p = load_ok(base);
  static const char *const names[] = {"conditioning", "extinction", "recall", "renewal",
                                      "reinstatement"};
  static const int days[] = {1, 2, 3, 3, 3};
  static const size_t ctx[] = {0, 1, 1, 0, 0}, n[] = {5, 20, 3, 3, 4}, first[] = {0, 5, 25, 28, 31};
  static const double start[] = {10 * HOUR, DAY + 10 * HOUR, 2 * DAY + 10 * HOUR,
                                 2 * DAY + 14 * HOUR, 2 * DAY + 16 * HOUR};
  /* CS trials: the last CS onset is start + 5 + (n-1)·150 s and its window ends 32 s later;
   * us_alone: the last US onset is start + 5 + 3·122 s and its window ends 2 + 2 s later. */
  static const double stop[] = {10 * HOUR + 637, DAY + 10 * HOUR + 2887, 2 * DAY + 10 * HOUR + 337,
                                2 * DAY + 14 * HOUR + 337, 2 * DAY + 16 * HOUR + 375};
  assert_int_equal(p->n_sessions, 5);
  assert_int_equal(p->n_trials, 35);
  assert_int_equal(p->n_windows, 35);
  for (size_t s = 0; s < 5; s++) {
    assert_string_equal(p->sessions[s].name, names[s]);
    assert_int_equal(p->sessions[s].day, days[s]);
    assert_int_equal(p->sessions[s].context, ctx[s]);
    assert_int_equal(p->sessions[s].first_trial, first[s]);
    assert_int_equal(p->sessions[s].n_trials, n[s]);
    close_to(p->sessions[s].start, start[s]);
    close_to(p->sessions[s].stop, stop[s]);
  }
  close_to(p->end, 2 * DAY + 16 * HOUR + 375);
  assert_int_equal(p->n_contexts, 2);
  assert_string_equal(p->contexts[0].name, "A");
  assert_string_equal(p->contexts[1].name, "B");
  assert_int_equal(p->contexts[1].plan, 3);
  assert_int_equal(p->n_plans, 4);
  static const char *const pops[] = {"CS", "US", "ctx_A", "ctx_B"};
  for (size_t i = 0; i < 4; i++) {
    assert_string_equal(p->plans[i].population, pops[i]);
    assert_int_equal(p->plans[i].input, i);
  }
  fs_protocol_free(p);
}

/* Conditioning: CS k at 10:00 + 5 s + k·(30 + 120) s, US in its last 2 s. */
static void test_paired_trials(void **state) {
  (void)state;
  fs_protocol *p = load_ok(base);
  for (size_t k = 0; k < 5; k++) {
    const fs_trial *t = &p->trials[k];
    double on = 10 * HOUR + 5 + 150.0 * (double)k;
    assert_int_equal(t->kind, FS_TRIAL_CS);
    assert_int_equal(t->day, 1);
    assert_int_equal(t->session, 0);
    assert_int_equal(t->trial, k);
    assert_int_equal(t->context, 0);
    assert_int_equal(t->window, k);
    close_to(t->cs_on, on);
    close_to(t->cs_off, on + 30);
    close_to(t->us_on, on + 28);
    close_to(t->us_off, on + 30);
    close_to(t->us_intensity, 0.5 * MA);
    close_to(t->window_start, on - 5);
    close_to(t->window_stop, on + 32);
    close_to(p->windows[k].start, on - 5);
    close_to(p->windows[k].stop, on + 32);
    assert_int_equal(p->windows[k].session, 0);
    assert_int_equal(p->windows[k].first_trial, k);
    assert_int_equal(p->windows[k].n_trials, 1);
  }
  /* extinction trial 19: no US */
  const fs_trial *t = &p->trials[24];
  assert_int_equal(t->session, 1);
  assert_int_equal(t->trial, 19);
  close_to(t->cs_on, DAY + 10 * HOUR + 5 + 150.0 * 19);
  assert_true(isnan(t->us_on) && isnan(t->us_off));
  assert_true(t->us_intensity == 0.0);
  fs_protocol_free(p);
}

/* Reinstatement: the US takes the CS's place, spaced by the iti from US offset to onset. */
static void test_us_alone(void **state) {
  (void)state;
  fs_protocol *p = load_ok(base);
  for (size_t k = 0; k < 4; k++) {
    const fs_trial *t = &p->trials[31 + k];
    double on = 2 * DAY + 16 * HOUR + 5 + 122.0 * (double)k;
    assert_int_equal(t->kind, FS_TRIAL_US_ALONE);
    assert_int_equal(t->session, 4);
    assert_int_equal(t->trial, k);
    assert_int_equal(t->day, 3);
    assert_true(isnan(t->cs_on) && isnan(t->cs_off));
    close_to(t->us_on, on);
    close_to(t->us_off, on + 2);
    close_to(t->us_intensity, 0.5 * MA);
    close_to(t->window_start, on - 5);
    close_to(t->window_stop, on + 4);
  }
  fs_protocol_free(p);
}

/* iti [7 s, 8 s] with window 5 s + 2 s: trials 0 and 1 touch (merged), trial 2 does not. An
 * iti of 3 s makes windows overlap: all three merge. */
static void test_window_merging(void **state) {
  (void)state;
  fs_protocol *p =
      load_ok(variant("trials: 5, us: paired}", "trials: 3, us: paired, iti: [7 s, 8 s]}"));
  double s = 10 * HOUR;
  assert_int_equal(p->sessions[0].n_trials, 3);
  assert_int_equal(p->n_windows, 2 + 30);
  close_to(p->windows[0].start, s);
  close_to(p->windows[0].stop, s + 5 + 30 + 7 + 30 + 2);
  assert_int_equal(p->windows[0].first_trial, 0);
  assert_int_equal(p->windows[0].n_trials, 2);
  close_to(p->windows[1].start, s + 75);
  close_to(p->windows[1].stop, s + 112);
  assert_int_equal(p->windows[1].first_trial, 2);
  assert_int_equal(p->windows[1].n_trials, 1);
  assert_int_equal(p->trials[1].window, 0);
  assert_int_equal(p->trials[2].window, 1);
  close_to(p->trials[1].window_start, s + 37); /* its own window, before merging */
  close_to(p->trials[2].cs_on, s + 80);
  assert_int_equal(p->windows[2].session, 1);
  /* context A during the merged window, off in the 1 s gap, on again */
  close_to(rate_at(p, 2, s + 40), 20);
  close_to(rate_at(p, 2, s + 74.5), 0);
  close_to(rate_at(p, 2, s + 75), 20);
  fs_protocol_free(p);

  p = load_ok(variant("trials: 5, us: paired}", "trials: 3, us: paired, iti: 3 s}"));
  assert_int_equal(p->n_windows, 1 + 30);
  close_to(p->windows[0].stop, s + 5 + 3 * 30 + 2 * 3 + 2);
  assert_int_equal(p->windows[0].n_trials, 3);
  close_to(p->sessions[0].stop, p->windows[0].stop);
  fs_protocol_free(p);
}

static void test_rate_plans(void **state) {
  (void)state;
  fs_protocol *p = load_ok(base);
  double on = 10 * HOUR + 5;
  /* CS: baseline 2 Hz, 40 Hz on [cs_on, cs_off) of the 31 CS trials, none in us_alone */
  assert_int_equal(p->plans[0].n, 1 + 2 * 31);
  assert_true(p->plans[0].t[0] == 0.0);
  close_to(p->plans[0].rate[0], 2);
  close_to(p->plans[0].t[1], on);
  close_to(p->plans[0].t[2], on + 30);
  close_to(rate_at(p, 0, on - 1e-6), 2);
  close_to(rate_at(p, 0, on), 40);
  close_to(rate_at(p, 0, on + 29.9), 40);
  close_to(rate_at(p, 0, on + 30), 2);
  close_to(rate_at(p, 0, 2 * DAY + 16 * HOUR + 6), 2);
  /* US: 200 Hz × 0.5 mA / 0.5 mA during conditioning and reinstatement USs only */
  assert_int_equal(p->plans[1].n, 1 + 2 * 9);
  close_to(rate_at(p, 1, on + 27.9), 0);
  close_to(rate_at(p, 1, on + 28), 200);
  close_to(rate_at(p, 1, on + 30), 0);
  close_to(rate_at(p, 1, DAY + 10 * HOUR + 5 + 29), 0); /* extinction: no US */
  close_to(rate_at(p, 1, 2 * DAY + 16 * HOUR + 6), 200);
  /* contexts: 20 Hz only in the windows of their own sessions */
  assert_int_equal(p->plans[2].n, 1 + 2 * (5 + 3 + 4));
  assert_int_equal(p->plans[3].n, 1 + 2 * (20 + 3));
  close_to(rate_at(p, 2, on - 5), 20);
  close_to(rate_at(p, 2, on + 31.9), 20);
  close_to(rate_at(p, 2, on + 32), 0);
  close_to(rate_at(p, 3, on), 0);
  close_to(rate_at(p, 3, DAY + 10 * HOUR + 1), 20);
  close_to(rate_at(p, 2, DAY + 10 * HOUR + 1), 0);
  close_to(rate_at(p, 2, 2 * DAY + 14 * HOUR + 1), 20);
  close_to(rate_at(p, 3, 2 * DAY + 14 * HOUR + 1), 0);
  close_to(rate_at(p, 2, 1e9), 0);
  fs_protocol_free(p);
}

/* Session keys override the defaults key by key; the US rate scales with intensity. */
static void test_overrides(void **state) {
  (void)state;
  fs_protocol *p = load_ok(variant("trials: 5, us: paired}",
                                   "trials: 2, cs_duration: 10 s, window: {before: 1 s},\n"
                                   "           us: {at: 5 s, intensity: 1 mA}, iti: 60 s}"));
  double on = 10 * HOUR + 1;
  const fs_trial *t = &p->trials[1];
  close_to(p->trials[0].cs_on, on);
  close_to(t->cs_on, on + 70);
  close_to(t->cs_off, on + 80);
  close_to(t->us_on, on + 75);
  close_to(t->us_off, on + 77);
  close_to(t->us_intensity, 1 * MA);
  close_to(t->window_start, on + 69);
  close_to(t->window_stop, on + 82);
  close_to(rate_at(p, 1, on + 76), 400);
  fs_protocol_free(p);
  /* an unsignalled US with its own intensity and duration */
  p = load_ok(variant("us_alone: 4}", "us_alone: 2, us: {intensity: 1 mA, duration: 1 s}, "
                                      "iti: 10 s}"));
  on = 2 * DAY + 16 * HOUR + 5;
  assert_int_equal(p->sessions[4].n_trials, 2);
  close_to(p->trials[32].us_on, on + 11);
  close_to(p->trials[32].us_off, on + 12);
  close_to(p->trials[32].us_intensity, 1 * MA);
  close_to(p->sessions[4].stop, on + 14);
  close_to(rate_at(p, 1, on + 11.5), 400);
  close_to(rate_at(p, 1, on + 12), 0);
  fs_protocol_free(p);
  /* the next session is untouched by the overrides of the first */
  p = load_ok(variant("trials: 5, us: paired}", "trials: 2, cs_duration: 10 s, us: none}"));
  close_to(p->trials[2].cs_off - p->trials[2].cs_on, 30);
  close_to(p->trials[2].window_start, DAY + 10 * HOUR);
  fs_protocol_free(p);
}

/* Without us: in a session, a defaults.us pairs the US; with no defaults.us there is none. */
static void test_us_default(void **state) {
  (void)state;
  fs_protocol *p = load_ok(variant(", us: paired}", "}"));
  close_to(p->trials[0].us_on, 10 * HOUR + 5 + 28);
  fs_protocol_free(p);
  p = load_ok("protocol:\n"
              "  inputs:\n"
              "    cs: {population: CS, rate: 40 Hz}\n"
              "    us: {population: US, rate: 200 Hz, reference: 1 mA}\n"
              "  days:\n"
              "    - day: 2\n"
              "      sessions:\n"
              "        - {name: tone, time: '08:30:15', trials: 1, cs_duration: 10 s}\n");
  assert_int_equal(p->n_trials, 1);
  assert_int_equal(p->n_contexts, 0);
  assert_int_equal(p->n_plans, 2);
  assert_int_equal(p->sessions[0].context, FS_PROTOCOL_NONE);
  assert_int_equal(p->trials[0].context, FS_PROTOCOL_NONE);
  double on = DAY + 8.5 * HOUR + 15; /* window 0 s before and after by default */
  close_to(p->trials[0].cs_on, on);
  close_to(p->windows[0].start, on);
  close_to(p->windows[0].stop, on + 10);
  assert_true(isnan(p->trials[0].us_on));
  assert_int_equal(p->plans[0].n, 3);
  close_to(p->plans[0].rate[0], 0);
  assert_int_equal(p->plans[1].n, 1);
  close_to(p->end, on + 10);
  fs_protocol_free(p);
}

static void test_no_protocol(void **state) {
  (void)state;
  fs_protocol *p = (fs_protocol *)&p; /* must be reset to NULL */
  fs_error err = {0};
  assert_int_equal(load("populations: {}\n", &p, &err), FS_OK);
  assert_null(p);
  fs_protocol_free(NULL);
}

static void test_clock(void **state) {
  (void)state;
  double s = -1;
  fs_error err = {0};
  assert_int_equal(fs_protocol_parse_clock("09:00", &s, &err), FS_OK);
  close_to(s, 9 * HOUR);
  assert_int_equal(fs_protocol_parse_clock("23:59:59", &s, &err), FS_OK);
  close_to(s, DAY - 1);
  static const char *const bad[] = {"24:00", "9:60", "10:00x", "10", "", "10:00:60"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(fs_protocol_parse_clock(bad[i], &s, &err), FS_ERR_INPUT);
  fs_protocol_parse_clock("7 am", &s, &err);
  fs_assert_msg(err, "expected a clock time such as '09:00', got \"7 am\"");
  close_to(s, DAY - 1); /* untouched on failure */
}

/* ---- bad input -------------------------------------------------------------------------- */

/* The outcome input fires when the US comes or would come, on every CS trial, shock or not. */
static void test_outcome(void **state) {
  (void)state;
  static const char outcome[] =
      "    context_rate: 20 Hz\n    outcome: {population: bg, rate: 40 Hz}\n";
  fs_protocol *p = load_ok(variant("    context_rate: 20 Hz\n", outcome));
  double on = 10 * HOUR + 5, ext = DAY + 10 * HOUR + 5;
  assert_int_equal(p->n_plans, 5);
  assert_int_equal(p->plans[4].input, 4);
  assert_int_equal(p->plans[4].n, 1 + 2 * 31); /* the 31 CS trials, not the 4 unsignalled USs */
  close_to(p->trials[0].outcome_on, on + 28);
  close_to(p->trials[0].outcome_off, on + 30);
  close_to(rate_at(p, 4, on + 27.9), 0);
  close_to(rate_at(p, 4, on + 28), 40);
  close_to(rate_at(p, 4, on + 29.9), 40);
  close_to(rate_at(p, 4, on + 30), 0);
  close_to(rate_at(p, 4, ext + 28.5), 40); /* extinction: no US, the outcome time still */
  assert_true(isnan(p->trials[5].us_on));
  close_to(p->trials[5].outcome_on, ext + 28);
  assert_true(isnan(p->trials[31].outcome_on)); /* an unsignalled US has no CS to predict it */
  fs_protocol_free(p);
  p = load_ok(base);
  assert_int_equal(p->n_plans, 4);
  assert_true(isnan(p->trials[5].outcome_on) == 0); /* timing known from defaults.us */
  fs_protocol_free(p);
}

/* text with the first occurrence of from replaced by to, in place (text holds 4096 bytes). */
static void replace(char *text, const char *from, const char *to) {
  char rest[4096];
  char *at = strstr(text, from);
  assert_non_null(at);
  snprintf(rest, sizeof rest, "%s", at + strlen(from));
  snprintf(at, 4096 - (size_t)(at - text), "%s%s", to, rest);
}

/* Without defaults.us a CS-alone session has no outcome time for the outcome input. */
static void test_outcome_errors(void **state) {
  (void)state;
  static const char context_rate[] = "    context_rate: 20 Hz\n";
  static char text[4096];
  snprintf(text, sizeof text, "%s", base);
  replace(text, "    us: {at: 28 s, duration: 2 s, intensity: 0.5 mA}\n", "");
  replace(text, "us: paired", "us: {at: 28 s, duration: 2 s, intensity: 0.5 mA}");
  replace(text, "us_alone: 4}", "us_alone: 4, us: {duration: 2 s, intensity: 0.5 mA}}");
  fs_protocol *p = load_ok(text); /* fine without the outcome input */
  fs_protocol_free(p);
  replace(text, context_rate,
          "    context_rate: 20 Hz\n    outcome: {population: bg, rate: 40 Hz}\n");
  expect_error(text, "x.yaml:18:11: protocol.days[1].sessions[0]: protocol.inputs.outcome needs "
                     "the time the US would come on every CS trial: give us.at and us.duration "
                     "in protocol.defaults");
  expect_error(variant(context_rate, "    context_rate: 20 Hz\n    outcome: {population: bg}\n"),
               "x.yaml:7:14: protocol.inputs.outcome: missing key \"rate\"");
  expect_error(
      variant(context_rate, "    context_rate: 20 Hz\n    outcome: {population: CS, rate: 4 Hz}\n"),
      "x.yaml:7:27: protocol.inputs.outcome.population: the input \"CS\" is already "
      "driven by protocol.inputs.cs.population");
}

static void test_unknown_names(void **state) {
  (void)state;
  expect_error(variant("context: B, trials: 20", "context: b, trials: 20"),
               "x.yaml:18:54: protocol.days[1].sessions[0].context: unknown context \"b\" (did "
               "you mean \"B\"?)");
  expect_error(variant("context: B, trials: 20", "context: kitchen, trials: 20"),
               "x.yaml:18:54: protocol.days[1].sessions[0].context: unknown context \"kitchen\" "
               "(known: \"A\", \"B\")");
  expect_error(variant("B: ctx_B", "B: ctx_b"),
               "x.yaml:5:29: protocol.inputs.contexts.B: unknown input \"ctx_b\" (did you mean "
               "\"ctx_B\"?)");
  expect_error(variant("population: CS", "population: tone"),
               "x.yaml:3:22: protocol.inputs.cs.population: unknown input \"tone\" (known: "
               "\"CS\", \"US\", \"ctx_A\", \"ctx_B\", \"bg\")");
  expect_error(variant("population: US", "population: CS"),
               "x.yaml:4:22: protocol.inputs.us.population: the input \"CS\" is already driven by "
               "protocol.inputs.cs.population");
  expect_error(variant("B: ctx_B", "B: ctx_A"),
               "x.yaml:5:29: protocol.inputs.contexts.B: the input \"ctx_A\" is already driven by "
               "protocol.inputs.contexts.A");
  expect_error(variant("trials: 5, us: paired", "trails: 5, us: paired"),
               "x.yaml:15:59: protocol.days[0].sessions[0].trails: unknown key \"trails\" (did you "
               "mean \"trials\"?)");
  expect_error(variant("cs_duration: 30 s", "cs_duraton: 30 s"),
               "x.yaml:8:5: protocol.defaults.cs_duraton: unknown key \"cs_duraton\" (did you mean "
               "\"cs_duration\"?)");
  expect_error(variant("us: paired", "us: pared"),
               "x.yaml:15:74: protocol.days[0].sessions[0].us: expected one of \"none\", "
               "\"paired\", got \"pared\" (did you mean \"paired\"?)");
}

static void test_units_and_values(void **state) {
  (void)state;
  expect_error(variant("rate: 40 Hz", "rate: 40 mV"),
               "x.yaml:3:32: protocol.inputs.cs.rate: expected a frequency such as \"20 Hz\", got "
               "\"40 mV\"");
  expect_error(variant("intensity: 0.5 mA", "intensity: 0.5 mg"),
               "x.yaml:9:46: protocol.defaults.us.intensity: expected a current such as \"100 "
               "pA\", got \"0.5 mg\"");
  expect_error(variant("cs_duration: 30 s", "cs_duration: 30 Hz"),
               "x.yaml:8:18: protocol.defaults.cs_duration: expected a time such as \"30 s\", got "
               "\"30 Hz\"");
  expect_error(variant("cs_duration: 30 s", "cs_duration: 0 s"),
               "x.yaml:8:18: protocol.defaults.cs_duration: expected a value > 0, got \"0 s\"");
  expect_error(variant("duration: 2 s", "duration: -2 s"),
               "x.yaml:9:30: protocol.defaults.us.duration: expected a value > 0, got \"-2 s\"");
  expect_error(variant("before: 5 s", "before: -1 s"),
               "x.yaml:11:22: protocol.defaults.window.before: expected a value >= 0, got \"-1 "
               "s\"");
  expect_error(variant("reference: 0.5 mA", "reference: 0 mA"),
               "x.yaml:4:51: protocol.inputs.us.reference: expected a value > 0, got \"0 mA\"");
  expect_error(variant("trials: 3, us: none}\n        - {name: renewal",
                       "trials: 3, us: none, iti: [1 min, 0 s]}\n        - {name: renewal"),
               "x.yaml:21:87: protocol.days[2].sessions[0].iti[1]: expected a value > 0, got \"0 "
               "s\"");
  expect_error(variant("trials: 3, us: none}", "trials: 3, us: none, iti: [1 min]}"),
               "x.yaml:21:79: protocol.days[2].sessions[0].iti: expected a list of 2 intervals "
               "(one between each two of the 3 trials), got 1");
  expect_error(variant("trials: 5,", "trials: 0,"),
               "x.yaml:15:67: protocol.days[0].sessions[0].trials: expected an integer between 1 "
               "and 100000, got \"0\"");
  expect_error(variant("time: '10:00'", "time: '25:00'"),
               "x.yaml:15:38: protocol.days[0].sessions[0].time: expected a clock time such as "
               "'09:00', got \"25:00\"");
}

static void test_days_and_order(void **state) {
  (void)state;
  expect_error(variant("day: 3", "day: 1"),
               "x.yaml:19:12: protocol.days[2].day: day number going backwards: day 1 after day "
               "2");
  expect_error(variant("day: 3", "day: 2"),
               "x.yaml:19:12: protocol.days[2].day: day 2 is repeated (days[1] is day 2 too); "
               "give all of a day's sessions in one entry");
  expect_error(variant("'14:00'", "'09:00'"),
               "x.yaml:22:33: protocol.days[2].sessions[1].time: sessions of a day must be in "
               "time order: \"renewal\" starts before \"recall\" (day 3, 10:00:00)");
  /* recall: 3 trials from 10:00, its last window ends 5 + 300 + 32 s later */
  expect_error(variant("'14:00'", "'10:05'"),
               "x.yaml:22:33: protocol.days[2].sessions[1].time: the session \"renewal\" starts at "
               "day 3, 10:05:00, before the previous session \"recall\" ends at day 3, 10:05:37");
  expect_error(variant("'14:00'", "'10:05:36.5'"),
               "x.yaml:22:33: protocol.days[2].sessions[1].time: expected a clock time such as "
               "'09:00', got \"10:05:36.5\"");
  /* touching sessions are allowed */
  fs_protocol *p = load_ok(variant("'14:00'", "'10:05:37'"));
  close_to(p->sessions[3].start, p->sessions[2].stop);
  fs_protocol_free(p);
}

static void test_timing_errors(void **state) {
  (void)state;
  expect_error(variant("us: paired}", "us: {at: 31 s}}"),
               "x.yaml:15:74: protocol.days[0].sessions[0].us: the US (31 s to 33 s after the CS "
               "onset) ends after the trial's fast window (-5 s to 32 s); lengthen window.after "
               "or move the US");
  expect_error(variant("us: paired}", "us: {at: -6 s}}"),
               "x.yaml:15:74: protocol.days[0].sessions[0].us: the US (-6 s to -4 s after the CS "
               "onset) starts before the trial's fast window (-5 s to 32 s); lengthen "
               "window.before or move the US");
  /* a US 5 s before each CS with 3 s between CSs runs into the previous CS */
  expect_error(variant("us: paired}", "us: {at: -5 s}, iti: 3 s}"),
               "x.yaml:15:91: protocol.days[0].sessions[0].iti: the stimuli of trial 2 of 5 begin "
               "2 s before those of trial 1 end; lengthen the iti or move the US");
  expect_error(variant("us_alone: 4}", "us_alone: 4, trials: 2}"),
               "x.yaml:23:70: protocol.days[2].sessions[2].us_alone: give either trials (CS "
               "trials) or us_alone (unsignalled USs), not both");
  expect_error(variant(", us_alone: 4}", "}"),
               "x.yaml:23:11: protocol.days[2].sessions[2]: give either trials (CS trials) or "
               "us_alone (unsignalled USs)");
  expect_error(variant("us_alone: 4}", "us_alone: 4, us: {at: 1 s}}"),
               "x.yaml:23:82: protocol.days[2].sessions[2].us.at: an unsignalled US has no CS to "
               "be timed from; leave out at");
  expect_error(variant("us_alone: 4}", "us_alone: 4, us: paired}"),
               "x.yaml:23:77: protocol.days[2].sessions[2].us: a us_alone session takes us as a "
               "mapping {duration, intensity} or not at all");
  expect_error(variant("    cs_duration: 30 s\n", ""),
               "x.yaml:14:11: protocol.days[0].sessions[0]: missing key \"cs_duration\" (give it "
               "here or in protocol.defaults)");
  expect_error(variant("    iti: 120 s\n", ""),
               "x.yaml:14:11: protocol.days[0].sessions[0]: missing key \"iti\" (give it here or "
               "in protocol.defaults)");
  expect_error(variant(", intensity: 0.5 mA}", "}"),
               "x.yaml:15:74: protocol.days[0].sessions[0].us: missing key \"intensity\" of the "
               "US (give it in this session's us or in protocol.defaults.us)");
}

static void test_context_errors(void **state) {
  (void)state;
  expect_error(variant("context: A, trials: 5", "trials: 5"),
               "x.yaml:15:11: protocol.days[0].sessions[0]: missing key \"context\"");
  expect_error(variant("    contexts: {A: ctx_A, B: ctx_B}\n", ""),
               "x.yaml:5:19: protocol.inputs.context_rate: give contexts and context_rate "
               "together");
  expect_error(variant("    contexts: {A: ctx_A, B: ctx_B}\n    context_rate: 20 Hz\n", ""),
               "x.yaml:13:56: protocol.days[0].sessions[0].context: there are no contexts (give "
               "them in protocol.inputs.contexts)");
  expect_error(variant("context_rate: 20 Hz", "context_rate: 20 s"),
               "x.yaml:6:19: protocol.inputs.context_rate: expected a frequency such as \"20 "
               "Hz\", got \"20 s\"");
}

/* Further tones (protocol.inputs.tones) and the session key stimulus. */
static const char *const tone_inputs[] = {"CS", "US", "CS2", "bg"};
static const char tones[] =
    "protocol:\n"                                                                   /* 1 */
    "  inputs:\n"                                                                   /* 2 */
    "    cs: {population: CS, rate: 40 Hz, baseline: 2 Hz}\n"                       /* 3 */
    "    tones:\n"                                                                  /* 4 */
    "      cs2: {population: CS2, rate: 30 Hz, with: {CS: 10 Hz}}\n"                /* 5 */
    "      cs3: {population: bg, rate: 25 Hz, baseline: 1 Hz}\n"                    /* 6 */
    "    us: {population: US, rate: 200 Hz, reference: 0.5 mA}\n"                   /* 7 */
    "  defaults: {cs_duration: 30 s, iti: 120 s}\n"                                 /* 8 */
    "  days:\n"                                                                     /* 9 */
    "    - day: 1\n"                                                                /* 10 */
    "      sessions:\n"                                                             /* 11 */
    "        - {name: mixed, time: '10:00', trials: 3, stimulus: [cs, cs2, cs3]}\n" /* 12 */
    "        - {name: novel, time: '12:00', trials: 2, stimulus: cs2}\n"            /* 13 */
    "        - {name: shock, time: '13:00', us_alone: 1, us: {duration: 1 s, intensity: 1 mA}}\n";

static fs_status load_tones(const char *text, fs_protocol **out, fs_error *err) {
  return load_as("t.yaml", tone_inputs, 4, text, out, err);
}

static const char *tones_variant(const char *from, const char *to) {
  return edited(tones, from, to);
}

static void expect_tone_error(const char *text, const char *msg) {
  expect_error_as("t.yaml", tone_inputs, 4, text, msg);
}

static void test_tones(void **state) {
  (void)state;
  fs_protocol *p = NULL;
  fs_error err = {0};
  fs_status st = load_tones(tones, &p, &err);
  if (st != FS_OK) print_error("%s\n", err.msg);
  assert_int_equal(st, FS_OK);
  assert_int_equal(p->n_tones, 3);
  assert_string_equal(p->tones[0].name, "cs");
  assert_string_equal(p->tones[1].name, "cs2");
  assert_string_equal(p->tones[2].name, "cs3");
  /* plans: CS, US, then the tones' in order */
  assert_int_equal(p->n_plans, 4);
  assert_string_equal(p->plans[2].population, "CS2");
  assert_string_equal(p->plans[3].population, "bg");
  assert_int_equal(p->n_trials, 6);
  const size_t tone_of[] = {0, 1, 2, 1, 1, 0}; /* the unsignalled US: 0 */
  for (size_t k = 0; k < 6; k++)
    assert_int_equal(p->trials[k].tone, tone_of[k]);
  double on = 10 * HOUR, novel = 12 * HOUR;
  /* CS: 40 Hz in its own trial, 10 Hz (cs2's `with`) in cs2's three, 2 Hz otherwise */
  assert_int_equal(p->plans[0].n, 1 + 2 * 4);
  close_to(fs_protocol_plan_rate(&p->plans[0], on + 1), 40);
  close_to(fs_protocol_plan_rate(&p->plans[0], on + 30), 2);
  close_to(fs_protocol_plan_rate(&p->plans[0], on + 150 + 1), 10);
  close_to(fs_protocol_plan_rate(&p->plans[0], on + 300 + 1), 2);
  close_to(fs_protocol_plan_rate(&p->plans[0], novel + 150 + 29), 10);
  close_to(fs_protocol_plan_rate(&p->plans[0], novel + 150 + 30), 2);
  /* CS2: 30 Hz in its three trials, 0 Hz otherwise */
  assert_int_equal(p->plans[2].n, 1 + 2 * 3);
  close_to(fs_protocol_plan_rate(&p->plans[2], on + 1), 0);
  close_to(fs_protocol_plan_rate(&p->plans[2], on + 150), 30);
  close_to(fs_protocol_plan_rate(&p->plans[2], on + 180), 0);
  close_to(fs_protocol_plan_rate(&p->plans[2], novel + 1), 30);
  /* bg (cs3): 25 Hz in its one trial, its baseline 1 Hz otherwise */
  assert_int_equal(p->plans[3].n, 3);
  close_to(fs_protocol_plan_rate(&p->plans[3], 0), 1);
  close_to(fs_protocol_plan_rate(&p->plans[3], on + 300), 25);
  close_to(fs_protocol_plan_rate(&p->plans[3], on + 330), 1);
  fs_protocol_free(p);
}

static void test_tone_errors(void **state) {
  (void)state;
  expect_tone_error(tones_variant("stimulus: cs2}", "stimulus: cs4}"),
                    "t.yaml:13:61: protocol.days[0].sessions[1].stimulus: unknown tone \"cs4\" "
                    "(did you mean \"cs\"?)");
  expect_tone_error(tones_variant("stimulus: cs2}", "stimulus: CS2}"),
                    "t.yaml:13:61: protocol.days[0].sessions[1].stimulus: unknown tone \"CS2\" "
                    "(did you mean \"cs2\"?)");
  expect_tone_error(tones_variant("[cs, cs2, cs3]", "[cs, cs2]"),
                    "t.yaml:12:61: protocol.days[0].sessions[0].stimulus: expected a list of 3 "
                    "tones (one per trial), got 2");
  expect_tone_error(tones_variant("[cs, cs2, cs3]", "[cs, cs2, tone]"),
                    "t.yaml:12:71: protocol.days[0].sessions[0].stimulus[2]: unknown tone \"tone\" "
                    "(known: \"cs\", \"cs2\", \"cs3\")");
  expect_tone_error(tones_variant("us_alone: 1,", "us_alone: 1, stimulus: cs2,"),
                    "t.yaml:14:63: protocol.days[0].sessions[2].stimulus: a us_alone session plays "
                    "no tone; leave out stimulus");
  expect_tone_error(tones_variant("with: {CS: 10 Hz}", "with: {US: 10 Hz}"),
                    "t.yaml:5:54: protocol.inputs.tones.cs2.with.US: unknown tone input \"US\" "
                    "(did you mean \"CS\"?)");
  expect_tone_error(
      tones_variant("with: {CS: 10 Hz}", "with: {CS2: 10 Hz}"),
      "t.yaml:5:55: protocol.inputs.tones.cs2.with.CS2: \"CS2\" is this tone's own input");
  expect_tone_error(tones_variant("with: {CS: 10 Hz}", "with: {CS: 10 mV}"),
                    "t.yaml:5:54: protocol.inputs.tones.cs2.with.CS: expected a frequency such as "
                    "\"20 Hz\", got \"10 mV\"");
  expect_tone_error(tones_variant("cs3: {population: bg", "cs: {population: bg"),
                    "t.yaml:6:11: protocol.inputs.tones.cs: the tone \"cs\" is already declared");
  expect_tone_error(tones_variant("cs3: {population: bg", "cs3: {population: US"),
                    "t.yaml:6:25: protocol.inputs.tones.cs3.population: the input \"US\" is "
                    "already driven by protocol.inputs.us.population");
  expect_tone_error(
      tones_variant("rate: 30 Hz,", "rate: 30 Hz, baseline: -1 Hz,"),
      "t.yaml:5:53: protocol.inputs.tones.cs2.baseline: expected a value >= 0, got \"-1 Hz\"");
  expect_tone_error(tones_variant("    tones:\n", "    tones: []\n    tunes:\n"),
                    "t.yaml:5:5: protocol.inputs.tunes: unknown key \"tunes\" (did you mean "
                    "\"tones\"?)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_paired_trials),
      cmocka_unit_test(test_us_alone),
      cmocka_unit_test(test_window_merging),
      cmocka_unit_test(test_rate_plans),
      cmocka_unit_test(test_overrides),
      cmocka_unit_test(test_us_default),
      cmocka_unit_test(test_no_protocol),
      cmocka_unit_test(test_clock),
      cmocka_unit_test(test_outcome),
      cmocka_unit_test(test_outcome_errors),
      cmocka_unit_test(test_unknown_names),
      cmocka_unit_test(test_units_and_values),
      cmocka_unit_test(test_days_and_order),
      cmocka_unit_test(test_timing_errors),
      cmocka_unit_test(test_context_errors),
      cmocka_unit_test(test_tones),
      cmocka_unit_test(test_tone_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
