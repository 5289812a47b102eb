package org.bergenholm.dhcp;

import static org.bergenholm.dhcp.TestPackets.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.bergenholm.store.Database;
import org.bson.Document;
import org.dhcp4java.DHCPPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full mode's lease table in memory over real UDP sockets on loopback: what it keeps across restarts and how it renews. */
class LeaseMemoryTest {
    private static final InetAddress SERVER = ip("127.0.0.1");
    @TempDir Path dir;
    private Database db;
    private DhcpServer server;
    private TestClient client;
    private int xid = 5000;

    @AfterEach
    void stop() {
        close();
    }

    private void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void start() throws Exception {
        db = Database.embedded(dir);
        Ports ports = new Ports(TestClient.freePort(), TestClient.freePort(), 0);
        Pool pool = Pool.parse("10.62.0.10-10.62.0.20", "255.255.255.0", null, List.of(), null, 600, null);
        server = DhcpModes.full(List.of(new Segment("lo", SERVER, "http://10.62.0.1")), DhcpConfig.defaults().withPools(List.of(pool)), ports,
                FullLoopbackTest.HOSTS, BootAhead.NONE, (host, step, details) -> { }, db);
        server.start();
        client = new TestClient(ports.client(), ports.server());
    }

    private DHCPPacket exchange(DHCPPacket p) throws Exception {
        p.setXid(++xid);
        client.send(p);
        return client.receive(xid, 3000);
    }

    private InetAddress lease(String mac) throws Exception {
        DHCPPacket offer = exchange(request(DhcpRequest.DISCOVER, mac, 0));
        assertNotNull(offer, "no offer");
        DHCPPacket req = request(DhcpRequest.REQUEST, mac, 0);
        req.setOptionAsInetAddress((byte) 50, offer.getYiaddr());
        req.setOptionAsInetAddress((byte) 54, SERVER);
        DHCPPacket ack = exchange(req);
        assertEquals(DhcpRequest.ACK, ack.getDHCPMessageType().intValue());
        return ack.getYiaddr();
    }

    private Document stored(InetAddress a) {
        return db.mongo().getCollection("leases").find(new Document("_id", a.getHostAddress())).first();
    }

    @Test
    void leasesSurviveARestartOfServerAndDatabase() throws Exception {
        start();
        InetAddress first = lease("52:54:00:00:02:01");
        InetAddress second = lease("52:54:00:00:02:02");
        close();

        start();
        DHCPPacket offer = exchange(request(DhcpRequest.DISCOVER, "52:54:00:00:02:01", 0));
        assertEquals(first, offer.getYiaddr(), "a returning client is offered its lease");
        DHCPPacket thief = request(DhcpRequest.REQUEST, "52:54:00:00:02:03", 0);
        thief.setOptionAsInetAddress((byte) 50, second);
        thief.setOptionAsInetAddress((byte) 54, SERVER);
        assertEquals(DhcpRequest.NAK, exchange(thief).getDHCPMessageType().intValue(), "another client's lease is refused");
        InetAddress third = lease("52:54:00:00:02:03");
        assertNotEquals(first, third);
        assertNotEquals(second, third);
    }

    @Test
    void earlyRenewalIsAcknowledgedFromMemoryWithoutADatabaseWrite() throws Exception {
        // 1.1 s after the ACK the stored expiry still covers the renewed lease but for 1.1 s, far less than an eighth of
        // the lease: answered from memory, nothing written (RenewalWriteTest: when the renewal is stored after all).
        start();
        String mac = "52:54:00:00:02:04";
        InetAddress address = lease(mac);
        Date before = stored(address).getDate("expires");
        long writes = db.commands("findAndModify") + db.commands("update") + db.commands("insert");
        Thread.sleep(1100);
        DHCPPacket renew = request(DhcpRequest.REQUEST, mac, 0);
        renew.setCiaddr(address);
        DHCPPacket ack = exchange(renew);
        assertEquals(DhcpRequest.ACK, ack.getDHCPMessageType().intValue());
        assertEquals(address, ack.getYiaddr());
        server.close(); // waits for the lease writes queued so far
        server = null;
        assertEquals(writes, db.commands("findAndModify") + db.commands("update") + db.commands("insert"));
        assertEquals(before, stored(address).getDate("expires"));
        assertEquals(mac, stored(address).getString("mac"));
    }
}
