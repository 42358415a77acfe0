/* record.c - the only module that touches HDF5: writes one self-describing result file per
 * run (SONATA spikes, appendable series, whole arrays, attributes) into OUT.h5.partial,
 * keeps checkpoints in it and reopens it to resume, renames it on success, and summarises a
 * finished file for `fearsim info`. */
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
  SERIES_CHUNK = 1 << 12,    /* values buffered per series = its chunk (series are short) */
  CKPT_CHUNK = 1 << 16,      /* chunk of a checkpoint array, capped at its length */
  CKPT_DEFLATE = 1,          /* checkpoints are written while Slurm waits: fast, not small */
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
    {"/snapshots/*/*/*", FIELD_F64, NULL, NULL}, /* the engine passes each field's units */
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
  hsize_t n;   /* values in the file */
  double *buf; /* values not written yet: SERIES_CHUNK, so that every chunk is written once */
  size_t n_buf;
} rec_series;

/* What a resumed record takes from its checkpoint: per series and per population (in the order
 * they are declared), the rows in the file and the values that were still buffered. */
typedef struct resume_pos {
  size_t n_series, n_pops;
  uint64_t *series_hash, *series_n, *series_buf_n; /* [series] */
  double *series_buf;                              /* concatenated */
  uint64_t *pop_hash, *spikes_n, *spikes_buf_n;    /* [population] */
  double *spikes_t, *spikes_t_last;
  uint64_t *spikes_id;
  size_t series_at, spikes_at; /* offsets into the concatenated buffers */
} resume_pos;

struct fs_record {
  hid_t file;
  char *path, *partial;
  bool force;
  bool created;    /* we created partial, so we may remove it */
  bool failed;     /* an HDF5 write failed: the file must not be published */
  bool finished;   /* partial was renamed to path */
  bool resumed;    /* an existing partial reopened to go on from its checkpoint */
  bool keep;       /* the partial holds a valid checkpoint: fs_record_free leaves it */
  bool has_ckpt;   /* the file has /checkpoint: fs_record_finish copies the rest to a new file */
  char slot[32];   /* the slot written (between begin and commit) or read */
  int slot_index;  /* of the valid slot: 0 (a) or 1 (b); -1 none */
  uint64_t serial; /* of the valid slot */
  bool writing;    /* between fs_record_checkpoint_begin and commit */
  uint64_t sum, n_arrays; /* checksum and count of the arrays put into the slot so far */
  resume_pos rp;
  rec_pop *pops;
  size_t n_pops, cap_pops;
  rec_series *series;
  size_t n_series, cap_series;
};

/* ---- small helpers --------------------------------------------------------------------- */

static bool path_exists(hid_t file, const char *path);

#define FNV_BASIS 0xcbf29ce484222325ull

/* FNV-1a over n bytes, continuing from h: checksums of checkpoints and names. */
static uint64_t fnv1a(const void *p, size_t n, uint64_t h) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

static uint64_t name_hash(const char *s) {
  return fnv1a(s, strlen(s), FNV_BASIS);
}

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

/* The innermost HDF5 error description ("" if none). Must run before any other HDF5 call,
 * which would clear the error stack. */
static void h5_detail(char detail[ATTR_NAME_MAX]) {
  detail[0] = '\0';
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost_error, detail);
}

