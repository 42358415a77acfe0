/* test_config.c - the YAML accessor layer: locations in every message, malformed YAML,
 * duplicate keys, --set overrides, the YAML text after overrides, unknown keys and the typed
 * getters, and the walk of a key path. */
#include <fearsim/config.h>
#include <fearsim/registry.h>

#include <stdlib.h>
#include <sys/stat.h>

#include "fs_test.h"

#ifndef FS_BINARY_DIR
#define FS_BINARY_DIR "."
#endif

static const char *const doc_text = "network:\n"
                                    "  size: 100\n"
                                    "  model: lif_cond\n"
                                    "  plastic: yes\n"
                                    "  g: 2 nS\n"
                                    "  tau: 20\n"
                                    "  w: {mean: 1 nS, std: 0.1 nS}\n"
                                    "protocol:\n"
                                    "  - name: habituation\n"
                                    "    rate: 20 Hz\n"
                                    "  - name: conditioning\n"
                                    "    rate: fast\n"
                                    "label: 'quoted: text'\n";

typedef struct fixture {
  fs_config *cfg;
  fs_error err;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (f == NULL) return -1;
  if (fs_config_load_string("x.yaml", doc_text, NULL, 0, &f->cfg, &f->err) != FS_OK) {
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  fs_config_free(f->cfg);
  free(f);
  return 0;
}

/* Loads text (which must fail) and checks status and the whole message. */
static void expect_load_error(const char *text, const char *const *ov, size_t n, fs_status code,
                              const char *msg) {
  fs_config *cfg = (fs_config *)&cfg; /* must be reset to NULL on failure */
  fs_error err = {FS_OK, ""};
  assert_int_equal(fs_config_load_string("x.yaml", text, ov, n, &cfg, &err), code);
  assert_null(cfg);
  assert_int_equal(err.code, code);
  fs_assert_msg(err, msg);
}

static fs_config *load_ok(const char *text, const char *const *ov, size_t n) {
  fs_config *cfg = NULL;
  fs_error err = {FS_OK, ""};
  if (fs_config_load_string("x.yaml", text, ov, n, &cfg, &err) != FS_OK)
    fail_msg("load failed: %s", err.msg);
  return cfg;
}

static void assert_where(fs_cfg_node n, const char *expected) {
  char buf[512];
  fs_cfg_where(n, buf, sizeof buf);
  assert_string_equal(buf, expected);
}

/* ---- navigation and locations --------------------------------------------------------- */

static void test_navigation(void **state) {
  fixture *f = *state;
  fs_cfg_node root = fs_config_root(f->cfg);
  assert_true(fs_cfg_is_map(root));
  assert_int_equal(fs_cfg_len(root), 3);
  assert_string_equal(fs_cfg_key(root, 1), "protocol");
  assert_null(fs_cfg_key(root, 3));
  fs_cfg_node net = fs_cfg_child(root, "network");
  assert_string_equal(net.path, "network");
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(net, "model")), "lif_cond");
  fs_cfg_node proto = fs_cfg_child(root, "protocol");
  assert_true(fs_cfg_is_seq(proto));
  assert_int_equal(fs_cfg_len(proto), 2);
  fs_cfg_node second = fs_cfg_item(proto, 1);
  assert_string_equal(second.path, "protocol[1]");
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(second, "name")), "conditioning");
  fs_cfg_node by_index = fs_cfg_item(net, 2);
  assert_string_equal(by_index.path, "network.plastic");
  assert_string_equal(fs_cfg_scalar(by_index), "yes");
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(root, "label")), "quoted: text");
  fs_cfg_node missing = fs_cfg_child(net, "nope");
  assert_false(fs_cfg_exists(missing));
  assert_string_equal(missing.path, "network.nope");
  assert_false(fs_cfg_exists(fs_cfg_item(proto, 2)));
  assert_false(fs_cfg_exists(fs_cfg_child(fs_cfg_child(net, "g"), "x")));
  assert_null(fs_cfg_scalar(net));
  assert_int_equal(fs_cfg_len(fs_cfg_child(net, "g")), 0);
  assert_string_equal(fs_config_file(f->cfg), "x.yaml");
}

