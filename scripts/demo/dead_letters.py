"""Prints the first N dead letters of a `kcat -C -J` dump: reason, event type and id, detail."""
import json
import sys


def main(path, limit):
    with open(path, encoding="utf-8", errors="replace") as dump:
        for number, line in enumerate(dump):
            if number >= limit:
                print("...")
                break
            record = json.loads(line)
            headers = record.get("headers") or []
            # kcat -J writes headers as a flat [name, value, name, value, ...] list.
            pairs = dict(zip(headers[0::2], headers[1::2]))
            detail = (pairs.get("dlq_detail") or "").splitlines()
            print(f"{pairs.get('dlq_reason', '?')}: {pairs.get('ce_type', '?')} "
                  f"{pairs.get('ce_id', '?')} from {pairs.get('dlq_source_topic', '?')}"
                  + (f" ({detail[0]})" if detail else ""))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
