#!/usr/bin/env python3
"""docs/asyncapi.yaml: made from the protos, and checked against them.

  asyncapi.py generate <proto dir>                     prints the AsyncAPI 2.6 document
  asyncapi.py check <asyncapi.yaml> <proto dir> <topics.h>
      checks that the document is well formed AsyncAPI 2.6 (channels with operations and
      messages, every $ref resolving, payload and header schemas on every message), names every
      topic of topics.h (and recording's records topic) and every event message of the protos
      (a message with an `oversight.common.v1.EventMeta meta`), and is what `generate` makes
      (so a proto change without regenerating fails the test).

The payload schemas are the proto3 JSON mapping of the messages: lowerCamelCase names, enums as
value names, 64-bit integers as strings, Timestamps as RFC 3339 strings. Which topic carries
which messages, who publishes and who consumes them, and the keys are fixed below (CHANNELS),
from shared/design/SYSTEM.md and the services' READMEs.
"""

import re
import sys
from pathlib import Path

import yaml

# ---- the topics ----
CHANNELS = [
    {
        "topic": "oversight.case-events.v1",
        "files": ["cases/v1/case_events.proto"],
        "direction": "publish",  # external systems publish, Oversight consumes
        "publishers": "case systems (Liquidlogic, Mosaic, Eclipse ...), oversight-import, "
                      "OversightTriggersService.IngestCaseEvent",
        "consumers": "oversight-triggers, scheduling",
        "key": "the child id (meta.subject), so one child's events stay in order",
        "description": "What happens to a child's case. See docs/integration.md for one example "
                       "per event and what each triggers under each pack.",
    },
    {
        "topic": "oversight.workforce-events.v1",
        "files": ["workforce/v1/workforce_events.proto"],
        "direction": "publish",
        "publishers": "HR and workforce systems",
        "consumers": "oversight-triggers, scheduling, recording, notifications",
        "key": "the worker id",
        "description": "Who works where, who supervises whom, starts, leavers, absences.",
    },
    {
        "topic": "oversight.supervision-events.v1",
        "files": ["recording/v1/supervision_events.proto"],
        "direction": "subscribe",  # Oversight publishes, others may consume
        "publishers": "recording (through its outbox)",
        "consumers": "scheduling (clock resets, record deadlines), oversight-triggers "
                     "(OversightRecorded completes a task)",
        "key": "the supervisee's worker id (the supervisor's for records without one)",
        "description": "Supervision and oversight records: held, recorded, circulated, signed, "
                       "amended, missed; oversight recorded; actions; agreements.",
    },
    {
        "topic": "oversight.tasks.v1",
        "files": ["triggers/v1/tasks.proto"],
        "direction": "subscribe",
        "publishers": "oversight-triggers (through its outbox)",
        "consumers": "scheduling (task deadlines), notifications",
        "key": "the child id",
        "description": "Oversight tasks (shaped like a FHIR Task): opened with owner and due "
                       "date, reassigned, completed (on time or late), cancelled.",
    },
    {
        "topic": "oversight.schedule-events.v1",
        "files": ["scheduling/v1/schedule_events.proto"],
        "direction": "subscribe",
        "publishers": "scheduling (through its outbox)",
        "consumers": "notifications, oversight-triggers (an overdue case discussion is drift "
                     "or delay, D14.14)",
        "key": "the item's child id for child items, else its worker id",
        "description": "A due item reached a stage: due soon, due, overdue, escalated, "
                       "satisfied, cancelled; every date with its explanation.",
    },
    {
        "topic": "oversight.notifications.v1",
        "files": ["notifications/v1/notifications.proto"],
        "direction": "subscribe",
        "publishers": "notifications (through its outbox)",
        "consumers": "dashboards, audit",
        "key": "the recipient id",
        "description": "Who was told what, how: sent, failed, acknowledged.",
    },
    {
        "topic": "oversight.audit.v1",
        "files": ["audit/v1/audit_events.proto"],
        "direction": "subscribe",
        "publishers": "recording (through its outbox)",
        "consumers": "auditors and inspectors (quality assurance, Ofsted)",
        "key": "the record id",
        "description": "Who read or wrote which record, and the rule that allowed or refused it.",
    },
    {
        "topic": "oversight.records.v1",
        "files": ["recording/v1/recording_service.proto"],
        "direction": "subscribe",
        "publishers": "recording (through its outbox, in the same transaction as each change)",
        "consumers": "oversight-recording rebuild (a Redis rebuilt from this topic has the same "
                     "versions and content hashes)",
        "key": "one per stored item: <authority>/record/<record id>/v<version>, "
               "<authority>/action/<action id>, <authority>/grant/<kind>/<subject>/<target>",
        "description": "Recording's changelog (compacted: cleanup.policy=compact): every stored "
                       "record version, action and grant. A purge (H8) publishes a null value "
                       "(a tombstone) for each destroyed key.",
    },
    {
        "topic": "oversight.dead-letters.v1",
        "messages": ["DeadLetter"],
        "files": [],
        "direction": "subscribe",
        "publishers": "every service's consumers",
        "consumers": "operators (and replay to the source topic once fixed)",
        "key": "the original record's key",
        "description": "Records that could not be processed: the original key, value and "
                       "headers, plus dlq_* headers saying why and where from. The partition "
                       "they came from keeps moving.",
    },
]