/* fs_cfg_at walks a --set key path, as the overrides read it. */
static void test_key_path(void **state) {
  fixture *f = *state;
  fs_cfg_node root = fs_config_root(f->cfg);
  assert_string_equal(fs_cfg_scalar(fs_cfg_at(root, "network.w.std")), "0.1 nS");
  fs_cfg_node rate = fs_cfg_at(root, "protocol[1].rate");
  assert_string_equal(fs_cfg_scalar(rate), "fast");
  assert_string_equal(rate.path, "protocol[1].rate");
  assert_false(fs_cfg_exists(fs_cfg_at(root, "protocol[2].rate"))); /* past the end */
  assert_false(fs_cfg_exists(fs_cfg_at(root, "network[0]")));       /* not a sequence */
  assert_false(fs_cfg_exists(fs_cfg_at(root, "network.size.x")));   /* under a scalar */
  assert_false(fs_cfg_exists(fs_cfg_at(root, "network..size")));    /* malformed */
  assert_false(fs_cfg_exists(fs_cfg_at(root, "protocol[1]rate")));  /* malformed */
  assert_true(fs_cfg_is_map(fs_cfg_at(root, "network")));
}

static void test_where(void **state) {
  fixture *f = *state;
  fs_cfg_node root = fs_config_root(f->cfg);
  assert_where(root, "x.yaml:1:1");
  assert_where(fs_cfg_child(fs_cfg_child(root, "network"), "g"), "x.yaml:5:6: network.g");
  fs_cfg_node rate = fs_cfg_child(fs_cfg_item(fs_cfg_child(root, "protocol"), 1), "rate");
  assert_where(rate, "x.yaml:12:11: protocol[1].rate");
  fs_error err;
  assert_int_equal(fs_cfg_error(rate, &err, "bad %s", "rate"), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:12:11: protocol[1].rate: bad rate");
}

/* ---- loading errors ------------------------------------------------------------------- */

static void test_malformed_yaml(void **state) {
  (void)state;
  expect_load_error("a: 1\n  b: 2\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:2:4: mapping values are not allowed in this context");
  expect_load_error("a:\n  b: 1\n c: 2\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:3:2: did not find expected key while parsing a block mapping");
  expect_load_error("a: [1, 2\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:2:1: did not find expected ',' or ']' while parsing a flow sequence");
  expect_load_error("a: *y\n", NULL, 0, FS_ERR_INPUT, "x.yaml:1:4: found undefined alias");
}

static void test_duplicate_key(void **state) {
  (void)state;
  expect_load_error("a: 1\nb:\n  c: 1\n  c: 2\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:4:3: b.c: duplicate key \"c\"");
}

static void test_structure_errors(void **state) {
  (void)state;
  expect_load_error("a: 1\n---\nb: 2\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:2:1: a second YAML document; a config file holds only one");
  expect_load_error("a: &x [1, *x]\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:1:4: a[1]: an alias refers to a value that contains it");
  expect_load_error("? [k]\n: 1\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:1:3: a key must be a scalar, not a collection");
}

static void test_missing_file(void **state) {
  (void)state;
  fs_config *cfg = NULL;
  fs_error err;
  assert_int_equal(fs_config_load("/nonexistent/x.yaml", NULL, 0, &cfg, &err), FS_ERR_INPUT);
  assert_null(cfg);
  fs_assert_msg(err, "cannot open \"/nonexistent/x.yaml\": No such file or directory");
}

/* Special files would be read forever (/dev/zero, a FIFO without a writer blocks in open()),
 * a directory as nothing: all are refused before they are read. */
static void test_special_files(void **state) {
  (void)state;
  fs_config *cfg = NULL;
  fs_error err;
  char fifo[512];
  snprintf(fifo, sizeof fifo, "%s/test_config.fifo", FS_BINARY_DIR);
  remove(fifo);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_int_equal(fs_config_load(fifo, NULL, 0, &cfg, &err), FS_ERR_INPUT);
  assert_non_null(strstr(err.msg, "it is not a regular file"));
  remove(fifo);
  assert_int_equal(fs_config_load("/dev/zero", NULL, 0, &cfg, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "cannot read \"/dev/zero\": it is not a regular file (a FIFO, device or "
                     "socket)");
  assert_int_equal(fs_config_load(FS_BINARY_DIR, NULL, 0, &cfg, &err), FS_ERR_INPUT);
  assert_non_null(strstr(err.msg, "it is a directory, not a file"));
  assert_null(cfg);
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail) {
  size_t lh = strlen(head), lu = strlen(unit), lt = strlen(tail);
  char *s = malloc(lh + n * lu + lt + 1);
  assert_non_null(s);
  memcpy(s, head, lh);
  for (size_t i = 0; i < n; i++)
    memcpy(s + lh + i * lu, unit, lu);
  memcpy(s + lh + n * lu, tail, lt + 1);
  return s;
}

/* Nesting is refused while the text is scanned, at the first level too deep: libyaml alone
 * takes minutes over 100,000 [ and gigabytes over a million "- ". */
static void test_deep_nesting(void **state) {
  (void)state;
  char *flow = repeat("a: ", "[", 100000, "\n");
  expect_load_error(flow, NULL, 0, FS_ERR_INPUT,
                    "x.yaml:1:104: values are nested too deeply (more than 100 levels)");
  free(flow);
  char *compact = repeat("", "- ", 1000000, "x\n");
  expect_load_error(compact, NULL, 0, FS_ERR_INPUT,
                    "x.yaml:1:201: values are nested too deeply (more than 100 levels)");
  free(compact);
  /* brackets in quotes and comments are text, and 100 levels are allowed */
  char *open = repeat("a: '[[[[' # [[[[\nb: ", "[", 100, "");
  char *ok = repeat(open, "]", 100, "\n");
  fs_config *cfg = load_ok(ok, NULL, 0);
  fs_config_free(cfg);
  free(open);
  free(ok);
}

/* A mapping with 200,000 keys is checked for duplicates in n log n; the first duplicate in
 * the file's order is named. */
static void test_many_keys(void **state) {
  (void)state;
  size_t n = 200000;
  char *text = malloc(n * 16 + 64);
  assert_non_null(text);
  size_t at = 0;
  for (size_t i = 0; i < n; i++)
    at += (size_t)sprintf(text + at, "k%zu: 1\n", i);
  sprintf(text + at, "k7: 2\nk3: 2\n");
  char expected[128];
  snprintf(expected, sizeof expected, "x.yaml:%zu:1: k7: duplicate key \"k7\"", n + 1);
  expect_load_error(text, NULL, 0, FS_ERR_INPUT, expected);
  free(text);
}

/* libyaml reports invalid UTF-8 as a byte offset; the message gives line:column too. */
static void test_invalid_utf8(void **state) {
  (void)state;
  expect_load_error("a: 1\nb: \xc3\xa9\xff\n", NULL, 0, FS_ERR_INPUT,
                    "x.yaml:2:5: invalid leading UTF-8 octet (byte 10)");
}

static void test_load_file(void **state) {
  (void)state;
  const char *path = FS_BINARY_DIR "/test_config_load_file.yaml";
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("sim:\n  dt: 0.1 ms\n  bad: 3 apples\n", fp);
  fclose(fp);
  fs_config *cfg = NULL;
  fs_error err;
  const char *ov[] = {"sim.seed=7"};
  assert_int_equal(fs_config_load(path, ov, 1, &cfg, &err), FS_OK);
  assert_string_equal(fs_config_file(cfg), path);
  fs_cfg_node sim = fs_cfg_child(fs_config_root(cfg), "sim");
  double dt = 0;
  assert_int_equal(fs_cfg_get_quantity(sim, "dt", FS_UNIT_TIME, true, &dt, &err), FS_OK);
  fs_assert_close(dt, 1e-4, 1e-12, 0);
  assert_int_equal(fs_cfg_get_quantity(sim, "bad", FS_UNIT_TIME, true, &dt, &err), FS_ERR_INPUT);
  char expected[512];
  snprintf(expected, sizeof expected,
           "%s:3:8: sim.bad: expected a time such as \"30 s\", got \"3 apples\"", path);
  fs_assert_msg(err, expected);
  long seed = 0;
  assert_int_equal(fs_cfg_get_int(sim, "seed", 0, 100, true, &seed, &err), FS_OK);
  assert_int_equal(seed, 7);
  fs_config_free(cfg);
  remove(path);
  fs_config_free(NULL);
}

/* ---- --set overrides ------------------------------------------------------------------ */

static void test_override_replace_add_create(void **state) {
  (void)state;
  const char *ov[] = {"a.b=2 nS", "a.new=5", "c.d.e=1 s", "list[1]=x"};
  fs_config *cfg = load_ok("a:\n  b: 1 nS\nlist: [u, v, w]\n", ov, 4);
  fs_cfg_node root = fs_config_root(cfg);
  fs_cfg_node a = fs_cfg_child(root, "a");
  fs_cfg_node b = fs_cfg_child(a, "b");
  assert_string_equal(fs_cfg_scalar(b), "2 nS");
  assert_where(b, "--set 'a.b=2 nS': a.b");
  assert_where(a, "x.yaml:2:3: a");
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(a, "new")), "5");
  assert_int_equal(fs_cfg_len(a), 2);
  fs_cfg_node e = fs_cfg_child(fs_cfg_child(fs_cfg_child(root, "c"), "d"), "e");
  assert_string_equal(fs_cfg_scalar(e), "1 s");
  assert_where(fs_cfg_child(root, "c"), "--set 'c.d.e=1 s': c");
  fs_cfg_node list = fs_cfg_child(root, "list");
  assert_int_equal(fs_cfg_len(list), 3);
  assert_string_equal(fs_cfg_scalar(fs_cfg_item(list, 1)), "x");
  assert_string_equal(fs_cfg_scalar(fs_cfg_item(list, 2)), "w");
  assert_where(fs_cfg_item(list, 1), "--set 'list[1]=x': list[1]");
  fs_config_free(cfg);
}

