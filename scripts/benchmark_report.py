#!/usr/bin/env python3
"""The table of scripts/benchmark.sh: every result in --results, side by side, as Markdown.

Reads kafka.json and redis.json (the ceilings of the parts), system-<cases>.json (oversight-bench
at that many open cases) and load.json (the load phase), prints the table and, unless --doc is
"-", writes it into the document between the generated-table markers (the rest is kept; a new
document gets the markers and a heading). Figures that were not measured show as "-".
"""
import argparse
import glob
import json
import os
import re
import sys

BEGIN = "<!-- scripts/benchmark.sh writes from here: do not edit by hand -->"
END = "<!-- scripts/benchmark.sh wrote up to here -->"

GOAL_THROUGHPUT = 20000
GOAL_P99_MS = 50
GOAL_GROWTH = 0.20


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def num(value, digits=0):
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def pct(value):
    return "-" if value is None else f"{100 * value:.1f} %"


def get(d, *keys):
    for k in keys:
        if d is None or k not in d:
            return None
        d = d[k]
    return d


def redis_ceilings(system, redis):
    """Events/s Redis could take with our per-event use of it, two ways (see the doc)."""
    if system is None or redis is None:
        return None, None
    rps = redis["requests_per_second"]
    trips = get(system, "throughput", "redis_round_trips_per_event")
    by_trips = rps["ping"] / trips if trips else None
    commands = get(system, "throughput", "redis_commands") or {}
    seconds = 0.0
    for name, c in commands.items():
        # Commands redis-benchmark did not run (rare: info, scan, xlen ...) cost a round trip.
        seconds += c["calls_per_event"] / rps.get(name, rps["ping"])
    by_mix = 1 / seconds if seconds else None
    return by_trips, by_mix


def lat(phase, key):
    p = get(phase, key)
    if not p or not p.get("count"):
        return "-"
    return f"{p['p50_ms']:,.1f} / {p['p99_ms']:,.1f} / {p['max_ms']:,.1f}"


def system_rows(systems, kafka, redis):
    cases = sorted(systems)
    head = "| figure | " + " | ".join(f"{c:,} open cases" for c in cases) + " | goal |"
    rows = [head, "|---|" + "---|" * len(cases) + "---|"]

    def row(label, values, goal=""):
        rows.append(f"| {label} | " + " | ".join(values) + f" | {goal} |")

    s = [systems[c] for c in cases]
    row("finished (UTC), load average at start", [f"{get(x, 'when') or '-'}, {get(x, 'machine', 'load_average_at_start')}" for x in s])
    row("open cases: loaded per second", [num(get(x, "open_cases", "cases_per_second")) for x in s])
    row("Redis used_memory per open case (bytes)", [num(get(x, "open_cases", "bytes_per_open_case")) for x in s])
    row("pending timers after loading / at the end", [f"{num(get(x, 'open_cases', 'pending_timers'))} / {num(get(x, 'pending_timers_at_end'))}" for x in s])
    row("bytes per pending timer (`sch:timers` entry + its `sch:item:*` hash)", [timer_bytes(x) for x in s])
    row("**throughput**: case events/s, publish -> task and schedule durable and published",
        [f"**{num(get(x, 'throughput', 'events_per_second'))}**" for x in s], f">= {GOAL_THROUGHPUT:,}")
    row("throughput phase: events, load average before -> after",
        [f"{num(get(x, 'throughput', 'events'))}, {get(x, 'throughput', 'load_average_before')} -> {get(x, 'throughput', 'load_average_after')}" for x in s])
    row("CPU per event, all processes but the driver (µs)", [num(get(x, "throughput", "cpu_us_per_event_system")) for x in s])
    for label in ("redis", "triggers", "scheduling", "notifications", "recording", "broker"):
        row(f"&nbsp;&nbsp;of which {label} (µs)", [num(get(x, "throughput", "cpu_us_per_event", label)) for x in s])
    row("Redis commands per event", [num(sum(c["calls_per_event"] for n, c in (get(x, "throughput", "redis_commands") or {}).items() if n != "info"), 1) for x in s])
    row("Redis round trips per event", [num(get(x, "throughput", "redis_round_trips_per_event"), 1) for x in s])
    ceilings = [redis_ceilings(x, redis) for x in s]
    row("Redis ceiling, same round trips per event (PING rate / round trips), events/s", [num(c[0]) for c in ceilings])
    row("&nbsp;&nbsp;our throughput as a share of it", [pct(get(x, "throughput", "events_per_second") / c[0]) if c[0] and get(x, "throughput", "events_per_second") else "-" for x, c in zip(s, ceilings)])
    row("Redis ceiling, same command mix (each command its own round trip), events/s", [num(c[1]) for c in ceilings])
    row("&nbsp;&nbsp;our throughput as a share of it", [pct(get(x, "throughput", "events_per_second") / c[1]) if c[1] and get(x, "throughput", "events_per_second") else "-" for x, c in zip(s, ceilings)])
    redis_bound = [1e6 / v if v else None for v in (get(x, "throughput", "cpu_us_per_event", "redis") for x in s)]
    row("Redis as we use it: 1 s / Redis CPU per event (one core), events/s", [num(v) for v in redis_bound])
    produce = get(kafka, "produce_per_second")
    row("our throughput as a share of the Kafka produce ceiling", [pct(get(x, "throughput", "events_per_second") / produce) if produce and get(x, "throughput", "events_per_second") else "-" for x in s])
    row(f"**latency** at {num(get(s[0], 'latency', 'offered_rate'))}/s offered: achieved publish rate",
        [num(get(x, "latency", "achieved_rate")) for x in s])
    row("event -> TaskOpened on the tasks topic, p50 / p99 / max ms", [f"**{lat(x.get('latency'), 'task_latency')}**" for x in s], f"p99 < {GOAL_P99_MS}")
    row("event -> schedule item stored, p50 / p99 / max ms", [lat(x.get("latency"), "schedule_latency") for x in s])
    row("latency phase: events, load average before -> after",
        [f"{num(get(x, 'latency', 'events'))}, {get(x, 'latency', 'load_average_before')} -> {get(x, 'latency', 'load_average_after')}" for x in s])
    if len(cases) > 1:
        base = get(s[0], "throughput", "events_per_second")
        row(f"throughput relative to {cases[0]:,} open cases",
            [pct(get(x, "throughput", "events_per_second") / base) if base and get(x, "throughput", "events_per_second") else "-" for x in s],
            f"within {GOAL_GROWTH:.0%}")
    return rows


