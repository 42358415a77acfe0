/* fastexp.c - the array form of fs_fastexp (include/fearsim/fastexp.h). */
#include <fearsim/fastexp.h>

void fs_fastexp_array(const double *restrict x, double *restrict y, size_t n) {
  for (size_t i = 0; i < n; i++)
    y[i] = fs_fastexp(x[i]);
}
