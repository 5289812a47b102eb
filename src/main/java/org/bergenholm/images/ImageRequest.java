package org.bergenholm.images;

/**
 * One kernel/initrd fetch decided by the iPXE routes: the upstream URL from the host's
 * parameters, its `proxy_url` (null for none) and whether the host allows caching.
 * {@code label} names the image on the timeline: "kernel", "initrd 0", "initrd 1", ...
 */
public record ImageRequest(String hostId, String label, String url, String proxyUrl, boolean cache) {
    /** Served from the cache: not a `file://` URL of the local mirror, and caching allowed. */
    boolean throughCache() {
        return cache && !url.startsWith("file:");
    }
}
