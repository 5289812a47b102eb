#!/bin/bash
# Compares the Java TFTP server with tftpd-hpa (in.tftpd -L) on 127.0.0.1: same file, same
# clients (atftp blksize 1432 windowsize 16, tftp-hpa 512-byte lock-step, curl blksize 1468).
# Reports wall time per client and server CPU time (utime+stime from /proc; tftpd-hpa's
# per-transfer children are sampled by child_cpu.py) for each server.
# Needs: apt-get install -y atftp tftp-hpa curl tftpd-hpa
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-8}
JAVA_PORT=${JAVA_PORT:-16969}
HPA_PORT=${HPA_PORT:-16970}
work=$(mktemp -d); java_pid=; hpa_pid=
trap 'kill $java_pid $hpa_pid 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/root"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$work/root/bench.bin"
chmod -R a+rX "$work"
want=$(sha256sum < "$work/root/bench.bin")

mvn -q -o compile
# The server needs only these jars; taken from the local Maven repository filled by the build.
m2=${M2_REPO:-$HOME/.m2/repository}
cp=target/classes
for jar in commons-net/commons-net/3.11.1/commons-net-3.11.1.jar org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar \
           ch/qos/logback/logback-classic/1.5.16/logback-classic-1.5.16.jar \
           ch/qos/logback/logback-core/1.5.16/logback-core-1.5.16.jar; do
    [ -f "$m2/$jar" ] || { echo "missing $m2/$jar (run mvn compile online once)" >&2; exit 1; }
    cp="$cp:$m2/$jar"
done
java -cp "$cp" org.bergenholm.tftp.StandaloneTftp "$JAVA_PORT" "$work/root" \
    > "$work/java.log" 2>&1 &
java_pid=$!
in.tftpd -L -s -a "127.0.0.1:$HPA_PORT" -u "$(id -un)" "$work/root" &
hpa_pid=$!
sleep 2

# utime+stime+cutime+cstime in clock ticks: in.tftpd -L forks and reaps a child per transfer,
# so its work shows up in the children's fields; the JVM's threads are in its own.
cpu() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
fetch() { # client port out
    case $1 in
        atftp) atftp --option "blksize 1432" --option "windowsize 16" -g -r bench.bin -l "$3" 127.0.0.1 "$2" ;;
        tftp)  tftp 127.0.0.1 "$2" -m binary -c get bench.bin "$3" ;;
        curl)  curl -sS -o "$3" --tftp-blksize 1468 "tftp://127.0.0.1:$2/bench.bin" ;;
    esac
    [ "$(sha256sum < "$3")" = "$want" ] || { echo "checksum mismatch: $1 port $2" >&2; exit 1; }
}

for c in atftp tftp curl; do fetch "$c" "$JAVA_PORT" "$work/warm"; done  # JIT warm-up, not measured

printf '%-6s %12s %12s %12s %12s %8s %8s\n' client java_wall_s hpa_wall_s java_cpu_s hpa_cpu_s wall_x cpu_x
tck=$(getconf CLK_TCK)
for c in atftp tftp curl; do
    declare -A wall cpus
    for s in java hpa; do
        port=$JAVA_PORT; pid=$java_pid
        [ $s = hpa ] && { port=$HPA_PORT; pid=$hpa_pid; }
        [ $s = hpa ] && { python3 bench/tftp/child_cpu.py $hpa_pid > "$work/children" & sampler=$!; sleep 0.3; }
        c0=$(cpu $pid); t0=$(date +%s.%N)
        for i in $(seq "$RUNS"); do fetch "$c" "$port" "$work/out"; done
        t1=$(date +%s.%N); c1=$(cpu $pid)
        if [ $s = hpa ]; then kill -TERM $sampler; wait $sampler || true; c1=$((c1 + $(cat "$work/children" 2>/dev/null || echo 0))); fi
        wall[$s]=$(echo "$t1 - $t0" | bc -l)
        cpus[$s]=$(echo "($c1 - $c0) / $tck" | bc -l)
    done
    printf '%-6s %12.2f %12.2f %12.2f %12.2f %8.2f %8.2f\n' "$c" "${wall[java]}" "${wall[hpa]}" \
        "${cpus[java]}" "${cpus[hpa]}" "$(echo "${wall[java]} / ${wall[hpa]}" | bc -l)" \
        "$(echo "${cpus[java]} / (${cpus[hpa]} + 0.001)" | bc -l)"
done
echo "(${RUNS} x ${SIZE_MB} MB per cell; *_x = java / tftpd-hpa)"
