#!/usr/bin/env python3
"""TCP counters of the current network namespace, to tell a stalled transfer's cause (losses,
retransmissions, zero windows) from the generator's.

    netstat.py snapshot > FILE      every counter of /proc/net/snmp and /proc/net/netstat, as JSON
    netstat.py diff BEFORE AFTER    the TCP counters that moved between the two snapshots
"""
import json
import sys

WATCH = ("Tcp", "TcpExt", "Udp", "IpExt")


def snapshot():
    counters = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = open(path).read().splitlines()
        for names, values in zip(lines[0::2], lines[1::2]):
            group = names.split(":")[0]
            for name, value in zip(names.split()[1:], values.split()[1:]):
                counters[f"{group}.{name}"] = int(value)
    return counters


def main():
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(), sys.stdout)
        return
    before, after = (json.load(open(p)) for p in sys.argv[2:4])
    for key in sorted(after):
        delta = after[key] - before.get(key, 0)
        if delta and key.split(".")[0] in WATCH and not key.startswith(("Tcp.CurrEstab", "Tcp.MaxConn")):
            print(f"{key:40s} {delta}")


main()
