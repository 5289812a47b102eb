package org.bergenholm.power;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers power state in memory: for demos and tests. */
public final class DummyPowerDriver implements PowerDriver {
    private final Map<String, PowerState> states = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "dummy";
    }

    @Override
    public PowerState status(String hostId, Map<String, Object> params) {
        return states.getOrDefault(hostId, PowerState.OFF);
    }

    @Override
    public void on(String hostId, Map<String, Object> params) {
        states.put(hostId, PowerState.ON);
    }

    @Override
    public void off(String hostId, Map<String, Object> params) {
        states.put(hostId, PowerState.OFF);
    }

    @Override
    public void reset(String hostId, Map<String, Object> params) {
        states.put(hostId, PowerState.ON);
    }
}
