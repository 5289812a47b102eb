package org.bergenholm.cli;

import java.io.PrintWriter;

/** One line redrawn in place on a terminal: bar, percent (when the length is known), MiB, URL. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;

    ProgressBar(PrintWriter out) {
        this.out = out;
    }

    void show(String url, long bytes, long length) {
        String mib = String.format("%.1f", bytes / 1048576.0);
        String line;
        if (length > 0) {
            int filled = (int) (WIDTH * Math.min(bytes, length) / length);
            line = String.format("[%s%s] %3d%% %s/%.1f MiB %s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                    100 * bytes / length, mib, length / 1048576.0, url);
        } else {
            line = "[" + "?".repeat(WIDTH) + "] " + mib + " MiB " + url;
        }
        out.print("\r" + line + "\033[K");
        out.flush();
    }

    void clear() {
        out.print("\r\033[K");
        out.flush();
    }
}
