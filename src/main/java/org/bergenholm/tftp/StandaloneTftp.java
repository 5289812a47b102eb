package org.bergenholm.tftp;

import java.net.InetAddress;
import java.nio.file.Path;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.HostLookup;

/**
 * Runs the TFTP server alone, without the appliance: for the benchmark and manual checks.
 * Usage: StandaloneTftp PORT ROOT [single-port]
 */
public final class StandaloneTftp {
    private StandaloneTftp() { }

    public static void main(String[] args) throws Exception {
        TftpConfig d = TftpConfig.defaults();
        TftpConfig config = new TftpConfig(Integer.parseInt(args[0]), InetAddress.getLoopbackAddress(),
                args.length > 2 && args[2].equals("single-port"), d.maxTransfers(), d.maxPerClient(),
                d.timeoutMillis(), d.retries());
        TftpServer server = new TftpServer(config, BootAssets.chooseRoot(Path.of(args[1])), EventLog.NONE, NO_HOSTS);
        server.start();
        Thread.currentThread().join();
    }

    private static final HostLookup NO_HOSTS = new HostLookup() {
        public java.util.Optional<java.util.Map<String, Object>> resolve(String id) { return java.util.Optional.empty(); }
        public java.util.Optional<String> hostIdByMac(String mac) { return java.util.Optional.empty(); }
        public java.util.Optional<String> hostIdByAddress(String ip) { return java.util.Optional.empty(); }
    };
}
