#!/usr/bin/python3
"""Boot storm generator: plays N network-booting machines with real packets.

Each machine does what PXE firmware and then iPXE do, in order:
  dhcp_pxe   DISCOVER/REQUEST as PXE firmware (vendor class PXEClient, option 93 arch 0 or 7, option 97 UUID)
  tftp       RRQ of the boot file, blksize 1432, lock-step like a PXE ROM
  dhcp_ipxe  DISCOVER/REQUEST again as iPXE (user class "iPXE"), same MAC, expects the same address
  script     HTTP GET of the script URL the DHCP boot file names (${uuid} replaced)
  initrd, kernel  HTTP GET of the URLs on the script's initrd/kernel lines, SHA-256 verified

All machines start within the first --spread seconds (a power-on storm), split over --procs generator
processes. Each process has one DHCP socket for its machines: every request sets the broadcast flag, so
replies come back as broadcasts to every process and are matched by xid. TFTP and HTTP
leave from this namespace's own address (one host plays all machines), which is why the appliance runs
with a high --tftp-max-per-client.

  storm.py hosts --api URL --n N --group G         register N hosts (UUIDs as storm.py derives them)
  storm.py reservations --n N --first-address IP  dnsmasq dhcp-host lines, one address per machine
  storm.py run --n N --server IP --iface IF --kernel-sha S --initrd-sha S --out FILE.json [--procs P]
"""
import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import random
import resource
import socket
import struct
import sys
import time
import urllib.request

STEPS = ["dhcp_pxe", "tftp", "dhcp_ipxe", "script", "initrd", "kernel"]
MAGIC = b"\x63\x82\x53\x63"
SO_RCVBUFFORCE = 33  # Linux; the socket module does not name it
IPXE_WINDOW = 256 << 10  # iPXE's TCP_MAX_WINDOW_SIZE (src/include/ipxe/tcp.h)


