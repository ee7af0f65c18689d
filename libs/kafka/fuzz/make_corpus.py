#!/usr/bin/env python3
"""Writes the seed corpora and dictionaries of libs/kafka's fuzz targets.

    libs/kafka/fuzz/make_corpus.py     (from anywhere; needs protoc on PATH)

Seeds are small: a few valid records and payloads of the inbound event types (case, workforce,
supervision events) and a few invalid ones. proto.dict holds every message name, JSON field name
and enum value name of the inbound contracts, so mutations can swap them. Rerun after changing
proto/ (libs/events/fuzz/make_corpus.py reuses these helpers).
"""
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[3]
PROTO = ROOT / "proto"
HERE = pathlib.Path(__file__).resolve().parent
INBOUND_PROTOS = [
    "oversight/common/v1/common.proto",
    "oversight/cases/v1/case_events.proto",
    "oversight/workforce/v1/workforce_events.proto",
    "oversight/recording/v1/supervision_events.proto",
]
PROTO_FILE_OF_PACKAGE = {
    "oversight.cases.v1": "oversight/cases/v1/case_events.proto",
    "oversight.workforce.v1": "oversight/workforce/v1/workforce_events.proto",
    "oversight.recording.v1": "oversight/recording/v1/supervision_events.proto",
    "oversight.common.v1": "oversight/common/v1/common.proto",
}


def encode(message_type, text_proto):
    """The protobuf binary encoding of a text-format message, by protoc --encode."""
    package = message_type.rsplit(".", 1)[0]
    return subprocess.run(
        ["protoc", f"--encode={message_type}", f"--proto_path={PROTO}",
         PROTO_FILE_OF_PACKAGE[package]],
        input=text_proto.encode(), check=True, capture_output=True).stdout


def record(key, headers, value):
    """A record in the text form of oversight/kafka/testing/record_text.h."""
    if isinstance(value, str):
        value = value.encode()
    lines = [key] + [f"{name}: {v}" for name, v in headers]
    return ("\n".join(lines) + "\n\n").encode() + value


def cloud_event_headers(ce_type, content_type="application/json", ce_id="evt-1", **extra):
    headers = [("ce_specversion", "1.0"), ("ce_id", ce_id), ("ce_source", "lcs://devon"),
               ("ce_type", ce_type), ("content-type", content_type)]
    headers += list(extra.items())
    return headers


def lower_camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def proto_tokens():
    """Message names, JSON field names and enum values of the inbound contracts."""
    tokens = set()
    for rel in INBOUND_PROTOS:
        text = (PROTO / rel).read_text()
        package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
        for name in re.findall(r"^message (\w+)", text, re.M):
            tokens.add(f"{package}.{name}")
        for field in re.findall(r"^\s+(?:repeated\s+)?[\w.]+\s+(\w+)\s*=\s*\d+;", text, re.M):
            tokens.add(f'"{lower_camel(field)}"')
        for value in re.findall(r"^\s+([A-Z][A-Z0-9_]+)\s*=\s*\d+;", text, re.M):
            tokens.add(f'"{value}"')
    return sorted(tokens)


def write_dict(path, tokens):
    def quote(token):  # libFuzzer dictionary syntax: \\, \" and \xNN escapes
        escaped = "".join(
            "\\" + c if c in '\\"' else c if 32 <= ord(c) < 127 else f"\\x{ord(c):02x}"
            for c in token)
        return f'"{escaped}"'
    path.write_text("".join(f"{quote(t)}\n" for t in tokens))


def write_corpus(directory, seeds):
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("seed-*"):
        old.unlink()
    for name, data in seeds.items():
        (directory / f"seed-{name}").write_bytes(data)


CASE_ALLOCATED_TEXT = """
meta { event_id: "evt-1" authority_id: "devon" subject: "child-1"
       occurred_at { seconds: 1717243200 } recorded_at { seconds: 1717250000 nanos: 5 }
       source: "lcs://devon" }
child_id: "child-1" worker_id: "worker-1" team_id: "team-a"
case_type: CASE_TYPE_CHILD_PROTECTION risk: RISK_LEVEL_HIGH in_care_proceedings: true
placement { placed_with_parents: true }
"""
CASE_ALLOCATED_JSON = (
    '{"meta":{"eventId":"evt-1","authorityId":"devon","occurredAt":"2024-06-01T12:00:00Z",'
    '"source":"lcs://devon"},"childId":"child-1","workerId":"worker-1",'
    '"caseType":"CASE_TYPE_CHILD_PROTECTION","risk":"RISK_LEVEL_HIGH",'
    '"placement":{"placedWithParents":true}}')
WORKER_JOINED_TEXT = """
meta { event_id: "evt-2" authority_id: "devon" subject: "worker-1"
       occurred_at { seconds: 1704067200 } }
worker_id: "worker-1" display_name: "A. Worker" role: ROLE_SOCIAL_WORKER team_id: "team-a"
supervisor_id: "manager-1" start_date { year: 2024 month: 1 day: 8 } fte: 0.6
employment: EMPLOYMENT_AGENCY
"""
WORKER_JOINED_JSON = (
    '{"meta":{"eventId":"evt-2","authorityId":"devon","occurredAt":"2024-01-01T00:00:00Z"},'
    '"workerId":"worker-1","role":"ROLE_SOCIAL_WORKER","startDate":{"year":2024,"month":1,'
    '"day":8},"asyeStartDate":{"year":2024,"month":1,"day":8},"fte":0.6}')
