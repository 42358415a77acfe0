/* spikecsv.c - the spike-time CSV reader: a whole-file parse with exact line numbers, no
 * limit on a line's length, and every value checked before it reaches the network. */
#include <fearsim/fileio.h>
#include <fearsim/spikecsv.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_LEN 60 /* the part of a bad line that a message repeats */

typedef struct csv_line {
  const char *name;
  long number;
  const char *text; /* the line without its comment and line end */
  size_t len;
} csv_line;

static fs_status line_error(const csv_line *l, fs_error *err, const char *what) {
  char quote[QUOTE_LEN + 4];
  size_t n = l->len < QUOTE_LEN ? l->len : QUOTE_LEN;
  for (size_t i = 0; i < n; i++) /* NULs and control bytes would cut or garble the message */
    quote[i] = isprint((unsigned char)l->text[i]) ? l->text[i] : '?';
  snprintf(quote + n, sizeof quote - n, "%s", l->len > n ? "..." : "");
  return fs_error_set(err, FS_ERR_INPUT, "%s:%ld: %s, got \"%s\"", l->name, l->number, what, quote);
}

static bool is_blank(const csv_line *l) {
  for (size_t i = 0; i < l->len; i++)
    if (!isspace((unsigned char)l->text[i])) return false;
  return true;
}

/* Copies the trimmed line into buf (which the line's length bounds); false if too long. */
static bool trimmed(const csv_line *l, char *buf, size_t cap) {
  size_t a = 0, b = l->len;
  while (a < b && isspace((unsigned char)l->text[a]))
    a++;
  while (b > a && isspace((unsigned char)l->text[b - 1]))
    b--;
  if (b - a >= cap) return false;
  memcpy(buf, l->text + a, b - a);
  buf[b - a] = '\0';
  return true;
}

/* A header names the columns; its second one gives the unit of the times (1 or 1e-3 s). */
static fs_status read_header(const csv_line *l, double *unit, fs_error *err) {
  char buf[64], *comma;
  if (trimmed(l, buf, sizeof buf) && (comma = strchr(buf, ',')) != NULL) {
    char *first = buf, *second = comma + 1;
    *comma = '\0';
    while (comma > buf && isspace((unsigned char)comma[-1]))
      *--comma = '\0';
    while (isspace((unsigned char)*second))
      second++;
    if (strcmp(first, "node_id") == 0 && strcmp(second, "time_s") == 0) {
      *unit = 1.0;
      return FS_OK;
    }
    if (strcmp(first, "node_id") == 0 && strcmp(second, "time_ms") == 0) {
      *unit = 1e-3;
      return FS_OK;
    }
  }
  return line_error(l, err, "expected a header \"node_id,time_s\" or \"node_id,time_ms\"");
}

static fs_status read_spike(const csv_line *l, double unit, const fs_spikecsv_limits *lim,
                            fs_spikecsv_sink sink, void *arg, fs_error *err) {
  char buf[128], *end;
  if (!trimmed(l, buf, sizeof buf) || !isdigit((unsigned char)buf[0]))
    return line_error(l, err, "expected \"node_id,time\"");
  errno = 0;
  unsigned long long node = strtoull(buf, &end, 10);
  while (isspace((unsigned char)*end))
    end++;
  if (errno != 0 || *end != ',') return line_error(l, err, "expected \"node_id,time\"");
  if (node >= lim->n_nodes) {
    char what[96];
    snprintf(what, sizeof what, "node_id must lie below the input's size %llu",
             (unsigned long long)lim->n_nodes);
    return line_error(l, err, what);
  }
  const char *t_text = end + 1;
  double t = strtod(t_text, &end);
  while (isspace((unsigned char)*end))
    end++;
  if (end == t_text || *end != '\0') return line_error(l, err, "expected \"node_id,time\"");
  if (!isfinite(t) || t < 0) return line_error(l, err, "the time must be a finite number >= 0");
  double step = round(t * unit / lim->dt);
  if (!(step < (double)lim->n_steps)) {
    char what[96];
    snprintf(what, sizeof what, "the time must fall within the run (before %g s)",
             (double)lim->n_steps * lim->dt);
    return line_error(l, err, what);
  }
  return sink(arg, (uint64_t)node, (int64_t)step, err);
}

fs_status fs_spikecsv_parse(const char *name, const char *text, size_t len,
                            const fs_spikecsv_limits *lim, fs_spikecsv_sink sink, void *arg,
                            fs_error *err) {
  double unit = 1.0;
  bool first = true;
  csv_line l = {name, 0, text, 0};
  for (size_t at = 0; at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t end = nl != NULL ? (size_t)(nl - text) : len;
    l.number++;
    l.text = text + at;
    l.len = end - at;
    at = end + 1;
    if (memchr(l.text, '\0', l.len) != NULL)
      return line_error(&l, err, "a NUL byte (the file must be text)");
    const char *hash = memchr(l.text, '#', l.len);
    if (hash != NULL) l.len = (size_t)(hash - l.text);
    if (is_blank(&l)) continue;
    fs_status st;
    if (first && isalpha((unsigned char)l.text[strspn(l.text, " \t")]))
      st = read_header(&l, &unit, err);
    else
      st = read_spike(&l, unit, lim, sink, arg, err);
    if (st != FS_OK) return st;
    first = false;
  }
  return FS_OK;
}

fs_status fs_spikecsv_read(const char *path, const fs_spikecsv_limits *lim, fs_spikecsv_sink sink,
                           void *arg, fs_error *err) {
  char *text = NULL;
  size_t len = 0;
  fs_status st = fs_fileio_read_regular(path, FS_SPIKECSV_MAX_BYTES, &text, &len, err);
  if (st == FS_OK) st = fs_spikecsv_parse(path, text, len, lim, sink, arg, err);
  free(text);
  return st;
}
