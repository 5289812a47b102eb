#!/bin/sh
# Copies the iPXE loaders from Debian's "ipxe" package (/usr/lib/ipxe) into this directory,
# installing the package first when it is missing.
set -eu
dest=$(cd "$(dirname "$0")" && pwd)
src=/usr/lib/ipxe
files="undionly.kpxe snponly.efi ipxe.efi"

if [ ! -f "$src/undionly.kpxe" ]; then
    echo "installing Debian package ipxe (provides $src)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y ipxe
fi

for f in $files; do
    if [ -f "$src/$f" ]; then
        cp "$src/$f" "$dest/$f"
        echo "copied $f"
    else
        echo "warning: $src/$f not found in the ipxe package" >&2
    fi
done