static void test_override_yaml_values(void **state) {
  (void)state;
  const char *ov[] = {"w={mean: 1 nS, std: 0.1 nS}", " pops = [E, I] ", "p[0].rate=5 Hz", "empty="};
  fs_config *cfg = load_ok("w: 1 nS\np:\n  - rate: 1 Hz\n", ov, 4);
  fs_cfg_node root = fs_config_root(cfg);
  fs_cfg_node w = fs_cfg_child(root, "w");
  assert_true(fs_cfg_is_map(w));
  double std = 0;
  fs_error err;
  assert_int_equal(fs_cfg_get_quantity(w, "std", FS_UNIT_CONDUCTANCE, true, &std, &err), FS_OK);
  fs_assert_close(std, 1e-10, 1e-12, 0);
  assert_where(fs_cfg_child(w, "std"), "--set 'w={mean: 1 nS, std: 0.1 nS}': w.std");
  fs_cfg_node pops = fs_cfg_child(root, "pops");
  assert_true(fs_cfg_is_seq(pops));
  assert_string_equal(fs_cfg_scalar(fs_cfg_item(pops, 1)), "I");
  double rate = 0;
  fs_cfg_node p0 = fs_cfg_item(fs_cfg_child(root, "p"), 0);
  assert_int_equal(fs_cfg_get_quantity(p0, "rate", FS_UNIT_FREQUENCY, true, &rate, &err), FS_OK);
  fs_assert_close(rate, 5.0, 0, 0);
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(root, "empty")), "");
  fs_config_free(cfg);
}

