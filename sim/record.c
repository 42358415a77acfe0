/* record.c - the only module that touches HDF5: writes one self-describing result file per
 * run (SONATA spikes, appendable series, whole arrays, attributes) into OUT.h5.partial,
 * renames it on success, and summarises a finished file for `fearsim info`. */
#define _POSIX_C_SOURCE 200809L

#include <fearsim/record.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#ifndef FS_VERSION
#define FS_VERSION "unknown"
#endif
#include "fs_git_commit.h" /* FS_GIT_COMMIT, written at every build */

enum {
  SPIKE_BLOCK = 1 << 16,     /* spikes buffered per population = chunk of the spike datasets */
  SERIES_CHUNK = 1 << 12,    /* slow-step series are short; a smaller chunk wastes less */
  ARRAY_CHUNK_MAX = 1 << 16, /* chunk of a fixed-size array, capped at its extent */
  DEFLATE_LEVEL = 4,
  ATTR_NAME_MAX = 256,
  PATH_LEN = 4096
};

/* Objects that must all be closed before the file is (the file id itself is not counted). */
#define OPEN_OBJECTS                                                                               \
  (H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL)

#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t link_info;
#else
typedef H5L_info_t link_info;
#endif

/* Runs an HDF5 call; a negative result jumps to cleanup: with FS_ERR_HDF5 and the message. */
#define TRY_H5(expr, ...)                                                                          \
  do {                                                                                             \
    if ((expr) < 0) {                                                                              \
      st = h5_fail(err, __VA_ARGS__);                                                              \
      goto cleanup;                                                                                \
    }                                                                                              \
  } while (0)

/* ---- the output-field table ------------------------------------------------------------ */

typedef enum field_type { FIELD_F64, FIELD_U64 } field_type;

typedef struct output_field {
  const char *pattern; /* '*' stands for one path component */
  field_type type;
  const char *units;       /* NULL: the writer passes them */
  const char *description; /* NULL: the writer passes it */
} output_field;

static const output_field output_fields[] = {
    {"/spikes/*/timestamps", FIELD_F64, "s", "spike times (SONATA spike format)"},
    {"/spikes/*/node_ids", FIELD_U64, "1",
     "id within its population of the node that spiked (SONATA spike format)"},
    {"/rates/time", FIELD_F64, "s", "start time of each rate bin"},
    {"/rates/*", FIELD_F64, "Hz", "population firing rate per bin"},
    {"/timeline/*", FIELD_F64, NULL, NULL},
    {"/snapshots/*/*/pre", FIELD_U64, "1", "presynaptic node id of each synapse"},
    {"/snapshots/*/*/post", FIELD_U64, "1", "postsynaptic node id of each synapse"},
    {"/snapshots/*/*/weight", FIELD_F64, "S",
     "weight of each synapse: its AMPA (or only) "
     "peak conductance"},
    {"/snapshots/*/*/rho", FIELD_F64, "1", "early-phase efficacy of each plastic synapse"},
    {"/snapshots/*/*/calcium", FIELD_F64, "1", "calcium of each plastic synapse"},
    {"/snapshots/*/*/block", FIELD_F64, "1",
     "drug-blocked fraction of each synapse's NMDA receptors"},
    {"/snapshots/*/*/z", FIELD_F64, "1",
     "consolidated (late-phase) state of each synapse, -0.5 to 1, as of the last slow step"},
    {"/snapshots/*/*/tag", FIELD_F64, "1",
     "tag of each synapse: 1 for LTP, -1 for LTD, 0 untagged"},
    {"/snapshots/*/*/alive", FIELD_F64, "1",
     "1 for a synapse that exists, 0 for one of the reserved spine pool not formed"},
    {"/trials/*", FIELD_F64, NULL, NULL},
};

/* ---- the record ------------------------------------------------------------------------ */

typedef struct rec_pop {
  char *name;
  char *t_path, *id_path; /* NULL when spikes are not recorded */
  uint64_t size;
  hid_t t_ds, id_ds;
  double *t_buf;
  uint64_t *id_buf;
  size_t n_buf;
  hsize_t n_written;
  double t_last;
} rec_pop;

typedef struct rec_series {
  char *path;
  hid_t ds;
  hsize_t n;
} rec_series;

struct fs_record {
  hid_t file;
  char *path, *partial;
  bool force;
  bool created;  /* we created partial, so we may remove it */
  bool failed;   /* an HDF5 write failed: the file must not be published */
  bool finished; /* partial was renamed to path */
  rec_pop *pops;
  size_t n_pops, cap_pops;
  rec_series *series;
  size_t n_series, cap_series;
};

