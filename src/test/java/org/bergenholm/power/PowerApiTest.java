package org.bergenholm.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.bergenholm.testing.TestServer;
import org.bergenholm.testing.TestServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/api/1.0/power` end to end: the real appliance driving the simulators. */
class PowerApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The domain that libvirt's test:///default driver always has, running. */
    private static final String TEST_DOMAIN_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f";

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private void host(String id, Map<String, Object> params) throws Exception {
        assertEquals(201, server.json("POST", "/api/1.0/hosts/" + id, JSON.writeValueAsString(params)).status());
    }

    private String power(String id) throws Exception {
        Reply r = server.get("/api/1.0/power/" + id);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body()).get("power").asText();
    }

    private Reply put(String id, String action) throws Exception {
        return server.json("PUT", "/api/1.0/power/" + id, "{\"power\": \"" + action + "\"}");
    }

    private String error(Reply r) throws Exception {
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void ipmi(@TempDir Path state) throws Exception {
        try (IpmiSimulator bmc = new IpmiSimulator(state)) {
            host("bm1", bmc.params());
            assertEquals("off", power("bm1"));
            assertEquals(202, put("bm1", "on").status());
            assertEquals("pxe", bmc.file("bootdev"));
            assertEquals("on", power("bm1"));
            assertEquals(202, put("bm1", "reset").status());
            assertTrue(bmc.file("events").endsWith("reset"));
            assertEquals(202, put("bm1", "off").status());
            assertEquals("off", bmc.file("power"));

            Map<String, Object> wrong = bmc.params();
            wrong.put("ipmi_password", "Nope-4411");
            host("bm2", wrong);
            Reply refused = put("bm2", "on");
            assertEquals(502, refused.status());
            assertTrue(error(refused).contains("authentication failed"), refused.body());
            assertFalse(refused.body().contains("Nope-4411"));
            assertFalse(server.get("/api/1.0/hosts/bm2/events").body().contains("Nope-4411"));
        }
    }

    @Test
    void ipmiUnreachableIs504WithinTheBound() throws Exception {
        int silent;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = probe.getLocalPort();
        }
        host("gone", Map.of("power_driver", "ipmi", "ipmi_host", "127.0.0.1", "ipmi_port", silent,
                "ipmi_user", "admin", "ipmi_password", "secret"));
        long start = System.nanoTime();
        Reply r = server.get("/api/1.0/power/gone");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, r.status(), r.body());
        assertTrue(error(r).contains("10 s"), r.body());
        assertTrue(millis < 12_000, "took " + millis + " ms");
    }

    @Test
    void libvirt() throws Exception {
        host(TEST_DOMAIN_UUID, Map.of("power_driver", "libvirt", "libvirt_url", "test:///default"));
        assertEquals(202, put(TEST_DOMAIN_UUID, "off").status());
        assertEquals("off", power(TEST_DOMAIN_UUID));
        assertEquals(202, put(TEST_DOMAIN_UUID, "on").status());
        assertEquals("on", power(TEST_DOMAIN_UUID));
        assertEquals(202, put(TEST_DOMAIN_UUID, "reset").status());
        assertEquals("on", power(TEST_DOMAIN_UUID));
        host("00000000-0000-0000-0000-000000000001", Map.of("power_driver", "libvirt", "libvirt_url", "test:///default"));
        Reply missing = server.get("/api/1.0/power/00000000-0000-0000-0000-000000000001");
        assertEquals(502, missing.status());
        assertTrue(error(missing).contains("no domain with UUID"), missing.body());
    }

    @Test
    void vmware() throws Exception {
        try (VcsimLite vcsim = new VcsimLite()) {
            String uuid = vcsim.uuids().get(0);
            host(uuid, vcsim.params());
            assertEquals(202, put(uuid, "off").status());
            assertEquals("off", power(uuid));
            assertEquals(202, put(uuid, "on").status());
            assertEquals("on", power(uuid));
            assertEquals("allow:net,hd", vcsim.view(uuid).extraConfig().get("bios.bootDeviceClasses"));
            assertEquals(202, put(uuid, "reset").status());
            assertEquals("poweredOn", vcsim.view(uuid).powerState());

            Map<String, Object> verifying = vcsim.params();
            verifying.remove("vmware_insecure");
            host(vcsim.uuids().get(1), verifying);
            Reply untrusted = server.get("/api/1.0/power/" + vcsim.uuids().get(1));
            assertEquals(502, untrusted.status());
            assertTrue(error(untrusted).contains("certificate not trusted"), untrusted.body());
        }
    }

    @Test
    void eventsNameWhoWhatAndResult() throws Exception {
        host("d", Map.of("power_driver", "dummy"));
        assertEquals(202, put("d", "on").status());
        JsonNode events = JSON.readTree(server.get("/api/1.0/hosts/d/events").body()).get("events");
        JsonNode last = events.get(events.size() - 1);
        assertEquals("power on", last.get("step").asText());
        assertEquals("api", last.get("details").get("who").asText());
        assertEquals("on", last.get("details").get("result").asText());
    }

    @Test
    void unknownDriverAndMissingParametersAre400() throws Exception {
        host("warp", Map.of("power_driver", "warp"));
        Reply unknown = put("warp", "on");
        assertEquals(400, unknown.status());
        assertTrue(error(unknown).contains("unknown power_driver 'warp'"), unknown.body());

        host("none", Map.of("role", "web"));
        Reply none = server.get("/api/1.0/power/none");
        assertEquals(400, none.status());
        assertTrue(error(none).contains("power_driver"), none.body());

        host("half", Map.of("power_driver", "ipmi", "ipmi_host", "127.0.0.1", "ipmi_user", "admin"));
        Reply half = put("half", "on");
        assertEquals(400, half.status());
        assertTrue(error(half).contains("missing parameter ipmi_password"), half.body());

        host("vm", Map.of("power_driver", "vmware", "vmware_host", "127.0.0.1"));
        assertTrue(error(put("vm", "off")).contains("missing parameter vmware_user"));
        host("lv", Map.of("power_driver", "libvirt"));
        assertTrue(error(put("lv", "reset")).contains("missing parameter libvirt_url"));
    }
}
