package org.bergenholm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.io.IoCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading bodies within the limits and writing JSON answers. */
public final class Exchanges {
    public static final int MAX_BODY = 1024 * 1024;
    public static final int MAX_JSON_DEPTH = 32;
    /** Longest parameter name in a JSON body; 1.0's names are a few dozen characters. */
    public static final int MAX_JSON_NAME = 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH)
                .maxNameLength(MAX_JSON_NAME).maxDocumentLength(MAX_BODY).build());
    }

    private Exchanges() {
    }

    /** The request body, received before the route ran ({@link BodyReceiver}) and within {@link #MAX_BODY}. */
    public static byte[] body(HttpServerExchange exchange) {
        return BodyReceiver.body(exchange);
    }

    public static String text(HttpServerExchange exchange) throws IOException {
        return new String(body(exchange), StandardCharsets.UTF_8);
    }

    /** The body as a JSON object of parameters; 400 for anything else. */
    public static Map<String, Object> jsonObject(HttpServerExchange exchange) throws IOException {
        return parameters(body(exchange));
    }

    /** A request body (already within {@link #MAX_BODY}) as parameters; HttpError 400 for anything else. */
    static Map<String, Object> parameters(byte[] body) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) { // leading NULs make Jackson read UTF-32 (found by fuzzing: was a 500)
            throw new HttpError(400, "body is not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "body must be a JSON object, not " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        Map<String, Object> params = JSON.convertValue(node, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        for (String key : params.keySet()) {
            if (key.isEmpty() || key.startsWith("$") || key.contains(".") || key.equals("_id") || key.equals(org.bergenholm.inventory.ParameterResolver.LITERAL)) {
                throw new HttpError(400, "parameter name not allowed: '" + key + "' (empty, '_id', '_literal', starting with '$' or containing '.')");
            }
        }
        rejectHugeNumbers(node);
        return params;
    }

    private static void rejectHugeNumbers(JsonNode node) {
        if (node.isBigInteger()) {
            throw new HttpError(400, "number out of range: " + node.asText());
        }
        node.forEach(Exchanges::rejectHugeNumbers);
    }

    public static void json(HttpServerExchange exchange, int status, Object value) {
        json(exchange, status, value, IoCallback.END_EXCHANGE);
    }

    /** {@code then} runs once the answer is sent (or could not be). */
    static void json(HttpServerExchange exchange, int status, Object value, IoCallback then) {
        try {
            send(exchange, status, "application/json", JSON.writeValueAsString(value), then);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void send(HttpServerExchange exchange, int status, String contentType, String body) {
        send(exchange, status, contentType, body, IoCallback.END_EXCHANGE);
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, String body, IoCallback then) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8, then);
    }

    public static void empty(HttpServerExchange exchange, int status) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        exchange.endExchange();
    }
}
