package org.bergenholm.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/boot/<file>`: the iPXE binaries over HTTP, as UEFI HTTP boot fetches them. */
class BootFilesTest {
    @TempDir Path assets;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<byte[]> send(TestServer server, String method, String path, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesBootFilesWithLengthHeadAndRangesButNothingOutside() throws Exception {
        byte[] efi = new byte[300_000];
        new Random(7).nextBytes(efi);
        Files.write(assets.resolve("ipxe.efi"), efi);
        Files.createSymbolicLink(assets.resolve("passwd"), Path.of("/etc/passwd"));
        try (TestServer server = TestServer.startWithTftp(assets)) {
            HttpResponse<byte[]> get = send(server, "GET", "/boot/ipxe.efi", null);
            assertEquals(200, get.statusCode());
            assertArrayEquals(efi, get.body());
            assertEquals("300000", get.headers().firstValue("content-length").orElse(""));

            HttpResponse<byte[]> head = send(server, "HEAD", "/boot/ipxe.efi", null);
            assertEquals(200, head.statusCode());
            assertEquals("300000", head.headers().firstValue("content-length").orElse(""));
            assertEquals(0, head.body().length);

            HttpResponse<byte[]> part = send(server, "GET", "/boot/ipxe.efi", "bytes=100-199");
            assertEquals(206, part.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(efi, 100, 200), part.body());

            for (String outside : new String[] {"/boot/passwd", "/boot/../../etc/passwd", "/boot/%2e%2e/%2e%2e/etc/passwd", "/boot/missing.efi"}) {
                HttpResponse<byte[]> refused = send(server, "GET", outside, null);
                assertTrue(refused.statusCode() == 404 || refused.statusCode() == 400, outside + " -> " + refused.statusCode());
                assertTrue(!new String(refused.body()).contains("root:"), outside + " leaked /etc/passwd");
            }
        }
    }
}
