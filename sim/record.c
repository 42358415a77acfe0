/* record.c - the writer of the record module: one self-describing result file per run (SONATA
 * spikes, appendable series, whole arrays, attributes) written into OUT.h5.partial and renamed
 * on success; also reopens a checkpoint's datasets to resume, and writes sweep summary tables.
 * The checkpoint slots are record_checkpoint.c's, reading finished files record_reader.c's. */
#define _POSIX_C_SOURCE 200809L

#include "record_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FS_VERSION
#define FS_VERSION "unknown"
#endif
#include "fs_git_commit.h" /* FS_GIT_COMMIT, written at every build */

#include <hdf5_hl.h> /* H5DS: dimension scales */

/* The layout of a result file, the root attribute format_version (see record.h): 2 since spike
 * times are in ms, /trials' indices integers and series attached to their time axes. */
#define FORMAT_VERSION 2
#define MS_PER_S 1e3

/* ---- the output-field table ------------------------------------------------------------ */

typedef enum field_type { FIELD_F64, FIELD_U64, FIELD_I64 } field_type;

typedef struct output_field {
  const char *pattern; /* '*' stands for one path component */
  field_type type;
  const char *units;       /* NULL: the writer passes them */
  const char *description; /* NULL: the writer passes it */
} output_field;

static const output_field output_fields[] = {
    /* milliseconds, the SONATA unit, which readers (BMTK's rates) use whatever `units` says */
    {"/spikes/*/timestamps", FIELD_F64, "ms", "spike times (SONATA spike format)"},
    {"/spikes/*/node_ids", FIELD_U64, "1",
     "id within its population of the node that spiked (SONATA spike format)"},
    {"/rates/time", FIELD_F64, "s", "start time of each rate bin"},
    {"/rates/*", FIELD_F64, "Hz", "population firing rate per bin"},
    {"/timeline/*", FIELD_F64, NULL, NULL},
    {"/snapshots/*/*/pre", FIELD_U64, "1", "presynaptic node id of each synapse"},
    {"/snapshots/*/*/post", FIELD_U64, "1", "postsynaptic node id of each synapse"},
    {"/snapshots/*/*/*", FIELD_F64, NULL, NULL}, /* the engine passes each field's units */
    {"/trials/day", FIELD_I64, "1", NULL},
    {"/trials/session", FIELD_I64, "1", NULL},
    {"/trials/trial", FIELD_I64, "1", NULL},
    {"/trials/context", FIELD_I64, "1", NULL},
    {"/trials/kind", FIELD_I64, "1", NULL},
    {"/trials/*", FIELD_F64, NULL, NULL},
};

/* The groups whose `time` dataset is the dimension scale of every other series in them. */
static const char *const time_axis_groups[] = {"/timeline", "/rates"};

/* ---- small helpers --------------------------------------------------------------------- */

char *fs_rec_str_join(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *s = malloc(la + lb + lc + 1);
  if (s == NULL) return NULL;
  memcpy(s, a, la);
  memcpy(s + la, b, lb);
  memcpy(s + la + lb, c, lc + 1);
  return s;
}

static void *grow_array(void *arr, size_t *cap, size_t n, size_t elem) {
  if (n < *cap) return arr;
  size_t new_cap = *cap ? 2 * *cap : 8;
  void *p = realloc(arr, new_cap * elem);
  if (p != NULL) *cap = new_cap;
  return p;
}

/* HDF5's file drivers describe a failed system call over several lines ("file write failed:
 * time = ..., errno = 28, error message = ..."); a message keeps one line: what failed and
 * the system's reason ("file write failed: No space left on device"). */
static herr_t innermost_error(unsigned n, const H5E_error2_t *e, void *data) {
  char *out = data;
  const char *errno_at = fs_rec_is_set(e->desc) ? strstr(e->desc, "errno = ") : NULL;
  (void)n;
  if (!fs_rec_is_set(e->desc)) return 0;
  if (errno_at != NULL)
    snprintf(out, ATTR_NAME_MAX, "%.*s: %s", (int)strcspn(e->desc, ":\n"), e->desc,
             strerror(atoi(errno_at + strlen("errno = "))));
  else
    snprintf(out, ATTR_NAME_MAX, "%s", e->desc);
  for (char *c = out; *c != '\0'; c++)
    if (*c == '\n' || *c == '\r') *c = ' ';
  return 0;
}

/* The innermost HDF5 error description ("" if none). Must run before any other HDF5 call,
 * which would clear the error stack. */
void fs_rec_h5_detail(char detail[ATTR_NAME_MAX]) {
  detail[0] = '\0';
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost_error, detail);
}

/* FS_ERR_HDF5 with the caller's message and the innermost HDF5 error description. */
__attribute__((format(printf, 2, 3))) fs_status fs_rec_h5_fail(fs_error *err, const char *fmt,
                                                               ...) {
  char what[FS_ERROR_MSG_LEN], detail[ATTR_NAME_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  fs_rec_h5_detail(detail);
  if (detail[0] != '\0') return fs_error_set(err, FS_ERR_HDF5, "%s: %s", what, detail);
  return fs_error_set(err, FS_ERR_HDF5, "%s", what);
}

static herr_t close_any(hid_t id) {
  switch (H5Iget_type(id)) {
  case H5I_FILE:
    return H5Fclose(id);
  case H5I_GROUP:
    return H5Gclose(id);
  case H5I_DATASET:
    return H5Dclose(id);
  case H5I_ATTR:
    return H5Aclose(id);
  case H5I_DATATYPE:
    return H5Tclose(id);
  case H5I_DATASPACE:
    return H5Sclose(id);
  case H5I_GENPROP_LST:
    return H5Pclose(id);
  default:
    return -1;
  }
}

/* Closes *id if valid; a failure is reported only if nothing failed before. */
void fs_rec_release(hid_t *id, const char *what, fs_status *st, fs_error *err) {
  if (*id < 0) return;
  if (close_any(*id) < 0 && *st == FS_OK) *st = fs_rec_h5_fail(err, "cannot close \"%s\"", what);
  *id = H5I_INVALID_HID;
}

/* A failed HDF5 write may leave the file inconsistent, so it must not be published. */
fs_status fs_rec_note(fs_record *rec, fs_status st) {
  if (st == FS_ERR_HDF5) rec->failed = true;
  return st;
}

/* A write function may run only on an open record whose earlier writes all succeeded. */
fs_status fs_rec_check_open(const fs_record *rec, const char *fn, fs_error *err) {
  if (rec == NULL || rec->file < 0)
    return fs_error_set(err, FS_ERR_INTERNAL, "%s: the record is not open", fn);
  if (rec->failed)
    return fs_error_set(err, FS_ERR_HDF5, "%s: an earlier write to \"%s\" failed", fn,
                        rec->partial);
  return FS_OK;
}

/* ---- output-field lookup --------------------------------------------------------------- */

static bool path_matches(const char *pat, const char *path) {
  while (*pat != '\0' && *path != '\0') {
    if (*pat == '*') {
      size_t k = strcspn(path, "/");
      if (k == 0) return false;
      path += k;
      pat++;
    } else if (*pat++ != *path++) {
      return false;
    }
  }
  return *pat == '\0' && *path == '\0';
}

static const output_field *find_field(const char *path) {
  for (size_t i = 0; i < sizeof output_fields / sizeof output_fields[0]; i++)
    if (path_matches(output_fields[i].pattern, path)) return &output_fields[i];
  return NULL;
}

/* Chooses the units and description of a dataset: the caller's, else the table's. Both must
 * end up non-empty, and the caller's units may not contradict the table's. */
static fs_status resolve_field(const char *path, field_type type, const char **units,
                               const char **desc, fs_error *err) {
  if (path == NULL || path[0] != '/' || path[1] == '\0')
    return fs_error_set(err, FS_ERR_INTERNAL, "dataset path \"%s\" is not an absolute path",
                        path ? path : "(null)");
  const output_field *f = find_field(path);
  if (f != NULL && f->type != type)
    return fs_error_set(err, FS_ERR_INTERNAL, "dataset \"%s\": type differs from the output table",
                        path);
  const char *tu = f ? f->units : NULL, *td = f ? f->description : NULL;
  if (fs_rec_is_set(*units) && fs_rec_is_set(tu) && strcmp(*units, tu) != 0)
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "dataset \"%s\": units \"%s\" differ from the output table's \"%s\"", path,
                        *units, tu);
  *units = fs_rec_is_set(*units) ? *units : tu;
  *desc = fs_rec_is_set(*desc) ? *desc : td;
  if (!fs_rec_is_set(*units) || !fs_rec_is_set(*desc))
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "dataset \"%s\" has no %s: pass it or add a row to the output table", path,
                        fs_rec_is_set(*units) ? "description" : "units");
  return FS_OK;
}

