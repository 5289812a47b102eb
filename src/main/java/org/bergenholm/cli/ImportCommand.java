package org.bergenholm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `bergenholm import DIR [--update]`: loads a 1.0 fixture folder through the REST API.
 * Templates first, then groups, then hosts, so nothing refers to an entry not yet loaded.
 */
@Command(name = "import", description = "Load DIR/templates, DIR/groups and DIR/hosts (one file per entry).",
        mixinStandardHelpOptions = true)
public final class ImportCommand extends ClientCommand {
    /** One folder of the fixture: its entry word, API path and whether files are JSON. */
    private record Section(String word, String folder, boolean json) {}

    private static final List<Section> ORDER = List.of(
            new Section("template", "templates", false),
            new Section("group", "groups", true),
            new Section("host", "hosts", true));

    @Parameters(paramLabel = "DIR")
    Path dir;

    @Option(names = "--update", description = "replace entries that already exist")
    boolean update;

    @Override
    protected int run(ApiClient api) {
        if (!Files.isDirectory(dir)) {
            throw new ClientException("cannot read " + dir + ": not a directory");
        }
        int failed = 0;
        for (Section s : ORDER) {
            for (Path file : files(dir.resolve(s.folder()))) {
                String line = importOne(api, s, file);
                out().println(line);
                if (line.startsWith("failed ")) {
                    failed++;
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private String importOne(ApiClient api, Section s, Path file) {
        String name = file.getFileName().toString();
        String label = s.word() + " " + name;
        try {
            String text = Inputs.readText(file.toString());
            String body = s.json() ? Inputs.jsonObject(text, file.toString()) : text;
            String type = s.json() ? EntryCommands.JSON_TYPE : TemplateCommand.TEXT_TYPE;
            String path = "/" + s.folder() + "/" + ApiClient.segment(name);
            ApiClient.Response r = api.exchange("POST", path, body, type);
            if (r.status() < 300) {
                return "created " + label;
            }
            // 400 on POST also means "bad body"; only call it "exists" if the entry is really there.
            if (r.status() != 400 || api.exchange("GET", path, null, null).status() != 200) {
                return "failed " + label + ": " + r.status() + " " + ApiClient.errorMessage(r);
            }
            if (!update) {
                return "exists " + label + " (use --update)";
            }
            ApiClient.Response u = api.exchange("PUT", path, body, type);
            return u.status() < 300 ? "updated " + label
                    : "failed " + label + ": " + u.status() + " " + ApiClient.errorMessage(u);
        } catch (ClientException.Unreachable e) {
            throw e; // one line for the whole import, not one per entry
        } catch (ClientException e) {
            return "failed " + label + ": " + e.getMessage();
        }
    }

    /** Regular files of a folder, sorted by name; a missing folder has none. */
    private static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ClientException("cannot read " + folder + ": " + e.getMessage());
        }
    }
}
