#!/bin/bash
# A boot lab on this machine: a network namespace with a bridge that QEMU guests join through
# tap devices, and a veth link so that the host reaches the appliance running inside.
#
#   lab.sh up LAB                 namespace LAB: bridge br0 10.80.0.1/24 (the boot network),
#                                 veth to the host: host side 10.81.0.1, lab side 10.81.0.2
#   lab.sh run LAB CMD...         run CMD inside the lab (the appliance, dnsmasq, curl...)
#   lab.sh vm LAB N bios|uefi UUID CONSOLE [HTTP_ONLY]
#                                 guest N (tap N on br0, MAC 52:54:00:80:00:N) in the foreground;
#                                 serial console to the file CONSOLE. bios: e1000 with QEMU's iPXE
#                                 ROM; uefi: OVMF and virtio-net with no ROM, so UEFI's own PXE
#                                 (or HTTP boot) runs.
#   lab.sh down LAB               remove the namespace, its devices and every guest in it
# Needs root, iproute2, qemu-system-x86, ovmf (for uefi), ipxe-qemu. Guests use -accel tcg.
set -euo pipefail
cmd=${1:?usage: lab.sh up|run|vm|down LAB ...}; lab=${2:?lab name}
host_if="${lab:0:10}h"

case $cmd in
up)
    ip netns add "$lab"
    ip -n "$lab" link set lo up
    ip -n "$lab" link add br0 type bridge
    ip -n "$lab" link set br0 type bridge forward_delay 0 stp_state 0
    ip -n "$lab" addr add 10.80.0.1/24 brd + dev br0
    ip -n "$lab" link set br0 up
    ip link add "$host_if" type veth peer name mgmt0 netns "$lab"
    ip addr add 10.81.0.1/30 dev "$host_if"
    ip link set "$host_if" up
    ip -n "$lab" addr add 10.81.0.2/30 dev mgmt0
    ip -n "$lab" link set mgmt0 up
    ;;
run)
    shift 2
    exec ip netns exec "$lab" "$@"
    ;;
vm)
    n=${3:?guest number}; firmware=${4:?bios or uefi}; uuid=${5:?uuid}; console=${6:?console file}
    mac=$(printf '52:54:00:80:00:%02x' "$n")
    tap="tap$n"
    # A guest that powers off and boots again (a reinstall) reuses its tap.
    ip -n "$lab" link show "$tap" >/dev/null 2>&1 || ip -n "$lab" tuntap add dev "$tap" mode tap
    ip -n "$lab" link set "$tap" master br0
    ip -n "$lab" link set "$tap" up
    args=(-accel tcg -m 512 -smp 1 -no-reboot -nographic -vga none -monitor none -serial "file:$console"
          -smbios "type=1,uuid=$uuid" -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
    if [ "$firmware" = bios ]; then
        args+=(-device "e1000,netdev=n0,mac=$mac" -boot n)
    else
        # Fresh variables at each boot, kept with the lab (not in /tmp) so that "down" removes them.
        mkdir -p "/run/bergenholm-lab-$lab"
        vars="/run/bergenholm-lab-$lab/ovmf-vars.$n"
        cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
        args+=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
               -drive "if=pflash,format=raw,file=$vars"
               -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=")
    fi
    exec ip netns exec "$lab" qemu-system-x86_64 "${args[@]}"
    ;;
down)
    if [ -e "/run/netns/$lab" ]; then
        for pid in $(ip netns pids "$lab" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$lab"
    fi
    ip link del "$host_if" 2>/dev/null || true
    rm -rf "/run/bergenholm-lab-$lab"
    ;;
*)
    echo "lab.sh: unknown command $cmd" >&2; exit 2
    ;;
esac
