package org.bergenholm.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A UDP socket made with libc through JNA, because the JDK cannot set SO_BINDTODEVICE: with
 * it the socket only sees packets that arrived on that interface (a multi-homed box must not
 * answer its other networks) and limited broadcasts leave through it. Reaching into a
 * DatagramChannel's descriptor instead would need --add-opens java.base/sun.nio.ch on every
 * java command line (launcher, tests, jar); a socket of our own needs nothing.
 * Linux only (the constants below are Linux's).
 */
final class BoundSocket implements AutoCloseable {
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2, SO_BROADCAST = 6, SO_RCVBUF = 8, SO_RCVTIMEO = 20, SO_BINDTODEVICE = 25, SO_RCVBUFFORCE = 33;
    private static final int EAGAIN = 11, EINTR = 4;

    /** Direct mapping (static natives) rather than a proxied interface: several times cheaper per call. */
    static final class LibC {
        static {
            Native.register("c");
        }

        private LibC() {
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

        static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

        static native long recvfrom(int fd, byte[] buf, long len, int flags, byte[] addr, int[] addrLen) throws LastErrorException;

        static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    /** A received datagram: its length in the caller's buffer and its sender. */
    record Received(int length, InetSocketAddress from) {
    }

    private final int fd;
    private volatile boolean closed;

    /**
     * @param iface interface to bind to, or null for all
     * @param port  local port; SO_REUSEADDR lets this coexist with other servers on the same port of other interfaces
     */
    BoundSocket(String iface, InetAddress address, int port, int receiveTimeoutMillis) throws IOException {
        try {
            this.fd = LibC.socket(AF_INET, SOCK_DGRAM, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket: " + e.getMessage(), e);
        }
        try {
            setInt(SO_REUSEADDR, 1);
            setInt(SO_BROADCAST, 1);
            try {
                // A storm's burst must wait in the kernel, not be dropped there: SO_RCVBUF alone is capped by
                // net.core.rmem_max (208 KiB on a stock system, about a hundred packets). FORCE needs CAP_NET_ADMIN.
                setInt(SO_RCVBUFFORCE, 4 << 20);
            } catch (LastErrorException e) {
                setInt(SO_RCVBUF, 4 << 20);
            }
            byte[] tv = new byte[16];
            putLong(tv, 0, receiveTimeoutMillis / 1000);
            putLong(tv, 8, (receiveTimeoutMillis % 1000) * 1000L);
            LibC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length);
            if (iface != null) {
                byte[] name = (iface + "\0").getBytes(StandardCharsets.US_ASCII);
                LibC.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
            }
            byte[] sa = sockaddr(new InetSocketAddress(address, port));
            LibC.bind(fd, sa, sa.length);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new IOException("cannot bind UDP " + address.getHostAddress() + ":" + port
                    + (iface == null ? "" : " on " + iface) + ": " + e.getMessage(), e);
        }
    }

    /** Null on timeout (so the caller can notice it was closed), else the datagram. */
    Received receive(byte[] buf) throws IOException {
        byte[] sa = new byte[16];
        int[] len = {sa.length};
        try {
            long n = LibC.recvfrom(fd, buf, buf.length, 0, sa, len);
            return new Received((int) n, fromSockaddr(sa));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
                return null;
            }
            if (closed) {
                return null;
            }
            throw new IOException("recvfrom: " + e.getMessage(), e);
        }
    }

    void send(byte[] data, InetSocketAddress to) throws IOException {
        byte[] sa = sockaddr(to);
        try {
            LibC.sendto(fd, data, data.length, 0, sa, sa.length);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + to + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    private void setInt(int option, int value) {
        byte[] v = new byte[4];
        v[0] = (byte) value;
        v[1] = (byte) (value >> 8);
        v[2] = (byte) (value >> 16);
        v[3] = (byte) (value >> 24);
        LibC.setsockopt(fd, SOL_SOCKET, option, v, 4);
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >> (8 * i));
        }
    }

    /** struct sockaddr_in: family in host order (little-endian here), port and address in network order. */
    private static byte[] sockaddr(InetSocketAddress a) {
        byte[] sa = new byte[16];
        sa[0] = (byte) AF_INET;
        sa[2] = (byte) (a.getPort() >> 8);
        sa[3] = (byte) a.getPort();
        System.arraycopy(a.getAddress().getAddress(), 0, sa, 4, 4);
        return sa;
    }

    private static InetSocketAddress fromSockaddr(byte[] sa) throws IOException {
        int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {sa[4], sa[5], sa[6], sa[7]}), port);
    }
}
