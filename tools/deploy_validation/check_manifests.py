#!/usr/bin/env python3
"""Check rendered Kubernetes manifests (the output of `helm template`) for the properties the
platform promises: restricted security contexts, pinned images, probes, limits, draining,
disruption budgets, network policies and autoscalers that never exceed the Kafka partitions.

Usage:
  check_manifests.py RENDERED.yaml [--max-replicas N] [--expect-kind KIND ...]

Exit status 0 when every check passes, 1 with one line per problem otherwise, 2 on bad input.
"""

import argparse
import re
import sys

import yaml

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
SECRET_ENV = re.compile(r"(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)", re.IGNORECASE)
DIGEST = re.compile(r"@sha256:[a-f0-9]{64}$")


# KEDA has no Go types in kubestrict; these are the field names of keda.sh/v1alpha1 (KEDA 2.x docs).
KEDA_FIELDS = {
    "ScaledObject.spec": {"scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                          "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced",
                          "triggers"},
    "ScaledObject.spec.scaleTargetRef": {"apiVersion", "kind", "name", "envSourceContainerName"},
    "ScaledObject.spec.advanced": {"restoreToOriginalReplicaCount", "horizontalPodAutoscalerConfig",
                                   "scalingModifiers"},
    "ScaledObject.spec.triggers[]": {"type", "name", "metadata", "authenticationRef", "metricType",
                                     "useCachedMetrics"},
    "kafka.metadata": {"bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
                       "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset",
                       "excludePersistentLag", "limitToPartitionsWithLag", "version", "partitionLimitation",
                       "sasl", "tls", "unsafeSsl", "ensureEvenDistributionOfPartitions"},
    "TriggerAuthentication.spec": {"secretTargetRef", "configMapTargetRef", "env", "podIdentity",
                                   "hashiCorpVault", "azureKeyVault", "awsSecretManager", "gcpSecretManager"},
    "targetRef[]": {"parameter", "name", "key"},
}


def check_keda_fields(report, obj):
    def unknown(where, value, allowed):
        for key in sorted(set(value or {}) - allowed):
            report.add(obj, f"unknown field {where}.{key}")
    spec = obj.get("spec") or {}
    if obj["kind"] == "ScaledObject":
        unknown("spec", spec, KEDA_FIELDS["ScaledObject.spec"])
        unknown("spec.scaleTargetRef", spec.get("scaleTargetRef"), KEDA_FIELDS["ScaledObject.spec.scaleTargetRef"])
        unknown("spec.advanced", spec.get("advanced"), KEDA_FIELDS["ScaledObject.spec.advanced"])
        for i, trig in enumerate(spec.get("triggers") or []):
            unknown(f"spec.triggers[{i}]", trig, KEDA_FIELDS["ScaledObject.spec.triggers[]"])
            if trig.get("type") == "kafka":
                unknown(f"spec.triggers[{i}].metadata", trig.get("metadata"), KEDA_FIELDS["kafka.metadata"])
                for key, value in (trig.get("metadata") or {}).items():
                    if not isinstance(value, str):
                        report.add(obj, f"spec.triggers[{i}].metadata.{key} must be a string")
    else:
        unknown("spec", spec, KEDA_FIELDS["TriggerAuthentication.spec"])
        for ref in ("secretTargetRef", "configMapTargetRef"):
            for i, item in enumerate(spec.get(ref) or []):
                unknown(f"spec.{ref}[{i}]", item, KEDA_FIELDS["targetRef[]"])


class Report:
    def __init__(self):
        self.problems = []

    def add(self, obj, problem):
        self.problems.append(f"{obj['kind']}/{obj['metadata'].get('name', '?')}: {problem}")


def pod_spec(obj):
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"], spec["jobTemplate"]["spec"]["template"]
    return spec["template"]["spec"], spec["template"]


