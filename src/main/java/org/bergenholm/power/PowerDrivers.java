package org.bergenholm.power;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Maps a host's {@code power_driver} parameter to the driver that handles it. */
public final class PowerDrivers {
    private final Map<String, PowerDriver> byName = new LinkedHashMap<>();

    public PowerDrivers(PowerDriver... drivers) {
        for (PowerDriver driver : drivers) {
            byName.put(driver.name(), driver);
        }
    }

    /** The driver named by {@code power_driver}; a clear error if it is missing or unknown. */
    public PowerDriver forParams(Map<String, Object> params) throws PowerException {
        Object name = params.get("power_driver");
        if (name == null || name.toString().isBlank()) {
            throw new PowerParameterException("missing parameter power_driver");
        }
        PowerDriver driver = byName.get(name.toString());
        if (driver == null) {
            throw new PowerParameterException("unknown power_driver '" + name + "'; known: " + byName.keySet());
        }
        return driver;
    }

    /** Every driver, to close those that hold connections. */
    public Iterable<PowerDriver> all() {
        return byName.values();
    }

    /** A required parameter, or a clear error naming it (the REST layer maps this to 400). */
    public static String required(Map<String, Object> params, String name) throws PowerException {
        Object value = params.get(name);
        if (value == null || value.toString().isBlank()) {
            throw new PowerParameterException("missing parameter " + name);
        }
        return Objects.toString(value);
    }
}
