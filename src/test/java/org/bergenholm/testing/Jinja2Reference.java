package org.bergenholm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs src/test/resources/jinja2_reference.py with Debian's python3 and python3-jinja2. */
public final class Jinja2Reference {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Jinja2Reference() {
    }

    public static JsonNode run(String stdin, String... args) throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new AssertionError("/usr/bin/python3 missing: apt-get install python3 python3-jinja2");
        }
        Path script = Path.of(Jinja2Reference.class.getResource("/jinja2_reference.py").toURI());
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("jinja2 reference failed (is python3-jinja2 installed? apt-get install python3-jinja2): " + err);
        }
        return JSON.readTree(out);
    }
}
