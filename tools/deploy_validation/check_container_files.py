#!/usr/bin/env python3
"""Check the Dockerfile and the docker-compose file against the packaging promises:

Dockerfile
  - Debian bookworm build stage running scripts/install-deps.sh --build-only and configuring with
    exactly the cmake arguments scripts/test.sh uses (the tested build is the shipped build);
  - the build stage builds every service binary the Helm chart runs;
  - runtime stage from scratch (or a -slim Debian) assembled by deploy/docker/assemble-rootfs.sh,
    with a numeric non-root USER, exec-form CMD and no package manager or shell installed;
  - no image without a tag or with the latest tag, no ADD from URLs.
compose file
  - every image pinned (tag, not latest); Kafka in KRaft mode; Redis, a mail catcher and the four
    services present; the services non-root, read-only, all capabilities dropped.

Usage: check_container_files.py --dockerfile F --test-script scripts/test.sh --rendered R
                                --compose C
Exit status 0 when all checks pass, 1 with one line per problem.
"""

import argparse
import re
import shlex
import sys

import yaml

SERVICES = ["scheduling", "recording", "oversight-triggers", "notifications"]
BINARIES = [f"oversight-{s}" for s in SERVICES]


def image_problem(image):
    if "@sha256:" in image:
        return None
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        return f"image {image} has no tag"
    if name.endswith(":latest"):
        return f"image {image} uses the latest tag"
    return None


