package org.bergenholm.render;

/** A template (or a parameter value) that cannot be parsed or rendered; names it and the line. */
public class TemplateException extends RuntimeException {
    private final String source;
    private final int line;

    public TemplateException(String source, int line, String reason) {
        super(source + (line > 0 ? " line " + line : "") + ": " + reason);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }
}
