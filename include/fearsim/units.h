/* units.h - parse quantities with units ("30 s", "0.5 mg/kg", "1 uM") into SI doubles.
 * A small table-driven module: every quantity kind has an SI dimension, a name and an
 * example used in error messages. Inside fearsim every value is SI. */
#ifndef FEARSIM_UNITS_H
#define FEARSIM_UNITS_H

#include <stddef.h>

#include <fearsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(enum, name used in messages, example, SI unit written to HDF5 attributes) */
#define FS_UNIT_KIND_LIST(X)                                                                       \
  X(FS_UNIT_DIMENSIONLESS, "dimensionless number", "0.5", "1")                                     \
  X(FS_UNIT_TIME, "time", "30 s", "s")                                                             \
  X(FS_UNIT_VOLTAGE, "voltage", "-70 mV", "V")                                                     \
  X(FS_UNIT_INV_VOLTAGE, "inverse voltage", "0.062 /mV", "1/V")                                    \
  X(FS_UNIT_CONDUCTANCE, "conductance", "2 nS", "S")                                               \
  X(FS_UNIT_CAPACITANCE, "capacitance", "200 pF", "F")                                             \
  X(FS_UNIT_CURRENT, "current", "100 pA", "A")                                                     \
  X(FS_UNIT_FREQUENCY, "frequency", "20 Hz", "Hz")                                                 \
  X(FS_UNIT_RATE, "rate constant", "0.0109 /min", "1/s")                                           \
  X(FS_UNIT_MOLAR, "concentration", "1 uM", "mol/m^3")                                             \
  X(FS_UNIT_MASS_CONC, "mass concentration", "185 ng/mL", "kg/m^3")                                \
  X(FS_UNIT_ASSOC_RATE, "association rate constant", "1e5 /M/s", "m^3/(mol*s)")                    \
  X(FS_UNIT_MASS, "mass", "70 kg", "kg")                                                           \
  X(FS_UNIT_VOLUME, "volume", "5 L", "m^3")                                                        \
  X(FS_UNIT_VOLUME_PER_MASS, "volume per body mass", "1.75 L/kg", "m^3/kg")                        \
  X(FS_UNIT_DOSE_PER_MASS, "dose per body mass", "0.5 mg/kg", "kg/kg")                             \
  X(FS_UNIT_MOLAR_MASS, "molar mass", "237.7 g/mol", "kg/mol")                                     \
  X(FS_UNIT_LENGTH, "length", "1 um", "m")

#define FS_UNIT_KIND_ENUM_ROW(e, name, example, si) e,
typedef enum fs_unit_kind {
  FS_UNIT_KIND_LIST(FS_UNIT_KIND_ENUM_ROW) FS_UNIT_KIND_COUNT
} fs_unit_kind;
#undef FS_UNIT_KIND_ENUM_ROW

/* Parses text ("-70 mV", "1e5 M^-1 s^-1", "3 day") as a quantity of the given kind and
 * stores its SI value in *out. On failure returns FS_ERR_INPUT and writes into err the
 * phrase `expected a <kind> such as "<example>", got "<text>"` (no location: the caller
 * prefixes it). A dimensionless kind also accepts a percentage ("20 %"). */
fs_status fs_units_parse(const char *text, fs_unit_kind kind, double *out, fs_error *err);

const char *fs_unit_kind_name(fs_unit_kind kind);    /* "time" */
const char *fs_unit_kind_example(fs_unit_kind kind); /* "30 s" */
const char *fs_unit_kind_si(fs_unit_kind kind);      /* "s", for HDF5 `units` attributes */

/* Writes `expected a <kind> such as "<example>"` (the start of every unit error; "an" before
 * a vowel) into buf, for callers that report a value of the wrong shape. */
void fs_unit_kind_expected(fs_unit_kind kind, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
