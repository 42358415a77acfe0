#!/bin/sh
# Installs the Debian/Ubuntu packages fearsim needs to build, test and plot (pandas, xarray and
# Neo for the analysis package's loaders, SciPy and statsmodels for cohort statistics, BMTK to
# test that a SONATA reader reads its spikes right), Open MPI for the FEARSIM_MPI sweep runner
# and clang for the fuzzing smoke run (skips the install when they are all present, so it needs
# no root on a prepared machine).
set -eu
PACKAGES="cmake make gcc pkg-config libhdf5-dev libyaml-dev libcmocka-dev hdf5-tools
python3 python3-numpy python3-h5py python3-matplotlib python3-pytest
python3-pandas python3-xarray python3-neo python3-bmtk
python3-scipy python3-statsmodels python3-yaml
libopenmpi-dev openmpi-bin
clang libclang-rt-dev libomp-dev"
# --test (cmake/test.sh): also the headless browser that opens the HTML report in the tests
if [ "${1:-}" = "--test" ]; then PACKAGES="$PACKAGES chromium"; fi
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing
