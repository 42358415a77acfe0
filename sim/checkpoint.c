/* checkpoint.c - checkpoint and resume of a run: the identity of a checkpoint (program,
 * experiment, overrides, hash) and the order in which the engine and the network save their
 * state into a record slot and restore it (include/fearsim/checkpoint.h). */
#define _XOPEN_SOURCE 700 /* realpath */

#include <fearsim/checkpoint.h>
#include <fearsim/record_checkpoint.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_git_commit.h" /* FS_GIT_COMMIT, written at every build */

#ifndef FS_VERSION
#define FS_VERSION "unknown"
#endif

/* The layout of a checkpoint slot: what each module saves, under which names. Raised whenever
 * that changes, so that a partial of another layout is refused before anything is built (2:
 * the observer's state apart from the engine's, rule fields named by their rule's table; 3: the
 * partial's spike times are in ms, so one of format 2 would mix s and ms). */
#define CHECKPOINT_FORMAT 3

/* --- saving ------------------------------------------------------------------------------ */

/* The attributes a resume reads before it builds anything. */
static fs_status write_identity(fs_record *rec, const fs_experiment_spec *spec, double t,
                                const fs_checkpoint_origin *o, fs_error *err) {
  const char *slot = fs_record_checkpoint_slot(rec);
  char abs[PATH_MAX];
  const char *experiment = realpath(o->experiment, abs) ? abs : o->experiment;
  fs_status st;
  if ((st = fs_record_set_attr_string(rec, slot, "fearsim_version", FS_VERSION, err)) != FS_OK ||
      (st = fs_record_set_attr_u64(rec, slot, "checkpoint_format", CHECKPOINT_FORMAT, err)) !=
          FS_OK ||
      (st = fs_record_set_attr_string(rec, slot, "git_commit", FS_GIT_COMMIT, err)) != FS_OK ||
      (st = fs_record_set_attr_string(rec, slot, "experiment", experiment, err)) != FS_OK ||
      (st = fs_record_set_attr_u64(rec, slot, "n_overrides", o->n_overrides, err)) != FS_OK ||
      (o->n_overrides > 0 && (st = fs_record_set_attr_strings(rec, slot, "overrides", o->overrides,
                                                              o->n_overrides, err)) != FS_OK) ||
      (st = fs_record_set_attr_u64(rec, slot, "experiment_hash", fs_experiment_hash(spec), err)) !=
          FS_OK ||
      (st = fs_record_set_attr_double(rec, slot, "checkpoint_every", o->checkpoint_every, "s",
                                      err)) != FS_OK ||
      (st = fs_record_set_attr_double(rec, slot, "t", t, "s", err)) != FS_OK)
    return st;
  return fs_record_set_attr_double(rec, slot, "duration", spec->duration, "s", err);
}

fs_status fs_checkpoint_save(fs_engine *eng, fs_network *net, fs_record *rec,
                             const fs_checkpoint_origin *origin, fs_error *err) {
  fs_record_checkpoint_io io = {rec, false};
  fs_engine_stats s;
  fs_status st;
  fs_engine_get_stats(eng, &s);
  FS_TRY(fs_record_checkpoint_begin(rec, err));
  const fs_experiment_spec *spec;
  FS_TRY(fs_network_get_spec(net, &spec));
  FS_TRY(write_identity(rec, spec, s.t, origin, err));
  FS_TRY(fs_engine_checkpoint(eng, &io, err));
  FS_TRY(fs_network_checkpoint(net, &io, err));
  FS_TRY(fs_record_checkpoint_commit(rec, err));
cleanup:
  if (st != FS_OK) fs_error_prefix(err, "cannot write a checkpoint");
  return st;
}

/* --- looking at one ---------------------------------------------------------------------- */

