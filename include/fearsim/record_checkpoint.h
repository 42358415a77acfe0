/* record_checkpoint.h - the checkpoint store of the record module: named arrays of a run's
 * state kept in two slots of its OUT.h5.partial, and the partial opened again to resume.
 *
 * A slot holds named arrays (the state of a run, chosen by checkpoint.c) and the
 * record's own positions: rows written to every appendable dataset and the values still
 * buffered. A slot is written anew each time (the older of the two), then marked with a serial
 * number and a checksum of its arrays and flushed to disk (fsync); the newer slot whose
 * checksum holds is the one a resume reads, so a run killed while writing a checkpoint still
 * has the one before. Between checkpoints the file on disk changes only by appended whole
 * chunks (spikes and series are buffered a chunk at a time, the HDF5 metadata cache keeps
 * everything until a flush), so a file that was killed outright still opens at its last
 * checkpoint. A resumed record reopens the datasets, cuts them back to the checkpoint's rows
 * and replaces whole arrays written after it. fs_record_finish then copies everything but
 * /checkpoint into a fresh file, so a result carries no dead space. */
#ifndef FEARSIM_RECORD_CHECKPOINT_H
#define FEARSIM_RECORD_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include <fearsim/error.h>
#include <fearsim/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types of checkpoint arrays (stored little-endian). */
typedef enum fs_record_type {
  FS_REC_F64,
  FS_REC_I64,
  FS_REC_U64,
  FS_REC_I32,
  FS_REC_U32,
  FS_REC_U16,
  FS_REC_U8
} fs_record_type;

/* Starts writing a checkpoint into the older slot, which is cleared first. Until
 * fs_record_checkpoint_commit the newer slot stays the valid one. */
fs_status fs_record_checkpoint_begin(fs_record *rec, fs_error *err);

/* The group of the slot being written (after begin) or read (after fs_record_checkpoint_open),
 * e.g. "/checkpoint/a", for attributes set with fs_record_set_attr_*; "" if none. */
const char *fs_record_checkpoint_slot(const fs_record *rec);

/* Writes n values of an array named name (a path relative to the slot, "pop/E/v") into the
 * slot being written (chunked, shuffled, deflated). */
fs_status fs_record_checkpoint_put(fs_record *rec, const char *name, fs_record_type type,
                                   const void *v, size_t n, fs_error *err);

/* Adds the record's positions (rows of every appendable dataset, buffered spikes and series
 * values), then the serial number and checksum, flushes the file and syncs it to disk; the
 * slot is then the valid one and the partial is kept by fs_record_free. */
fs_status fs_record_checkpoint_commit(fs_record *rec, fs_error *err);

/* Reads array name of the valid slot into v, which holds cap values; *n receives the stored
 * length (n may be NULL when exactly cap values are expected). A missing array, another type
 * or more than cap values (another count when n is NULL) give FS_ERR_INPUT `checkpoint array
 * pop/0/ring has 40 values, expected 20` (fs_checkpoint_restore adds the file). */
fs_status fs_record_checkpoint_get(fs_record *rec, const char *name, fs_record_type type, void *v,
                                   size_t cap, size_t *n, fs_error *err);

/* Opens path (an OUT.h5.partial) with a checkpoint: read-only (write false: to look at it), or
 * read-write to resume the run, after which the record is used as one from fs_record_create
 * (with force) for the output path without ".partial": declaring populations and series reopens
 * their datasets cut back to the checkpoint (their names must come in the same order), whole arrays
 * replace those of the same path. Every problem is FS_ERR_INPUT and changes nothing:
 *   `cannot open "x.h5.partial": no such file`
 *   `"x.h5.partial" is not a fearsim checkpoint: not an HDF5 file`
 *   `"x.h5.partial" is not a fearsim checkpoint: it has no /checkpoint group`
 *   `"x.h5.partial": its checkpoint is incomplete or damaged (the run was killed while writing
 *    it); run the experiment again`
 *   `"x.h5.partial" is not a fearsim checkpoint: HDF5 cannot read it (<HDF5's reason>); a run
 *    killed before its first checkpoint leaves such a file`
 *   `cannot open "x.h5.partial": <HDF5's reason>: another fearsim may be writing it` (locked) */
fs_status fs_record_checkpoint_open(const char *path, bool write, bool force, fs_record **out,
                                    fs_error *err);

/* What a module's checkpoint function gets: the record, and whether to save its state into the
 * slot being written or to restore it from the valid slot. Each module lists its mutable arrays
 * in one function that does either, so that saving and restoring cannot drift apart; arrays are
 * written in an order that does not depend on the thread count (per neuron, or per synapse in
 * the canonical (post, pre) order), so a run may resume with other threads. */
typedef struct fs_record_checkpoint_io {
  fs_record *rec;
  bool restore; /* false: save into the slot being written; true: read the valid slot */
} fs_record_checkpoint_io;

/* n values at data: saved, or restored (the checkpoint must hold exactly n). */
fs_status fs_record_checkpoint_array(const fs_record_checkpoint_io *io, const char *name,
                                     fs_record_type type, void *data, size_t n, fs_error *err);

/* An array of which only the first *n of cap values matter (the others are 0): saved as *n
 * values, or restored into data (at most cap values; *n receives the count, the rest of data is
 * left as it is). */
fs_status fs_record_checkpoint_prefix(const fs_record_checkpoint_io *io, const char *name,
                                      fs_record_type type, void *data, size_t *n, size_t cap,
                                      fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
