#!/usr/bin/env python3
"""Check that every oversight_* metric the Grafana dashboard and the alert rules query is exposed
by the services' /metrics endpoints.

Usage:
  check_metric_names.py --metrics SOURCE [--metrics SOURCE ...] --uses FILE [--uses FILE ...]

SOURCE is an http(s) URL of a /metrics endpoint or a file holding a scrape (Prometheus text
format). FILE is a Grafana dashboard (.json) or a Prometheus rule file (.yaml, or a PrometheusRule).
Names are taken from PromQL expressions only (dashboard `expr` fields, rule `expr` fields).

A name counts as exposed when a sample or a `# TYPE`/`# HELP` line of any SOURCE carries it; a
histogram or summary family `x` exposes `x_bucket`, `x_sum` and `x_count`.
Exit status 0 when all are exposed, 1 listing the missing ones, 2 on unreadable input.
"""

import argparse
import json
import re
import sys
import urllib.request

import yaml

NAME = re.compile(r"\boversight_[a-zA-Z0-9_]*[a-zA-Z0-9]")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{|\s)")
META = re.compile(r"^#\s+(TYPE|HELP)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(\S+))?")


def read_source(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=10) as resp:
            return resp.read().decode("utf-8", "replace")
    with open(source, encoding="utf-8") as f:
        return f.read()


def exposed_names(text):
    names = set()
    for line in text.splitlines():
        meta = META.match(line)
        if meta:
            kind, name, mtype = meta.groups()
            names.add(name)
            if kind == "TYPE" and mtype in ("histogram", "summary"):
                names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
            continue
        if line.startswith("#"):
            continue
        sample = SAMPLE.match(line)
        if sample:
            names.add(sample.group(1))
    return names


def expressions(path):
    """PromQL expressions of a Grafana dashboard or a Prometheus rule file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    exprs = []
    if path.endswith(".json"):
        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "expr" and isinstance(value, str):
                        exprs.append(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
        walk(json.loads(text))
    else:
        doc = yaml.safe_load(text) or {}
        groups = doc.get("groups") or (doc.get("spec") or {}).get("groups") or []
        for group in groups:
            for rule in group.get("rules", []):
                exprs.append(str(rule.get("expr", "")))
    return exprs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics", action="append", required=True, help="/metrics URL or scrape file")
    parser.add_argument("--uses", action="append", required=True, help="dashboard JSON or rule file")
    args = parser.parse_args()

    exposed = set()
    for source in args.metrics:
        try:
            names = exposed_names(read_source(source))
        except OSError as e:
            print(f"check_metric_names: cannot read {source}: {e}", file=sys.stderr)
            return 2
        print(f"{source}: {sum(1 for n in names if n.startswith('oversight_'))} oversight_ names exposed")
        exposed |= names

    used = {}
    for path in args.uses:
        try:
            exprs = expressions(path)
        except (OSError, ValueError, yaml.YAMLError) as e:
            print(f"check_metric_names: cannot read {path}: {e}", file=sys.stderr)
            return 2
        if not exprs:
            print(f"check_metric_names: {path} holds no PromQL expressions", file=sys.stderr)
            return 2
        for expr in exprs:
            for name in NAME.findall(expr):
                used.setdefault(name, set()).add(path)

    missing = sorted(n for n in used if n not in exposed)
    for name in missing:
        print(f"MISSING {name} (used in {', '.join(sorted(used[name]))})")
    print(f"check_metric_names: {len(used)} oversight_ names used, {len(used) - len(missing)} exposed, "
          f"{len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
