package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two appliance processes in full mode on one bridge, sharing one database, under a perfdhcp
 * storm; one is killed with SIGKILL halfway. Every ACK on record went to one MAC only, and
 * its lease is in the database.
 */
class TwoAppliancesTest {
    @TempDir Path dir;
    private Lab lab;
    private MongoServer mongo;
    private final List<Process> appliances = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : appliances) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.close();
        }
        if (mongo != null) {
            mongo.shutdown();
        }
    }

    private Process appliance(String name, String serverAddress, String uri) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.bergenholm.cli.Main",
                "serve", "--dhcp", "full", "--interface", lab.bridge, "--server-address", serverAddress,
                "--pool", lab.address(10) + "-" + lab.address(250), "--lease-time", "600", "--mongo-uri", uri,
                "--http-port", "0", "--tftp-port", "0", "--seed", "none", "--data-dir", dir.resolve(name).toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        appliances.add(p);
        long end = System.currentTimeMillis() + 60_000;
        while (!Files.readString(log).contains("DHCP listening")) {
            assertTrue(p.isAlive(), name + " exited: " + Files.readString(log));
            assertTrue(System.currentTimeMillis() < end, name + " did not start: " + Files.readString(log));
            Thread.sleep(200);
        }
        return p;
    }

    @Test
    void sharedDatabaseNeverAcksOneAddressTwiceAndKeepsLeasesOfAKilledAppliance() throws Exception {
        Lab.requireTool("/usr/sbin/perfdhcp", "kea-admin");
        lab = new Lab();
        Lab.sh("ip", "addr", "add", lab.address(4) + "/24", "dev", lab.bridge);
        Lab.Node relay = lab.node("t", lab.address(3));
        mongo = new MongoServer(new H2Backend(dir.resolve("shared.mv").toString()));
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/shared";
        Process a = appliance("a", lab.address(1), uri);
        Process b = appliance("b", lab.address(4), uri);

        Process storm = new ProcessBuilder(relay.exec("/usr/sbin/perfdhcp", "-4", "-l", relay.iface(), "-r", "40",
                "-R", "150", "-p", "8", "-W", "1000000", "all")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("perfdhcp.log").toFile()).start();
        Thread.sleep(4000);
        a.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
        assertTrue(storm.waitFor(60, TimeUnit.SECONDS), "perfdhcp did not finish");
        b.destroy(); // SIGTERM: b flushes its timeline
        assertTrue(b.waitFor(30, TimeUnit.SECONDS));
        String report = Files.readString(dir.resolve("perfdhcp.log"));
        System.out.println(report);

        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase db = client.getDatabase("shared");
            Map<String, String> ackedTo = new HashMap<>();
            List<String> problems = new ArrayList<>();
            int acks = 0;
            List<Document> stored = new ArrayList<>();
            for (Document batch : db.getCollection("events").find()) {
                stored.addAll(batch.getList("events", Document.class));
            }
            for (Document e : stored) {
                if (!"dhcp ack".equals(e.getString("step"))) {
                    continue;
                }
                Document d = e.get("details", Document.class);
                String address = d.getString("address");
                String mac = d.getString("mac");
                acks++;
                String before = ackedTo.putIfAbsent(address, mac);
                if (before != null && !before.equals(mac)) {
                    problems.add(address + " acknowledged to " + before + " and " + mac);
                }
            }
            ackedTo.forEach((address, mac) -> {
                Document lease = db.getCollection("leases").find(new Document("_id", address)).first();
                if (lease == null || !mac.equals(lease.getString("mac"))) {
                    problems.add("lease of " + address + " for " + mac + " not stored: " + lease);
                }
            });
            assertTrue(acks > 50, "ACKs on record: " + acks + "\n" + report);
            assertEquals(List.of(), problems);
        }
    }
}
