/* experiment_errors.h - the check the experiment tests share: loading a file must fail with
 * FS_ERR_INPUT and exactly "<path>:<rest>" (the place and the message). */
#ifndef FEARSIM_EXPERIMENT_ERRORS_H
#define FEARSIM_EXPERIMENT_ERRORS_H

#include "fs_test.h"

#include <fearsim/experiment.h>

#include <stdio.h>

static inline void expect_error(const char *path, const char *rest) {
  fs_error err = {0};
  fs_experiment_spec *spec = NULL;
  assert_int_equal(fs_experiment_load(path, NULL, 0, &spec, &err), FS_ERR_INPUT);
  assert_null(spec);
  char want[FS_ERROR_MSG_LEN];
  snprintf(want, sizeof want, "%s:%s", path, rest);
  assert_string_equal(err.msg, want);
}

#endif
