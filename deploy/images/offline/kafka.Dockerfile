# Stand-in for apache/kafka where no container registry is reachable (deploy/compose-smoke.sh):
# the broker from the same Maven Central jars the embedded stack runs (kafka_2.13 at the
# project's kafka.version), configured from KAFKA_* variables as the official image is.
ARG BASE_IMAGE=localhost/debian-minbase:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 appuser && useradd --uid 1000 --gid 1000 --no-create-home --shell /usr/sbin/nologin appuser
COPY lib/ /opt/kafka/libs/
COPY kafka-entrypoint.sh /etc/kafka/docker/run
USER appuser
EXPOSE 9092
# CMD, not ENTRYPOINT, as in the official image: Testcontainers replaces the command with its
# own start script, which ends by running this one.
CMD ["/etc/kafka/docker/run"]
