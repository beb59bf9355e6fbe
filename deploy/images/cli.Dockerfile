# The image-anomaly command line (train, produce, alerts, serve, ...): the trainer job and the
# producer of the compose file and of k8s/. Carries DJL and PyTorch, so it is the large image;
# the scorer has its own lean one. Built by deploy/build-images.sh (context: target/images/cli).
ARG BASE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy
FROM ${BASE_IMAGE}

RUN if ! command -v java >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /models && chown 10001:10001 /models \
 && chmod 1777 /tmp

COPY lib/ /app/lib/
COPY data/ /app/data/
COPY image-anomaly /usr/local/bin/image-anomaly

# DJL unpacks PyTorch's native libraries into its cache, ONNX Runtime into /tmp; both writable
# for the non-root user, and nothing is downloaded at run time (ai.djl.offline).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    DJL_CACHE_DIR=/tmp/djl \
    ENGINE_CACHE_DIR=/tmp/djl
USER 10001:10001
WORKDIR /app
ENTRYPOINT ["image-anomaly"]
CMD ["--help"]
