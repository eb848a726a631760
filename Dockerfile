# leakgate in a container: `docker build -t leakgate .`, then
#   docker run --rm -v "$PWD:/src" leakgate dir .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/src" leakgate git .
# A thin wrapper around the project's own scripts, which the tests and CI exercise: the build stage
# makes the .deb with scripts/package-deb.sh, the runtime stage installs it with apt-get, as
# scripts/check-package.sh does.

FROM debian:12 AS build
WORKDIR /leakgate
COPY . .
RUN scripts/package-deb.sh

FROM debian:12-slim
COPY --from=build /leakgate/dist/ /tmp/dist/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/dist/leakgate_*.deb git ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/dist \
 && useradd --create-home --uid 10001 --shell /usr/sbin/nologin leakgate \
 && mkdir -p /src
# Any user the container runs as (--user, or pre-commit's docker hooks) can keep compiled rules here.
ENV LEAKGATE_CACHE_DIR=/tmp/leakgate-cache
USER leakgate
WORKDIR /src
ENTRYPOINT ["leakgate"]
CMD ["--help"]