/* ---- small helpers --------------------------------------------------------------------- */

static void silence_hdf5(void) {
  /* Per thread in a thread-safe HDF5, so every entry point repeats it. */
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static bool is_set(const char *s) {
  return s != NULL && s[0] != '\0';
}

static char *str_join(const char *a, const char *b, const char *c) {
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

static herr_t innermost_error(unsigned n, const H5E_error2_t *e, void *data) {
  (void)n;
  if (is_set(e->desc)) snprintf((char *)data, ATTR_NAME_MAX, "%s", e->desc);
  return 0;
}

/* FS_ERR_HDF5 with the caller's message and the innermost HDF5 error description. Must run
 * before any other HDF5 call, which would clear the error stack. */
__attribute__((format(printf, 2, 3))) static fs_status h5_fail(fs_error *err, const char *fmt,
                                                               ...) {
  char what[FS_ERROR_MSG_LEN], detail[ATTR_NAME_MAX] = "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost_error, detail);
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
static void h5_release(hid_t *id, const char *what, fs_status *st, fs_error *err) {
  if (*id < 0) return;
  if (close_any(*id) < 0 && *st == FS_OK) *st = h5_fail(err, "cannot close \"%s\"", what);
  *id = H5I_INVALID_HID;
}

/* A failed HDF5 write may leave the file inconsistent, so it must not be published. */
static fs_status note(fs_record *rec, fs_status st) {
  if (st == FS_ERR_HDF5) rec->failed = true;
  return st;
}

/* A write function may run only on an open record whose earlier writes all succeeded. */
static fs_status check_open(const fs_record *rec, const char *fn, fs_error *err) {
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
  if (is_set(*units) && is_set(tu) && strcmp(*units, tu) != 0)
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "dataset \"%s\": units \"%s\" differ from the output table's \"%s\"", path,
                        *units, tu);
  *units = is_set(*units) ? *units : tu;
  *desc = is_set(*desc) ? *desc : td;
  if (!is_set(*units) || !is_set(*desc))
    return fs_error_set(err, FS_ERR_INTERNAL,
                        "dataset \"%s\" has no %s: pass it or add a row to the output table", path,
                        is_set(*units) ? "description" : "units");
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
  h5_release(&attr, obj_path, &st, err);
  h5_release(&space, obj_path, &st, err);
  return st;
}

static fs_status write_attr(hid_t obj, const char *obj_path, const char *name, hid_t ftype,
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
  h5_release(&type, obj_path, &st, err);
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
  fs_status st = write_attr(obj, obj_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, err);
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
  FS_TRY(write_attr(group, path, "sorting", type, type, &by_time, err));
cleanup:
  h5_release(&type, path, &st, err);
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
  return t == FIELD_F64 ? H5T_IEEE_F64LE : H5T_STD_U64LE;
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
  h5_release(&ds, p, &st, err);
  h5_release(&lcpl, p, &st, err);
  h5_release(&dcpl, p, &st, err);
  h5_release(&space, p, &st, err);
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
  h5_release(&mspace, path, &st, err);
  h5_release(&fspace, path, &st, err);
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
  if (!is_set(path)) return fs_error_set(err, FS_ERR_INPUT, "no output file given");
  if (strlen(path) + sizeof ".partial" > PATH_LEN)
    return fs_error_set(err, FS_ERR_INPUT, "output path \"%.64s...\" is too long", path);
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

static fs_status record_alloc(const char *path, bool force, fs_record **out, fs_error *err) {
  fs_record *rec = calloc(1, sizeof *rec);
  if (rec == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory creating the record for \"%s\"", path);
  rec->file = H5I_INVALID_HID;
  rec->force = force;
  rec->path = str_join(path, "", "");
  rec->partial = str_join(path, ".partial", "");
  *out = rec;
  if (rec->path == NULL || rec->partial == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory creating the record for \"%s\"", path);
  return FS_OK;
}

static fs_status create_partial(fs_record *rec, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fapl = H5I_INVALID_HID;
  struct stat sb;
  TRY_H5(fapl = H5Pcreate(H5P_FILE_ACCESS), "cannot create \"%s\"", rec->partial);
  /* The 1.8 format: readable by every HDF5 >= 1.8 (h5py, SONATA tools) and stable. */
  TRY_H5(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), "cannot create \"%s\"",
         rec->partial);
  /* SEMI: closing the file fails while an object is open instead of silently deferring. */
  TRY_H5(H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI), "cannot create \"%s\"", rec->partial);
  rec->file = H5Fcreate(rec->partial, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  if (rec->file < 0) {
    st = h5_fail(err, "cannot create \"%s\"", rec->partial);
    if (stat(rec->partial, &sb) == 0) /* another run created it since we looked */
      st = stale_partial(rec->partial, err);
    goto cleanup;
  }
  rec->created = true;
cleanup:
  h5_release(&fapl, rec->partial, &st, err);
  return st;
}

static fs_status write_root_attrs(hid_t f, const fs_record_meta *m, fs_error *err) {
  fs_status st = FS_OK;
  FS_TRY(write_attr_string(f, "/", "fearsim_version", FS_VERSION, err));
  FS_TRY(write_attr_string(f, "/", "git_commit", FS_GIT_COMMIT, err));
  FS_TRY(write_attr_string(f, "/", "experiment_file", m->experiment_file, err));
  FS_TRY(write_attr_string(f, "/", "experiment_yaml", m->experiment_yaml, err));
  FS_TRY(write_attr_string(f, "/", "start_time", m->start_time, err));
  FS_TRY(write_attr(f, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &m->seed, err));
  FS_TRY(write_attr(f, "/", "threads", H5T_STD_I32LE, H5T_NATIVE_INT, &m->threads, err));
  FS_TRY(write_attr(f, "/", "ranks", H5T_STD_I32LE, H5T_NATIVE_INT, &m->ranks, err));
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
  silence_hdf5();
  FS_TRY(record_alloc(path, force, &rec, err));
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
  if (!is_set(pop) || strchr(pop, '/') != NULL || strcmp(pop, ".") == 0 || strcmp(pop, "..") == 0 ||
      strlen(pop) >= ATTR_NAME_MAX)
    return fs_error_set(err, FS_ERR_INTERNAL, "population name \"%s\" cannot name an HDF5 group",
                        pop ? pop : "(null)");
  if (!is_set(model))
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
  h5_release(&p->t_ds, "", &st, NULL);
  h5_release(&p->id_ds, "", &st, NULL);
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
  p->name = str_join(pop, "", "");
  if (record) {
    p->t_path = str_join("/spikes/", pop, "/timestamps");
    p->id_path = str_join("/spikes/", pop, "/node_ids");
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
  FS_TRY(write_attr(group, path, "size", H5T_STD_U64LE, H5T_NATIVE_UINT64, &size, err));
  FS_TRY(write_attr_string(group, path, "model", model, err));
  FS_TRY(write_attr_string(group, path, "kind", kind, err));
cleanup:
  h5_release(&group, path, &st, err);
  h5_release(&lcpl, path, &st, err);
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
  h5_release(&group, gpath, &st, err);
  return st;
}

fs_status fs_record_add_population(fs_record *rec, const char *pop, const char *model,
                                   const char *kind, uint64_t size, bool record_spikes,
                                   size_t *handle, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_add_population", err);
  if (st != FS_OK) return st;
  if (handle == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_add_population: handle is required");
  FS_TRY(check_population(rec, pop, model, kind, err));
  rec_pop *pops = grow_array(rec->pops, &rec->cap_pops, rec->n_pops, sizeof *pops);
  if (pops == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory declaring population \"%s\"", pop);
  rec->pops = pops;
  rec_pop *p = &rec->pops[rec->n_pops];
  silence_hdf5();
  st = pop_alloc(p, pop, size, record_spikes, err);
  if (st == FS_OK) st = write_network_group(rec->file, pop, model, kind, size, err);
  if (st == FS_OK && record_spikes) st = create_spike_datasets(rec->file, p, err);
  if (st != FS_OK) {
    pop_release(p);
    goto cleanup;
  }
  *handle = rec->n_pops++;
cleanup:
  return note(rec, st);
}

static fs_status flush_pop(rec_pop *p, fs_error *err) {
  fs_status st = FS_OK;
  if (p->n_buf == 0) return FS_OK;
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
  fs_status st = check_open(rec, "fs_record_append_spikes", err);
  if (st != FS_OK) return st;
  if (handle >= rec->n_pops || (n > 0 && (t == NULL || ids == NULL)))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_append_spikes: bad handle or arrays");
  rec_pop *p = &rec->pops[handle];
  if (p->t_buf == NULL || n == 0) return FS_OK;
  FS_TRY(check_spikes(p, t, ids, n, err));
  silence_hdf5();
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
  return note(rec, st);
}

/* ---- series, arrays, attributes -------------------------------------------------------- */

fs_status fs_record_series_create(fs_record *rec, const char *path, const char *units,
                                  const char *description, size_t *handle, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_series_create", err);
  char *copy = NULL;
  hid_t ds = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  if (handle == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_create: handle is required");
  FS_TRY(resolve_field(path, FIELD_F64, &units, &description, err));
  rec_series *s = grow_array(rec->series, &rec->cap_series, rec->n_series, sizeof *s);
  if (s != NULL) rec->series = s;
  copy = str_join(path, "", "");
  if (s == NULL || copy == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory creating dataset \"%s\"", path);
    goto cleanup;
  }
  silence_hdf5();
  dataset_spec d = {path, FIELD_F64, 0, H5S_UNLIMITED, SERIES_CHUNK, units, description};
  FS_TRY(create_dataset(rec->file, &d, &ds, err));
  rec->series[rec->n_series] = (rec_series){copy, ds, 0};
  copy = NULL;
  *handle = rec->n_series++;
cleanup:
  free(copy);
  return note(rec, st);
}

fs_status fs_record_series_append(fs_record *rec, size_t handle, const double *v, size_t n,
                                  fs_error *err) {
  fs_status st = check_open(rec, "fs_record_series_append", err);
  if (st != FS_OK) return st;
  if (handle >= rec->n_series || (n > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_append: bad handle or array");
  rec_series *s = &rec->series[handle];
  silence_hdf5();
  st = append_block(s->ds, s->path, s->n, H5T_NATIVE_DOUBLE, v, n, err);
  if (st == FS_OK) s->n += n;
  return note(rec, st);
}

/* A whole 1-D dataset of the given type at once. */
static fs_status write_whole(fs_record *rec, const char *path, field_type type, hid_t mem_type,
                             const void *v, size_t n, const char *units, const char *description,
                             fs_error *err) {
  fs_status st = check_open(rec, "fs_record_write_array", err);
  hid_t ds = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  FS_TRY(resolve_field(path, type, &units, &description, err));
  if (n > 0 && v == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "dataset \"%s\": no values", path);
  silence_hdf5();
  /* A chunk may not exceed a fixed extent, and may not be 0: an empty array stays growable. */
  hsize_t chunk = n == 0 ? 1 : (n < ARRAY_CHUNK_MAX ? n : ARRAY_CHUNK_MAX);
  dataset_spec d = {path, type, n, n == 0 ? H5S_UNLIMITED : n, chunk, units, description};
  FS_TRY(create_dataset(rec->file, &d, &ds, err));
  if (n > 0)
    TRY_H5(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), "cannot write dataset \"%s\"",
           path);
cleanup:
  h5_release(&ds, path ? path : "", &st, err);
  return note(rec, st);
}

fs_status fs_record_write_array(fs_record *rec, const char *path, const double *v, size_t n,
                                const char *units, const char *description, fs_error *err) {
  return write_whole(rec, path, FIELD_F64, H5T_NATIVE_DOUBLE, v, n, units, description, err);
}

fs_status fs_record_write_array_u64(fs_record *rec, const char *path, const uint64_t *v, size_t n,
                                    const char *units, const char *description, fs_error *err) {
  return write_whole(rec, path, FIELD_U64, H5T_NATIVE_UINT64, v, n, units, description, err);
}

static fs_status check_attr_args(const fs_record *rec, const char *fn, const char *path,
                                 const char *name, fs_error *err) {
  fs_status st = check_open(rec, fn, err);
  if (st == FS_OK && (!is_set(path) || !is_set(name)))
    st = fs_error_set(err, FS_ERR_INTERNAL, "%s: path and name are required", fn);
  return st;
}

fs_status fs_record_set_attr_string(fs_record *rec, const char *path, const char *name,
                                    const char *value, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_string", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  silence_hdf5();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_string(obj, path, name, value, err));
cleanup:
  h5_release(&obj, path, &st, err);
  return note(rec, st);
}

fs_status fs_record_set_attr_strings(fs_record *rec, const char *path, const char *name,
                                     const char *const *values, size_t n, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_strings", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  if (n == 0) return fs_error_set(err, FS_ERR_INTERNAL, "an empty string list for \"%s\"", name);
  silence_hdf5();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_strings(obj, path, name, values, n, err));
cleanup:
  h5_release(&obj, path, &st, err);
  return note(rec, st);
}

fs_status fs_record_set_attr_double(fs_record *rec, const char *path, const char *name,
                                    double value, const char *units, fs_error *err) {
  fs_status st = check_attr_args(rec, "fs_record_set_attr_double", path, name, err);
  hid_t obj = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  silence_hdf5();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr_double(obj, path, name, value, units, err));
cleanup:
  h5_release(&obj, path, &st, err);
  return note(rec, st);
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
    h5_release(&p->t_ds, p->t_path ? p->t_path : "", &st, err);
    h5_release(&p->id_ds, p->id_path ? p->id_path : "", &st, err);
  }
  for (size_t i = 0; i < rec->n_series; i++)
    h5_release(&rec->series[i].ds, rec->series[i].path, &st, err);
  ssize_t open = H5Fget_obj_count(rec->file, OPEN_OBJECTS);
  if (open < 0 && st == FS_OK) st = h5_fail(err, "cannot close \"%s\"", rec->partial);
  if (open > 0) {
    if (st == FS_OK)
      st = fs_error_set(err, FS_ERR_INTERNAL, "\"%s\": %zd HDF5 objects still open at close",
                        rec->partial, open);
    close_leaked(rec->file);
  }
  h5_release(&rec->file, rec->partial, &st, err);
  return st;
}

static fs_status exists_error(const char *path, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "output \"%s\" exists (use --force to overwrite it)",
                      path);
}

