/* record_impl.h - what the three files of the record module share: the record's fields and the
 * HDF5 helpers of record.c (the writer) that record_checkpoint.c (the checkpoint store) and
 * record_reader.c (the reader) use. Only these three files include <hdf5.h>. */
#ifndef FEARSIM_RECORD_IMPL_H
#define FEARSIM_RECORD_IMPL_H

#include <fearsim/hash.h>
#include <fearsim/record.h>
#include <fearsim/record_checkpoint.h>
#include <fearsim/record_reader.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <hdf5.h>

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
      st = fs_rec_h5_fail(err, __VA_ARGS__);                                                       \
      goto cleanup;                                                                                \
    }                                                                                              \
  } while (0)

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

/* The names of the two checkpoint slots, "a" and "b" (/checkpoint/a, /checkpoint/b). */
extern const char *const fs_rec_slot_names[2];

/* ---- small helpers (record.c) ------------------------------------------------------------ */

/* Per thread in a thread-safe HDF5, so every entry point repeats it. */
static inline void fs_rec_silence(void) {
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static inline bool fs_rec_is_set(const char *s) {
  return s != NULL && s[0] != '\0';
}

/* FNV-1a of a name: checkpoint checksums and the names of resumed datasets. */
static inline uint64_t fs_rec_name_hash(const char *s) {
  return fs_hash_fnv1a(s, strlen(s), FS_HASH_FNV_BASIS);
}

/* a, b and c in one malloc'ed string; NULL when out of memory. */
char *fs_rec_str_join(const char *a, const char *b, const char *c);

/* The innermost HDF5 error description ("" if none). Must run before any other HDF5 call,
 * which would clear the error stack. */
void fs_rec_h5_detail(char detail[ATTR_NAME_MAX]);

/* FS_ERR_HDF5 with the caller's message and the innermost HDF5 error description. */
__attribute__((format(printf, 2, 3))) fs_status fs_rec_h5_fail(fs_error *err, const char *fmt, ...);

/* Closes *id if valid; a failure is reported only if nothing failed before. */
void fs_rec_release(hid_t *id, const char *what, fs_status *st, fs_error *err);

/* A failed HDF5 write may leave the file inconsistent, so it must not be published. */
fs_status fs_rec_note(fs_record *rec, fs_status st);

/* A write function may run only on an open record whose earlier writes all succeeded. */
fs_status fs_rec_check_open(const fs_record *rec, const char *fn, fs_error *err);

/* Writes (or replaces) a scalar attribute of obj (named obj_path in messages). */
fs_status fs_rec_write_attr(hid_t obj, const char *obj_path, const char *name, hid_t ftype,
                            hid_t mtype, const void *value, fs_error *err);

/* A record for path (partial path.partial) with no file open yet. */
fs_status fs_rec_alloc(const char *path, bool force, fs_record **out, fs_error *err);

/* The file access properties of a file that is written (format, close degree, cache). */
fs_status fs_rec_make_fapl(const char *path, hid_t *out, fs_error *err);

/* Reads a string attribute (variable or fixed length) into buf; "" and false if absent. */
bool fs_rec_read_attr_string(hid_t obj, const char *name, char *buf, size_t len);

/* Reads a numeric attribute as mtype; false if absent or unreadable. */
bool fs_rec_read_attr_num(hid_t obj, const char *name, hid_t mtype, void *out);

/* H5Lexists fails, rather than answering no, when a parent group is missing. */
bool fs_rec_path_exists(hid_t file, const char *path);

/* Packs n strings into one malloc'ed block: the pointers (NULL-terminated), then the texts. */
char **fs_rec_pack_strings(char *const *s, size_t n);

#endif
