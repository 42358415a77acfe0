/* record_reader.c - the reader of the record module: what a finished result file holds, for
 * `fearsim info`, and whole datasets of a result for the outcomes of a sweep. */
#define _POSIX_C_SOURCE 200809L

#include "record_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- info ------------------------------------------------------------------------------ */

typedef struct sbuf {
  char *data;
  size_t len, cap;
  bool failed;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *sb, const char *fmt, ...) {
  va_list ap;
  if (sb->failed) return;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || sb->len + (size_t)n + 1 > sb->cap) {
    size_t cap = 2 * (sb->len + (size_t)(n < 0 ? 0 : n) + 1) + 256;
    char *p = n < 0 ? NULL : realloc(sb->data, cap);
    if (p == NULL) {
      sb->failed = true;
      return;
    }
    sb->data = p;
    sb->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, ap);
  va_end(ap);
  sb->len += (size_t)n;
}

static void info_string(sbuf *sb, hid_t file, const char *label, const char *attr) {
  char v[PATH_LEN];
  if (!fs_rec_read_attr_string(file, attr, v, sizeof v)) snprintf(v, sizeof v, "?");
  sb_printf(sb, "%-12s %s\n", label, v);
}

static void info_double(sbuf *sb, hid_t file, const char *label, const char *attr) {
  char uname[ATTR_NAME_MAX], units[64];
  double v;
  snprintf(uname, sizeof uname, "%s_units", attr);
  fs_rec_read_attr_string(file, uname, units, sizeof units);
  if (fs_rec_read_attr_num(file, attr, H5T_NATIVE_DOUBLE, &v))
    sb_printf(sb, "%-12s %g %s\n", label, v, units);
  else
    sb_printf(sb, "%-12s ?\n", label);
}

static void info_meta(sbuf *sb, hid_t file, const char *path) {
  char version[64], commit[64];
  uint64_t seed;
  int threads, ranks;
  fs_rec_read_attr_string(file, "fearsim_version", version, sizeof version);
  fs_rec_read_attr_string(file, "git_commit", commit, sizeof commit);
  sb_printf(sb, "%-12s %s\n", "file:", path);
  sb_printf(sb, "%-12s %s (commit %s)\n", "fearsim:", version, commit);
  info_string(sb, file, "experiment:", "experiment_file");
  if (fs_rec_read_attr_num(file, "seed", H5T_NATIVE_UINT64, &seed))
    sb_printf(sb, "%-12s %" PRIu64 "\n", "seed:", seed);
  if (fs_rec_read_attr_num(file, "threads", H5T_NATIVE_INT, &threads) &&
      fs_rec_read_attr_num(file, "ranks", H5T_NATIVE_INT, &ranks))
    sb_printf(sb, "%-12s %d (MPI ranks: %d)\n", "threads:", threads, ranks);
  info_double(sb, file, "dt:", "dt");
  info_double(sb, file, "duration:", "duration");
  info_string(sb, file, "start time:", "start_time");
  info_string(sb, file, "end time:", "end_time");
}

static bool dataset_length(hid_t file, const char *path, hsize_t *n) {
  hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID;
  bool ok = false;
  if (fs_rec_path_exists(file, path) && (ds = H5Dopen2(file, path, H5P_DEFAULT)) >= 0 &&
      (space = H5Dget_space(ds)) >= 0)
    ok = H5Sget_simple_extent_ndims(space) == 1 && H5Sget_simple_extent_dims(space, n, NULL) == 1;
  if (space >= 0) H5Sclose(space);
  if (ds >= 0) H5Dclose(ds);
  return ok;
}

typedef struct info_ctx {
  sbuf *sb;
  hid_t file;
  double duration;
} info_ctx;

static herr_t info_population(hid_t group, const char *name, const link_info *li, void *data) {
  info_ctx *ctx = data;
  char model[128], kind[32], path[PATH_LEN];
  uint64_t size = 0;
  hsize_t spikes;
  hid_t pop = H5Gopen2(group, name, H5P_DEFAULT);
  (void)li;
  if (pop < 0) return 0;
  fs_rec_read_attr_num(pop, "size", H5T_NATIVE_UINT64, &size);
  fs_rec_read_attr_string(pop, "model", model, sizeof model);
  fs_rec_read_attr_string(pop, "kind", kind, sizeof kind);
  H5Gclose(pop);
  sb_printf(ctx->sb, "  %-12s size %" PRIu64 ", model %s, kind %s: ", name, size, model, kind);
  snprintf(path, sizeof path, "/spikes/%s/timestamps", name);
  if (!dataset_length(ctx->file, path, &spikes))
    sb_printf(ctx->sb, "spikes not recorded\n");
  else if (size > 0 && ctx->duration > 0)
    sb_printf(ctx->sb, "%llu spikes, mean rate %.4g Hz\n", (unsigned long long)spikes,
              (double)spikes / (double)size / ctx->duration);
  else
    sb_printf(ctx->sb, "%llu spikes\n", (unsigned long long)spikes);
  return 0;
}