def labels_match(selector, labels):
    """True when a matchLabels selector selects the given labels (and is not empty)."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_image(report, obj, container):
    image = container.get("image", "")
    if not image:
        report.add(obj, f"container {container['name']} has no image")
        return
    if DIGEST.search(image):
        return
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        report.add(obj, f"container {container['name']} image {image} has no tag (means latest)")
    elif name.endswith(":latest"):
        report.add(obj, f"container {container['name']} image {image} uses the latest tag")


def check_security(report, obj, spec, container):
    pod_sc = spec.get("securityContext") or {}
    sc = container.get("securityContext") or {}
    cname = container["name"]
    non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    if non_root is not True:
        report.add(obj, f"container {cname} may run as root (runAsNonRoot not true)")
    if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
        report.add(obj, f"container {cname} runs as uid 0")
    if sc.get("allowPrivilegeEscalation") is not False:
        report.add(obj, f"container {cname} allows privilege escalation")
    if sc.get("readOnlyRootFilesystem") is not True:
        report.add(obj, f"container {cname} has a writable root filesystem")
    if sc.get("privileged"):
        report.add(obj, f"container {cname} is privileged")
    caps = sc.get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []):
        report.add(obj, f"container {cname} does not drop ALL capabilities")
    if caps.get("add"):
        report.add(obj, f"container {cname} adds capabilities {caps['add']}")
    seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        report.add(obj, f"container {cname} has no RuntimeDefault seccomp profile")
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        report.add(obj, "pod shares host namespaces")


def check_resources(report, obj, container):
    res = container.get("resources") or {}
    for section in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in (res.get(section) or {}):
                report.add(obj, f"container {container['name']} has no {resource} {section[:-1]}")


def check_env(report, obj, container):
    for env in container.get("env") or []:
        if SECRET_ENV.search(env["name"]) and "value" in env:
            report.add(obj, f"container {container['name']} sets {env['name']} inline; use a Secret")


def check_references(report, obj, spec, container):
    """Every Secret and ConfigMap reference names something."""
    for env in container.get("env") or []:
        for ref in ("secretKeyRef", "configMapKeyRef"):
            r = (env.get("valueFrom") or {}).get(ref)
            if r is not None and not (r.get("name") and r.get("key")):
                report.add(obj, f"env {env['name']} has a {ref} without name or key")
    for vol in spec.get("volumes") or []:
        for kind, field in (("configMap", "name"), ("secret", "secretName")):
            if kind in vol and not vol[kind].get(field):
                report.add(obj, f"volume {vol['name']} names no {kind}")


def check_deployment(report, obj, spec, container):
    """Long-running services: gRPC probes on the gRPC port (native, or with gRPC over TLS the
    image's health probe over TLS), draining before SIGTERM, and the configuration every service
    needs."""
    cname = container["name"]
    env_names = {e["name"] for e in container.get("env") or []}
    for required in ("OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", "OVERSIGHT_REDIS_HOST", "OVERSIGHT_GRPC_PORT",
                     "OVERSIGHT_METRICS_PORT"):
        if required not in env_names:
            report.add(obj, f"container {cname} does not set {required}")
    # The outbox relay's lease identity: the pod's name survives a container restart (the lease
    # is renewed at once) and no other pod has it; a fixed value would let replicas publish the
    # same outbox at once.
    owner = next((e for e in container.get("env") or [] if e["name"] == "OVERSIGHT_OUTBOX_OWNER_ID"), None)
    if owner is not None and "value" in owner:
        report.add(obj, f"container {cname} sets OVERSIGHT_OUTBOX_OWNER_ID to a fixed value; replicas would share it")
    elif ((owner or {}).get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath") != "metadata.name":
        report.add(obj, f"container {cname} does not take OVERSIGHT_OUTBOX_OWNER_ID from the pod's name")
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports") or []}
    if "grpc" not in ports or "metrics" not in ports:
        report.add(obj, f"container {cname} must expose ports named grpc and metrics")
    tls = "OVERSIGHT_GRPC_TLS_CERT_FILE" in env_names
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        p = container.get(probe)
        if not p:
            report.add(obj, f"container {cname} has no {probe}")
        elif tls:
            command = (p.get("exec") or {}).get("command") or []
            if command[:2] != ["/usr/bin/oversight-health-probe", f"127.0.0.1:{ports.get('grpc')}"]:
                report.add(obj, f"container {cname} {probe} serves TLS but does not run the image's "
                                "health probe on the grpc port")
            elif "--tls-ca" not in command:
                report.add(obj, f"container {cname} {probe} does not probe over TLS")
        elif "grpc" not in p:
            report.add(obj, f"container {cname} {probe} is not a native gRPC probe")
        elif p["grpc"].get("port") != ports.get("grpc"):
            report.add(obj, f"container {cname} {probe} does not probe the grpc port")
    pre_stop = ((container.get("lifecycle") or {}).get("preStop")) or {}
    if not pre_stop:
        report.add(obj, f"container {cname} has no preStop hook")
    sleep = (pre_stop.get("sleep") or {}).get("seconds", 0)
    grace = spec.get("terminationGracePeriodSeconds", 30)
    if grace <= sleep + 10:
        report.add(obj, f"terminationGracePeriodSeconds {grace} leaves under 10 s to drain after preStop {sleep} s")
    if spec.get("automountServiceAccountToken") is not False:
        report.add(obj, "service account token is mounted (services do not call the API server)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("--max-replicas", type=int, help="Kafka partitions: cap for replicas and autoscalers")
    parser.add_argument("--expect-kind", action="append", default=[], help="a kind that must be present")
    args = parser.parse_args()

    try:
        with open(args.manifest, encoding="utf-8") as f:
            objs = [d for d in yaml.safe_load_all(f) if d]
    except (OSError, yaml.YAMLError) as e:
        print(f"check_manifests: cannot read {args.manifest}: {e}", file=sys.stderr)
        return 2
    if not objs:
        print(f"check_manifests: {args.manifest} holds no objects", file=sys.stderr)
        return 2

    report = Report()
    by_kind = {}
    for obj in objs:
        by_kind.setdefault(obj["kind"], []).append(obj)

    containers_checked = 0
    deployments = {}
    for obj in objs:
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        spec, template = pod_spec(obj)
        if spec.get("securityContext", {}).get("runAsNonRoot") is not True:
            report.add(obj, "pod securityContext.runAsNonRoot is not true")
        if (spec.get("securityContext", {}).get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            report.add(obj, "pod seccompProfile is not RuntimeDefault")
        for container in (spec.get("initContainers") or []) + spec.get("containers", []):
            containers_checked += 1
            check_image(report, obj, container)
            check_security(report, obj, spec, container)
            check_resources(report, obj, container)
            check_env(report, obj, container)
            check_references(report, obj, spec, container)
            if obj["kind"] == "Deployment":
                check_deployment(report, obj, spec, container)
        if obj["kind"] == "Deployment":
            labels = template["metadata"].get("labels", {})
            selector = obj["spec"]["selector"].get("matchLabels", {})
            if not labels_match(selector, labels):
                report.add(obj, "selector does not match the pod template labels")
            deployments[obj["metadata"]["name"]] = (obj, labels)
            replicas = obj["spec"].get("replicas")
            if args.max_replicas and replicas is not None and replicas > args.max_replicas:
                report.add(obj, f"replicas {replicas} exceed the {args.max_replicas} partitions")

    if not deployments:
        report.problems.append("no Deployment rendered")

    # Every Deployment: a Service, a PodDisruptionBudget, a NetworkPolicy that select its pods.
    for name, (obj, labels) in deployments.items():
        for kind, path in (("Service", ("spec", "selector")),
                           ("PodDisruptionBudget", ("spec", "selector", "matchLabels")),
                           ("NetworkPolicy", ("spec", "podSelector", "matchLabels"))):
            def selector_of(o, path=path):
                for key in path:
                    o = (o or {}).get(key)
                return o or {}
            if not any(labels_match(selector_of(o), labels) for o in by_kind.get(kind, [])):
                report.add(obj, f"no {kind} selects its pods")
        svc_ports = [
            {p.get("name") for p in s["spec"].get("ports", [])}
            for s in by_kind.get("Service", []) if labels_match(s["spec"].get("selector"), labels)
        ]
        if svc_ports and not any({"grpc", "metrics"} <= ports for ports in svc_ports):
            report.add(obj, "its Service does not expose ports named grpc and metrics")

    # Autoscalers: target an existing Deployment, never above the partitions, one per Deployment.
    scaled = {}
    for obj in by_kind.get("HorizontalPodAutoscaler", []) + by_kind.get("ScaledObject", []):
        target = obj["spec"]["scaleTargetRef"]["name"]
        if target not in deployments:
            report.add(obj, f"scales {target}, which is not a rendered Deployment")
        scaled.setdefault(target, []).append(obj["kind"])
        if obj["kind"] == "HorizontalPodAutoscaler":
            high, low = obj["spec"].get("maxReplicas"), obj["spec"].get("minReplicas", 1)
        else:  # KEDA defaults maxReplicaCount to 100: it must be set
            high, low = obj["spec"].get("maxReplicaCount"), obj["spec"].get("minReplicaCount", 0)
        if high is None:
            report.add(obj, "has no maximum replica count")
        elif args.max_replicas and high > args.max_replicas:
            report.add(obj, f"may scale to {high}, above the {args.max_replicas} partitions")
        if high is not None and low > high:
            report.add(obj, f"minimum {low} above maximum {high}")
        if obj["kind"] == "ScaledObject":
            for trig in obj["spec"].get("triggers", []):
                if trig.get("type") == "kafka" and str(trig["metadata"].get("allowIdleConsumers")).lower() != "false":
                    report.add(obj, "kafka trigger allows idle consumers (replicas above partitions)")
    for target, kinds in scaled.items():
        if len(kinds) > 1:
            report.problems.append(f"Deployment/{target}: scaled by several autoscalers {kinds}")
        elif target in deployments and "replicas" in deployments[target][0]["spec"]:
            report.problems.append(f"Deployment/{target}: sets replicas while an autoscaler owns them")

    for obj in by_kind.get("ScaledObject", []) + by_kind.get("TriggerAuthentication", []):
        check_keda_fields(report, obj)

    # ServiceMonitor: scrapes a port named metrics on Services it selects.
    for obj in by_kind.get("ServiceMonitor", []):
        sel = obj["spec"]["selector"].get("matchLabels", {})
        if not any(labels_match(sel, s["metadata"].get("labels", {})) for s in by_kind.get("Service", [])):
            report.add(obj, "selects no rendered Service")
        if not any(e.get("port") == "metrics" for e in obj["spec"].get("endpoints", [])):
            report.add(obj, "does not scrape the metrics port")

    # helm test: at least one hook Job.
    if not any((j["metadata"].get("annotations") or {}).get("helm.sh/hook") == "test" for j in by_kind.get("Job", [])):
        report.problems.append("no `helm test` Job (annotation helm.sh/hook: test)")

    for kind in args.expect_kind:
        if kind not in by_kind:
            report.problems.append(f"expected at least one {kind}")

    for problem in report.problems:
        print(f"FAIL {problem}")
    kinds = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_kind.items()))
    print(f"check_manifests: {len(objs)} objects ({kinds}), {containers_checked} containers, "
          f"{len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
