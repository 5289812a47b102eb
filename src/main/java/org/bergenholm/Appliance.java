package org.bergenholm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.dhcp.DhcpModes;
import org.bergenholm.dhcp.DhcpServer;
import org.bergenholm.dhcp.Ports;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.http.Health;
import org.bergenholm.http.HttpServer;
import org.bergenholm.images.StreamingImageServer;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.SeedLoader;
import org.bergenholm.power.DummyPowerDriver;
import org.bergenholm.power.PowerDriver;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.EventStore;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.bergenholm.tftp.BootAssets;
import org.bergenholm.tftp.TftpConfig;
import org.bergenholm.tftp.TftpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where the appliance's parts are built and connected. */
public final class Appliance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Appliance.class);

    private final Database database;
    private final StoredEventLog events;
    private final HttpServer http;
    private final TftpServer tftp;
    private final DhcpServer dhcp;

    public Appliance(ApplianceConfig config) throws Exception {
        this.database = config.mongoUri() == null
                ? Database.embedded(config.dataDir())
                : Database.connect(config.mongoUri(), Database.DEFAULT_NAME);
        try {
            this.events = new StoredEventLog(new EventStore(database), config.eventsPerHost());
            Inventory inventory = new Inventory(new ParameterStore(database, "hosts"), new ParameterStore(database, "groups"),
                    new TemplateStore(database), new TemplateRenderer(), events);
            if (!"none".equals(config.seed())) {
                new SeedLoader(inventory).seedIfEmpty(config.seed() == null ? null : Path.of(config.seed()), config.baseUrl());
            }
            Map<String, PowerDriver> drivers = new LinkedHashMap<>();
            drivers.put("dummy", new DummyPowerDriver());
            Health health = new Health();
            health.add("database", database::ping);
            this.http = new HttpServer(config.listen(), config.httpPort(), inventory, events,
                    new StreamingImageServer(Duration.ofSeconds(30), events), drivers, health);
            http.start();
            health.add("http", () -> true);
            this.tftp = config.tftpPort() == 0 ? null : startTftp(config, inventory);
            if (tftp != null) {
                health.add("tftp", () -> true);
            }
            this.dhcp = startDhcp(config, inventory);
            if (dhcp != null) {
                health.add("dhcp", () -> true);
            }
            log.info("Bergenholm serving HTTP on {}:{} ({})", config.listen(), http.port(), database.description());
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    private TftpServer startTftp(ApplianceConfig config, Inventory inventory) throws java.io.IOException {
        java.net.InetAddress listen = java.net.InetAddress.getByName(config.listen());
        TftpServer server = new TftpServer(TftpConfig.defaults().withPort(config.tftpPort()).withListenAddress(listen),
                BootAssets.chooseRoot(config.bootAssets()), events, inventory);
        try {
            server.start();
        } catch (java.io.IOException e) {
            http.close();
            throw new java.io.IOException("cannot bind TFTP to " + config.listen() + ":" + config.tftpPort() + ": " + e.getMessage(), e);
        }
        return server;
    }

    private DhcpServer startDhcp(ApplianceConfig config, Inventory inventory) throws java.io.IOException {
        if ("off".equals(config.dhcp())) {
            return null;
        }
        try {
            java.net.InetAddress serverId = java.net.InetAddress.getByName(config.serverAddress());
            DhcpServer server = "full".equals(config.dhcp())
                    ? DhcpModes.full(config.iface(), serverId, config.baseUrl(), config.dhcpConfig(), Ports.STANDARD,
                            inventory, events, database)
                    : DhcpModes.proxy(config.iface(), serverId, config.baseUrl(), config.dhcpConfig(), Ports.STANDARD,
                            inventory, events);
            server.start();
            return server;
        } catch (java.io.IOException | RuntimeException e) {
            if (tftp != null) {
                tftp.close();
            }
            http.close();
            throw e;
        }
    }

    /** The DHCP server (for its counters), or null when DHCP is off. */
    public DhcpServer dhcp() {
        return dhcp;
    }

    /** The bound TFTP port, or 0 when TFTP is off. */
    public int tftpPort() {
        return tftp == null ? 0 : tftp.port();
    }

    public Database database() {
        return database;
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        if (dhcp != null) {
            dhcp.close();
        }
        if (tftp != null) {
            tftp.close();
        }
        http.close();
        events.close();
        database.close();
    }
}
