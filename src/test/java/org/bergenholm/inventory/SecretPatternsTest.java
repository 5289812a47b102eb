package org.bergenholm.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bergenholm.render.TemplateException;
import org.bergenholm.render.TemplateRenderer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which parameter names are secret is a list of globs; the default is 1.0's four words. */
class SecretPatternsTest {
    @AfterEach
    void defaults() {
        Secrets.use(Secrets.DEFAULT_PATTERNS);
    }

    @Test
    void defaultsMaskTheFourWordsInAnyCase() {
        for (String name : new String[] {"ipmi_password", "loginPassword", "root_passwd", "SECRET", "api_token"}) {
            assertTrue(Secrets.isSecret(name), name);
        }
        assertFalse(Secrets.isSecret("ipmi_user"));
    }

    @Test
    void configuredGlobsReplaceTheDefaults() {
        Secrets.use(List.of("bmc_*", "*_key", "pin?", "a.b"));
        assertTrue(Secrets.isSecret("bmc_login") && Secrets.isSecret("SSH_KEY") && Secrets.isSecret("pin1"));
        assertTrue(Secrets.isSecret("a.b"));
        assertFalse(Secrets.isSecret("axb"), "a dot is a dot, not any character");
        assertFalse(Secrets.isSecret("pin12"), "? is one character");
        assertFalse(Secrets.isSecret("ipmi_password"), "the list replaces the defaults");
        assertEquals(Map.of("bmc_login", Secrets.MASK, "nested", Map.of("ssh_key", Secrets.MASK, "user", "u"),
                "list", List.of(Map.of("bmc_x", Secrets.MASK))),
                Secrets.masked(Map.of("bmc_login", "x", "nested", Map.of("ssh_key", "k", "user", "u"),
                        "list", List.of(Map.of("bmc_x", "y")))));
        Secrets.use(List.of());
        assertFalse(Secrets.isSecret("password"), "an empty list: nothing is secret");
        assertThrows(IllegalArgumentException.class, () -> Secrets.use(List.of(" ")));
    }

    @Test
    void answersFollowTheGlobsInUseAndHoldPastTheRememberedNames() {
        assertFalse(Secrets.isSecret("bmc_login"));
        assertTrue(Secrets.isSecret("api_token"));
        Secrets.use(List.of("bmc_*"));
        assertTrue(Secrets.isSecret("bmc_login"), "an answer given under the old globs is not kept");
        assertFalse(Secrets.isSecret("api_token"));
        for (int i = 0; i < 5000; i++) {
            assertEquals(i % 2 == 0, Secrets.isSecret((i % 2 == 0 ? "bmc_" : "x_") + i), "name " + i);
        }
        assertTrue(Secrets.isSecret("bmc_4998") && !Secrets.isSecret("x_4999"), "names past the remembered ones, asked again");
    }

    @Test
    void renderErrorsNeverQuoteASecretValue() {
        Map<String, Object> params = Map.of("ipmi_password", "s3cret-v4lue", "x", "{{ ipmi_password * 2 }}");
        TemplateException raw = assertThrows(TemplateException.class,
                () -> new TemplateRenderer().render("template t", "{{ ipmi_password * 2 }}", params));
        assertTrue(raw.getMessage().contains("s3cret-v4lue"), "Jinjava quotes the value: " + raw.getMessage());
        TemplateException clean = Secrets.scrubbed(raw, params);
        assertEquals(raw.getMessage().replace("s3cret-v4lue", Secrets.MASK), clean.getMessage());
        assertEquals("template t", clean.source());
        TemplateException other = new TemplateException("t", 1, "no secret here");
        assertSame(other, Secrets.scrubbed(other, params));

        ParameterResolver resolver = new ParameterResolver(new TemplateRenderer());
        TemplateException viaResolver = assertThrows(TemplateException.class, () -> resolver.resolveHost("h",
                new java.util.LinkedHashMap<>(params), names -> Map.of()));
        assertFalse(viaResolver.getMessage().contains("s3cret"), viaResolver.getMessage());
        TemplateException brokenSecret = assertThrows(TemplateException.class, () -> resolver.resolveHost("h",
                new java.util.LinkedHashMap<>(Map.of("api_token", "s3cr{{ 1 + }}")), names -> Map.of()));
        assertEquals("parameter api_token line 1: cannot be rendered (value hidden: it is secret)", brokenSecret.getMessage());
    }
}
