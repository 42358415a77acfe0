/* registry.c - finding a model by name in a registry (a table of descriptors whose first
 * member is the name), and the "did you mean" of every unknown name. */
#include <fearsim/registry.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* --- "did you mean" -------------------------------------------------------------------- */

#define MAX_NAME 128

/* Edit distance, case-insensitive; words longer than MAX_NAME count as far apart. */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t prev[MAX_NAME + 1], cur[MAX_NAME + 1];
  if (la > MAX_NAME || lb > MAX_NAME) return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      size_t best = prev[j - 1] + cost;
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      cur[j] = best;
    }
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb];
}

static bool is_prefix_ci(const char *prefix, const char *s) {
  for (; *prefix != '\0'; prefix++, s++)
    if (tolower((unsigned char)*prefix) != tolower((unsigned char)*s)) return false;
  return true;
}

/* Close means an edit distance of at most max(1, len/3); failing that, a word of three or
 * more letters that starts a name ("lif" for "lif_cond") also counts. */
const char *fs_registry_closest(const char *word, const char *const *names, size_t n_names) {
  if (word == NULL || names == NULL) return NULL;
  size_t len = strlen(word);
  size_t limit = len / 3 > 1 ? len / 3 : 1;
  const char *best = NULL;
  size_t best_d = SIZE_MAX;
  for (size_t i = 0; i < n_names; i++) {
    size_t d = names[i] != NULL ? edit_distance(word, names[i]) : SIZE_MAX;
    if (d <= limit && d < best_d) best = names[i], best_d = d;
  }
  for (size_t i = 0; best == NULL && len >= 3 && i < n_names; i++)
    if (names[i] != NULL && is_prefix_ci(word, names[i])) best = names[i];
  return best;
}

fs_status fs_registry_unknown(fs_error *err, const char *what, const char *name,
                              const char *const *names, size_t n_names) {
  const char *close = name ? fs_registry_closest(name, names, n_names) : NULL;
  if (close)
    return fs_error_set(err, FS_ERR_INPUT, "unknown %s \"%s\" (did you mean \"%s\"?)", what, name,
                        close);
  char known[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < n_names && used < sizeof known; i++)
    used +=
        (size_t)snprintf(known + used, sizeof known - used, "%s\"%s\"", i ? ", " : "", names[i]);
  return fs_error_set(err, FS_ERR_INPUT, "unknown %s \"%s\" (known: %s)", what, name ? name : "",
                      known);
}

const void *fs_registry_find(const void *const *table, size_t n, const char *what, const char *name,
                             fs_error *err) {
  const char *names[FS_REGISTRY_MAX];
  for (size_t i = 0; i < n && i < FS_REGISTRY_MAX; i++) {
    names[i] = *(const char *const *)table[i];
    if (name != NULL && strcmp(names[i], name) == 0) return table[i];
  }
  fs_registry_unknown(err, what, name, names, n < FS_REGISTRY_MAX ? n : FS_REGISTRY_MAX);
  return NULL;
}
