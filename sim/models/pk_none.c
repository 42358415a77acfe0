/* pk_none.c - "no pharmacokinetics": the drug's plasma and effect-site concentrations are
 * reported as 0. Used for saline and for midazolam, the active placebo, whose PK is not
 * modelled because it has no NMDA effect in fearsim (docs/model.md §3). No parameters. */
#include <stddef.h>

#include <fearsim/pk.h>

const fs_pk_model fs_pk_none = {"none", "no pharmacokinetics (concentration reported as 0)", NULL,
                                0};