def dockerfile_instructions(text):
    """(instruction, argument) pairs with line continuations joined and comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        logical.append(current)
        current = ""
    out = []
    for entry in logical:
        instr, _, arg = entry.partition(" ")
        out.append((instr.upper(), arg.strip()))
    return out


def check_dockerfile(path, test_script, rendered, problems):
    text = open(path, encoding="utf-8").read()
    rendered_commands = " ".join(
        " ".join(c.get("command") or [])
        for d in yaml.safe_load_all(open(rendered, encoding="utf-8")) if d and d.get("kind") == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"])
    instructions = dockerfile_instructions(text)
    args = {}
    stages = []  # [name, base, [(instr, arg)]]
    for instr, arg in instructions:
        if instr == "ARG" and not stages:
            key, _, value = arg.partition("=")
            args[key] = value
        elif instr == "FROM":
            parts = arg.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), parts[0])
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else ""
            stages.append([name, base, []])
        elif stages:
            stages[-1][2].append((instr, arg))
    if len(stages) < 2:
        problems.append(f"{path}: expected a multi-stage build (build + runtime), found {len(stages)} stage(s)")
        return
    build, runtime = stages[0], stages[-1]

    # Base images.
    for name, base, _ in stages:
        if base == "scratch":
            continue
        problem = image_problem(base)
        if problem:
            problems.append(f"{path}: stage {name or '?'}: {problem}")
        if "bookworm" not in base and not re.search(r"debian:12", base):
            problems.append(f"{path}: stage {name or '?'} is not Debian bookworm ({base})")

    # Build stage: the same install and cmake steps as scripts/.
    runs = [arg for instr, arg in build[2] if instr == "RUN"]
    run_text = " && ".join(runs)
    if "scripts/install-deps.sh --build-only" not in run_text:
        problems.append(f"{path}: build stage does not run scripts/install-deps.sh --build-only")
    script = open(test_script, encoding="utf-8").read()
    m = re.search(r'cmake_args=\(([^)]*)\)\s*\n\s*fi', script)
    if not m:
        problems.append(f"{test_script}: cannot find the release cmake_args=(...) to compare with")
    else:
        wanted = shlex.split(m.group(1))
        configure = next((c for r in runs for c in r.split("&&") if "cmake -S" in c), None)
        if configure is None:
            problems.append(f"{path}: build stage has no `cmake -S . -B build` configure step")
        else:
            words = shlex.split(configure)
            for flag in ["-G", "Ninja"] + wanted:
                if flag not in words:
                    problems.append(f"{path}: configure step lacks {flag} (scripts/test.sh uses it)")
            extra = [w for w in words if w.startswith("-D") and w not in wanted]
            if extra:
                problems.append(f"{path}: configure step sets {extra}, which scripts/test.sh does not")
    for binary in BINARIES:
        if binary not in run_text:
            problems.append(f"{path}: build stage does not build {binary}")
        if f"/usr/bin/{binary}" not in rendered_commands:
            problems.append(f"{rendered}: the chart runs no /usr/bin/{binary}")
    if "deploy/docker/assemble-rootfs.sh" not in run_text:
        problems.append(f"{path}: build stage does not assemble the runtime tree with deploy/docker/assemble-rootfs.sh")

    # Runtime stage.
    rt_name, rt_base, rt = runtime
    if rt_base != "scratch" and not rt_base.endswith("-slim"):
        problems.append(f"{path}: runtime stage base {rt_base} is neither scratch nor a -slim image")
    users = [arg for instr, arg in rt if instr == "USER"]
    if not users:
        problems.append(f"{path}: runtime stage sets no USER (would run as root)")
    else:
        uid = users[-1].split(":")[0]
        if not uid.isdigit() or int(uid) == 0:
            problems.append(f"{path}: runtime USER {users[-1]} must be a numeric non-root uid (runAsNonRoot)")
    for instr, arg in rt:
        if instr == "RUN" and re.search(r"apt-get install|apk add", arg):
            if re.search(r"\b(bash|curl|wget|busybox|procps|vim|less)\b", arg):
                problems.append(f"{path}: runtime stage installs shell tools: {arg}")
        if instr == "ADD" and re.search(r"https?://", arg):
            problems.append(f"{path}: ADD from a URL is not reproducible: {arg}")
    if rt_base == "scratch" and any(instr == "RUN" for instr, _ in rt):
        problems.append(f"{path}: a scratch runtime stage cannot RUN anything")
    cmds = [arg for instr, arg in rt if instr in ("CMD", "ENTRYPOINT")]
    if not cmds or not all(c.startswith("[") for c in cmds):
        problems.append(f"{path}: runtime CMD/ENTRYPOINT must be exec form (signals reach the service)")
    if not any(f"--from={build[0]}" in arg for instr, arg in rt if instr == "COPY"):
        problems.append(f"{path}: runtime stage copies nothing from the build stage")


def check_compose(path, problems):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    services = doc.get("services") or {}
    for name, svc in services.items():
        image = svc.get("image")
        if image:
            problem = image_problem(image)
            if problem and not (svc.get("build") and image.endswith(":dev")):
                problems.append(f"{path}: service {name}: {problem}")
        elif not svc.get("build"):
            problems.append(f"{path}: service {name} has neither image nor build")
    kafka = services.get("kafka") or {}
    roles = str((kafka.get("environment") or {}).get("KAFKA_PROCESS_ROLES", ""))
    if "controller" not in roles or "broker" not in roles:
        problems.append(f"{path}: kafka is not a KRaft broker+controller (KAFKA_PROCESS_ROLES)")
    if "redis" not in services:
        problems.append(f"{path}: no redis service")
    if not any("mail" in (s.get("image") or "") or n == "mail" for n, s in services.items()):
        problems.append(f"{path}: no mail catcher")
    for name in SERVICES:
        svc = services.get(name)
        if not svc:
            problems.append(f"{path}: service {name} missing")
            continue
        if str(svc.get("user", "0")).split(":")[0] in ("0", "root", ""):
            problems.append(f"{path}: {name} runs as root")
        if svc.get("read_only") is not True:
            problems.append(f"{path}: {name} has a writable root filesystem")
        if "ALL" not in (svc.get("cap_drop") or []):
            problems.append(f"{path}: {name} keeps capabilities")
        if f"/usr/bin/oversight-{name}" not in " ".join(svc.get("command") or []):
            problems.append(f"{path}: {name} does not run /usr/bin/oversight-{name}")
        env = svc.get("environment") or {}
        if "OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS" not in env or "OVERSIGHT_REDIS_HOST" not in env:
            problems.append(f"{path}: {name} lacks Kafka or Redis configuration")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("--test-script", required=True)
    parser.add_argument("--rendered", required=True, help="helm template output")
    parser.add_argument("--compose", required=True)
    a = parser.parse_args()
    problems = []
    check_dockerfile(a.dockerfile, a.test_script, a.rendered, problems)
    check_compose(a.compose, problems)
    for p in problems:
        print(f"FAIL {p}")
    print(f"check_container_files: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