def mac_of(i):
    return bytes([0x02, 0x5B, 0x00, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def uuid_of(i):
    return "5b000000-0000-4000-8000-%012x" % i


def uuid_option(uuid):
    # Option 97 carries the SMBIOS byte order: the first three fields little-endian, as firmware sends it.
    b = bytes.fromhex(uuid.replace("-", ""))
    return b"\x00" + b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]


class Failure(Exception):
    pass


# ---------------------------------------------------------------- DHCP

class Dhcp:
    """One socket on :68 for every machine of this generator process; replies are routed to waiters by xid.

    Read with a reader callback that drains the socket: asyncio's datagram transport reads one
    datagram per loop iteration, and with a thousand HTTP streams in the loop an iteration takes
    long enough that broadcast answers queued in the socket for tens of seconds (seen in packet
    captures: every OFFER/ACK reached this namespace within milliseconds, machines still timed out).
    """

    def __init__(self, sock):
        self.sock = sock
        self.waiters = {}
        sock.setblocking(False)
        asyncio.get_running_loop().add_reader(sock.fileno(), self.drain)

    def send(self, pkt):
        try:
            self.sock.sendto(pkt, ("255.255.255.255", 67))
        except (BlockingIOError, InterruptedError):
            pass  # lost like a packet on the wire; the machine retransmits

    def drain(self):
        while True:
            try:
                data = self.sock.recv(2048)
            except (BlockingIOError, InterruptedError):
                return
            self.datagram_received(data)

    def datagram_received(self, data):
        if len(data) < 240 or data[0] != 2 or data[236:240] != MAGIC:
            return
        xid = struct.unpack("!I", data[4:8])[0]
        q = self.waiters.get(xid)
        if q is not None:
            q.put_nowait(parse_reply(data))


def parse_reply(data):
    opts = {}
    i = 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        length = data[i + 1]
        opts[code] = data[i + 2:i + 2 + length]
        i += 2 + length
    file_field = data[108:236].split(b"\0", 1)[0].decode("latin-1")
    bootfile = opts[67].split(b"\0", 1)[0].decode("latin-1") if 67 in opts else file_field
    return {
        "type": opts.get(53, b"\0")[0],
        "yiaddr": socket.inet_ntoa(data[16:20]),
        "siaddr": socket.inet_ntoa(data[20:24]),
        "server_id": opts.get(54),
        "bootfile": bootfile,
    }


def dhcp_packet(msg_type, xid, mac, arch, uuid, ipxe, secs, requested=None, server_id=None):
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, secs, 0x8000,
                       b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, mac + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    vendor = b"PXEClient:Arch:%05d:UNDI:002001" % arch
    opts = [(53, bytes([msg_type])), (57, struct.pack("!H", 1472)), (93, struct.pack("!H", arch)),
            (94, b"\x01\x02\x01"), (97, uuid_option(uuid)), (60, vendor),
            (55, bytes([1, 3, 6, 12, 15, 17, 43, 54, 60, 66, 67, 97, 128, 129, 130, 175]))]
    if ipxe:
        opts.append((77, b"iPXE"))
    if requested:
        opts.append((50, socket.inet_aton(requested)))
    if server_id:
        opts.append((54, server_id))
    body = b"".join(bytes([c, len(v)]) + v for c, v in opts)
    return head + MAGIC + body + b"\xff"


class Nak(Failure):
    pass


async def dhcp_exchange(dhcp, mac, arch, uuid, ipxe, restarts=20):
    """Like firmware after a NAK (RFC 2131 3.1), starts over with a DISCOVER; dnsmasq without ping
    offers one free address to every client that asks at the same moment and NAKs all but the first."""
    for attempt in range(restarts + 1):
        try:
            return await dhcp_once(dhcp, mac, arch, uuid, ipxe)
        except Nak:
            if attempt == restarts:
                raise


async def dhcp_once(dhcp, mac, arch, uuid, ipxe):
    """DISCOVER → OFFER → REQUEST → ACK with PXE ROM timeouts (4, 8, 16 s); returns the ACK."""
    xid = random.getrandbits(32)
    q = asyncio.Queue()
    dhcp.waiters[xid] = q
    start = time.monotonic()
    try:
        for phase in ("discover", "request"):
            for timeout in (4, 8, 16):
                secs = int(time.monotonic() - start)
                if phase == "discover":
                    pkt = dhcp_packet(1, xid, mac, arch, uuid, ipxe, secs)
                else:
                    pkt = dhcp_packet(3, xid, mac, arch, uuid, ipxe, secs, offer["yiaddr"], offer["server_id"])
                dhcp.send(pkt)
                want = 2 if phase == "discover" else 5
                reply = await wait_for_type(q, want, timeout)
                if reply is not None:
                    break
            else:
                raise Failure(f"no {'OFFER' if phase == 'discover' else 'ACK'}")
            if phase == "discover":
                offer = reply
        return reply
    finally:
        del dhcp.waiters[xid]


async def wait_for_type(q, want, timeout):
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            reply = await asyncio.wait_for(q.get(), left)
        except asyncio.TimeoutError:
            return None
        if reply["type"] == 6:
            raise Nak("NAK")
        if reply["type"] == want:
            return reply


# ---------------------------------------------------------------- TFTP

class TftpClient(asyncio.DatagramProtocol):
    def __init__(self):
        self.q = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.q.put_nowait((data, addr))

    def error_received(self, exc):
        pass


async def tftp_get(server, filename, blksize=1432):
    """Lock-step RRQ like a PXE ROM: one block in flight, resend the last packet after 1 s of silence."""
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_datagram_endpoint(TftpClient, local_addr=("0.0.0.0", 0))
    try:
        rrq = b"\0\x01" + filename.encode() + b"\0octet\0blksize\0" + str(blksize).encode() + b"\0tsize\0" + b"0\0"
        last, dest = rrq, (server, 69)
        transport.sendto(last, dest)
        expected, size, tries, peer = 1, 0, 0, None
        digest = hashlib.sha256()
        while True:
            try:
                data, addr = await asyncio.wait_for(proto.q.get(), 1.0)
            except asyncio.TimeoutError:
                tries += 1
                if tries > 6:
                    raise Failure(f"TFTP timeout at block {expected}")
                transport.sendto(last, dest)
                continue
            if peer is None:
                peer = addr
                dest = addr
            elif addr != peer:
                continue
            op = struct.unpack("!H", data[:2])[0]
            if op == 5:
                raise Failure("TFTP error " + data[4:].split(b"\0", 1)[0].decode("latin-1"))
            if op == 6:  # OACK
                if expected == 1:
                    last = b"\0\x04\0\0"
                    transport.sendto(last, dest)
                    tries = 0
                continue
            if op != 3:
                continue
            block = struct.unpack("!H", data[2:4])[0]
            if block == (expected & 0xFFFF):
                payload = data[4:]
                digest.update(payload)
                size += len(payload)
                last = b"\0\x04" + data[2:4]
                transport.sendto(last, dest)
                tries = 0
                expected += 1
                if len(payload) < blksize:
                    return size, digest.hexdigest()
            elif block == ((expected - 1) & 0xFFFF):
                transport.sendto(last, dest)  # our ACK was lost: the server resent
    finally:
        transport.close()


# ---------------------------------------------------------------- HTTP

async def ipxe_connection(host, port):
    """A TCP connection that receives like iPXE: its window never exceeds 256 KiB. Left to Linux, each
    receive buffer grows to tcp_rmem's maximum (32 MiB here), and a thousand of them push the kernel into
    TCP memory pressure, which stalls either stack under test at random (docs/BENCHMARKS.md finding 18)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, IPXE_WINDOW)  # the kernel doubles it for overhead
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_WINDOW_CLAMP, IPXE_WINDOW)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        return await asyncio.open_connection(sock=sock, limit=1 << 20)
    except BaseException:
        sock.close()
        raise


async def http_get(url, sink, read_timeout=30):
    """GET with HTTP/1.1 and Connection: close; the body goes to sink(bytes). Returns the byte count."""
    if not url.startswith("http://"):
        raise Failure("not an http URL: " + url)
    rest = url[7:]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    reader, writer = await asyncio.wait_for(ipxe_connection(host, int(port or 80)), 10)
    try:
        writer.write(f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUser-Agent: iPXE/1.21.1 storm\r\n"
                     f"Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), read_timeout)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if status != 200:
            body = await asyncio.wait_for(reader.read(2000), read_timeout)
            raise Failure(f"HTTP {status} for {url}: {body[:200].decode('latin-1', 'replace')}")
        n = 0
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await asyncio.wait_for(reader.readline(), read_timeout)).split(b";")[0], 16)
                if size == 0:
                    break
                chunk = await asyncio.wait_for(reader.readexactly(size), read_timeout)
                sink(chunk)
                n += size
                await reader.readline()
        elif "content-length" in headers:
            left = int(headers["content-length"])
            while left > 0:
                chunk = await asyncio.wait_for(reader.read(min(left, 1 << 20)), read_timeout)
                if not chunk:
                    raise Failure(f"short body for {url}: {left} bytes missing")
                sink(chunk)
                n += len(chunk)
                left -= len(chunk)
        else:
            while True:
                chunk = await asyncio.wait_for(reader.read(1 << 20), read_timeout)
                if not chunk:
                    break
                sink(chunk)
                n += len(chunk)
        return n
    finally:
        writer.close()


async def retried(what, attempts, fn):
    """Firmware retries a failed step a few times before giving up; so does the generator."""
    for attempt in range(attempts):
        try:
            return await fn()
        except (Failure, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as e:
            if attempt == attempts - 1:
                raise Failure(f"{what}: {e!r}") from e
            await asyncio.sleep(1 + attempt)


def script_images(script):
    """The URLs of `initrd` and `kernel` lines, in script order (options like --name skipped)."""
    images = []
    for line in script.splitlines():
        words = line.split()
        if words and words[0] in ("initrd", "kernel", "module", "imgfetch"):
            url = next((w for w in words[1:] if w.startswith("http://")), None)
            if url:
                images.append(("kernel" if words[0] == "kernel" else "initrd", url))
    return images


# ---------------------------------------------------------------- one machine

async def machine(i, args, dhcp, t0):
    mac, uuid, arch = mac_of(i), uuid_of(i), (0 if i % 2 == 0 else 7)
    rec = {"i": i, "mac": mac.hex(":"), "uuid": uuid, "arch": arch, "steps": {}, "error": None}
    await asyncio.sleep(random.uniform(0, args.spread))
    rec["start"] = time.monotonic() - t0
    step = "dhcp_pxe"
    try:
        s = time.monotonic()
        ack = await dhcp_exchange(dhcp, mac, arch, uuid, ipxe=False)
        rec["steps"][step] = time.monotonic() - s
        rec["address"] = ack["yiaddr"]
        if not ack["bootfile"]:
            raise Failure("PXE ACK without a boot file")
        rec["bootfile"] = ack["bootfile"]

        step = "tftp"
        s = time.monotonic()
        tftp_server = ack["siaddr"] if ack["siaddr"] != "0.0.0.0" else args.server
        size, sha = await retried("tftp", 3, lambda: tftp_get(tftp_server, ack["bootfile"]))
        expected = args.loader_sha.get(ack["bootfile"])
        if expected and expected != sha:
            raise Failure(f"TFTP {ack['bootfile']}: SHA-256 mismatch")
        rec["steps"][step] = time.monotonic() - s
        rec["tftp_bytes"] = size

        step = "dhcp_ipxe"
        s = time.monotonic()
        ack2 = await dhcp_exchange(dhcp, mac, arch, uuid, ipxe=True)
        rec["steps"][step] = time.monotonic() - s
        if ack2["yiaddr"] != ack["yiaddr"]:
            raise Failure(f"iPXE got {ack2['yiaddr']}, PXE got {ack['yiaddr']}")
        if not ack2["bootfile"].startswith("http://"):
            raise Failure("iPXE ACK boot file is not a script URL: " + ack2["bootfile"])

        step = "script"
        s = time.monotonic()
        body = bytearray()
        await retried("script", 3, lambda: (body.clear(), http_get(ack2["bootfile"].replace("${uuid}", uuid), body.extend))[1])
        rec["steps"][step] = time.monotonic() - s
        script = body.decode("utf-8", "replace").replace("${uuid}", uuid)
        images = script_images(script)
        kinds = [k for k, _ in images]
        if "kernel" not in kinds or "initrd" not in kinds:
            raise Failure("script names no kernel/initrd: " + script[:300])

        for kind, url in images:
            step = kind
            s = time.monotonic()
            h = [None]

            async def fetch():
                h[0] = hashlib.sha256()
                return await http_get(url, h[0].update)

            await retried(kind, 3, fetch)
            want = args.kernel_sha if kind == "kernel" else args.initrd_sha
            if h[0].hexdigest() != want:
                raise Failure(f"{kind} SHA-256 mismatch from {url}")
            rec["steps"][kind] = time.monotonic() - s
        rec["done"] = time.monotonic() - t0
    except Exception as e:  # every failure is recorded against its step; the storm goes on
        rec["error"] = f"{step}: {e}"
    return rec


def udp_receive_buffer_errors():
    """This namespace's count of UDP datagrams dropped for a full socket buffer (the generator's own losses)."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def dhcp_socket(iface):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # SO_REUSEADDR lets every generator process bind :68; each receives every broadcast answer.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    # SO_RCVBUF is capped by net.core.rmem_max (208 KiB): too small for hundreds of answers at once.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    sock.bind(("0.0.0.0", 68))
    return sock


