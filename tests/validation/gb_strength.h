/* gb_strength.h - the strength of a group of Graupner-Brunel synapses in a snapshot, read as
 * GB2012 do: each synapse counts as UP (rho > rho*) or DOWN, and the group's strength is the mean
 * of 1 + (b - 1) [UP], with b and rho* the group's attributes. */
#ifndef FEARSIM_GB_STRENGTH_H
#define FEARSIM_GB_STRENGTH_H

#include <stdio.h>

#include "h5_read.h"

/* The strength of the synapses of snapshot group (e.g. "/snapshots/1/30Hz") of file. */
static inline double gb_strength(const char *file, const char *group) {
  char path[128];
  snprintf(path, sizeof path, "%s/rho", group);
  size_t n = 0;
  double *rho = h5_read_doubles(file, path, &n);
  double b = h5_read_attr_double(file, group, "b");
  double star = h5_read_attr_double(file, group, "rho_star"), sum = 0.0;
  for (size_t k = 0; k < n; k++)
    sum += 1.0 + (b - 1.0) * (rho[k] > star);
  free(rho);
  return sum / (double)n;
}

#endif
