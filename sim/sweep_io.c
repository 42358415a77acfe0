/* sweep_io.c - the HDF5 side of sweeps: reads one scalar outcome from a run's result file and
 * writes summary.h5. Kept apart from sweep.c so that HDF5 stays behind two files (record.c
 * and this one); it could move into record.c as fs_record_read_* and a table writer. */
#include "sweep_impl.h"

#include <fearsim/config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

/* ---- reading an outcome ---------------------------------------------------------------- */

static void quiet_hdf5(void) {
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

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

/* Reads a whole 1-D dataset of numbers as doubles; *v is malloc'ed. */
static bool read_vector(hid_t file, const char *path, double **v, size_t *n, char *units,
                        size_t ulen, char *problem, size_t plen) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (ds < 0) return snprintf(problem, plen, "cannot open %s", path), false;
  hid_t sp = H5Dget_space(ds);
  hid_t ty = H5Dget_type(ds);
  hsize_t dims[2] = {0, 0};
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  bool ok = false;
  if (rank != 1 || H5Tget_class(ty) == H5T_STRING || H5Tget_class(ty) == H5T_COMPOUND) {
    snprintf(problem, plen, "%s is not a 1-D series of numbers", path);
  } else {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    *n = (size_t)dims[0];
    *v = malloc((*n + 1) * sizeof **v);
    ok = *v != NULL && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) >= 0;
    if (!ok) snprintf(problem, plen, "cannot read %s", path);
    if (units != NULL) read_units(ds, units, ulen);
  }
  H5Tclose(ty);
  H5Sclose(sp);
  H5Dclose(ds);
  return ok;
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
  size_t len = strlen(name) + 2;
  if ((l->names[l->n] = malloc(len)) == NULL) return -1;
  snprintf(l->names[l->n++], len, "/%s", name);
  return 0;
}

/* "no dataset /timeline/x (did you mean /timeline/y?)" from the datasets the file holds. */
static void missing_dataset(hid_t file, const char *path, char *problem, size_t plen) {
  name_list l = {NULL, 0, 0};
  VISIT(file, collect_dataset, &l);
  const char *close = fs_closest_name(path, (const char *const *)l.names, l.n);
  if (close != NULL)
    snprintf(problem, plen, "no dataset %s (did you mean %s?)", path, close);
  else
    snprintf(problem, plen, "no dataset %s", path);
  for (size_t i = 0; i < l.n; i++)
    free(l.names[i]);
  free(l.names);
}

/* The value at time t, linear between rows of the sibling `time` dataset. */
static bool value_at(hid_t file, const sweep_outcome *o, const double *v, size_t n, double *out,
                     char *problem, size_t plen) {
  char tpath[300];
  double *t = NULL;
  size_t nt = 0;
  const char *slash = strrchr(o->dataset, '/');
  snprintf(tpath, sizeof tpath, "%.*s/time", (int)(slash - o->dataset), o->dataset);
  if (H5Lexists(file, tpath, H5P_DEFAULT) <= 0)
    return snprintf(problem, plen, "reduce: at needs a dataset %s beside %s", tpath, o->dataset),
           false;
  bool ok = read_vector(file, tpath, &t, &nt, NULL, 0, problem, plen);
  if (ok && (nt != n || n == 0)) {
    snprintf(problem, plen, "%s has %zu rows, %s has %zu", tpath, nt, o->dataset, n);
    ok = false;
  } else if (ok && !(o->time >= t[0] && o->time <= t[n - 1])) {
    snprintf(problem, plen, "time %g s is outside %s (%g s to %g s)", o->time, tpath, t[0],
             t[n - 1]);
    ok = false;
  }
  size_t i = 0;
  while (ok && i + 1 < n && t[i + 1] < o->time)
    i++;
  if (ok) {
    double span = i + 1 < n ? t[i + 1] - t[i] : 0.0;
    double f = span > 0 ? (o->time - t[i]) / span : 0.0;
    *out = i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[i];
  }
  free(t);
  return ok;
}

