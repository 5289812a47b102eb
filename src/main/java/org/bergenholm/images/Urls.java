package org.bergenholm.images;

/** URLs as shown in messages, events and listings: never with a user:password@ part. */
final class Urls {
    private Urls() {
    }

    static String shown(String url) {
        return url == null ? null : url.replaceFirst("//[^/@]*@", "//");
    }
}
