package org.bergenholm.images;

/** URLs as shown in messages, events and listings: never with a user:password@ part. */
final class Urls {
    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("//[^/@]*@");

    private Urls() {
    }

    static String shown(String url) {
        // Every image served passes here: String.replaceFirst compiled the pattern each time.
        return url == null || url.indexOf('@') < 0 ? url : USER_INFO.matcher(url).replaceFirst("//");
    }
}
