#!/usr/bin/env bash
# Starts docker-compose.yml for real on a machine without Docker and without a container
# registry, streams images through it and checks what comes out; then removes it all.
#
#   sudo deploy/compose-smoke.sh        (root: podman, debootstrap; takes minutes)
#
# How, on a Debian bookworm host:
#  - podman + buildah + runc, and Debian's docker-compose 1.29 talking to `podman system service`;
#  - /etc/containers/containers.conf with runc, cgroupfs, file events and fixed ulimits (a VM that
#    cannot raise rlimits, crun failing on hybrid cgroups), written only when absent;
#  - health checks need systemd timers under podman, so a loop here runs `podman healthcheck run`;
#  - no registry: the base image is debootstrap's minbase imported into podman; the JRE comes from
#    apt inside the builds; Kafka and Apicurio are stand-ins built from the Maven Central jars the
#    embedded stack uses (deploy/images/offline/), Prometheus is Debian's package; Grafana (no
#    Debian package) is left out with its profile.
# Checks: every service healthy, a few hundred digits + Fashion articles in, every one scored,
# alerts read from the host (outside the compose network), precision/recall like the demo,
# Prometheus holding the scorer's series. Exits non-zero on any failure.
#
# Environment: SMOKE_DIGITS (300), SMOKE_FASHION (100), SMOKE_MIN_PRECISION (0.8),
# SMOKE_MIN_RECALL (0.7), SMOKE_KEEP=1 leaves the stack running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
project=image-anomaly-smoke
work=/var/tmp/image-anomaly-smoke
sock=/run/podman/podman.sock
digits="${SMOKE_DIGITS:-300}"
fashion="${SMOKE_FASHION:-100}"
min_precision="${SMOKE_MIN_PRECISION:-0.8}"
min_recall="${SMOKE_MIN_RECALL:-0.7}"
tag=0.1.0
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)"
apicurio_version="$(sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' pom.xml)"
started=$(date +%s)
summary=()
service_pid=""       # our podman system service, when we started one
healthcheck_pid=""
stack_up=false

note() { summary+=("$(printf '%-34s %s' "$1" "$2")"); echo "-- $1: $2"; }
step() { echo; echo "== [$(( $(date +%s) - started ))s] $*"; }
fail() { note "FAILED" "$*"; exit 1; }

compose() {
  docker-compose -p "$project" -f docker-compose.yml "$@"
}

finish() {
  local rc=$?
  trap - EXIT
  if $stack_up && [ "${SMOKE_KEEP:-0}" != 1 ]; then
    step "tearing down (service logs: $work/compose.log)"
    compose logs --no-color >"$work/compose.log" 2>&1 || true
    compose --profile producer down -v --remove-orphans >"$work/down.log" 2>&1 || echo "compose down failed: see $work/down.log"
  fi
  [ -n "$healthcheck_pid" ] && kill "$healthcheck_pid" 2>/dev/null
  if [ -n "$service_pid" ] && [ "${SMOKE_KEEP:-0}" != 1 ]; then kill "$service_pid" 2>/dev/null; fi
  echo
  echo "===== compose smoke summary ====="
  printf '%s\n' "${summary[@]}"
  printf '%-34s %s\n' "total time" "$(( $(date +%s) - started )) s"
  printf '%-34s %s\n' "result" "$([ $rc = 0 ] && echo PASSED || echo "FAILED (exit $rc)")"
  exit $rc
}
trap finish EXIT

[ "$(id -u)" = 0 ] || fail "run as root (podman, debootstrap)"
mkdir -p "$work"

step "installing podman, buildah, runc, docker-compose, debootstrap (when missing)"
packages=(podman buildah runc docker-compose debootstrap curl)
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >"$work/apt.log"
fi
note "tools" "$(podman --version), $(docker-compose version --short 2>/dev/null || docker-compose --version)"

step "podman engine settings"
conf=/etc/containers/containers.conf
if [ ! -f "$conf" ]; then
  cat >"$conf" <<'EOF'
# Written by deploy/compose-smoke.sh: this VM cannot raise rlimits, crun fails on its hybrid
# cgroups, and there is no systemd to take events.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  note "containers.conf" "written"
else
  grep -q 'runtime *= *"runc"' "$conf" || echo "warning: $conf exists without runtime = \"runc\"; left as it is"
  note "containers.conf" "present, left as it is"
fi

