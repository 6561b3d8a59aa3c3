package dev.outrigger.config.internal;

import dev.outrigger.api.lifecycle.Lifecycle;
import dev.outrigger.config.internal.WorkerYamlReader.Result;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code functions_worker.yml} named by the launcher into ConfigAdmin, and again whenever the file changes.
 * An invalid file at start-up is fatal (the launcher exits); after start-up it is reported and the running
 * configuration stays.
 */
@Component(immediate = true, service = {})
public final class WorkerConfigurationLoader {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerConfigurationLoader.class);

    /** Service property of Felix HTTP's HttpServiceRuntime: the URLs Jetty listens on. */
    static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private static final Set<String> AUTOMATIC_PROPERTIES = Set.of(
            Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    private final ConfigurationAdmin configurationAdmin;
    private final WorkerYamlReader reader;
    private final PortCheck portCheck;
    private final ConfigurationReport report;

    @Reference(
            service = Consumer.class,
            target = Lifecycle.FATAL_ERROR_FILTER,
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Consumer<String> fatalError;

    private BundleContext context;
    private Path file;
    private FileWatcher watcher;

    // The TLS stores last built and what they were built from; guarded by this.
    private TlsSettings lastTls;
    private List<Object> lastFingerprint;
    private Map<String, Object> lastHttps;
    private long tlsGeneration;
    private ScheduledFuture<?> tlsRefresh;
    private ScheduledExecutorService timer;
    /** Where the port check binds: the HTTP host of the file being applied. */
    private String bindHost;

    /** The bytes last read, so that a watcher event without a content change does nothing. Guarded by this. */
    private byte[] lastContent;

    @Activate
    public WorkerConfigurationLoader(@Reference ConfigurationAdmin configurationAdmin,
            @Reference ConfigurationReport report) {
        this(configurationAdmin, new WorkerYamlReader(), PortCheck.BIND, report);
    }

    WorkerConfigurationLoader(ConfigurationAdmin configurationAdmin, WorkerYamlReader reader, PortCheck portCheck,
            ConfigurationReport report) {
        this.configurationAdmin = configurationAdmin;
        this.reader = reader;
        this.portCheck = portCheck;
        this.report = report;
    }

    @Activate
    void activate(BundleContext bundleContext) {
        String location = bundleContext.getProperty(Lifecycle.CONFIG_FILE_PROPERTY);
        if (location == null || location.isBlank()) {
            // a bare framework or a Pax Exam test that configures through ConfigAdmin directly
            LOG.info("Framework property {} is not set: no functions_worker.yml is read", Lifecycle.CONFIG_FILE_PROPERTY);
            return;
        }
        context = bundleContext;
        file = Path.of(location).toAbsolutePath();
        load(true);
        try {
            watcher = new FileWatcher(file, () -> load(false));
        } catch (IOException e) {
            LOG.warn("Cannot watch {} for changes ({}); edits will apply at the next start", file, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("Closing the watcher of {} failed", file, e);
            }
        }
    }

    /** Setter for tests; DS injects the field. */
    void setFatalError(Consumer<String> consumer) {
        fatalError = consumer;
    }

    /** Reads the file and applies it, if its content changed since the last read (always at start-up). */
    synchronized void load(boolean startUp) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            lastContent = null;
            reject(List.of(WorkerYamlReader.cannotRead(file, e)), startUp);
            return;
        }
        if (!startUp && Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        Result result = reader.parse(content, file.toString());
        result.warnings().forEach(LOG::warn);
        List<String> errors = new ArrayList<>(result.errors());
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        result.configurations().forEach((pid, properties) -> configurations.put(pid, new TreeMap<>(properties)));
        if (errors.isEmpty()) {
            try {
                configurations.get(WorkerKeys.HTTP).putAll(tlsProperties(result.tls()));
            } catch (TlsKeystores.TlsException e) {
                errors.add(e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            bindHost = (String) configurations.get(WorkerKeys.HTTP).get(WorkerKeys.HTTP_HOST);
            checkPorts(configurations.get(WorkerKeys.HTTP), errors);
        }
        if (!errors.isEmpty()) {
            reject(errors, startUp);
            return;
        }
        try {
            write(configurations, startUp);
            report.applied(file.toString(), result.values());
        } catch (IOException | RuntimeException e) {
            // ConfigAdmin's persistence failed or it went away; half of the PIDs may be new: say so, plainly
            String text = "Cannot write the configuration read from " + file + " to ConfigAdmin: " + e;
            LOG.error(text, e);
            if (startUp) {
                reportFatal(text);
            }
        }
    }

    private void reject(List<String> errors, boolean startUp) {
        report.rejected(file.toString(), errors);
        String text = errors.size() == 1
                ? errors.get(0)
                : errors.size() + " errors in " + file + ":" + System.lineSeparator() + "  "
                        + String.join(System.lineSeparator() + "  ", errors);
        if (startUp) {
            LOG.error(text);
            reportFatal(text);
        } else {
            LOG.error("Keeping the running configuration, the change of {} is invalid: {}", file, text);
        }
    }

    private void reportFatal(String text) {
        Consumer<String> consumer = fatalError;
        if (consumer != null) {
            consumer.accept(text);
        }
    }

    private void write(Map<String, Map<String, Object>> configurations, boolean startUp) throws IOException {
        List<String> changedPids = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : configurations.entrySet()) {
            String pid = entry.getKey();
            if (WorkerKeys.OPTIONAL_PIDS.contains(pid) && entry.getValue().isEmpty()) {
                if (deleteIfPresent(pid)) {
                    changedPids.add(pid);
                    LOG.info("{} removed: {} no longer sets its keys", pid, file);
                }
                continue;
            }
            // "?": any bundle may bind it, whichever bundle gets the configuration first
            Configuration configuration = configurationAdmin.getConfiguration(pid, "?");
            Map<String, Object> before = toMap(configuration.getProperties());
            Map<String, Object> after = new TreeMap<>(entry.getValue());
            if (pid.equals(WorkerKeys.HTTP)) {
                // not ours alone: keep what else the operator put there (thread pools, timeouts, ...), except the
                // HTTPS properties, which are ours and must go when TLS is turned off
                before.forEach((key, value) -> {
                    if (!TlsKeystores.PROPERTIES.contains(key)) {
                        after.putIfAbsent(key, value);
                    }
                });
            }
            if (configuration.updateIfDifferent(new Hashtable<>(after))) {
                changedPids.add(pid);
                if (!startUp) {
                    LOG.info("{} changed by {}: {}", pid, file,
                            String.join(", ", ConfigurationChanges.describe(before, after)));
                }
            }
        }
        if (startUp) {
            LOG.info("Applied {} to {} (changed in ConfigAdmin: {})", file, configurations.keySet(), changedPids);
        }
    }

    private boolean deleteIfPresent(String pid) throws IOException {
        Configuration[] found;
        try {
            found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // PIDs are constants without filter syntax
        }
        if (found == null) {
            return false;
        }
        for (Configuration configuration : found) {
            configuration.delete();
        }
        return true;
    }

    /**
     * The HTTPS properties of Felix HTTP for these settings; the stores are rebuilt only when the settings or their
     * files changed, so that an unrelated edit of the file does not restart the listener.
     */
    private synchronized Map<String, Object> tlsProperties(TlsSettings tls) throws TlsKeystores.TlsException {
        List<Object> fingerprint = fingerprint(tls.sourceFiles());
        if (tls.equals(lastTls) && fingerprint.equals(lastFingerprint) && lastHttps != null) {
            return lastHttps;
        }
        Map<String, Object> https = TlsKeystores.felixProperties(tls, tlsDirectory(), ++tlsGeneration);
        lastTls = tls;
        lastFingerprint = fingerprint;
        lastHttps = https;
        scheduleTlsRefresh(tls);
        return https;
    }

    private void scheduleTlsRefresh(TlsSettings tls) {
        if (tlsRefresh != null) {
            tlsRefresh.cancel(false);
            tlsRefresh = null;
        }
        if (tls.enabled() && tls.refreshSeconds() > 0) {
            tlsRefresh = timer().scheduleWithFixedDelay(this::refreshTls, tls.refreshSeconds(), tls.refreshSeconds(),
                    TimeUnit.SECONDS);
        }
    }

    /** Pulsar's {@code tlsCertRefreshCheckDurationSec}: certificates changed on disk are served without a restart. */
    synchronized void refreshTls() {
        TlsSettings tls = lastTls;
        if (tls == null || !tls.enabled()) {
            return;
        }
        List<Object> fingerprint = fingerprint(tls.sourceFiles());
        if (fingerprint.equals(lastFingerprint)) {
            return;
        }
        lastFingerprint = fingerprint;
        try {
            Map<String, Object> https = TlsKeystores.felixProperties(tls, tlsDirectory(), ++tlsGeneration);
            Configuration configuration = configurationAdmin.getConfiguration(WorkerKeys.HTTP, "?");
            Map<String, Object> after = toMap(configuration.getProperties());
            TlsKeystores.PROPERTIES.forEach(after::remove);
            after.putAll(https);
            configuration.updateIfDifferent(new Hashtable<>(after));
            lastHttps = https;
            TlsKeystores.deleteOlderThan(tlsDirectory(), tlsGeneration - 1);
            LOG.info("TLS files {} changed: the HTTPS listener now serves them", tls.sourceFiles());
        } catch (TlsKeystores.TlsException | IOException | RuntimeException e) {
            LOG.warn("TLS files {} changed but cannot be used; the listener keeps what it had: {}",
                    tls.sourceFiles(), e.getMessage());
        }
    }

    private static List<Object> fingerprint(List<Path> files) {
        List<Object> fingerprint = new ArrayList<>();
        for (Path path : files) {
            try {
                fingerprint.add(path + "@" + Files.getLastModifiedTime(path).toMillis() + "/" + Files.size(path));
            } catch (IOException e) {
                fingerprint.add(path + "@missing");
            }
        }
        return fingerprint;
    }

    private Path tlsDirectory() {
        File dir = context == null ? null : context.getDataFile("tls");
        return dir != null ? dir.toPath()
                : Path.of(System.getProperty("java.io.tmpdir"), "outrigger-tls-" + ProcessHandle.current().pid());
    }

    private synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "outrigger-tls-refresh");
                thread.setDaemon(true);
                return thread;
            });
        }
        return timer;
    }

    private void checkPorts(Map<String, Object> http, List<String> errors) {
        if (Boolean.TRUE.equals(http.get(WorkerKeys.HTTP_ENABLE)) && http.get(WorkerKeys.HTTP_PORT) instanceof Integer port) {
            checkPort(WorkerKeys.HTTP_PORT, port).ifPresent(errors::add);
        }
        if (Boolean.TRUE.equals(http.get(TlsKeystores.HTTPS_ENABLE))
                && http.get(TlsKeystores.HTTPS_PORT) instanceof Integer port) {
            checkPort(TlsKeystores.HTTPS_PORT, port).ifPresent(problem -> errors.add(problem.replace("workerPort",
                    "workerPortTls")));
        }
    }

    /**
     * Jetty already holding the port is not a conflict: checked through ConfigAdmin (the port we wrote last time) and
     * Felix HTTP's advertised endpoints. Anything else holding it is.
     */
    private Optional<String> checkPort(String property, int port) {
        Object configured = configuredHttpPort(property);
        if (configured != null && String.valueOf(configured).trim().equals(String.valueOf(port))) {
            return Optional.empty();
        }
        if (servedByFelixHttp(port)) {
            return Optional.empty();
        }
        return portCheck.problem(bindHost, port);
    }

    private Object configuredHttpPort(String property) {
        try {
            Configuration[] found =
                    configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + WorkerKeys.HTTP + ")");
            Dictionary<String, Object> properties =
                    found == null || found.length == 0 ? null : found[0].getProperties();
            return properties == null ? null : properties.get(property);
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("Cannot look up the current {} configuration", WorkerKeys.HTTP, e);
            return null;
        }
    }

    private boolean servedByFelixHttp(int port) {
        ServiceReference<?>[] runtimes;
        try {
            runtimes = context.getServiceReferences((String) null, "(" + HTTP_ENDPOINT + "=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // a constant filter
        }
        if (runtimes == null) {
            return false;
        }
        for (ServiceReference<?> runtime : runtimes) {
            for (String endpoint : strings(runtime.getProperty(HTTP_ENDPOINT))) {
                try {
                    URI uri = URI.create(endpoint);
                    int endpointPort = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
                    if (endpointPort == port) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    LOG.debug("Ignoring endpoint {}", endpoint, e);
                }
            }
        }
        return false;
    }

    private static List<String> strings(Object value) {
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> properties) {
        Map<String, Object> map = new TreeMap<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (!AUTOMATIC_PROPERTIES.contains(key)) {
                    map.put(key, properties.get(key));
                }
            }
        }
        return map;
    }
}
