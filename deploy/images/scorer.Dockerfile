# The streaming scorer: ONNX Runtime + Kafka Streams, no DJL. Built from the Maven build's jars
# by deploy/build-images.sh (context: target/images/scorer).
#   default base: a public Temurin 17 JRE
#   GPU:          --build-arg BASE_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04 on jars built
#                 with -Pcuda (onnxruntime_gpu 1.2x needs CUDA 12 and cuDNN 9); the JRE then comes from apt
ARG BASE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy
FROM ${BASE_IMAGE}

# Bases without a JRE (CUDA runtime, plain Debian) get the distribution's.
RUN if ! command -v java >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /models /var/lib/image-anomaly/state && chown 10001:10001 /var/lib/image-anomaly/state \
 && chmod 1777 /tmp

COPY lib/ /app/lib/
COPY http-check /usr/local/bin/http-check
COPY scorer.properties /etc/image-anomaly/scorer.properties

# ONNX Runtime unpacks its native library into java.io.tmpdir (/tmp), which must stay writable;
# the Kafka Streams state (the logged micro-batch buffer) lives under /var/lib/image-anomaly.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=6s --start-period=60s --retries=3 CMD ["http-check", "8080", "/health/ready"]
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -cp '/app/lib/*' dev.imageanomaly.stream.ScorerApp \"$@\"", "scorer"]
CMD ["--config", "/etc/image-anomaly/scorer.properties"]
