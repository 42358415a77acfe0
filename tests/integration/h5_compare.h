/* h5_compare.h - compares two HDF5 files for the integration tests: the same objects, every
 * attribute (but the root's threads, start_time and end_time, which differ between two runs of
 * one experiment, and the object references of dimension scales, compared by the scale they
 * name) and every dataset byte for byte. */
#ifndef FEARSIM_H5_COMPARE_H
#define FEARSIM_H5_COMPARE_H

#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "fs_test.h"

typedef struct compare_ctx {
  hid_t other;      /* the file compared with */
  const char *path; /* the object whose attributes are compared (for messages) */
  int objects, datasets, attributes, differ;
} compare_ctx;

static inline void differs(compare_ctx *c, const char *what, const char *name) {
  print_error("%s %s differs\n", what, name);
  c->differ++;
}

/* The root attributes that legitimately differ between two runs. */
static inline int ignored_attribute(const char *object, const char *name) {
  return strcmp(object, ".") == 0 &&
         (strcmp(name, "threads") == 0 || strcmp(name, "start_time") == 0 ||
          strcmp(name, "end_time") == 0);
}

/* The bytes of an attribute or dataset value: variable-length strings as their text, the
 * rest raw in the native version of the file's type. *bytes is the length. */
static inline unsigned char *read_value(hid_t obj, hid_t type, hid_t space, int is_attr,
                                        size_t *bytes) {
  hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) return NULL;
  if (H5Tis_variable_str(type) > 0) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(type));
    char **s = calloc((size_t)n + 1, sizeof *s);
    herr_t ok = is_attr ? H5Aread(obj, mt, s) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
    size_t len = 0;
    for (hssize_t k = 0; ok >= 0 && k < n; k++)
      len += (s[k] ? strlen(s[k]) : 0) + 1;
    unsigned char *buf = ok >= 0 ? malloc(len + 1) : NULL;
    size_t at = 0;
    for (hssize_t k = 0; buf && k < n; k++) {
      size_t l = (s[k] ? strlen(s[k]) : 0) + 1;
      memcpy(buf + at, s[k] ? s[k] : "", l);
      at += l;
    }
    if (ok >= 0) H5Dvlen_reclaim(mt, space, H5P_DEFAULT, s);
    free(s);
    H5Tclose(mt);
    *bytes = at;
    return buf;
  }
  hid_t nt = H5Tget_native_type(type, H5T_DIR_DEFAULT);
  *bytes = (size_t)n * H5Tget_size(nt);
  unsigned char *buf = malloc(*bytes + 1);
  herr_t ok =
      is_attr ? H5Aread(obj, nt, buf) : H5Dread(obj, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  H5Tclose(nt);
  if (ok < 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* Same type, same shape, same bytes. */
static inline int same_value(hid_t a, hid_t b, int is_attr) {
  hid_t ta = is_attr ? H5Aget_type(a) : H5Dget_type(a),
        tb = is_attr ? H5Aget_type(b) : H5Dget_type(b);
  hid_t sa = is_attr ? H5Aget_space(a) : H5Dget_space(a);
  hid_t sb = is_attr ? H5Aget_space(b) : H5Dget_space(b);
  int same = H5Tequal(ta, tb) > 0 && H5Sextent_equal(sa, sb) > 0;
  if (same) {
    size_t na = 0, nb = 0;
    unsigned char *x = read_value(a, ta, sa, is_attr, &na),
                  *y = read_value(b, tb, sb, is_attr, &nb);
    same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
  }
  H5Sclose(sa);
  H5Sclose(sb);
  H5Tclose(ta);
  H5Tclose(tb);
  return same;
}

static inline herr_t scale_name(hid_t ds, unsigned dim, hid_t scale, void *name) {
  (void)ds, (void)dim;
  H5Iget_name(scale, name, 256);
  return 1; /* the first is enough: a series has one time axis */
}

/* The path of the dimension scale attached to dimension 0 of dataset path ("" if none). */
static inline void attached_scale(hid_t file, const char *path, char name[256]) {
  name[0] = '\0';
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  if (ds >= 0 && H5DSget_num_scales(ds, 0) > 0)
    (void)H5DSiterate_scales(ds, 0, NULL, scale_name, name);
  if (ds >= 0) H5Dclose(ds);
}

/* The attributes of dimension scales hold object references, i.e. addresses in the file: they
 * are compared by what they refer to, the scale's path, and by their number of entries. */
static inline int same_scale_attribute(compare_ctx *c, hid_t obj, const char *name) {
  if (strcmp(name, "DIMENSION_LIST") == 0) {
    char a[256], b[256];
    hid_t file = H5Iget_file_id(obj);
    attached_scale(file, c->path, a);
    attached_scale(c->other, c->path, b);
    H5Fclose(file);
    return a[0] != '\0' && strcmp(a, b) == 0;
  }
  hid_t x = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t y = H5Aopen_by_name(c->other, c->path, name, H5P_DEFAULT, H5P_DEFAULT);
  hid_t sx = H5Aget_space(x), sy = H5Aget_space(y);
  int same = H5Sextent_equal(sx, sy) > 0;
  H5Sclose(sx);
  H5Sclose(sy);
  H5Aclose(x);
  H5Aclose(y);
  return same;
}

static inline herr_t compare_attribute(hid_t obj, const char *name, const H5A_info_t *info,
                                       void *p) {
  (void)info;
  compare_ctx *c = p;
  if (ignored_attribute(c->path, name)) return 0;
  c->attributes++;
  char full[512];
  snprintf(full, sizeof full, "%s@%s", c->path, name);
  if (strcmp(name, "DIMENSION_LIST") == 0 || strcmp(name, "REFERENCE_LIST") == 0) {
    if (!same_scale_attribute(c, obj, name)) differs(c, "attribute", full);
    return 0;
  }
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t b = H5Aopen_by_name(c->other, c->path, name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0 || b < 0 || !same_value(a, b, 1)) differs(c, "attribute", full);
  if (a >= 0) H5Aclose(a);
  if (b >= 0) H5Aclose(b);
  return 0;
}

static inline herr_t compare_object(hid_t f, const char *name, const H5O_info_t *info, void *p) {
  compare_ctx *c = p;
  c->objects++;
  c->path = name;
  H5O_info_t other;
  if (H5Lexists(c->other, name, H5P_DEFAULT) <= 0 && strcmp(name, ".") != 0) {
    differs(c, "object (missing in the other file)", name);
    return 0;
  }
  if (H5Oget_info_by_name(c->other, name, &other, H5P_DEFAULT) < 0 || other.type != info->type) {
    differs(c, "object type", name);
    return 0;
  }
  if (other.num_attrs != info->num_attrs) differs(c, "attribute count of", name);
  hid_t obj = H5Oopen(f, name, H5P_DEFAULT);
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, compare_attribute, c);
  H5Oclose(obj);
  if (info->type == H5O_TYPE_DATASET) {
    c->datasets++;
    hid_t a = H5Dopen2(f, name, H5P_DEFAULT), b = H5Dopen2(c->other, name, H5P_DEFAULT);
    if (!same_value(a, b, 0)) differs(c, "dataset", name);
    H5Dclose(a);
    H5Dclose(b);
  }
  return 0;
}

static inline herr_t count_object(hid_t f, const char *name, const H5O_info_t *info, void *n) {
  (void)f, (void)name, (void)info;
  (*(int *)n)++;
  return 0;
}

/* How many objects, datasets and attributes two files hold in common, and how many differ. */
typedef struct h5_compare_counts {
  int objects, datasets, attributes, differ;
} h5_compare_counts;

/* Compares file pa with pb (every object of pa, and the object count of pb). */
static inline h5_compare_counts h5_compare_files(const char *pa, const char *pb) {
  h5_compare_counts out = {0, 0, 0, 1};
  hid_t a = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT), b = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
  compare_ctx c = {b, ".", 0, 0, 0, 0};
  int in_b = 0;
  if (a >= 0 && b >= 0 && H5Ovisit(a, H5_INDEX_NAME, H5_ITER_INC, compare_object, &c) >= 0 &&
      H5Ovisit(b, H5_INDEX_NAME, H5_ITER_INC, count_object, &in_b) >= 0) {
    out = (h5_compare_counts){c.objects, c.datasets, c.attributes, c.differ};
    if (in_b != c.objects) {
      print_error("%s has %d objects, %s %d\n", pa, c.objects, pb, in_b);
      out.differ++;
    }
  }
  if (a >= 0) H5Fclose(a);
  if (b >= 0) H5Fclose(b);
  return out;
}

#endif
