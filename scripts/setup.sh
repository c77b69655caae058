#!/bin/sh
# Install the Debian 12 packages git-mlv needs to build, test and run its demo.
# Idempotent: prints nothing and changes nothing when all are present.
set -eu

packages="cmake ninja-build g++ pkg-config libgit2-dev libssl-dev libxxhash-dev
nlohmann-json3-dev libcli11-dev doctest-dev git git-lfs python3 pre-commit"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing packages:$missing; run this script as root or install them with apt-get" >&2
    exit 1
fi
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # the package list is meant to split
apt-get install -y -qq --no-install-recommends $missing >/dev/null
