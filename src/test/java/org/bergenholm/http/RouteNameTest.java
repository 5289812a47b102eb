package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Metric labels: the resource a path names, never an id, so their number stays bounded. */
class RouteNameTest {
    @Test
    void resourcesNotIds() {
        assertEquals("api/hosts", HttpServer.routeName("/api/1.0/hosts/5a1c-77"));
        assertEquals("api/hosts", HttpServer.routeName("/api/1.0/hosts"));
        assertEquals("api/other", HttpServer.routeName("/api/1.0/secret-id"));
        assertEquals("other", HttpServer.routeName("/api/1.0/"));
        assertEquals("ipxe/script", HttpServer.routeName("/ipxe/script/5a1c-77"));
        assertEquals("ipxe/initrd", HttpServer.routeName("/ipxe/initrd/5a1c-77/1"));
        assertEquals("ipxe/other", HttpServer.routeName("/ipxe/5a1c-77"));
        assertEquals("other", HttpServer.routeName("/ipxe/"));
        assertEquals("boot", HttpServer.routeName("/boot/undionly.kpxe"));
        assertEquals("/healthz", HttpServer.routeName("/healthz"));
        assertEquals("other", HttpServer.routeName("/5a1c-77"));
    }
}