CLOUDEVENTS_HEADERS = {
    "ce_specversion": {"type": "string", "const": "1.0", "description": "CloudEvents version"},
    "ce_id": {"type": "string", "maxLength": 256,
              "description": "the event id; equals meta.eventId (redelivery reuses it)"},
    "ce_source": {"type": "string", "description": "the producing system, e.g. lcs://devon"},
    "ce_time": {"type": "string", "format": "date-time", "description": "optional"},
    "ce_subject": {"type": "string",
                   "description": "optional: the child, worker or record id (meta.subject)"},
    "content-type": {"type": "string", "enum": ["application/json", "application/protobuf"],
                     "description": "the proto3 JSON mapping or protobuf binary"},
}

DLQ_HEADERS = {
    "dlq_reason": {"type": "string",
                   "enum": ["bad_headers", "unknown_type", "undecodable_payload",
                            "payload_too_large", "missing_field", "contract_violation",
                            "unknown_authority", "unknown_child", "processing_failed"],
                   "description": "why (oversight_dead_letters_total{topic,reason} counts it)"},
    "dlq_detail": {"type": "string", "description": "what a person needs to know to fix it"},
    "dlq_source_topic": {"type": "string"},
    "dlq_source_partition": {"type": "string", "description": "decimal"},
    "dlq_source_offset": {"type": "string", "description": "decimal"},
}

SCALARS = {
    "string": {"type": "string"},
    "bool": {"type": "boolean"},
    "int32": {"type": "integer", "format": "int32"},
    "sint32": {"type": "integer", "format": "int32"},
    "uint32": {"type": "integer", "format": "int32", "minimum": 0},
    "int64": {"type": "string", "format": "int64", "description": "a decimal string"},
    "uint64": {"type": "string", "format": "int64", "description": "a decimal string"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "bytes": {"type": "string", "format": "byte"},
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "description": "seconds with an s, e.g. 1.5s"},
}


# ---- a small proto3 reader (enough for the protos of this repository) ----
class Proto:
    def __init__(self):
        self.messages = {}  # full name -> {"fields": [...], "description": str, "package": str}
        self.enums = {}  # full name -> {"values": [...], "description": str}


def _comment_before(lines, index):
    out = []
    i = index - 1
    while i >= 0 and lines[i].strip().startswith("//"):
        out.insert(0, lines[i].strip()[2:].strip())
        i -= 1
    return " ".join(out)


def read_protos(proto_dir):
    proto = Proto()
    for path in sorted(Path(proto_dir).glob("oversight/*/v1/*.proto")):
        lines = path.read_text().splitlines()
        package = next(re.match(r"package ([\w.]+);", l).group(1)
                       for l in lines if l.startswith("package "))
        stack = []  # (kind, full name)
        for number, raw in enumerate(lines):
            line = raw.split("//")[0].strip()
            trailing = raw.split("//", 1)[1].strip() if "//" in raw else ""
            if not line:
                continue
            opened = re.match(r"(message|enum|oneof|service)\s+(\w+)\s*\{(.*)$", line)
            if opened:
                kind, name, rest = opened.groups()
                if kind in ("message", "enum"):
                    full = f"{package}.{name}"
                    target = proto.messages if kind == "message" else proto.enums
                    target[full] = {"fields" if kind == "message" else "values": [],
                                    "description": _comment_before(lines, number),
                                    "package": package, "file": str(path.relative_to(proto_dir))}
                    stack.append((kind, full))
                else:
                    stack.append((kind, name))
                line = rest.strip()
                if not line:
                    continue
            for statement in [s.strip() for s in line.split(";")]:
                if not statement or statement == "}":
                    continue
                statement = statement.rstrip("}").strip()
                if not stack or any(kind == "service" for kind, _ in stack):
                    continue
                owner = next(full for kind, full in reversed(stack) if kind in ("message", "enum"))
                kind = next(kind for kind, _ in reversed(stack) if kind in ("message", "enum"))
                if kind == "enum":
                    value = re.match(r"(\w+)\s*=\s*\d+", statement)
                    if value:
                        proto.enums[owner]["values"].append(value.group(1))
                    continue
                field = re.match(r"(repeated\s+)?(map<\s*\w+\s*,\s*[\w.]+\s*>|[\w.]+)\s+(\w+)\s*=\s*\d+",
                                 statement)
                if field and stack[-1][0] in ("message", "oneof"):
                    proto.messages[owner]["fields"].append({
                        "repeated": bool(field.group(1)), "type": field.group(2),
                        "name": field.group(3), "description": trailing,
                        "oneof": stack[-1][1] if stack[-1][0] == "oneof" else None})
            closes = raw.split("//")[0].count("}")
            for _ in range(closes):
                if stack:
                    stack.pop()
    return proto


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def resolve(proto, type_name, package):
    if type_name in SCALARS:
        return type_name
    for candidate in (type_name, f"{package}.{type_name}"):
        if candidate in proto.messages or candidate in proto.enums:
            return candidate
    raise ValueError(f"unknown type {type_name} in {package}")


def schema_ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def field_schema(proto, field, package, needed):
    map_type = re.match(r"map<\s*(\w+)\s*,\s*([\w.]+)\s*>", field["type"])
    if map_type:
        value = resolve(proto, map_type.group(2), package)
        schema = {"type": "object",
                  "additionalProperties": dict(SCALARS[value]) if value in SCALARS
                  else schema_ref(value)}
        if value not in SCALARS:
            needed.add(value)
    else:
        resolved = resolve(proto, field["type"], package)
        if resolved in SCALARS:
            schema = dict(SCALARS[resolved])
        else:
            needed.add(resolved)
            schema = schema_ref(resolved)
        if field["repeated"]:
            schema = {"type": "array", "items": schema}
    if field["description"]:
        if "$ref" in schema:
            schema = {"allOf": [schema], "description": field["description"]}
        else:
            schema["description"] = field["description"]
    return schema


def schemas_for(proto, roots):
    schemas, needed, done = {}, set(roots), set()
    while needed - done:
        name = sorted(needed - done)[0]
        done.add(name)
        if name in proto.enums:
            enum = proto.enums[name]
            schemas[name] = {"type": "string", "enum": enum["values"]}
            if enum["description"]:
                schemas[name]["description"] = enum["description"]
            continue
        message = proto.messages[name]
        properties = {}
        for field in message["fields"]:
            properties[camel(field["name"])] = field_schema(proto, field, message["package"],
                                                            needed)
        schema = {"type": "object", "properties": properties}
        oneofs = sorted({f["oneof"] for f in message["fields"] if f["oneof"]})
        if oneofs:
            schema["maxProperties"] = 1
        if message["description"]:
            schema["description"] = message["description"]
        schemas[name] = schema
    return dict(sorted(schemas.items()))


def is_event(proto, name):
    return any(f["name"] == "meta" and f["type"] == "oversight.common.v1.EventMeta"
               for f in proto.messages[name]["fields"])


def event_messages(proto, channel):
    if "messages" in channel:
        return channel["messages"]
    return [name for name, message in proto.messages.items()
            if message["file"] in ["oversight/" + f for f in channel["files"]]
            and is_event(proto, name)]


def generate(proto_dir):
    proto = read_protos(proto_dir)
    channels, messages, roots = {}, {}, set()
    for channel in CHANNELS:
        names = event_messages(proto, channel)
        for name in names:
            if name == "DeadLetter":
                messages[name] = {
                    "name": "DeadLetter",
                    "title": "A record that could not be processed",
                    "summary": "The original value, unchanged (any message of any topic, in its "
                               "original encoding).",
                    "payload": {"type": "string", "format": "binary",
                                "description": "the original record's value"},
                    "headers": {"type": "object",
                                "properties": {**CLOUDEVENTS_HEADERS, **DLQ_HEADERS},
                                "required": ["dlq_reason", "dlq_source_topic",
                                             "dlq_source_partition", "dlq_source_offset"]},
                    "bindings": {"kafka": {"key": {"type": "string",
                                                   "description": channel["key"]},
                                           "bindingVersion": "0.4.0"}},
                }
                continue
            roots.add(name)
            message = proto.messages[name]
            headers = dict(CLOUDEVENTS_HEADERS)
            headers["ce_type"] = {"type": "string", "const": name,
                                  "description": "the full message name"}
            entry = {
                "name": name,
                "title": name.rsplit(".", 1)[1],
                "contentType": "application/json",
                "payload": schema_ref(name),
                "headers": {"type": "object", "properties": headers,
                            "required": ["ce_specversion", "ce_id", "ce_source", "ce_type",
                                         "content-type"]},
                "bindings": {"kafka": {"key": {"type": "string", "description": channel["key"]},
                                       "bindingVersion": "0.4.0"}},
            }
            if message["description"]:
                entry["summary"] = message["description"]
            messages[name] = entry
        operation = {
            "operationId": ("publish" if channel["direction"] == "publish" else "receive") +
                           "".join(p.capitalize() for p in
                                   re.split(r"[.\-]", channel["topic"])[1:-1]),
            "summary": f"Published by {channel['publishers']}; consumed by {channel['consumers']}.",
            "message": {"oneOf": [{"$ref": f"#/components/messages/{n}"} for n in names]},
        }
        channels[channel["topic"]] = {
            "description": channel["description"],
            "bindings": {"kafka": {"topic": channel["topic"], "partitions": 6, "replicas": 3,
                                   "bindingVersion": "0.4.0"}},
            channel["direction"]: operation,
        }
    return {
        "asyncapi": "2.6.0",
        "id": "urn:oversight:events",
        "info": {
            "title": "Oversight events",
            "version": "1.0.0",
            "description": (
                "Every Kafka topic and event of Oversight (scheduling, recording, "
                "oversight-triggers, notifications), generated from proto/ by "
                "tests/docs/asyncapi.py. Records use the CloudEvents Kafka binding in binary "
                "mode: the value is the event message, the ce_* headers carry its metadata. "
                "Topics named publish are written by systems outside Oversight (case and HR "
                "systems) and consumed by it; topics named subscribe are written by Oversight "
                "(through each service's transactional outbox: at least once, consumers "
                "de-duplicate by meta.eventId). Topic names are the defaults; every service "
                "takes them from configuration (topics.*). Partition and replica counts are "
                "deployment choices (kafka.topic_partitions, kafka.replication_factor)."),
        },
        "servers": {
            "production": {"url": "kafka:9093", "protocol": "kafka-secure",
                           "description": "a managed or in-cluster Kafka with SASL/SSL "
                                          "(kafka.properties.* in each service)"},
            "local": {"url": "localhost:9092", "protocol": "kafka",
                      "description": "scripts/kafka-broker.sh or the embedded broker"},
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages, "schemas": schemas_for(proto, roots)},
    }


