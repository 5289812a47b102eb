package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;
import org.bergenholm.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perfdhcp (Debian kea-admin) as a relay in a namespace drives full DORA exchanges;
 * every ACK is checked: no address ever acknowledged to two MACs.
 */
class PerfdhcpTest {
    private static final HostLookup NO_HOSTS = new HostLookup() {
        public Optional<Map<String, Object>> resolve(String id) { return Optional.empty(); }
        public Optional<String> hostIdByMac(String mac) { return Optional.empty(); }
        public Optional<String> hostIdByAddress(String ip) { return Optional.empty(); }
    };
    @TempDir Path dir;
    private Lab lab;
    private MongoServer mongo;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, String> ackedTo = new ConcurrentHashMap<>();
    private final List<String> conflicts = new CopyOnWriteArrayList<>();

    private final EventLog acks = (host, step, details) -> {
        if (step.equals("dhcp ack")) {
            String address = (String) details.get("address");
            String mac = (String) details.get("mac");
            String before = ackedTo.putIfAbsent(address, mac);
            if (before != null && !before.equals(mac)) {
                conflicts.add(address + " to " + before + " and " + mac);
            }
        }
    };

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (mongo != null) {
            mongo.shutdown();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private DhcpServer server(String serverId, Database db, Pool pool) throws Exception {
        DhcpServer s = DhcpModes.full(List.of(new Segment(lab.bridge, InetAddress.getByName(serverId), "http://" + serverId)),
                DhcpConfig.defaults().withPools(List.of(pool)), Ports.STANDARD, NO_HOSTS, BootAhead.NONE, acks, db);
        s.start();
        open.add(s);
        return s;
    }

    private Database database() {
        if (mongo == null) {
            mongo = new MongoServer(new H2Backend(dir.resolve("leases.mv").toString()));
            mongo.bind("127.0.0.1", 0);
        }
        Database db = Database.connect("mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/perf", "perf");
        open.add(db);
        return db;
    }

    /** Runs perfdhcp; returns {sent, received} of the REQUEST-ACK exchanges and prints its report. */
    private long[] perfdhcp(Lab.Node node, String target, int rate, int clients, int seconds) throws Exception {
        Lab.requireTool("/usr/sbin/perfdhcp", "kea-admin");
        Process p = new ProcessBuilder(node.exec("/usr/sbin/perfdhcp", "-4", "-l", node.iface(), "-r", String.valueOf(rate),
                "-R", String.valueOf(clients), "-p", String.valueOf(seconds), "-W", "1000000", target))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println(out);
        Matcher m = Pattern.compile("(?s)REQUEST-ACK.*?sent packets: (\\d+).*?received packets: (\\d+)").matcher(out);
        assertTrue(m.find(), "perfdhcp report without REQUEST-ACK figures: " + out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    @Test
    void perfdhcpExchangesNeverAckOneAddressTwice() throws Exception {
        lab = new Lab();
        Lab.Node relay = lab.node("f", lab.address(3));
        Pool pool = Pool.parse(lab.address(10) + "-" + lab.address(250), "255.255.255.0", lab.address(1), List.of(), null, 600, null);
        server(lab.address(1), database(), pool);
        long[] result = perfdhcp(relay, lab.address(1), 100, 200, 4);
        assertTrue(result[0] > 200, "perfdhcp sent REQUESTs: " + result[0]);
        assertTrue(result[1] >= result[0] * 0.99, "ACKs received " + result[1] + " of " + result[0]);
        assertEquals(List.of(), conflicts);
        assertTrue(ackedTo.size() > 100, "distinct addresses acknowledged: " + ackedTo.size());
    }

    /**
     * Two servers (two sockets on one bridge, two database clients, one database), both
     * hearing every broadcast: the pool is shared and no address is acknowledged twice.
     */
    @Test
    void twoServersSharingOneDatabaseNeverAckOneAddressTwice() throws Exception {
        lab = new Lab();
        Lab.sh("ip", "addr", "add", lab.address(4) + "/24", "dev", lab.bridge);
        Lab.Node relay = lab.node("g", lab.address(3));
        Pool pool = Pool.parse(lab.address(10) + "-" + lab.address(250), "255.255.255.0", lab.address(1), List.of(), null, 600, null);
        DhcpServer a = server(lab.address(1), database(), pool);
        DhcpServer b = server(lab.address(4), database(), pool);
        long[] result = perfdhcp(relay, "all", 50, 200, 4);
        assertTrue(result[1] > 100, "ACKs received: " + result[1]);
        assertTrue(a.counters().offers().get() > 0 && b.counters().offers().get() > 0,
                "both servers offered: " + a.counters().offers() + " / " + b.counters().offers());
        assertEquals(List.of(), conflicts);
    }
}
