# aiopid on the simulated board, in a container.
#
#   docker build -t aiopid .
#   docker run --rm --name aiopid aiopid                 # logs to the console; Ctrl-C / docker stop = SIGTERM
#   docker kill -s HUP aiopid                            # re-read the config (a bad one keeps the old running)
#   docker run --rm -v "$PWD/my.toml:/etc/aiopi/aiopid.toml:ro" aiopid    # another config
#   docker exec aiopid aiopictl devices                  # the remote API from inside the container
#   tools/container-check                                # builds and checks the image (also podman / buildah)
#
# podman / buildah: build with --format docker, or the HEALTHCHECK is dropped (the OCI format has none).
#
# Two stages: Debian bookworm builds aiopi's .debs with the project's own scripts (tools/install-deps, the
# default preset, tools/build-deb); bookworm-slim installs only the aiopid .deb, so apt brings exactly the runtime
# libraries its Depends name (from dpkg-shlibdeps) and its postinst creates the "aiopi" system user.

FROM debian:bookworm AS build
WORKDIR /src
# The dependency layer first, so editing sources does not reinstall the toolchain.
COPY tools/install-deps tools/install-deps
RUN tools/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
# Tests and benchmarks off: the image needs aiopid, and tools/build-deb packs everything cmake --install installs.
RUN cmake --preset default -DAIOPI_BUILD_TESTS=OFF -DAIOPI_BUILD_BENCH=OFF >/dev/null \
 && tools/build-deb --build-dir build/default --out /deb

FROM debian:bookworm-slim AS runtime
COPY --from=build /deb/aiopid_*.deb /tmp/
# Versions come from bookworm's archive, as the .deb's Depends require.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/aiopid_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/aiopid_*.deb \
 && install -d -o aiopi -g aiopi -m 0700 /var/lib/aiopi
# The shipped /etc/aiopi/aiopid.toml runs the simulated board: it blinks, reacts to a simulated button and fires a
# schedule every minute. Persisted state (last fires, retained outputs) lives in /var/lib/aiopi.
VOLUME ["/var/lib/aiopi"]
USER aiopi
WORKDIR /var/lib/aiopi
# Healthy = the API answers daemon.info (which runs on the loop, so a stuck loop fails it). The API listens on the
# container's loopback; to reach it from outside, mount a conf.d fragment with `[api] listen = ["0.0.0.0"]` and a
# tokens file (aiopid refuses a non-loopback listener without tokens; docs/remote-api.md) and publish 8765.
HEALTHCHECK --interval=30s --timeout=5s CMD ["/usr/bin/aiopictl", "--timeout", "4", "info"]
EXPOSE 8765
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/sbin/aiopid"]
CMD ["--config", "/etc/aiopi/aiopid.toml", "--board", "sim"]