class _PlainDumper(yaml.SafeDumper):
    """Writes shared values out in full instead of as YAML anchors and aliases."""

    def ignore_aliases(self, data):
        return True


def dump(document):
    return yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, width=100,
                     allow_unicode=True)


# ---- checks ----
def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def check(document_path, proto_dir, topics_header):
    problems = []
    text = Path(document_path).read_text()
    document = yaml.safe_load(text)
    if document.get("asyncapi") != "2.6.0":
        problems.append("asyncapi: must be 2.6.0")
    for key in ("info", "channels", "components"):
        if key not in document:
            problems.append(f"missing top-level {key}")
    if problems:
        return problems
    if not document["info"].get("title") or not document["info"].get("version"):
        problems.append("info needs a title and a version")
    for ref in refs(document):
        parts = ref.lstrip("#/").split("/")
        node = document
        for part in parts:
            node = node.get(part) if isinstance(node, dict) else None
        if not ref.startswith("#/") or node is None:
            problems.append(f"$ref {ref} does not resolve")
    topics = set(re.findall(r'"(oversight\.[\w.-]+\.v1)"', Path(topics_header).read_text()))
    topics.add("oversight.records.v1")  # recording's kRecordsTopic
    for topic in sorted(topics - set(document["channels"])):
        problems.append(f"topic {topic} has no channel")
    referenced = set()
    for topic, channel in document["channels"].items():
        operations = [channel.get(op) for op in ("publish", "subscribe") if op in channel]
        if not operations:
            problems.append(f"channel {topic} has neither publish nor subscribe")
        if channel.get("bindings", {}).get("kafka", {}).get("topic") != topic:
            problems.append(f"channel {topic}: kafka binding must name the topic")
        for operation in operations:
            for ref in refs(operation.get("message", {})):
                referenced.add(ref.rsplit("/", 1)[1])
    messages = document["components"].get("messages", {})
    for name, message in messages.items():
        if "payload" not in message:
            problems.append(f"message {name} has no payload")
        if "headers" not in message or "ce_id" not in message["headers"].get("properties", {}):
            problems.append(f"message {name} has no CloudEvents headers")
        if "key" not in message.get("bindings", {}).get("kafka", {}):
            problems.append(f"message {name} has no Kafka key binding")
        if name not in referenced:
            problems.append(f"message {name} is on no channel")
    proto = read_protos(proto_dir)
    for name in sorted(n for n in proto.messages if is_event(proto, n)):
        if name not in messages:
            problems.append(f"event message {name} of the protos is not in the document")
    if yaml.safe_load(dump(generate(proto_dir))) != document:
        problems.append(f"{document_path} is not what the protos give: regenerate with "
                        f"tests/docs/asyncapi.py generate proto > docs/asyncapi.yaml")
    return problems


def main(argv):
    if len(argv) == 3 and argv[1] == "generate":
        sys.stdout.write("# Generated by tests/docs/asyncapi.py from proto/; do not edit by hand.\n")
        sys.stdout.write(dump(generate(argv[2])))
        return 0
    if len(argv) == 5 and argv[1] == "check":
        problems = check(argv[2], argv[3], argv[4])
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"{argv[2]}: AsyncAPI 2.6, every topic and every event message, up to date")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
