package org.bergenholm.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bergenholm.store.Database;
import org.bergenholm.store.LeaseStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two allocators, each with its own MongoDB client and its own lease table in memory, on one
 * embedded database (H2 backend, as in service), racing for a pool smaller than the number of
 * clients. Offers are made from memory, so both may offer one address; the database lets only
 * one bind it, and the other client starts over as a real one does after a NAK: no address twice.
 */
class LeaseRaceTest {
    @TempDir Path dir;

    @Test
    void twoAllocatorsNeverHandOutOneAddress() throws Exception {
        MongoServer mongo = new MongoServer(new H2Backend(dir.resolve("race.mv").toString()));
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/race";
        Pool pool = Pool.parse("10.50.0.10-10.50.0.59", "255.255.255.0", null, List.of(), null, 600, null);
        try (Database a = Database.connect(uri, "race"); Database b = Database.connect(uri, "race")) {
            List<LeaseAllocator> allocators = List.of(
                    new LeaseAllocator(new LeaseStore(a), Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(10),
                            Duration.ofMinutes(1)),
                    new LeaseAllocator(new LeaseStore(b), Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(10),
                            Duration.ofMinutes(1)));
            int clients = 80;
            ExecutorService pool8 = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<InetAddress>>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                LeaseAllocator allocator = allocators.get(i % 2);
                String mac = String.format("02:00:00:00:%02x:%02x", i / 256, i % 256);
                results.add(pool8.submit(() -> {
                    go.await();
                    for (int attempt = 0; attempt <= pool.size(); attempt++) {
                        Optional<InetAddress> offered = allocator.offer(mac, pool, null, null, x -> false);
                        if (offered.isEmpty()) {
                            return offered;
                        }
                        LeaseAllocator.Binding binding = allocator.bind(mac, pool, offered.get()).join();
                        assertNotEquals(LeaseAllocator.Binding.UNSTORED, binding);
                        if (binding == LeaseAllocator.Binding.BOUND) {
                            return offered;
                        }
                    }
                    throw new AssertionError(mac + " refused more often than the pool has addresses");
                }));
            }
            go.countDown();
            Map<InetAddress, Integer> holders = new HashMap<>();
            int granted = 0;
            for (Future<Optional<InetAddress>> f : results) {
                Optional<InetAddress> got = f.get();
                if (got.isPresent()) {
                    granted++;
                    holders.merge(got.get(), 1, Integer::sum);
                }
            }
            pool8.shutdown();
            allocators.forEach(LeaseAllocator::close);
            holders.forEach((address, n) -> assertEquals(1, n, address + " given to " + n + " clients"));
            assertEquals(pool.size(), granted, "every address of the pool given out once");
            Map<String, String> stored = new ConcurrentHashMap<>();
            for (var d : a.mongo().getCollection("leases").find()) {
                assertNull(stored.put(d.getString("mac"), d.getString("_id")), "one lease per MAC");
            }
            assertEquals(pool.size(), stored.size());
        } finally {
            mongo.shutdown();
        }
    }
}
