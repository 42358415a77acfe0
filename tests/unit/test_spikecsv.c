/* test_spikecsv.c - the spike-time CSV of a spike_times input: the header and its unit, the
 * steps that come out, and the exact message (file:line) for every kind of bad line. */
#include "fs_test.h"

#include <fearsim/spikecsv.h>

#include <stdlib.h>

typedef struct spikes {
  size_t n;
  uint64_t node[16];
  int64_t step[16];
} spikes;

static fs_status collect(void *arg, uint64_t node, int64_t step, fs_error *err) {
  spikes *s = arg;
  (void)err;
  assert_true(s->n < 16);
  s->node[s->n] = node;
  s->step[s->n++] = step;
  return FS_OK;
}

/* An input of 4 nodes in a run of 100 steps of 0.1 ms (10 ms). */
static const fs_spikecsv_limits lim = {4, 1e-4, 100};

static fs_status parse(const char *text, size_t len, spikes *s, fs_error *err) {
  s->n = 0;
  return fs_spikecsv_parse("f.csv", text, len, &lim, collect, s, err);
}

static void expect_bad(const char *text, size_t len, const char *msg) {
  spikes s;
  fs_error err = {0};
  assert_int_equal(parse(text, len, &s, &err), FS_ERR_INPUT);
  fs_assert_msg(err, msg);
}

static void test_units_and_header(void **state) {
  (void)state;
  spikes s;
  fs_error err = {0};
  const char *seconds = "# spikes of the tone\n3,0.0015\n\n0, 0.002 # late\n";
  assert_int_equal(parse(seconds, strlen(seconds), &s, &err), FS_OK);
  assert_int_equal(s.n, 2);
  assert_true(s.node[0] == 3 && s.step[0] == 15 && s.node[1] == 0 && s.step[1] == 20);
  const char *ms = "node_id,time_ms\r\n1,2.5\r\n2,9.94\r\n";
  assert_int_equal(parse(ms, strlen(ms), &s, &err), FS_OK);
  assert_int_equal(s.n, 2);
  assert_true(s.node[0] == 1 && s.step[0] == 25 && s.node[1] == 2 && s.step[1] == 99);
  const char *in_s = " node_id , time_s \n1,0.0025\n";
  assert_int_equal(parse(in_s, strlen(in_s), &s, &err), FS_OK);
  assert_true(s.n == 1 && s.step[0] == 25);
  expect_bad("node,time\n1,2\n", 14,
             "f.csv:1: expected a header \"node_id,time_s\" or \"node_id,time_ms\", got "
             "\"node,time\"");
  expect_bad("1,0.001\nnode_id,time_ms\n", 24,
             "f.csv:2: expected \"node_id,time\", got "
             "\"node_id,time_ms\"");
}

static void test_bad_times(void **state) {
  (void)state;
  expect_bad("0,nan\n", 6, "f.csv:1: the time must be a finite number >= 0, got \"0,nan\"");
  expect_bad("0,0.001\n1,inf\n", 14,
             "f.csv:2: the time must be a finite number >= 0, got "
             "\"1,inf\"");
  expect_bad("0,-0.001\n", 9, "f.csv:1: the time must be a finite number >= 0, got \"0,-0.001\"");
  /* step 100 would be after the last step: the spike would silently vanish */
  expect_bad("0,0.00995\n", 10,
             "f.csv:1: the time must fall within the run (before 0.01 s), got \"0,0.00995\"");
  expect_bad("node_id,time_ms\n0,10\n", 21,
             "f.csv:2: the time must fall within the run (before 0.01 s), got \"0,10\"");
}

static void test_bad_lines(void **state) {
  (void)state;
  expect_bad("4,0.001\n", 8, "f.csv:1: node_id must lie below the input's size 4, got \"4,0.001\"");
  expect_bad("-1,0.001\n", 9, "f.csv:1: expected \"node_id,time\", got \"-1,0.001\"");
  expect_bad("1;0.001\n", 8, "f.csv:1: expected \"node_id,time\", got \"1;0.001\"");
  expect_bad("1,0.001,2\n", 10, "f.csv:1: expected \"node_id,time\", got \"1,0.001,2\"");
  expect_bad("1,0.001\n\0,0.002\n", 16,
             "f.csv:2: a NUL byte (the file must be text), got \"?,0.002\"");
}

/* A line is as long as it is: a long comment is fine, and the line numbers stay right. */
static void test_long_lines(void **state) {
  (void)state;
  size_t n = 5000;
  char *text = malloc(n + 64);
  assert_non_null(text);
  strcpy(text, "1,0.001 # ");
  memset(text + strlen(text), 'x', n);
  strcpy(text + 10 + n, "\n2,0.002\nbad\n");
  spikes s;
  fs_error err = {0};
  assert_int_equal(parse(text, strlen(text), &s, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "f.csv:3: expected \"node_id,time\", got \"bad\"");
  assert_int_equal(s.n, 2);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_units_and_header),
      cmocka_unit_test(test_bad_times),
      cmocka_unit_test(test_bad_lines),
      cmocka_unit_test(test_long_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
