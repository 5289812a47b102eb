package org.bergenholm.power;

import java.util.HashMap;
import java.util.Map;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * libvirt through libvirt-java. One connection per {@code libvirt_url} for the driver's life:
 * opening one per call is slow over SSH/TLS, and {@code test:///} URLs keep their state per
 * connection. The domain is the one whose UUID is the host id.
 */
public final class LibvirtPowerDriver implements PowerDriver, AutoCloseable {
    private final Map<String, Connect> connections = new HashMap<>();

    @Override
    public String name() {
        return "libvirt";
    }

    @Override
    public PowerState status(String hostId, Map<String, Object> params) throws PowerException {
        return call(params, hostId, d -> switch (d.getInfo().state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_PMSUSPENDED -> PowerState.ON;
            case VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_CRASHED -> PowerState.OFF;
            default -> PowerState.UNKNOWN;
        });
    }

    /** Network first in the boot order of the stored definition, then start (or restart if running). */
    @Override
    public void on(String hostId, Map<String, Object> params) throws PowerException {
        String url = PowerDrivers.required(params, "libvirt_url");
        call(params, hostId, d -> {
            String xml = NetworkBootXml.networkFirst(d.getXMLDesc(0));
            Domain defined = connection(url).domainDefineXML(xml);
            if (defined.isActive() == 1) {
                defined.destroy();
            }
            defined.create();
            return null;
        });
    }

    @Override
    public void off(String hostId, Map<String, Object> params) throws PowerException {
        call(params, hostId, d -> {
            if (d.isActive() == 1) {
                d.destroy();
            }
            return null;
        });
    }

    /** Hard reset as 1.0 did it: destroy, then start from the stored definition. */
    @Override
    public void reset(String hostId, Map<String, Object> params) throws PowerException {
        call(params, hostId, d -> {
            if (d.isActive() == 1) {
                d.destroy();
            }
            d.create();
            return null;
        });
    }

    /** The driver's connection to {@code url}, opened on first use. */
    synchronized Connect connection(String url) throws LibvirtException {
        Connect c = connections.get(url);
        if (c == null) {
            c = new Connect(url);
            connections.put(url, c);
        }
        return c;
    }

    private <T> T call(Map<String, Object> params, String hostId, DomainStep<T> step) throws PowerException {
        String url = PowerDrivers.required(params, "libvirt_url");
        try {
            Connect connect = connection(url);
            Domain domain;
            try {
                domain = connect.domainLookupByUUIDString(hostId);
            } catch (LibvirtException e) {
                forgetIfDead(url);
                throw new PowerException("libvirt " + url + ": no domain with UUID " + hostId + " (" + e.getMessage() + ")", false, null);
            }
            return step.run(domain);
        } catch (LibvirtException e) {
            forgetIfDead(url);
            throw new PowerException("libvirt " + url + ": " + e.getMessage(), false, null);
        }
    }

    /** A connection whose daemon went away is dropped, so that the next call opens a new one. */
    private synchronized void forgetIfDead(String url) {
        Connect c = connections.get(url);
        try {
            if (c != null && !c.isAlive()) {
                connections.remove(url);
                c.close();
            }
        } catch (LibvirtException e) {
            connections.remove(url);
        }
    }

    @FunctionalInterface
    private interface DomainStep<T> {
        T run(Domain domain) throws LibvirtException, PowerException;
    }

    @Override
    public synchronized void close() {
        for (Connect c : connections.values()) {
            try {
                c.close();
            } catch (LibvirtException e) {
                // closing at shutdown: nothing left to do with a connection that will not close
            }
        }
        connections.clear();
    }
}
