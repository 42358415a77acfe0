#!/bin/sh
# The README's first command: installs what is missing, builds fearsim into build/, then runs the
# classroom experiment "ketamine against no drug" (configs/classroom/: conditioning, ketamine
# or nothing the next day, extinction, recall; about 15 s of one core each, both at once) and
# writes into the current folder: no_drug.h5, ketamine.h5, ketamine_freezing.png (freezing per
# trial of both animals) and ketamine_report/index.html (every figure, the experiment files and
# the trials in one page that opens offline). docs/tutorial.md goes on from here.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$(nproc)"
fearsim="$root/build/fearsim"
"$fearsim" run "$root/configs/classroom/no_drug.yaml" -o no_drug.h5 --force --threads 1 \
  2>no_drug.log &
no_drug=$!
"$fearsim" run "$root/configs/classroom/ketamine.yaml" -o ketamine.h5 --force --threads 1
wait "$no_drug" || { cat no_drug.log >&2; exit 1; }
rm -f no_drug.log
analysis="$root/analysis/fearsim-analysis"
"$analysis" freezing no_drug.h5 ketamine.h5 --labels "no drug,ketamine" \
  -o ketamine_freezing.png
"$analysis" report no_drug.h5 ketamine.h5 --labels "no drug,ketamine" \
  -o ketamine_report >/dev/null
echo "quickstart: wrote ketamine_freezing.png and ketamine_report/index.html (open it in a browser)"
