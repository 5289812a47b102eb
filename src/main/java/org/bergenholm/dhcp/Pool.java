package org.bergenholm.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One address range of full mode and the options its clients get. {@code iface} or
 * {@code relay} (a giaddr inside the pool's subnet is matched too) choose the pool.
 */
public record Pool(InetAddress first, InetAddress last, InetAddress netmask, InetAddress router,
        List<InetAddress> dns, String domain, int leaseSeconds, String iface) {

    public static final int DEFAULT_LEASE_SECONDS = 3600;

    public Pool {
        if (toLong(first) > toLong(last)) {
            throw new IllegalArgumentException("pool range " + first.getHostAddress() + "-" + last.getHostAddress() + " is reversed");
        }
        if ((toLong(first) & toLong(netmask)) != (toLong(last) & toLong(netmask))) {
            throw new IllegalArgumentException("pool range crosses its subnet");
        }
        if (leaseSeconds < 60) {
            throw new IllegalArgumentException("lease time must be at least 60 seconds");
        }
        dns = List.copyOf(dns);
    }

    /** "10.0.0.100-10.0.0.200" plus the other settings, as flags and config files give them. */
    public static Pool parse(String range, String netmask, String router, List<String> dns, String domain,
            Integer leaseSeconds, String iface) {
        String[] ends = range.split("-", 2);
        if (ends.length != 2) {
            throw new IllegalArgumentException("pool must be START-END, not '" + range + "'");
        }
        List<InetAddress> servers = new ArrayList<>();
        for (String d : dns) {
            servers.add(ipv4(d.trim()));
        }
        return new Pool(ipv4(ends[0].trim()), ipv4(ends[1].trim()), ipv4(netmask == null ? "255.255.255.0" : netmask),
                router == null ? null : ipv4(router), servers, domain,
                leaseSeconds == null ? DEFAULT_LEASE_SECONDS : leaseSeconds, iface);
    }

    public long size() {
        return toLong(last) - toLong(first) + 1;
    }

    public boolean contains(InetAddress a) {
        long v = toLong(a);
        return v >= toLong(first) && v <= toLong(last);
    }

    public boolean sameSubnet(InetAddress a) {
        long mask = toLong(netmask);
        return (toLong(a) & mask) == (toLong(first) & mask);
    }

    /** The address as an unsigned number, as leases store it in `n`. */
    public static long toLong(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
    }

    static InetAddress fromLong(long v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.regex.Pattern DOTTED_QUAD = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    static InetAddress ipv4(String s) {
        if (!DOTTED_QUAD.matcher(s).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
            return a;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: '" + s + "'", e);
        }
    }
}