/* ---- attributes ------------------------------------------------------------------------ */

/* Writes (or replaces) a scalar attribute. */
/* An attribute of n values (n == 0: a scalar). */
static fs_status write_attr_n(hid_t obj, const char *obj_path, const char *name, hid_t ftype,
                              hid_t mtype, const void *value, size_t n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
  htri_t exists;
  TRY_H5(exists = H5Aexists(obj, name), "cannot write attribute \"%s\" of \"%s\"", name, obj_path);
  if (exists > 0)
    TRY_H5(H5Adelete(obj, name), "cannot replace attribute \"%s\" of \"%s\"", name, obj_path);
  hsize_t dim = n;
  TRY_H5(space = n ? H5Screate_simple(1, &dim, NULL) : H5Screate(H5S_SCALAR),
         "cannot write attribute \"%s\" of \"%s\"", name, obj_path);
  TRY_H5(attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT),
         "cannot write attribute \"%s\" of \"%s\"", name, obj_path);
  TRY_H5(H5Awrite(attr, mtype, value), "cannot write attribute \"%s\" of \"%s\"", name, obj_path);
cleanup:
  fs_rec_release(&attr, obj_path, &st, err);
  fs_rec_release(&space, obj_path, &st, err);
  return st;
}

fs_status fs_rec_write_attr(hid_t obj, const char *obj_path, const char *name, hid_t ftype,
                            hid_t mtype, const void *value, fs_error *err) {
  return write_attr_n(obj, obj_path, name, ftype, mtype, value, 0, err);
}

/* Variable-length UTF-8 strings: one (n == 0: a scalar) or a list of n. */
static fs_status write_attr_strings(hid_t obj, const char *obj_path, const char *name,
                                    const char *const *v, size_t n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t type = H5I_INVALID_HID;
  TRY_H5(type = H5Tcopy(H5T_C_S1), "cannot write attribute \"%s\" of \"%s\"", name, obj_path);
  TRY_H5(H5Tset_size(type, H5T_VARIABLE), "cannot write attribute \"%s\" of \"%s\"", name,
         obj_path);
  TRY_H5(H5Tset_cset(type, H5T_CSET_UTF8), "cannot write attribute \"%s\" of \"%s\"", name,
         obj_path);
  FS_TRY(write_attr_n(obj, obj_path, name, type, type, v, n, err));
cleanup:
  fs_rec_release(&type, obj_path, &st, err);
  return st;
}

/* Variable-length UTF-8 string; NULL is written as "". */
static fs_status write_attr_string(hid_t obj, const char *obj_path, const char *name,
                                   const char *value, fs_error *err) {
  const char *v = value ? value : "";
  return write_attr_strings(obj, obj_path, name, &v, 0, err);
}

/* A double attribute and, if units is given, its "<name>_units" companion. */
static fs_status write_attr_double(hid_t obj, const char *obj_path, const char *name, double value,
                                   const char *units, fs_error *err) {
  char uname[ATTR_NAME_MAX];
  if ((size_t)snprintf(uname, sizeof uname, "%s_units", name) >= sizeof uname)
    return fs_error_set(err, FS_ERR_INTERNAL, "attribute name \"%s\" is too long", name);
  fs_status st =
      fs_rec_write_attr(obj, obj_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, err);
  if (st == FS_OK && units != NULL) st = write_attr_string(obj, obj_path, uname, units, err);
  return st;
}

/* SONATA: `sorting` is an enum attribute with none=0, by_id=1, by_time=2. */
static fs_status write_sorting_by_time(hid_t group, const char *path, fs_error *err) {
  static const char *const names[] = {"none", "by_id", "by_time"};
  fs_status st = FS_OK;
  hid_t type = H5I_INVALID_HID;
  TRY_H5(type = H5Tenum_create(H5T_STD_U8LE), "cannot write attribute \"sorting\" of \"%s\"", path);
  for (uint8_t v = 0; v < 3; v++)
    TRY_H5(H5Tenum_insert(type, names[v], &v), "cannot write attribute \"sorting\" of \"%s\"",
           path);
  uint8_t by_time = 2;
  FS_TRY(fs_rec_write_attr(group, path, "sorting", type, type, &by_time, err));
cleanup:
  fs_rec_release(&type, path, &st, err);
  return st;
}

/* ---- datasets -------------------------------------------------------------------------- */

typedef struct dataset_spec {
  const char *path;
  field_type type;
  hsize_t size, max_size, chunk;
  const char *units, *description;
} dataset_spec;

static hid_t file_type(field_type t) {
  return t == FIELD_F64 ? H5T_IEEE_F64LE : t == FIELD_U64 ? H5T_STD_U64LE : H5T_STD_I64LE;
}

/* Chunked, shuffled and deflated 1-D dataset with its units and description; parent groups
 * are created as needed. */
static fs_status create_dataset(hid_t file, const dataset_spec *d, hid_t *out, fs_error *err) {
  fs_status st = FS_OK;
  hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, lcpl = H5I_INVALID_HID;
  hid_t ds = H5I_INVALID_HID;
  const char *p = d->path;
  TRY_H5(space = H5Screate_simple(1, &d->size, &d->max_size), "cannot create dataset \"%s\"", p);
  TRY_H5(dcpl = H5Pcreate(H5P_DATASET_CREATE), "cannot create dataset \"%s\"", p);
  TRY_H5(H5Pset_chunk(dcpl, 1, &d->chunk), "cannot create dataset \"%s\"", p);
  TRY_H5(H5Pset_shuffle(dcpl), "cannot create dataset \"%s\"", p);
  TRY_H5(H5Pset_deflate(dcpl, DEFLATE_LEVEL), "cannot create dataset \"%s\"", p);
  TRY_H5(lcpl = H5Pcreate(H5P_LINK_CREATE), "cannot create dataset \"%s\"", p);
  TRY_H5(H5Pset_create_intermediate_group(lcpl, 1), "cannot create dataset \"%s\"", p);
  TRY_H5(ds = H5Dcreate2(file, p, file_type(d->type), space, lcpl, dcpl, H5P_DEFAULT),
         "cannot create dataset \"%s\"", p);
  FS_TRY(write_attr_string(ds, p, "units", d->units, err));
  FS_TRY(write_attr_string(ds, p, "description", d->description, err));
  *out = ds;
  ds = H5I_INVALID_HID;
cleanup:
  fs_rec_release(&ds, p, &st, err);
  fs_rec_release(&lcpl, p, &st, err);
  fs_rec_release(&dcpl, p, &st, err);
  fs_rec_release(&space, p, &st, err);
  return st;
}

/* Writes n elements at [start, start+n) of an appendable dataset, growing it first. */
static fs_status append_block(hid_t ds, const char *path, hsize_t start, hid_t mtype,
                              const void *buf, size_t n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
  hsize_t count = n, total = start + n;
  if (n == 0) return FS_OK;
  TRY_H5(H5Dset_extent(ds, &total), "cannot extend dataset \"%s\"", path);
  TRY_H5(fspace = H5Dget_space(ds), "cannot append to dataset \"%s\"", path);
  TRY_H5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL),
         "cannot append to dataset \"%s\"", path);
  TRY_H5(mspace = H5Screate_simple(1, &count, NULL), "cannot append to dataset \"%s\"", path);
  TRY_H5(H5Dwrite(ds, mtype, mspace, fspace, H5P_DEFAULT, buf), "cannot append to dataset \"%s\"",
         path);
cleanup:
  fs_rec_release(&mspace, path, &st, err);
  fs_rec_release(&fspace, path, &st, err);
  return st;
}

/* ---- output file checks ---------------------------------------------------------------- */

static void parent_dir(const char *path, char *dir, size_t len) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL) {
    snprintf(dir, len, ".");
    return;
  }
  size_t n = (size_t)(slash - path);
  while (n > 0 && path[n - 1] == '/') /* "a//b" */
    n--;
  if (n == 0) {
    snprintf(dir, len, "/");
    return;
  }
  snprintf(dir, len, "%.*s", (int)n, path);
}

