#!/usr/bin/env bash
# Installs everything the server and its test suite need on a fresh Debian 12 machine (as root).
# Idempotent: packages already present are not downloaded again.
set -euo pipefail

want_tests=${1:-}

base=(openjdk-17-jdk-headless maven curl ca-certificates openssl xdelta3)
tests=(nginx-light lxd lxd-client squashfs-tools xz-utils qemu-utils busybox-static
  buildah podman runc conmon slirp4netns catatonit mmdebstrap uidmap chromium chromium-driver
  ceph-mon ceph-osd radosgw ceph-common slapd ldap-utils gnupg gpgv)
# incus-extra holds incus-simplestreams, which writes the static tree the mirror tests mirror.
backports=(incus-client incus-base incus-extra)

missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
  return 0
}

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: run as root (apt-get is needed)" >&2
  exit 1
fi

need=($(missing "${base[@]}"))
if [ "$want_tests" = "--tests" ]; then
  need+=($(missing "${tests[@]}"))
  # The Dockerfile linter comes from npm; keep a Node.js that is already there (it may not be Debian's).
  command -v npm >/dev/null || need+=(nodejs npm)
  need_bp=($(missing "${backports[@]}"))
else
  need_bp=()
fi

if [ ${#need[@]} -eq 0 ] && [ ${#need_bp[@]} -eq 0 ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [ ${#need_bp[@]} -gt 0 ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Incus is only packaged for Debian 12 in backports; reuse the mirror the machine already uses.
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '/^URIs:/ {print $2} /^deb / {print $2}' | grep -E '/debian/?$' | sed -n 1p || true)
  if [ -z "$mirror" ]; then
    echo "install-deps: apt has no Debian mirror configured (a URIs: or deb line ending in /debian), so" \
      "bookworm-backports cannot be added for ${need_bp[*]}; configure apt's Debian sources and run again" >&2
    exit 1
  fi
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" > /etc/apt/sources.list.d/bookworm-backports.sources
fi
# Installing nginx or lxd must not start system services on the developer's machine.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if [ ${#need_bp[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "${need_bp[@]}"
fi
