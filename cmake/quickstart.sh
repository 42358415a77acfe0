#!/bin/sh
# The README's first command: installs what is missing, builds fearsim into build/, runs the
# quickstart experiment and plots it: quickstart.h5 and quickstart.png in the current folder.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$(nproc)"
"$root/build/fearsim" run "$root/configs/quickstart.yaml" -o quickstart.h5 --force
/usr/bin/python3 "$root/analysis/fearsim-plot" quickstart.h5 -o quickstart.png
echo "quickstart: wrote quickstart.h5 and quickstart.png"
