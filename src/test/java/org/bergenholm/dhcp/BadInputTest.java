package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bergenholm.events.EventLog;
import org.bergenholm.store.Database;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Garbage and floods on the real socket: the full-mode server stays up, answers valid clients, and logs little. */
class BadInputTest {
    @TempDir Path dir;
    private Database db;
    private DhcpServer server;
    private TestClient client;
    private Ports ports;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(DhcpServer.class);

    @BeforeEach
    void start() throws Exception {
        logged.start();
        serverLog.addAppender(logged);
        db = Database.embedded(dir);
        ports = new Ports(TestClient.freePort(), TestClient.freePort(), 0);
        Pool pool = Pool.parse("10.61.0.10-10.61.0.200", "255.255.255.0", null, List.of(), null, 600, null);
        server = DhcpModes.full(List.of(new Segment("lo", ip("127.0.0.1"), "http://10.61.0.1")), DhcpConfig.defaults().withPools(List.of(pool)),
                ports, ProxyLoopbackTest.HOSTS, BootAhead.NONE, EventLog.NONE, db);
        server.start();
        client = new TestClient(ports.client(), ports.server());
    }

    @AfterEach
    void stop() {
        serverLog.detachAppender(logged);
        client.close();
        server.close();
        db.close();
    }

    /** Like a real client, retransmits once a second: a packet lost in the flood's backlog is not a failure. */
    private void assertStillAnswers(String mac, int xid) throws Exception {
        DHCPPacket offer = null;
        for (int attempt = 0; attempt < 5 && offer == null; attempt++) {
            client.send(request(DhcpRequest.DISCOVER, mac, xid));
            offer = client.receive(xid, 1000);
        }
        assertNotNull(offer, "no offer for a valid client after the bad input: " + server.counters());
        assertEquals(DhcpRequest.OFFER, offer.getDHCPMessageType().intValue());
    }

    private long warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    @Test
    void malformedPacketsAreCountedAndTheServerAnswersAfterwards() throws Exception {
        byte[] good = request(DhcpRequest.DISCOVER, "52:54:00:00:00:01", 1).serialize();
        List<byte[]> bad = List.of(
                new byte[0],
                Arrays.copyOf(good, 100),                              // truncated inside the fixed header
                Arrays.copyOf(good, 241),                              // cut right after the magic cookie
                optionPastTheEnd(good),                                // option length runs past the packet
                optionsOnly(),                                         // cookie and options, no BOOTP header
                new byte[1500]);                                       // all zeros
        for (int round = 0; round < 50; round++) {
            for (byte[] b : bad) {
                client.send(b, ports.server());
            }
        }
        assertStillAnswers("52:54:00:00:00:02", 77);
        assertTrue(server.counters().malformed().get() >= 200, "malformed counted: " + server.counters().malformed());
        assertTrue(warnings() <= 2, "warnings are rate-limited, got " + warnings());
    }

    @Test
    void floodFromOneMacDoesNotStarveOtherClients() throws Exception {
        byte[] flood = request(DhcpRequest.DISCOVER, "52:54:00:66:66:66", 9).serialize();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        long end = start + 2_000_000_000L;
        Runnable sender = () -> {
            try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(flood, flood.length,
                        new java.net.InetSocketAddress("127.0.0.1", ports.server()));
                while (System.nanoTime() < end) {
                    s.send(p);
                    sent.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Thread a = new Thread(sender);
        Thread b = new Thread(sender);
        a.start();
        b.start();
        a.join();
        b.join();
        System.out.println("flood sent " + sent + " in 2 s; counters " + server.counters());
        assertStillAnswers("52:54:00:00:00:03", 78);
        assertTrue(sent.get() >= 5000, "flood too slow to mean anything: " + sent);
        long handled = server.counters().offers().get();
        // The backlog drains after the flood ends, so count every one-second window since it began.
        long windows = (System.nanoTime() - start) / 1_000_000_000L + 2;
        assertTrue(handled <= windows * 20 + 1, "the flooding MAC is held to 20 packets a second: " + handled
                + " offers in " + windows + " windows");
        assertTrue(warnings() <= 2, "warnings are rate-limited, got " + warnings());
    }

    private static byte[] optionPastTheEnd(byte[] good) {
        byte[] b = Arrays.copyOf(good, 244);
        b[240] = 53;
        b[241] = (byte) 200; // claims 200 bytes, 2 remain
        return b;
    }

    private static byte[] optionsOnly() {
        return new byte[] {99, (byte) 130, 83, 99, 53, 1, 1, (byte) 255};
    }
}
