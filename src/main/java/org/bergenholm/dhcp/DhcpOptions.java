package org.bergenholm.dhcp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Reads the DHCP part of `serve`'s options and configuration file into a DhcpConfig. */
public final class DhcpOptions {
    private DhcpOptions() {
    }

    /**
     * Command-line values win over the file's keys of the same name. The file may also list
     * several pools under `pools:` (each with range, netmask, router, dns, domain, lease-time, interface).
     */
    public static DhcpConfig from(Map<String, Object> file, String range, String netmask, String router, List<String> dns,
            String domain, Integer leaseTime, String efiLoader) {
        DhcpConfig config = DhcpConfig.defaults();
        String loader = efiLoader != null ? efiLoader : str(file.get("efi-loader"));
        if (loader != null) {
            config = config.withEfiLoader(loader);
        }
        List<Pool> pools = new ArrayList<>();
        String single = range != null ? range : str(file.get("pool"));
        if (single != null) {
            pools.add(Pool.parse(single, netmask != null ? netmask : str(file.get("netmask")),
                    router != null ? router : str(file.get("router")), dns != null ? dns : list(file.get("dns")),
                    domain != null ? domain : str(file.get("domain")),
                    leaseTime != null ? leaseTime : integer(file.get("lease-time")), null));
        }
        Object listed = file.get("pools");
        if (listed != null) {
            if (!(listed instanceof List<?> entries)) {
                throw new IllegalArgumentException("pools: expected a list of pools");
            }
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> m) || m.get("range") == null) {
                    throw new IllegalArgumentException("pools: each pool needs at least 'range: START-END'");
                }
                pools.add(Pool.parse(str(m.get("range")), str(m.get("netmask")), str(m.get("router")), list(m.get("dns")),
                        str(m.get("domain")), integer(m.get("lease-time")), str(m.get("interface"))));
            }
        }
        return config.withPools(pools);
    }

    /** The first IPv4 address of an interface: the server identifier when --server-address is not given. */
    public static String interfaceIpv4(String name) throws SocketException {
        NetworkInterface ni = NetworkInterface.getByName(name);
        if (ni == null) {
            throw new IllegalArgumentException("no network interface '" + name + "'");
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
            if (a instanceof Inet4Address) {
                return a.getHostAddress();
            }
        }
        throw new IllegalArgumentException("interface " + name + " has no IPv4 address; give --server-address");
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static Integer integer(Object o) {
        return o == null ? null : Integer.valueOf(o.toString());
    }

    private static List<String> list(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> l) {
            return l.stream().map(Object::toString).toList();
        }
        return List.of(o.toString().split(","));
    }
}
