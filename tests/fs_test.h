/* fs_test.h - helpers shared by the cmocka tests: a relative/absolute closeness assertion
 * (cmocka 1.1's assert_float_equal casts to float) and an error-message assertion. */
#ifndef FEARSIM_TEST_H
#define FEARSIM_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* |actual - expected| <= atol + rtol*|expected| */
#define fs_assert_close(actual, expected, rtol, atol)                                              \
  fs_assert_close_impl((actual), (expected), (rtol), (atol), #actual, __FILE__, __LINE__)

static inline void fs_assert_close_impl(double a, double e, double rtol, double atol,
                                        const char *expr, const char *file, int line) {
  if (!(fabs(a - e) <= atol + rtol * fabs(e))) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s = %.17g, expected %.17g (rtol %g, atol %g)", expr, a, e, rtol,
             atol);
    print_error("%s\n", buf);
    _fail(file, line);
  }
}

/* The error message must equal expected exactly. */
#define fs_assert_msg(err, expected) assert_string_equal((err).msg, (expected))

#endif