static void test_override_on_empty_file(void **state) {
  (void)state;
  const char *ov[] = {"a.b=1"};
  fs_config *cfg = load_ok("# only a comment\n", ov, 1);
  fs_cfg_node root = fs_config_root(cfg);
  assert_true(fs_cfg_is_map(root));
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(fs_cfg_child(root, "a"), "b")), "1");
  fs_config_free(cfg);
  cfg = load_ok("", NULL, 0);
  assert_false(fs_cfg_exists(fs_config_root(cfg)));
  assert_string_equal(fs_config_text(cfg), "");
  fs_config_free(cfg);
}

static void test_override_errors(void **state) {
  (void)state;
  const char *text = "a: 3\nm: {b: 1}\nl: [1, 2]\n";
  const char *ov1[] = {"l[5]=1"};
  expect_load_error(text, ov1, 1, FS_ERR_INPUT,
                    "--set 'l[5]=1': l[5]: index out of range, the sequence has 2 items");
  const char *ov2[] = {"m[0]=1"};
  expect_load_error(text, ov2, 1, FS_ERR_INPUT,
                    "--set 'm[0]=1': m: expected a sequence, got a mapping");
  const char *ov3[] = {"a.b=1"};
  expect_load_error(text, ov3, 1, FS_ERR_INPUT,
                    "--set 'a.b=1': a: expected a mapping, got a scalar \"3\"");
  const char *ov4[] = {"a=[1"};
  expect_load_error(text, ov4, 1, FS_ERR_INPUT,
                    "--set 'a=[1': did not find expected ',' or ']' while parsing a flow sequence");
  const char *ov5[] = {"a"};
  expect_load_error(text, ov5, 1, FS_ERR_INPUT, "--set 'a': expected key.path=value");
  const char *ov6[] = {"x[0]=1"};
  expect_load_error(text, ov6, 1, FS_ERR_INPUT,
                    "--set 'x[0]=1': x: no such key, so it cannot be indexed");
  const char *ov7[] = {"a..b=1"};
  expect_load_error(text, ov7, 1, FS_ERR_INPUT, "--set 'a..b=1': malformed key path \"a..b\"");
  const char *ov8[] = {"a={k: 1, k: 2}"};
  expect_load_error(text, ov8, 1, FS_ERR_INPUT, "--set 'a={k: 1, k: 2}': a.k: duplicate key \"k\"");
  const char *ov9[] = {"m.b=1", "l[-1]=2"};
  expect_load_error(text, ov9, 2, FS_ERR_INPUT, "--set 'l[-1]=2': malformed key path \"l[-1]\"");
}

