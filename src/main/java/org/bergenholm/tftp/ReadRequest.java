package org.bergenholm.tftp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed RRQ. commons-net 3.11 reads filename and mode but drops RFC 2347 options, so the
 * option tail is parsed here from the raw bytes.
 */
record ReadRequest(String filename, boolean netascii, Map<String, String> options) {

    /** More options than any real client sends; a longer list is abuse, not negotiation. */
    static final int MAX_OPTIONS = 32;

    static ReadRequest parse(byte[] buf, int offset, int length) throws TftpException {
        String[] fields = new String(buf, offset + 2, length - 2, StandardCharsets.ISO_8859_1).split("\0", -1);
        // A well-formed request ends with NUL, so the last split field is empty.
        if (fields.length < 3 || !fields[fields.length - 1].isEmpty() || fields[0].isEmpty()) {
            throw new TftpException(4, "malformed request");
        }
        String mode = fields[1].toLowerCase();
        if (!mode.equals("octet") && !mode.equals("netascii")) {
            throw new TftpException(4, "unsupported mode " + fields[1]);
        }
        int optionFields = fields.length - 3;
        if (optionFields % 2 != 0) {
            throw new TftpException(4, "malformed options");
        }
        if (optionFields / 2 > MAX_OPTIONS) {
            throw new TftpException(8, "too many options");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i + 1 < fields.length - 1; i += 2) {
            options.putIfAbsent(fields[i].toLowerCase(), fields[i + 1]);
        }
        return new ReadRequest(fields[0], mode.equals("netascii"), options);
    }
}
