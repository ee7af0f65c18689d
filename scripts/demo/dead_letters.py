"""Prints the dead letters of a `kcat -C -J` dump, grouped: how many, reason, event type and id,
source topic and the first line of the detail. Usage: dead_letters.py DUMP [MAX_GROUPS]."""
import json
import sys


def main(path, limit):
    groups = {}
    with open(path, encoding="utf-8", errors="replace") as dump:
        for line in dump:
            record = json.loads(line)
            headers = record.get("headers") or []
            # kcat -J writes headers as a flat [name, value, name, value, ...] list.
            pairs = dict(zip(headers[0::2], headers[1::2]))
            detail = (pairs.get("dlq_detail") or "").splitlines()
            key = (pairs.get("dlq_reason", "?"), pairs.get("ce_type", "?"), pairs.get("ce_id", "?"),
                   pairs.get("dlq_source_topic", "?"), detail[0] if detail else "")
            groups[key] = groups.get(key, 0) + 1
    for number, (key, count) in enumerate(groups.items()):
        if number >= limit:
            print(f"... and {len(groups) - limit} more")
            break
        reason, event_type, event_id, topic, detail = key
        times = f"{count}x " if count > 1 else ""
        print(f"{times}{reason}: {event_type} {event_id} from {topic}" +
              (f"\n  {detail}" if detail else ""))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
