package org.bergenholm.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bergenholm.http.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boot images on disk under one directory, keyed by URL: {@code <sha256(url)>.img} holds the
 * bytes and {@code .json} what the upstream said about them. A URL has at most one upstream
 * download at a time, run on its own thread so it outlives the client that started it; every
 * client of that URL reads the download's temporary file as bytes land, and on success the
 * file is renamed into place. One lock guards the index; file transfers happen outside it.
 */
public final class ImageCache implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong evictions = new java.util.concurrent.atomic.AtomicLong();
    private static final Logger log = LoggerFactory.getLogger(ImageCache.class);

    /** One URL's place in the index: a complete file, a download under way, or both (revalidating). */
    private static final class Slot {
        final String url;
        final String key;
        ImageMeta meta;
        long size;
        Download download;
        int readers;
        long lastUsedMillis;
        long useOrder;
        String error;

        Slot(String url, String key) {
            this.url = url;
            this.key = key;
        }
    }

    /** A row of the listing; bytes on disk so far, length -1 while unknown. */
    public record Entry(String url, long bytes, long length, boolean complete, boolean downloading, int readers,
            Instant lastUsed, Instant fetchedAt, String error) {
    }

    private final Path dir;
    private final ImageCacheConfig config;
    private final Upstream upstream;
    private final ExecutorService fetchers;
    private final ScheduledExecutorService watchdog;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final java.util.Set<Stall> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private long totalBytes;
    private long incomingBytes; // announced lengths of downloads under way: room is made for them up front
    private long useCounter;
    private long tempCounter;

    public ImageCache(Path dir, ImageCacheConfig config) throws IOException {
        this.dir = dir;
        this.config = config;
        this.upstream = new Upstream(config.connectTimeout(), config.readTimeout());
        Files.createDirectories(dir);
        load();
        this.fetchers = Executors.newCachedThreadPool(daemon("image-fetch"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("image-watchdog"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** What {@link #openLater} hands over: a lease, or why there is none (IOException or HttpError). */
    public interface Opened {
        void opened(ImageLease lease, Exception error);
    }

    /**
     * A lease on the image at url, handed to {@code then}: the cached file when fresh, else a share
     * of the one download of it (started here if none runs), once its upstream has answered. No
     * thread waits for that: in a cold boot storm hundreds of clients asked for an image before its
     * upstream answered, and a thread each cost more than the transfer (docs/BENCHMARKS.md, boot
     * storm, finding 40). {@code then} runs on this thread when nothing is to be waited for, else on
     * the download's, which may hold this cache's lock: it must only hand the work on. The error is
     * HttpError 502/504 when the upstream fails before sending a byte and no earlier copy is cached.
     */
    public void openLater(String url, String proxyUrl, Opened then) {
        Slot s;
        Download d;
        ImageLease cached = null;
        IOException unreadable = null;
        synchronized (this) {
            s = slots.computeIfAbsent(url, u -> new Slot(u, key(u)));
            touch(s);
            s.readers++;
            d = s.download;
            if (d == null && s.meta != null && fresh(s.meta)) {
                try {
                    cached = completeLease(s, true);
                } catch (IOException e) {
                    unreadable = e;
                }
            } else if (d == null) {
                start(s, proxyUrl);
                d = s.download;
            }
        }
        if (d == null) {
            then.opened(cached, unreadable);
            return;
        }
        Download download = d;
        download.whenAnswered(() -> {
            ImageLease lease;
            try {
                lease = leaseAnswered(s, download);
            } catch (IOException | RuntimeException e) {
                release(s);
                then.opened(null, e);
                return;
            }
            then.opened(lease, null);
        });
    }

    /** The lease once the download's upstream has answered: the download under way, or the file on disk. */
    private synchronized ImageLease leaseAnswered(Slot s, Download d) throws IOException {
        if (s.download == d && d.state() == Download.State.STREAMING) {
            return new ImageLease(d.meta(), FileChannel.open(d.temp, StandardOpenOption.READ), d, false, () -> release(s));
        }
        if (s.meta != null) {
            // Done by now, confirmed by a 304, or a failed revalidation: the file on disk is the answer.
            return new ImageLease(s.meta, FileChannel.open(dataFile(s), StandardOpenOption.READ), null,
                    d.state() == Download.State.NOT_MODIFIED, () -> release(s));
        }
        HttpError why = d.failure();
        throw why != null ? why : new HttpError(502, "upstream " + Urls.shown(s.url) + " failed");
    }

    private ImageLease completeLease(Slot s, boolean hit) throws IOException {
        try {
            return new ImageLease(s.meta, FileChannel.open(dataFile(s), StandardOpenOption.READ), null, hit, () -> release(s));
        } catch (IOException e) {
            s.readers--;
            throw e;
        }
    }

    /** Starts a download of url unless it is cached and fresh or already downloading; true if started. */
    public synchronized boolean prefetch(String url, String proxyUrl) {
        Slot s = slots.computeIfAbsent(url, u -> new Slot(u, key(u)));
        touch(s);
        if (s.download != null || s.meta != null && fresh(s.meta)) {
            return false;
        }
        start(s, proxyUrl);
        return true;
    }

    public synchronized List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            Download d = s.download;
            boolean streaming = d != null && d.state() == Download.State.STREAMING;
            long bytes = streaming ? d.written() : s.size;
            long length = streaming ? d.meta().length() : s.meta != null ? s.size : -1;
            out.add(new Entry(Urls.shown(s.url), bytes, length, s.meta != null, d != null, s.readers,
                    Instant.ofEpochMilli(s.lastUsedMillis), s.meta == null ? null : s.meta.fetchedAt(), s.error));
        }
        out.sort(Comparator.comparing(Entry::url));
        return out;
    }

    /**
     * Deletes the cached file of url (every one for null) and forgets its last error; clients
     * already reading keep their open file. Returns how many URLs were known, -1 if url is not.
     */
    public synchronized int purge(String url) {
        List<Slot> chosen = new ArrayList<>();
        if (url == null) {
            chosen.addAll(slots.values());
        } else if (slots.containsKey(url)) {
            chosen.add(slots.get(url));
        } else {
            return -1;
        }
        for (Slot s : chosen) {
            s.error = null;
            drop(s);
        }
        return chosen.size();
    }

    private void touch(Slot s) {
        s.lastUsedMillis = System.currentTimeMillis();
        s.useOrder = ++useCounter;
    }

    private boolean fresh(ImageMeta m) {
        return Duration.between(m.fetchedAt(), Instant.now()).compareTo(config.revalidateAfter()) < 0;
    }

    private void start(Slot s, String proxyUrl) {
        Download d = new Download(s.url, dir.resolve(s.key + "." + (++tempCounter) + ".part"), watchdog);
        s.download = d;
        s.error = null;
        ImageMeta cached = s.meta;
        fetchers.execute(() -> fetch(s, d, proxyUrl, cached));
    }

    private synchronized void release(Slot s) {
        s.readers--;
        touch(s);
        evict();
        forgetIfIdle(s);
    }

    private void forgetIfIdle(Slot s) {
        if (s.readers == 0 && s.meta == null && s.download == null && s.error == null) {
            slots.remove(s.url);
        }
    }

    /** Entries evicted to stay under the size bound since start. */
    public java.util.concurrent.atomic.AtomicLong evictions() {
        return evictions;
    }

    /** Drops least recently used entries until under the bound; never one being read or refreshed. */
    private void evict() {
        while (totalBytes + incomingBytes > config.maxBytes()) {
            Slot victim = null;
            for (Slot s : slots.values()) {
                if (s.meta != null && s.readers == 0 && s.download == null && (victim == null || s.useOrder < victim.useOrder)) {
                    victim = s;
                }
            }
            if (victim == null) {
                return;
            }
            log.info("evicting {} ({} bytes) to stay under {} bytes", Urls.shown(victim.url), victim.size, config.maxBytes());
            drop(victim);
            evictions.incrementAndGet();
        }
    }

    private void drop(Slot s) {
        if (s.meta != null) {
            totalBytes -= s.size;
            s.meta = null;
            s.size = 0;
            deleteQuietly(dataFile(s));
            deleteQuietly(metaFile(s));
        }
        forgetIfIdle(s);
    }

    // --- the download thread ---

    private void fetch(Slot s, Download d, String proxyUrl, ImageMeta cached) {
        Stall stall = new Stall();
        ScheduledFuture<?> dog = null;
        try {
            Upstream.Reply r = upstream.open(d.url, proxyUrl, cached);
            try (InputStream in = r.body()) {
                if (r.status() == 304 && cached != null) {
                    notModified(s, d);
                    return;
                }
                if (r.status() != 200) {
                    throw new HttpError(502, "upstream " + Urls.shown(d.url) + " answered " + r.status());
                }
                try (FileChannel out = FileChannel.open(d.temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    synchronized (this) {
                        d.streaming(r.meta());
                        incomingBytes += Math.max(0, r.meta().length());
                        evict();
                    }
                    stall.watch(in);
                    running.add(stall);
                    long period = Math.max(10, Math.min(1000, config.readTimeout().toMillis() / 4));
                    dog = watchdog.scheduleAtFixedRate(stall::check, period, period, TimeUnit.MILLISECONDS);
                    long total = copy(in, out, d, stall);
                    stall.stop();
                    if (stall.cut()) {
                        throw new IOException("stopped"); // a closed stream may look like a short, complete body
                    }
                    long expected = r.meta().length();
                    if (expected >= 0 && total != expected) {
                        throw new HttpError(502, "upstream " + Urls.shown(d.url) + " sent " + total + " of " + expected + " bytes");
                    }
                    commit(s, d, r.meta().withLength(total));
                }
            }
        } catch (HttpError e) {
            fail(s, d, e);
        } catch (IOException | InterruptedException e) {
            fail(s, d, stall.fired()
                    ? new HttpError(504, "upstream " + Urls.shown(d.url) + " sent nothing for " + config.readTimeout().toMillis() + " ms")
                    : new HttpError(502, "upstream " + Urls.shown(d.url) + " broke off: " + e.getMessage()));
        } catch (RuntimeException e) {
            log.error("download of {} failed", Urls.shown(d.url), e);
            fail(s, d, new HttpError(502, "download of " + Urls.shown(d.url) + " failed: " + e.getClass().getSimpleName()));
        } finally {
            if (dog != null) {
                dog.cancel(false);
            }
            stall.stop();
            running.remove(stall);
        }
    }

    private static long copy(InputStream in, FileChannel out, Download d, Stall stall) throws IOException {
        byte[] buf = new byte[1 << 18]; // as large as the client's buffers (see Upstream)
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            bb.clear().limit(n);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
            total += n;
            stall.progress();
            d.progress(total);
        }
        return total;
    }

    /**
     * Ends the download when the upstream has sent nothing for the read timeout: closing the
     * body stream is what wakes a read blocked in the JDK client (an interrupt does not).
     */
    private final class Stall {
        private InputStream body;
        private long last = System.nanoTime();
        private boolean fired;
        private boolean aborted;

        synchronized void watch(InputStream in) {
            body = in;
            last = System.nanoTime();
        }

        synchronized void progress() {
            last = System.nanoTime();
        }

        synchronized void check() {
            if (body != null && System.nanoTime() - last > config.readTimeout().toNanos()) {
                fired = true;
                try {
                    body.close();
                } catch (IOException ignored) {
                    // Closed is closed; the reading thread sees the end either way.
                }
                body = null;
            }
        }

        synchronized void stop() {
            body = null;
        }

        /** Ends the transfer now (shutdown): the download fails and leaves nothing behind. */
        synchronized void abort() {
            aborted = true;
            if (body != null) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // As in check().
                }
                body = null;
            }
        }

        synchronized boolean fired() {
            return fired;
        }

        /** Whether the body was closed under the reader, which may have looked like its end. */
        synchronized boolean cut() {
            return fired || aborted;
        }
    }

    private synchronized void commit(Slot s, Download d, ImageMeta meta) throws IOException {
        // Should the rename fail or the process die between the two, the index in memory still
        // describes the old file, and load() drops a pair whose lengths disagree.
        meta.write(metaFile(s));
        Files.move(d.temp, dataFile(s), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        incomingBytes -= Math.max(0, d.meta().length());
        if (s.meta != null) {
            totalBytes -= s.size;
        }
        s.meta = meta;
        s.size = meta.length();
        totalBytes += s.size;
        s.download = null;
        s.error = null;
        d.finish(Download.State.COMPLETE, null);
        evict();
    }

    private synchronized void notModified(Slot s, Download d) throws IOException {
        if (s.meta == null) {
            throw new HttpError(502, "cache entry for " + Urls.shown(d.url) + " was purged while revalidating");
        }
        s.meta = s.meta.withFetchedAt(Instant.now());
        s.meta.write(metaFile(s));
        s.download = null;
        d.finish(Download.State.NOT_MODIFIED, null);
    }

    private void fail(Slot s, Download d, HttpError why) {
        synchronized (this) {
            if (d.state() == Download.State.STREAMING) {
                incomingBytes -= Math.max(0, d.meta().length());
            }
            s.download = null;
            s.error = why.getMessage();
            d.finish(Download.State.FAILED, why);
        }
        log.warn("{}", why.getMessage());
        deleteQuietly(d.temp);
    }

    // --- files ---

    private Path dataFile(Slot s) {
        return dir.resolve(s.key + ".img");
    }

    private Path metaFile(Slot s) {
        return dir.resolve(s.key + ".json");
    }

    /** Reads the index back; leftovers of interrupted downloads and files that disagree with their metadata go. */
    private void load() throws IOException {
        List<Slot> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".part") || name.endsWith(".tmp")) {
                    deleteQuietly(f);
                } else if (name.endsWith(".json")) {
                    Slot s = loadEntry(f);
                    if (s != null) {
                        found.add(s);
                    }
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.img")) {
            for (Path f : files) {
                if (!Files.exists(f.resolveSibling(f.getFileName().toString().replace(".img", ".json")))) {
                    deleteQuietly(f);
                }
            }
        }
        found.sort(Comparator.comparing((Slot s) -> s.meta.fetchedAt()));
        for (Slot s : found) {
            s.useOrder = ++useCounter;
            slots.put(s.url, s);
            totalBytes += s.size;
        }
        evict();
    }

    private Slot loadEntry(Path json) {
        try {
            ImageMeta m = ImageMeta.read(json);
            Slot s = new Slot(m.url(), key(m.url()));
            Path data = dataFile(s);
            if (json.equals(metaFile(s)) && Files.isRegularFile(data) && Files.size(data) == m.length()) {
                s.meta = m;
                s.size = m.length();
                s.lastUsedMillis = m.fetchedAt().toEpochMilli();
                return s;
            }
            deleteQuietly(data);
        } catch (IOException | RuntimeException e) {
            log.warn("dropping unreadable cache entry {}: {}", json, e.getMessage());
        }
        deleteQuietly(json);
        return null;
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", f, e.getMessage());
        }
    }

    static String key(String url) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running.forEach(Stall::abort);
        fetchers.shutdownNow();
        watchdog.shutdownNow();
    }
}
