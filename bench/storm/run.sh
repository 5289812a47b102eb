#!/bin/bash
# Boot storm: N simulated machines against the reference stack (dnsmasq DHCP+TFTP, nginx HTTP), then
# against the appliance (cold cache, then warm), then against the reference again, on the same
# namespaces and addresses; that round STORM_ROUNDS times (default 5). Within a round the reference runs
# first and last and its time is the mean of the two, so neither stack has the better place in the
# sequence (docs/BENCHMARKS.md finding 34). One round cannot tell a few per cent apart: the generator's
# CPU, three quarters of every storm's, moves by more than that from storm to storm (finding 52).
#
#   bench/storm/run.sh N [OUTDIR]      as root on Debian 12; results in OUTDIR (default /tmp/bhstorm-N),
#                                      round R's in OUTDIR/round-R
#   STORM_ROUNDS=1 bench/storm/run.sh N   one round
#   APPLIANCE_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/storm.jfr' bench/storm/run.sh N   to profile it
#   STORM_CC=bbr bench/storm/run.sh N     with another TCP congestion control than cubic
#
# Namespaces: bhstorm (server side: bridge br0 10.80.0.1/22, the stack under test, an image mirror on
# 127.0.0.1:8081) and bhstormc (the generator, 10.80.0.2/22 on a veth into br0).
# Each round ends with its line and ratio; then
#   rounds K appliance_faster W mean_ratio M median_ratio D min_ratio A max_ratio B
# and last: machines N failures F seconds S reference_seconds R (S: the median over the rounds of the
# appliance's time with a cold cache and a freshly started JVM; R: the median of the rounds' reference
# times; F: machines that failed in any of the appliance's storms, cold or warm, over all rounds).
set -euo pipefail
n=${1:?usage: run.sh N [OUTDIR]}
rounds=${STORM_ROUNDS:-5}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: STORM_ROUNDS must be a positive number, not '$rounds'" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-/tmp/bhstorm-$n}
srv=bhstorm; cli=bhstormc
py=/usr/bin/python3

need=()
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x $py ] || need+=(python3)
command -v javac >/dev/null || need+=(default-jdk-headless)
[ -f /usr/lib/ipxe/undionly.kpxe ] || need+=(ipxe)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
[ -f "$repo/target/bergenholm.jar" ] || (cd "$repo" && mvn -B -ntp -q package -DskipTests)
for f in undionly.kpxe snponly.efi; do
    [ -f "$repo/boot-assets/$f" ] || "$repo/boot-assets/fill-from-debian.sh"
done

