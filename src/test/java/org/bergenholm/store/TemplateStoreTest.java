package org.bergenholm.store;

import static org.junit.jupiter.api.Assertions.*;

import com.mongodb.client.model.Filters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates the boot path reuses: its own writes seen at once, another appliance's within the reuse time. */
class TemplateStoreTest {
    @TempDir Path dir;

    @Test
    void writesThroughTheStoreAreSeenAtOnce() {
        try (Database db = Database.embedded(dir)) {
            TemplateStore store = new TemplateStore(db, Duration.ofHours(1));
            assertEquals(Optional.empty(), store.recentContent("boot"));
            assertTrue(store.create("boot", "one"));
            assertEquals(Optional.of("one"), store.recentContent("boot"));
            assertTrue(store.replace("boot", "two"));
            assertEquals(Optional.of("two"), store.recentContent("boot"));
            assertTrue(store.delete("boot"));
            assertEquals(Optional.empty(), store.recentContent("boot"));
        }
    }

    @Test
    void anotherAppliancesWriteIsSeenOnceTheReuseTimeHasPassed() throws Exception {
        try (Database db = Database.embedded(dir)) {
            TemplateStore store = new TemplateStore(db, Duration.ofSeconds(1));
            store.create("boot", "one");
            assertEquals(Optional.of("one"), store.recentContent("boot"));
            db.mongo().getCollection("templates").replaceOne(Filters.eq("_id", "boot"),
                    new Document("_id", "boot").append("content", "two"));
            assertEquals(Optional.of("one"), store.recentContent("boot"), "reused within the reuse time");
            Thread.sleep(1200);
            assertEquals(Optional.of("two"), store.recentContent("boot"));
            assertEquals(Optional.of("two"), new TemplateStore(db).recentContent("boot"), "no reuse: read every time");
        }
    }
}
