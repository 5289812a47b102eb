#!/bin/bash
# Builds the lab's "installer": Debian's kernel and an initramfs from busybox-static whose /init
# plays an OS installer. It takes its address by DHCP, fetches its rendered kickstart (URL in
# bh_ks= on the kernel command line), checks that the kickstart contains bh_expect=, calls
# bh_installed= (the host's installed_url) and powers the machine off. Prints INSTALL-OK or
# INSTALL-FAILED: <why> on the serial console.
#   make-install-image.sh DIR   -> DIR/vmlinuz, DIR/initrd.gz (cached in /var/cache/bergenholm-lab)
set -euo pipefail
out=${1:?usage: make-install-image.sh DIR}
cache=/var/cache/bergenholm-lab
mkdir -p "$out" "$cache"
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
version=${pkg#linux-image-}
if [ ! -f "$cache/vmlinuz-$version" ] || [ ! -f "$cache/e1000-$version.ko" ]; then
    (cd "$cache" && rm -f ./*.deb && apt-get download -qq "$pkg" >/dev/null 2>&1)
    dpkg-deb --fsys-tarfile "$cache"/"$pkg"_*.deb | tar -x -C "$cache" "./boot/vmlinuz-$version" \
        "./lib/modules/$version/kernel/drivers/net/ethernet/intel/e1000/e1000.ko"
    mv "$cache/boot/vmlinuz-$version" "$cache/vmlinuz-$version"
    mv "$cache/lib/modules/$version/kernel/drivers/net/ethernet/intel/e1000/e1000.ko" "$cache/e1000-$version.ko"
    rm -rf "$cache/boot" "$cache/lib" "$cache"/*.deb
fi
cp "$cache/vmlinuz-$version" "$out/vmlinuz"

# The initramfs has no libc, so it needs busybox-static's binary whichever busybox the host has
# installed (the two packages conflict; the dynamic one makes /init fail with ENOENT).
bb=$(apt-cache policy busybox-static | awk '/Candidate:/ {print $2}')
if [ ! -x "$cache/busybox-static-$bb" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq busybox-static >/dev/null 2>&1)
    dpkg-deb --fsys-tarfile "$tmp"/busybox-static_*.deb | tar -x -C "$tmp" ./bin/busybox
    mv "$tmp/bin/busybox" "$cache/busybox-static-$bb"
    rm -rf "$tmp"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc}
cp "$cache/busybox-static-$bb" "$root/bin/busybox"
for tool in sh mount insmod ip udhcpc wget grep sed cat echo sleep poweroff route; do ln -s busybox "$root/bin/$tool"; done
cp "$cache/e1000-$version.ko" "$root/e1000.ko"
cat > "$root/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/${mask:-24}" dev "$interface"
[ -n "$router" ] && ip route add default via "$router"
exit 0
SCRIPT
cat > "$root/init" <<'SCRIPT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
fail() { echo "INSTALL-FAILED: $*"; poweroff -f; }
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
echo "installer: starting"
insmod /e1000.ko || fail "no e1000 driver"
ip link set eth0 up
udhcpc -i eth0 -n -q -t 10 -s /udhcpc.sh || fail "no DHCP answer"
wget -q -O /tmp/ks "$(arg bh_ks)" || fail "cannot fetch $(arg bh_ks)"
grep -q "$(arg bh_expect)" /tmp/ks || fail "kickstart lacks $(arg bh_expect)"
echo "installer: kickstart has this host's parameters"
wget -q -O /tmp/done "$(arg bh_installed)" || fail "cannot call $(arg bh_installed)"
echo "INSTALL-OK"
poweroff -f
SCRIPT
chmod 755 "$root/init" "$root/udhcpc.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$out/initrd.gz")