step "Docker-compatible API (podman system service) and the health-check loop"
mkdir -p "$(dirname "$sock")"
if curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
  note "podman service" "already running at $sock (reused)"
else
  podman system service --time=0 "unix://$sock" >"$work/podman-service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 50); do curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf --unix-socket "$sock" http://d/_ping >/dev/null || fail "podman system service did not answer"
  note "podman service" "started at $sock"
fi
export DOCKER_HOST="unix://$sock"
# Without systemd, podman never runs health checks by itself.
( while sleep 2; do
    for id in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
      podman healthcheck run "$id" >/dev/null 2>&1 || true
    done
  done ) &
healthcheck_pid=$!

step "base image (debootstrap minbase, imported into podman)"
base=localhost/debian-minbase:bookworm
if podman image exists "$base"; then
  note "base image" "$base (cached)"
else
  t=$(date +%s)
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || fail "debootstrap failed: see $work/debootstrap.log"
  tar -C "$work/rootfs" -c . | podman import - "$base" >/dev/null
  rm -rf "$work/rootfs"
  note "base image" "$base built in $(( $(date +%s) - t )) s"
fi

step "project images (deploy/build-images.sh on $base)"
t=$(date +%s)
CONTAINER_CLI=podman BASE_IMAGE="$base" IMAGE_TAG=$tag deploy/build-images.sh >"$work/build-images.log" 2>&1 \
  || { tail -20 "$work/build-images.log"; fail "image build failed: see $work/build-images.log"; }
note "project images" "image-anomaly-scorer:$tag $(podman image inspect --format '{{.Size}}' image-anomaly-scorer:$tag | numfmt --to=iec), image-anomaly:$tag $(podman image inspect --format '{{.Size}}' image-anomaly:$tag | numfmt --to=iec) in $(( $(date +%s) - t )) s"

step "stand-ins for the official Kafka, Apicurio and Prometheus images"
t=$(date +%s)
offline="$root/target/images/offline"
rm -rf "$offline" && mkdir -p "$offline/kafka/lib" "$offline/apicurio" "$offline/prometheus"
cp embedded-stack/target/dependency/*.jar "$offline/kafka/lib/"
# The broker logs through SLF4J; the image has no binding of its own.
cp scorer-stream/target/dependency/slf4j-simple-*.jar "$offline/kafka/lib/"
cp deploy/images/offline/kafka-entrypoint.sh "$offline/kafka/"
archive="$(find ~/.m2/repository/io/apicurio/apicurio-registry-app/"$apicurio_version" -name '*-all.tar.gz' | head -1)"
[ -f "$archive" ] || archive="$(ls embedded-stack/target/registry-dist/*-all.tar.gz)"
cp "$archive" "$offline/apicurio/apicurio-registry-app-all.tar.gz"
for image in kafka apicurio prometheus; do
  podman build --format docker --build-arg "BASE_IMAGE=$base" -t "localhost/$project/$image:$tag" \
    -f "deploy/images/offline/$image.Dockerfile" "$offline/$image" >"$work/build-$image.log" 2>&1 \
    || { tail -20 "$work/build-$image.log"; fail "building the $image stand-in failed"; }
done
note "stand-in images" "kafka $kafka_version, apicurio $apicurio_version, prometheus $(podman run --rm "localhost/$project/prometheus:$tag" --version 2>&1 | sed -n 's/^prometheus, version \([^ ]*\).*/\1/p') in $(( $(date +%s) - t )) s"

export KAFKA_IMAGE="localhost/$project/kafka:$tag" REGISTRY_IMAGE="localhost/$project/apicurio:$tag"
export PROMETHEUS_IMAGE="localhost/$project/prometheus:$tag"
export SCORER_IMAGE="localhost/image-anomaly-scorer:$tag" CLI_IMAGE="localhost/image-anomaly:$tag"
export PRODUCER_DIGITS="$digits" PRODUCER_FASHION="$fashion"

step "docker-compose config and up (Grafana's profile left out)"
compose config -q || fail "docker-compose config rejected docker-compose.yml"
compose --profile producer down -v --remove-orphans >/dev/null 2>&1 || true
stack_up=true
t=$(date +%s)
compose up -d kafka registry trainer scorer prometheus >"$work/up.log" 2>&1 \
  || { cat "$work/up.log"; compose logs --no-color --tail 20; fail "docker-compose up failed"; }