/* ---- the document as text ------------------------------------------------------------- */

/* The same tree: same keys in the same order, same scalar texts. */
static void assert_same_tree(fs_cfg_node a, fs_cfg_node b) {
  assert_int_equal(fs_cfg_is_map(a), fs_cfg_is_map(b));
  assert_int_equal(fs_cfg_is_seq(a), fs_cfg_is_seq(b));
  if (fs_cfg_is_scalar(a)) {
    assert_true(fs_cfg_is_scalar(b));
    assert_string_equal(fs_cfg_scalar(a), fs_cfg_scalar(b));
    return;
  }
  assert_int_equal(fs_cfg_len(a), fs_cfg_len(b));
  for (size_t i = 0; i < fs_cfg_len(a); i++) {
    if (fs_cfg_is_map(a)) assert_string_equal(fs_cfg_key(a, i), fs_cfg_key(b, i));
    assert_same_tree(fs_cfg_item(a, i), fs_cfg_item(b, i));
  }
}

static void test_text_round_trip(void **state) {
  fixture *f = *state;
  const char *ov[] = {"network.g=3 nS", "extra.values=[1 s, '2', \"a: b\"]", "network.w.std=0.2 nS",
                      "note=|\n  two\n  lines\n"};
  const char *src = "anchored: &x {k: 1 uM}\nalias: *x\n"
                    "s: \"  spaced \"\nu: \"\xc2\xb5M\"\nblock: |\n  a\n  b\n";
  fs_config *cfg = load_ok(doc_text, ov, 4);
  fs_config *back = load_ok(fs_config_text(cfg), NULL, 0);
  assert_same_tree(fs_config_root(cfg), fs_config_root(back));
  assert_string_equal(
      fs_cfg_scalar(fs_cfg_child(fs_cfg_child(fs_config_root(back), "network"), "g")), "3 nS");
  fs_config_free(back);
  fs_config_free(cfg);
  cfg = load_ok(src, NULL, 0);
  back = load_ok(fs_config_text(cfg), NULL, 0);
  assert_same_tree(fs_config_root(cfg), fs_config_root(back));
  assert_string_equal(fs_cfg_scalar(fs_cfg_child(fs_config_root(back), "s")), "  spaced ");
  fs_config_free(back);
  fs_config_free(cfg);
  /* the fixture's own text survives as well */
  back = load_ok(fs_config_text(f->cfg), NULL, 0);
  assert_same_tree(fs_config_root(f->cfg), fs_config_root(back));
  fs_config_free(back);
}