async def run_part(args, first, n, t0, path):
    """One generator process: machines first..first+n-1, all timed from the shared wall-clock start t0."""
    dhcp = Dhcp(dhcp_socket(args.iface))
    await asyncio.sleep(max(0.0, t0 - time.time()))
    start = time.monotonic() - (time.time() - t0)
    recs = await asyncio.gather(*(machine(i, args, dhcp, start) for i in range(first, first + n)))
    with open(path, "w") as f:
        json.dump(recs, f)


def part_main(args, first, n, t0, path):
    random.seed()  # a forked process inherits its parent's generator: reseed, or every process draws the same xids
    asyncio.run(run_part(args, first, n, t0, path))


def run(args):
    """Splits the machines over --procs processes. One process playing a thousand machines is a poor
    stand-in for a thousand CPUs: while it hashed images its event loop took so long per turn that
    lock-step TFTP crawled at one block per turn, whichever server answered."""
    drops0 = udp_receive_buffer_errors()
    t0 = time.time() + 1.0
    procs, paths, first = [], [], args.first
    for j in range(args.procs):
        n = args.n // args.procs + (1 if j < args.n % args.procs else 0)
        paths.append(f"{args.out}.part{j}")
        procs.append(multiprocessing.Process(target=part_main, args=(args, first, n, t0, paths[-1])))
        first += n
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    recs = []
    for path, p in zip(paths, procs):
        if p.exitcode != 0:
            raise SystemExit(f"storm.py: generator process for {path} failed (exit {p.exitcode})")
        with open(path) as f:
            recs.extend(json.load(f))
        os.remove(path)
    total = time.time() - t0
    failures = [r for r in recs if r["error"]]
    summary = {"label": args.label, "machines": args.n, "failures": len(failures), "procs": args.procs,
               "seconds": round(max((r.get("done", 0) for r in recs), default=0), 3), "wall": round(total, 3),
               "generator_cpu": round(sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ("ru_utime", "ru_stime")), 1),
               "udp_receive_buffer_errors": udp_receive_buffer_errors() - drops0, "steps": {}}
    for st in STEPS:
        vals = [r["steps"][st] for r in recs if st in r["steps"]]
        summary["steps"][st] = {"p50": percentile(vals, 50), "p99": percentile(vals, 99), "n": len(vals)}
    with open(args.out, "w") as f:
        json.dump({"summary": summary, "machines": recs}, f, indent=1)
    print(json.dumps(summary))
    for r in failures[:10]:
        print(f"  failed {r['mac']} {r['uuid']}: {r['error']}", file=sys.stderr)


