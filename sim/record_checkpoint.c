/* record_checkpoint.c - the checkpoint store of the record module: two slots in the partial
 * file written in turn, each sealed with a serial number and a checksum and synced to disk, and
 * the choice of the newer slot that holds up when a partial is opened to resume. */
#define _POSIX_C_SOURCE 200809L

#include "record_impl.h"

#include <fearsim/hash.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const fs_rec_slot_names[2] = {"a", "b"};

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
  return fs_hash_fnv1a(v, bytes, fs_rec_name_hash(name));
}

/* ---- the attributes' checksum -------------------------------------------------------- */

/* What the attributes' checksum leaves out of a slot: its seal, which it cannot cover, and
 * the writer's identity, which a resume compares with its own (a damaged one is refused with a
 * message naming the version, as a partial of another fearsim is). */
static const char *const slot_unsummed[] = {"serial",           "checksum",        "n_arrays",
                                            "attr_checksum",    "fearsim_version", "git_commit",
                                            "checkpoint_format"};

typedef struct attr_ctx {
  uint64_t sum;
  bool failed;
  bool slot; /* the slot's attributes (some left out), else the file's (all) */
} attr_ctx;

static bool left_out(const attr_ctx *c, const char *name) {
  for (size_t i = 0; c->slot && i < sizeof slot_unsummed / sizeof *slot_unsummed; i++)
    if (strcmp(name, slot_unsummed[i]) == 0) return true;
  return false;
}

/* One attribute's share: its name and its values, strings by their text (a variable-length
 * string is a pointer in memory). */
static bool attr_share(hid_t attr, const char *name, uint64_t *share) {
  hid_t ftype = H5Aget_type(attr), space = H5Aget_space(attr), mtype = H5I_INVALID_HID;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  bool vlen = ftype >= 0 && H5Tget_class(ftype) == H5T_STRING && H5Tis_variable_str(ftype) > 0;
  bool ok = false;
  if (ftype >= 0 && n >= 0) {
    if (vlen && (mtype = H5Tcopy(H5T_C_S1)) >= 0 &&
        (H5Tset_size(mtype, H5T_VARIABLE) < 0 || H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0)) {
      H5Tclose(mtype);
      mtype = H5I_INVALID_HID;
    } else if (!vlen) {
      mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    }
  }
  size_t size = mtype >= 0 ? H5Tget_size(mtype) : 0;
  unsigned char *buf = mtype >= 0 ? calloc((size_t)n + 1, size) : NULL;
  *share = fs_rec_name_hash(name);
  if (buf != NULL && H5Aread(attr, mtype, buf) >= 0) {
    ok = true;
    if (!vlen) *share = fs_hash_fnv1a(buf, (size_t)n * size, *share);
    for (hssize_t i = 0; vlen && i < n; i++) {
      char *text = ((char **)buf)[i];
      *share = fs_hash_fnv1a(text ? text : "", text ? strlen(text) + 1 : 0, *share);
      H5free_memory(text);
    }
  }
  free(buf);
  if (mtype >= 0) H5Tclose(mtype);
  if (space >= 0) H5Sclose(space);
  if (ftype >= 0) H5Tclose(ftype);
  return ok;
}

static herr_t add_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data) {
  attr_ctx *c = data;
  uint64_t share = 0;
  (void)info;
  if (left_out(c, name)) return 0;
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0 || !attr_share(attr, name, &share)) c->failed = true;
  if (attr >= 0) H5Aclose(attr);
  c->sum += share;
  return c->failed ? 1 : 0;
}

/* The checksum of what a resume reads besides the arrays: the slot's attributes (experiment,
 * overrides, times) and the file's (the experiment's text, seed, dt, ... that the result keeps),
 * so that a damaged byte there is found rather than carried into a "successful" result. */