/* FS_ERR_HDF5 with the caller's message and the innermost HDF5 error description. */
__attribute__((format(printf, 2, 3))) static fs_status h5_fail(fs_error *err, const char *fmt,
                                                               ...) {
  char what[FS_ERROR_MSG_LEN], detail[ATTR_NAME_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  h5_detail(detail);
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
  rec->slot_index = -1;
  rec->path = str_join(path, "", "");
  rec->partial = str_join(path, ".partial", "");
  *out = rec;
  if (rec->path == NULL || rec->partial == NULL)
    return fs_error_set(err, FS_ERR_NOMEM, "out of memory creating the record for \"%s\"", path);
  return FS_OK;
}

/* File access for writing: the 1.8 format (readable by every HDF5 >= 1.8, h5py, SONATA tools,
 * and stable); closing fails while an object is open instead of silently deferring (SEMI); and
 * metadata stays in memory until a flush, so that between two checkpoints the file on disk
 * keeps the metadata of the last one (evictions off requires the adaptive resizing off). */
static fs_status make_fapl(const char *path, hid_t *out, fs_error *err) {
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
  h5_release(&fapl, path, &st, err);
  return st;
}

static fs_status create_partial(fs_record *rec, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fapl = H5I_INVALID_HID;
  struct stat sb;
  FS_TRY(make_fapl(rec->partial, &fapl, err));
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
  if (!path_exists(rec->file, path)) return mismatch(rec, path, err);
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
  h5_release(&space, path, &st, err);
  h5_release(&ds, path, &st, err);
  return st;
}

/* Series number i of a resumed record: its dataset and the values it had buffered. */
static fs_status resume_series(fs_record *rec, size_t i, rec_series *s, fs_error *err) {
  resume_pos *rp = &rec->rp;
  if (i >= rp->n_series || rp->series_hash[i] != name_hash(s->path))
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
  if (i >= rp->n_pops || rp->pop_hash[i] != name_hash(p->name)) return mismatch(rec, what, err);
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
  double *buf = NULL;
  if (st != FS_OK) return st;
  if (handle == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_create: handle is required");
  FS_TRY(resolve_field(path, FIELD_F64, &units, &description, err));
  rec_series *s = grow_array(rec->series, &rec->cap_series, rec->n_series, sizeof *s);
  if (s != NULL) rec->series = s;
  copy = str_join(path, "", "");
  buf = malloc(SERIES_CHUNK * sizeof *buf);
  if (s == NULL || copy == NULL || buf == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory creating dataset \"%s\"", path);
    goto cleanup;
  }
  silence_hdf5();
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
  return note(rec, st);
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
  fs_status st = check_open(rec, "fs_record_series_append", err);
  if (st != FS_OK) return st;
  if (handle >= rec->n_series || (n > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_series_append: bad handle or array");
  rec_series *s = &rec->series[handle];
  silence_hdf5();
  for (size_t done = 0; done < n && st == FS_OK;) {
    size_t k = SERIES_CHUNK - s->n_buf;
    if (k > n - done) k = n - done;
    memcpy(s->buf + s->n_buf, v + done, k * sizeof *v);
    s->n_buf += k;
    done += k;
    if (s->n_buf == SERIES_CHUNK) st = flush_series(s, err);
  }
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
  /* a resumed run writes again what its first part wrote after the checkpoint */
  if (rec->resumed && path_exists(rec->file, path))
    TRY_H5(H5Ldelete(rec->file, path, H5P_DEFAULT), "cannot replace dataset \"%s\"", path);
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

/* ---- checkpoints ----------------------------------------------------------------------- */

static const char *const slot_names[2] = {"a", "b"};

static hid_t ckpt_mem_type(fs_record_type t) {
  switch (t) {
  case FS_REC_F64:
    return H5T_NATIVE_DOUBLE;
  case FS_REC_I64:
    return H5T_NATIVE_INT64;
  case FS_REC_U64:
    return H5T_NATIVE_UINT64;
  case FS_REC_I32:
    return H5T_NATIVE_INT32;
  case FS_REC_U32:
    return H5T_NATIVE_UINT32;
  case FS_REC_U16:
    return H5T_NATIVE_UINT16;
  case FS_REC_U8:
    break;
  }
  return H5T_NATIVE_UINT8;
}

static hid_t ckpt_file_type(fs_record_type t) {
  switch (t) {
  case FS_REC_F64:
    return H5T_IEEE_F64LE;
  case FS_REC_I64:
    return H5T_STD_I64LE;
  case FS_REC_U64:
    return H5T_STD_U64LE;
  case FS_REC_I32:
    return H5T_STD_I32LE;
  case FS_REC_U32:
    return H5T_STD_U32LE;
  case FS_REC_U16:
    return H5T_STD_U16LE;
  case FS_REC_U8:
    break;
  }
  return H5T_STD_U8LE;
}

static size_t ckpt_size(fs_record_type t) {
  static const size_t size[] = {8, 8, 8, 4, 4, 2, 1};
  return size[t];
}

/* One array's share of a slot's checksum: its name and bytes. Shares add up, so the order in
 * which arrays are written or read back does not matter. */
static uint64_t array_sum(const char *name, const void *v, size_t bytes) {
  return fnv1a(v, bytes, name_hash(name));
}

fs_status fs_record_checkpoint_begin(fs_record *rec, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_checkpoint_begin", err);
  hid_t g = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  int k = rec->slot_index == 0 ? 1 : 0; /* the older slot, or the first */
  snprintf(rec->slot, sizeof rec->slot, "/checkpoint/%s", slot_names[k]);
  silence_hdf5();
  if (!path_exists(rec->file, "/checkpoint")) {
    TRY_H5(g = H5Gcreate2(rec->file, "/checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           "cannot create group \"/checkpoint\"");
    h5_release(&g, "/checkpoint", &st, err);
  }
  rec->has_ckpt = true;
  if (path_exists(rec->file, rec->slot))
    TRY_H5(H5Ldelete(rec->file, rec->slot, H5P_DEFAULT), "cannot clear \"%s\"", rec->slot);
  TRY_H5(g = H5Gcreate2(rec->file, rec->slot, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
         "cannot create group \"%s\"", rec->slot);
  rec->writing = true;
  rec->sum = 0;
  rec->n_arrays = 0;
cleanup:
  h5_release(&g, rec->slot, &st, err);
  return note(rec, st);
}

const char *fs_record_partial(const fs_record *rec) {
  return rec != NULL && rec->partial != NULL ? rec->partial : "";
}

const char *fs_record_checkpoint_slot(const fs_record *rec) {
  return rec != NULL && (rec->writing || rec->slot_index >= 0) ? rec->slot : "";
}

fs_status fs_record_checkpoint_put(fs_record *rec, const char *name, fs_record_type type,
                                   const void *v, size_t n, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_checkpoint_put", err);
  hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, lcpl = H5I_INVALID_HID;
  hid_t ds = H5I_INVALID_HID;
  char path[PATH_LEN];
  if (st != FS_OK) return st;
  if (!rec->writing || !is_set(name) || (n > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_put: no checkpoint begun");
  snprintf(path, sizeof path, "%s/%s", rec->slot, name);
  hsize_t dim = n, max = H5S_UNLIMITED, chunk = n == 0 ? 1 : (n < CKPT_CHUNK ? n : CKPT_CHUNK);
  silence_hdf5();
  TRY_H5(space = H5Screate_simple(1, &dim, &max), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(dcpl = H5Pcreate(H5P_DATASET_CREATE), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(H5Pset_chunk(dcpl, 1, &chunk), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(H5Pset_shuffle(dcpl), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(H5Pset_deflate(dcpl, CKPT_DEFLATE), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(lcpl = H5Pcreate(H5P_LINK_CREATE), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(H5Pset_create_intermediate_group(lcpl, 1), "cannot write checkpoint array \"%s\"", path);
  TRY_H5(ds = H5Dcreate2(rec->file, path, ckpt_file_type(type), space, lcpl, dcpl, H5P_DEFAULT),
         "cannot write checkpoint array \"%s\"", path);
  if (n > 0)
    TRY_H5(H5Dwrite(ds, ckpt_mem_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, v),
           "cannot write checkpoint array \"%s\"", path);
  rec->sum += array_sum(name, v, n * ckpt_size(type));
  rec->n_arrays++;
cleanup:
  h5_release(&ds, path, &st, err);
  h5_release(&lcpl, path, &st, err);
  h5_release(&dcpl, path, &st, err);
  h5_release(&space, path, &st, err);
  return note(rec, st);
}

/* The record's positions in one slot: rows written and values buffered, per series and per
 * population in the order they were declared, with hashes of their names. */
typedef struct positions {
  uint64_t *series_hash, *series_n, *series_buf_n, *pop_hash, *spikes_n, *spikes_buf_n, *spikes_id;
  double *series_buf, *spikes_t, *spikes_t_last;
} positions;

static void positions_free(positions *q) {
  free(q->series_hash);
  free(q->series_n);
  free(q->series_buf_n);
  free(q->series_buf);
  free(q->pop_hash);
  free(q->spikes_n);
  free(q->spikes_buf_n);
  free(q->spikes_t);
  free(q->spikes_id);
  free(q->spikes_t_last);
}

static size_t fill_positions(const fs_record *rec, positions *q) {
  size_t at = 0, spikes = 0;
  for (size_t i = 0; i < rec->n_series; i++) {
    const rec_series *s = &rec->series[i];
    q->series_hash[i] = name_hash(s->path);
    q->series_n[i] = s->n;
    q->series_buf_n[i] = s->n_buf;
    memcpy(q->series_buf + at, s->buf, s->n_buf * sizeof *s->buf);
    at += s->n_buf;
  }
  for (size_t i = 0; i < rec->n_pops; i++) {
    const rec_pop *p = &rec->pops[i];
    q->pop_hash[i] = name_hash(p->name);
    q->spikes_n[i] = p->n_written;
    q->spikes_buf_n[i] = p->n_buf;
    q->spikes_t_last[i] = p->t_last;
    if (p->n_buf) memcpy(q->spikes_t + spikes, p->t_buf, p->n_buf * sizeof *p->t_buf);
    if (p->n_buf) memcpy(q->spikes_id + spikes, p->id_buf, p->n_buf * sizeof *p->id_buf);
    spikes += p->n_buf;
  }
  return at;
}

static fs_status put_positions(fs_record *rec, fs_error *err) {
  size_t ns = rec->n_series, np = rec->n_pops, nb = 0, nspk = 0;
  for (size_t i = 0; i < ns; i++)
    nb += rec->series[i].n_buf;
  for (size_t i = 0; i < np; i++)
    nspk += rec->pops[i].n_buf;
  positions q = {calloc(ns + 1, 8),   calloc(ns + 1, 8), calloc(ns + 1, 8),   calloc(np + 1, 8),
                 calloc(np + 1, 8),   calloc(np + 1, 8), calloc(nspk + 1, 8), calloc(nb + 1, 8),
                 calloc(nspk + 1, 8), calloc(np + 1, 8)};
  fs_status st = FS_OK;
  if (!q.series_hash || !q.series_n || !q.series_buf_n || !q.pop_hash || !q.spikes_n ||
      !q.spikes_buf_n || !q.spikes_id || !q.series_buf || !q.spikes_t || !q.spikes_t_last) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory writing a checkpoint");
    goto cleanup;
  }
  fill_positions(rec, &q);
  FS_TRY(fs_record_checkpoint_put(rec, "record/series_hash", FS_REC_U64, q.series_hash, ns, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/series_n", FS_REC_U64, q.series_n, ns, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/series_buf_n", FS_REC_U64, q.series_buf_n, ns, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/series_buf", FS_REC_F64, q.series_buf, nb, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/pop_hash", FS_REC_U64, q.pop_hash, np, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/spikes_n", FS_REC_U64, q.spikes_n, np, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/spikes_buf_n", FS_REC_U64, q.spikes_buf_n, np, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/spikes_t", FS_REC_F64, q.spikes_t, nspk, err));
  FS_TRY(fs_record_checkpoint_put(rec, "record/spikes_id", FS_REC_U64, q.spikes_id, nspk, err));
  FS_TRY(
      fs_record_checkpoint_put(rec, "record/spikes_t_last", FS_REC_F64, q.spikes_t_last, np, err));
cleanup:
  positions_free(&q);
  return st;
}

/* Writes what HDF5 holds in memory, then has the kernel put it on disk. */
static fs_status sync_file(fs_record *rec, fs_error *err) {
  fs_status st = FS_OK;
  void *handle = NULL;
  TRY_H5(H5Fflush(rec->file, H5F_SCOPE_GLOBAL), "cannot flush \"%s\"", rec->partial);
  if (H5Fget_vfd_handle(rec->file, H5P_DEFAULT, &handle) >= 0 && handle != NULL &&
      fsync(*(int *)handle) != 0)
    st = fs_error_set(err, FS_ERR_IO, "cannot sync \"%s\" to disk: %s", rec->partial,
                      strerror(errno));
cleanup:
  return st;
}

fs_status fs_record_checkpoint_commit(fs_record *rec, fs_error *err) {
  fs_status st = check_open(rec, "fs_record_checkpoint_commit", err);
  hid_t g = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  if (!rec->writing)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_commit: no checkpoint begun");
  FS_TRY(put_positions(rec, err));
  uint64_t serial = rec->serial + 1;
  silence_hdf5();
  TRY_H5(g = H5Gopen2(rec->file, rec->slot, H5P_DEFAULT), "cannot open \"%s\"", rec->slot);
  FS_TRY(
      write_attr(g, rec->slot, "n_arrays", H5T_STD_U64LE, H5T_NATIVE_UINT64, &rec->n_arrays, err));
  FS_TRY(write_attr(g, rec->slot, "checksum", H5T_STD_U64LE, H5T_NATIVE_UINT64, &rec->sum, err));
  /* the serial number last: a slot without one is never read */
  FS_TRY(write_attr(g, rec->slot, "serial", H5T_STD_U64LE, H5T_NATIVE_UINT64, &serial, err));
  h5_release(&g, rec->slot, &st, err);
  FS_TRY(st);
  FS_TRY(sync_file(rec, err));
  rec->serial = serial;
  rec->slot_index = strcmp(rec->slot, "/checkpoint/a") == 0 ? 0 : 1;
  rec->writing = false;
  rec->keep = true;
cleanup:
  h5_release(&g, rec->slot, &st, err);
  return note(rec, st);
}

static fs_status checkpoint_mismatch(const fs_record *rec, const char *name, const char *why,
                                     fs_error *err) {
  (void)rec;
  return fs_error_set(err, FS_ERR_INPUT, "checkpoint array %s %s", name, why);
}

/* Opens array name of the valid slot; *n receives its length. */
static fs_status open_array(const fs_record *rec, const char *name, fs_record_type type, hid_t *ds,
                            hsize_t *n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t space = H5I_INVALID_HID, ftype = H5I_INVALID_HID;
  char path[PATH_LEN];
  snprintf(path, sizeof path, "%s/%s", rec->slot, name);
  if (rec->slot_index < 0 || !path_exists(rec->file, path))
    return checkpoint_mismatch(rec, name, "is missing", err);
  TRY_H5(*ds = H5Dopen2(rec->file, path, H5P_DEFAULT), "cannot read \"%s\"", path);
  TRY_H5(space = H5Dget_space(*ds), "cannot read \"%s\"", path);
  TRY_H5(ftype = H5Dget_type(*ds), "cannot read \"%s\"", path);
  if (H5Tequal(ftype, ckpt_file_type(type)) <= 0 || H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_dims(space, n, NULL) != 1)
    st = checkpoint_mismatch(rec, name, "is of another type", err);
cleanup:
  h5_release(&ftype, path, &st, err);
  h5_release(&space, path, &st, err);
  if (st != FS_OK) h5_release(ds, path, &st, NULL);
  return st;
}

fs_status fs_record_checkpoint_get(fs_record *rec, const char *name, fs_record_type type, void *v,
                                   size_t cap, size_t *n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID;
  hsize_t len = 0;
  if (rec == NULL || rec->file < 0 || name == NULL || (cap > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_get: bad argument");
  silence_hdf5();
  FS_TRY(open_array(rec, name, type, &ds, &len, err));
  if (n == NULL ? len != cap : len > cap) {
    char why[96];
    snprintf(why, sizeof why, "has %llu values, expected %s%zu", (unsigned long long)len,
             n == NULL ? "" : "at most ", cap);
    st = checkpoint_mismatch(rec, name, why, err);
    goto cleanup;
  }
  if (len > 0)
    TRY_H5(H5Dread(ds, ckpt_mem_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, v),
           "cannot read checkpoint array \"%s\"", name);
  if (n) *n = (size_t)len;
cleanup:
  h5_release(&ds, name, &st, err);
  return st;
}

/* An array of the valid slot in a buffer of its own length (malloc'ed, at least one value). */
static fs_status get_alloc(fs_record *rec, const char *name, fs_record_type type, void **out,
                           size_t *n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID;
  hsize_t len = 0;
  FS_TRY(open_array(rec, name, type, &ds, &len, err));
  h5_release(&ds, name, &st, err);
  FS_TRY(st);
  *out = calloc((size_t)len + 1, ckpt_size(type));
  if (*out == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory reading a checkpoint");
  *n = (size_t)len;
  st = fs_record_checkpoint_get(rec, name, type, *out, *n, NULL, err);
cleanup:
  h5_release(&ds, name, &st, err);
  return st;
}

/* The positions a resumed record applies as its datasets are declared again. */
static fs_status load_positions(fs_record *rec, fs_error *err) {
  resume_pos *rp = &rec->rp;
  size_t n[10];
  fs_status st = FS_OK;
  FS_TRY(get_alloc(rec, "record/series_hash", FS_REC_U64, (void **)&rp->series_hash, &n[0], err));
  FS_TRY(get_alloc(rec, "record/series_n", FS_REC_U64, (void **)&rp->series_n, &n[1], err));
  FS_TRY(get_alloc(rec, "record/series_buf_n", FS_REC_U64, (void **)&rp->series_buf_n, &n[2], err));
  FS_TRY(get_alloc(rec, "record/series_buf", FS_REC_F64, (void **)&rp->series_buf, &n[3], err));
  FS_TRY(get_alloc(rec, "record/pop_hash", FS_REC_U64, (void **)&rp->pop_hash, &n[4], err));
  FS_TRY(get_alloc(rec, "record/spikes_n", FS_REC_U64, (void **)&rp->spikes_n, &n[5], err));
  FS_TRY(get_alloc(rec, "record/spikes_buf_n", FS_REC_U64, (void **)&rp->spikes_buf_n, &n[6], err));
  FS_TRY(get_alloc(rec, "record/spikes_t", FS_REC_F64, (void **)&rp->spikes_t, &n[7], err));
  FS_TRY(get_alloc(rec, "record/spikes_id", FS_REC_U64, (void **)&rp->spikes_id, &n[8], err));
  FS_TRY(
      get_alloc(rec, "record/spikes_t_last", FS_REC_F64, (void **)&rp->spikes_t_last, &n[9], err));
  uint64_t nb = 0, nspk = 0;
  for (size_t i = 0; i < n[2] && i < n[0]; i++)
    nb += rp->series_buf_n[i];
  for (size_t i = 0; i < n[6] && i < n[4]; i++)
    nspk += rp->spikes_buf_n[i];
  if (n[1] != n[0] || n[2] != n[0] || nb != n[3] || n[5] != n[4] || n[6] != n[4] || n[9] != n[4] ||
      nspk != n[7] || n[8] != n[7])
    return fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\": the record positions of its checkpoint do "
                        "not agree: the file is damaged",
                        rec->partial);
  rp->n_series = n[0];
  rp->n_pops = n[4];
cleanup:
  return st;
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

/* ---- choosing the slot to resume from --------------------------------------------------- */

typedef struct verify_ctx {
  uint64_t sum, n;
  bool failed;
} verify_ctx;

static herr_t verify_object(hid_t slot, const char *name, const H5O_info_t *info, void *data) {
  verify_ctx *c = data;
  hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID, ftype = H5I_INVALID_HID,
        mtype = H5I_INVALID_HID;
  unsigned char *buf = NULL;
  if (info->type != H5O_TYPE_DATASET) return 0;
  hssize_t n = -1;
  if ((ds = H5Dopen2(slot, name, H5P_DEFAULT)) >= 0 && (space = H5Dget_space(ds)) >= 0 &&
      (ftype = H5Dget_type(ds)) >= 0 && (mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND)) >= 0)
    n = H5Sget_simple_extent_npoints(space);
  size_t bytes = n > 0 ? (size_t)n * H5Tget_size(mtype) : 0;
  if (n < 0 || (buf = malloc(bytes + 1)) == NULL ||
      (n > 0 && H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
    c->failed = true;
  else {
    c->sum += array_sum(name, buf, bytes);
    c->n++;
  }
  free(buf);
  if (mtype >= 0) H5Tclose(mtype);
  if (ftype >= 0) H5Tclose(ftype);
  if (space >= 0) H5Sclose(space);
  if (ds >= 0) H5Dclose(ds);
  return c->failed ? 1 : 0;
}

static bool read_attr_num(hid_t obj, const char *name, hid_t mtype, void *out);

/* The serial number of slot k if it is complete and its arrays add up to its checksum, else 0. */
static uint64_t verified_serial(hid_t file, int k) {
  char path[32];
  uint64_t serial = 0, sum = 0, n = 0;
  verify_ctx c = {0, 0, false};
  snprintf(path, sizeof path, "/checkpoint/%s", slot_names[k]);
  if (!path_exists(file, path)) return 0;
  hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
  if (g < 0) return 0;
  bool ok = read_attr_num(g, "serial", H5T_NATIVE_UINT64, &serial) &&
            read_attr_num(g, "checksum", H5T_NATIVE_UINT64, &sum) &&
            read_attr_num(g, "n_arrays", H5T_NATIVE_UINT64, &n) &&
            H5Ovisit(g, H5_INDEX_NAME, H5_ITER_INC, verify_object, &c) >= 0 && !c.failed &&
            c.sum == sum && c.n == n;
  H5Gclose(g);
  return ok ? serial : 0;
}

/* The newer of the two slots that holds up, else the other one. */
static fs_status choose_slot(fs_record *rec, fs_error *err) {
  uint64_t serial[2] = {verified_serial(rec->file, 0), verified_serial(rec->file, 1)};
  if (serial[0] == 0 && serial[1] == 0)
    return fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\": its checkpoint is incomplete or damaged (the run was killed while "
                        "writing it); run the experiment again",
                        rec->partial);
  rec->slot_index = serial[1] > serial[0] ? 1 : 0;
  rec->serial = serial[rec->slot_index];
  snprintf(rec->slot, sizeof rec->slot, "/checkpoint/%s", slot_names[rec->slot_index]);
  return FS_OK;
}

static fs_status not_a_checkpoint(const char *path, const char *why, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "\"%s\" is not a fearsim checkpoint: %s", path, why);
}

/* The output a partial stands for: "x.h5.partial" -> "x.h5". */
static fs_status output_of(const char *partial, char *out, size_t len, fs_error *err) {
  size_t n = strlen(partial), k = strlen(".partial");
  if (n <= k || strcmp(partial + n - k, ".partial") != 0 || n - k >= len)
    return fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\": a run to resume is an OUT.h5.partial file, got another name",
                        partial);
  snprintf(out, len, "%.*s", (int)(n - k), partial);
  return FS_OK;
}

static fs_status open_existing(fs_record *rec, bool write, fs_error *err) {
  fs_status st = FS_OK;
  hid_t fapl = H5I_INVALID_HID;
  if (write) FS_TRY(make_fapl(rec->partial, &fapl, err));
  rec->file =
      H5Fopen(rec->partial, write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, write ? fapl : H5P_DEFAULT);
  if (rec->file < 0) {
    char detail[ATTR_NAME_MAX];
    h5_detail(detail);
    if (strstr(detail, "lock") != NULL)
      st = fs_error_set(err, FS_ERR_INPUT,
                        "cannot open \"%s\": %s: another fearsim may be writing it", rec->partial,
                        detail);
    else
      st = fs_error_set(err, FS_ERR_INPUT,
                        "\"%s\" is not a fearsim checkpoint: HDF5 cannot read it (%s); a run "
                        "killed before its first checkpoint leaves such a file",
                        rec->partial, detail[0] ? detail : "no reason given");
  }
cleanup:
  h5_release(&fapl, rec->partial, &st, err);
  return st;
}

fs_status fs_record_open_checkpoint(const char *path, bool write, bool force, fs_record **out,
                                    fs_error *err) {
  fs_status st = FS_OK;
  fs_record *rec = NULL;
  struct stat sb;
  char output[PATH_LEN];
  if (out == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_open_checkpoint: bad argument");
  *out = NULL;
  if (stat(path, &sb) != 0)
    return fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", path,
                        errno == ENOENT ? "no such file" : strerror(errno));
  silence_hdf5();
  if (S_ISDIR(sb.st_mode) || H5Fis_hdf5(path) <= 0)
    return not_a_checkpoint(path, "not an HDF5 file", err);
  if (write && (st = output_of(path, output, sizeof output, err)) != FS_OK) return st;
  FS_TRY(record_alloc(write ? output : path, force, &rec, err));
  free(rec->partial);
  if ((rec->partial = str_join(path, "", "")) == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory opening \"%s\"", path);
    goto cleanup;
  }
  FS_TRY(open_existing(rec, write, err));
  if (!path_exists(rec->file, "/checkpoint")) {
    st = not_a_checkpoint(path, "it has no /checkpoint group", err);
    goto cleanup;
  }
  FS_TRY(choose_slot(rec, err));
  rec->has_ckpt = true;
  rec->keep = true;
  if (write) {
    rec->resumed = true;
    FS_TRY(load_positions(rec, err));
  }
  *out = rec;
  rec = NULL;
cleanup:
  fs_record_free(rec);
  return st;
}

/* ---- reading and writing single attributes ---------------------------------------------- */

static bool read_attr_string(hid_t obj, const char *name, char *buf, size_t len);

static fs_status no_attr(const fs_record *rec, const char *path, const char *name, fs_error *err) {
  return fs_error_set(err, FS_ERR_INPUT, "\"%s\": %s has no attribute \"%s\"", rec->partial, path,
                      name);
}

/* Opens object path of an open record for an attribute getter. */
static fs_status open_object(const fs_record *rec, const char *path, hid_t *obj, fs_error *err) {
  if (rec == NULL || rec->file < 0 || !is_set(path))
    return fs_error_set(err, FS_ERR_INTERNAL, "attribute getter: the record is not open");
  silence_hdf5();
  if (strcmp(path, "/") != 0 && !path_exists(rec->file, path))
    return fs_error_set(err, FS_ERR_INPUT, "\"%s\" has no %s", rec->partial, path);
  *obj = H5Oopen(rec->file, path, H5P_DEFAULT);
  return *obj < 0 ? h5_fail(err, "cannot open \"%s\"", path) : FS_OK;
}

fs_status fs_record_get_attr_string(fs_record *rec, const char *path, const char *name, char *buf,
                                    size_t len, fs_error *err) {
  hid_t obj = H5I_INVALID_HID;
  fs_status st = open_object(rec, path, &obj, err);
  if (st != FS_OK) return st;
  if (!read_attr_string(obj, name, buf, len)) st = no_attr(rec, path, name, err);
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
static char **pack_strings(char *const *s, size_t n) {
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
    *values = pack_strings(tmp, (size_t)k);
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
  silence_hdf5();
  TRY_H5(obj = H5Oopen(rec->file, path, H5P_DEFAULT), "cannot open \"%s\"", path);
  FS_TRY(write_attr(obj, path, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, err));
cleanup:
  h5_release(&obj, path, &st, err);
  return note(rec, st);
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
cleanup:
  h5_release(&out, dst, &st, err);
  h5_release(&fapl, dst, &st, err);
  h5_release(&in, src, &st, err);
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
  char *copy = str_join(rec->partial, ".compact", "");
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
  fs_status st = check_open(rec, "fs_record_finish", err);
  if (st != FS_OK) return st;
  silence_hdf5();
  for (size_t i = 0; i < rec->n_pops; i++)
    FS_TRY(flush_pop(&rec->pops[i], err));
  for (size_t i = 0; i < rec->n_series; i++)
    FS_TRY(flush_series(&rec->series[i], err));
  FS_TRY(write_attr_string(rec->file, "/", "end_time", end_time, err));
  FS_TRY(close_file(rec, err));
  if (rec->has_ckpt)
    FS_TRY(publish_compacted(rec, err));
  else
    FS_TRY(publish(rec, rec->partial, err));
cleanup:
  return note(rec, st);
}

void fs_record_free(fs_record *rec) {
  if (rec == NULL) return;
  if (rec->file >= 0) {
    silence_hdf5();
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
  /* a checkpoint's arrays are the program's, not results */
  if (H5Iget_type(obj) == H5I_DATASET && strncmp(name, "checkpoint/", 11) != 0)
    info_dataset(ctx->sb, obj, name);
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
  for (int k = 0; k < 2; k++) {
    char slot[32];
    uint64_t serial = 0;
    double t = 0;
    snprintf(slot, sizeof slot, "/checkpoint/%s", slot_names[k]);
    hid_t g = path_exists(file, slot) ? H5Gopen2(file, slot, H5P_DEFAULT) : H5I_INVALID_HID;
    if (g >= 0 && read_attr_num(g, "serial", H5T_NATIVE_UINT64, &serial) &&
        read_attr_num(g, "t", H5T_NATIVE_DOUBLE, &t))
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
