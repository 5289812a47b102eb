#!/usr/bin/env python3
"""CPU of a process by thread group, read from /proc without pausing it (numbers stripped from names).

    threads.py snapshot PID > FILE       ticks (1/100 s) per thread group, as JSON
    threads.py diff BEFORE AFTER         seconds spent by each group between the two snapshots
"""
import collections
import json
import os
import re
import sys


def snapshot(pid):
    ticks = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended
        name = re.sub(r"[-#]?\d+$", "", stat[stat.index("(") + 1:stat.rindex(")")])
        fields = stat[stat.rindex(")") + 2:].split()
        ticks[name] += int(fields[11]) + int(fields[12])
    return ticks


def main():
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(sys.argv[2]), sys.stdout)
        return
    before, after = (json.load(open(p)) for p in sys.argv[2:4])
    hz = os.sysconf("SC_CLK_TCK")
    spent = {k: after[k] - before.get(k, 0) for k in after}
    total = sum(spent.values())
    for name, t in sorted(spent.items(), key=lambda x: -x[1]):
        if t > 0:
            print(f"{name:20s} {t / hz:7.2f} s {100 * t / max(total, 1):5.1f}%")
    print(f"{'total':20s} {total / hz:7.2f} s")


main()