SESSION_HELD_TEXT = """
meta { event_id: "evt-3" authority_id: "devon" occurred_at { seconds: 1717243200 } }
record_id: "rec-1" kind: RECORD_KIND_CASE_SUPERVISION supervisor_id: "manager-1"
supervisee_ids: "worker-1" supervisee_ids: "worker-2" child_ids: "child-1"
held_at { seconds: 1717243200 nanos: 500000000 }
"""
SESSION_HELD_JSON = (
    '{"meta":{"eventId":"evt-3","authorityId":"devon","occurredAt":"2024-06-01T12:00:00.5Z"},'
    '"recordId":"rec-1","kind":"RECORD_KIND_CASE_SUPERVISION","superviseeIds":["worker-1"],'
    '"childIds":["child-1","child-2"],"heldAt":"2024-06-01T12:00:00+01:00"}')
ENTERED_CARE_JSON = (
    '{"meta":{"eventId":"evt-4","authorityId":"devon","occurredAt":"2024-06-01T00:00:00Z"},'
    '"childId":"child-1","legalStatus":"C2","placementType":"U1",'
    '"placement":{"longTermMatched":true}}')


def payload(message_type, content_type, data):
    if isinstance(data, str):
        data = data.encode()
    return f"{message_type}\n{content_type}\n".encode() + data


def main():
    seeds = {
        "valid-protobuf": record("child-1", cloud_event_headers(
            "oversight.cases.v1.CaseAllocated", "application/protobuf",
            ce_time="2024-06-01T12:00:00Z", ce_subject="child-1"), b""),
        "valid-json-charset": record("worker-1", cloud_event_headers(
            "oversight.workforce.v1.WorkerJoined", "Application/JSON; charset=utf-8",
            ce_time="2024-06-01T13:00:00.250+01:00"), b""),
        "x-protobuf-repeated-id": record("", cloud_event_headers(
            "oversight.recording.v1.SessionHeld", "application/x-protobuf") + [("ce_id", "evt-9")],
            b""),
        "missing-id": record("k", [("ce_specversion", "1.0"), ("ce_source", "s"), ("ce_type", "t"),
                                   ("content-type", "application/json")], b""),
        "empty-source": record("k", cloud_event_headers("t") + [("ce_source", "")], b""),
        "bad-specversion": record("k", [("ce_specversion", "0.3")] + cloud_event_headers("t")[1:],
                                  b""),
        "bad-time": record("k", cloud_event_headers("t", ce_time="yesterday"), b""),
        "text-plain": record("k", cloud_event_headers("t", "text/plain"), b""),
    }
    write_corpus(HERE / "corpus/cloud_event_fuzzer", seeds)
    write_dict(HERE / "cloud_event.dict", [
        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject",
        "content-type", "1.0", "application/protobuf", "application/x-protobuf",
        "application/json", ";charset=utf-8", "infinite-future", "infinite-past",
        "2024-06-01T12:00:00Z", ".123456789", "+01:00", "-00:00", ": ", "\n"])

    seeds = {
        "case-allocated-protobuf": payload("oversight.cases.v1.CaseAllocated",
                                           "application/protobuf",
                                           encode("oversight.cases.v1.CaseAllocated",
                                                  CASE_ALLOCATED_TEXT)),
        "case-allocated-json": payload("oversight.cases.v1.CaseAllocated", "application/json",
                                       CASE_ALLOCATED_JSON),
        "entered-care-json": payload("oversight.cases.v1.ChildEnteredCare", "application/json",
                                     ENTERED_CARE_JSON),
        "worker-joined-protobuf": payload("oversight.workforce.v1.WorkerJoined",
                                          "application/protobuf",
                                          encode("oversight.workforce.v1.WorkerJoined",
                                                 WORKER_JOINED_TEXT)),
        "worker-joined-json": payload("oversight.workforce.v1.WorkerJoined", "application/json",
                                      WORKER_JOINED_JSON),
        "session-held-protobuf": payload("oversight.recording.v1.SessionHeld",
                                         "application/protobuf",
                                         encode("oversight.recording.v1.SessionHeld",
                                                SESSION_HELD_TEXT)),
        "session-held-json": payload("oversight.recording.v1.SessionHeld", "application/json",
                                     SESSION_HELD_JSON),
        "wrong-json-type": payload("oversight.cases.v1.CaseAllocated", "application/json",
                                   '{"childId": 17, "risk": "RISK_LEVEL_MAGIC"}'),
        "truncated-protobuf": payload("oversight.cases.v1.CaseAllocated", "application/protobuf",
                                      encode("oversight.cases.v1.CaseAllocated",
                                             CASE_ALLOCATED_TEXT)[:20]),
        "unknown-type": payload("oversight.cases.v1.NoSuchEvent", "application/json", "{}"),
    }
    write_corpus(HERE / "corpus/payload_codec_fuzzer", seeds)
    write_dict(HERE / "proto.dict", proto_tokens() + [
        "application/protobuf", "application/json", "1970-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "NaN", "Infinity", "-Infinity", "null"])


if __name__ == "__main__":
    main()
