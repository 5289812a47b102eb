package org.bergenholm.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.bergenholm.http.HttpLimits;
import org.bergenholm.testing.SocketMemory;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Every HTTP connection's kernel send buffer is fixed, not autotuned towards 4 MiB: read back with ss(8). */
class SendBufferTest {
    @Test
    void acceptedConnectionsHaveTheFixedSendBuffer() throws Exception {
        try (TestServer server = TestServer.start();
                Socket client = new Socket()) {
            URI u = URI.create(server.url());
            client.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort()));
            OutputStream out = client.getOutputStream();
            out.write("GET /api/1.0/hosts/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.getInputStream().read(new byte[256]);
            long buffer = SocketMemory.field("tb", "-tn", "state", "established", "( sport = :" + u.getPort()
                    + " and dport = :" + client.getLocalPort() + " )");
            // Linux doubles what SO_SNDBUF asks for (up to net.core.wmem_max), to leave room for its bookkeeping.
            assertEquals(2L * HttpLimits.effectiveSendBuffer(), buffer);
        }
    }
}
