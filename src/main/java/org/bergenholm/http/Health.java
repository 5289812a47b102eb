package org.bergenholm.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** Whether every enabled service is up, for `GET /healthz`. */
public final class Health {
    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

    public void add(String service, BooleanSupplier up) {
        checks.put(service, up);
    }

    public Map<String, String> report() {
        Map<String, String> out = new LinkedHashMap<>();
        checks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), e.getValue().getAsBoolean() ? "up" : "down"));
        return out;
    }
}