static bool reduce(hid_t file, const sweep_outcome *o, const double *v, size_t n, double *out,
                   char *problem, size_t plen) {
  if (n == 0) return snprintf(problem, plen, "%s is empty", o->dataset), false;
  double acc = v[0];
  switch (o->reduce) {
  case REDUCE_MAX:
    for (size_t i = 1; i < n; i++)
      acc = v[i] > acc ? v[i] : acc;
    break;
  case REDUCE_MIN:
    for (size_t i = 1; i < n; i++)
      acc = v[i] < acc ? v[i] : acc;
    break;
  case REDUCE_MEAN:
    for (size_t i = 1; i < n; i++)
      acc += v[i];
    acc /= (double)n;
    break;
  case REDUCE_FIRST:
    break;
  case REDUCE_LAST:
    acc = v[n - 1];
    break;
  case REDUCE_INDEX: {
    long i = o->index < 0 ? (long)n + o->index : o->index;
    if (i < 0 || i >= (long)n)
      return snprintf(problem, plen, "index %ld is outside %s (%zu rows)", o->index, o->dataset, n),
             false;
    acc = v[i];
    break;
  }
  case REDUCE_AT:
    return value_at(file, o, v, n, out, problem, plen);
  }
  *out = acc;
  return true;
}

bool fs_sweep_io_outcome(const char *file, const sweep_outcome *o, double *value, char *units,
                         size_t ulen, char *problem, size_t plen) {
  quiet_hdf5();
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return snprintf(problem, plen, "cannot open as HDF5"), false;
  double *v = NULL;
  size_t n = 0;
  bool ok = false;
  if (H5Lexists(f, o->dataset, H5P_DEFAULT) <= 0)
    missing_dataset(f, o->dataset, problem, plen);
  else if (read_vector(f, o->dataset, &v, &n, units, ulen, problem, plen))
    ok = reduce(f, o, v, n, value, problem, plen);
  free(v);
  H5Fclose(f);
  return ok;
}

/* ---- writing the summary --------------------------------------------------------------- */

static herr_t set_attr_string(hid_t obj, const char *name, const char *value) {
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

static herr_t set_attr_double(hid_t obj, const char *name, double value) {
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = a >= 0 ? H5Awrite(a, H5T_NATIVE_DOUBLE, &value) : -1;
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  return rc;
}

/* One column as a chunked, compressed 1-D dataset with units and description. */
static herr_t write_column(hid_t file, const sweep_column *c, size_t n) {
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
  if (rc >= 0) rc = set_attr_string(ds, "units", c->units);
  if (rc >= 0) rc = set_attr_string(ds, "description", c->description);
  if (ds >= 0) H5Dclose(ds);
  H5Tclose(mt);
  H5Tclose(ft);
  H5Sclose(sp);
  H5Pclose(dcpl);
  H5Pclose(lcpl);
  return rc;
}

fs_status fs_sweep_io_write_summary(const char *path, const sweep_attr *attrs, size_t n_attrs,
                                    const sweep_column *cols, size_t n_cols, size_t n,
                                    fs_error *err) {
  char partial[4200];
  snprintf(partial, sizeof partial, "%s.partial", path);
  quiet_hdf5();
  remove(partial); /* an earlier collect that was killed */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110);
  hid_t f = H5Fcreate(partial, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (f < 0) return fs_error_set(err, FS_ERR_HDF5, "cannot create \"%s\"", partial);
  herr_t rc = 0;
  for (size_t i = 0; rc >= 0 && i < n_attrs; i++)
    rc = attrs[i].text != NULL ? set_attr_string(f, attrs[i].name, attrs[i].text)
                               : set_attr_double(f, attrs[i].name, attrs[i].num);
  const char *failed_at = rc < 0 ? "/ attributes" : NULL;
  for (size_t i = 0; rc >= 0 && i < n_cols; i++)
    if ((rc = write_column(f, &cols[i], n)) < 0) failed_at = cols[i].path;
  if (H5Fclose(f) < 0 && rc >= 0) rc = -1, failed_at = "closing the file";
  if (rc < 0) {
    remove(partial);
    return fs_error_set(err, FS_ERR_HDF5, "%s: cannot write %s", path,
                        failed_at != NULL ? failed_at : "the summary");
  }
  if (rename(partial, path) != 0) {
    remove(partial);
    return fs_error_set(err, FS_ERR_IO, "cannot rename \"%s\" to \"%s\"", partial, path);
  }
  return FS_OK;
}