/* ---- unknown keys --------------------------------------------------------------------- */

static void test_expect_keys(void **state) {
  fixture *f = *state;
  fs_error err;
  fs_cfg_node net = fs_cfg_child(fs_config_root(f->cfg), "network");
  const char *const all[] = {"size", "model", "plastic", "g", "tau", "w"};
  assert_int_equal(fs_cfg_expect_keys(net, all, 6, &err), FS_OK);
  const char *const typo[] = {"sise", "model", "plastic", "g", "tau", "w"};
  assert_int_equal(fs_cfg_expect_keys(net, typo, 6, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:2:3: network.size: unknown key \"size\" (did you mean \"sise\"?)");
  const char *const far[] = {"alpha", "beta", "model", "plastic", "g", "tau", "w"};
  assert_int_equal(fs_cfg_expect_keys(net, far, 7, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:2:3: network.size: unknown key \"size\" (expected one of: alpha, "
                     "beta, model, plastic, g, tau, w)");
  fs_cfg_node absent = fs_cfg_child(net, "absent");
  assert_int_equal(fs_cfg_expect_keys(absent, all, 6, &err), FS_OK);
  assert_int_equal(fs_cfg_expect_keys(fs_cfg_child(net, "g"), all, 6, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:5:6: network.g: expected a mapping, got a scalar \"2 nS\"");
  assert_int_equal(
      fs_cfg_expect_keys(fs_cfg_child(fs_config_root(f->cfg), "protocol"), all, 6, &err),
      FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:9:3: protocol: expected a mapping, got a sequence");
}

static void test_expect_keys_override(void **state) {
  (void)state;
  const char *ov[] = {"net.sise=3"};
  fs_config *cfg = load_ok("net:\n  size: 1\n", ov, 1);
  fs_error err;
  const char *const allowed[] = {"size", "model"};
  fs_cfg_node net = fs_cfg_child(fs_config_root(cfg), "net");
  assert_int_equal(fs_cfg_expect_keys(net, allowed, 2, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "--set 'net.sise=3': net.sise: unknown key \"sise\" (did you mean \"size\"?)");
  fs_config_free(cfg);
}

/* ---- typed getters -------------------------------------------------------------------- */

static void test_get_quantity(void **state) {
  fixture *f = *state;
  fs_error err;
  fs_cfg_node root = fs_config_root(f->cfg);
  fs_cfg_node net = fs_cfg_child(root, "network");
  double g = 0, opt = 123.0;
  assert_int_equal(fs_cfg_get_quantity(net, "g", FS_UNIT_CONDUCTANCE, true, &g, &err), FS_OK);
  fs_assert_close(g, 2e-9, 1e-12, 0);
  assert_int_equal(fs_cfg_get_quantity(net, "none", FS_UNIT_TIME, false, &opt, &err), FS_OK);
  fs_assert_close(opt, 123.0, 0, 0);
  assert_int_equal(fs_cfg_get_quantity(net, "none", FS_UNIT_TIME, true, &opt, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:2:3: network: missing key \"none\"");
  assert_int_equal(fs_cfg_get_quantity(net, "tau", FS_UNIT_TIME, true, &opt, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:6:8: network.tau: expected a time such as \"30 s\", got \"20\"");
  fs_cfg_node rate = fs_cfg_item(fs_cfg_child(root, "protocol"), 1);
  assert_int_equal(fs_cfg_get_quantity(rate, "rate", FS_UNIT_FREQUENCY, true, &opt, &err),
                   FS_ERR_INPUT);
  fs_assert_msg(
      err, "x.yaml:12:11: protocol[1].rate: expected a frequency such as \"20 Hz\", got \"fast\"");
  assert_int_equal(fs_cfg_get_quantity(net, "w", FS_UNIT_CONDUCTANCE, true, &opt, &err),
                   FS_ERR_INPUT);
  fs_assert_msg(err,
                "x.yaml:7:6: network.w: expected a conductance such as \"2 nS\", got a mapping");
  fs_assert_close(opt, 123.0, 0, 0);
  fs_cfg_node absent = fs_cfg_child(root, "absent");
  assert_int_equal(fs_cfg_get_quantity(absent, "x", FS_UNIT_TIME, false, &opt, &err), FS_OK);
  assert_int_equal(fs_cfg_get_quantity(absent, "x", FS_UNIT_TIME, true, &opt, &err), FS_ERR_INPUT);
  /* an absent section is placed at the nearest section that exists: here the file's root */
  fs_assert_msg(err, "x.yaml:1:1: absent: missing key \"x\"");
  fs_cfg_node deeper = fs_cfg_child(fs_cfg_child(net, "absent"), "deeper");
  assert_int_equal(fs_cfg_get_quantity(deeper, "x", FS_UNIT_TIME, true, &opt, &err), FS_ERR_INPUT);
  assert_non_null(strstr(err.msg, ": network.absent.deeper: missing key \"x\""));
  assert_true(strncmp(err.msg, "x.yaml:1:1:", 11) != 0 && strncmp(err.msg, "x.yaml:", 7) == 0);
}

static void test_get_int_bool_string(void **state) {
  fixture *f = *state;
  fs_error err;
  fs_cfg_node net = fs_cfg_child(fs_config_root(f->cfg), "network");
  long n = 0;
  assert_int_equal(fs_cfg_get_int(net, "size", 1, 1000000, true, &n, &err), FS_OK);
  assert_int_equal(n, 100);
  assert_int_equal(fs_cfg_get_int(net, "size", 1, 10, true, &n, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:2:9: network.size: expected an integer between 1 and 10, got \"100\"");
  assert_int_equal(fs_cfg_get_int(net, "model", 1, 1000000, true, &n, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:3:10: network.model: expected an integer between 1 and 1000000, got "
                     "\"lif_cond\"");
  assert_int_equal(fs_cfg_get_int(net, "w", 1, 1000000, true, &n, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:7:6: network.w: expected an integer between 1 and 1000000, got a "
                     "mapping");
  assert_int_equal(n, 100);
  bool b = false;
  assert_int_equal(fs_cfg_get_bool(net, "plastic", true, &b, &err), FS_OK);
  assert_true(b);
  assert_int_equal(fs_cfg_get_bool(net, "model", true, &b, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:3:10: network.model: expected true or false, got \"lif_cond\"");
  const char *s = NULL;
  assert_int_equal(fs_cfg_get_string(net, "model", true, &s, &err), FS_OK);
  assert_string_equal(s, "lif_cond");
  assert_int_equal(fs_cfg_get_string(net, "w", true, &s, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:7:6: network.w: expected a string, got a mapping");
  assert_int_equal(fs_cfg_get_string(fs_cfg_child(net, "g"), "x", true, &s, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:5:6: network.g: expected a mapping, got a scalar \"2 nS\"");
}

static void test_get_bool_spellings(void **state) {
  (void)state;
  fs_config *cfg = load_ok("a: true\nb: off\nc: No\nd: ON\ne: 1\n", NULL, 0);
  fs_cfg_node root = fs_config_root(cfg);
  fs_error err;
  bool v = false;
  assert_int_equal(fs_cfg_get_bool(root, "a", true, &v, &err), FS_OK);
  assert_true(v);
  assert_int_equal(fs_cfg_get_bool(root, "b", true, &v, &err), FS_OK);
  assert_false(v);
  assert_int_equal(fs_cfg_get_bool(root, "c", true, &v, &err), FS_OK);
  assert_false(v);
  assert_int_equal(fs_cfg_get_bool(root, "d", true, &v, &err), FS_OK);
  assert_true(v);
  assert_int_equal(fs_cfg_get_bool(root, "e", true, &v, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:5:4: e: expected true or false, got \"1\"");
  fs_config_free(cfg);
}

static void test_get_choice(void **state) {
  (void)state;
  fs_config *cfg = load_ok("a: adex_cond\nb: lif\nc: izhikevich\nd: Lif_Cond\n", NULL, 0);
  fs_cfg_node root = fs_config_root(cfg);
  const char *const models[] = {"lif_cond", "adex_cond"};
  fs_error err;
  size_t i = 99;
  assert_int_equal(fs_cfg_get_choice(root, "a", models, 2, true, &i, &err), FS_OK);
  assert_int_equal(i, 1);
  assert_int_equal(fs_cfg_get_choice(root, "b", models, 2, true, &i, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:2:4: b: expected one of \"lif_cond\", \"adex_cond\", got \"lif\" (did "
                     "you mean \"lif_cond\"?)");
  assert_int_equal(fs_cfg_get_choice(root, "c", models, 2, true, &i, &err), FS_ERR_INPUT);
  fs_assert_msg(err,
                "x.yaml:3:4: c: expected one of \"lif_cond\", \"adex_cond\", got \"izhikevich\"");
  assert_int_equal(fs_cfg_get_choice(root, "d", models, 2, true, &i, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:4:4: d: expected one of \"lif_cond\", \"adex_cond\", got \"Lif_Cond\" "
                     "(did you mean \"lif_cond\"?)");
  assert_int_equal(fs_cfg_get_choice(root, "z", models, 2, true, &i, &err), FS_ERR_INPUT);
  fs_assert_msg(err, "x.yaml:1:1: missing key \"z\"");
  assert_int_equal(i, 1);
  fs_config_free(cfg);
}

static void test_closest_name(void **state) {
  (void)state;
  const char *const names[] = {"size", "seed", "model", "lif_cond", "tau_m"};
  assert_string_equal(fs_registry_closest("sise", names, 5), "size");
  assert_string_equal(fs_registry_closest("SIZE", names, 5), "size");
  assert_string_equal(fs_registry_closest("sed", names, 5), "seed");
  assert_null(fs_registry_closest("modle", names, 5)); /* 2 edits, but len 5 allows 1 */
  assert_string_equal(fs_registry_closest("tau", names, 5), "tau_m"); /* a prefix */
  assert_string_equal(fs_registry_closest("lif", names, 5), "lif_cond");
  assert_null(fs_registry_closest("foo", names, 5));
  assert_null(fs_registry_closest("zz", names, 5));
  const char *const tie[] = {"cat", "car"};
  assert_string_equal(fs_registry_closest("cax", tie, 2), "cat");
  assert_null(fs_registry_closest("x", NULL, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_navigation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_key_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_where, setup, teardown),
      cmocka_unit_test(test_malformed_yaml),
      cmocka_unit_test(test_special_files),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_many_keys),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_duplicate_key),
      cmocka_unit_test(test_structure_errors),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_load_file),
      cmocka_unit_test(test_override_replace_add_create),
      cmocka_unit_test(test_override_yaml_values),
      cmocka_unit_test(test_override_on_empty_file),
      cmocka_unit_test(test_override_errors),
      cmocka_unit_test_setup_teardown(test_text_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expect_keys, setup, teardown),
      cmocka_unit_test(test_expect_keys_override),
      cmocka_unit_test_setup_teardown(test_get_quantity, setup, teardown),
      cmocka_unit_test_setup_teardown(test_get_int_bool_string, setup, teardown),
      cmocka_unit_test(test_get_bool_spellings),
      cmocka_unit_test(test_get_choice),
      cmocka_unit_test(test_closest_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
