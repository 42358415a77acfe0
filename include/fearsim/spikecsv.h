/* spikecsv.h - the CSV file of a spike_times input: one "node_id,time" line per spike.
 *
 * Format: '#' starts a comment (to the end of the line); blank lines are skipped; a first
 * line may name the columns and the unit of the times, `node_id,time_s` or `node_id,time_ms`
 * (without one the times are in seconds); every other line is `node_id,time` with node_id an
 * integer below the input's size and time a finite number >= 0 that falls within the run. A
 * NUL byte anywhere is refused (the file is text). */
#ifndef FEARSIM_SPIKECSV_H
#define FEARSIM_SPIKECSV_H

#include <stddef.h>
#include <stdint.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest spike-time file read (bytes): 256 MiB is tens of millions of spikes. */
#define FS_SPIKECSV_MAX_BYTES ((size_t)256 << 20)

/* Receives one spike: its node and its time step (llround(time / dt)). */
typedef fs_status (*fs_spikecsv_sink)(void *arg, uint64_t node, int64_t step, fs_error *err);

/* What a file must fit: nodes below n_nodes, time steps below n_steps of dt seconds. */
typedef struct fs_spikecsv_limits {
  uint64_t n_nodes;
  double dt;
  int64_t n_steps;
} fs_spikecsv_limits;

/* Parses text (len bytes, which may hold NULs) named name in messages; calls sink for every
 * spike in file order. Errors are FS_ERR_INPUT "name:line: <what is wrong>, got "<line>"". */
fs_status fs_spikecsv_parse(const char *name, const char *text, size_t len,
                            const fs_spikecsv_limits *lim, fs_spikecsv_sink sink, void *arg,
                            fs_error *err);

/* Reads the regular file at path (at most FS_SPIKECSV_MAX_BYTES) and parses it. */
fs_status fs_spikecsv_read(const char *path, const fs_spikecsv_limits *lim, fs_spikecsv_sink sink,
                           void *arg, fs_error *err);

#ifdef __cplusplus
}
#endif
#endif
