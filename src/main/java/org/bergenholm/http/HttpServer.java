package org.bergenholm.http;

import com.mongodb.MongoException;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bergenholm.events.StoredEventLog;
import org.bergenholm.images.ImageCache;
import org.bergenholm.images.ImageServer;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.power.PowerDriver;
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
    private final Undertow undertow;

    public HttpServer(String listen, int port, Inventory inventory, StoredEventLog events, ImageServer images,
            ImageCache imageCache, Map<String, PowerDriver> drivers, Health health) {
        this.parameters = new ParameterRoutes(inventory, events);
        this.templates = new TemplateRoutes(inventory, events);
        this.power = new PowerRoutes(inventory, drivers, events);
        this.eventRoutes = new EventRoutes(events);
        this.ipxe = new IpxeRoutes(inventory, images, events);
        this.imageRoutes = new ImageRoutes(imageCache);
        this.health = health;
        this.undertow = Undertow.builder()
                .addHttpListener(port, listen)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) Exchanges.MAX_BODY + 1)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setHandler(this::dispatch)
                .build();
    }

    public void start() {
        undertow.start();
    }

    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void dispatch(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this::dispatch);
            return;
        }
        try {
            route(exchange);
        } catch (HttpError e) {
            fail(exchange, e.status(), e.getMessage());
        } catch (TemplateException e) {
            fail(exchange, 500, "cannot render " + e.getMessage());
        } catch (MongoException e) {
            log.warn("database error on {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            exchange.getResponseHeaders().put(io.undertow.util.Headers.RETRY_AFTER, "5");
            fail(exchange, 503, "database unavailable");
        } catch (Exception e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            fail(exchange, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private void route(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRelativePath();
        if (path.startsWith(API + "/")) {
            Request r = Request.of(exchange, API);
            switch (r.segment(0)) {
                case "hosts" -> parameters.hosts(r);
                case "groups" -> parameters.groups(r);
                case "templates" -> templates.handle(r);
                case "power" -> power.handle(r);
                case "events" -> eventRoutes.handle(r);
                case "images" -> imageRoutes.handle(r);
                default -> throw new HttpError(404, "no such resource: " + path);
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
        } else if (path.equals("/")) {
            Exchanges.send(exchange, 200, "text/plain", "Bergenholm works.\n");
        } else {
            throw new HttpError(404, "no such resource: " + path);
        }
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

    @Override
    public void close() {
        undertow.stop();
    }
}