/* partial -> path. Without force, a file that appeared at path meanwhile is not replaced:
 * link() fails atomically if it exists, where rename() would overwrite it. */
static fs_status publish(fs_record *rec, fs_error *err) {
  struct stat sb;
  if (!rec->force && link(rec->partial, rec->path) == 0) {
    rec->finished = true;
    if (unlink(rec->partial) != 0)
      return fs_error_set(err, FS_ERR_IO, "cannot remove \"%s\": %s", rec->partial,
                          strerror(errno));
    return FS_OK;
  }
  if (!rec->force && (errno == EEXIST || stat(rec->path, &sb) == 0))
    return exists_error(rec->path, err);
  /* With force, or on a file system without hard links. */
  if (rename(rec->partial, rec->path) != 0)
    return fs_error_set(err, FS_ERR_IO, "cannot rename \"%s\" to \"%s\": %s", rec->partial,
                        rec->path, strerror(errno));
  rec->finished = true;
  return FS_OK;
}

fs_status fs_record_finish(fs_record *rec, const char *end_time, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_finish", err);
  if (st != FS_OK) return st;
  silence_hdf5();
  for (size_t i = 0; i < rec->n_pops; i++)
    FS_TRY(flush_pop(&rec->pops[i], err));
  FS_TRY(write_attr_string(rec->file, "/", "end_time", end_time, err));
  FS_TRY(close_file(rec, err));
  FS_TRY(publish(rec, err));
cleanup:
  return note(rec, st);
}

