# Stand-in for apicurio/apicurio-registry where no container registry is reachable
# (deploy/compose-smoke.sh): the same server distribution the embedded stack runs
# (io.apicurio:apicurio-registry-app:<apicurio.version>:tar.gz:all from Maven Central).
ARG BASE_IMAGE=localhost/debian-minbase:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1001 registry && useradd --uid 1001 --gid 1001 --no-create-home --shell /usr/sbin/nologin registry
ADD apicurio-registry-app-all.tar.gz /deployments/
USER registry
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "-c", "exec java ${JAVA_OPTS:--Xmx384m} -jar /deployments/apicurio-registry-app-*-runner.jar"]
