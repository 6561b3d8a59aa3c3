package dev.outrigger.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationChangesTest {

    @Test
    void describesChangedAddedAndRemovedKeys() {
        List<String> changes = ConfigurationChanges.describe(
                Map.of("workerPort", 6750, "workerId", "w1", "superUserRoles", new String[] {"admin"}),
                Map.of("workerPort", 6751, "tlsEnabled", true, "superUserRoles", new String[] {"admin"}));

        assertEquals(List.of("tlsEnabled set to true", "workerId removed", "workerPort: 6750 -> 6751"), changes);
    }

    @Test
    void equalArraysAreNoChange() {
        assertEquals(List.of(), ConfigurationChanges.describe(
                Map.of("roles", new String[] {"a", "b"}), Map.of("roles", new String[] {"a", "b"})));
    }

    @Test
    void secretValuesAreHidden() {
        List<String> changes = ConfigurationChanges.describe(
                Map.of("brokerClientAuthenticationParameters", "token:old", "tlsKeyStorePassword", "pw1"),
                Map.of("brokerClientAuthenticationParameters", "token:new", "tlsKeyStorePassword", "pw1",
                        "properties.tokenSecretKey", "data:base64,xyz"));

        assertEquals(List.of(
                        "brokerClientAuthenticationParameters changed (value hidden)",
                        "properties.tokenSecretKey set to ***"),
                changes);
        assertFalse(String.join(" ", changes).contains("token:"));
    }
}