void fs_record_free(fs_record *rec) {
  if (rec == NULL) return;
  if (rec->file >= 0) {
    silence_hdf5();
    (void)close_file(rec, NULL);
  }
  if (rec->created && !rec->finished) (void)unlink(rec->partial);
  for (size_t i = 0; i < rec->n_pops; i++)
    pop_release(&rec->pops[i]);
  for (size_t i = 0; i < rec->n_series; i++)
    free(rec->series[i].path);
  free(rec->pops);
  free(rec->series);
  free(rec->path);
  free(rec->partial);
  free(rec);
}

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

/* Reads a string attribute (variable or fixed length) into buf; "" and false if absent. */
static bool read_attr_string(hid_t obj, const char *name, char *buf, size_t len) {
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

static bool read_attr_num(hid_t obj, const char *name, hid_t mtype, void *out) {
  hid_t attr = H5I_INVALID_HID;
  bool ok = false;
  if (H5Aexists(obj, name) > 0 && (attr = H5Aopen(obj, name, H5P_DEFAULT)) >= 0)
    ok = H5Aread(attr, mtype, out) >= 0;
  if (attr >= 0) H5Aclose(attr);
  return ok;
}

static void info_string(sbuf *sb, hid_t file, const char *label, const char *attr) {
  char v[PATH_LEN];
  if (!read_attr_string(file, attr, v, sizeof v)) snprintf(v, sizeof v, "?");
  sb_printf(sb, "%-12s %s\n", label, v);
}

static void info_double(sbuf *sb, hid_t file, const char *label, const char *attr) {
  char uname[ATTR_NAME_MAX], units[64];
  double v;
  snprintf(uname, sizeof uname, "%s_units", attr);
  read_attr_string(file, uname, units, sizeof units);
  if (read_attr_num(file, attr, H5T_NATIVE_DOUBLE, &v))
    sb_printf(sb, "%-12s %g %s\n", label, v, units);
  else
    sb_printf(sb, "%-12s ?\n", label);
}

static void info_meta(sbuf *sb, hid_t file, const char *path) {
  char version[64], commit[64];
  uint64_t seed;
  int threads, ranks;
  read_attr_string(file, "fearsim_version", version, sizeof version);
  read_attr_string(file, "git_commit", commit, sizeof commit);
  sb_printf(sb, "%-12s %s\n", "file:", path);
  sb_printf(sb, "%-12s %s (commit %s)\n", "fearsim:", version, commit);
  info_string(sb, file, "experiment:", "experiment_file");
  if (read_attr_num(file, "seed", H5T_NATIVE_UINT64, &seed))
    sb_printf(sb, "%-12s %" PRIu64 "\n", "seed:", seed);
  if (read_attr_num(file, "threads", H5T_NATIVE_INT, &threads) &&
      read_attr_num(file, "ranks", H5T_NATIVE_INT, &ranks))
    sb_printf(sb, "%-12s %d (MPI ranks: %d)\n", "threads:", threads, ranks);
  info_double(sb, file, "dt:", "dt");
  info_double(sb, file, "duration:", "duration");
  info_string(sb, file, "start time:", "start_time");
  info_string(sb, file, "end time:", "end_time");
}

/* H5Lexists fails, rather than answering no, when a parent group is missing. */
static bool path_exists(hid_t file, const char *path) {
  char prefix[PATH_LEN];
  snprintf(prefix, sizeof prefix, "%s", path);
  for (char *slash = strchr(prefix + 1, '/');; slash = strchr(slash + 1, '/')) {
    if (slash != NULL) *slash = '\0';
    if (H5Lexists(file, prefix, H5P_DEFAULT) <= 0) return false;
    if (slash == NULL) return true;
    *slash = '/';
  }
}

static bool dataset_length(hid_t file, const char *path, hsize_t *n) {
  hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID;
  bool ok = false;
  if (path_exists(file, path) && (ds = H5Dopen2(file, path, H5P_DEFAULT)) >= 0 &&
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
  read_attr_num(pop, "size", H5T_NATIVE_UINT64, &size);
  read_attr_string(pop, "model", model, sizeof model);
  read_attr_string(pop, "kind", kind, sizeof kind);
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
  if (!read_attr_string(ds, "units", units, sizeof units))
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
  if (H5Iget_type(obj) == H5I_DATASET) info_dataset(ctx->sb, obj, name);
  H5Oclose(obj);
  return 0;
}

static void info_body(sbuf *sb, hid_t file, const char *path) {
  info_ctx ctx = {sb, file, 0.0};
  info_meta(sb, file, path);
  read_attr_num(file, "duration", H5T_NATIVE_DOUBLE, &ctx.duration);
  sb_printf(sb, "populations:\n");
  if (path_exists(file, "/network"))
    (void)H5Literate_by_name(file, "/network", H5_INDEX_NAME, H5_ITER_INC, NULL, info_population,
                             &ctx, H5P_DEFAULT);
  sb_printf(sb, "datasets:\n");
  (void)H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, info_object, &ctx);
}

static fs_status not_a_result(const char *path, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "\"%s\" is not a fearsim result file", path);
}

fs_status fs_record_info(const char *path, char **text, fs_error *err) {
  fs_status st = FS_OK;
  hid_t file = H5I_INVALID_HID;
  sbuf sb = {NULL, 0, 0, false};
  struct stat stb;
  if (text == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_info: path and text are required");
  *text = NULL;
  if (stat(path, &stb) != 0)
    return fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", path,
                        errno == ENOENT ? "no such file" : strerror(errno));
  silence_hdf5();
  if (S_ISDIR(stb.st_mode) || H5Fis_hdf5(path) <= 0) return not_a_result(path, err);
  TRY_H5(file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open \"%s\"", path);
  if (H5Aexists(file, "fearsim_version") <= 0) {
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
  h5_release(&file, path, &st, err);
  free(sb.data);
  return st;
}
