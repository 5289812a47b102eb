package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bergenholm.render.TemplateRenderer;
import org.bergenholm.store.Database;
import org.bergenholm.store.ParameterStore;
import org.bergenholm.store.TemplateStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory copy of the inventory that DHCP and the boot path answer from, on the embedded
 * database: current at once for our writes, within the refresh for others'.
 */
class InventoryViewTest {
    private static final Duration REFRESH = Duration.ofMillis(300);
    @TempDir Path dir;
    private Database db;
    private Inventory inventory;
    private InventoryView view;

    @BeforeEach
    void start() {
        db = Database.embedded(dir);
        inventory = new Inventory(new ParameterStore(db, "hosts"), new ParameterStore(db, "groups"), new TemplateStore(db),
                new TemplateRenderer(), (host, step, details) -> { });
        inventory.groups().create("rack", Map.of("dhcp_bootfile", "rack.efi", "site", "north"));
        inventory.hosts().create("old", Map.of("mac", "52:54:00:00:00:01", "groups", List.of("rack")));
        view = new InventoryView(inventory, REFRESH);
    }

    /** A view that reloads only once an hour: what it knows at once came from the write listeners. */
    private InventoryView listeningOnly() {
        view.close();
        view = new InventoryView(inventory, Duration.ofHours(1));
        return view;
    }

    @AfterEach
    void stop() {
        view.close();
        db.close();
    }

    @Test
    void loadsWhatIsStoredAndResolvesGroupsAndTemplates() {
        inventory.hosts().create("templated", Map.of("ipaddr", "10.0.0.9", "greeting", "{{ site }}-{{ uuid }}"));
        assertEquals(Optional.of("old"), view.hostIdByMac("52:54:00:00:00:01"));
        assertEquals("rack.efi", view.resolve("old").orElseThrow().get("dhcp_bootfile"));
        assertEquals(inventory.resolve("old"), view.resolve("old"), "the view resolves as the inventory does");
        assertEquals(Optional.of("templated"), view.hostIdByAddress("10.0.0.9"));
        assertEquals(inventory.resolve("templated"), view.resolve("templated"));
        assertEquals(Optional.empty(), view.resolve("nobody"));
    }

    @Test
    void writesThroughThisApplianceAreSeenBeforeTheWriteReturns() {
        InventoryView view = listeningOnly();
        inventory.hosts().create("new", Map.of("mac", "52:54:00:00:00:02", "ipaddr", "10.0.0.2", "groups", List.of("rack")));
        assertEquals(Optional.of("new"), view.hostIdByMac("52:54:00:00:00:02"));
        assertEquals(Optional.of("new"), view.hostIdByAddress("10.0.0.2"));
        inventory.groups().replace("rack", Map.of("dhcp_bootfile", "other.efi"));
        assertEquals("other.efi", view.resolve("new").orElseThrow().get("dhcp_bootfile"), "a group change reaches its hosts");
        inventory.hosts().replace("new", Map.of("mac", "52:54:00:00:00:03"));
        assertEquals(Optional.empty(), view.hostIdByMac("52:54:00:00:00:02"), "the old MAC no longer names the host");
        assertEquals(Optional.of("new"), view.hostIdByMac("52:54:00:00:00:03"));
        assertEquals(Optional.empty(), view.hostIdByAddress("10.0.0.2"));
        inventory.hosts().delete("new");
        assertEquals(Optional.empty(), view.hostIdByMac("52:54:00:00:00:03"));
    }

    @Test
    void writesStraightIntoTheDatabaseAreSeenWithinTheRefreshPeriod() throws Exception {
        // As another appliance sharing the database would write: not through this process's stores.
        db.mongo().getCollection("hosts").insertOne(new Document("_id", "elsewhere").append("mac", "52:54:00:00:00:04"));
        db.mongo().getCollection("groups").replaceOne(new Document("_id", "rack"), new Document("_id", "rack")
                .append("dhcp_bootfile", "edited.efi"));
        long deadline = System.nanoTime() + REFRESH.toNanos() * 3;
        while (view.hostIdByMac("52:54:00:00:00:04").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Optional.of("elsewhere"), view.hostIdByMac("52:54:00:00:00:04"));
        assertEquals("edited.efi", view.resolve("old").orElseThrow().get("dhcp_bootfile"));
    }

    @Test
    void answersFromTheLastCopyWhileTheDatabaseIsGone() throws Exception {
        db.close();
        Thread.sleep(REFRESH.toMillis() * 2); // reloads fail meanwhile
        assertEquals(Optional.of("old"), view.hostIdByMac("52:54:00:00:00:01"));
        assertEquals("rack.efi", view.resolve("old").orElseThrow().get("dhcp_bootfile"));
    }

