#!/bin/bash
# K runs of run.sh N back to back, then how often and by how much the appliance (cold cache, fresh
# JVM) took less time than dnsmasq + nginx. One run cannot resolve a few per cent between the stacks:
# the generator's CPU, three quarters of every storm's, moves by more than that from run to run.
#
#   bench/storm/repeat.sh N K [OUTDIR]     as root; run i's results in OUTDIR-i (default /tmp/bhstorm-N-i)
#
# Prints each run's last line with its ratio, then
#   runs K failures F appliance_faster W mean_ratio M median_ratio D min_ratio A max_ratio B
# (ratio: the appliance's cold seconds over the reference's; F: failed machines over all runs).
set -euo pipefail
n=${1:?usage: repeat.sh N K [OUTDIR]}
k=${2:?usage: repeat.sh N K [OUTDIR]}
here=$(cd "$(dirname "$0")" && pwd)
out=${3:-/tmp/bhstorm-$n}
lines=()
for i in $(seq "$k"); do
    line=$("$here/run.sh" "$n" "$out-$i" > "$out-$i.log" 2>&1 && tail -1 "$out-$i.log") ||
        { echo "repeat.sh: run $i failed, see $out-$i.log" >&2; exit 1; }
    echo "$line" | awk '{ printf "%s ratio %.2f\n", $0, $6 / $8 }'
    lines+=("$line")
done
# mawk (Debian's awk) has no sort: the ratios come sorted, one per line, with the run's failures and outcome.
printf '%s\n' "${lines[@]}" | awk '{ printf "%.6f %d %d\n", $6 / $8, $4, ($6 < $8) }' | sort -g |
    awk '{ r[NR] = $1; s += $1; f += $2; w += $3 }
    END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
          printf "runs %d failures %d appliance_faster %d mean_ratio %.2f median_ratio %.2f min_ratio %.2f max_ratio %.2f\n",
              NR, f, w, s / NR, m, r[1], r[NR] }'
