package org.bergenholm.dhcp;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.bergenholm.store.LeaseStore;

/**
 * The lease table in memory, keyed by address number: what full-mode DHCP allocates from
 * without a database round trip. Offers live only here; bindings are here once the database
 * has them. Every method is one short critical section with no I/O.
 */
final class LeaseTable {
    /**
     * @param expires what the client was told
     * @param stored  the expiry the database is known to hold for this MAC (null: nothing stored for it)
     * @param documented the database has a document for this address (whoever holds it): binding it is an update, not an insert
     * @param version the table's change counter when this entry last changed here (0: read from the database)
     */
    record Entry(String mac, String state, Instant expires, Instant stored, boolean documented, long version) {
        boolean freeFor(String client, Instant now) {
            return client.equals(mac) || expires.isBefore(now);
        }

        boolean boundTo(String client) {
            return client.equals(mac) && "bound".equals(state);
        }
    }

    private final Map<Long, Entry> byAddress = new HashMap<>();
    private final Map<String, Long> byMac = new HashMap<>();
    /** Per pool range: where the search for a never-used address goes on. */
    private final Map<String, Long> cursors = new HashMap<>();
    private long version;
    private boolean loaded;

    synchronized boolean loaded() {
        return loaded;
    }

    synchronized long version() {
        return version;
    }

    synchronized Entry get(long n) {
        return byAddress.get(n);
    }

    /** Changes an address's entry; {@code documented} says the database now has its document (it never loses one). */
    synchronized void put(long n, String mac, String state, Instant expires, Instant stored, boolean documented) {
        Entry before = byAddress.get(n);
        byAddress.put(n, new Entry(mac, state, expires, stored, documented || (before != null && before.documented()), ++version));
        if (mac != null) {
            byMac.put(mac, n);
        }
    }

    /**
     * Merges what the database holds. An entry changed here since {@code since} is newer than
     * what was read and stays; so does an offer of ours nobody else has bound meanwhile.
     */
    synchronized void load(List<LeaseStore.Lease> leases, long since, Instant now) {
        for (LeaseStore.Lease l : leases) {
            Entry mine = byAddress.get(l.n());
            if (mine != null && mine.version() > since) {
                continue;
            }
            boolean otherActive = l.mac() != null && !l.mac().equals(mine == null ? null : mine.mac()) && l.expires().isAfter(now);
            if (mine != null && "offered".equals(mine.state()) && mine.expires().isAfter(now) && !otherActive) {
                continue;
            }
            byAddress.put(l.n(), new Entry(l.mac(), l.state(), l.expires(), l.mac() == null ? null : l.expires(), true, 0));
            if (l.mac() != null) {
                Entry current = currentOf(l.mac());
                if (current == null || !current.expires().isAfter(l.expires())) {
                    byMac.put(l.mac(), l.n());
                }
            }
        }
        loaded = true;
    }

    /** The address this MAC holds or held last, unless someone else has it now. */
    synchronized Optional<Long> of(String mac) {
        Long n = byMac.get(mac);
        return n != null && currentOf(mac) != null ? Optional.of(n) : Optional.empty();
    }

    private Entry currentOf(String mac) {
        Long n = byMac.get(mac);
        Entry e = n == null ? null : byAddress.get(n);
        return e != null && mac.equals(e.mac()) ? e : null;
    }

    /**
     * Holds an address for {@code mac} until {@code hold}: its current lease (left as it is while
     * bound beyond the hold), else {@code wanted} in order when free, else a never-used address,
     * else the one that expired longest ago. Empty when the range is full.
     */
    synchronized Optional<Long> offer(String mac, List<Long> wanted, long first, long last, LongPredicate excluded,
            Instant now, Instant hold) {
        for (long n : wanted) {
            Entry e = byAddress.get(n);
            if (e == null || e.freeFor(mac, now)) {
                return Optional.of(hold(n, mac, e, hold));
            }
        }
        String range = first + "-" + last;
        long size = last - first + 1;
        long start = cursors.getOrDefault(range, 0L);
        for (long i = 0; i < size; i++) {
            long n = first + (start + i) % size;
            if (!byAddress.containsKey(n) && !excluded.test(n)) {
                cursors.put(range, (n - first + 1) % size);
                return Optional.of(hold(n, mac, null, hold));
            }
        }
        Long oldest = null;
        for (Map.Entry<Long, Entry> e : byAddress.entrySet()) {
            long n = e.getKey();
            if (n >= first && n <= last && e.getValue().expires().isBefore(now) && !excluded.test(n)
                    && (oldest == null || e.getValue().expires().isBefore(byAddress.get(oldest).expires()))) {
                oldest = n;
            }
        }
        return oldest == null ? Optional.empty() : Optional.of(hold(oldest, mac, byAddress.get(oldest), hold));
    }

    /** A binding of this MAC that outlasts the hold stays as it is; anything else becomes an offer until the hold ends. */
    private long hold(long n, String mac, Entry e, Instant hold) {
        if (e != null && e.boundTo(mac) && e.expires().isAfter(hold)) {
            return n;
        }
        put(n, mac, "offered", hold, e != null && mac.equals(e.mac()) ? e.stored() : null, false);
        return n;
    }
}
