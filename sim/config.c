/* config.c - the YAML experiment file: loaded once with libyaml's document API, checked
 * (duplicate keys, one document, no recursive aliases), patched by --set overrides and then
 * read through node handles that know the file, line, column and key path of every value. */
#include <fearsim/config.h>
#include <fearsim/fileio.h>
#include <fearsim/registry.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#define MAX_DEPTH 100 /* nesting deeper than this is a mistake or an attack */
/* An experiment or sweep file is a few kB; bounding it bounds libyaml's time and memory. */
#define MAX_FILE_BYTES ((size_t)16 << 20)

struct fs_config {
  char *file;
  yaml_document_t doc;
  bool have_doc;
  int *origin; /* per node (id - 1): 0 = the file, k = the k-th override */
  size_t n_origin;
  char **overrides; /* copies of the --set texts, for messages */
  size_t n_overrides;
  char *text; /* the document after overrides, as YAML */
};

/* A libyaml failure, before it gets a prefix (file:line:col or --set '...'). */
typedef struct yaml_failure {
  fs_status st;
  char msg[512];
  bool has_mark;
  yaml_mark_t mark;
} yaml_failure;

/* ---- small helpers -------------------------------------------------------------------- */

static char *dup_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

static void format_path(char path[FS_CFG_PATH_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void format_path(char path[FS_CFG_PATH_LEN], const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, FS_CFG_PATH_LEN, fmt, ap);
  va_end(ap);
}

static void key_path(char out[FS_CFG_PATH_LEN], const char *base, const char *key) {
  if (base[0] == '\0')
    format_path(out, "%s", key);
  else
    format_path(out, "%s.%s", base, key);
}

static const yaml_node_t *doc_node(const yaml_document_t *doc, int id) {
  if (id <= 0 || id > doc->nodes.top - doc->nodes.start) return NULL;
  return doc->nodes.start + (id - 1);
}

static const yaml_node_t *cfg_node(const fs_config *cfg, int id) {
  return cfg != NULL && cfg->have_doc ? doc_node(&cfg->doc, id) : NULL;
}

static const yaml_node_t *handle_node(fs_cfg_node n) {
  return cfg_node(n.cfg, n.id);
}

static const char *scalar_text(const yaml_node_t *node) {
  return node != NULL && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value
                                                        : NULL;
}

static fs_cfg_node make_node(const fs_config *cfg, int id, int anchor, const char *path) {
  fs_cfg_node n;
  n.cfg = cfg;
  n.id = id;
  n.anchor = cfg_node(cfg, id) != NULL ? id : anchor;
  format_path(n.path, "%s", path);
  return n;
}

/* "a scalar "x"", "a sequence" or "a mapping", for "expected ..., got <this>". */
static void describe_node(const yaml_node_t *node, char *buf, size_t len) {
  if (node == NULL)
    snprintf(buf, len, "nothing");
  else if (node->type == YAML_SCALAR_NODE)
    snprintf(buf, len, "a scalar \"%s\"", (const char *)node->data.scalar.value);
  else if (node->type == YAML_SEQUENCE_NODE)
    snprintf(buf, len, "a sequence");
  else
    snprintf(buf, len, "a mapping");
}

/* ---- where a value came from ---------------------------------------------------------- */

static void where_id(const fs_config *cfg, int id, const char *path, char *buf, size_t len) {
  const yaml_node_t *node = cfg_node(cfg, id);
  int origin = node != NULL && (size_t)id <= cfg->n_origin ? cfg->origin[id - 1] : 0;
  int used;
  if (cfg == NULL)
    used = snprintf(buf, len, "%s", "");
  else if (origin > 0)
    used = snprintf(buf, len, "--set '%s'", cfg->overrides[origin - 1]);
  else if (node != NULL)
    used = snprintf(buf, len, "%s:%lu:%lu", cfg->file, (unsigned long)node->start_mark.line + 1,
                    (unsigned long)node->start_mark.column + 1);
  else
    used = snprintf(buf, len, "%s", cfg->file);
  if (path[0] == '\0' || used < 0 || (size_t)used >= len) return;
  snprintf(buf + used, len - (size_t)used, "%s%s", used > 0 ? ": " : "", path);
}

void fs_cfg_where(fs_cfg_node n, char *buf, size_t len) {
  if (buf == NULL || len == 0) return;
  where_id(n.cfg, cfg_node(n.cfg, n.id) != NULL ? n.id : n.anchor, n.path, buf, len);
}

static fs_status verror_at(const fs_config *cfg, int id, const char *path, fs_error *err,
                           const char *fmt, va_list ap) {
  char where[FS_ERROR_MSG_LEN];
  char msg[FS_ERROR_MSG_LEN];
  where_id(cfg, id, path, where, sizeof where);
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (where[0] == '\0') return fs_error_set(err, FS_ERR_INPUT, "%s", msg);
  return fs_error_set(err, FS_ERR_INPUT, "%s: %s", where, msg);
}

static fs_status error_at(const fs_config *cfg, int id, const char *path, fs_error *err,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static fs_status error_at(const fs_config *cfg, int id, const char *path, fs_error *err,
                          const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fs_status st = verror_at(cfg, id, path, err, fmt, ap);
  va_end(ap);
  return st;
}

fs_status fs_cfg_error(fs_cfg_node n, fs_error *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fs_status st =
      verror_at(n.cfg, cfg_node(n.cfg, n.id) != NULL ? n.id : n.anchor, n.path, err, fmt, ap);
  va_end(ap);
  return st;
}

/* ---- parsing with libyaml ------------------------------------------------------------- */

/* The line and column (from 0, in characters) of byte offset in text, as libyaml marks them. */
static yaml_mark_t mark_at(const char *text, size_t len, size_t offset) {
  yaml_mark_t m = {offset, 0, 0};
  for (size_t i = 0; i < offset && i < len; i++) {
    if (text[i] == '\n') {
      m.line++;
      m.column = 0;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) { /* not a UTF-8 continuation byte */
      m.column++;
    }
  }
  return m;
}

static void describe_parser_error(const yaml_parser_t *parser, const char *text, size_t len,
                                  yaml_failure *f) {
  const char *problem = parser->problem != NULL ? parser->problem : "malformed YAML";
  f->st = FS_ERR_INPUT;
  f->has_mark = true;
  if (parser->error == YAML_MEMORY_ERROR) {
    f->st = FS_ERR_NOMEM;
    f->has_mark = false;
    snprintf(f->msg, sizeof f->msg, "out of memory while reading YAML");
  } else if (parser->error == YAML_READER_ERROR) {
    f->mark = mark_at(text, len, parser->problem_offset);
    snprintf(f->msg, sizeof f->msg, "%s (byte %lu)", problem,
             (unsigned long)parser->problem_offset);
  } else {
    f->mark = parser->problem_mark;
    snprintf(f->msg, sizeof f->msg, "%s%s%s", problem, parser->context != NULL ? " " : "",
             parser->context != NULL ? parser->context : "");
  }
}

/* Skips a quoted scalar starting at text[i] (the quote); returns the index after it. */
static size_t skip_quoted(const char *text, size_t len, size_t i) {
  char q = text[i++];
  for (; i < len && text[i] != q; i++)
    if (q == '"' && text[i] == '\\') i++;
  return i + 1;
}

/* libyaml's tokeniser takes time quadratic in the nesting of flow collections ([[[[...) and
 * memory linear in compact block nesting (- - - -...) before the document's depth can be
 * checked, so the text is scanned for both first: flow brackets outside quotes and comments,
 * and "- " or "? " repeated at the start of a line. Returns the offset of the first place
 * deeper than MAX_DEPTH, or len if there is none. */
static size_t too_deep_at(const char *text, size_t len) {
  size_t flow = 0, compact = 0;
  bool line_start = true;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '\n') {
      line_start = true;
      compact = 0;
      continue;
    }
    if (line_start && (c == '-' || c == '?') && i + 1 < len && (text[i + 1] == ' ')) {
      if (++compact > MAX_DEPTH) return i;
      i++;
      continue;
    }
    if (c != ' ' && c != '\t') line_start = false;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < len && text[i + 1] != '\n')
        i++;
    } else if ((c == '"' || c == '\'') && (i == 0 || strchr(" \t\n[{,:", text[i - 1]))) {
      i = skip_quoted(text, len, i) - 1;
    } else if (c == '[' || c == '{') {
      if (++flow > MAX_DEPTH) return i;
    } else if ((c == ']' || c == '}') && flow > 0) {
      flow--;
    }
  }
  return len;
}

