"""Reference output of Bergenholm 1.0's parameter resolution and rendering, with Python's
Jinja2 (Debian python3-jinja2, default Environment: no autoescape).

usage: jinja2_reference.py fixture FIXTURE_DIR HOST_ID...   -> JSON {hosts, groups, renders}
       jinja2_reference.py cases < [{"source": ..., "context": {...}}, ...]  -> JSON [output, ...]
"""
import json
import os
import sys

import jinja2

ENV = jinja2.Environment()


def render(text, context):
    return ENV.from_string(text).render(context)


def as_list(value):
    if isinstance(value, str):
        return [value]
    return list(value or [])


def load(fixture):
    data = {}
    for kind in ("groups", "hosts", "templates"):
        data[kind] = {}
        folder = os.path.join(fixture, kind)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            data[kind][name] = text if kind == "templates" else json.loads(text)
    return data


def merge(groups, names, visited, out):
    for name in names:
        if name in visited:
            continue
        visited.append(name)
        group = groups.get(name)
        if group is None:
            continue
        merge(groups, as_list(group.get("groups")), visited, out)
        for key, value in group.items():
            if key != "groups":
                out[key] = value


def render_params(params):
    for _ in range(10):
        new = {}
        for key, value in params.items():
            if isinstance(value, str):
                value = render(value, params)
            elif isinstance(value, (list, dict)):
                text = json.dumps(value)
                try:
                    value = json.loads(render(text, params))
                except ValueError:
                    pass
            new[render(key, params)] = value
        if new == params:
            break
        params = new
    return params


def resolve_host(data, host_id):
    own = data["hosts"].get(host_id, data["hosts"].get("register", {}))
    out, visited = {}, []
    merge(data["groups"], as_list(own.get("groups")), visited, out)
    out.update(own)
    out["uuid"] = host_id
    out["groups"] = visited
    return render_params(out)


def resolve_group(data, name):
    out, visited = {}, []
    merge(data["groups"], [name], visited, out)
    out["groups"] = [g for g in visited if g != name]
    return out


def main():
    if sys.argv[1] == "cases":
        cases = json.load(sys.stdin)
        json.dump([render(c["source"], c["context"]) for c in cases], sys.stdout)
        return
    data = load(sys.argv[2])
    hosts = {h: resolve_host(data, h) for h in sys.argv[3:]}
    result = {
        "hosts": hosts,
        "groups": {g: resolve_group(data, g) for g in data["groups"]},
        "renders": {t: {h: render(src, hosts[h]) for h in hosts} for t, src in data["templates"].items()},
    }
    json.dump(result, sys.stdout)


main()
