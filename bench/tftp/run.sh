#!/bin/bash
# The appliance's TFTP server side by side with tftpd-hpa (in.tftpd -L) in the same run, same clients:
#   storm  STORM fetches (default 1000) of undionly.kpxe by CONC concurrent atftp clients (default 50),
#          blksize 1432 as PXE ROMs ask
#   large  a 32 MiB file, RUNS times, atftp blksize 1432 windowsize 16 (tftpd-hpa has no windowsize)
# Server CPU is the usage_usec of a cgroup v2 per server: it counts every thread and every forked
# child (in.tftpd -L ignores SIGCHLD, so its children's CPU never reaches its own /proc counters).
# Every fetched file is checked against its SHA-256. Ratios are appliance / tftpd-hpa.
# Usage (root, Debian 12): bench/tftp/run.sh      env: STORM CONC RUNS LARGE_MB JAVA_PORT HPA_PORT
set -euo pipefail
cd "$(dirname "$0")/../.."
STORM=${STORM:-1000}; CONC=${CONC:-50}; RUNS=${RUNS:-3}; LARGE_MB=${LARGE_MB:-32}
JAVA_PORT=${JAVA_PORT:-16969}; HPA_PORT=${HPA_PORT:-16970}
CG=/sys/fs/cgroup/unified
[ -f $CG/cgroup.procs ] || CG=/sys/fs/cgroup
./appliance/install-deps --test
dpkg-query -W -f='${Status}' tftpd-hpa 2>/dev/null | grep -q "install ok installed" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tftpd-hpa >/dev/null
[ -f target/bergenholm.jar ] || mvn -B -ntp -q package -DskipTests

work=$(mktemp -d); java_pid=; hpa_pid=
cleanup() {
    kill $java_pid $hpa_pid 2>/dev/null || true; wait 2>/dev/null || true
    rmdir $CG/bh-bench-java $CG/bh-bench-hpa 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root" "$work/out" $CG/bh-bench-java $CG/bh-bench-hpa
cp /usr/lib/ipxe/undionly.kpxe "$work/root/"
head -c $((LARGE_MB * 1024 * 1024)) /dev/urandom > "$work/root/large.bin"
chmod -R a+rX "$work"
small_sum=$(sha256sum < "$work/root/undionly.kpxe"); large_sum=$(sha256sum < "$work/root/large.bin")

bash -c "echo \$\$ > $CG/bh-bench-java/cgroup.procs; exec appliance/bergenholm serve --dhcp off \
    --listen 127.0.0.1 --http-port 0 --tftp-port $JAVA_PORT --tftp-max-per-client $CONC --boot-assets $work/root \
    --data-dir $work/data --seed none" > "$work/java.log" 2>&1 &
java_pid=$!
bash -c "echo \$\$ > $CG/bh-bench-hpa/cgroup.procs; exec in.tftpd -L -s -a 127.0.0.1:$HPA_PORT -u root $work/root" &
hpa_pid=$!
for i in $(seq 100); do grep -q "TFTP serving" "$work/java.log" && break; sleep 0.2; done
grep -q "TFTP serving" "$work/java.log" || { cat "$work/java.log"; echo "appliance did not start" >&2; exit 1; }

usage() { awk '/^usage_usec/ {print $2}' $CG/bh-bench-$1/cpu.stat; }
storm() { # port count
    seq "$2" | xargs -P "$CONC" -I{} atftp --option "blksize 1432" -g -r undionly.kpxe -l "$work/out/{}" 127.0.0.1 "$1" 2>/dev/null
    for f in "$work"/out/*; do [ "$(sha256sum < "$f")" = "$small_sum" ] || { echo "storm: bad file $f" >&2; exit 1; }; done
    rm -f "$work"/out/*
}
large() { # port
    for i in $(seq "$RUNS"); do
        atftp --option "blksize 1432" --option "windowsize 16" -g -r large.bin -l "$work/out/large" 127.0.0.1 "$1" 2>/dev/null
        [ "$(sha256sum < "$work/out/large")" = "$large_sum" ] || { echo "large: bad file" >&2; exit 1; }
    done
    rm -f "$work/out/large"
}
declare -A wall cpu
measure() { # name server port
    local c0 t0; c0=$(usage "$2"); t0=$(date +%s.%N)
    "$1" "$3" "${@:4}"
    wall[$1-$2]=$(echo "$(date +%s.%N) - $t0" | bc -l)
    cpu[$1-$2]=$(echo "($(usage "$2") - $c0) / 1000000" | bc -l)
}
storm $JAVA_PORT 200; storm $HPA_PORT 200   # warm-up (JIT, page cache), not measured
measure storm java $JAVA_PORT "$STORM"; measure storm hpa $HPA_PORT "$STORM"
measure large java $JAVA_PORT; measure large hpa $HPA_PORT

printf '%-7s %10s %10s %10s %10s %8s %8s\n' case wall_s hpa_wall_s cpu_s hpa_cpu_s wall_x cpu_x
for c in storm large; do
    printf '%-7s %10.2f %10.2f %10.2f %10.2f %8.2f %8.2f\n' $c "${wall[$c-java]}" "${wall[$c-hpa]}" "${cpu[$c-java]}" \
        "${cpu[$c-hpa]}" "$(echo "${wall[$c-java]} / ${wall[$c-hpa]}" | bc -l)" "$(echo "${cpu[$c-java]} / ${cpu[$c-hpa]}" | bc -l)"
done
echo "storm: $STORM x undionly.kpxe ($(stat -c %s "$work/root/undionly.kpxe") B), $CONC concurrent atftp, blksize 1432"
echo "large: $RUNS x ${LARGE_MB} MiB, atftp blksize 1432 windowsize 16; *_x = appliance / tftpd-hpa (wall_x < 1: appliance faster)"
