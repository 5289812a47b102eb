package org.bergenholm.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts downloading into the cache the images a machine's iPXE script names as soon as DHCP gives
 * the machine its boot answer, instead of when the first machine asks for them: while its firmware
 * fetches iPXE over TFTP and iPXE does DHCP again, the kernel and initrd come from the upstream, and
 * the second image no longer waits for the first to be served. Only what the script, as held
 * rendered, fetches through `/ipxe/kernel|initrd|module/…` of this host is fetched, so an image its
 * parameters name but its script does not use is left alone. DHCP only hands the work over: one
 * thread and a short queue; what does not fit is dropped, and the machine's own request fetches it.
 */
public final class ImagesAhead implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImagesAhead.class);
    /** Machines waiting to have their images looked at; a storm's first packets fill it, the rest are the same hosts' groups. */
    static final int QUEUE = 256;
    /** `/ipxe/kernel/ID`, `/ipxe/initrd/ID/N`, `/ipxe/module/ID/N`; ID as iPXE writes it (`${uuid}`) or the host's id. */
    private static final Pattern IMAGE_URL = Pattern.compile("/ipxe/(kernel|initrd|module)/([^/\\s]+)(?:/(\\d{1,4}))?");

    /** A host's iPXE script if it is rendered already (nothing is rendered for this). */
    public interface Scripts {
        Optional<String> atHand(String hostId, Map<String, Object> params);
    }

    private final ImageCache cache;
    private final Scripts scripts;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "images-ahead");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.DiscardPolicy());

    public ImagesAhead(ImageCache cache, Scripts scripts) {
        this.cache = cache;
        this.scripts = scripts;
    }

    /**
     * DHCP is answering host {@code hostId} (machine UUID {@code uuid}, null if it sent none) with a
     * boot answer. Returns at once.
     */
    public void booting(String hostId, String uuid, Map<String, Object> params) {
        worker.execute(() -> {
            try {
                fetch(hostId, uuid, params);
            } catch (RuntimeException e) {
                log.warn("fetching the images of host {} ahead failed: {}", hostId, e.toString());
            }
        });
    }

    /** Starts the downloads that are neither cached nor under way; the URLs started. */
    List<String> fetch(String hostId, String uuid, Map<String, Object> params) {
        String script = scripts.atHand(hostId, params).orElse(null);
        if (script == null) {
            return List.of();
        }
        List<String> started = new ArrayList<>();
        Matcher m = IMAGE_URL.matcher(script);
        while (m.find()) {
            String id = m.group(2);
            // ${uuid} is the machine's own UUID, which names this host only when DHCP found it by that UUID.
            if (!(id.equals(hostId) || id.equals("${uuid}") && hostId.equals(uuid))) {
                continue;
            }
            ImageRequest r = HostImage.of(m.group(1), m.group(3) == null ? 0 : Integer.parseInt(m.group(3))).request(hostId, params);
            if (r != null && r.throughCache() && cache.prefetch(r.url(), r.proxyUrl())) {
                started.add(r.url());
                log.debug("fetching {} of host {} ahead: {}", r.label(), hostId, Urls.shown(r.url()));
            }
        }
        return started;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
