package org.bergenholm.tftp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Transfer parameters after option negotiation. {@code accepted} holds the options echoed in
 * the OACK; when it is empty no OACK is sent and the transfer starts with DATA block 1.
 */
record Negotiated(int blockSize, int windowSize, int timeoutMillis, Map<String, String> accepted) {

    static final int MAX_BLOCK_SIZE = 65464;
    /** Larger windows only add burst loss on real networks; EDK2 and iPXE ask for far less. */
    static final int MAX_WINDOW = 64;

    static Negotiated from(Map<String, String> requested, long fileSize, int defaultTimeoutMillis) {
        int blockSize = 512;
        int windowSize = 1;
        int timeout = defaultTimeoutMillis;
        Map<String, String> accepted = new LinkedHashMap<>();
        for (Map.Entry<String, String> option : requested.entrySet()) {
            long value = parse(option.getValue());
            switch (option.getKey()) {
                case "blksize" -> {
                    if (value >= 8) { // RFC 2348: the server may answer with a smaller size
                        blockSize = (int) Math.min(value, MAX_BLOCK_SIZE);
                        accepted.put("blksize", Integer.toString(blockSize));
                    }
                }
                case "tsize" -> {
                    if (value >= 0) {
                        accepted.put("tsize", Long.toString(fileSize));
                    }
                }
                case "timeout" -> {
                    if (value >= 1 && value <= 255) {
                        timeout = (int) value * 1000;
                        accepted.put("timeout", Long.toString(value));
                    }
                }
                case "windowsize" -> {
                    if (value >= 1 && value <= 65535) {
                        windowSize = (int) Math.min(value, MAX_WINDOW);
                        accepted.put("windowsize", Integer.toString(windowSize));
                    }
                }
                default -> { } // RFC 2347: unknown options are ignored
            }
        }
        return new Negotiated(blockSize, windowSize, timeout, accepted);
    }

    private static long parse(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
