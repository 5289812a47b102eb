package org.bergenholm.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty database with groups, hosts and templates from a folder laid out like
 * the 1.0 fixture: groups/NAME and hosts/NAME (JSON), templates/NAME (text).
 */
public final class SeedLoader {
    private static final Logger log = LoggerFactory.getLogger(SeedLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Inventory inventory;

    public SeedLoader(Inventory inventory) {
        this.inventory = inventory;
    }

    /**
     * Loads {@code folder} (or the seed built into the jar when null) if the database holds
     * no hosts, groups or templates. An empty `base_url` in the `default` group becomes
     * {@code baseUrl}, so the seeded scripts point at this appliance.
     */
    public void seedIfEmpty(Path folder, String baseUrl) throws IOException {
        if (!inventory.hosts().isEmpty() || !inventory.groups().isEmpty() || !inventory.templates().isEmpty()) {
            return;
        }
        if (folder != null) {
            load(folder, baseUrl);
            return;
        }
        URI uri;
        try {
            uri = SeedLoader.class.getResource("/seed/groups").toURI();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("built-in seed data missing from the jar");
        }
        if (uri.getScheme().equals("jar")) {
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                load(fs.getPath("/seed"), baseUrl);
            }
        } else {
            load(Path.of(uri).getParent(), baseUrl);
        }
    }

    private void load(Path folder, String baseUrl) throws IOException {
        int n = 0;
        for (Path f : files(folder.resolve("templates"))) {
            inventory.templates().create(name(f), Files.readString(f, StandardCharsets.UTF_8));
            n++;
        }
        for (Path f : files(folder.resolve("groups"))) {
            Map<String, Object> params = json(f);
            if (name(f).equals("default") && "".equals(params.get("base_url")) && baseUrl != null) {
                params.put("base_url", baseUrl);
            }
            inventory.groups().create(name(f), params);
            n++;
        }
        for (Path f : files(folder.resolve("hosts"))) {
            inventory.hosts().create(name(f), json(f));
            n++;
        }
        log.info("seeded the empty database with {} entries from {}", n, folder);
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String name(Path f) {
        return f.getFileName().toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path f) throws IOException {
        return JSON.readValue(Files.readAllBytes(f), LinkedHashMap.class);
    }
}
