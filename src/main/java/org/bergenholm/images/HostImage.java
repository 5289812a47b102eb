package org.bergenholm.images;

import java.util.Map;

/**
 * Which of a host's parameters names the image behind `/ipxe/kernel/ID` or `/ipxe/initrd/ID/N`:
 * `kernel`; `moduleN` for initrd N, and plain `module` for initrd 0, as Bergenholm 1.0 allows.
 */
public record HostImage(String key, String fallbackKey) {
    private static final HostImage KERNEL = new HostImage("kernel", null);

    /** The image of route `kernel`, or of `initrd`/`module` number {@code number}. */
    public static HostImage of(String route, int number) {
        return route.equals("kernel") ? KERNEL : new HostImage("module" + number, number == 0 ? "module" : null);
    }

    /** The fetch the host's parameters ask for; null when they name no such image. */
    public ImageRequest request(String hostId, Map<String, Object> params) {
        Object url = params.get(key);
        if (url == null && fallbackKey != null) {
            url = params.get(fallbackKey);
        }
        if (!(url instanceof String u) || u.isEmpty()) {
            return null;
        }
        Object proxy = params.get("proxy_url");
        boolean cache = !Boolean.FALSE.equals(params.get("cache")) && !"false".equals(params.get("cache"));
        String label = key.equals("kernel") ? "kernel" : "initrd " + key.substring("module".length());
        return new ImageRequest(hostId, label, u, proxy instanceof String p && !p.isEmpty() ? p : null, cache);
    }
}