static fs_status check_parent(const char *path, fs_error *err) {
  char dir[PATH_LEN];
  struct stat sb;
  parent_dir(path, dir, sizeof dir);
  if (stat(dir, &sb) != 0) {
    if (errno == ENOENT)
      return fs_error_set(err, FS_ERR_INPUT, "cannot write \"%s\": directory \"%s\" does not exist",
                          path, dir);
    return fs_error_set(err, FS_ERR_INPUT, "cannot write \"%s\": %s", path, strerror(errno));
  }
  if (!S_ISDIR(sb.st_mode))
    return fs_error_set(err, FS_ERR_INPUT, "cannot write \"%s\": \"%s\" is not a directory", path,
                        dir);
  if (access(dir, W_OK | X_OK) != 0)
    return fs_error_set(err, FS_ERR_INPUT, "cannot write \"%s\": directory \"%s\" is not writable",
                        path, dir);
  return FS_OK;
}

fs_status fs_record_check_output(const char *path, bool force, fs_error *err) {
  struct stat sb;
  if (!fs_rec_is_set(path)) return fs_error_set(err, FS_ERR_INPUT, "no output file given");
  if (strlen(path) + sizeof ".partial" > PATH_LEN)
    return fs_error_set(err, FS_ERR_INPUT, "output path \"%.64s...\" is too long", path);
  const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
  if (strlen(base) + strlen(".partial.compact") > NAME_MAX) /* the longest name written */
    return fs_error_set(err, FS_ERR_INPUT,
                        "output file name \"%.64s...\" is too long: at most %d bytes", base,
                        NAME_MAX - (int)strlen(".partial.compact"));
  fs_status st = check_parent(path, err);
  if (st != FS_OK) return st;
  if (stat(path, &sb) != 0) return FS_OK;
  if (S_ISDIR(sb.st_mode))
    return fs_error_set(err, FS_ERR_INPUT, "output \"%s\" is a directory", path);
  if (!force)
    return fs_error_set(err, FS_ERR_INPUT, "output \"%s\" exists (use --force to overwrite it)",
                        path);
  return FS_OK;
}

static fs_status stale_partial(const char *partial, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\" exists: another run may be writing it (use --force to replace it)",
                      partial);
}

static fs_status remove_stale_partial(const char *partial, bool force, fs_error *err) {
  struct stat sb;
  if (lstat(partial, &sb) != 0) return FS_OK;
  if (!force) return stale_partial(partial, err);
  if (unlink(partial) != 0)
    return fs_error_set(err, FS_ERR_IO, "cannot remove \"%s\": %s", partial, strerror(errno));
  return FS_OK;
}

/* ---- create ---------------------------------------------------------------------------- */

fs_status fs_rec_alloc(const char *path, bool force, fs_record **out, fs_error *err) {
  fs_record *rec = calloc(1, sizeof *rec);
  if (rec == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory creating the record for \"%s\"", path);
  rec->file = H5I_INVALID_HID;
  rec->force = force;
  rec->slot_index = -1;
  rec->path = fs_rec_str_join(path, "", "");
  rec->partial = fs_rec_str_join(path, ".partial", "");
  *out = rec;
  if (rec->path == NULL || rec->partial == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory creating the record for \"%s\"", path);
  return FS_OK;
}

/* File access for writing: the 1.8 format (readable by every HDF5 >= 1.8, h5py, SONATA tools,
 * and stable); closing fails while an object is open instead of silently deferring (SEMI); and
 * metadata stays in memory until a flush, so that between two checkpoints the file on disk
 * keeps the metadata of the last one (evictions off requires the adaptive resizing off). */
fs_status fs_rec_make_fapl(const char *path, hid_t *out, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fapl = H5I_INVALID_HID;
  H5AC_cache_config_t mdc;
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  TRY_H5(fapl = H5Pcreate(H5P_FILE_ACCESS), "cannot open \"%s\"", path);
  TRY_H5(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), "cannot open \"%s\"", path);
  TRY_H5(H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI), "cannot open \"%s\"", path);
  TRY_H5(H5Pget_mdc_config(fapl, &mdc), "cannot open \"%s\"", path);
  mdc.evictions_enabled = 0;
  mdc.incr_mode = H5C_incr__off;
  mdc.flash_incr_mode = H5C_flash_incr__off;
  mdc.decr_mode = H5C_decr__off;
  TRY_H5(H5Pset_mdc_config(fapl, &mdc), "cannot open \"%s\"", path);
  *out = fapl;
  fapl = H5I_INVALID_HID;
cleanup:
  fs_rec_release(&fapl, path, &st, err);
  return st;
}

static fs_status create_partial(fs_record *rec, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fapl = H5I_INVALID_HID;
  FS_TRY(fs_rec_make_fapl(rec->partial, &fapl, err));
  /* The file is claimed with O_EXCL before HDF5 writes into it, so that a create that fails
   * half-way (a full disk leaves 0 bytes) is known to be ours and removed, never mistaken for
   * another run's partial. */
  int fd = open(rec->partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST) FS_TRY(stale_partial(rec->partial, err));
  if (fd < 0)
    FS_TRY(fs_error_set(err, FS_ERR_IO, "cannot create \"%s\": %s", rec->partial, strerror(errno)));
  close(fd);
  rec->created = true;
  rec->file = H5Fcreate(rec->partial, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (rec->file < 0) FS_TRY(fs_rec_h5_fail(err, "cannot create \"%s\"", rec->partial));
cleanup:
  fs_rec_release(&fapl, rec->partial, &st, err);
  return st;
}

static fs_status write_root_attrs(hid_t f, const fs_record_meta *m, fs_error *err) {
  fs_status st = FS_OK;
  FS_TRY(write_attr_string(f, "/", "fearsim_version", FS_VERSION, err));
  FS_TRY(write_attr_string(f, "/", "git_commit", FS_GIT_COMMIT, err));
  uint64_t format = FORMAT_VERSION;
  FS_TRY(
      fs_rec_write_attr(f, "/", "format_version", H5T_STD_U64LE, H5T_NATIVE_UINT64, &format, err));
  FS_TRY(write_attr_string(f, "/", "experiment_file", m->experiment_file, err));
  FS_TRY(write_attr_string(f, "/", "experiment_yaml", m->experiment_yaml, err));
  FS_TRY(write_attr_string(f, "/", "start_time", m->start_time, err));
  FS_TRY(fs_rec_write_attr(f, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &m->seed, err));
  FS_TRY(fs_rec_write_attr(f, "/", "threads", H5T_STD_I32LE, H5T_NATIVE_INT, &m->threads, err));
  FS_TRY(fs_rec_write_attr(f, "/", "ranks", H5T_STD_I32LE, H5T_NATIVE_INT, &m->ranks, err));
  FS_TRY(write_attr_double(f, "/", "dt", m->dt, "s", err));
  FS_TRY(write_attr_double(f, "/", "duration", m->duration, "s", err));
cleanup:
  return st;
}

fs_status fs_record_create(const char *path, bool force, const fs_record_meta *meta,
                           fs_record **out, fs_error *err) {
  fs_status st = FS_OK;
  fs_record *rec = NULL;
  if (out == NULL || meta == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_create: out and meta are required");
  *out = NULL;
  FS_TRY(fs_record_check_output(path, force, err));
  fs_rec_silence();
  FS_TRY(fs_rec_alloc(path, force, &rec, err));
  FS_TRY(remove_stale_partial(rec->partial, force, err));
  FS_TRY(create_partial(rec, err));
  FS_TRY(write_root_attrs(rec->file, meta, err));
  *out = rec;
  rec = NULL;
cleanup:
  fs_record_free(rec);
  return st;
}

/* ---- populations and spikes ------------------------------------------------------------ */

static fs_status check_population(const fs_record *rec, const char *pop, const char *model,
                                  const char *kind, fs_error *err) {
  if (!fs_rec_is_set(pop) || strchr(pop, '/') != NULL || strcmp(pop, ".") == 0 ||
      strcmp(pop, "..") == 0 || strlen(pop) >= ATTR_NAME_MAX)
    return fs_error_set(err, FS_ERR_INTERNAL, "population name \"%s\" cannot name an HDF5 group",
                        pop ? pop : "(null)");
  if (!fs_rec_is_set(model))
    return fs_error_set(err, FS_ERR_INTERNAL, "population \"%s\" has no model", pop);
  if (kind == NULL || (strcmp(kind, "neuron") != 0 && strcmp(kind, "input") != 0))
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "population \"%s\": kind must be \"neuron\" or \"input\"", pop);
  for (size_t i = 0; i < rec->n_pops; i++)
    if (strcmp(rec->pops[i].name, pop) == 0)
      return fs_error_set(err, FS_ERR_INTERNAL, "population \"%s\" declared twice", pop);
  return FS_OK;
}

static void pop_release(rec_pop *p) {
  fs_status st = FS_OK;
  fs_rec_release(&p->t_ds, "", &st, NULL);
  fs_rec_release(&p->id_ds, "", &st, NULL);
  free(p->name);
  free(p->t_path);
  free(p->id_path);
  free(p->t_buf);
  free(p->id_buf);
}

/* All the memory a population needs, so that appending never allocates. */
static fs_status pop_alloc(rec_pop *p, const char *pop, uint64_t size, bool record, fs_error *err) {
  memset(p, 0, sizeof *p);
  p->t_ds = p->id_ds = H5I_INVALID_HID;
  p->size = size;
  p->t_last = -INFINITY;
  p->name = fs_rec_str_join(pop, "", "");
  if (record) {
    p->t_path = fs_rec_str_join("/spikes/", pop, "/timestamps");
    p->id_path = fs_rec_str_join("/spikes/", pop, "/node_ids");
    p->t_buf = malloc(SPIKE_BLOCK * sizeof *p->t_buf);
    p->id_buf = malloc(SPIKE_BLOCK * sizeof *p->id_buf);
  }
  if (p->name == NULL || (record && (p->t_path == NULL || p->id_path == NULL || p->t_buf == NULL ||
                                     p->id_buf == NULL)))
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory declaring population \"%s\"", pop);
  return FS_OK;
}