static bool attrs_checksum(hid_t file, const char *slot, uint64_t *sum) {
  attr_ctx c = {0, false, false};
  hid_t g = H5Gopen2(file, slot, H5P_DEFAULT);
  bool ok =
      g >= 0 && H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, NULL, add_attr, &c) >= 0 && !c.failed;
  c.sum = fs_hash_fnv1a("/", 1, c.sum); /* the file's attributes apart from the slot's */
  c.slot = true;
  ok = ok && H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, add_attr, &c) >= 0 && !c.failed;
  if (g >= 0) H5Gclose(g);
  *sum = c.sum;
  return ok;
}

fs_status fs_record_checkpoint_begin(fs_record *rec, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_checkpoint_begin", err);
  hid_t g = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  int k = rec->slot_index == 0 ? 1 : 0; /* the older slot, or the first */
  snprintf(rec->slot, sizeof rec->slot, "/checkpoint/%s", fs_rec_slot_names[k]);
  fs_rec_silence();
  if (!fs_rec_path_exists(rec->file, "/checkpoint")) {
    TRY_H5(g = H5Gcreate2(rec->file, "/checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           "cannot create group \"/checkpoint\"");
    fs_rec_release(&g, "/checkpoint", &st, err);
  }
  rec->has_ckpt = true;
  if (fs_rec_path_exists(rec->file, rec->slot))
    TRY_H5(H5Ldelete(rec->file, rec->slot, H5P_DEFAULT), "cannot clear \"%s\"", rec->slot);
  TRY_H5(g = H5Gcreate2(rec->file, rec->slot, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
         "cannot create group \"%s\"", rec->slot);
  rec->writing = true;
  rec->sum = 0;
  rec->n_arrays = 0;
cleanup:
  fs_rec_release(&g, rec->slot, &st, err);
  return fs_rec_note(rec, st);
}

const char *fs_record_checkpoint_slot(const fs_record *rec) {
  return rec != NULL && (rec->writing || rec->slot_index >= 0) ? rec->slot : "";
}

fs_status fs_record_checkpoint_put(fs_record *rec, const char *name, fs_record_type type,
                                   const void *v, size_t n, fs_error *err) {
  fs_status st = fs_rec_check_open(rec, "fs_record_checkpoint_put", err);
  hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, lcpl = H5I_INVALID_HID;
  hid_t ds = H5I_INVALID_HID;
  char path[PATH_LEN];
  if (st != FS_OK) return st;
  if (!rec->writing || !fs_rec_is_set(name) || (n > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_put: no checkpoint begun");
  snprintf(path, sizeof path, "%s/%s", rec->slot, name);
  hsize_t dim = n, max = H5S_UNLIMITED, chunk = n == 0 ? 1 : (n < CKPT_CHUNK ? n : CKPT_CHUNK);
  fs_rec_silence();
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
  fs_rec_release(&ds, path, &st, err);
  fs_rec_release(&lcpl, path, &st, err);
  fs_rec_release(&dcpl, path, &st, err);
  fs_rec_release(&space, path, &st, err);
  return fs_rec_note(rec, st);
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
    q->series_hash[i] = fs_rec_name_hash(s->path);
    q->series_n[i] = s->n;
    q->series_buf_n[i] = s->n_buf;
    memcpy(q->series_buf + at, s->buf, s->n_buf * sizeof *s->buf);
    at += s->n_buf;
  }
  for (size_t i = 0; i < rec->n_pops; i++) {
    const rec_pop *p = &rec->pops[i];
    q->pop_hash[i] = fs_rec_name_hash(p->name);
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
  fs_status st = fs_rec_check_open(rec, "fs_record_checkpoint_commit", err);
  hid_t g = H5I_INVALID_HID;
  if (st != FS_OK) return st;
  if (!rec->writing)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_commit: no checkpoint begun");
  FS_TRY(put_positions(rec, err));
  uint64_t serial = rec->serial + 1;
  fs_rec_silence();
  TRY_H5(g = H5Gopen2(rec->file, rec->slot, H5P_DEFAULT), "cannot open \"%s\"", rec->slot);
  FS_TRY(fs_rec_write_attr(g, rec->slot, "n_arrays", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                           &rec->n_arrays, err));
  FS_TRY(fs_rec_write_attr(g, rec->slot, "checksum", H5T_STD_U64LE, H5T_NATIVE_UINT64, &rec->sum,
                           err));
  uint64_t attr_sum = 0;
  if (!attrs_checksum(rec->file, rec->slot, &attr_sum))
    FS_TRY(fs_rec_h5_fail(err, "cannot read back the attributes of \"%s\"", rec->slot));
  FS_TRY(fs_rec_write_attr(g, rec->slot, "attr_checksum", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                           &attr_sum, err));
  /* the serial number last: a slot without one is never read */
  FS_TRY(fs_rec_write_attr(g, rec->slot, "serial", H5T_STD_U64LE, H5T_NATIVE_UINT64, &serial, err));
  fs_rec_release(&g, rec->slot, &st, err);
  FS_TRY(st);
  FS_TRY(sync_file(rec, err));
  rec->serial = serial;
  rec->slot_index = strcmp(rec->slot, "/checkpoint/a") == 0 ? 0 : 1;
  rec->writing = false;
  rec->keep = true;
cleanup:
  fs_rec_release(&g, rec->slot, &st, err);
  return fs_rec_note(rec, st);
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
  if (rec->slot_index < 0 || !fs_rec_path_exists(rec->file, path))
    return checkpoint_mismatch(rec, name, "is missing", err);
  TRY_H5(*ds = H5Dopen2(rec->file, path, H5P_DEFAULT), "cannot read \"%s\"", path);
  TRY_H5(space = H5Dget_space(*ds), "cannot read \"%s\"", path);
  TRY_H5(ftype = H5Dget_type(*ds), "cannot read \"%s\"", path);
  if (H5Tequal(ftype, ckpt_file_type(type)) <= 0 || H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_dims(space, n, NULL) != 1)
    st = checkpoint_mismatch(rec, name, "is of another type", err);
cleanup:
  fs_rec_release(&ftype, path, &st, err);
  fs_rec_release(&space, path, &st, err);
  if (st != FS_OK) fs_rec_release(ds, path, &st, NULL);
  return st;
}

fs_status fs_record_checkpoint_get(fs_record *rec, const char *name, fs_record_type type, void *v,
                                   size_t cap, size_t *n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID;
  hsize_t len = 0;
  if (rec == NULL || rec->file < 0 || name == NULL || (cap > 0 && v == NULL))
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_get: bad argument");
  fs_rec_silence();
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
  fs_rec_release(&ds, name, &st, err);
  return st;
}

/* An array of the valid slot in a buffer of its own length (malloc'ed, at least one value). */
static fs_status get_alloc(fs_record *rec, const char *name, fs_record_type type, void **out,
                           size_t *n, fs_error *err) {
  fs_status st = FS_OK;
  hid_t ds = H5I_INVALID_HID;
  hsize_t len = 0;
  FS_TRY(open_array(rec, name, type, &ds, &len, err));
  fs_rec_release(&ds, name, &st, err);
  FS_TRY(st);
  *out = calloc((size_t)len + 1, ckpt_size(type));
  if (*out == NULL) return fs_error_set(err, FS_ERR_NOMEM, "out of memory reading a checkpoint");
  *n = (size_t)len;
  st = fs_record_checkpoint_get(rec, name, type, *out, *n, NULL, err);
cleanup:
  fs_rec_release(&ds, name, &st, err);
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

/* The serial number of slot k if it is complete and its arrays add up to its checksum, else 0. */
static uint64_t verified_serial(hid_t file, int k) {
  char path[32];
  uint64_t serial = 0, sum = 0, n = 0, attr_sum = 0, attr_have = 0;
  verify_ctx c = {0, 0, false};
  snprintf(path, sizeof path, "/checkpoint/%s", fs_rec_slot_names[k]);
  if (!fs_rec_path_exists(file, path)) return 0;
  hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
  if (g < 0) return 0;
  bool ok = fs_rec_read_attr_num(g, "serial", H5T_NATIVE_UINT64, &serial) &&
            fs_rec_read_attr_num(g, "checksum", H5T_NATIVE_UINT64, &sum) &&
            fs_rec_read_attr_num(g, "n_arrays", H5T_NATIVE_UINT64, &n) &&
            fs_rec_read_attr_num(g, "attr_checksum", H5T_NATIVE_UINT64, &attr_sum) &&
            H5Ovisit(g, H5_INDEX_NAME, H5_ITER_INC, verify_object, &c) >= 0 && !c.failed &&
            c.sum == sum && c.n == n && attrs_checksum(file, path, &attr_have) &&
            attr_have == attr_sum;
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
  snprintf(rec->slot, sizeof rec->slot, "/checkpoint/%s", fs_rec_slot_names[rec->slot_index]);
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
  if (write) FS_TRY(fs_rec_make_fapl(rec->partial, &fapl, err));
  rec->file =
      H5Fopen(rec->partial, write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, write ? fapl : H5P_DEFAULT);
  if (rec->file < 0) {
    char detail[ATTR_NAME_MAX];
    fs_rec_h5_detail(detail);
    if (strstr(detail, "unable to lock file") != NULL) /* not "sblock->" of a truncated one */
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
  fs_rec_release(&fapl, rec->partial, &st, err);
  return st;
}

fs_status fs_record_checkpoint_open(const char *path, bool write, bool force, fs_record **out,
                                    fs_error *err) {
  fs_status st = FS_OK;
  fs_record *rec = NULL;
  struct stat sb;
  char output[PATH_LEN];
  if (out == NULL || path == NULL)
    return fs_error_set(err, FS_ERR_INTERNAL, "fs_record_checkpoint_open: bad argument");
  *out = NULL;
  if (stat(path, &sb) != 0)
    return fs_error_set(err, FS_ERR_INPUT, "cannot open \"%s\": %s", path,
                        errno == ENOENT ? "no such file" : strerror(errno));
  fs_rec_silence();
  if (S_ISDIR(sb.st_mode) || H5Fis_hdf5(path) <= 0)
    return not_a_checkpoint(path, "not an HDF5 file", err);
  if (write && (st = output_of(path, output, sizeof output, err)) != FS_OK) return st;
  FS_TRY(fs_rec_alloc(write ? output : path, force, &rec, err));
  free(rec->partial);
  if ((rec->partial = fs_rec_str_join(path, "", "")) == NULL) {
    st = fs_error_set(err, FS_ERR_NOMEM, "out of memory opening \"%s\"", path);
    goto cleanup;
  }
  FS_TRY(open_existing(rec, write, err));
  if (!fs_rec_path_exists(rec->file, "/checkpoint")) {
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

/* --- saving or restoring a module's state -------------------------------------------- */

fs_status fs_record_checkpoint_array(const fs_record_checkpoint_io *io, const char *name,
                                     fs_record_type type, void *data, size_t n, fs_error *err) {
  if (io->restore) return fs_record_checkpoint_get(io->rec, name, type, data, n, NULL, err);
  return fs_record_checkpoint_put(io->rec, name, type, data, n, err);
}

fs_status fs_record_checkpoint_prefix(const fs_record_checkpoint_io *io, const char *name,
                                      fs_record_type type, void *data, size_t *n, size_t cap,
                                      fs_error *err) {
  if (io->restore) return fs_record_checkpoint_get(io->rec, name, type, data, cap, n, err);
  return fs_record_checkpoint_put(io->rec, name, type, data, *n, err);
}