    @Test
    void bootParametersAreTheInventorysAnswerFromTheView() {
        inventory.hosts().create(Inventory.REGISTER_HOST, Map.of("ipxe_script", "register.ipxe", "groups", List.of("rack")));
        inventory.hosts().create("known", Map.of("groups", List.of("rack"), "kernel", "http://x/{{ site }}/{{ uuid }}"));
        assertEquals(inventory.resolveHostOrRegister("known"), inventory.bootParameters("known", view));
        assertEquals("http://x/north/known", inventory.bootParameters("known", view).get("kernel"));
        Map<String, Object> unknown = inventory.bootParameters("never-seen", view);
        assertEquals(inventory.resolveHostOrRegister("never-seen"), unknown, "an unknown machine gets the register host's parameters");
        assertEquals("register.ipxe", unknown.get("ipxe_script"));
        assertEquals("never-seen", unknown.get("uuid"));
    }

    @Test
    void bootParametersFollowAnApiWriteAtOnceAndAnotherAppliancesWithinTheRefresh() throws Exception {
        InventoryView view = listeningOnly();
        inventory.hosts().create("known", Map.of("groups", List.of("rack"), "kernel", "first"));
        assertEquals("first", inventory.bootParameters("known", view).get("kernel"));
        inventory.hosts().replace("known", Map.of("groups", List.of("rack"), "kernel", "second"));
        assertEquals("second", inventory.bootParameters("known", view).get("kernel"), "a write through this appliance, at once");
        db.mongo().getCollection("hosts").replaceOne(new Document("_id", "known"), new Document("_id", "known").append("kernel", "third"));
        assertEquals("second", inventory.bootParameters("known", view).get("kernel"), "another appliance's write waits for the reload");
        assertEquals("third", inventory.resolveHostOrRegister("known").get("kernel"), "the API reads the database");
        view.reload();
        assertEquals("third", inventory.bootParameters("known", view).get("kernel"));
    }

    /** The host's iPXE script, as a booting machine gets it. */
    private String script(String hostId) {
        Map<String, Object> params = inventory.bootParameters(hostId, view);
        return inventory.renderBootScript(hostId, (String) params.get("ipxe_script"), params, view).orElseThrow();
    }

    private Optional<String> awaitHeldScript(String hostId, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!view.heldScript(hostId).equals(Optional.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return view.heldScript(hostId);
    }

    @Test
    void aHostsScriptIsRenderedBeforeItAsksAndFollowsItsHostGroupsAndTemplate() throws Exception {
        inventory.templates().create("t.ipxe", "#!ipxe\nkernel {{ kernel }} {{ site }}");
        inventory.groups().replace("rack", Map.of("site", "north", "kernel", "http://x/k1"));
        inventory.hosts().create("new", Map.of("groups", List.of("rack"), "ipxe_script", "t.ipxe"));
        assertEquals(Optional.of("#!ipxe\nkernel http://x/k1 north"), awaitHeldScript("new", "#!ipxe\nkernel http://x/k1 north"),
                "rendered after the write, without a request");
        assertEquals("#!ipxe\nkernel http://x/k1 north", script("new"));

        inventory.groups().replace("rack", Map.of("site", "north", "kernel", "http://x/k2"));
        assertEquals("#!ipxe\nkernel http://x/k2 north", script("new"), "a group change");
        inventory.hosts().replace("new", Map.of("groups", List.of("rack"), "ipxe_script", "t.ipxe", "site", "south"));
        assertEquals("#!ipxe\nkernel http://x/k2 south", script("new"), "a host change");
        inventory.templates().replace("t.ipxe", "#!ipxe\nchain {{ kernel }}");
        assertEquals("#!ipxe\nchain http://x/k2", script("new"), "a template change");
        assertEquals(Optional.of("#!ipxe\nchain http://x/k2"), view.heldScript("new"));
        assertEquals("#!ipxe\nchain http://x/k2", script("new"));
    }

    @Test
    void aScriptThatDrawsAtRandomIsRenderedAtEachRequest() {
        inventory.templates().create("r.ipxe", "#!ipxe\necho {{ range(1000)|random }}-{{ range(1000)|random }}-{{ range(1000)|random }}");
        inventory.hosts().create("dice", Map.of("ipxe_script", "r.ipxe"));
        assertNotEquals(script("dice"), script("dice"));
        assertEquals(Optional.empty(), view.heldScript("dice"));
        assertFalse(TemplateRenderer.sameEachTime("{{ now() }}"));
        assertFalse(TemplateRenderer.sameEachTime("{{ x|datetimeformat }}"));
        assertTrue(TemplateRenderer.sameEachTime("#!ipxe\nkernel {{ kernel }}"));
    }

    @Test
    void aPassOverTheHostsStopsAtTheFirstDatabaseFailure() throws Exception {
        inventory.templates().create("t.ipxe", "#!ipxe\nkernel {{ kernel }}");
        for (int i = 0; i < 50; i++) {
            inventory.hosts().create("h" + i, Map.of("ipxe_script", "t.ipxe", "kernel", "k" + i));
        }
        InventoryView view = listeningOnly();
        assertEquals(Optional.of("#!ipxe\nkernel k49"), awaitHeldScript("h49", "#!ipxe\nkernel k49"));
        assertEquals(51, view.prepare(), "every host, each a lookup now");
        db.close();
        assertEquals(1, view.prepare(), "the template cannot be read: the pass ends instead of waiting on the database per host");
    }
}