static fs_status write_network_group(hid_t file, const char *pop, const char *model,
                                     const char *kind, uint64_t size, fs_error *err) {
  fs_status st = FS_OK;
  hid_t lcpl = H5I_INVALID_HID, group = H5I_INVALID_HID;
  char path[ATTR_NAME_MAX + 16];
  snprintf(path, sizeof path, "/network/%s", pop);
  TRY_H5(lcpl = H5Pcreate(H5P_LINK_CREATE), "cannot create group \"%s\"", path);
  TRY_H5(H5Pset_create_intermediate_group(lcpl, 1), "cannot create group \"%s\"", path);
  TRY_H5(group = H5Gcreate2(file, path, lcpl, H5P_DEFAULT, H5P_DEFAULT),
         "cannot create group \"%s\"", path);
  FS_TRY(fs_rec_write_attr(group, path, "size", H5T_STD_U64LE, H5T_NATIVE_UINT64, &size, err));
  FS_TRY(write_attr_string(group, path, "model", model, err));
  FS_TRY(write_attr_string(group, path, "kind", kind, err));
cleanup:
  fs_rec_release(&group, path, &st, err);
  fs_rec_release(&lcpl, path, &st, err);
  return st;
}

static fs_status create_spike_datasets(hid_t file, rec_pop *p, fs_error *err) {
  fs_status st = FS_OK;
  hid_t group = H5I_INVALID_HID;
  char gpath[ATTR_NAME_MAX + 16];
  dataset_spec d = {p->t_path, FIELD_F64, 0, H5S_UNLIMITED, SPIKE_BLOCK, NULL, NULL};
  FS_TRY(resolve_field(d.path, d.type, &d.units, &d.description, err));
  FS_TRY(create_dataset(file, &d, &p->t_ds, err));
  d = (dataset_spec){p->id_path, FIELD_U64, 0, H5S_UNLIMITED, SPIKE_BLOCK, NULL, NULL};
  FS_TRY(resolve_field(d.path, d.type, &d.units, &d.description, err));
  FS_TRY(create_dataset(file, &d, &p->id_ds, err));
  snprintf(gpath, sizeof gpath, "/spikes/%s", p->name);
  TRY_H5(group = H5Gopen2(file, gpath, H5P_DEFAULT), "cannot open group \"%s\"", gpath);
  FS_TRY(write_sorting_by_time(group, gpath, err));
cleanup:
  fs_rec_release(&group, gpath, &st, err);
  return st;
}

/* ---- reopening for a resume ------------------------------------------------------------ */

static fs_status mismatch(const fs_record *rec, const char *what, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\": its checkpoint has no %s at this place: it does not match this "
                      "experiment",
                      rec->partial, what);
}

/* Opens an appendable dataset of a resumed file and cuts it back to the checkpoint's n rows. */
static fs_status reopen_dataset(const fs_record *rec, const char *path, hsize_t n, hid_t *out,
                                fs_error *err) {
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID;
  hsize_t have = 0;
  if (!fs_rec_path_exists(rec->file, path)) return mismatch(rec, path, err);
  TRY_H5(ds = H5Dopen2(rec->file, path, H5P_DEFAULT), "cannot open dataset \"%s\"", path);
  TRY_H5(space = H5Dget_space(ds), "cannot open dataset \"%s\"", path);
  if (H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_dims(space, &have, NULL) != 1 || have < n) {
    st = fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\": dataset %s has fewer rows than its checkpoint says: the file is "
                      "damaged",
                      rec->partial, path);
    goto cleanup;
  }
  TRY_H5(H5Dset_extent(ds, &n), "cannot cut dataset \"%s\" back to its checkpoint", path);
  *out = ds;
  ds = H5I_INVALID_HID;
cleanup:
  fs_rec_release(&space, path, &st, err);
  fs_rec_release(&ds, path, &st, err);
  return st;
}

/* Series number i of a resumed record: its dataset and the values it had buffered. */
static fs_status resume_series(fs_record *rec, size_t i, rec_series *s, fs_error *err) {
  resume_pos *rp = &rec->rp;
  if (i >= rp->n_series || rp->series_hash[i] != fs_rec_name_hash(s->path))
    return mismatch(rec, s->path, err);
  size_t k = rp->series_buf_n[i];
  if (k > SERIES_CHUNK) return mismatch(rec, s->path, err);
  fs_status st = reopen_dataset(rec, s->path, rp->series_n[i], &s->ds, err);
  if (st != FS_OK) return st;
  s->n = rp->series_n[i];
  memcpy(s->buf, rp->series_buf + rp->series_at, k * sizeof *s->buf);
  s->n_buf = k;
  rp->series_at += k;
  return FS_OK;
}

/* Population number i of a resumed record: its spike datasets and the spikes buffered. */
static fs_status resume_population(fs_record *rec, size_t i, rec_pop *p, fs_error *err) {
  resume_pos *rp = &rec->rp;
  char what[ATTR_NAME_MAX + 32];
  snprintf(what, sizeof what, "population %s", p->name);
  if (i >= rp->n_pops || rp->pop_hash[i] != fs_rec_name_hash(p->name))
    return mismatch(rec, what, err);
  size_t k = rp->spikes_buf_n[i];
  if (p->t_buf == NULL) return k == 0 && rp->spikes_n[i] == 0 ? FS_OK : mismatch(rec, what, err);
  if (k > SPIKE_BLOCK) return mismatch(rec, what, err);
  fs_status st = reopen_dataset(rec, p->t_path, rp->spikes_n[i], &p->t_ds, err);
  if (st == FS_OK) st = reopen_dataset(rec, p->id_path, rp->spikes_n[i], &p->id_ds, err);
  if (st != FS_OK) return st;
  p->n_written = rp->spikes_n[i];
  memcpy(p->t_buf, rp->spikes_t + rp->spikes_at, k * sizeof *p->t_buf);
  memcpy(p->id_buf, rp->spikes_id + rp->spikes_at, k * sizeof *p->id_buf);
  p->n_buf = k;
  p->t_last = rp->spikes_t_last[i];
  rp->spikes_at += k;
  return FS_OK;
}

