#!/usr/bin/env bash
# Builds the OCI images from the Maven build's jars:
#   image-anomaly-scorer:<tag>   the streaming scorer (lean: ONNX Runtime, Kafka Streams, no DJL)
#   image-anomaly:<tag>          the command line: trainer job, producer, alerts
# With --gpu, image-anomaly-scorer:<tag>-cuda instead: jars built with -Pcuda on a CUDA 12 + cuDNN 9 base.
#
# Environment: CONTAINER_CLI (docker or podman; the first found), IMAGE_TAG (default 0.1.0),
# BASE_IMAGE (default: each Dockerfile's public Temurin 17 JRE), MAVEN_ARGS (extra arguments
# for ./mvnw, e.g. -o). Images stay local; push them to your registry yourself.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gpu=false
[ "${1:-}" = "--gpu" ] && gpu=true
cli="${CONTAINER_CLI:-$(command -v docker || command -v podman || true)}"
[ -n "$cli" ] || { echo "build-images: neither docker nor podman found (set CONTAINER_CLI)" >&2; exit 1; }
tag="${IMAGE_TAG:-0.1.0}"
cuda_base="nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04"
# Podman writes OCI images by default, which have no HEALTHCHECK; the Docker format keeps it.
format=()
[[ "$(basename "$cli")" == podman* ]] && format=(--format docker)

profile=()
$gpu && profile=(-Pcuda)
echo "build-images: packaging the jars (./mvnw ${profile[*]} ${MAVEN_ARGS:-})" >&2
# shellcheck disable=SC2086
"$root/mvnw" -B -q ${MAVEN_ARGS:-} "${profile[@]}" -DskipTests -pl scorer-stream,app -am \
    package dependency:copy-dependencies -DincludeScope=runtime

stage="$root/target/images"
rm -rf "$stage/scorer" "$stage/cli"
mkdir -p "$stage/scorer/lib" "$stage/cli/lib" "$stage/cli/data"
cp "$root"/scorer-stream/target/dependency/*.jar "$root"/scorer-stream/target/scorer-stream-*.jar "$stage/scorer/lib/"
cp "$root/deploy/images/http-check" "$root/deploy/images/scorer.properties" "$stage/scorer/"
cp "$root"/app/target/dependency/*.jar "$root"/app/target/app-*.jar "$stage/cli/lib/"
cp "$root"/data/*.gz "$root"/data/README.md "$root"/data/*.copyright "$stage/cli/data/"
cp "$root/deploy/images/image-anomaly" "$stage/cli/"

base=()
[ -n "${BASE_IMAGE:-}" ] && base=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
if $gpu; then
  [ -n "${BASE_IMAGE:-}" ] || base=(--build-arg "BASE_IMAGE=$cuda_base")
  "$cli" build "${format[@]}" "${base[@]}" -t "image-anomaly-scorer:$tag-cuda" \
      -f "$root/deploy/images/scorer.Dockerfile" "$stage/scorer"
  exit 0
fi
"$cli" build "${format[@]}" "${base[@]}" -t "image-anomaly-scorer:$tag" -f "$root/deploy/images/scorer.Dockerfile" "$stage/scorer"
"$cli" build "${format[@]}" "${base[@]}" -t "image-anomaly:$tag" -f "$root/deploy/images/cli.Dockerfile" "$stage/cli"
