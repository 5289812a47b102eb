package org.bergenholm.images;

/** One byte range of a Range header, resolved against a known length: [start, end] inclusive. */
record ByteRange(long start, long end) {
    /** Marks a range that lies wholly past the end: the answer is 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return end - start + 1;
    }

    /**
     * The single range asked for, or null when the header asks for none we honour (several
     * ranges, other units, nonsense): RFC 9110 lets a server answer those with the whole image.
     */
    static ByteRange parse(String header, long length) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String first = spec.substring(0, dash).strip();
            String last = spec.substring(dash + 1).strip();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0) {
                    return suffix == 0 ? UNSATISFIABLE : null;
                }
                return length == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, length - suffix), length - 1);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
            if (start < 0 || !last.isEmpty() && Long.parseLong(last) < start) {
                return null;
            }
            return start >= length ? UNSATISFIABLE : new ByteRange(start, end);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