fs_status fs_record_add_population(fs_record *rec, const char *pop, const char *model,
                                   const char *kind, uint64_t size, bool record_spikes,
                                   size_t *handle, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_add_population", err);
  if (st != FS_OK) return st;
  if (handle == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_add_population: handle is required");
  FS_TRY(check_population(rec, pop, model, kind, err));
  rec_pop *pops = grow_array(rec->pops, &rec->cap_pops, rec->n_pops, sizeof *pops);
  if (pops == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory declaring population \"%s\"", pop);
  rec->pops = pops;
  rec_pop *p = &rec->pops[rec->n_pops];
  fs_rec_silence();
  st = pop_alloc(p, pop, size, record_spikes, err);
  if (st == FS_OK && rec->resumed) st = resume_population(rec, rec->n_pops, p, err);
  if (st == FS_OK && !rec->resumed)
    st = write_network_group(rec->file, pop, model, kind, size, err);
  if (st == FS_OK && !rec->resumed && record_spikes) st = create_spike_datasets(rec->file, p, err);
  if (st != FS_OK) {
    pop_release(p);
    goto cleanup;
  }
  *handle = rec->n_pops++;
cleanup:
  return fs_rec_note(rec, st);
}

/* The buffer holds seconds, as the engine and a checkpoint do; the file holds milliseconds
 * (SONATA). The buffer is converted in place, since it is spent once written. */
static fs_status flush_pop(rec_pop *p, fs_error *err) {
  fs_status st = FS_OK;
  if (p->n_buf == 0) return FS_OK;
  for (size_t i = 0; i < p->n_buf; i++)
    p->t_buf[i] *= MS_PER_S;
  FS_TRY(
      append_block(p->t_ds, p->t_path, p->n_written, H5T_NATIVE_DOUBLE, p->t_buf, p->n_buf, err));
  FS_TRY(append_block(p->id_ds, p->id_path, p->n_written, H5T_NATIVE_UINT64, p->id_buf, p->n_buf,
                      err));
  p->n_written += p->n_buf;
  p->n_buf = 0;
cleanup:
  return st;
}

/* Checked before anything is buffered, so a bad call changes nothing. */
static fs_status check_spikes(const rec_pop *p, const double *t, const uint64_t *ids, size_t n,
                              fs_error *err) {
  double last = p->t_last;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(t[i]) || t[i] < last)
      return fs_error_set(err, FS_ERR_INTERNAL,
                          "population \"%s\": spike time %.17g s is not in time order (after "
                          "%.17g s)",
                          p->name, t[i], last);
    if (ids[i] >= p->size)
      return fs_error_set(err, FS_ERR_INTERNAL,
                          "population \"%s\": node id %" PRIu64 " is out of range (size %" PRIu64
                          ")",
                          p->name, ids[i], p->size);
    last = t[i];
  }
  return FS_OK;
}

fs_status fs_record_append_spikes(fs_record *rec, size_t handle, const double *t,
                                  const uint64_t *ids, size_t n, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_append_spikes", err);
  if (st != FS_OK) return st;
  if (handle >= rec->n_pops || (n > 0 && (t == NULL || ids == NULL)))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_append_spikes: bad handle or arrays");
  rec_pop *p = &rec->pops[handle];
  if (p->t_buf == NULL || n == 0) return FS_OK;
  FS_TRY(check_spikes(p, t, ids, n, err));
  fs_rec_silence();
  for (size_t done = 0; done < n;) {
    size_t k = SPIKE_BLOCK - p->n_buf;
    if (k > n - done) k = n - done;
    memcpy(p->t_buf + p->n_buf, t + done, k * sizeof *t);
    memcpy(p->id_buf + p->n_buf, ids + done, k * sizeof *ids);
    p->n_buf += k;
    done += k;
    if (p->n_buf == SPIKE_BLOCK) FS_TRY(flush_pop(p, err));
  }
  p->t_last = t[n - 1];
cleanup:
  return fs_rec_note(rec, st);
}

/* ---- series, arrays, attributes -------------------------------------------------------- */

/* Measured with heaptrack on Debian 12's HDF5 1.10.8 at the peak of whole runs: 4.3 MiB for
 * a file of 7 datasets (COBA), 9.8 MiB for one of 132 (a fear protocol), so about 4 MiB for
 * the library and 44 KiB per chunked dataset. */
#define HDF5_FILE_BYTES (4.0 * 1048576.0)
#define HDF5_DATASET_BYTES (44.0 * 1024.0)

double fs_record_estimate(size_t n_datasets) {
  return HDF5_FILE_BYTES + (double)n_datasets * (HDF5_DATASET_BYTES + SERIES_CHUNK * 8.0);
}

fs_status fs_record_series_create(fs_record *rec, const char *path, const char *units,
                                  const char *description, size_t *handle, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_series_create", err);
  char *copy = NULL;
  double *buf = NULL;
  if (st != FS_OK) return st;
  if (handle == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_create: handle is required");
  FS_TRY(resolve_field(path, FIELD_F64, &units, &description, err));
  rec_series *s = grow_array(rec->series, &rec->cap_series, rec->n_series, sizeof *s);
  if (s != NULL) rec->series = s;
  copy = fs_rec_str_join(path, "", "");
  buf = malloc(SERIES_CHUNK * sizeof *buf);
  if (s == NULL || copy == NULL || buf == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory creating dataset \"%s\"", path);
    goto cleanup;
  }
  fs_rec_silence();
  rec_series ns = {copy, H5I_INVALID_HID, 0, buf, 0};
  if (rec->resumed) {
    FS_TRY(resume_series(rec, rec->n_series, &ns, err));
  } else {
    dataset_spec d = {path, FIELD_F64, 0, H5S_UNLIMITED, SERIES_CHUNK, units, description};
    FS_TRY(create_dataset(rec->file, &d, &ns.ds, err));
  }
  rec->series[rec->n_series] = ns;
  copy = NULL;
  buf = NULL;
  *handle = rec->n_series++;
cleanup:
  free(copy);
  free(buf);
  return fs_rec_note(rec, st);
}

static fs_status flush_series(rec_series *s, fs_error *err) {
  fs_status st = append_block(s->ds, s->path, s->n, H5T_NATIVE_DOUBLE, s->buf, s->n_buf, err);
  if (st == FS_OK) {
    s->n += s->n_buf;
    s->n_buf = 0;
  }
  return st;
}

fs_status fs_record_series_append(fs_record *rec, size_t handle, const double *v, size_t n,
                                  fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_series_append", err);
  if (st != FS_OK) return st;
  if (handle >= rec->n_series || (n > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_append: bad handle or array");
  rec_series *s = &rec->series[handle];
  fs_rec_silence();
  for (size_t done = 0; done < n && st == FS_OK;) {
    size_t k = SERIES_CHUNK - s->n_buf;
    if (k > n - done) k = n - done;
    memcpy(s->buf + s->n_buf, v + done, k * sizeof *v);
    s->n_buf += k;
    done += k;
    if (s->n_buf == SERIES_CHUNK) st = flush_series(s, err);
  }
  return fs_rec_note(rec, st);
}

/* A whole 1-D dataset of the given type at once. */
static fs_status write_whole(fs_record *rec, const char *path, field_type type, hid_t mem_type,
                             const void *v, size_t n, const char *units, const char *description,
                             fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_write_array", err);
  hid_t ds = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  FS_TRY(resolve_field(path, type, &units, &description, err));
  if (n > 0 && v == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "dataset \"%s\": no values", path);
  fs_rec_silence();
  /* A chunk may not exceed a fixed extent, and may not be 0: an empty array stays growable. */
  hsize_t chunk = n == 0 ? 1 : (n < ARRAY_CHUNK_MAX ? n : ARRAY_CHUNK_MAX);
  dataset_spec d = {path, type, n, n == 0 ? H5S_UNLIMITED : n, chunk, units, description};
  /* a resumed run writes again what its first part wrote after the checkpoint */
  if (rec->resumed && fs_rec_path_exists(rec->file, path))
    TRY_H5(H5Ldelete(rec->file, path, H5P_DEFAULT), "cannot replace dataset \"%s\"", path);
  FS_TRY(create_dataset(rec->file, &d, &ds, err));
  if (n > 0)
    TRY_H5(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), "cannot write dataset \"%s\"",
           path);
cleanup:
  fs_rec_release(&ds, path ? path : "", &st, err);
  return fs_rec_note(rec, st);
}

fs_status fs_record_write_array(fs_record *rec, const char *path, const double *v, size_t n,
                                const char *units, const char *description, fs_error *err) {
  return write_whole(rec, path, FIELD_F64, H5T_NATIVE_DOUBLE, v, n, units, description, err);
}

fs_status fs_record_write_array_i64(fs_record *rec, const char *path, const int64_t *v, size_t n,
                                    const char *units, const char *description, fs_error *err) {
  return write_whole(rec, path, FIELD_I64, H5T_NATIVE_INT64, v, n, units, description, err);
}

fs_status fs_record_write_array_u64(fs_record *rec, const char *path, const uint64_t *v, size_t n,
                                    const char *units, const char *description, fs_error *err) {
  return write_whole(rec, path, FIELD_U64, H5T_NATIVE_UINT64, v, n, units, description, err);
}

static fs_status check_attr_args(const fs_record *rec, const char *fn, const char *path,
                                 const char *name, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, fn, err);
  if (st == FS_OK && (!fs_rec_is_set(path) || !fs_rec_is_set(name)))
    st = fs_error_set(err, FS_ERR_INTERNAL, "%s: path and name are required", fn);
  return st;
}

