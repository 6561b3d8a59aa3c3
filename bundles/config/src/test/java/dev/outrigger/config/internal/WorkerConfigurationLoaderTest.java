package dev.outrigger.config.internal;

import static dev.outrigger.config.internal.WorkerKeys.CLUSTER;
import static dev.outrigger.config.internal.WorkerKeys.HTTP;
import static dev.outrigger.config.internal.WorkerKeys.PULSAR;
import static dev.outrigger.config.internal.WorkerKeys.WORKER_PID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.outrigger.api.config.EffectiveConfiguration;
import dev.outrigger.api.config.SecretKeys;
import dev.outrigger.api.lifecycle.Lifecycle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class WorkerConfigurationLoaderTest {

    @TempDir
    Path dir;

    private Path file;
    private final ConfigurationAdmin configurationAdmin = mock(ConfigurationAdmin.class);
    private final BundleContext context = mock(BundleContext.class);
    /** What ConfigAdmin holds, per PID, as the mocks below store it. */
    private final Map<String, Configuration> configurations = new HashMap<>();
    private final Map<String, Dictionary<String, Object>> stored = new HashMap<>();
    private final List<String> fatalErrors = new ArrayList<>();
    private final List<String> portChecks = new ArrayList<>();
    private WorkerConfigurationLoader loader;
    private final ConfigurationReport report = new ConfigurationReport();

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("functions_worker.yml");
        when(context.getProperty(Lifecycle.CONFIG_FILE_PROPERTY)).thenReturn(file.toString());
        when(configurationAdmin.getConfiguration(anyString(), eq("?")))
                .thenAnswer(call -> configurations.computeIfAbsent(call.getArgument(0), this::configuration));
        loader = loader((host, port) -> {
            portChecks.add(host + ":" + port);
            return Optional.empty();
        });
    }

    @AfterEach
    void tearDown() {
        loader.deactivate();
    }

    private WorkerConfigurationLoader loader(PortCheck portCheck) {
        WorkerConfigurationLoader created =
                new WorkerConfigurationLoader(configurationAdmin, new WorkerYamlReader(() -> "h"), portCheck, report);
        created.setFatalError(fatalErrors::add);
        return created;
    }

    /** A Configuration that keeps what is written, and says whether it differed, like Felix's. */
    private Configuration configuration(String pid) {
        Configuration configuration = mock(Configuration.class);
        try {
            when(configuration.getProperties()).thenAnswer(call -> copy(stored.get(pid)));
            when(configuration.updateIfDifferent(any())).thenAnswer(call -> {
                Dictionary<String, Object> next = copy(call.getArgument(0));
                boolean changed = !next.equals(stored.get(pid));
                stored.put(pid, next);
                return changed;
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return configuration;
    }

    private static Dictionary<String, Object> copy(Dictionary<String, ?> properties) {
        if (properties == null) {
            return null;
        }
        Hashtable<String, Object> copy = new Hashtable<>();
        for (var keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            copy.put(key, properties.get(key));
        }
        return copy;
    }

    private void write(String yaml) throws IOException {
        Files.writeString(file, yaml);
    }

    /**
     * Issue 8, "visible": what the worker runs with, key by key, with source and class, secrets hidden; a refused
     * edit is reported beside it and changes nothing.
     */
    @Test
    void theReportShowsWhatIsInForceAndTheLastRefusedEdit() throws Exception {
        write("""
                workerPort: 7001
                brokerClientAuthenticationParameters: token:secret-value
                rebalanceCheckFreqSec: 600
                properties:
                  tokenSecretKey: data:;base64,c2VjcmV0
                  openIDRoleClaim: sub
                """);
        loader.activate(context);

        EffectiveConfiguration.Snapshot shown = report.snapshot();
        assertEquals(file.toString(), shown.file());
        assertNotNull(shown.appliedAt());
        Map<String, EffectiveConfiguration.Entry> byKey = new HashMap<>();
        shown.entries().forEach(entry -> byKey.put(entry.key(), entry));
        assertEquals(WorkerKeys.KEYS.size(), byKey.size(), "every key");
        assertEquals(new EffectiveConfiguration.Entry("workerPort", 7001, "file", "acted on", null),
                byKey.get("workerPort"));
        assertEquals("default", byKey.get("pulsarServiceUrl").source());
        assertEquals("pulsar://localhost:6650", byKey.get("pulsarServiceUrl").value());
        assertEquals(SecretKeys.HIDDEN, byKey.get("brokerClientAuthenticationParameters").value());
        assertEquals(Map.of("tokenSecretKey", SecretKeys.HIDDEN, "openIDRoleClaim", "sub"),
                byKey.get("properties").value());
        assertEquals("not yet", byKey.get("rebalanceCheckFreqSec").handling());
        assertFalse(shown.toString().contains("secret-value"), shown::toString);
        assertFalse(shown.toString().contains("c2VjcmV0"), shown::toString);
        assertNull(shown.lastRejected());

        write("workerPort: abc\n");
        loader.load(false);
        EffectiveConfiguration.Snapshot after = report.snapshot();
        assertEquals(shown.entries(), after.entries(), "the running configuration stays");
        assertEquals(1, after.lastRejected().reasons().size(), after.lastRejected()::toString);
        assertTrue(after.lastRejected().reasons().get(0).contains("workerPort"), after.lastRejected()::toString);
    }

    @Test
    void withoutTheFrameworkPropertyNothingIsRead() {
        when(context.getProperty(Lifecycle.CONFIG_FILE_PROPERTY)).thenReturn(null);

        loader.activate(context);

        verifyNoInteractions(configurationAdmin);
        assertEquals(List.of(), fatalErrors);
    }

    @Test
    void validFileWritesTheFourPidsInOrder() throws Exception {
        write("workerPort: 7001\nbindAddress: 127.0.0.1\npulsarServiceUrl: pulsar://broker:6650\n");

        loader.activate(context);

        InOrder order = inOrder(configurationAdmin);
        for (String pid : List.of(WORKER_PID, PULSAR, CLUSTER, HTTP)) {
            order.verify(configurationAdmin).getConfiguration(pid, "?");
        }
        assertEquals(List.of(), fatalErrors);
        assertEquals(List.of("127.0.0.1:7001"), portChecks);
        assertEquals(7001, stored.get(HTTP).get("org.osgi.service.http.port"));
        assertEquals("127.0.0.1", stored.get(HTTP).get("org.apache.felix.http.host"));
        assertEquals(true, stored.get(HTTP).get("org.apache.felix.http.enable"));
        assertEquals("pulsar://broker:6650", stored.get(PULSAR).get("pulsarServiceUrl"));
        assertEquals("h-7001", stored.get(CLUSTER).get("workerId"));
        assertEquals(7001, stored.get(WORKER_PID).get("workerPort"));
    }

    @Test
    void invalidFileIsFatalWithAllItsErrorsAndWritesNothing() throws Exception {
        write("workerPort: abc\npulsarServiceUrl: http://broker:6650\n");

        loader.activate(context);

        assertEquals(1, fatalErrors.size());
        String text = fatalErrors.get(0);
        assertTrue(text.startsWith("2 errors in " + file + ":"), text);
        assertTrue(text.contains("Invalid value 'abc' for workerPort in " + file), text);
        assertTrue(text.contains("Invalid value 'http://broker:6650' for pulsarServiceUrl in " + file), text);
        verify(configurationAdmin, never()).getConfiguration(anyString(), anyString());
    }

    @Test
    void missingFileIsFatal() throws Exception {
        loader.activate(context);

        assertEquals(List.of("Configuration file " + file + " does not exist"), fatalErrors);
        verify(configurationAdmin, never()).getConfiguration(anyString(), anyString());
    }

    @Test
    void portInUseIsFatalAndWritesNothing() throws Exception {
        loader = loader(PortCheck.BIND);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            write("bindAddress: 127.0.0.1\nworkerPort: " + taken.getLocalPort() + "\n");

            loader.activate(context);

            assertEquals(1, fatalErrors.size());
            assertTrue(fatalErrors.get(0).startsWith(
                    "workerPort " + taken.getLocalPort() + " is already in use on 127.0.0.1 ("), fatalErrors.get(0));
            verify(configurationAdmin, never()).getConfiguration(anyString(), anyString());
        }
    }

    @Test
    void portIsNotProbedWhenHttpIsAlreadyConfiguredWithIt() throws Exception {
        Configuration http = configuration(HTTP);
        stored.put(HTTP, new Hashtable<>(Map.of("org.osgi.service.http.port", 7001)));
        when(configurationAdmin.listConfigurations("(service.pid=org.apache.felix.http)"))
                .thenReturn(new Configuration[] {http});
        loader = loader((host, port) -> fail("Jetty holds the port already; probing it would fail"));
        write("workerPort: 7001\n");

        loader.activate(context);

        assertEquals(List.of(), fatalErrors);
    }

    @Test
    void httpPropertiesSetByOthersAreKept() throws Exception {
        stored.put(HTTP, new Hashtable<>(Map.of(
                "org.apache.felix.http.jetty.threadpool.max", 200, "org.osgi.service.http.port", 8080)));
        write("workerPort: 7001\n");

        loader.activate(context);

        assertEquals(200, stored.get(HTTP).get("org.apache.felix.http.jetty.threadpool.max"));
        assertEquals(7001, stored.get(HTTP).get("org.osgi.service.http.port"));
    }

    @Test
    void validChangeIsAppliedAndOnlyChangedPidsAreRewritten() throws Exception {
        write("pulsarServiceUrl: pulsar://a:6650\n");
        loader.activate(context);
        Map<String, Dictionary<String, Object>> before = new HashMap<>(stored);

        write("pulsarServiceUrl: pulsar://b:6650\n");
        loader.load(false);

        assertEquals("pulsar://b:6650", stored.get(PULSAR).get("pulsarServiceUrl"));
        assertEquals(before.get(CLUSTER), stored.get(CLUSTER));
        assertEquals(before.get(HTTP), stored.get(HTTP));
        assertEquals(List.of(), fatalErrors);
    }

    @Test
    void invalidChangeKeepsTheRunningConfigurationAndIsNotFatal() throws Exception {
        write("pulsarServiceUrl: pulsar://a:6650\n");
        loader.activate(context);

        write("pulsarServiceUrl: http://a:6650\n");
        loader.load(false);

        assertEquals("pulsar://a:6650", stored.get(PULSAR).get("pulsarServiceUrl"));
        verify(configurations.get(PULSAR), times(1)).updateIfDifferent(any());
        assertEquals(List.of(), fatalErrors);
    }

    @Test
    void editingTheFileUpdatesConfigAdmin() throws Exception {
        write("pulsarServiceUrl: pulsar://a:6650\n");
        loader.activate(context);

        write("pulsarServiceUrl: pulsar://edited:6650\n");

        verify(configurations.get(PULSAR), timeout(10_000))
                .updateIfDifferent(argThat(d -> "pulsar://edited:6650".equals(d.get("pulsarServiceUrl"))));
    }
}
