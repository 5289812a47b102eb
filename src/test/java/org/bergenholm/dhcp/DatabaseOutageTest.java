package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.ip;
import static org.junit.jupiter.api.Assertions.*;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.InventoryView;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DHCP while its database is down, with busybox udhcpc in network namespaces as the clients:
 * the database (mongo-java-server, H2 file) is stopped and started again on the same port and
 * file under a running server, or was never there. Proxy mode answers from memory; full mode
 * offers from memory and acknowledges only what it can store; both recover on their own.
 */
class DatabaseOutageTest {
    private static final String[] PXE_FIRMWARE = {"-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000"};
    @TempDir Path dir;
    private Lab lab;
    private MongoServer mongo;
    private int port;
    private Database db;
    private DhcpServer server;
    private final List<InventoryView> views = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        views.forEach(InventoryView::close);
        if (db != null) {
            db.close();
        }
        if (mongo != null) {
            mongo.shutdown();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** The in-memory inventory DHCP answers from in service. */
    private InventoryView view(Inventory inventory) {
        InventoryView view = new InventoryView(inventory, DhcpModes.REFRESH);
        views.add(view);
        return view;
    }

    private void startDatabase() {
        mongo = new MongoServer(new H2Backend(dir.resolve("db.mv").toString()));
        mongo.bind("127.0.0.1", port);
        port = mongo.getLocalAddress().getPort();
    }

    private void stopDatabase() {
        mongo.shutdown();
        mongo = null;
    }

    /** The appliance's client: gives up on an absent database after 1 s instead of 5 s, so the test runs quickly. */
    private Inventory connect() {
        db = Database.connect("mongodb://127.0.0.1:" + port + "/outage?serverSelectionTimeoutMS=1000", "outage");
        return new Inventory(new ParameterStore(db, "hosts"), new ParameterStore(db, "groups"), new TemplateStore(db),
                new TemplateRenderer(), (host, step, details) -> { });
    }

    private DhcpConfig pool() {
        return DhcpConfig.defaults().withPools(List.of(Pool.parse(lab.address(100) + "-" + lab.address(150), "255.255.255.0",
                null, List.of(), null, 600, null)));
    }

    @Test
    void fullModeOffersButAcknowledgesOnlyWhatItStoresAndRecoversWhenTheDatabaseReturns() throws Exception {
        lab = new Lab();
        Lab.Node known = lab.node("k", null);
        Lab.Node newcomer = lab.node("n", null);
        startDatabase();
        Inventory inventory = connect();
        server = DhcpModes.full(List.of(new Segment(lab.bridge, ip(lab.address(1)), "http://" + lab.address(1))), pool(), Ports.STANDARD,
                view(inventory), BootAhead.NONE, (host, step, details) -> { }, db);
        server.start();
        String leased = address(udhcpc(known, "before", 5));

        stopDatabase();
        assertEquals(leased, address(udhcpc(known, "renewal", 5)),
                "a binding stored less than half a lease ago is renewed from memory while the database is down");
        long offers = server.counters().offers().get();
        long acks = server.counters().acks().get();
        assertNull(udhcpc(newcomer, "during", 3), "a new client gets no lease that could not be stored");
        assertTrue(server.counters().offers().get() > offers, "but it was offered one: offers need no write");
        assertEquals(acks, server.counters().acks().get(), "and nothing was acknowledged");
        assertEquals(0, server.counters().naks().get(), "silence, not NAK: the client keeps trying");

        startDatabase();
        String late = address(udhcpc(newcomer, "after", 15));
        assertNotEquals(leased, late);
        Document stored = db.mongo().getCollection("leases").find(new Document("_id", late)).first();
        assertNotNull(stored, "the late binding was stored before it was acknowledged");
        assertEquals(newcomer.mac(), stored.getString("mac"));
        assertEquals(known.mac(), db.mongo().getCollection("leases").find(new Document("_id", leased)).first().getString("mac"));
    }

    @Test
    void proxyModeAnswersFromItsCopyOfTheInventoryWhileTheDatabaseIsDown() throws Exception {
        lab = new Lab();
        Lab.Node firmware = lab.node("p", null);
        startDatabase();
        Inventory inventory = connect();
        server = DhcpModes.proxy(List.of(new Segment(lab.bridge, ip(lab.address(1)), "http://" + lab.address(1))), DhcpConfig.defaults(),
                Ports.STANDARD, view(inventory), BootAhead.NONE, (host, step, details) -> { });
        server.start();
        assertTrue(inventory.hosts().create("rack-1", Map.of("mac", firmware.mac(), "dhcp_bootfile", "custom.kpxe")));
        stopDatabase();
        Thread.sleep(DhcpModes.REFRESH.toMillis() + 1500); // at least one reload has failed meanwhile
        String env = udhcpc(firmware, "proxy", 5, PXE_FIRMWARE);
        assertNotNull(env, "no proxy answer while the database is down");
        assertTrue(env.contains("boot_file=custom.kpxe"), env);
    }

    @Test
    void startedWithoutADatabaseProxyUsesTheBootRulesAndFullModeWaitsForTheLeases() throws Exception {
        lab = new Lab();
        Lab.Node client = lab.node("c", null);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens here until startDatabase()
        }
        Inventory inventory = connect();
        server = DhcpModes.proxy(List.of(new Segment(lab.bridge, ip(lab.address(1)), "http://" + lab.address(1))), DhcpConfig.defaults(),
                Ports.STANDARD, view(inventory), BootAhead.NONE, (host, step, details) -> { });
        server.start();
        String env = udhcpc(client, "proxy", 5, PXE_FIRMWARE);
        assertNotNull(env, "no proxy answer without a database");
        assertTrue(env.contains("boot_file=undionly.kpxe"), env);
        server.close();

        server = DhcpModes.full(List.of(new Segment(lab.bridge, ip(lab.address(1)), "http://" + lab.address(1))), pool(), Ports.STANDARD,
                view(inventory), BootAhead.NONE, (host, step, details) -> { }, db);
        server.start();
        assertNull(udhcpc(client, "unready", 2), "no lease before the lease table could be read");
        assertEquals(0, server.counters().offers().get(), "no offer either: it could name someone else's address");

        startDatabase();
        String leased = address(udhcpc(client, "ready", 15));
        assertTrue(leased.startsWith("10.77." + lab.subnet + "."), leased);
    }

    private static String address(String env) {
        assertNotNull(env, "udhcpc got no lease");
        var m = java.util.regex.Pattern.compile("(?m)^ip=([0-9.]+)$").matcher(env);
        assertTrue(m.find(), env);
        return m.group(1);
    }

    /** Runs udhcpc once with {@code tries} DISCOVERs; the environment its script saw when bound, or null if it got no lease. */
    private String udhcpc(Lab.Node client, String name, int tries, String... options) throws Exception {
        Lab.requireTool("/usr/bin/busybox", "busybox");
        Path script = dir.resolve(name + ".sh");
        Path out = dir.resolve(name + ".env");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = bound ] && env > " + out + "\nexit 0\n");
        script.toFile().setExecutable(true);
        List<String> command = new ArrayList<>(client.exec("/usr/bin/busybox", "udhcpc", "-f", "-q", "-n",
                "-t", String.valueOf(tries), "-T", "1", "-i", client.iface(), "-s", script.toString()));
        command.addAll(List.of(options));
        Lab.status(command, 60);
        return Files.exists(out) ? Files.readString(out) : null;
    }
}