fs_status fs_record_set_attr_string(fs_record *rec, const char *path, const char *name,
                                    const char *value, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_string", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  fs_rec_silence();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_string(obj, path, name, value, err));
cleanup:
  fs_rec_release(&obj, path, &st, err);
  return fs_rec_note(rec, st);
}

fs_status fs_record_set_attr_strings(fs_record *rec, const char *path, const char *name,
                                     const char *const *values, size_t n, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_strings", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  if (n == 0) return fs_error_set(err, FS_ERR_INTERNAL, "an empty string list for \"%s\"", name);
  fs_rec_silence();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_strings(obj, path, name, values, n, err));
cleanup:
  fs_rec_release(&obj, path, &st, err);
  return fs_rec_note(rec, st);
}

fs_status fs_record_set_attr_double(fs_record *rec, const char *path, const char *name,
                                    double value, const char *units, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_double", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  fs_rec_silence();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_double(obj, path, name, value, units, err));
cleanup:
  fs_rec_release(&obj, path, &st, err);
  return fs_rec_note(rec, st);
}

const char *fs_record_partial(const fs_record *rec) {
  return rec != NULL && rec->partial != NULL ? rec->partial : "";
}

static void resume_pos_free(resume_pos *rp) {
  free(rp->series_hash);
  free(rp->series_n);
  free(rp->series_buf_n);
  free(rp->series_buf);
  free(rp->pop_hash);
  free(rp->spikes_n);
  free(rp->spikes_buf_n);
  free(rp->spikes_t);
  free(rp->spikes_t_last);
  free(rp->spikes_id);
}

/* ---- reading and writing single attributes ---------------------------------------------- */

static fs_status no_attr(const fs_record *rec, const char *path, const char *name, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "\"%s\": %s has no attribute \"%s\"", rec->partial, path,
                      name);
}

/* Opens object path of an open record for an attribute getter. */
static fs_status open_object(const fs_record *rec, const char *path, hid_t *obj, fs_error *err) {
  if (rec == NULL || rec->file < 0 || !fs_rec_is_set(path))
    return fs_error_set(err, FS_ERR_INTERNAL, "attribute getter: the record is not open");
  fs_rec_silence();
  if (strcmp(path, "/") != 0 && !fs_rec_path_exists(rec->file, path))
    return fs_error_set(err, FS_ERR_INPUT, "\"%s\" has no %s", rec->partial, path);
  *obj = H5Oopen(rec->file, path, H5P_DEFAULT);
  return *obj < 0 ? fs_rec_h5_fail(err, "cannot open \"%s\"", path) : FS_OK;
}

fs_status fs_record_get_attr_string(fs_record *rec, const char *path, const char *name, char *buf,
                                    size_t len, fs_error *err) {
  hid_t obj = H5I_INVALID_HID;
  fs_status st = open_object(rec, path, &obj, err);
  if (st != FS_OK) return st;
  if (!fs_rec_read_attr_string(obj, name, buf, len)) st = no_attr(rec, path, name, err);
  H5Oclose(obj);
  return st;
}

static fs_status get_attr_num(fs_record *rec, const char *path, const char *name, hid_t mtype,
                              void *value, fs_error *err) {
  hid_t obj = H5I_INVALID_HID, attr = H5I_INVALID_HID, ftype = H5I_INVALID_HID;
  fs_status st = open_object(rec, path, &obj, err);
  if (st != FS_OK) return st;
  bool ok = H5Aexists(obj, name) > 0 && (attr = H5Aopen(obj, name, H5P_DEFAULT)) >= 0 &&
            (ftype = H5Aget_type(attr)) >= 0 && H5Tget_class(ftype) == H5Tget_class(mtype) &&
            H5Aread(attr, mtype, value) >= 0;
  if (!ok) st = no_attr(rec, path, name, err);
  if (ftype >= 0) H5Tclose(ftype);
  if (attr >= 0) H5Aclose(attr);
  H5Oclose(obj);
  return st;
}

fs_status fs_record_get_attr_u64(fs_record *rec, const char *path, const char *name,
                                 uint64_t *value, fs_error *err) {
  return get_attr_num(rec, path, name, H5T_NATIVE_UINT64, value, err);
}

fs_status fs_record_get_attr_double(fs_record *rec, const char *path, const char *name,
                                    double *value, fs_error *err) {
  return get_attr_num(rec, path, name, H5T_NATIVE_DOUBLE, value, err);
}

/* Packs n strings into one block: the pointers, then the texts. */
char **fs_rec_pack_strings(char *const *s, size_t n) {
  size_t bytes = (n + 1) * sizeof(char *);
  for (size_t i = 0; i < n; i++)
    bytes += (s[i] ? strlen(s[i]) : 0) + 1;
  char **out = malloc(bytes);
  if (out == NULL) return NULL;
  char *at = (char *)(out + n + 1);
  for (size_t i = 0; i < n; i++) {
    size_t l = (s[i] ? strlen(s[i]) : 0) + 1;
    memcpy(at, s[i] ? s[i] : "", l);
    out[i] = at;
    at += l;
  }
  out[n] = NULL;
  return out;
}

fs_status fs_record_get_attr_strings(fs_record *rec, const char *path, const char *name,
                                     char ***values, size_t *n, fs_error *err) {
  hid_t obj = H5I_INVALID_HID, attr = H5I_INVALID_HID, space = H5I_INVALID_HID;
  hid_t ftype = H5I_INVALID_HID, mtype = H5I_INVALID_HID;
  char **tmp = NULL;
  fs_status st = open_object(rec, path, &obj, err);
  if (st != FS_OK) return st;
  *values = NULL;
  *n = 0;
  hssize_t k = -1;
  bool ok = H5Aexists(obj, name) > 0 && (attr = H5Aopen(obj, name, H5P_DEFAULT)) >= 0 &&
            (ftype = H5Aget_type(attr)) >= 0 && H5Tis_variable_str(ftype) > 0 &&
            (space = H5Aget_space(attr)) >= 0 && (k = H5Sget_simple_extent_npoints(space)) >= 0 &&
            (mtype = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_size(mtype, H5T_VARIABLE) >= 0 &&
            H5Tset_cset(mtype, H5Tget_cset(ftype)) >= 0 &&
            (tmp = calloc((size_t)k + 1, sizeof *tmp)) != NULL && H5Aread(attr, mtype, tmp) >= 0;
  if (!ok) {
    st = no_attr(rec, path, name, err);
  } else {
    *values = fs_rec_pack_strings(tmp, (size_t)k);
    *n = (size_t)k;
    if (*values == NULL) st = fs_error_set(err, FS_ERR_NOMEM, "out of memory");
    (void)H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, tmp);
  }
  free(tmp);
  if (mtype >= 0) H5Tclose(mtype);
  if (space >= 0) H5Sclose(space);
  if (ftype >= 0) H5Tclose(ftype);
  if (attr >= 0) H5Aclose(attr);
  H5Oclose(obj);
  return st;
}

fs_status fs_record_set_attr_u64(fs_record *rec, const char *path, const char *name, uint64_t value,
                                 fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_u64", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  fs_rec_silence();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(fs_rec_write_attr(obj, path, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, err));
cleanup:
  fs_rec_release(&obj, path, &st, err);
  return fs_rec_note(rec, st);
}

/* ---- dimension scales ------------------------------------------------------------------ */

typedef struct scale_ctx {
  hid_t time;      /* the group's time axis */
  hsize_t n;       /* its length */
  const char *grp; /* for messages */
  fs_status st;
  fs_error *err;
} scale_ctx;

static bool is_series_of_length(hid_t ds, hsize_t n) {
  hid_t space = H5Dget_space(ds);
  hsize_t len = 0;
  bool ok = space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
            H5Sget_simple_extent_dims(space, &len, NULL) == 1 && len == n;
  if (space >= 0) H5Sclose(space);
  return ok;
}

