/* test_fear_targets.c - docs/validation.md targets 52, 44 and 45 on the default fear circuit at
 * scale 0.1 with the classroom protocol of configs/experiments/delayed_extinction.yaml:
 * 3 pairings in A (day 1), extinction in B (day 2), 3 test trials in B (day 4).
 *   52: more extinction trials, more extinction (Walker et al. 2002): the test after 10
 *       extinction trials (delayed_extinction.yaml) against the test after one
 *       (single_trial_extinction.yaml, the same animal up to the end of that trial).
 *   44: BA fear neurons are recruited by conditioning, BA extinction neurons by extinction
 *       (Herry et al. 2008).
 *   45: IL neurons respond to the tone at extinction recall (Milad & Quirk 2002); ITC's response
 *       rises with IL's and CeM's falls. A current into IL during the tones of a test
 *       (il_stimulation.yaml, the same animal up to its day-2 test) lowers freezing, raises ITC's
 *       response and lowers CeM's rate (Milad & Quirk 2002; Li et al. 2011); the control is the
 *       first 3 extinction trials of delayed_extinction.yaml.
 * A population's response to the tone is its CS-evoked rate: /trials/rate_<pop> (the mean rate
 * during the CS before the US or its time) minus its mean rate over the second before the CS
 * onset (/rates/<pop>, the last second of the fast window before the tone).
 * Sessions of the extinction configs: 0 conditioning (3 trials), 1 extinction (10 or 1), 2 test
 * (3); of il_stimulation.yaml: 0 conditioning (3), 1 stimulated test (3), 2 test (1). */
#include "fear_runs.h"

static fear_run ext10, ext1, stim;

static int setup(void **state) {
  if (fs_test_setup(state) != 0) return -1;
  ext10 = fear_run_experiment("extinction_10", "delayed_extinction.yaml", "");
  ext1 = fear_run_experiment("extinction_1", "single_trial_extinction.yaml", "");
  stim = fear_run_experiment("il_stimulation", "il_stimulation.yaml", "");
  fear_print(&ext10);
  fear_print(&ext1);
  fear_print(&stim);
  return 0;
}

static int teardown(void **state) {
  fear_run_free(&ext10);
  fear_run_free(&ext1);
  fear_run_free(&stim);
  return fs_test_teardown(state);
}

/* The row of /trials of trial t of session s; fails if there is none. */
static size_t trial_row(const fear_run *r, size_t s, size_t t) {
  for (size_t k = 0; k < r->n; k++)
    if ((size_t)r->session[k] == s && (size_t)r->trial[k] == t) return k;
  fail_msg("%s: no trial %zu in session %zu", r->name, t, s);
  return 0;
}

/* The CS-evoked rate of population pop (Hz) at trial t of session s: its rate during the CS
 * before the US (/trials/rate_<pop>) minus its mean rate over [cs_on - 1 s, cs_on). */
static double evoked(const fear_run *r, const char *pop, size_t s, size_t t) {
  char name[64];
  size_t k = trial_row(r, s, t), n = 0, m = 0;
  snprintf(name, sizeof name, "rate_%s", pop);
  double *during = fear_column(r->path, name, r->n, &n);
  double *cs_on = fear_column(r->path, "cs_on", r->n, &n);
  double *time = h5_read_doubles(r->path, "/rates/time", &n),
         *rate = fear_rates(r->path, pop, 0, &m);
  assert_int_equal(n, m);
  double sum = 0.0;
  size_t bins = 0;
  for (size_t i = 0; i < n; i++)
    if (time[i] >= cs_on[k] - 1.0 && time[i] < cs_on[k]) {
      sum += rate[i];
      bins++;
    }
  if (bins == 0) fail_msg("%s: no rate bins before trial %zu of session %zu", r->name, t, s);
  double result = during[k] - sum / (double)bins;
  free(during);
  free(cs_on);
  free(time);
  free(rate);
  return result;
}

/* The mean CS-evoked rate over trials [first, first + count) of session s. */
static double evoked_mean(const fear_run *r, const char *pop, size_t s, size_t first,
                          size_t count) {
  double sum = 0.0;
  for (size_t t = first; t < first + count; t++)
    sum += evoked(r, pop, s, t);
  return sum / (double)count;
}