/* Loads the one document in text; a second document is an error. On failure doc holds
 * nothing and f says why. */
static bool load_document(const char *text, size_t len, yaml_document_t *doc, yaml_failure *f) {
  yaml_parser_t parser;
  yaml_document_t extra;
  bool ok = false;
  if (!yaml_parser_initialize(&parser)) {
    f->st = FS_ERR_NOMEM;
    f->has_mark = false;
    snprintf(f->msg, sizeof f->msg, "out of memory while reading YAML");
    return false;
  }
  size_t deep = too_deep_at(text, len);
  if (deep < len) {
    f->st = FS_ERR_INPUT;
    f->has_mark = true;
    f->mark = mark_at(text, len, deep);
    snprintf(f->msg, sizeof f->msg, "values are nested too deeply (more than %d levels)",
             MAX_DEPTH);
    yaml_parser_delete(&parser);
    return false;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, doc)) {
    describe_parser_error(&parser, text, len, f);
    goto cleanup;
  }
  if (!yaml_parser_load(&parser, &extra)) {
    describe_parser_error(&parser, text, len, f);
    yaml_document_delete(doc);
    goto cleanup;
  }
  ok = yaml_document_get_root_node(&extra) == NULL;
  if (!ok) {
    f->st = FS_ERR_INPUT;
    f->has_mark = true;
    f->mark = extra.start_mark;
    snprintf(f->msg, sizeof f->msg, "a second YAML document; a config file holds only one");
    yaml_document_delete(doc);
  }
  yaml_document_delete(&extra);
cleanup:
  yaml_parser_delete(&parser);
  return ok;
}

/* ---- structural checks: duplicate keys, non-scalar keys, recursive aliases -------------- */

typedef struct tree_check {
  const yaml_document_t *doc;
  unsigned char *state; /* per node: 0 unseen, 1 being walked, 2 done */
  int bad_id;
  char bad_path[FS_CFG_PATH_LEN];
  char problem[FS_ERROR_MSG_LEN];
} tree_check;

static bool check_fail(tree_check *c, int id, const char *path, const char *problem,
                       const char *arg) {
  c->bad_id = id;
  format_path(c->bad_path, "%s", path);
  snprintf(c->problem, sizeof c->problem, "%s%s%s%s", problem, arg != NULL ? " \"" : "",
           arg != NULL ? arg : "", arg != NULL ? "\"" : "");
  return false;
}

static bool check_node(tree_check *c, int id, const char *path, int depth);

typedef struct key_at {
  const char *key;
  size_t index;
} key_at;

static int compare_key_at(const void *a, const void *b) {
  const key_at *x = a, *y = b;
  int d = strcmp(x->key, y->key);
  return d != 0 ? d : (x->index > y->index) - (x->index < y->index);
}

/* The index of the first pair (in file order) whose key an earlier pair has, or n; sorting
 * keeps this n log n for the mappings of hundreds of thousands of keys a hostile file has. */