static fs_status read_identity(fs_record *rec, fs_checkpoint_info *in, fs_error *err) {
  const char *slot = fs_record_checkpoint_slot(rec);
  uint64_t n = 0;
  fs_status st;
  if ((st = fs_record_get_attr_string(rec, slot, "fearsim_version", in->version, sizeof in->version,
                                      err)) != FS_OK ||
      (st = fs_record_get_attr_string(rec, slot, "git_commit", in->commit, sizeof in->commit,
                                      err)) != FS_OK ||
      (st = fs_record_get_attr_string(rec, slot, "experiment", in->experiment,
                                      sizeof in->experiment, err)) != FS_OK ||
      (st = fs_record_get_attr_u64(rec, slot, "n_overrides", &n, err)) != FS_OK ||
      (n > 0 && (st = fs_record_get_attr_strings(rec, slot, "overrides", &in->overrides,
                                                 &in->n_overrides, err)) != FS_OK) ||
      (st = fs_record_get_attr_u64(rec, slot, "experiment_hash", &in->hash, err)) != FS_OK ||
      (st = fs_record_get_attr_double(rec, slot, "checkpoint_every", &in->checkpoint_every, err)) !=
          FS_OK ||
      (st = fs_record_get_attr_double(rec, slot, "t", &in->t, err)) != FS_OK ||
      (st = fs_record_get_attr_double(rec, slot, "duration", &in->duration, err)) != FS_OK)
    return st;
  return FS_OK;
}

void fs_checkpoint_info_free(fs_checkpoint_info *info) {
  if (info == NULL) return;
  free(info->overrides);
  info->overrides = NULL;
  info->n_overrides = 0;
}

/* A checkpoint of another layout (an older fearsim's) cannot be restored. */
static fs_status check_format(fs_record *rec, const char *path, fs_error *err) {
  uint64_t format = 0;
  if (fs_record_get_attr_u64(rec, fs_record_checkpoint_slot(rec), "checkpoint_format", &format,
                             NULL) == FS_OK &&
      format == CHECKPOINT_FORMAT)
    return FS_OK;
  return fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\" holds a checkpoint of another layout (format %llu, this fearsim "
                      "reads format %d): run the experiment again",
                      path, (unsigned long long)format, CHECKPOINT_FORMAT);
}

fs_status fs_checkpoint_probe(const char *path, fs_checkpoint_info *out, fs_error *err) {
  fs_record *rec = NULL;
  fs_status st;
  memset(out, 0, sizeof *out);
  FS_TRY(fs_record_checkpoint_open(path, false, false, &rec, err));
  FS_TRY(read_identity(rec, out, err));
  FS_TRY(check_format(rec, path, err));
  if (strcmp(out->version, FS_VERSION) != 0)
    st = fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\" was checkpointed by fearsim %s and this is fearsim %s: resume it "
                      "with fearsim %s, or run the experiment again",
                      path, out->version, FS_VERSION, out->version);
cleanup:
  fs_record_free(rec);
  if (st != FS_OK) fs_checkpoint_info_free(out);
  return st;
}

fs_status fs_checkpoint_load_experiment(const char *path, const fs_checkpoint_info *info,
                                        fs_experiment_spec **out, fs_error *err) {
  fs_status st = fs_experiment_load(info->experiment, (const char *const *)info->overrides,
                                    info->n_overrides, out, err);
  if (st != FS_OK) {
    fs_error_prefix(err, "\"%s\" was checkpointed from %s", path, info->experiment);
    return st;
  }
  if (fs_experiment_hash(*out) == info->hash) return FS_OK;
  fs_experiment_free(*out);
  *out = NULL;
  return fs_error_set(err, FS_ERR_INPUT,
                      "\"%s\" was checkpointed from another version of its experiment: %s (or a "
                      "file it reads) changed since; run the experiment again",
                      path, info->experiment);
}

fs_status fs_checkpoint_check(const char *path, fs_error *err) {
  fs_checkpoint_info info;
  fs_experiment_spec *spec = NULL;
  fs_status st = fs_checkpoint_probe(path, &info, err);
  if (st != FS_OK) return st;
  st = fs_checkpoint_load_experiment(path, &info, &spec, err);
  fs_experiment_free(spec);
  fs_checkpoint_info_free(&info);
  return st;
}

/* --- restoring --------------------------------------------------------------------------- */

fs_status fs_checkpoint_restore(fs_engine *eng, fs_network *net, fs_record *rec, fs_error *err) {
  fs_record_checkpoint_io io = {rec, true};
  fs_status st = fs_engine_checkpoint(eng, &io, err);
  if (st == FS_OK) st = fs_network_checkpoint(net, &io, err);
  if (st != FS_OK && err != NULL) {
    char what[FS_ERROR_MSG_LEN];
    snprintf(what, sizeof what, "%s", err->msg);
    fs_error_set(err, st, "\"%s\": %s%s", fs_record_partial(rec), what,
                 st == FS_ERR_INPUT ? ": it does not match this experiment" : "");
  }
  return st;
}