static herr_t attach_one(hid_t group, const char *name, const link_info *li, void *data) {
  scale_ctx *c = data;
  fs_error *err = c->err;
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID;
  (void)li;
  if (strcmp(name, "time") == 0) return 0;
  TRY_H5(ds = H5Oopen(group, name, H5P_DEFAULT), "cannot open \"%s/%s\"", c->grp, name);
  if (H5Iget_type(ds) == H5I_DATASET && is_series_of_length(ds, c->n))
    TRY_H5(H5DSattach_scale(ds, c->time, 0), "cannot attach \"%s/%s\" to its time axis", c->grp,
           name);
cleanup:
  fs_rec_release(&ds, name, &st, err);
  c->st = st;
  return st == FS_OK ? 0 : -1;
}

/* Makes group/time a dimension scale and attaches to it every 1-D series of its length in the
 * group, so that tools (h5py's dims, netCDF readers) know each series' time axis. */
static fs_status attach_time_axis(hid_t file, const char *group, fs_error *err) {
  fs_status st = FS_OK;
  char path[64];
  snprintf(path, sizeof path, "%s/time", group);
  if (!fs_rec_path_exists(file, path)) return FS_OK;
  scale_ctx c = {H5I_INVALID_HID, 0, group, FS_OK, err};
  TRY_H5(c.time = H5Dopen2(file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  hid_t space = H5Dget_space(c.time);
  if (space < 0 || H5Sget_simple_extent_dims(space, &c.n, NULL) != 1) {
    if (space >= 0) H5Sclose(space);
    st = fs_rec_h5_fail(err, "\"%s\" is not a 1-D time axis", path);
    goto cleanup;
  }
  H5Sclose(space);
  TRY_H5(H5DSset_scale(c.time, "time"), "cannot make \"%s\" a dimension scale", path);
  if (H5Literate_by_name(file, group, H5_INDEX_NAME, H5_ITER_INC, NULL, attach_one, &c,
                         H5P_DEFAULT) < 0)
    st = c.st != FS_OK ? c.st : fs_rec_h5_fail(err, "cannot attach the series of \"%s\"", group);
cleanup:
  fs_rec_release(&c.time, path, &st, err);
  return st;
}

static fs_status attach_time_axes(hid_t file, fs_error *err) {
  fs_status st = FS_OK;
  for (size_t i = 0; st == FS_OK && i < sizeof time_axis_groups / sizeof *time_axis_groups; i++)
    st = attach_time_axis(file, time_axis_groups[i], err);
  return st;
}

/* ---- a finished file without its checkpoint --------------------------------------------- */

static herr_t copy_root_attr(hid_t src, const char *name, const H5A_info_t *info, void *data) {
  hid_t dst = *(hid_t *)data;
  hid_t a = H5I_INVALID_HID, b = H5I_INVALID_HID, ftype = H5I_INVALID_HID;
  hid_t mtype = H5I_INVALID_HID, space = H5I_INVALID_HID;
  void *buf = NULL;
  (void)info;
  hssize_t n = -1;
  if ((a = H5Aopen(src, name, H5P_DEFAULT)) >= 0 && (ftype = H5Aget_type(a)) >= 0 &&
      (mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND)) >= 0 && (space = H5Aget_space(a)) >= 0)
    n = H5Sget_simple_extent_npoints(space);
  bool ok = n >= 0 && (buf = calloc((size_t)n + 1, H5Tget_size(mtype))) != NULL &&
            H5Aread(a, mtype, buf) >= 0;
  bool vlen = ok && (H5Tis_variable_str(mtype) > 0 || H5Tdetect_class(mtype, H5T_VLEN) > 0);
  ok = ok && (b = H5Acreate2(dst, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
       H5Awrite(b, mtype, buf) >= 0;
  if (vlen) (void)H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, buf);
  free(buf);
  if (b >= 0) H5Aclose(b);
  if (space >= 0) H5Sclose(space);
  if (mtype >= 0) H5Tclose(mtype);
  if (ftype >= 0) H5Tclose(ftype);
  if (a >= 0) H5Aclose(a);
  return ok ? 0 : -1;
}

static herr_t copy_root_link(hid_t src, const char *name, const link_info *li, void *data) {
  (void)li;
  if (strcmp(name, "checkpoint") == 0) return 0;
  return H5Ocopy(src, name, *(hid_t *)data, name, H5P_DEFAULT, H5P_DEFAULT);
}

/* Copies everything of src but /checkpoint into a new file dst. */
static fs_status copy_without_checkpoint(const char *src, const char *dst, fs_error *err) {
  fs_status st = FS_OK;
  hid_t in = H5I_INVALID_HID, out = H5I_INVALID_HID, fapl = H5I_INVALID_HID;
  TRY_H5(in = H5Fopen(src, H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open \"%s\"", src);
  TRY_H5(fapl = H5Pcreate(H5P_FILE_ACCESS), "cannot create \"%s\"", dst);
  TRY_H5(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), "cannot create \"%s\"", dst);
  TRY_H5(out = H5Fcreate(dst, H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "cannot create \"%s\"", dst);
  TRY_H5(H5Literate(in, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_root_link, &out),
         "cannot copy \"%s\" into \"%s\"", src, dst);
  TRY_H5(H5Aiterate2(in, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_root_attr, &out),
         "cannot copy the attributes of \"%s\" into \"%s\"", src, dst);
  FS_TRY(attach_time_axes(out, err));
cleanup:
  fs_rec_release(&out, dst, &st, err);
  fs_rec_release(&fapl, dst, &st, err);
  fs_rec_release(&in, src, &st, err);
  return st;
}

/* ---- finish and free ------------------------------------------------------------------- */

static void close_leaked(hid_t file) {
  hid_t ids[64];
  for (int round = 0; round < 16; round++) {
    ssize_t n = H5Fget_obj_ids(file, OPEN_OBJECTS, 64, ids);
    if (n <= 0) return;
    for (ssize_t i = 0; i < n; i++)
      (void)close_any(ids[i]);
  }
}

/* Closes every dataset, then the file; objects still open are an error (and are closed). */
static fs_status close_file(fs_record *rec, fs_error *err) {
  fs_status st = FS_OK;
  for (size_t i = 0; i < rec->n_pops; i++) {
    rec_pop *p = &rec->pops[i];
    fs_rec_release(&p->t_ds, p->t_path ? p->t_path : "", &st, err);
    fs_rec_release(&p->id_ds, p->id_path ? p->id_path : "", &st, err);
  }
  for (size_t i = 0; i < rec->n_series; i++)
    fs_rec_release(&rec->series[i].ds, rec->series[i].path, &st, err);
  ssize_t open = H5Fget_obj_count(rec->file, OPEN_OBJECTS);
  if (open < 0 && st == FS_OK) st = fs_rec_h5_fail(err, "cannot close \"%s\"", rec->partial);
  if (open > 0) {
    if (st == FS_OK)
      st = fs_error_set(err, FS_ERR_INTERNAL, "\"%s\": %zd HDF5 objects still open at close",
                        rec->partial, open);
    close_leaked(rec->file);
  }
  fs_rec_release(&rec->file, rec->partial, &st, err);
  return st;
}

static fs_status exists_error(const char *path, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "output \"%s\" exists (use --force to overwrite it)",
                      path);
}

/* src -> rec->path. Without force, a file that appeared at path meanwhile is not replaced:
 * link() fails atomically if it exists, where rename() would overwrite it. */
static fs_status publish(fs_record *rec, const char *src, fs_error *err) {
  struct stat sb;
  if (!rec->force && link(src, rec->path) == 0) {
    rec->finished = true;
    if (unlink(src) != 0)
      return fs_error_set(err, FS_ERR_IO, "cannot remove \"%s\": %s", src, strerror(errno));
    return FS_OK;
  }
  if (!rec->force && (errno == EEXIST || stat(rec->path, &sb) == 0))
    return exists_error(rec->path, err);
  /* With force, or on a file system without hard links. */
  if (rename(src, rec->path) != 0)
    return fs_error_set(err, FS_ERR_IO, "cannot rename \"%s\" to \"%s\": %s", src, rec->path,
                        strerror(errno));
  rec->finished = true;
  return FS_OK;
}

/* A file that held checkpoints is copied without them, so that the result has no dead space;
 * the partial goes once the copy is published. */
static fs_status publish_compacted(fs_record *rec, fs_error *err) {
  char *copy = fs_rec_str_join(rec->partial, ".compact", "");
  if (copy == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory");
  fs_status st = copy_without_checkpoint(rec->partial, copy, err);
  if (st == FS_OK) st = publish(rec, copy, err);
  if (!rec->finished) (void)unlink(copy);
  free(copy);
  if (st == FS_OK && unlink(rec->partial) != 0)
    st = fs_error_set(err, FS_ERR_IO, "cannot remove \"%s\": %s", rec->partial, strerror(errno));
  return st;
}

fs_status fs_record_finish(fs_record *rec, const char *end_time, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_finish", err);
  if (st != FS_OK) return st;
  fs_rec_silence();
  for (size_t i = 0; i < rec->n_pops; i++)
    FS_TRY(flush_pop(&rec->pops[i], err));
  for (size_t i = 0; i < rec->n_series; i++)
    FS_TRY(flush_series(&rec->series[i], err));
  FS_TRY(write_attr_string(rec->file, "/", "end_time", end_time, err));
  /* the references of the scales are made in the file that is published */
  if (!rec->has_ckpt) FS_TRY(attach_time_axes(rec->file, err));
  FS_TRY(close_file(rec, err));
  if (rec->has_ckpt)
    FS_TRY(publish_compacted(rec, err));
  else
    FS_TRY(publish(rec, rec->partial, err));
cleanup:
  return fs_rec_note(rec, st);
}

void fs_record_free(fs_record *rec) {
  if (rec == NULL) return;
  if (rec->file >= 0) {
    fs_rec_silence();
    (void)close_file(rec, NULL);
  }
  if (rec->created && !rec->finished && !rec->keep) (void)unlink(rec->partial);
  for (size_t i = 0; i < rec->n_pops; i++)
    pop_release(&rec->pops[i]);
  for (size_t i = 0; i < rec->n_series; i++) {
    free(rec->series[i].path);
    free(rec->series[i].buf);
  }
  resume_pos_free(&rec->rp);
  free(rec->pops);
  free(rec->series);
  free(rec->path);
  free(rec->partial);
  free(rec);
}

/* ---- reading attributes and paths ----------------------------------------------------- */

/* Reads a string attribute (variable or fixed length) into buf; "" and false if absent. */
bool fs_rec_read_attr_string(hid_t obj, const char *name, char *buf, size_t len) {
  hid_t attr = H5I_INVALID_HID, ftype = H5I_INVALID_HID, mtype = H5I_INVALID_HID;
  bool ok = false;
  char *s = NULL;
  buf[0] = '\0';
  if (H5Aexists(obj, name) <= 0 || (attr = H5Aopen(obj, name, H5P_DEFAULT)) < 0) goto cleanup;
  if ((ftype = H5Aget_type(attr)) < 0 || H5Tget_class(ftype) != H5T_STRING) goto cleanup;
  htri_t vlen = H5Tis_variable_str(ftype);
  size_t size = vlen > 0 ? 0 : H5Tget_size(ftype) + 1;
  if (vlen < 0 || (mtype = H5Tcopy(H5T_C_S1)) < 0 ||
      H5Tset_size(mtype, vlen > 0 ? H5T_VARIABLE : size) < 0 ||
      H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0)
    goto cleanup;
  if (vlen > 0) {
    ok = H5Aread(attr, mtype, &s) >= 0 && s != NULL;
    if (ok) snprintf(buf, len, "%s", s);
    H5free_memory(s);
  } else if ((s = calloc(1, size)) != NULL) {
    ok = H5Tset_strpad(mtype, H5T_STR_NULLTERM) >= 0 && H5Aread(attr, mtype, s) >= 0;
    if (ok) snprintf(buf, len, "%s", s);
    free(s);
  }
cleanup:
  if (mtype >= 0) H5Tclose(mtype);
  if (ftype >= 0) H5Tclose(ftype);
  if (attr >= 0) H5Aclose(attr);
  return ok;
}

bool fs_rec_read_attr_num(hid_t obj, const char *name, hid_t mtype, void *out) {
  hid_t attr = H5I_INVALID_HID;
  bool ok = false;
  if (H5Aexists(obj, name) > 0 && (attr = H5Aopen(obj, name, H5P_DEFAULT)) >= 0)
    ok = H5Aread(attr, mtype, out) >= 0;
  if (attr >= 0) H5Aclose(attr);
  return ok;
}

/* H5Lexists fails, rather than answering no, when a parent group is missing. */
bool fs_rec_path_exists(hid_t file, const char *path) {
  char prefix[PATH_LEN];
  snprintf(prefix, sizeof prefix, "%s", path);
  for (char *slash = strchr(prefix + 1, '/');; slash = strchr(slash + 1, '/')) {
    if (slash != NULL) *slash = '\0';
    if (H5Lexists(file, prefix, H5P_DEFAULT) <= 0) return false;
    if (slash == NULL) return true;
    *slash = '/';
  }
}

/* ---- tables (a sweep's summary.h5) --------------------------------------------------- */

static herr_t table_attr_string(hid_t obj, const char *name, const char *value) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = a >= 0 ? H5Awrite(a, t, &value) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
  return rc;
}

static herr_t table_attr_double(hid_t obj, const char *name, double value) {
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = a >= 0 ? H5Awrite(a, H5T_NATIVE_DOUBLE, &value) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  return rc;
}

/* One column as a chunked, compressed 1-D dataset with units and description. */
static herr_t write_column(hid_t file, const fs_record_column *c, size_t n) {
  hsize_t dims = n, chunk = n < 65536 ? (n > 0 ? n : 1) : 65536;
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (n > 0) {
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
  }
  hid_t sp = H5Screate_simple(1, &dims, NULL);
  hid_t ft, mt;
  if (c->text != NULL) {
    ft = H5Tcopy(H5T_C_S1);
    H5Tset_size(ft, H5T_VARIABLE);
    H5Tset_cset(ft, H5T_CSET_UTF8);
    mt = H5Tcopy(ft);
  } else {
    ft = H5Tcopy(c->num != NULL ? H5T_IEEE_F64LE : H5T_STD_U64LE);
    mt = H5Tcopy(c->num != NULL ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64);
  }
  hid_t ds = H5Dcreate2(file, c->path, ft, sp, lcpl, dcpl, H5P_DEFAULT);
  const void *data = c->text != NULL  ? (const void *)c->text
                     : c->num != NULL ? (const void *)c->num
                                      : (const void *)c->u64;
  herr_t rc =
      ds >= 0 && (n == 0 || H5Dwrite(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0) ? 0 : -1;
  if (rc >= 0) rc = table_attr_string(ds, "units", c->units);
  if (rc >= 0) rc = table_attr_string(ds, "description", c->description);
  if (ds >= 0) H5Dclose(ds);
  H5Tclose(mt);
  H5Tclose(ft);
  H5Sclose(sp);
  H5Pclose(dcpl);
  H5Pclose(lcpl);
  return rc;
}

fs_status fs_record_write_table(const char *path, const fs_record_table_attr *attrs, size_t n_attrs,
                                const fs_record_column *cols, size_t n_cols, size_t n,
                                fs_error *err) {
  char partial[4200];
  snprintf(partial, sizeof partial, "%s.partial", path);
  fs_rec_silence();
  remove(partial); /* an earlier collect that was killed */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110);
  hid_t f = H5Fcreate(partial, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (f < 0) return fs_error_set(err, FS_ERR_HDF5, "cannot create \"%s\"", partial);
  herr_t rc = 0;
  for (size_t i = 0; rc >= 0 && i < n_attrs; i++)
    rc = attrs[i].text != NULL ? table_attr_string(f, attrs[i].name, attrs[i].text)
                               : table_attr_double(f, attrs[i].name, attrs[i].num);
  const char *failed_at = rc < 0 ? "/ attributes" : NULL;
  for (size_t i = 0; rc >= 0 && i < n_cols; i++)
    if ((rc = write_column(f, &cols[i], n)) < 0) failed_at = cols[i].path;
  if (H5Fclose(f) < 0 && rc >= 0) rc = -1, failed_at = "closing the file";
  if (rc < 0) {
    remove(partial);
    return fs_error_set(err, FS_ERR_HDF5, "%s: cannot write %s", path,
                        failed_at != NULL ? failed_at : "the table");
  }
  if (rename(partial, path) != 0) {
    remove(partial);
    return fs_error_set(err, FS_ERR_IO, "cannot rename \"%s\" to \"%s\"", partial, path);
  }
  return FS_OK;
}