static size_t first_duplicate(const tree_check *c, const yaml_node_pair_t *pairs, size_t n,
                              bool *nomem) {
  key_at *keys = malloc((n + 1) * sizeof *keys);
  size_t first = n;
  *nomem = keys == NULL;
  if (keys == NULL) return n;
  for (size_t i = 0; i < n; i++)
    keys[i] = (key_at){scalar_text(doc_node(c->doc, pairs[i].key)), i};
  qsort(keys, n, sizeof *keys, compare_key_at);
  for (size_t i = 1; i < n; i++)
    if (strcmp(keys[i].key, keys[i - 1].key) == 0 && keys[i].index < first) first = keys[i].index;
  free(keys);
  return first;
}

static bool check_mapping(tree_check *c, const yaml_node_t *node, const char *path, int depth) {
  const yaml_node_pair_t *pairs = node->data.mapping.pairs.start;
  size_t n = (size_t)(node->data.mapping.pairs.top - pairs);
  for (size_t i = 0; i < n; i++)
    if (scalar_text(doc_node(c->doc, pairs[i].key)) == NULL)
      return check_fail(c, pairs[i].key, path, "a key must be a scalar, not a collection", NULL);
  bool nomem;
  size_t dup = first_duplicate(c, pairs, n, &nomem);
  if (nomem)
    return check_fail(c, (int)(node - c->doc->nodes.start) + 1, path, "out of memory", NULL);
  for (size_t i = 0; i < n; i++) {
    const char *key = scalar_text(doc_node(c->doc, pairs[i].key));
    char child[FS_CFG_PATH_LEN];
    key_path(child, path, key);
    if (i == dup) return check_fail(c, pairs[i].key, child, "duplicate key", key);
    if (!check_node(c, pairs[i].value, child, depth + 1)) return false;
  }
  return true;
}

static bool check_node(tree_check *c, int id, const char *path, int depth) {
  const yaml_node_t *node = doc_node(c->doc, id);
  if (node == NULL || c->state[id - 1] == 2) return true;
  if (c->state[id - 1] == 1)
    return check_fail(c, id, path, "an alias refers to a value that contains it", NULL);
  if (depth > MAX_DEPTH) return check_fail(c, id, path, "values are nested too deeply", NULL);
  c->state[id - 1] = 1;
  if (node->type == YAML_MAPPING_NODE && !check_mapping(c, node, path, depth)) return false;
  if (node->type == YAML_SEQUENCE_NODE) {
    const yaml_node_item_t *items = node->data.sequence.items.start;
    size_t n = (size_t)(node->data.sequence.items.top - items);
    for (size_t i = 0; i < n; i++) {
      char child[FS_CFG_PATH_LEN];
      format_path(child, "%s[%zu]", path, i);
      if (!check_node(c, items[i], child, depth + 1)) return false;
    }
  }
  c->state[id - 1] = 2;
  return true;
}

/* Checks a whole document; on failure fills c->bad_id, c->bad_path and c->problem. */
static fs_status check_document(const yaml_document_t *doc, const char *root_path, tree_check *c) {
  size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
  c->doc = doc;
  c->state = calloc(n > 0 ? n : 1, 1);
  if (c->state == NULL) return FS_ERR_NOMEM;
  bool ok = n == 0 || check_node(c, 1, root_path, 0);
  free(c->state);
  c->state = NULL;
  return ok ? FS_OK : FS_ERR_INPUT;
}

/* ---- --set overrides ------------------------------------------------------------------ */

typedef struct segment {
  bool is_index;
  size_t index;
  char name[FS_CFG_PATH_LEN];
} segment;

/* Reads the next segment of a key path ("a", "[2]") at *p; false if malformed. */
static bool next_segment(const char **p, segment *s, bool first) {
  const char *q = *p;
  if (*q == '[') {
    char *end;
    if (!isdigit((unsigned char)q[1])) return false;
    errno = 0;
    unsigned long long v = strtoull(q + 1, &end, 10);
    if (*end != ']' || errno != 0 || v > SIZE_MAX) return false;
    s->is_index = true;
    s->index = (size_t)v;
    *p = end + 1;
    return true;
  }
  if (!first && *q++ != '.') return false;
  size_t n = strcspn(q, ".[");
  if (n == 0 || n >= sizeof s->name) return false;
  memcpy(s->name, q, n);
  s->name[n] = '\0';
  s->is_index = false;
  *p = q + n;
  return true;
}

/* One override being applied: its text, its key path and the graft state. */
typedef struct override_ctx {
  fs_config *cfg;
  const char *text; /* "a.b=value", as given */
  char key[FS_CFG_PATH_LEN];
  const char *value;
  char path[FS_CFG_PATH_LEN]; /* the part of the key path walked so far */
} override_ctx;

