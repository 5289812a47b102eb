package org.bergenholm.dhcp;

import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * One network the DHCP server answers on: its interface (null: every interface, the receiving
 * one unknown), the server identifier and next-server it gives there, and the base URL machines
 * there reach the appliance by.
 */
public record Segment(String iface, InetAddress server, String baseUrl) {

    /**
     * The segments of the configured interfaces. With several, each answers with its own IPv4
     * address (a client on one network may not reach the others), and a base URL naming
     * {@code server} names that address instead; a base URL naming anything else (a DNS name)
     * is kept for all.
     */
    public static List<Segment> of(List<String> interfaces, InetAddress server, String baseUrl) throws SocketException {
        if (interfaces.size() <= 1) {
            return List.of(new Segment(interfaces.isEmpty() ? null : interfaces.get(0), server, baseUrl));
        }
        if (interfaces.stream().distinct().count() != interfaces.size()) {
            throw new IllegalArgumentException("interface listed twice: " + interfaces);
        }
        List<Segment> segments = new ArrayList<>();
        for (String iface : interfaces) {
            InetAddress own = Pool.ipv4(DhcpOptions.interfaceIpv4(iface));
            segments.add(new Segment(iface, own, withHost(baseUrl, server.getHostAddress(), own.getHostAddress())));
        }
        return List.copyOf(segments);
    }

    /** {@code url} with its host replaced when it is exactly {@code host}; otherwise as it is. */
    static String withHost(String url, String host, String replacement) {
        String prefix = url.startsWith("https://") ? "https://" : "http://";
        String rest = url.substring(Math.min(prefix.length(), url.length()));
        if (!url.startsWith(prefix) || !rest.startsWith(host)) {
            return url;
        }
        String after = rest.substring(host.length());
        return after.isEmpty() || after.startsWith(":") || after.startsWith("/") ? prefix + replacement + after : url;
    }
}