def register_hosts(args):
    def call(method, path, doc):
        req = urllib.request.Request(args.api + path, data=json.dumps(doc).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()

    call("POST", f"/groups/{args.group}", {"groups": ["default"], "kernel": args.kernel_url, "module": args.initrd_url})
    for i in range(args.first, args.first + args.n):
        call("POST", f"/hosts/{uuid_of(i)}", {"groups": [args.group], "ipxe_script": "linux.ipxe"})


def reservations(args):
    """dnsmasq dhcp-host lines giving machine i its own address: the reference stack's best case."""
    base = struct.unpack("!I", socket.inet_aton(args.first_address))[0]
    for i in range(args.first, args.first + args.n):
        print(f"{mac_of(i).hex(':')},{socket.inet_ntoa(struct.pack('!I', base + i - args.first))}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hosts")
    h.add_argument("--api", required=True)
    h.add_argument("--group", default="storm")
    h.add_argument("--kernel-url", required=True)
    h.add_argument("--initrd-url", required=True)
    v = sub.add_parser("reservations")
    v.add_argument("--first-address", required=True)
    r = sub.add_parser("run")
    r.add_argument("--server", required=True)
    r.add_argument("--iface", required=True)
    r.add_argument("--kernel-sha", required=True)
    r.add_argument("--initrd-sha", required=True)
    r.add_argument("--loader", action="append", default=[], help="NAME=PATH of a boot file, to verify TFTP")
    r.add_argument("--spread", type=float, default=1.0)
    r.add_argument("--procs", type=int, default=4, help="generator processes the machines are split over")
    r.add_argument("--label", default="storm")
    r.add_argument("--out", required=True)
    for s in (h, r, v):
        s.add_argument("--n", type=int, required=True)
        s.add_argument("--first", type=int, default=1)
    args = p.parse_args()
    if args.cmd == "hosts":
        register_hosts(args)
    elif args.cmd == "reservations":
        reservations(args)
    else:
        args.loader_sha = {}
        for spec in args.loader:
            name, path = spec.split("=", 1)
            with open(path, "rb") as f:
                args.loader_sha[name] = hashlib.sha256(f.read()).hexdigest()
        run(args)


if __name__ == "__main__":
    main()
