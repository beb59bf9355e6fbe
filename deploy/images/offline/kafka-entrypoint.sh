#!/bin/bash
# The official apache/kafka image's configuration contract, for the local stand-in: every
# KAFKA_<NAME> variable becomes a server.properties key (lower case; "___" -> "-", "__" -> "_",
# "_" -> "."), CLUSTER_ID (the official image's default when unset) formats the storage once,
# then the broker runs in the foreground.
set -euo pipefail
conf=/tmp/server.properties
: > "$conf"
while IFS='=' read -r name value; do
  [[ "$name" == KAFKA_* ]] || continue
  [[ "$name" == KAFKA_HEAP_OPTS || "$name" == KAFKA_OPTS ]] && continue
  key="${name#KAFKA_}"; key="${key,,}"; key="${key//___/-}"; key="${key//__/@}"; key="${key//_/.}"; key="${key//@/_}"
  printf '%s=%s\n' "$key" "$value" >> "$conf"
done < <(env)
grep -q '^log.dirs=' "$conf" || echo "log.dirs=/tmp/kraft-combined-logs" >> "$conf"
java -cp "/opt/kafka/libs/*" kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" --config "$conf"
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} ${KAFKA_OPTS:-} -cp "/opt/kafka/libs/*" kafka.Kafka "$conf"
