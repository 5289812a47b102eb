package org.bergenholm.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The Bergenholm 1.0 fixture in ../shared (read in place, never copied). */
public final class Fixture {
    private Fixture() {
    }

    public static Path dir() {
        Path p = Path.of(System.getProperty("bergenholm.shared", "../shared"), "bergenholm-1.0", "fixture");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the Bergenholm 1.0 fixture is missing at " + p.toAbsolutePath());
        }
        return p;
    }

    public static List<String> names(String kind) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir().resolve(kind))) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Loads the fixture into a running server through its REST API. */
    public static void load(TestServer server) throws Exception {
        for (String t : names("templates")) {
            check(server.send("POST", "/api/1.0/templates/" + t, "text/plain", Files.readString(dir().resolve("templates").resolve(t))));
        }
        for (String kind : List.of("groups", "hosts")) {
            for (String n : names(kind)) {
                check(server.json("POST", "/api/1.0/" + kind + "/" + n, Files.readString(dir().resolve(kind).resolve(n))));
            }
        }
    }

    private static void check(TestServer.Reply r) {
        if (r.status() != 201) {
            throw new IllegalStateException("loading the fixture failed: " + r);
        }
    }
}
