package org.bergenholm.http;

import com.mongodb.MongoException;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bergenholm.auth.Auth;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.images.ImageCache;
import org.bergenholm.images.ImageServer;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.inventory.InventoryView;
import org.bergenholm.metrics.Metrics;
import org.bergenholm.power.PowerService;
import org.bergenholm.render.TemplateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Undertow serving the REST API, the iPXE routes and `/healthz`; requests run on worker threads. */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final String API = "/api/1.0";

    private final ParameterRoutes parameters;
    private final TemplateRoutes templates;
    private final PowerRoutes power;
    private final EventRoutes eventRoutes;
    private final IpxeRoutes ipxe;
    private final ImageRoutes imageRoutes;
    private final Health health;
    private final Metrics metrics;
    /** Checks every `/api/1.0` request before it is routed, and serves users and tokens. */
    private final Auth auth;
    private final HttpLimits limits;
    private final io.undertow.server.HttpHandler bootFiles;
    private final Undertow undertow;
    /** Answers 503 once shutdown starts and counts the requests still running. */
    private final GracefulShutdownHandler graceful;

    /** {@code bootView}: what the boot path (`/ipxe/…`) reads hosts and groups from; the API reads the database. */
    public HttpServer(String listen, int port, Inventory inventory, InventoryView bootView, StoredEventLog events, ImageServer images,
            ImageCache imageCache, PowerService power, Health health, Metrics metrics, Path bootAssets, Auth auth,
            HttpLimits limits) {
        this.auth = auth;
        this.limits = limits;
        this.metrics = metrics;
        this.bootFiles = bootFiles(bootAssets);
        this.parameters = new ParameterRoutes(inventory, events);
        this.templates = new TemplateRoutes(inventory, events);
        this.power = new PowerRoutes(inventory, power);
        this.eventRoutes = new EventRoutes(events);
        this.ipxe = new IpxeRoutes(inventory, bootView, images, events);
        this.imageRoutes = new ImageRoutes(imageCache);
        this.health = health;
        this.graceful = new GracefulShutdownHandler(this::dispatch);
        this.undertow = Undertow.builder()
                .addHttpListener(port, listen)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) Exchanges.MAX_BODY + 1)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.noRequestTimeout().toMillis())
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.parseTimeout().toMillis())
                .setSocketOption(org.xnio.Options.CONNECTION_HIGH_WATER, limits.maxConnections())
                .setSocketOption(org.xnio.Options.CONNECTION_LOW_WATER, limits.lowWater())
                .setSocketOption(org.xnio.Options.SEND_BUFFER, HttpLimits.SEND_BUFFER)
                .setHandler(graceful)
                .build();
    }

    public void start() {
        int sendBuffer = HttpLimits.effectiveSendBuffer();
        if (sendBuffer < HttpLimits.SEND_BUFFER) {
            log.warn("net.core.wmem_max caps each HTTP connection's send buffer at {} bytes instead of {}: image downloads"
                    + " take more CPU; raise it with 'sysctl -w net.core.wmem_max=4194304'", sendBuffer, HttpLimits.SEND_BUFFER);
        }
        undertow.start();
    }

    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void dispatch(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            long started = System.nanoTime();
            exchange.addExchangeCompleteListener((done, next) -> {
                metrics.httpRequest(done.getRequestMethod().toString(), routeName(done.getRelativePath()),
                        done.getStatusCode(), System.nanoTime() - started);
                next.proceed();
            });
            if (answeredAtHand(exchange)) {
                return;
            }
            exchange.dispatch(this::dispatch);
            return;
        }
        try {
            route(exchange);
        } catch (Exception e) {
            failed(exchange, e);
        }
    }

    /** A booting machine's request answered on the I/O thread where memory holds the answer ({@link IpxeRoutes#answerAtHand}). */
    private boolean answeredAtHand(HttpServerExchange exchange) {
        String method = exchange.getRequestMethod().toString();
        if (!exchange.getRelativePath().startsWith("/ipxe/") || !(method.equals("GET") || method.equals("HEAD"))) {
            return false;
        }
        try {
            return ipxe.answerAtHand(Request.of(exchange, "/ipxe"));
        } catch (Exception e) {
            failed(exchange, e);
            return true;
        }
    }

    private static void failed(HttpServerExchange exchange, Exception failure) {
        if (failure instanceof HttpError e) {
            fail(exchange, e.status(), e.getMessage());
        } else if (failure instanceof TemplateException e) {
            fail(exchange, 500, "cannot render " + e.getMessage());
        } else if (failure instanceof MongoException e) {
            log.warn("database error on {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            exchange.getResponseHeaders().put(io.undertow.util.Headers.RETRY_AFTER, "5");
            fail(exchange, 503, "database unavailable");
        } else {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), failure);
            fail(exchange, 500, "internal error: " + failure.getClass().getSimpleName());
        }
    }

    private void route(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRelativePath();
        if (path.startsWith(API + "/")) {
            Request r = Request.of(exchange, API);
            auth.check(exchange, r.method(), r.segments());
            // Received once the caller is known, so that only callers the API accepts make it hold a body.
            if (!BodyReceiver.receiving(exchange, limits.bodyTimeout(), () -> onWorker(exchange, () -> api(r)))) {
                api(r);
            }
        } else if (path.startsWith("/ipxe/")) {
            ipxe.handle(Request.of(exchange, "/ipxe"));
        } else if (path.equals("/healthz")) {
            Map<String, String> services = health.report();
            boolean up = !services.containsValue("down");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "ok" : "unavailable");
            body.put("services", services);
            Exchanges.json(exchange, up ? 200 : 503, body);
        } else if (path.startsWith("/boot/")) {
            exchange.setRelativePath(path.substring("/boot".length()));
            bootFiles.handleRequest(exchange);
        } else if (path.equals("/metrics")) {
            Exchanges.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        } else if (path.equals("/")) {
            Exchanges.send(exchange, 200, "text/plain", "Bergenholm works.\n");
        } else {
            throw new HttpError(404, "no such resource: " + path);
        }
    }

    private void api(Request r) throws Exception {
        switch (r.segment(0)) {
            case "users", "tokens" -> auth.handle(r.exchange(), r.method(), r.segments());
            case "hosts" -> parameters.hosts(r);
            case "groups" -> parameters.groups(r);
            case "templates" -> templates.handle(r);
            case "power" -> power.handle(r);
            case "events" -> eventRoutes.handle(r);
            case "images" -> imageRoutes.handle(r);
            default -> throw new HttpError(404, "no such resource: " + r.exchange().getRelativePath());
        }
    }

    private interface Route {
        void run() throws Exception;
    }

    private static void onWorker(HttpServerExchange exchange, Route route) {
        try {
            route.run();
        } catch (Exception e) {
            failed(exchange, e);
        }
    }

    /**
     * `/boot/<file>`: the iPXE binaries over HTTP, for UEFI HTTP boot. Undertow's resource
     * handler gives Content-Length (the firmware asks for the size first), HEAD, ranges, ETag
     * and sendfile; symbolic links are followed only into BootAssets' trusted folders.
     */
    private static io.undertow.server.HttpHandler bootFiles(Path root) {
        if (root == null) {
            return exchange -> { throw new HttpError(404, "no boot assets folder"); };
        }
        String[] trusted = org.bergenholm.tftp.BootAssets.trustedLinkTargets(root).stream().map(Path::toString).toArray(String[]::new);
        io.undertow.server.handlers.resource.ResourceManager files =
                new io.undertow.server.handlers.resource.PathResourceManager(root, 1024, true, trusted.length > 0, trusted);
        return new io.undertow.server.handlers.resource.ResourceHandler(files,
                exchange -> Exchanges.json(exchange, 404, Map.of("error", "no such boot file: " + exchange.getRelativePath())))
                .setDirectoryListingEnabled(false).setWelcomeFiles();
    }

    private static final Set<String> API_RESOURCES = Set.of("hosts", "groups", "templates", "power", "events", "images", "users", "tokens");
    private static final Set<String> IPXE_RESOURCES = Set.of("script", "kernel", "initrd", "module", "register", "mark");
    private static final Set<String> PLAIN_ROUTES = Set.of("/", "/healthz", "/metrics");

    /** A label of bounded cardinality: the resource, never an id. */
    static String routeName(String path) {
        if (path.startsWith(API + "/")) {
            String resource = segment(path, API.length() + 1);
            return resource == null ? "other" : "api/" + (API_RESOURCES.contains(resource) ? resource : "other");
        }
        if (path.startsWith("/ipxe/")) {
            String resource = segment(path, "/ipxe/".length());
            return resource == null ? "other" : "ipxe/" + (IPXE_RESOURCES.contains(resource) ? resource : "other");
        }
        if (path.startsWith("/boot/")) {
            return "boot";
        }
        return PLAIN_ROUTES.contains(path) ? path : "other";
    }

    /** The path segment starting at {@code from}; null when it is empty. */
    private static String segment(String path, int from) {
        int end = path.indexOf('/', from);
        String s = path.substring(from, end < 0 ? path.length() : end);
        return s.isEmpty() ? null : s;
    }

    private static void fail(HttpServerExchange exchange, int status, String message) {
        if (exchange.isResponseStarted()) {
            try {
                exchange.getConnection().close();
            } catch (java.io.IOException ignored) {
                // The client sees the connection end, which is the point.
            }
            return;
        }
        Exchanges.json(exchange, status, Map.of("error", message));
    }

    /** Stops taking requests and waits up to {@code limit} for running ones (streams included). */
    public boolean drain(java.time.Duration limit) throws InterruptedException {
        graceful.shutdown();
        return graceful.awaitShutdown(limit.toMillis());
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
