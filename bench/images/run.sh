#!/bin/bash
# Boot image throughput: Bergenholm's /ipxe/kernel (cached and uncached) against nginx serving
# the same file from disk, in the same run on 127.0.0.1, for 1 and 50 concurrent clients.
#   cached:   wrk for DURATION seconds against /ipxe/kernel/bench (a cache hit every time)
#             and against nginx's copy of the file, REPS turns each, the best counted;
#   uncached: the cache is purged before each round, then 1 client (ROUNDS sequential GETs) or
#             50 clients at once (one GET each) with curl; nginx gets the same curl pattern.
# nginx is also the upstream Bergenholm fetches from. Prints MiB/s and bergenholm/nginx ratios.
# Needs (installed here when missing): nginx-light wrk curl, and the JDK/Maven for the jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-64}
DURATION=${DURATION:-5}
REPS=${REPS:-3}
ROUNDS=${ROUNDS:-5}
NGINX_PORT=${NGINX_PORT:-18180}
BH_PORT=${BH_PORT:-18181}

for tool in nginx:nginx-light wrk:wrk curl:curl; do
    command -v "${tool%%:*}" >/dev/null || [ -x "/usr/sbin/${tool%%:*}" ] || {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool#*:}" >/dev/null; }
done
[ -f target/bergenholm.jar ] || mvn -q -B -ntp -DskipTests package

work=$(mktemp -d); nginx_pid=; bh_pid=
trap 'kill $nginx_pid $bh_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/logs" "$work/data"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$work/www/bench.img"
chmod -R a+rX "$work"   # nginx workers run as www-data
want=$(sha256sum < "$work/www/bench.img")
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    server { listen 127.0.0.1:$NGINX_PORT; root $work/www; }
}
CONF
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
# --no-auth: this measures image serving on loopback, not API authentication.
appliance/bergenholm serve --listen 127.0.0.1 --http-port "$BH_PORT" --tftp-port 0 --dhcp off \
    --data-dir "$work/data" --seed none --no-auth > "$work/bergenholm.log" 2>&1 &
bh_pid=$!
for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$BH_PORT/healthz" && break; sleep 0.5; done
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d "{\"kernel\": \"http://127.0.0.1:$NGINX_PORT/bench.img\"}" "http://127.0.0.1:$BH_PORT/api/1.0/hosts/bench"
BH_URL="http://127.0.0.1:$BH_PORT/ipxe/kernel/bench"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/bench.img"
purge() { curl -sf -o /dev/null -X DELETE "http://127.0.0.1:$BH_PORT/api/1.0/images"; }
for u in "$BH_URL" "$NGINX_URL"; do
    [ "$(curl -sf "$u" | sha256sum)" = "$want" ] || { echo "checksum mismatch for $u" >&2; exit 1; }
done

# MiB/s from wrk's "Transfer/sec: 1.23GB" line.
wrk_mibs() { # url connections
    wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"${DURATION}s" "$1" | awk '/Transfer\/sec/ {
        v = $2; u = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2) + 0;
        if (u == "GB") n *= 1024; else if (u == "KB") n /= 1024; else if (u != "MB") n = substr(v, 1, length(v) - 1) / 1048576;
        printf "%.0f", n }'
}
# MiB/s of `clients` concurrent curl GETs, repeated ROUNDS times (purging Bergenholm's cache first when asked).
curl_mibs() { # url clients purge?
    local t0 t1 total=0
    for _ in $(seq "$ROUNDS"); do
        [ "$3" = purge ] && purge
        t0=$(date +%s.%N)
        for _ in $(seq "$2"); do curl -sf -o /dev/null "$1" & done
        wait $(jobs -p | grep -v -e "^$nginx_pid\$" -e "^$bh_pid\$") 2>/dev/null || true
        t1=$(date +%s.%N)
        total=$(echo "$total + $t1 - $t0" | bc -l)
    done
    echo "$ROUNDS * $2 * $SIZE_MB / $total" | bc -l | xargs printf '%.0f'
}

curl -sf -o /dev/null "$BH_URL"; wrk -t1 -c4 -d3s "$BH_URL" >/dev/null   # JIT warm-up, not measured
printf '%-22s %14s %14s %8s\n' case bergenholm_MiB/s nginx_MiB/s ratio
row() { printf '%-22s %14s %14s %8.2f\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)"; }
# The two servers take turns, REPS runs each, best run counted: the box is shared, and a
# neighbour's burst should not decide the ratio.
best() { printf '%s\n' "$@" | sort -n | tail -1; }
for c in 1 50; do
    bs=(); ns=()
    for _ in $(seq "$REPS"); do bs+=("$(wrk_mibs "$BH_URL" "$c")"); ns+=("$(wrk_mibs "$NGINX_URL" "$c")"); done
    row "cached, $c client(s)" "$(best "${bs[@]}")" "$(best "${ns[@]}")"
done
for c in 1 50; do
    b=$(curl_mibs "$BH_URL" "$c" purge); n=$(curl_mibs "$NGINX_URL" "$c" keep)
    row "uncached, $c client(s)" "$b" "$n"
done
echo "(${SIZE_MB} MiB file; cached: wrk ${DURATION}s, best of ${REPS} alternating runs; uncached: curl, ${ROUNDS} rounds, cache purged before each; $(nproc) cores)"
