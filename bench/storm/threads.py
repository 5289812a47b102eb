#!/usr/bin/env python3
"""CPU of a process by thread group, read from /proc without pausing it (numbers stripped from names),
in user and kernel time (a thread's kernel time includes the receive processing its sends trigger on veth).

    threads.py snapshot PID > FILE       ticks (1/100 s) per thread group, as JSON
    threads.py snapshot PID PID... > FILE  the same for several processes, groups named "process: thread"
    threads.py diff BEFORE AFTER         seconds spent by each group between the two snapshots
"""
import collections
import json
import os
import re
import sys


def snapshot(pids):
    ticks = collections.defaultdict(lambda: [0, 0])
    for pid in pids:
        try:
            process = open(f"/proc/{pid}/comm").read().strip()
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # the process ended
        for tid in tids:
            try:
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            except OSError:
                continue  # the thread ended
            name = re.sub(r"[-#]?\d+$", "", stat[stat.index("(") + 1:stat.rindex(")")])
            fields = stat[stat.rindex(")") + 2:].split()
            group = ticks[f"{process}: {name}" if len(pids) > 1 else name]
            group[0] += int(fields[11])
            group[1] += int(fields[12])
    return ticks


def main():
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(sys.argv[2:]), sys.stdout)
        return
    before, after = (json.load(open(p)) for p in sys.argv[2:4])
    hz = os.sysconf("SC_CLK_TCK")
    spent = {k: [a - b for a, b in zip(after[k], before.get(k, [0, 0]))] for k in after}
    total = sum(sum(t) for t in spent.values())
    print(f"{'thread group':24s} {'CPU':>9s} {'share':>6s} {'user':>7s} {'kernel':>7s}")
    for name, (user, system) in sorted(spent.items(), key=lambda x: -sum(x[1])):
        if user + system > 0:
            print(f"{name:24s} {(user + system) / hz:7.2f} s {100 * (user + system) / max(total, 1):5.1f}%"
                  f" {user / hz:7.2f} {system / hz:7.2f}")
    print(f"{'total':24s} {total / hz:7.2f} s")


main()
