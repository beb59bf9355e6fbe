# Stand-in for prom/prometheus where no container registry is reachable (deploy/compose-smoke.sh):
# Debian's prometheus package, with the official image's entrypoint, user and storage path.
ARG BASE_IMAGE=localhost/debian-minbase:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && { [ -e /bin/prometheus ] || ln -s /usr/bin/prometheus /bin/prometheus; } \
 && mkdir -p /prometheus && chown 65534:65534 /prometheus
USER 65534
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
