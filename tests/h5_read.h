/* h5_read.h - reading result files in the tests: a whole dataset as raw bytes (in the native
 * version of its type) or converted to doubles. */
#ifndef FEARSIM_H5_READ_H
#define FEARSIM_H5_READ_H

#include <stdlib.h>

#include <hdf5.h>

#include "fs_test.h"

/* Reads all of dataset name of file as mem_type into a malloc'ed buffer; *count gets the
 * number of elements. NULL (and *count 0) if the file or dataset is not there or unreadable;
 * mem_type 0 reads the dataset's own type, native. */
static inline void *h5_read_as(const char *file, const char *name, hid_t mem_type, size_t *count,
                               size_t *bytes) {
  *count = 0;
  *bytes = 0;
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return NULL;
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  void *buf = NULL;
  if (d >= 0) {
    hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    hid_t mt = mem_type > 0 ? H5Tcopy(mem_type) : H5Tget_native_type(t, H5T_DIR_DEFAULT);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    if (n >= 0) {
      buf = malloc((size_t)n * H5Tget_size(mt) + 1);
      if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        free(buf);
        buf = NULL;
      } else {
        *count = (size_t)n;
        *bytes = (size_t)n * H5Tget_size(mt);
      }
    }
    H5Tclose(mt);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d);
  }
  H5Fclose(f);
  return buf;
}

/* The bytes of a dataset (NULL if it is not there); *bytes gets their number. */
static inline unsigned char *h5_read_raw(const char *file, const char *name, size_t *bytes) {
  size_t count = 0;
  return h5_read_as(file, name, 0, &count, bytes);
}

/* A dataset converted to doubles; *n gets its length. Fails the test if it is not there. */
static inline double *h5_read_doubles(const char *file, const char *name, size_t *n) {
  size_t bytes = 0;
  double *v = h5_read_as(file, name, H5T_NATIVE_DOUBLE, n, &bytes);
  if (v == NULL) fail_msg("%s: no dataset %s", file, name);
  return v;
}

/* A numeric attribute of an object (group or dataset) as a double. Fails the test if it is not
 * there. */
static inline double h5_read_attr_double(const char *file, const char *object, const char *name) {
  double v = 0.0;
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t o = f >= 0 ? H5Oopen(f, object, H5P_DEFAULT) : -1;
  hid_t a = o >= 0 ? H5Aopen(o, name, H5P_DEFAULT) : -1;
  herr_t ok = a >= 0 ? H5Aread(a, H5T_NATIVE_DOUBLE, &v) : -1;
  if (a >= 0) H5Aclose(a);
  if (o >= 0) H5Oclose(o);
  if (f >= 0) H5Fclose(f);
  if (ok < 0) fail_msg("%s: no attribute %s of %s", file, name, object);
  return v;
}

#endif
