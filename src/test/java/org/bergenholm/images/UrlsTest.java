package org.bergenholm.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class UrlsTest {
    @Test
    void credentialsNeverShown() {
        assertEquals("http://mirror.example/a@b/vmlinuz", Urls.shown("http://user:s3cret@mirror.example/a@b/vmlinuz"));
        assertEquals("https://mirror.example:8443/initrd", Urls.shown("https://token@mirror.example:8443/initrd"));
    }

    @Test
    void otherUrlsUnchanged() {
        assertEquals("http://mirror.example/a@b/vmlinuz", Urls.shown("http://mirror.example/a@b/vmlinuz"));
        assertEquals("http://10.0.0.1/kernel", Urls.shown("http://10.0.0.1/kernel"));
        assertNull(Urls.shown(null));
    }
}
