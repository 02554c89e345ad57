#!/usr/bin/env bash
# Build the image and run it once, where no registry image can be pulled: a Debian base made with debootstrap
# (from Debian's package mirror), the image built from deploy/Dockerfile with buildah on that base, then
# `nkbot check` and `nkbot ask` run inside it with podman, as the image's non-root user, on a read-only root
# file system. Needs root and the Debian packages debootstrap, buildah and podman (and runc inside another
# container).
#
#   sudo apt-get install -y debootstrap buildah podman runc
#   sudo deploy/build-local.sh            # BASE_ROOTFS=/var/tmp/nkbot-rootfs SUITE=bookworm by default
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE=${SUITE:-bookworm}  # Debian 12: Python 3.11
MIRROR=${MIRROR:-http://deb.debian.org/debian}
BASE_ROOTFS=${BASE_ROOTFS:-/var/tmp/nkbot-rootfs}
BASE=localhost/nkbot-base:$SUITE
TAG=localhost/nkbot:$(git rev-parse --short HEAD 2>/dev/null || echo local)

if ! podman image exists "$BASE"; then
    if [ ! -x "$BASE_ROOTFS/usr/bin/python3" ]; then
        debootstrap --variant=minbase \
            --include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates \
            "$SUITE" "$BASE_ROOTFS" "$MIRROR"
    fi
    # Certificate authorities the build host adds (a TLS-inspecting proxy in front of PyPI) are trusted in the
    # base too, so the build's pip reaches PyPI as the host's does; the host's own bundle stays untouched.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$BASE_ROOTFS/usr/local/share/ca-certificates/"
        chroot "$BASE_ROOTFS" update-ca-certificates > /dev/null
    fi
    rm -rf "$BASE_ROOTFS/var/cache/apt/archives"/*.deb "$BASE_ROOTFS/var/lib/apt/lists"/*
    tar -C "$BASE_ROOTFS" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE"
fi

# Docker format, so that the image keeps its HEALTHCHECK (OCI images have none).
buildah bud --format docker --isolation chroot --build-arg BASE="$BASE" -f deploy/Dockerfile -t "$TAG" .

# Inside another container (as on the machines this was first run on), crun refuses hybrid cgroups and
# limits above the outer ones: runc with cgroupfs and modest limits work there, and anywhere else too.
PODMAN=(podman)
if command -v runc > /dev/null; then PODMAN+=(--runtime runc --cgroup-manager=cgroupfs); fi
LIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
run() { "${PODMAN[@]}" run --rm --no-healthcheck --read-only --tmpfs /tmp --user 10001:10001 --network none "${LIMITS[@]}" "$TAG" "$@"; }
echo "--- the user:"; run id
echo "--- the root file system:"; run sh -c 'touch /app/x 2>&1 || true'
echo "--- nkbot check:"; run nkbot check | head -1
echo "--- nkbot ask:"; run nkbot ask "What share of disappearances is the MSS responsible for?"
echo "built and ran $TAG ($(podman image inspect --format '{{.Size}}' "$TAG" | numfmt --to=iec) )"