def timer_bytes(system):
    shapes = get(system, "memory_by_key_shape") or {}
    timers = get(system, "pending_timers_at_end")
    index = next((v for k, v in shapes.items() if k.endswith(":sch:timers")), None)
    if not timers or index is None:
        return "-"
    items = [v for k, v in shapes.items() if re.search(r":sch:item:[a-z_]+:\*$", k)]
    item_keys = sum(v["keys"] for v in items)
    item_bytes = sum(v["total_bytes"] for v in items)
    per_item = item_bytes / item_keys if item_keys else 0
    return f"{index['total_bytes'] / timers:,.0f} + {per_item:,.0f}"


def ceiling_rows(kafka, redis):
    rows = ["| part | tool and settings | figure |", "|---|---|---|"]
    if kafka:
        rows.append(f"| Kafka produce | kcat (librdkafka), {kafka['message_bytes']}-byte messages, acks=all, idempotent, linger.ms=5, embedded broker, 3 partitions; {kafka['produce_messages']:,} messages; {kafka['when']}, load average {kafka['load_average']} | {num(kafka['produce_per_second'])} messages/s |")
        rows.append(f"| Kafka consume | kcat, the same broker, {kafka['consume_messages']:,} messages from the beginning (median of 3, start-up included) | {num(kafka['consume_per_second'])} messages/s |")
    if redis:
        rps = redis["requests_per_second"]
        rows.append(f"| Redis round trips | redis-benchmark PING, {redis['clients']} clients, no pipelining, {redis['aof']}; {redis['when']}, load average {redis['load_average']} | {num(rps['ping'])} requests/s |")
        others = ", ".join(f"{k.upper()} {num(v)}" for k, v in rps.items() if k != "ping")
        rows.append(f"| Redis commands our services send | redis-benchmark, the same settings, {redis['requests']:,} requests each, random keys out of 100,000 | {others} (requests/s) |")
    return rows


