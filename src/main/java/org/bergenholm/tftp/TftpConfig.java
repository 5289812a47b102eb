package org.bergenholm.tftp;

import java.net.InetAddress;

/**
 * TFTP server settings.
 *
 * @param port          UDP port to listen on; 0 picks an ephemeral port (tests)
 * @param listenAddress address to bind; null means all interfaces
 * @param singlePort    answer every transfer from the listening port (for clients behind NAT)
 * @param maxTransfers  concurrent transfers in total; more get an error packet
 * @param maxPerClient  concurrent transfers per client IP address
 * @param timeoutMillis first retransmission timeout; doubles on each retry
 * @param retries       retransmissions of one packet before the transfer is abandoned
 */
public record TftpConfig(int port, InetAddress listenAddress, boolean singlePort,
                         int maxTransfers, int maxPerClient, int timeoutMillis, int retries) {

    public static TftpConfig defaults() {
        return new TftpConfig(69, null, false, 256, 8, 1000, 5);
    }

    public TftpConfig withListenAddress(InetAddress address) {
        return new TftpConfig(port, address, singlePort, maxTransfers, maxPerClient, timeoutMillis, retries);
    }

    public TftpConfig withPort(int newPort) {
        return new TftpConfig(newPort, listenAddress, singlePort, maxTransfers, maxPerClient, timeoutMillis, retries);
    }

    public TftpConfig withLimits(int newMaxTransfers, int newMaxPerClient) {
        return new TftpConfig(port, listenAddress, singlePort, newMaxTransfers, newMaxPerClient, timeoutMillis, retries);
    }

    public TftpConfig withSinglePort(boolean single) {
        return new TftpConfig(port, listenAddress, single, maxTransfers, maxPerClient, timeoutMillis, retries);
    }
}
