package org.bergenholm.doctor;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.store.Database;
import org.bergenholm.tftp.BootAssets;

/** `bergenholm doctor`: checks a configuration against this machine before the appliance runs. */
public final class Doctor {
    private static final List<String> LOADERS = List.of("undionly.kpxe", "snponly.efi", "ipxe.efi");

    private final ApplianceConfig config;
    private final Duration dhcpWait;

    public Doctor(ApplianceConfig config, Duration dhcpWait) {
        this.config = config;
        this.dhcpWait = dhcpWait;
    }

    public List<Finding> run() {
        List<Finding> findings = new ArrayList<>();
        if (config.interfaces().isEmpty() && !"off".equals(config.dhcp())) {
            findings.add(Finding.fail("interface", "DHCP is " + config.dhcp() + " but no interface is set",
                    "set --interface (or `interface:` in the file) to the boot network's interface"));
        }
        List<Optional<InterfaceAddress>> addresses = config.interfaces().stream().map(name -> checkInterface(findings, name)).toList();
        checkPorts(findings);
        checkBootAssets(findings);
        checkDatabase(findings);
        for (int i = 0; i < addresses.size(); i++) {
            String name = config.interfaces().get(i);
            addresses.get(i).ifPresent(address -> checkOtherDhcpServer(findings, name, address));
        }
        return findings;
    }

    private Optional<InterfaceAddress> checkInterface(List<Finding> findings, String name) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            if (ni == null) {
                findings.add(Finding.fail("interface", name + " does not exist", "check `ip link`; set --interface to an existing one"));
                return Optional.empty();
            }
            if (!ni.isUp()) {
                findings.add(Finding.fail("interface", name + " is down", "ip link set " + name + " up"));
                return Optional.empty();
            }
            for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address) {
                    findings.add(Finding.pass("interface", name + " has " + a.getAddress().getHostAddress() + "/" + a.getNetworkPrefixLength()));
                    return Optional.of(a);
                }
            }
            findings.add(Finding.fail("interface", name + " has no IPv4 address", "ip addr add <address>/<prefix> dev " + name));
        } catch (IOException e) {
            findings.add(Finding.fail("interface", "cannot read " + name + ": " + e.getMessage(), "check `ip addr`"));
        }
        return Optional.empty();
    }

    private void checkPorts(List<Finding> findings) {
        List<String> busy = new ArrayList<>();
        InetAddress listen;
        try {
            listen = InetAddress.getByName(config.listen());
        } catch (IOException e) {
            findings.add(Finding.fail("ports", "listen address " + config.listen() + " is not valid", "set --listen to an address of this machine"));
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(listen, config.httpPort()));
        } catch (IOException e) {
            busy.add("tcp/" + config.httpPort() + " (http)");
        }
        if (config.tftp() != null) {
            udpFree(listen, config.tftp().port(), "tftp", busy);
        }
        if (!"off".equals(config.dhcp())) {
            udpFree(new InetSocketAddress(0).getAddress(), 67, "dhcp", busy);
        }
        if (busy.isEmpty()) {
            findings.add(Finding.pass("ports", "free on " + config.listen()));
        } else {
            findings.add(Finding.fail("ports", "in use: " + String.join(", ", busy),
                    "stop what holds them (`ss -lntup`), e.g. dnsmasq or tftpd-hpa, or choose other ports"));
        }
    }

    private static void udpFree(InetAddress address, int port, String what, List<String> busy) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, port))) {
            s.getLocalPort();
        } catch (IOException e) {
            busy.add("udp/" + port + " (" + what + ")");
        }
    }

    private void checkBootAssets(List<Finding> findings) {
        Path root = BootAssets.chooseRoot(config.bootAssets());
        List<String> missing = LOADERS.stream().filter(f -> !Files.isRegularFile(root.resolve(f))).toList();
        if (missing.isEmpty()) {
            findings.add(Finding.pass("ipxe binaries", "all present in " + root));
        } else {
            findings.add(Finding.fail("ipxe binaries", root + " lacks " + String.join(", ", missing),
                    "apt-get install ipxe, or run boot-assets/fill-from-debian.sh (see boot-assets/README.md)"));
        }
    }

    private void checkDatabase(List<Finding> findings) {
        try (Database db = config.mongoUri() == null ? Database.embedded(config.dataDir()) : Database.connect(config.mongoUri(), Database.DEFAULT_NAME)) {
            if (db.ping()) {
                findings.add(Finding.pass("database", db.description() + " answers"));
            } else {
                findings.add(Finding.fail("database", db.description() + " does not answer", "check --mongo-uri and that MongoDB runs"));
            }
        } catch (RuntimeException e) {
            findings.add(Finding.fail("database", "cannot open: " + e.getMessage(),
                    config.mongoUri() == null ? "is the appliance already running on " + config.dataDir() + "? check its permissions"
                            : "check --mongo-uri and that MongoDB runs"));
        }
    }

    private void checkOtherDhcpServer(List<Finding> findings, String iface, InterfaceAddress address) {
        if ("off".equals(config.dhcp())) {
            return;
        }
        try {
            byte[] mac = NetworkInterface.getByInetAddress(address.getAddress()).getHardwareAddress();
            InetAddress broadcast = address.getBroadcast() != null ? address.getBroadcast() : InetAddress.getByName("255.255.255.255");
            Optional<InetAddress> other = OtherDhcpServer.probe(broadcast, mac == null ? new byte[6] : mac, dhcpWait);
            if (other.isPresent() && "full".equals(config.dhcp())) {
                findings.add(Finding.fail("other dhcp server", other.get().getHostAddress() + " already answers on " + iface,
                        "use --dhcp proxy beside it, or stop it"));
            } else if (other.isPresent()) {
                findings.add(Finding.pass("other dhcp server", other.get().getHostAddress() + " hands out addresses on " + iface + "; proxy mode adds boot information"));
            } else if ("proxy".equals(config.dhcp())) {
                findings.add(Finding.fail("other dhcp server", "none answered on " + iface + " within " + dhcpWait.toMillis() + " ms",
                        "proxy mode needs one: use --dhcp full with --pool, or check the network"));
            } else {
                findings.add(Finding.pass("other dhcp server", "none answers on " + iface));
            }
        } catch (IOException e) {
            findings.add(Finding.fail("other dhcp server", "cannot probe " + iface + ": " + e.getMessage(),
                    "run as root (port 68) and stop any DHCP client on " + iface));
        }
    }
}