def load_rows(load_result):
    phase = get(load_result, "load")
    if not phase:
        return []
    windows = get(phase, "windows", "rows") or []
    labels = sorted(windows[0]["rss_bytes"]) if windows else []
    rows = [
        f"Load: {num(phase['events'])} case events offered at {num(phase['offered_rate'])}/s (achieved {num(phase['achieved_rate'])}/s) over {num(phase['seconds'])} s, "
        f"every task completed 2 s after it opened ({num(phase['completions'])} completions), {num(get(load_result, 'shape', 'open_cases'))} open cases; "
        f"load average {phase['load_average_before']} -> {phase['load_average_after']}; "
        f"overall event -> TaskOpened p50 / p99 / max ms: {lat(phase, 'task_latency')}; event -> schedule item stored: {lat(phase, 'schedule_latency')}; "
        f"tasks opened {num(phase['tasks_opened'])}, missing {num(phase['missing_tasks'])}, repeated {num(phase['repeated_tasks'])}.",
        "",
        "| window (s) | tasks | p50 ms | p99 ms | max ms | schedule p99 ms | " + " | ".join(f"{l} RSS MB" for l in labels) + " | Redis used_memory MB |",
        "|---|---|---|---|---|---|" + "---|" * (len(labels) + 1),
    ]
    for w in windows:
        t = w["task_latency"]
        rows.append(f"| {w['from_s']:.0f}-{w['to_s']:.0f} | {t['count']:,} | {t['p50_ms']:.1f} | {t['p99_ms']:.1f} | {t['max_ms']:.1f} | {w['schedule_latency']['p99_ms']:.1f} | "
                    + " | ".join(f"{w['rss_bytes'][l] / 1e6:.1f}" for l in labels) + f" | {w['redis_used_memory'] / 1e6:.1f} |")
    trends = get(phase, "windows", "trends") or {}
    rows.append("")
    rows.append("Trends (least-squares slope over the windows after the first; growth = more than 10 % of the mean over the run): "
                + "; ".join(f"{k}: {v['verdict']}" for k, v in trends.items() if isinstance(v, dict)) + ".")
    if "redis_bytes_per_case_event" in trends:
        rows.append(f"Redis keeps {trends['redis_bytes_per_case_event']:,.0f} bytes per case event (processed-event markers for 14 days, completed tasks, schedule history).")
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--cores", required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()
    kafka = load(os.path.join(args.results, "kafka.json"))
    redis = load(os.path.join(args.results, "redis.json"))
    systems = {}
    for path in glob.glob(os.path.join(args.results, "system-*.json")):
        result = load(path)
        result["when"] = result.get("when") or __import__("time").strftime("%Y-%m-%d %H:%M", __import__("time").gmtime(os.path.getmtime(path)))
        systems[int(get(result, "shape", "open_cases"))] = result
    load_result = load(os.path.join(args.results, "load.json"))
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    # The command that produced each result (benchmark.sh writes <result>.command beside it).
    commands = {}
    for path in sorted(glob.glob(os.path.join(args.results, "*.command"))):
        with open(path) as f:
            commands.setdefault(f.read().strip(), []).append(os.path.basename(path)[: -len(".command")])
    produced = "; ".join(f"`{c}` ({', '.join(names)})" for c, names in commands.items()) or f"`{args.command}`"
    lines = [BEGIN, "",
             f"Machine: **{args.cores} cores** ({cpu}), shared with other work: the load average "
             f"of each phase is beside its figures. Produced by {produced}; results in "
             f"`{os.path.relpath(args.results)}`, each row says when it ran.", ""]
    lines += ["### The parts, with their own tools", ""] + ceiling_rows(kafka, redis) + [""]
    if systems:
        lines += ["### The system end to end (all four services, Redis AOF everysec, embedded broker)", ""]
        lines += system_rows(systems, kafka, redis) + [""]
    rows = load_rows(load_result)
    if rows:
        lines += ["### Load (issue #10 part 4)", ""] + rows + [""]
    lines.append(END)
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    if args.doc == "-":
        return
    text = ""
    if os.path.exists(args.doc):
        with open(args.doc) as f:
            text = f.read()
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + table.rstrip("\n") + text[text.index(END) + len(END):]
    else:
        text = (text or "# Benchmarks\n\n") + "\n" + table
    with open(args.doc, "w") as f:
        f.write(text)
    print(f"written to {args.doc}")


if __name__ == "__main__":
    main()
