package org.bergenholm.http;

import java.util.Map;
import org.bergenholm.inventory.Inventory;
import org.bergenholm.power.PowerException;
import org.bergenholm.power.PowerOperation;
import org.bergenholm.power.PowerParameterException;
import org.bergenholm.power.PowerService;
import org.bergenholm.power.PowerState;

/** `/api/1.0/power/<id>` and `/api/1.0/power/status/<id>`: HTTP in and out; {@link PowerService} does the work. */
final class PowerRoutes {
    /** Who asked, on the timeline, until the API knows its users. */
    private static final String WHO = "api";

    private final Inventory inventory;
    private final PowerService power;

    PowerRoutes(Inventory inventory, PowerService power) {
        this.inventory = inventory;
        this.power = power;
    }

    void handle(Request r) throws Exception {
        boolean statusPath = r.segment(1).equals("status") && r.size() == 3;
        String id = statusPath ? r.name(2) : r.name(1);
        switch (r.method()) {
            case "GET" -> {
                PowerState state = call(id, PowerOperation.STATUS);
                Exchanges.json(r.exchange(), 200, Map.of("power", state.json()));
            }
            case "PUT" -> {
                if (statusPath) {
                    throw new HttpError(405, "PUT goes to /api/1.0/power/<id>");
                }
                Object action = Exchanges.jsonObject(r.exchange()).get("power");
                PowerOperation operation = switch (action instanceof String a ? a : "") {
                    case "on" -> PowerOperation.ON;
                    case "off" -> PowerOperation.OFF;
                    case "reset" -> PowerOperation.RESET;
                    default -> throw new HttpError(400, "body must be {\"power\": \"on\"|\"off\"|\"reset\"}");
                };
                call(id, operation);
                Exchanges.empty(r.exchange(), 202);
            }
            default -> throw new HttpError(405, "method " + r.method() + " not allowed");
        }
    }

    private PowerState call(String id, PowerOperation operation) {
        Map<String, Object> params = inventory.resolveHostOrRegister(id);
        try {
            return power.run(id, params, operation, WHO);
        } catch (PowerParameterException e) {
            throw new HttpError(400, "host " + id + ": " + e.getMessage());
        } catch (PowerException e) {
            throw new HttpError(e.isTimeout() ? 504 : 502, "power driver " + params.get("power_driver") + ": " + e.getMessage());
        }
    }
}
