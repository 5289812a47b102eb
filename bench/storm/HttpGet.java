import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * GETs over HTTP/1.1 the way iPXE makes them: one kept-alive connection to a server for the requests of a
 * boot (iPXE pools its HTTP connections, src/net/pool.c), received with a small receive buffer so that the
 * advertised window stays within iPXE's 256 KiB (TCP_MAX_WINDOW_SIZE in src/include/ipxe/tcp.h). Left to
 * Linux, a thousand receive buffers each grow to tcp_rmem's maximum and push the kernel into TCP memory
 * pressure (docs/BENCHMARKS.md finding 18). The body goes to the sink straight from the read buffer.
 */
final class HttpGet implements AutoCloseable {
    /** The kernel doubles it: 256 KiB of buffer, so the window never exceeds iPXE's. */
    static final int RECEIVE_BUFFER = 128 << 10;

    interface Sink {
        void accept(byte[] b, int off, int len);
    }

    private final byte[] buf;
    private Socket socket;
    private String authority;
    private InputStream in;
    private int pos, lim;

    HttpGet(byte[] buf) {
        this.buf = buf;
    }

    long get(String url, Sink sink) throws IOException, StormFailure {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme())) throw new StormFailure("not an http URL: " + url);
        boolean reused = socket != null && uri.getRawAuthority().equals(authority);
        if (!reused) connect(uri);
        try {
            return exchange(uri, url, sink);
        } catch (IOException | StormFailure e) {
            close();
            if (!reused) throw e;
            connect(uri);  // the server may close a kept-alive connection at any time: ask again on a new one
            try {
                return exchange(uri, url, sink);
            } catch (IOException | StormFailure again) {
                close();
                throw again;
            }
        }
    }

    private void connect(URI uri) throws IOException {
        close();
        Socket s = new Socket();
        try {
            s.setReceiveBufferSize(RECEIVE_BUFFER);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()), 10_000);
            s.setSoTimeout(30_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        authority = uri.getRawAuthority();
        in = s.getInputStream();
        pos = lim = 0;
    }

    private long exchange(URI uri, String url, Sink sink) throws IOException, StormFailure {
        socket.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + authority
                + "\r\nUser-Agent: iPXE/1.21.1 storm\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String status = line();
        Map<String, String> headers = new HashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) headers.put(h.substring(0, colon).trim().toLowerCase(), h.substring(colon + 1).trim());
        }
        String[] words = status.split(" ");
        int code = words.length > 1 ? Integer.parseInt(words[1]) : 0;
        if (code != 200) {
            StringBuilder body = new StringBuilder();
            rest((b, off, len) -> body.append(new String(b, off, Math.min(len, 200 - body.length()), StandardCharsets.ISO_8859_1)));
            close();
            throw new StormFailure("HTTP " + code + " for " + url + ": " + body);
        }
        long n;
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            n = 0;
            for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; n += size) {
                exactly(size, sink, url);
                line();
            }
            line();  // the empty line after the last chunk
        } else if (headers.containsKey("content-length")) {
            n = Long.parseLong(headers.get("content-length"));
            exactly(n, sink, url);
        } else {
            n = rest(sink);
            close();
        }
        if ("close".equalsIgnoreCase(headers.getOrDefault("connection", ""))) close();
        return n;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was asked
            }
            socket = null;
        }
    }

    private boolean fill() throws IOException {
        if (pos < lim) return true;
        pos = 0;
        lim = Math.max(0, in.read(buf, 0, buf.length));
        return lim > 0;
    }

    private String line() throws IOException, StormFailure {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!fill()) throw new StormFailure("connection closed in the headers");
            while (pos < lim) {
                byte c = buf[pos++];
                if (c == '\n') {
                    int len = sb.length();
                    return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
                }
                sb.append((char) (c & 0xFF));
            }
        }
    }

    private void exactly(long n, Sink sink, String url) throws IOException, StormFailure {
        while (n > 0) {
            if (!fill()) throw new StormFailure("short body for " + url + ": " + n + " bytes missing");
            int take = (int) Math.min(n, lim - pos);
            sink.accept(buf, pos, take);
            pos += take;
            n -= take;
        }
    }

    private long rest(Sink sink) throws IOException {
        long n = 0;
        while (fill()) {
            sink.accept(buf, pos, lim - pos);
            n += lim - pos;
            pos = lim;
        }
        return n;
    }
}
