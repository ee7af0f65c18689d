#!/usr/bin/env python3
"""Writes the seed corpus and dictionary of libs/events' CheckInbound fuzz target.

    libs/events/fuzz/make_corpus.py     (needs protoc; reuses libs/kafka/fuzz/make_corpus.py)

Seeds: records (oversight/kafka/testing/record_text.h) a service accepts, in protobuf and JSON,
and one for each way CheckInbound rejects a record.
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(HERE.parents[1] / "kafka" / "fuzz"))
import make_corpus as kafka  # noqa: E402


def main():
    allocated = kafka.encode("oversight.cases.v1.CaseAllocated", kafka.CASE_ALLOCATED_TEXT)
    joined = kafka.encode("oversight.workforce.v1.WorkerJoined", kafka.WORKER_JOINED_TEXT)
    no_subject = kafka.encode("oversight.recording.v1.SessionHeld", kafka.SESSION_HELD_TEXT)
    case_json = kafka.CASE_ALLOCATED_JSON
    seeds = {
        "accepted-case-protobuf": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated", "application/protobuf"), allocated),
        "accepted-case-json": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated", ce_subject="child-1"), case_json),
        "accepted-worker-protobuf": kafka.record("worker-1", kafka.cloud_event_headers(
            "oversight.workforce.v1.WorkerJoined", "application/protobuf", ce_id="evt-2"), joined),
        "subject-from-key": kafka.record("record-key", kafka.cloud_event_headers(
            "oversight.recording.v1.SessionHeld", "application/protobuf", ce_id="evt-3"),
            no_subject),
        "entered-care-json": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.ChildEnteredCare", ce_id="evt-4"), kafka.ENTERED_CARE_JSON),
        "event-id-mismatch": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated", ce_id="evt-other"), case_json),
        "unknown-authority": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated"), case_json.replace('"devon"', '"atlantis"')),
        "missing-occurred-at": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated"),
            case_json.replace('"occurredAt":"2024-06-01T12:00:00Z",', "")),
        "no-meta-type": kafka.record("k", kafka.cloud_event_headers("oversight.common.v1.Date"),
                                     '{"year": 2024}'),
        "outside-prefix": kafka.record("k", kafka.cloud_event_headers(
            "google.protobuf.Timestamp"), '"2024-01-01T00:00:00Z"'),
        "undecodable": kafka.record("child-1", kafka.cloud_event_headers(
            "oversight.cases.v1.CaseAllocated", "application/protobuf"), b"\x0a\xff\x01"),
        "bad-headers": kafka.record("child-1", [("ce_id", "evt-1")], case_json),
    }
    kafka.write_corpus(HERE / "corpus/inbound_fuzzer", seeds)
    kafka.write_dict(HERE / "inbound.dict", kafka.proto_tokens() + [
        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject",
        "content-type", "1.0", "application/protobuf", "application/json", "devon", "evt-1",
        "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "\n"])


if __name__ == "__main__":
    main()
