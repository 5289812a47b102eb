package org.bergenholm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bergenholm.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test gets its own empty server: import results depend on what already exists. */
class ImportCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIXTURE = Path.of(System.getProperty("bergenholm.shared", "../shared"), "bergenholm-1.0", "fixture");

    @TempDir
    Path tmp;

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The lines a full import should print for each entry, in the order it must print them. */
    static List<String> expected(Path fixture, String verb, String suffix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String[] s : new String[][] {{"template", "templates"}, {"group", "groups"}, {"host", "hosts"}}) {
            for (String n : names(fixture.resolve(s[1]))) {
                lines.add(verb + " " + s[0] + " " + n + suffix);
            }
        }
        return lines;
    }

    static List<String> lines(String out) {
        return Arrays.asList(out.split("\\R"));
    }

    @Test
    void importFixtureThenUpdate() throws Exception {
        assertTrue(Files.isDirectory(FIXTURE), "fixture at " + FIXTURE);
        try (TestServer server = TestServer.start()) {
            String url = server.apiUrl();
            Cli.Result first = Cli.at(url, "import", FIXTURE.toString());
            assertEquals(0, first.exit(), first.err());
            assertEquals(expected(FIXTURE, "created", ""), lines(first.out()));

            // what the server now holds is what the files say
            assertEquals(String.join("\n", names(FIXTURE.resolve("hosts"))) + "\n", Cli.at(url, "host", "list").out());
            assertEquals(String.join("\n", names(FIXTURE.resolve("groups"))) + "\n", Cli.at(url, "group", "list").out());
            assertEquals(String.join("\n", names(FIXTURE.resolve("templates"))) + "\n", Cli.at(url, "template", "list").out());
            assertEquals(JSON.readTree(FIXTURE.resolve("groups/centos").toFile()),
                    JSON.readTree(Cli.at(url, "group", "show", "centos").out()));
            assertEquals(Files.readString(FIXTURE.resolve("templates/linux.ipxe")),
                    Cli.at(url, "template", "show", "linux.ipxe").out());

            Cli.Result again = Cli.at(url, "import", FIXTURE.toString());
            assertEquals(0, again.exit(), again.err());
            assertEquals(expected(FIXTURE, "exists", " (use --update)"), lines(again.out()));

            Cli.Result update = Cli.at(url, "import", FIXTURE.toString(), "--update");
            assertEquals(0, update.exit(), update.err());
            assertEquals(expected(FIXTURE, "updated", ""), lines(update.out()));
        }
    }

    @Test
    void updateReplacesAndBadFilesFail() throws Exception {
        try (TestServer server = TestServer.start()) {
            String url = server.apiUrl();
            Files.createDirectories(tmp.resolve("hosts"));
            Files.createDirectories(tmp.resolve("groups"));
            Files.writeString(tmp.resolve("hosts/h1"), "{\"hostname\": \"one\"}");
            Cli.Result first = Cli.at(url, "import", tmp.toString());
            assertEquals(List.of("created host h1"), lines(first.out()));

            Files.writeString(tmp.resolve("hosts/h1"), "{\"hostname\": \"two\"}");
            Files.writeString(tmp.resolve("groups/broken"), "{\"a\": ");
            Cli.Result second = Cli.at(url, "import", tmp.toString(), "--update");
            assertEquals(1, second.exit(), "a failed entry makes the import fail");
            List<String> out = lines(second.out());
            assertEquals(2, out.size(), second.out());
            assertTrue(out.get(0).startsWith("failed group broken: ") && out.get(0).contains("invalid JSON"), out.get(0));
            assertEquals("updated host h1", out.get(1));
            assertEquals("two", JSON.readTree(Cli.at(url, "host", "show", "h1").out()).path("hostname").asText());
            assertEquals("", Cli.at(url, "group", "list").out(), "the broken group was not created");
        }
    }
}