static fs_status override_error(const override_ctx *o, fs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static fs_status override_error(const override_ctx *o, fs_error *err, const char *fmt, ...) {
  char msg[FS_ERROR_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (o->path[0] == '\0') return fs_error_set(err, FS_ERR_INPUT, "--set '%s': %s", o->text, msg);
  return fs_error_set(err, FS_ERR_INPUT, "--set '%s': %s: %s", o->text, o->path, msg);
}

static bool trim_copy(char *dst, size_t cap, const char *src, size_t n) {
  while (n > 0 && isspace((unsigned char)*src)) {
    src++;
    n--;
  }
  while (n > 0 && isspace((unsigned char)src[n - 1]))
    n--;
  if (n == 0 || n >= cap) return false;
  memcpy(dst, src, n);
  dst[n] = '\0';
  return true;
}

/* Copies node id of src (and everything under it) into dst; returns the new id or 0. */
static int copy_node(yaml_document_t *dst, const yaml_document_t *src, int id, int depth) {
  const yaml_node_t *node = doc_node(src, id);
  if (node == NULL || depth > MAX_DEPTH) return 0;
  if (node->type == YAML_SCALAR_NODE)
    return yaml_document_add_scalar(dst, NULL, node->data.scalar.value,
                                    (int)node->data.scalar.length, node->data.scalar.style);
  if (node->type == YAML_SEQUENCE_NODE) {
    int seq = yaml_document_add_sequence(dst, NULL, node->data.sequence.style);
    for (const yaml_node_item_t *it = node->data.sequence.items.start;
         seq != 0 && it < node->data.sequence.items.top; it++) {
      int item = copy_node(dst, src, *it, depth + 1);
      if (item == 0 || !yaml_document_append_sequence_item(dst, seq, item)) return 0;
    }
    return seq;
  }
  int map = yaml_document_add_mapping(dst, NULL, node->data.mapping.style);
  for (const yaml_node_pair_t *pr = node->data.mapping.pairs.start;
       map != 0 && pr < node->data.mapping.pairs.top; pr++) {
    int k = copy_node(dst, src, pr->key, depth + 1);
    int v = k != 0 ? copy_node(dst, src, pr->value, depth + 1) : 0;
    if (v == 0 || !yaml_document_append_mapping_pair(dst, map, k, v)) return 0;
  }
  return map;
}

/* Parses the override's value as YAML and copies it into the config's document. */
static fs_status graft_value(override_ctx *o, int *value_id, fs_error *err) {
  yaml_document_t vdoc;
  yaml_failure f;
  tree_check c;
  fs_status st = FS_OK;
  if (!load_document(o->value, strlen(o->value), &vdoc, &f)) {
    if (f.st != FS_ERR_INPUT) return fs_error_set(err, f.st, "--set '%s': %s", o->text, f.msg);
    return fs_error_set(err, FS_ERR_INPUT, "--set '%s': %s", o->text, f.msg);
  }
  st = check_document(&vdoc, o->key, &c);
  if (st == FS_ERR_INPUT)
    st = fs_error_set(err, st, "--set '%s': %s: %s", o->text, c.bad_path, c.problem);
  else if (st != FS_OK)
    st = fs_error_set(err, st, "out of memory");
  if (st != FS_OK) goto cleanup;
  if (yaml_document_get_root_node(&vdoc) == NULL)
    *value_id =
        yaml_document_add_scalar(&o->cfg->doc, NULL, (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE);
  else
    *value_id = copy_node(&o->cfg->doc, &vdoc, 1, 0);
  if (*value_id == 0) st = fs_error_set(err, FS_ERR_NOMEM, "--set '%s': out of memory", o->text);
cleanup:
  yaml_document_delete(&vdoc);
  return st;
}

static int find_key(const yaml_document_t *doc, int map, const char *key, int *value) {
  const yaml_node_t *node = doc_node(doc, map);
  for (int i = 0; node->data.mapping.pairs.start + i < node->data.mapping.pairs.top; i++) {
    const yaml_node_pair_t *pr = node->data.mapping.pairs.start + i;
    const char *k = scalar_text(doc_node(doc, pr->key));
    if (k != NULL && strcmp(k, key) == 0) {
      *value = pr->value;
      return i;
    }
  }
  return -1;
}

static fs_status expect_type(const override_ctx *o, int id, yaml_node_type_t type, fs_error *err) {
  const yaml_node_t *node = doc_node(&o->cfg->doc, id);
  if (node->type == type) return FS_OK;
  char got[FS_ERROR_MSG_LEN / 2];
  describe_node(node, got, sizeof got);
  return override_error(o, err, "expected a %s, got %s",
                        type == YAML_MAPPING_NODE ? "mapping" : "sequence", got);
}

/* Steps from *cur into sequence item s->index; the last step stores value there. */
static fs_status step_index(override_ctx *o, int *cur, const segment *s, int value, fs_error *err) {
  fs_status st = expect_type(o, *cur, YAML_SEQUENCE_NODE, err);
  if (st != FS_OK) return st;
  yaml_node_t *node = o->cfg->doc.nodes.start + (*cur - 1);
  size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
  char path[FS_CFG_PATH_LEN];
  format_path(path, "%s[%zu]", o->path, s->index);
  format_path(o->path, "%s", path);
  if (s->index >= n)
    return override_error(o, err, "index out of range, the sequence has %zu item%s", n,
                          n == 1 ? "" : "s");
  if (value != 0) node->data.sequence.items.start[s->index] = value;
  *cur = node->data.sequence.items.start[s->index];
  return FS_OK;
}

/* Adds key to the mapping *cur with value (or a new mapping if value is 0). */
static fs_status add_key(override_ctx *o, int *cur, const char *key, int value, fs_error *err) {
  yaml_document_t *doc = &o->cfg->doc;
  int k = yaml_document_add_scalar(doc, NULL, (const yaml_char_t *)key, -1, YAML_ANY_SCALAR_STYLE);
  int v = value != 0 ? value : yaml_document_add_mapping(doc, NULL, YAML_ANY_MAPPING_STYLE);
  if (k == 0 || v == 0 || !yaml_document_append_mapping_pair(doc, *cur, k, v))
    return fs_error_set(err, FS_ERR_NOMEM, "--set '%s': out of memory", o->text);
  *cur = v;
  return FS_OK;
}

/* Steps from *cur into key s->name, creating it if missing; the last step stores value. */
static fs_status step_key(override_ctx *o, int *cur, const segment *s, bool next_is_index,
                          int value, fs_error *err) {
  fs_status st = expect_type(o, *cur, YAML_MAPPING_NODE, err);
  if (st != FS_OK) return st;
  char path[FS_CFG_PATH_LEN];
  key_path(path, o->path, s->name);
  format_path(o->path, "%s", path);
  int found = 0;
  int i = find_key(&o->cfg->doc, *cur, s->name, &found);
  if (i < 0 && next_is_index) return override_error(o, err, "no such key, so it cannot be indexed");
  if (i < 0) return add_key(o, cur, s->name, value, err);
  if (value != 0) o->cfg->doc.nodes.start[*cur - 1].data.mapping.pairs.start[i].value = value;
  *cur = value != 0 ? value : found;
  return FS_OK;
}

/* Walks the key path from the root, creating what is missing, and stores value_id. */
static fs_status graft_path(override_ctx *o, int value_id, fs_error *err) {
  fs_status st = FS_OK;
  int cur = 1;
  const char *p = o->key;
  segment s, next;
  memset(&s, 0, sizeof s);
  memset(&next, 0, sizeof next);
  if (!next_segment(&p, &s, true)) return override_error(o, err, "expected key.path=value");
  for (;;) {
    bool last = *p == '\0';
    const char *q = p;
    if (!last && !next_segment(&q, &next, false))
      return override_error(o, err, "malformed key path \"%s\"", o->key);
    int store = last ? value_id : 0;
    if (s.is_index)
      st = step_index(o, &cur, &s, store, err);
    else
      st = step_key(o, &cur, &s, !last && next.is_index, store, err);
    if (st != FS_OK || last) return st;
    s = next;
    p = q;
  }
}

static fs_status mark_origin(fs_config *cfg, int origin) {
  size_t n = (size_t)(cfg->doc.nodes.top - cfg->doc.nodes.start);
  if (n <= cfg->n_origin) return FS_OK;
  int *grown = realloc(cfg->origin, n * sizeof *grown);
  if (grown == NULL) return FS_ERR_NOMEM;
  for (size_t i = cfg->n_origin; i < n; i++)
    grown[i] = origin;
  cfg->origin = grown;
  cfg->n_origin = n;
  return FS_OK;
}

static fs_status apply_override(fs_config *cfg, size_t k, fs_error *err) {
  override_ctx o;
  memset(&o, 0, sizeof o);
  o.cfg = cfg;
  o.text = cfg->overrides[k];
  const char *eq = strchr(o.text, '=');
  if (eq == NULL || !trim_copy(o.key, sizeof o.key, o.text, (size_t)(eq - o.text)))
    return override_error(&o, err, "expected key.path=value");
  o.value = eq + 1;
  /* An empty file has no root yet; it must be node 1, so it comes before the value. */
  if (yaml_document_get_root_node(&cfg->doc) == NULL &&
      yaml_document_add_mapping(&cfg->doc, NULL, YAML_BLOCK_MAPPING_STYLE) != 1)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  int value_id = 0;
  fs_status st = graft_value(&o, &value_id, err);
  if (st == FS_OK) st = graft_path(&o, value_id, err);
  if (mark_origin(cfg, (int)k + 1) != FS_OK && st == FS_OK)
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  return st;
}

/* ---- writing the document back as YAML ------------------------------------------------ */

typedef struct strbuf {
  char *data;
  size_t len, cap;
} strbuf;

static int write_to_strbuf(void *data, unsigned char *buffer, size_t size) {
  strbuf *b = data;
  if (b->len + size + 1 > b->cap) {
    size_t cap = b->cap > 0 ? b->cap : 256;
    while (cap < b->len + size + 1)
      cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) return 0;
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, buffer, size);
  b->len += size;
  b->data[b->len] = '\0';
  return 1;
}

typedef struct emit_ctx {
  const yaml_document_t *doc;
  yaml_emitter_t emitter;
  unsigned *refs;         /* per node: number of references, to anchor shared nodes */
  unsigned char *emitted; /* per node: already written once (later ones are aliases) */
} emit_ctx;

static void count_refs(emit_ctx *e, int id, int depth) {
  const yaml_node_t *node = doc_node(e->doc, id);
  if (node == NULL || e->refs[id - 1]++ > 0 || depth > MAX_DEPTH) return;
  if (node->type == YAML_SEQUENCE_NODE)
    for (const yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++)
      count_refs(e, *it, depth + 1);
  if (node->type == YAML_MAPPING_NODE)
    for (const yaml_node_pair_t *pr = node->data.mapping.pairs.start;
         pr < node->data.mapping.pairs.top; pr++) {
      count_refs(e, pr->key, depth + 1);
      count_refs(e, pr->value, depth + 1);
    }
}

static bool emit_node(emit_ctx *e, int id);

static bool emit_children(emit_ctx *e, const yaml_node_t *node) {
  if (node->type == YAML_SEQUENCE_NODE) {
    for (const yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++)
      if (!emit_node(e, *it)) return false;
    return true;
  }
  for (const yaml_node_pair_t *pr = node->data.mapping.pairs.start;
       pr < node->data.mapping.pairs.top; pr++)
    if (!emit_node(e, pr->key) || !emit_node(e, pr->value)) return false;
  return true;
}

static bool emit_node(emit_ctx *e, int id) {
  const yaml_node_t *node = doc_node(e->doc, id);
  yaml_event_t ev;
  char anchor_buf[32];
  const yaml_char_t *anchor = NULL;
  snprintf(anchor_buf, sizeof anchor_buf, "n%d", id);
  if (e->refs[id - 1] > 1) {
    if (e->emitted[id - 1])
      return yaml_alias_event_initialize(&ev, (yaml_char_t *)anchor_buf) &&
             yaml_emitter_emit(&e->emitter, &ev);
    anchor = (const yaml_char_t *)anchor_buf;
  }
  e->emitted[id - 1] = 1;
  if (node->type == YAML_SCALAR_NODE)
    return yaml_scalar_event_initialize(&ev, anchor, NULL, node->data.scalar.value,
                                        (int)node->data.scalar.length, 1, 1,
                                        node->data.scalar.style) &&
           yaml_emitter_emit(&e->emitter, &ev);
  bool seq = node->type == YAML_SEQUENCE_NODE;
  if (!(seq ? yaml_sequence_start_event_initialize(&ev, anchor, NULL, 1, node->data.sequence.style)
            : yaml_mapping_start_event_initialize(&ev, anchor, NULL, 1,
                                                  node->data.mapping.style)) ||
      !yaml_emitter_emit(&e->emitter, &ev) || !emit_children(e, node))
    return false;
  return (seq ? yaml_sequence_end_event_initialize(&ev) : yaml_mapping_end_event_initialize(&ev)) &&
         yaml_emitter_emit(&e->emitter, &ev);
}

static bool emit_document(emit_ctx *e) {
  yaml_event_t ev;
  return yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
         yaml_emitter_emit(&e->emitter, &ev) &&
         yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
         yaml_emitter_emit(&e->emitter, &ev) && emit_node(e, 1) &&
         yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e->emitter, &ev) &&
         yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e->emitter, &ev) &&
         yaml_emitter_flush(&e->emitter);
}

