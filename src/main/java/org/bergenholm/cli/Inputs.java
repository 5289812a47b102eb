package org.bergenholm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading FILE arguments ("-" = stdin) with errors that name the file. */
final class Inputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Inputs() {}

    static String readText(String file) {
        try {
            if (file.equals("-")) {
                return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ClientException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ClientException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new ClientException("cannot read " + file + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** Checks the text is one JSON object, as the server requires; returns it compacted. */
    static String jsonObject(String text, String file) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ClientException(name(file) + ": invalid JSON: " + e.getOriginalMessage().split("\\R")[0]
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        }
        if (n == null || !n.isObject()) {
            throw new ClientException(name(file) + ": invalid JSON: expected an object {...}");
        }
        return n.toString();
    }

    static String readJsonObject(String file) {
        return jsonObject(readText(file), file);
    }

    private static String name(String file) {
        return file.equals("-") ? "stdin" : file;
    }
}