/* Target 52 (Walker et al. 2002). Measured (seeds 1, 2, 3), test freezing after 10 extinction
 * trials against after one: first trial 48.2 / 75.9, 49.6 / 76.1, 52.8 / 67.7 %; mean of the 3
 * test trials 23.9 / 58.4, 24.0 / 55.5, 25.1 / 50.5 % (the file's header has 3, 20 and 30
 * trials). Without the omission signal (protocol.inputs.outcome.rate 0 Hz), the extinction
 * gate: 79.4 / 81.6 % and 80.4 / 81.0 %, and the test fails. */
static void test_more_trials_more_extinction(void **state) {
  (void)state;
  for (size_t t = 0; t < 3; t++) /* the same animal up to the end of the one extinction trial */
    fs_assert_close(ext10.freezing[trial_row(&ext10, 0, t)], ext1.freezing[trial_row(&ext1, 0, t)],
                    0.0, 1e-12);
  fs_assert_close(ext10.freezing[trial_row(&ext10, 1, 0)], ext1.freezing[trial_row(&ext1, 1, 0)],
                  0.0, 1e-12);
  double first10 = fear_freezing(&ext10, 2, 0, 1), first1 = fear_freezing(&ext1, 2, 0, 1);
  double mean10 = fear_freezing(&ext10, 2, 0, 3), mean1 = fear_freezing(&ext1, 2, 0, 3);
  print_message("test after 10 extinction trials against 1: first trial %.1f %% / %.1f %%, "
                "mean of 3 %.1f %% / %.1f %%\n",
                100 * first10, 100 * first1, 100 * mean10, 100 * mean1);
  assert_true(first10 < first1 - 0.10);
  assert_true(mean10 < mean1 - 0.15);
}

/* Target 44 (Herry et al. 2008): conditioning recruits the BA fear neurons and not the
 * extinction neurons; extinction recruits the extinction neurons and the fear neurons' response
 * falls, so that the more responsive population switches. "Naive" is the first pairing's CS
 * (before its US), "conditioned" the first extinction trial, "extinguished" the last three.
 * Measured (seeds 1, 2, 3), evoked Hz: BA_fear 0.79 -> 5.17 -> 3.89, 0.96 -> 4.60 -> 3.73,
 * 0.61 -> 5.05 -> 3.61; BA_ext 0.60 -> 1.03 -> 6.99, 0.77 -> 0.71 -> 6.94, 0.74 -> 0.95 -> 6.56.
 * Seeds 4 and 5 pass too; the smallest margin is the fear neurons' fall at seed 5 (4.45 ->
 * 3.88 Hz).
 * Without the omission signal (protocol.inputs.outcome.rate 0 Hz) BA_ext stays at 0.63 Hz and
 * the test fails; without the US (protocol.inputs.us.rate 0 Hz) BA_fear reaches 1.23 Hz. */
static void test_ba_fear_and_extinction_neurons(void **state) {
  (void)state;
  double fear_naive = evoked(&ext10, "BA_fear", 0, 0), ext_naive = evoked(&ext10, "BA_ext", 0, 0);
  double fear_cond = evoked(&ext10, "BA_fear", 1, 0), ext_cond = evoked(&ext10, "BA_ext", 1, 0);
  double fear_extd = evoked_mean(&ext10, "BA_fear", 1, 7, 3);
  double ext_extd = evoked_mean(&ext10, "BA_ext", 1, 7, 3);
  print_message("evoked Hz, naive / conditioned / extinguished: BA_fear %.2f / %.2f / %.2f, "
                "BA_ext %.2f / %.2f / %.2f\n",
                fear_naive, fear_cond, fear_extd, ext_naive, ext_cond, ext_extd);
  assert_true(fear_cond > fear_naive + 2.0); /* conditioning recruits fear neurons */
  assert_true(ext_cond < ext_naive + 1.0);   /* but not extinction neurons */
  assert_true(fear_cond > ext_cond + 2.0);
  assert_true(ext_extd > ext_cond + 3.0);   /* extinction recruits extinction neurons */
  assert_true(fear_extd < fear_cond - 0.4); /* and the fear neurons' response falls */
  assert_true(ext_extd > fear_extd + 2.0);
}