/* Writes the document into cfg->text without touching it (libyaml's yaml_emitter_dump
 * would destroy the document). */
static fs_status emit_text(fs_config *cfg, fs_error *err) {
  size_t n = (size_t)(cfg->doc.nodes.top - cfg->doc.nodes.start);
  strbuf buf = {NULL, 0, 0};
  emit_ctx e = {.doc = &cfg->doc};
  fs_status st = FS_OK;
  if (n == 0) {
    cfg->text = dup_string("");
    return cfg->text != NULL ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  e.refs = calloc(n, sizeof *e.refs);
  e.emitted = calloc(n, 1);
  if (e.refs == NULL || e.emitted == NULL || !yaml_emitter_initialize(&e.emitter)) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  yaml_emitter_set_output(&e.emitter, write_to_strbuf, &buf);
  yaml_emitter_set_unicode(&e.emitter, 1);
  yaml_emitter_set_width(&e.emitter, -1);
  count_refs(&e, 1, 0);
  if (!emit_document(&e) || buf.data == NULL)
    st = fs_error_set(err, FS_ERR_INTERNAL, "cannot write the configuration as YAML: %s",
                      e.emitter.problem != NULL ? e.emitter.problem : "out of memory");
  else {
    cfg->text = buf.data;
    buf.data = NULL;
  }
  yaml_emitter_delete(&e.emitter);
cleanup:
  free(buf.data);
  free(e.refs);
  free(e.emitted);
  return st;
}

/* ---- loading -------------------------------------------------------------------------- */

static fs_status parse_file_text(fs_config *cfg, const char *text, size_t len, fs_error *err) {
  yaml_failure f;
  if (!load_document(text, len, &cfg->doc, &f)) {
    if (f.has_mark)
      return fs_error_set(err, f.st, "%s:%lu:%lu: %s", cfg->file, (unsigned long)f.mark.line + 1,
                          (unsigned long)f.mark.column + 1, f.msg);
    return fs_error_set(err, f.st, "%s: %s", cfg->file, f.msg);
  }
  cfg->have_doc = true;
  tree_check c;
  fs_status st = mark_origin(cfg, 0);
  if (st == FS_OK) st = check_document(&cfg->doc, "", &c);
  if (st == FS_ERR_INPUT) return error_at(cfg, c.bad_id, c.bad_path, err, "%s", c.problem);
  return st == FS_OK ? FS_OK : fs_error_set(err, st, "out of memory");
}

static fs_status copy_overrides(fs_config *cfg, const char *const *overrides, size_t n,
                                fs_error *err) {
  if (n == 0) return FS_OK;
  cfg->overrides = calloc(n, sizeof *cfg->overrides);
  if (cfg->overrides == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  cfg->n_overrides = n;
  for (size_t i = 0; i < n; i++) {
    cfg->overrides[i] = dup_string(overrides[i] != NULL ? overrides[i] : "");
    if (cfg->overrides[i] == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  }
  return FS_OK;
}

static fs_status load_text(const char *name, const char *text, size_t len,
                           const char *const *overrides, size_t n_overrides, fs_config **out,
                           fs_error *err) {
  fs_status st = FS_OK;
  fs_config *cfg = calloc(1, sizeof *cfg);
  if (cfg == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  cfg->file = dup_string(name);
  if (cfg->file == NULL) FS_TRY(fs_error_set(err, FS_ERR_NOMEM, "out of memory"));
  FS_TRY(parse_file_text(cfg, text, len, err));
  FS_TRY(copy_overrides(cfg, overrides, n_overrides, err));
  for (size_t i = 0; i < n_overrides; i++)
    FS_TRY(apply_override(cfg, i, err));
  FS_TRY(emit_text(cfg, err));
  *out = cfg;
  cfg = NULL;
cleanup:
  fs_config_free(cfg);
  return st;
}

fs_status fs_config_load_string(const char *name, const char *text, const char *const *overrides,
                                size_t n_overrides, fs_config **out, fs_error *err) {
  if (out == NULL) return fs_error_set(err, FS_ERR_INTERNAL, "fs_config_load_string: out is NULL");
  *out = NULL;
  if (text == NULL) text = "";
  return load_text(name != NULL ? name : "<string>", text, strlen(text), overrides, n_overrides,
                   out, err);
}

fs_status fs_config_load(const char *path, const char *const *overrides, size_t n_overrides,
                         fs_config **out, fs_error *err) {
  char *text = NULL;
  size_t len = 0;
  if (out == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_config_load: NULL argument");
  *out = NULL;
  fs_status st = fs_fileio_read_regular(path, MAX_FILE_BYTES, &text, &len, err);
  if (st == FS_OK) st = load_text(path, text, len, overrides, n_overrides, out, err);
  free(text);
  return st;
}

void fs_config_free(fs_config *cfg) {
  if (cfg == NULL) return;
  if (cfg->have_doc) yaml_document_delete(&cfg->doc);
  for (size_t i = 0; i < cfg->n_overrides; i++)
    free(cfg->overrides[i]);
  free(cfg->overrides);
  free(cfg->origin);
  free(cfg->text);
  free(cfg->file);
  free(cfg);
}

/* ---- node access ---------------------------------------------------------------------- */

const char *fs_config_file(const fs_config *cfg) {
  return cfg != NULL ? cfg->file : NULL;
}

const char *fs_config_text(const fs_config *cfg) {
  return cfg != NULL ? cfg->text : NULL;
}

fs_cfg_node fs_config_root(const fs_config *cfg) {
  return make_node(cfg, cfg_node(cfg, 1) != NULL ? 1 : 0, 0, "");
}

bool fs_cfg_exists(fs_cfg_node n) {
  return handle_node(n) != NULL;
}

static bool has_type(fs_cfg_node n, yaml_node_type_t type) {
  const yaml_node_t *node = handle_node(n);
  return node != NULL && node->type == type;
}

bool fs_cfg_is_map(fs_cfg_node n) {
  return has_type(n, YAML_MAPPING_NODE);
}
bool fs_cfg_is_seq(fs_cfg_node n) {
  return has_type(n, YAML_SEQUENCE_NODE);
}
bool fs_cfg_is_scalar(fs_cfg_node n) {
  return has_type(n, YAML_SCALAR_NODE);
}

size_t fs_cfg_len(fs_cfg_node n) {
  const yaml_node_t *node = handle_node(n);
  if (node != NULL && node->type == YAML_MAPPING_NODE)
    return (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
  if (node != NULL && node->type == YAML_SEQUENCE_NODE)
    return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
  return 0;
}

fs_cfg_node fs_cfg_child(fs_cfg_node n, const char *key) {
  char path[FS_CFG_PATH_LEN];
  key_path(path, n.path, key != NULL ? key : "");
  int value = 0;
  if (key != NULL && fs_cfg_is_map(n) && find_key(&n.cfg->doc, n.id, key, &value) >= 0)
    return make_node(n.cfg, value, n.anchor, path);
  return make_node(n.cfg, 0, n.anchor, path);
}

fs_cfg_node fs_cfg_item(fs_cfg_node n, size_t i) {
  char path[FS_CFG_PATH_LEN];
  const yaml_node_t *node = handle_node(n);
  if (i >= fs_cfg_len(n)) {
    format_path(path, "%s[%zu]", n.path, i);
    return make_node(n.cfg, 0, n.anchor, path);
  }
  if (node->type == YAML_SEQUENCE_NODE) {
    format_path(path, "%s[%zu]", n.path, i);
    return make_node(n.cfg, node->data.sequence.items.start[i], n.anchor, path);
  }
  key_path(path, n.path, fs_cfg_key(n, i));
  return make_node(n.cfg, node->data.mapping.pairs.start[i].value, n.anchor, path);
}

const char *fs_cfg_key(fs_cfg_node n, size_t i) {
  const yaml_node_t *node = handle_node(n);
  if (node == NULL || node->type != YAML_MAPPING_NODE || i >= fs_cfg_len(n)) return NULL;
  return scalar_text(cfg_node(n.cfg, node->data.mapping.pairs.start[i].key));
}

const char *fs_cfg_scalar(fs_cfg_node n) {
  return scalar_text(handle_node(n));
}

fs_cfg_node fs_cfg_at(fs_cfg_node n, const char *path) {
  segment seg;
  for (const char *p = path; *p != '\0' && fs_cfg_exists(n);) {
    if (!next_segment(&p, &seg, p == path) || (seg.is_index && !fs_cfg_is_seq(n)))
      return make_node(n.cfg, 0, n.anchor, n.path); /* absent */
    n = seg.is_index ? fs_cfg_item(n, seg.index) : fs_cfg_child(n, seg.name);
  }
  return n;
}

/* Writes `"a", "b", "c"` (quoted) or `a, b, c` into buf. */
static void join_names(char *buf, size_t len, const char *const *names, size_t n, bool quoted) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++) {
    int w = snprintf(buf + used, len - used, "%s%s%s%s", i > 0 ? ", " : "", quoted ? "\"" : "",
                     names[i], quoted ? "\"" : "");
    if (w < 0) return;
    used += (size_t)w;
  }
}

/* ---- checks and typed getters --------------------------------------------------------- */

static fs_status expect_map(fs_cfg_node n, fs_error *err) {
  const yaml_node_t *node = handle_node(n);
  if (node == NULL || node->type == YAML_MAPPING_NODE) return FS_OK;
  char got[FS_ERROR_MSG_LEN / 2];
  describe_node(node, got, sizeof got);
  return fs_cfg_error(n, err, "expected a mapping, got %s", got);
}

static fs_status unknown_key(fs_cfg_node n, size_t i, const char *const *allowed, size_t n_allowed,
                             fs_error *err) {
  const yaml_node_t *node = handle_node(n);
  const char *key = fs_cfg_key(n, i);
  char path[FS_CFG_PATH_LEN];
  key_path(path, n.path, key);
  int key_id = node->data.mapping.pairs.start[i].key;
  const char *close = fs_registry_closest(key, allowed, n_allowed);
  if (close != NULL)
    return error_at(n.cfg, key_id, path, err, "unknown key \"%s\" (did you mean \"%s\"?)", key,
                    close);
  char list[FS_ERROR_MSG_LEN / 2];
  join_names(list, sizeof list, allowed, n_allowed, false);
  return error_at(n.cfg, key_id, path, err, "unknown key \"%s\" (expected one of: %s)", key, list);
}

fs_status fs_cfg_expect_keys(fs_cfg_node n, const char *const *allowed, size_t n_allowed,
                             fs_error *err) {
  fs_status st = expect_map(n, err);
  for (size_t i = 0; st == FS_OK && i < fs_cfg_len(n); i++) {
    const char *key = fs_cfg_key(n, i);
    bool known = false;
    for (size_t j = 0; j < n_allowed && !known; j++)
      known = allowed[j] != NULL && strcmp(allowed[j], key) == 0;
    if (!known) st = unknown_key(n, i, allowed, n_allowed, err);
  }
  return st;
}

/* Finds parent.key; *present says whether it exists. A missing required key is an error
 * at the parent, and so is a parent that is not a mapping. */
static fs_status lookup(fs_cfg_node parent, const char *key, bool required, fs_cfg_node *child,
                        bool *present, fs_error *err) {
  fs_status st = expect_map(parent, err);
  if (st != FS_OK) return st;
  *child = fs_cfg_child(parent, key);
  *present = fs_cfg_exists(*child);
  if (!*present && required) return fs_cfg_error(parent, err, "missing key \"%s\"", key);
  return FS_OK;
}

/* The scalar text of a value, or an error "<expected>, got a mapping" at it. */
static fs_status scalar_or_error(fs_cfg_node v, const char *expected, const char **text,
                                 fs_error *err) {
  *text = fs_cfg_scalar(v);
  if (*text != NULL) return FS_OK;
  char got[FS_ERROR_MSG_LEN / 2];
  describe_node(handle_node(v), got, sizeof got);
  return fs_cfg_error(v, err, "%s, got %s", expected, got);
}

fs_status fs_cfg_get_quantity(fs_cfg_node parent, const char *key, fs_unit_kind kind, bool required,
                              double *out, fs_error *err) {
  fs_cfg_node v;
  bool present;
  const char *text;
  fs_error uerr;
  fs_status st = lookup(parent, key, required, &v, &present, err);
  if (st != FS_OK || !present) return st;
  char expected[256];
  fs_unit_kind_expected(kind, expected, sizeof expected);
  st = scalar_or_error(v, expected, &text, err);
  if (st != FS_OK) return st;
  double value;
  if (fs_units_parse(text, kind, &value, &uerr) != FS_OK)
    return fs_cfg_error(v, err, "%s", uerr.msg);
  *out = value;
  return FS_OK;
}

static bool parse_long(const char *text, long *value) {
  char *end;
  errno = 0;
  if (!(isdigit((unsigned char)text[0]) ||
        ((text[0] == '-' || text[0] == '+') && isdigit((unsigned char)text[1]))))
    return false;
  *value = strtol(text, &end, 10);
  return *end == '\0' && errno == 0;
}

fs_status fs_cfg_get_int(fs_cfg_node parent, const char *key, long min, long max, bool required,
                         long *out, fs_error *err) {
  fs_cfg_node v;
  bool present;
  const char *text;
  char expected[128];
  snprintf(expected, sizeof expected, "expected an integer between %ld and %ld", min, max);
  fs_status st = lookup(parent, key, required, &v, &present, err);
  if (st != FS_OK || !present) return st;
  st = scalar_or_error(v, expected, &text, err);
  long value = 0;
  if (st == FS_OK && (!parse_long(text, &value) || value < min || value > max))
    st = fs_cfg_error(v, err, "%s, got \"%s\"", expected, text);
  if (st == FS_OK) *out = value;
  return st;
}

static bool equals_ci(const char *a, const char *b) {
  return strcasecmp(a, b) == 0;
}

fs_status fs_cfg_get_bool(fs_cfg_node parent, const char *key, bool required, bool *out,
                          fs_error *err) {
  static const char *const yes[] = {"true", "yes", "on"};
  static const char *const no[] = {"false", "no", "off"};
  fs_cfg_node v;
  bool present;
  const char *text;
  fs_status st = lookup(parent, key, required, &v, &present, err);
  if (st != FS_OK || !present) return st;
  st = scalar_or_error(v, "expected true or false", &text, err);
  for (size_t i = 0; st == FS_OK && i < 3; i++) {
    if (equals_ci(text, yes[i]) || equals_ci(text, no[i])) {
      *out = equals_ci(text, yes[i]);
      return FS_OK;
    }
  }
  if (st == FS_OK) st = fs_cfg_error(v, err, "expected true or false, got \"%s\"", text);
  return st;
}

fs_status fs_cfg_get_string(fs_cfg_node parent, const char *key, bool required, const char **out,
                            fs_error *err) {
  fs_cfg_node v;
  bool present;
  const char *text;
  fs_status st = lookup(parent, key, required, &v, &present, err);
  if (st != FS_OK || !present) return st;
  st = scalar_or_error(v, "expected a string", &text, err);
  if (st == FS_OK) *out = text;
  return st;
}

fs_status fs_cfg_get_choice(fs_cfg_node parent, const char *key, const char *const *choices,
                            size_t n_choices, bool required, size_t *index, fs_error *err) {
  fs_cfg_node v;
  bool present;
  const char *text;
  char expected[FS_ERROR_MSG_LEN / 2];
  fs_status st = lookup(parent, key, required, &v, &present, err);
  if (st != FS_OK || !present) return st;
  int used = snprintf(expected, sizeof expected, "expected one of ");
  join_names(expected + used, sizeof expected - (size_t)used, choices, n_choices, true);
  st = scalar_or_error(v, expected, &text, err);
  if (st != FS_OK) return st;
  for (size_t i = 0; i < n_choices; i++) {
    if (choices[i] != NULL && strcmp(choices[i], text) == 0) {
      *index = i;
      return FS_OK;
    }
  }
  const char *close = fs_registry_closest(text, choices, n_choices);
  if (close != NULL)
    return fs_cfg_error(v, err, "%s, got \"%s\" (did you mean \"%s\"?)", expected, text, close);
  return fs_cfg_error(v, err, "%s, got \"%s\"", expected, text);
}
