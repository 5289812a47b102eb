package org.bergenholm;

import java.nio.file.Path;
import java.time.Duration;
import org.bergenholm.auth.Auth;
import org.bergenholm.config.ApplianceConfig;
import org.bergenholm.dhcp.DhcpModes;
import org.bergenholm.dhcp.DhcpServer;
import org.bergenholm.dhcp.Ports;
import org.bergenholm.dhcp.Segment;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.http.Health;
import org.bergenholm.http.HttpServer;
import org.bergenholm.images.CachingImageServer;
import org.bergenholm.images.ImageCache;
import org.bergenholm.images.ImagesAhead;
import org.bergenholm.inventory.CachingHostLookup;
import org.bergenholm.inventory.ClientSightings;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.InventoryView;
import org.bergenholm.inventory.SeedLoader;
import org.bergenholm.metrics.Metrics;
import org.bergenholm.power.DummyPowerDriver;
import org.bergenholm.power.IpmiPowerDriver;
import org.bergenholm.power.LibvirtPowerDriver;
import org.bergenholm.power.PowerDrivers;
import org.bergenholm.power.PowerService;
import org.bergenholm.power.VmwarePowerDriver;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.EventStore;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.bergenholm.tftp.BootAssets;
import org.bergenholm.tftp.TftpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where the appliance's parts are built and connected. */
public final class Appliance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Appliance.class);
    /** How long a power operation may take before the API answers 504. */
    private static final Duration POWER_TIMEOUT = Duration.ofSeconds(10);

    /** How long protocol servers trust a MAC/address → host answer; see CachingHostLookup. */
    private static final Duration HOST_LOOKUP_TTL = Duration.ofSeconds(10);
    /** How long a stop waits for transfers in flight; below systemd's TimeoutStopSec=30. */
    private static final Duration DRAIN = Duration.ofSeconds(20);

    private final Database database;
    /** Lets TFTP put a transfer on the timeline of the machine DHCP just answered. */
    private ClientSightings sightings;
    private final StoredEventLog events;
    private final HttpServer http;
    private ImageCache images;
    private ImagesAhead imagesAhead;
    private InventoryView bootView;
    private final TftpServer tftp;
    private final PowerService power;
    private final DhcpServer dhcp;

    public Appliance(ApplianceConfig config) throws Exception {
        this.database = config.mongoUri() == null
                ? Database.embedded(config.dataDir())
                : Database.connect(config.mongoUri(), Database.DEFAULT_NAME);
        try {
            this.events = new StoredEventLog(new EventStore(database), config.eventsPerHost());
            org.bergenholm.inventory.InstallTokens installTokens = Auth.installTokens(config.auth(), database);
            Inventory inventory = new Inventory(new ParameterStore(database, "hosts"), new ParameterStore(database, "groups"),
                    new TemplateStore(database, InventoryView.REFRESH), new TemplateRenderer(), events, installTokens);
            if (!"none".equals(config.seed())) {
                try {
                    new SeedLoader(inventory).seedIfEmpty(config.seed() == null ? null : Path.of(config.seed()), config.baseUrl());
                } catch (com.mongodb.MongoException e) {
                    // Booting machines need TFTP and /boot/ more than the seed; the API answers 503 until the database is back.
                    log.warn("database unreachable at start, serving without it (seed data load at the next start): {}", e.getMessage());
                }
            }
            Metrics metrics = new Metrics();
            metrics.bindDatabase(database);
            this.power = new PowerService(new PowerDrivers(new DummyPowerDriver(), new IpmiPowerDriver(POWER_TIMEOUT),
                    new LibvirtPowerDriver(), new VmwarePowerDriver(POWER_TIMEOUT)), metrics.counting(events), POWER_TIMEOUT);
            Health health = new Health();
            health.add("database", database::ping);
            this.images = new ImageCache(config.dataDir().resolve("images"), config.images());
            metrics.bindImageEvictions(images.evictions());
            java.nio.file.Path bootRoot = BootAssets.chooseRoot(config.bootAssets());
            Auth auth = Auth.start(config.auth(), database, config.dataDir(), inventory, installTokens);
            // One in-memory copy of hosts and groups for everything booting machines ask: DHCP and /ipxe/.
            this.bootView = new InventoryView(inventory, InventoryView.REFRESH);
            this.imagesAhead = new ImagesAhead(images, (id, params) -> params.get("ipxe_script") instanceof String template
                    ? inventory.bootScriptAtHand(id, template, params, bootView) : java.util.Optional.empty());
            this.http = new HttpServer(config.listen(), config.httpPort(), inventory, bootView, events,
                    new CachingImageServer(images, config.images(), metrics.counting(events)), images, power, health, metrics,
                    bootRoot, auth, org.bergenholm.http.HttpLimits.defaults());
            http.start();
            health.add("http", () -> true);
            this.sightings = new ClientSightings(new CachingHostLookup(inventory, HOST_LOOKUP_TTL));
            this.tftp = config.tftp() == null ? null : startTftp(config, bootRoot);
            if (tftp != null) {
                metrics.bindTftp(tftp.counters());
                health.add("tftp", () -> true);
            }
            this.dhcp = startDhcp(config);
            if (dhcp != null) {
                metrics.bindDhcp(dhcp.counters());
                if ("full".equals(config.dhcp())) {
                    metrics.bindLeases(config.dhcpConfig().pools(), new org.bergenholm.store.LeaseStore(database));
                }
                health.add("dhcp", () -> true);
            }
            log.info("Bergenholm serving HTTP on {}:{} ({})", config.listen(), http.port(), database.description());
        } catch (Exception | Error e) {
            if (bootView != null) {
                bootView.close();
            }
            if (imagesAhead != null) {
                imagesAhead.close();
            }
            if (images != null) {
                images.close();
            }
            database.close();
            throw e;
        }
    }

    private TftpServer startTftp(ApplianceConfig config, java.nio.file.Path bootRoot) throws java.io.IOException {
        TftpServer server = new TftpServer(config.tftp(), bootRoot, events, sightings);
        try {
            server.start();
        } catch (java.io.IOException e) {
            http.close();
            throw new java.io.IOException("cannot bind TFTP to " + config.listen() + ":" + config.tftp().port() + ": " + e.getMessage(), e);
        }
        return server;
    }

    private DhcpServer startDhcp(ApplianceConfig config) throws java.io.IOException {
        if ("off".equals(config.dhcp())) {
            return null;
        }
        try {
            java.util.List<Segment> segments = Segment.of(config.interfaces(),
                    java.net.InetAddress.getByName(config.serverAddress()), config.baseUrl());
            DhcpServer server = "full".equals(config.dhcp())
                    ? DhcpModes.full(segments, config.dhcpConfig(), Ports.STANDARD, bootView, imagesAhead::booting,
                            sightings.noting(events), database)
                    : DhcpModes.proxy(segments, config.dhcpConfig(), Ports.STANDARD, bootView, imagesAhead::booting,
                            sightings.noting(events));
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

    /**
     * Graceful stop (SIGTERM): no new requests or transfers, those in flight get up to
     * {@link #DRAIN} to finish, then the event log is flushed and the database closed, so that
     * a restart right after finds the data directory unlocked and every event written.
     */
    @Override
    public void close() {
        if (dhcp != null) {
            dhcp.close(); // first: no machine starts a boot that the drain would then cut off
        }
        long deadline = System.nanoTime() + DRAIN.toNanos();
        try {
            if (tftp != null && !tftp.drain(DRAIN)) {
                log.warn("TFTP transfers still running after {} s; cutting them off", DRAIN.toSeconds());
            }
            if (!http.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                log.warn("HTTP requests still running after {} s; cutting them off", DRAIN.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tftp != null) {
            tftp.close();
        }
        http.close();
        bootView.close();
        power.close();
        imagesAhead.close();
        images.close();
        events.close();
        database.close();
    }
}