/* Target 45 (Milad & Quirk 2002; Li et al. 2011): IL's tone response at the recall test, two
 * days after extinction, is larger than before extinction (the first extinction trial); ITC's
 * rises with it and CeM's rate during the tone falls. Measured (seeds 1, 2, 3), evoked Hz,
 * before extinction -> test: IL_E 3.34 -> 5.74, 3.35 -> 5.60, 3.46 -> 5.52; ITC 0.82 -> 4.72,
 * 0.88 -> 4.62, 0.73 -> 4.69; CeM during the tone 24.4 -> 19.2, 23.7 -> 19.4, 24.7 -> 20.0 Hz.
 * Without the omission signal: IL_E 3.34 -> 3.38 Hz, and the test fails. */
static void test_il_responds_at_recall(void **state) {
  (void)state;
  double il_before = evoked(&ext10, "IL_E", 1, 0), il_test = evoked(&ext10, "IL_E", 2, 0);
  double itc_before = evoked(&ext10, "ITC", 1, 0), itc_test = evoked(&ext10, "ITC", 2, 0);
  size_t k_before = trial_row(&ext10, 1, 0), k_test = trial_row(&ext10, 2, 0), n = 0;
  double *cem = fear_column(ext10.path, "rate_CeM", ext10.n, &n);
  print_message("before extinction -> test: IL_E evoked %.2f -> %.2f Hz, ITC evoked %.2f -> "
                "%.2f Hz, CeM %.2f -> %.2f Hz\n",
                il_before, il_test, itc_before, itc_test, cem[k_before], cem[k_test]);
  assert_true(il_test > il_before + 1.5);
  assert_true(itc_test > itc_before + 2.0);
  assert_true(cem[k_test] < cem[k_before] - 2.5);
  free(cem);
}

/* The mean of /trials/rate_<pop> over trials [first, first + count) of session s. */
static double rate_mean(const fear_run *r, const char *pop, size_t s, size_t first, size_t count) {
  char name[64];
  size_t n = 0;
  snprintf(name, sizeof name, "rate_%s", pop);
  double *rate = fear_column(r->path, name, r->n, &n), sum = 0.0;
  for (size_t t = first; t < first + count; t++)
    sum += rate[trial_row(r, s, t)];
  free(rate);
  return sum / (double)count;
}

/* Target 45, IL stimulation (Milad & Quirk 2002; Li, Amano, Pare & Nair 2011): 100 pA into IL
 * during each of 3 tones the day after conditioning, against the same 3 tones without it.
 * Measured (seeds 1, 2, 3), mean of the 3 trials with / without: freezing 35.6 / 63.1,
 * 37.7 / 63.9, 33.3 / 61.6 %; ITC evoked 7.82 / 2.68, 7.14 / 2.57, 8.15 / 2.76 Hz; CeM during
 * the tone 16.6 / 21.8, 17.2 / 21.9, 16.0 / 21.6 Hz. With 0 pA the runs are identical and the
 * test fails; without the omission signal in both runs it fails too (78.5 / 69.2 %): after the
 * first tone the effect is mostly faster extinction learning in the stimulated session. */
static void test_il_stimulation_lowers_freezing(void **state) {
  (void)state;
  for (size_t t = 0; t < 3; t++) /* the same animal up to the test */
    fs_assert_close(stim.freezing[trial_row(&stim, 0, t)], ext10.freezing[trial_row(&ext10, 0, t)],
                    0.0, 1e-12);
  double frz_stim = fear_freezing(&stim, 1, 0, 3), frz_ctrl = fear_freezing(&ext10, 1, 0, 3);
  double itc_stim = evoked_mean(&stim, "ITC", 1, 0, 3),
         itc_ctrl = evoked_mean(&ext10, "ITC", 1, 0, 3);
  double cem_stim = rate_mean(&stim, "CeM", 1, 0, 3), cem_ctrl = rate_mean(&ext10, "CeM", 1, 0, 3);
  print_message("3 tones with / without IL stimulation: freezing %.1f / %.1f %%, ITC evoked "
                "%.2f / %.2f Hz, CeM %.2f / %.2f Hz\n",
                100 * frz_stim, 100 * frz_ctrl, itc_stim, itc_ctrl, cem_stim, cem_ctrl);
  assert_true(frz_stim < frz_ctrl - 0.15);
  assert_true(itc_stim > itc_ctrl + 3.0);
  assert_true(cem_stim < cem_ctrl - 2.5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_more_trials_more_extinction),
      cmocka_unit_test(test_ba_fear_and_extinction_neurons),
      cmocka_unit_test(test_il_responds_at_recall),
      cmocka_unit_test(test_il_stimulation_lowers_freezing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