# dnsmasq takes the default receive buffer (net.core.rmem_default, 208 KiB on a stock system) for its
# DHCP socket and dropped 1500-1700 datagrams of every storm in it, losing up to 137 machines; the
# appliance asks for 4 MiB itself. The reference, and the generator's DHCP socket, run with 4 MiB too
# (restored on exit).
# The host's values, kept in a file until they are restored: a run killed before its teardown
# leaves the file, and the next run restores what the host had, not what that run set.
saved=/run/bhstorm-sysctl
[ -f $saved ] || printf '%s\n%s\n' "$(sysctl -n net.core.rmem_default)" \
    "$(sysctl -n net.ipv4.tcp_allowed_congestion_control)" > $saved
{ read -r rmem_default; read -r allowed_cc; } < $saved
pids=()
teardown() {
    sysctl -qw net.core.rmem_default="$rmem_default"
    sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed_cc"
    [ -n "${started:-}" ] && rm -f $saved
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for ns in $srv $cli; do
        if [ -e /run/netns/$ns ]; then
            for p in $(ip netns pids $ns 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
            ip netns del $ns
        fi
    done
}
trap teardown EXIT
teardown
started=1
sysctl -qw net.core.rmem_default=$((4 << 20))

rm -rf "$out"; mkdir -p "$out/mirror" "$out/tftp" "$out/www"
head -c $((8 << 20)) /dev/urandom > "$out/mirror/kernel"
head -c $((32 << 20)) /dev/urandom > "$out/mirror/initrd"
javac -d "$out/generator" "$here"/*.java
# The generator's own JVM: one thread per machine with small stacks; the serial collector, as it allocates little.
storm="java -Xss256k -XX:+UseSerialGC -cp $out/generator Storm"

ip netns add $srv; ip netns add $cli
ip -n $srv link set lo up; ip -n $cli link set lo up
ip -n $srv link add br0 type bridge
ip -n $srv link set br0 type bridge forward_delay 0 stp_state 0
ip -n $srv addr add 10.80.0.1/22 brd + dev br0
ip -n $srv link set br0 up
ip -n $srv link add bhstormp type veth peer name c0 netns $cli
ip -n $srv link set bhstormp master br0
ip -n $srv link set bhstormp up
ip -n $cli addr add 10.80.0.2/22 brd + dev c0
ip -n $cli link set c0 up
ip -n $cli route add 255.255.255.255 dev c0  # where the generator's DHCP broadcasts leave
# TCP congestion control in both namespaces: Linux's default, cubic, as on a stock Debian 12, unless
# STORM_CC names another (STORM_CC=bbr). Some hosts default to bbr: without an fq qdisc it paces every
# segment with a timer, which on a VM doubled the CPU of a storm for either stack (finding 38).
cc=${STORM_CC:-cubic}
grep -qw "$cc" /proc/sys/net/ipv4/tcp_allowed_congestion_control ||
    sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed_cc $cc"
for ns in $srv $cli; do ip netns exec $ns sysctl -qw net.ipv4.tcp_congestion_control="$cc"; done

ns_cpu() {  # utime+stime in seconds of the processes now in namespace $1 (threads included)
    local total=0 p
    for p in $(ip netns pids "$1"); do
        total=$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" '{ print t + ($14 + $15) / hz }' "/proc/$p/stat" 2>/dev/null || echo "$total")
    done
    echo "$total"
}
gen() {  # gen LABEL: the storm from the client namespace; LABEL-cpu.txt: how busy the cores were, and who used them;
         # LABEL-servers.txt: the server side's CPU by process and thread
    local before after ns server0 server1
    server0=$(ns_cpu $srv)
    $py "$here/threads.py" snapshot $(ip netns pids $srv) > "$run/$1-servers0.json"
    before=$(head -1 /proc/stat)
    for ns in $srv $cli; do ip netns exec $ns $py "$here/netstat.py" snapshot > "$run/$1-$ns-net0.json"; done
    ip netns exec $cli $storm run --n "$n" --server 10.80.0.1 \
        --kernel "$out/mirror/kernel" --initrd "$out/mirror/initrd" --label "$1" --out "$run/$1.json" \
        --loader "undionly.kpxe=$repo/boot-assets/undionly.kpxe" --loader "snponly.efi=$repo/boot-assets/snponly.efi"
    after=$(head -1 /proc/stat)
    server1=$(ns_cpu $srv)
    $py "$here/threads.py" snapshot $(ip netns pids $srv) > "$run/$1-servers1.json"
    $py "$here/threads.py" diff "$run/$1-servers0.json" "$run/$1-servers1.json" > "$run/$1-servers.txt"
    echo "$before" "$after" | awk -v hz="$(getconf CLK_TCK)" -v server="$server0 $server1" \
        -v gen="$($py -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"]["generator_cpu"])' "$run/$1.json")" '{ n = (NF - 2) / 2
        for (i = 2; i <= n + 1; i++) { d = $(i + n + 1) - $i; total += d; if (i == 5 || i == 6) idle += d; f[i] = d }
        split(server, s, " ")
        printf "all cores busy %.0f%%, %.1f CPU-seconds used by everything: servers %.1f, generator %.1f",
            100 * (total - idle) / total, (total - idle) / hz, s[2] - s[1], gen
        printf " (interrupts %.1f, softirq %.1f, steal %.1f of all)\n", f[7] / hz, f[8] / hz, f[9] / hz }' \
        | tee "$run/$1-cpu.txt"
    for ns in $srv $cli; do  # TCP counters on each side (losses, retransmissions, zero windows)
        ip netns exec $ns $py "$here/netstat.py" snapshot > "$run/$1-$ns-net1.json"
        $py "$here/netstat.py" diff "$run/$1-$ns-net0.json" "$run/$1-$ns-net1.json" > "$run/$1-$ns-net.txt"
    done
}
cpu_seconds() {  # utime+stime of PID in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}
await_http() {
    for _ in $(seq 300); do
        ip netns exec $cli curl -sf -o /dev/null "$1" && return 0
        sleep 0.2
    done
    echo "run.sh: $1 did not answer" >&2; return 1
}

# ---- the reference: dnsmasq (DHCP + TFTP, iPXE detected by user class) and nginx (script + images)
cp "$repo/boot-assets/undionly.kpxe" "$repo/boot-assets/snponly.efi" "$out/tftp/"
ln "$out/mirror/kernel" "$out/www/kernel"; ln "$out/mirror/initrd" "$out/www/initrd"
$storm reservations --n "$n" --first-address 10.80.0.10 > "$out/dnsmasq.hosts"
printf '#!ipxe\ninitrd --name module0 http://10.80.0.1/initrd\nkernel http://10.80.0.1/kernel\nboot\n' > "$out/www/boot.ipxe"
reference() {  # reference LABEL: start dnsmasq and nginx, run the storm against them, stop them
cat > "$run/nginx.conf" <<EOF
worker_processes auto;
pid $run/nginx.pid;
error_log $run/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    default_type application/octet-stream;
    server { listen 10.80.0.1:80; root $out/www; }
}
EOF
ip netns exec $srv nginx -c "$run/nginx.conf" -g 'daemon off;' > "$run/nginx.log" 2>&1 &
local nginx=$!; pids+=($nginx)
# Equivalent settings: the same pool and lease time, no ping before offering (the appliance does not
# ping), and limits high enough for N machines (dnsmasq's defaults cap leases at 1000 and TFTP at 50).
# Every machine has its own reserved address: allocating from the range, dnsmasq offers one free address
# to several machines of a storm and NAKs all but one (588 of 1000 machines gave up after 21 NAKs), and
# with its ping check on it lost 834 to "no OFFER". Reservations are its best case.
# --quiet-dhcp/--quiet-tftp: the appliance logs its decisions only at debug level.
rm -f "$run/dnsmasq.leases"  # each run starts without leases, as the appliance's first does
ip netns exec $srv dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=br0 --bind-interfaces \
    --dhcp-range=10.80.0.10,10.80.3.250,255.255.252.0,3600 --dhcp-option=option:router,10.80.0.1 \
    --dhcp-lease-max=$((n + 1000)) --dhcp-leasefile="$run/dnsmasq.leases" --no-ping \
    --dhcp-hostsfile="$out/dnsmasq.hosts" \
    --enable-tftp --tftp-root="$out/tftp" --tftp-max=$((n + 50)) \
    --dhcp-match=set:ipxe,77,"iPXE" --dhcp-match=set:efi64,option:client-arch,7 \
    --dhcp-boot=tag:ipxe,http://10.80.0.1/boot.ipxe \
    --dhcp-boot=tag:!ipxe,tag:efi64,snponly.efi --dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe \
    --quiet-dhcp --quiet-tftp --log-facility="$run/dnsmasq.log" > "$run/dnsmasq.out" 2>&1 &
local dnsmasq=$!; pids+=($dnsmasq)
await_http http://10.80.0.1/boot.ipxe
sleep 1
gen "$1"
kill $nginx $dnsmasq; wait $nginx $dnsmasq 2>/dev/null || true
}

# ---- the appliance: a fresh data directory (empty image cache, no leases) and a freshly started JVM
# The appliance's own counters after each storm (DHCP packets by outcome, TFTP, database commands by name).
metrics() { ip netns exec $cli curl -sf http://10.80.0.1/metrics | grep -E '^bergenholm_(dhcp|tftp|db)' > "$run/$1-metrics.txt" || true; }
appliance() {
    ip netns exec $srv $py -m http.server 8081 --bind 127.0.0.1 --directory "$out/mirror" > "$run/mirror.log" 2>&1 &
    local mirror=$!; pids+=($mirror)
    # --no-auth: the storm measures booting inside closed namespaces; the API only loads its hosts.
    ip netns exec $srv env BERGENHOLM_JAVA_OPTS="${APPLIANCE_JAVA_OPTS:-}" "$repo/appliance/bergenholm" serve --no-auth --interface br0 --server-address 10.80.0.1 \
        --base-url http://10.80.0.1 --http-port 80 --tftp-port 69 --dhcp full \
        --pool 10.80.0.10-10.80.3.250 --netmask 255.255.252.0 --router 10.80.0.1 \
        --boot-assets "$repo/boot-assets" --data-dir "$run/data" \
        --tftp-max-per-client $((n + 50)) --tftp-max-transfers $((n + 50)) > "$run/appliance.log" 2>&1 &
    app=$!; pids+=($app)
    await_http http://10.80.0.1/api/1.0/hosts/
    ip netns exec $cli $storm hosts --api http://10.80.0.1/api/1.0 --n "$n" \
        --kernel-url http://127.0.0.1:8081/kernel --initrd-url http://127.0.0.1:8081/initrd
    cpu0=$(cpu_seconds $app); $py "$here/threads.py" snapshot $app > "$run/threads0.json"
    metrics start
    gen cold
    cpu1=$(cpu_seconds $app); $py "$here/threads.py" snapshot $app > "$run/threads1.json"
    metrics cold
    gen warm
    cpu2=$(cpu_seconds $app); $py "$here/threads.py" snapshot $app > "$run/threads2.json"
    metrics warm
    { echo "cold run:"; $py "$here/threads.py" diff "$run/threads0.json" "$run/threads1.json"
      echo "warm run:"; $py "$here/threads.py" diff "$run/threads1.json" "$run/threads2.json"; } > "$run/appliance-threads.txt"
    rss_kb=$(awk '/VmHWM/ { print $2 }' /proc/$app/status)
    awk -v a="$cpu0" -v b="$cpu1" -v c="$cpu2" -v r="$rss_kb" 'BEGIN {
        printf "{\"cpu_cold\": %.2f, \"cpu_warm\": %.2f, \"peak_rss_kb\": %d}\n", b - a, c - b, r }' > "$run/appliance-process.json"
    cat "$run/appliance-process.json"
    kill $app $mirror; wait $app $mirror 2>/dev/null || true
}

for r in $(seq "$rounds"); do
    run="$out/round-$r"; mkdir -p "$run"
    echo "== round $r of $rounds"
    reference reference-first
    appliance
    reference reference
    $py "$here/report.py" "$run"
done
$py "$here/report.py" --rounds "$out"
