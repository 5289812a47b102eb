package org.bergenholm.http;

import java.util.Map;
import org.bergenholm.events.EventLog;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.power.PowerDriver;
import org.bergenholm.power.PowerException;
import org.bergenholm.power.PowerState;

/** `/api/1.0/power/<id>` and `/api/1.0/power/status/<id>`. */
final class PowerRoutes {
    private final Inventory inventory;
    private final Map<String, PowerDriver> drivers;
    private final EventLog events;

    PowerRoutes(Inventory inventory, Map<String, PowerDriver> drivers, EventLog events) {
        this.inventory = inventory;
        this.drivers = drivers;
        this.events = events;
    }

    void handle(Request r) throws Exception {
        boolean statusPath = r.segment(1).equals("status") && r.size() == 3;
        String id = statusPath ? r.name(2) : r.name(1);
        switch (r.method()) {
            case "GET" -> {
                Map<String, Object> params = inventory.resolveHostOrRegister(id);
                PowerState state = call(id, params, "status");
                Exchanges.json(r.exchange(), 200, Map.of("power", state.json()));
            }
            case "PUT" -> {
                if (statusPath) {
                    throw new HttpError(405, "PUT goes to /api/1.0/power/<id>");
                }
                Object action = Exchanges.jsonObject(r.exchange()).get("power");
                if (!(action instanceof String a) || !(a.equals("on") || a.equals("off") || a.equals("reset"))) {
                    throw new HttpError(400, "body must be {\"power\": \"on\"|\"off\"|\"reset\"}");
                }
                Map<String, Object> params = inventory.resolveHostOrRegister(id);
                call(id, params, (String) action);
                Exchanges.empty(r.exchange(), 202);
            }
            default -> throw new HttpError(405, "method " + r.method() + " not allowed");
        }
    }

    private PowerState call(String id, Map<String, Object> params, String action) {
        Object name = params.get("power_driver");
        if (!(name instanceof String driverName) || driverName.isEmpty()) {
            throw new HttpError(400, "host " + id + " has no power_driver");
        }
        PowerDriver driver = drivers.get(driverName);
        if (driver == null) {
            throw new HttpError(400, "unknown power_driver '" + driverName + "' (known: " + String.join(", ", drivers.keySet()) + ")");
        }
        try {
            PowerState result = switch (action) {
                case "on" -> { driver.on(id, params); yield PowerState.ON; }
                case "off" -> { driver.off(id, params); yield PowerState.OFF; }
                case "reset" -> { driver.reset(id, params); yield PowerState.ON; }
                default -> driver.status(id, params);
            };
            events.record(id, "power " + action, Map.of("driver", driverName, "result", result.json()));
            return result;
        } catch (PowerException e) {
            events.record(id, "power " + action, Map.of("driver", driverName, "error", String.valueOf(e.getMessage())));
            throw new HttpError(e.isTimeout() ? 504 : 502, "power driver " + driverName + ": " + e.getMessage());
        }
    }
}