static const char *type_name(hid_t type) {
  size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
  case H5T_FLOAT:
    return size == 8 ? "float64" : size == 4 ? "float32" : "float";
  case H5T_INTEGER:
    if (H5Tget_sign(type) == H5T_SGN_NONE)
      return size == 8 ? "uint64" : size == 4 ? "uint32" : size == 1 ? "uint8" : "uint";
    return size == 8 ? "int64" : size == 4 ? "int32" : size == 1 ? "int8" : "int";
  case H5T_STRING:
    return "string";
  case H5T_ENUM:
    return "enum";
  default:
    return "other";
  }
}

static void info_dataset(sbuf *sb, hid_t ds, const char *name) {
  hsize_t dims[H5S_MAX_RANK];
  char shape[256] = "", units[64];
  hid_t space = H5Dget_space(ds), type = H5Dget_type(ds);
  int rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;
  size_t len = 0;
  for (int i = 0; i < rank && len < sizeof shape; i++)
    len += (size_t)snprintf(shape + len, sizeof shape - len, "%s%llu", i ? " x " : "",
                            (unsigned long long)dims[i]);
  if (!fs_rec_read_attr_string(ds, "units", units, sizeof units))
    snprintf(units, sizeof units, "(no units)");
  sb_printf(sb, "  /%-30s %-8s [%s]  %s\n", name, type >= 0 ? type_name(type) : "?", shape, units);
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
}

static herr_t info_object(hid_t root, const char *name, const link_info *li, void *data) {
  info_ctx *ctx = data;
  hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
  (void)li;
  if (obj < 0) return 0;
  /* a checkpoint's arrays are the program's, not results */
  if (H5Iget_type(obj) == H5I_DATASET && strncmp(name, "checkpoint/", 11) != 0)
    info_dataset(ctx->sb, obj, name);
  H5Oclose(obj);
  return 0;
}

static void info_body(sbuf *sb, hid_t file, const char *path) {
  info_ctx ctx = {sb, file, 0.0};
  info_meta(sb, file, path);
  fs_rec_read_attr_num(file, "duration", H5T_NATIVE_DOUBLE, &ctx.duration);
  sb_printf(sb, "populations:\n");
  if (fs_rec_path_exists(file, "/network"))
    (void)H5Literate_by_name(file, "/network", H5_INDEX_NAME, H5_ITER_INC, NULL, info_population,
                             &ctx, H5P_DEFAULT);
  sb_printf(sb, "datasets:\n");
  (void)H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, info_object, &ctx);
  for (int k = 0; k < 2; k++) {
    char slot[32];
    uint64_t serial = 0;
    double t = 0;
    snprintf(slot, sizeof slot, "/checkpoint/%s", fs_rec_slot_names[k]);
    hid_t g = fs_rec_path_exists(file, slot) ? H5Gopen2(file, slot, H5P_DEFAULT) : H5I_INVALID_HID;
    if (g >= 0 && fs_rec_read_attr_num(g, "serial", H5T_NATIVE_UINT64, &serial) &&
        fs_rec_read_attr_num(g, "t", H5T_NATIVE_DOUBLE, &t))
      sb_printf(sb,
                "%-12s %s, number %" PRIu64 ", at t = %g s (fearsim resume goes on from the "
                "newer one)\n",
                "checkpoint:", slot, serial, t);
    if (g >= 0) H5Gclose(g);
  }
}

static fs_status not_a_result(const char *path, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "\"%s\" is not a fearsim result file", path);
}

fs_status fs_record_reader_info(const char *path, char **text, fs_error *err) {
  fs_status st = FS_OK;
  hid_t file = H5I_INVALID_HID;
  sbuf sb = {NULL, 0, 0, false};
  struct stat stb;
  if (text == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_reader_info: path and text are required");
  *text = NULL;
  if (stat(path, &stb) != 0)
    return fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", path,
                        errno == ENOENT ? "no such file" : strerror(errno));
  fs_rec_silence();
  if (S_ISDIR(stb.st_mode) || H5Fis_hdf5(path) <= 0) return not_a_result(path, err);
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) { /* a damaged file is bad input, not a failure of this program */
    char detail[ATTR_NAME_MAX];
    fs_rec_h5_detail(detail);
    return fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\" is not a fearsim result file: HDF5 cannot read it (%s)", path,
                        detail[0] ? detail : "no reason given");
  }
  if (H5Aexists(file, "fearsim_version") <= 0 || H5Aexists(file, "experiment_yaml") <= 0) {
    st = not_a_result(path, err);
    goto cleanup;
  }
  info_body(&sb, file, path);
  if (sb.failed || sb.data == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory describing \"%s\"", path);
    goto cleanup;
  }
  *text = sb.data;
  sb.data = NULL;