health() { podman inspect --format '{{.State.Health.Status}}' "$(compose ps -q "$1")" 2>/dev/null || echo none; }
for _ in $(seq 300); do
  [ "$(health scorer)" = healthy ] && break
  sleep 2
done
[ "$(health scorer)" = healthy ] || { compose logs --tail 40 scorer trainer; fail "the scorer did not become healthy"; }
note "up, every service healthy" "kafka $(health kafka), registry $(health registry), scorer $(health scorer) after $(( $(date +%s) - t )) s"
note "trainer" "$(compose logs --no-color trainer 2>/dev/null | grep -Eo 'trained in .*|bundle .* exists.*' | tail -1)"
curl -sf http://localhost:8080/health/ready >/dev/null || fail "the scorer's /health/ready is not 200 from the host"

metric() { # sum of a metric family's samples on the scorer's /metrics (from the host)
  curl -sf http://localhost:8080/metrics | awk -v m="$1" '$1 ~ "^"m"({|$)" { s += $2 } END { printf "%d", s }'
}

step "producer: $digits held-out digits and $fashion Fashion-MNIST articles"
t=$(date +%s)
compose --profile producer run --rm producer >"$work/producer.log" 2>&1 \
  || { tail -20 "$work/producer.log"; fail "the producer failed"; }
sent=$((digits + fashion))
for _ in $(seq 120); do
  done_count=$(( $(metric scorer_events_scored_total) + $(metric scorer_dead_letters_total) ))
  [ "$done_count" -ge "$sent" ] && break
  sleep 1
done
scored=$(metric scorer_events_scored_total)
dead=$(metric scorer_dead_letters_total)
alerts=$(metric scorer_alerts_total)
note "events" "sent $sent, scored $scored, dead letters $dead, alerts $alerts ($(( $(date +%s) - t )) s)"
[ "$scored" -eq "$sent" ] || fail "scored $scored of $sent events"

step "alerts read from the host (localhost:19092, outside the compose network)"
timeout 180 ./image-anomaly alerts --bootstrap-servers localhost:19092 \
    --registry http://localhost:8081/apis/ccompat/v7 --group "smoke-$(date +%s)" --from-beginning --max "$alerts" \
    >"$work/alerts.txt" 2>"$work/alerts.err" || { tail -5 "$work/alerts.err"; fail "reading the alerts topic failed"; }
read_alerts=$(grep -c ' event ' "$work/alerts.txt" || true)
true_positives=$(grep -c 'source fashion ' "$work/alerts.txt" || true)
precision=$(awk -v tp="$true_positives" -v n="$read_alerts" 'BEGIN { printf "%.3f", n ? tp / n : 0 }')
recall=$(awk -v tp="$true_positives" -v n="$fashion" 'BEGIN { printf "%.3f", tp / n }')
note "alerts read from the host" "$read_alerts ($true_positives Fashion articles, $((read_alerts - true_positives)) digits)"
note "precision / recall" "$precision / $recall (need >= $min_precision / >= $min_recall)"
[ "$read_alerts" -eq "$alerts" ] || fail "read $read_alerts alerts, the scorer counted $alerts"
awk -v p="$precision" -v r="$recall" -v mp="$min_precision" -v mr="$min_recall" 'BEGIN { exit !(p >= mp && r >= mr) }' \
  || fail "precision or recall below the bar"

step "Prometheus has the scorer's series"
series=0
for _ in $(seq 30); do
  series=$(curl -sf 'http://localhost:9090/api/v1/query?query=count(%7Bjob%3D%22scorer%22%7D)' \
    | sed -n 's/.*"value":\[[^,]*,"\([0-9]*\)"\].*/\1/p')
  scraped=$(curl -sf 'http://localhost:9090/api/v1/query?query=sum(scorer_events_scored_total)' \
    | sed -n 's/.*"value":\[[^,]*,"\([0-9.]*\)"\].*/\1/p')
  [ "${scraped:-0}" = "$scored" ] && break
  sleep 2
done
note "prometheus" "${series:-0} scorer series; sum(scorer_events_scored_total) = ${scraped:-none}"
[ "${scraped:-0}" = "$scored" ] || fail "Prometheus does not show the scorer's counts"
registry_up=$(curl -sf 'http://localhost:9090/api/v1/query?query=up%7Bjob%3D%22registry%22%7D' \
  | sed -n 's/.*"value":\[[^,]*,"\([0-9]*\)"\].*/\1/p')
note "prometheus: registry scraped" "up = ${registry_up:-none}"
