package org.bergenholm.cli;

/** Hosts and groups share one API shape; this names which one a command works on. */
record EntryKind(String singular, String plural) {
    static final EntryKind HOST = new EntryKind("host", "hosts");
    static final EntryKind GROUP = new EntryKind("group", "groups");

    String listPath() {
        return "/" + plural + "/";
    }

    String path(String id) {
        return "/" + plural + "/" + ApiClient.segment(id);
    }

    /** Prefix of error messages, e.g. "host samplehost". */
    String what(String id) {
        return singular + " " + id;
    }

    /** Implemented by HostCommand and GroupCommand so the shared subcommands know their kind. */
    interface Parent {
        EntryKind kind();
    }
}
