#!/bin/bash
# Where the appliance's CPU goes in full-mode DHCP: runs a jar alone on a bridge (10.79.0.0/16),
# perfdhcp at a fixed rate, and prints each thread group's CPU ticks (1/100 s) over the run,
# read from /proc/PID/task/*/stat, which does not pause the JVM as jstack would.
# As root, from the repository root:  bench/dhcp/threads.sh [rate] [seconds]
# WARM_RATE and WARM_SECS (default 100/s for 3 s) set the perfdhcp run before the measured one.
set -euo pipefail
RATE=${1:-400} SECS=${2:-8}
id=$(printf '%05x' $((RANDOM * 32 + RANDOM % 32)))
BR=bh${id}br NS=bh${id}perf VIN=v${id}p VOUT=w${id}p
WORK=$(mktemp -d /tmp/bergenholm-dhcp-threads.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ip link del "$BR" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ip link add "$BR" type bridge
ip addr add 10.79.0.1/16 dev "$BR"
ip link set "$BR" up
ip netns add "$NS"
ip link add "$VOUT" type veth peer name "$VIN"
ip link set "$VIN" netns "$NS"
ip link set "$VOUT" master "$BR" up
ip -n "$NS" link set lo up
ip -n "$NS" addr add 10.79.0.3/16 dev "$VIN"
ip -n "$NS" link set "$VIN" up
BERGENHOLM_JAVA_OPTS="${JAVA_OPTS:-}" appliance/bergenholm serve --dhcp full --interface "$BR" --server-address 10.79.0.1 --pool 10.79.1.1-10.79.250.250 \
    --netmask 255.255.0.0 --router 10.79.0.1 --lease-time 3600 --http-port 18081 --tftp-port 0 \
    --data-dir "$WORK/appliance" --seed none >"$WORK/appliance.log" 2>&1 &
pid=$!
sleep 8
ip netns exec "$NS" perfdhcp -4 -l "$VIN" -r "${WARM_RATE:-100}" -R 50000 -p "${WARM_SECS:-3}" 10.79.0.1 >/dev/null 2>&1 || true # warm-up
snapshot() { for t in /proc/$pid/task/*; do echo "$(cat "$t/comm")|$(awk '{print $14 + $15}' "$t/stat")"; done; }
snapshot >"$WORK/before.txt"
ip netns exec "$NS" perfdhcp -4 -l "$VIN" -r "$RATE" -R 50000 -p "$SECS" 10.79.0.1 2>&1 \
    | grep -E "^(Rate|drops ratio)" | head -2 || true
snapshot >"$WORK/after.txt"
python3 - "$WORK" <<'PY'
import collections, re, sys
def load(path):
    ticks = collections.Counter()
    for line in open(path):
        name, _, t = line.rstrip("\n").rpartition("|")
        if t:
            ticks[re.sub(r"[-#]?\d+$", "", name)] += int(t)
    return ticks
a, b = load(sys.argv[1] + "/before.txt"), load(sys.argv[1] + "/after.txt")
diff = {k: b[k] - a.get(k, 0) for k in b}
total = sum(diff.values())
for name, t in sorted(diff.items(), key=lambda x: -x[1])[:10]:
    print(f"{name:20s} {t:6d} ticks {100 * t / max(total, 1):5.1f}%")
print(f"total {total} ticks")
PY
