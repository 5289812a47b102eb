package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bergenholm.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Sizes and ages as written in options and the config file; nonsense is refused by `serve` with one line. */
class ImageCacheConfigTest {
    @TempDir
    Path tmp;

    @Test
    void sizesAreBinaryMultiples() {
        assertEquals(20L << 30, ImageCacheConfig.parseSize("20G"));
        assertEquals(512L << 20, ImageCacheConfig.parseSize("512MiB"));
        assertEquals(3L << 40, ImageCacheConfig.parseSize("3tb"));
        assertEquals(1048576, ImageCacheConfig.parseSize("1048576"));
        assertThrows(IllegalArgumentException.class, () -> ImageCacheConfig.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> ImageCacheConfig.parseSize("99999999999T"));
    }

    @Test
    void agesTakeAUnitAndBareNumbersAreSeconds() {
        assertEquals(Duration.ofHours(1), ImageCacheConfig.parseDuration("1h"));
        assertEquals(Duration.ofMillis(250), ImageCacheConfig.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(5), ImageCacheConfig.parseDuration("5m"));
        assertEquals(Duration.ofDays(2), ImageCacheConfig.parseDuration("2d"));
        assertEquals(Duration.ofSeconds(30), ImageCacheConfig.parseDuration("30"));
        assertThrows(IllegalArgumentException.class, () -> ImageCacheConfig.parseDuration("soon"));
    }

    @Test
    void serveRefusesABadImageOptionFromTheConfigFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.yaml"), "images-cache-max: plenty\n");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("serve", "--config", f.toString(), "--data-dir", tmp.toString()));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains("size must look like 20G"), err.toString());
    }
}