cleanup:
  fs_rec_release(&file, path, &st, err);
  free(sb.data);
  return st;
}

/* ---- reading datasets back ------------------------------------------------------------- */

struct fs_record_reader {
  hid_t file;
};

fs_status fs_record_reader_open(const char *path, fs_record_reader **out, fs_error *err) {
  if (path == NULL || out == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_reader_open: bad argument");
  *out = NULL;
  fs_rec_silence();
  fs_record_reader *r = malloc(sizeof *r);
  if (r == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (r->file < 0) {
    free(r);
    return fs_error_set(err, FS_ERR_INPUT, "cannot open as HDF5");
  }
  *out = r;
  return FS_OK;
}

void fs_record_reader_free(fs_record_reader *r) {
  if (r == NULL) return;
  H5Fclose(r->file);
  free(r);
}

bool fs_record_reader_has(const fs_record_reader *r, const char *path) {
  fs_rec_silence();
  return H5Lexists(r->file, path, H5P_DEFAULT) > 0;
}

/* The `units` attribute of a dataset into units ("" if none). */
static void read_units(hid_t ds, char *units, size_t len) {
  units[0] = '\0';
  if (H5Aexists(ds, "units") <= 0) return;
  hid_t a = H5Aopen(ds, "units", H5P_DEFAULT);
  hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
  if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
    if (H5Tis_variable_str(t) > 0) {
      char *s = NULL;
      hid_t mt = H5Tcopy(t); /* same character set, or the read fails */
      if (H5Aread(a, mt, &s) >= 0 && s != NULL) snprintf(units, len, "%s", s);
      if (s != NULL) H5free_memory(s);
      H5Tclose(mt);
    } else {
      size_t n = H5Tget_size(t);
      char *buf = calloc(n + 1, 1);
      if (buf != NULL && H5Aread(a, t, buf) >= 0) snprintf(units, len, "%s", buf);
      free(buf);
    }
  }
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
}

fs_status fs_record_reader_read(const fs_record_reader *r, const char *path, double **v, size_t *n,
                                char *units, size_t ulen, fs_error *err) {
  fs_rec_silence();
  hid_t ds = H5Dopen2(r->file, path, H5P_DEFAULT);
  if (ds < 0) return fs_error_set(err, FS_ERR_INPUT, "cannot open %s", path);
  hid_t sp = H5Dget_space(ds);
  hid_t ty = H5Dget_type(ds);
  hsize_t dims[2] = {0, 0};
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  fs_status st = FS_OK;
  if (rank != 1 || H5Tget_class(ty) == H5T_STRING || H5Tget_class(ty) == H5T_COMPOUND) {
    st = fs_error_set(err, FS_ERR_INPUT, "%s is not a 1-D series of numbers", path);
  } else {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    *n = (size_t)dims[0];
    *v = malloc((*n + 1) * sizeof **v);
    if (*v == NULL || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) < 0)
      st = fs_error_set(err, FS_ERR_INPUT, "cannot read %s", path);
    if (units != NULL) read_units(ds, units, ulen);
  }
  H5Tclose(ty);
  H5Sclose(sp);
  H5Dclose(ds);
  return st;
}

typedef struct name_list {
  char **names;
  size_t n, cap;
} name_list;

#if H5_VERSION_GE(1, 12, 0)
typedef H5O_info2_t object_info;
#define VISIT(file, op, data)                                                                      \
  H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_NATIVE, op, data, H5O_INFO_BASIC)
#else
typedef H5O_info_t object_info;
#define VISIT(file, op, data)                                                                      \
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, op, data, H5O_INFO_BASIC)
#endif

static herr_t collect_dataset(hid_t obj, const char *name, const object_info *info, void *data) {
  (void)obj;
  name_list *l = data;
  if (info->type != H5O_TYPE_DATASET) return 0;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    char **grown = realloc(l->names, cap * sizeof *grown);
    if (grown == NULL) return -1;
    l->names = grown;
    l->cap = cap;
  }
  if ((l->names[l->n] = fs_rec_str_join("/", name, "")) == NULL) return -1;
  l->n++;
  return 0;
}

fs_status fs_record_reader_list(const fs_record_reader *r, char ***names, size_t *n,
                                fs_error *err) {
  name_list l = {NULL, 0, 0};
  fs_rec_silence();
  /* a visit that fails part way leaves the names found so far: enough for a suggestion */
  (void)VISIT(r->file, collect_dataset, &l);
  *names = fs_rec_pack_strings(l.names, l.n);
  *n = *names != NULL ? l.n : 0;
  for (size_t i = 0; i < l.n; i++)
    free(l.names[i]);
  free(l.names);
  return *names != NULL ? FS_OK : fs_error_set(err, FS_ERR_NOMEM, "out of memory");
}
