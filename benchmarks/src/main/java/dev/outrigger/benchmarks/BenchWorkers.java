package dev.outrigger.benchmarks;

import dev.outrigger.devcluster.JavaProcess;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.PulsarClasspath;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two workers as the benchmarks start them (Outrigger's distribution and Pulsar 4.0.8's {@code FunctionWorkerStarter}
 * with the thread runtime) against a {@link LocalPulsarCluster}, and the helpers both benchmarks share.
 */
public final class BenchWorkers {

    private BenchWorkers() {
    }

    static final String READY_PATH = "/admin/v2/worker/cluster";
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    static final Duration READY_DEADLINE = Duration.ofSeconds(180);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final String PULSAR_MAIN = "org.apache.pulsar.functions.worker.FunctionWorkerStarter";
    static final List<String> PULSAR_HEAP = List.of("-Xmx384m");


    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    /** A worker started for one run. */
    interface Started {
        boolean isAlive();

        /** The pid of the launched process (for Outrigger the bash script, which execs java). */
        long launchedPid();

        String logTail();

        /** SIGTERM, wait for exit (SIGKILL after the grace time); @return the exit code, or null */
        Integer stop() throws InterruptedException;
    }

    /** Starts one of the two workers, with its files in {@code runDir}. */
    interface Launcher {
        String key();

        /** "o" or "p": in worker ids and namespace names */
        String letter();

        String label();

        String describe();

        /**
         * @param workerId its {@code workerId}; its functions namespace is {@code public/<workerId>}
         * @return the admin URL once written, and the started process
         */
        Map.Entry<String, Started> start(String workerId, Path runDir, long[] launchNanos);
    }

    /** When the first 200 came (System.nanoTime()) and what it said. */
    record Ready(long nanos, String body) {
    }

    /** Polls every 50 ms until the first 200. */
    static Ready awaitReady(String label, Started worker, URI uri, long launchNanos)
            throws InterruptedException {
        return awaitReady(label, worker, uri, launchNanos, null);
    }

    /** As {@link #awaitReady(String, Started, URI, long)}, with {@code Authorization: Bearer <token>} unless null. */
    static Ready awaitReady(String label, Started worker, URI uri, long launchNanos, String token)
            throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long deadline = launchNanos + READY_DEADLINE.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!worker.isAlive()) {
                throw new IllegalStateException(label + " exited before it was ready (last: " + last + "):\n"
                        + worker.logTail());
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return new Ready(System.nanoTime(), response.body());
                }
                last = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(label + " not ready within " + READY_DEADLINE.toSeconds()
                        + " s (last: " + last + "):\n" + worker.logTail());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** @return the unpacked distribution under test: {@code outrigger.dist}, or the one this module's build unpacks */
    static Path distribution() {
        return Path.of(System.getProperty("outrigger.dist", "target/dist/outrigger-0.1.0-SNAPSHOT"))
                .toAbsolutePath().normalize();
    }

    /** @return where reports and work files go: {@code bench.dir}, or {@code target} */
    static Path benchDir() {
        return Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath().normalize();
    }

    /** @return the distribution's {@code bin/outrigger}, or null once it said there is none */
    static Path outriggerScript(Path dist) {
        Path script = dist.resolve("bin/outrigger");
        if (!java.nio.file.Files.isRegularFile(script)) {
            progress("No Outrigger distribution at " + dist + " (run the build with -Pbench, or set -Doutrigger.dist)");
            return null;
        }
        return script;
    }

    static Launcher outrigger(LocalPulsarCluster cluster, Path dist, String defaultOpts) {
        return outrigger(dist, defaultOpts,
                (workerId, runDir) -> WorkerConfig.forCluster(cluster, workerId, "public/" + workerId));
    }

    /**
     * @param configFor the worker's configuration from its id and directory (the launcher adds
     *                  {@code downloadDirectory}); the caller may keep it, to rewrite the file while the worker runs
     */
    static Launcher outrigger(Path dist, String defaultOpts, BiFunction<String, Path, WorkerConfig> configFor) {
        return new Launcher() {
            @Override
            public String key() {
                return "outrigger";
            }

            @Override
            public String letter() {
                return "o";
            }

            @Override
            public String label() {
                return "Outrigger";
            }

            @Override
            public String describe() {
                return "bin/outrigger --config functions_worker.yml (its default JVM options: " + defaultOpts + ")";
            }

            @Override
            public Map.Entry<String, Started> start(String workerId, Path runDir, long[] launchNanos) {
                WorkerConfig config = configFor.apply(workerId, runDir)
                        .set("downloadDirectory", runDir.resolve("download").toString());
                Path yml = config.write(runDir.resolve("functions_worker.yml"));
                Path log = runDir.resolve("worker.log");
                // An empty OUTRIGGER_JAVA_OPTS makes the script use its defaults (${OUTRIGGER_JAVA_OPTS:-...}) even
                // if this JVM's environment sets it; JAVA_HOME makes it run the same JDK as Pulsar's worker; a data
                // directory per start (the default, data/ of the distribution, would be shared by every start).
                Map<String, String> env = Map.of("OUTRIGGER_JAVA_OPTS", "",
                        "JAVA_HOME", System.getProperty("java.home"),
                        "OUTRIGGER_DATA", runDir.resolve("data").toString());
                launchNanos[0] = System.nanoTime();
                WorkerProcess process = WorkerProcess.start(dist, yml, log, env);
                return Map.entry(config.adminUrl(), new Started() {
                    @Override
                    public boolean isAlive() {
                        return process.isAlive();
                    }

                    @Override
                    public long launchedPid() {
                        return process.pid();
                    }

                    @Override
                    public String logTail() {
                        return tail(log, 40);
                    }

                    @Override
                    public Integer stop() throws InterruptedException {
                        process.close();
                        return process.waitForExit(Duration.ZERO);
                    }
                });
            }
        };
    }

    static Launcher pulsar(LocalPulsarCluster cluster) {
        return pulsar(cluster, keys -> {
        });
    }

    /** @param extraKeys adds to or overrides {@link #pulsarWorkerConfig} (e.g. {@link #pulsarTokenSecurity}) */
    static Launcher pulsar(LocalPulsarCluster cluster, Consumer<Map<String, Object>> extraKeys) {
        Path log4j = cluster.workDir().resolve("conf/log4j2.xml");
        List<String> jvm = new ArrayList<>(PULSAR_HEAP);
        jvm.addAll(LocalPulsarCluster.JAVA17_OPENS);
        jvm.add("-Dlog4j2.configurationFile=" + log4j);
        List<Path> classpath = PulsarClasspath.jars();
        return new Launcher() {
            @Override
            public String key() {
                return "pulsar";
            }

            @Override
            public String letter() {
                return "p";
            }

            @Override
            public String label() {
                return "Pulsar 4.0.8";
            }

            @Override
            public String describe() {
                return "java " + String.join(" ", PULSAR_HEAP) + " <--add-opens of bin/pulsar> -cp <"
                        + classpath.size() + " jars> " + PULSAR_MAIN + " -c functions_worker.yml";
            }

            @Override
            public Map.Entry<String, Started> start(String workerId, Path runDir, long[] launchNanos) {
                int port = WorkerConfig.freePort();
                Map<String, Object> keys = pulsarWorkerConfig(cluster.brokerServiceUrl(), cluster.webServiceUrl(),
                        cluster.clusterName(), cluster.metadataStoreUrl(), workerId, "public/" + workerId,
                        port, runDir);
                extraKeys.accept(keys);
                Path yml = writeYaml(runDir.resolve("functions_worker.yml"), keys);
                Path log = runDir.resolve("worker.log");
                launchNanos[0] = System.nanoTime();
                JavaProcess process = JavaProcess.start("pulsar-worker-" + workerId, runDir, classpath, jvm,
                        PULSAR_MAIN, List.of("-c", yml.toString()), log, true);
                return Map.entry("http://127.0.0.1:" + port, new Started() {
                    @Override
                    public boolean isAlive() {
                        return process.isAlive();
                    }

                    @Override
                    public long launchedPid() {
                        return process.pid();
                    }

                    @Override
                    public String logTail() {
                        return process.tail(40);
                    }

                    @Override
                    public Integer stop() throws InterruptedException {
                        process.stop(STOP_GRACE);
                        return process.waitFor(Duration.ZERO);
                    }
                });
            }
        };
    }

    /** The keys Pulsar's own worker needs to run standalone against the local cluster, with the thread runtime. */
    static Map<String, Object> pulsarWorkerConfig(String serviceUrl, String webServiceUrl, String clusterName,
                                                  String metadataStoreUrl, String workerId, String namespace,
                                                  int port, Path runDir) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("workerId", workerId);
        keys.put("workerHostname", "127.0.0.1");
        keys.put("workerPort", port);
        keys.put("pulsarServiceUrl", serviceUrl);
        keys.put("pulsarWebServiceUrl", webServiceUrl);
        keys.put("pulsarFunctionsCluster", clusterName);
        keys.put("pulsarFunctionsNamespace", namespace);
        keys.put("numFunctionPackageReplicas", 1);
        keys.put("configurationMetadataStoreUrl", metadataStoreUrl);
        keys.put("downloadDirectory", runDir.resolve("download").toString());
        keys.put("narExtractionDirectory", runDir.resolve("nar").toString());
        keys.put("functionRuntimeFactoryClassName", "org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory");
        // Without a config map the thread runtime fails with an NPE; this is the commented-out example of Pulsar's
        // conf/functions_worker.yml.
        keys.put("functionRuntimeFactoryConfigs", Map.of("threadGroupName", "Thread Function Container Group"));
        // These have no default in Pulsar's WorkerConfig class (null or 0), only in its shipped
        // conf/functions_worker.yml: without them the worker creates topics named "null" and dies with an NPE
        // (schedulerClassName), or schedules checks every 0 ms. Values as shipped.
        keys.put("functionMetadataTopicName", "metadata");
        keys.put("clusterCoordinationTopicName", "coordinate");
        keys.put("functionAssignmentTopicName", "assignments");
        keys.put("schedulerClassName", "org.apache.pulsar.functions.worker.scheduler.RoundRobinScheduler");
        keys.put("failureCheckFreqMs", 30000);
        keys.put("rescheduleTimeoutMs", 60000);
        keys.put("rebalanceCheckFreqSec", -1);
        keys.put("initialBrokerReconnectMaxRetries", 60);
        keys.put("assignmentWriteMaxRetries", 60);
        keys.put("instanceLivenessCheckFreqMs", 30000);
        return keys;
    }

    /**
     * The keys that make Pulsar's worker secured as {@code WorkerConfig.withTokenSecurity} makes Outrigger: token
     * authentication with the cluster's secret key (Pulsar's worker reads the provider's settings from
     * {@code properties}), authorization with the cluster's superusers, and the worker's own token to the broker.
     */
    static Map<String, Object> pulsarTokenSecurity(String secretKeyUrl, String workerToken) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("authenticationEnabled", true);
        keys.put("authenticationProviders", List.of(LocalPulsarCluster.TOKEN_AUTH_PROVIDER));
        keys.put("authorizationEnabled", true);
        keys.put("superUserRoles", List.of(LocalPulsarCluster.ADMIN_ROLE, LocalPulsarCluster.WORKER_ROLE));
        keys.put("brokerClientAuthenticationPlugin", LocalPulsarCluster.TOKEN_AUTH_PLUGIN);
        keys.put("brokerClientAuthenticationParameters", "token:" + workerToken);
        keys.put("properties", Map.of("tokenSecretKey", secretKeyUrl));
        return keys;
    }

    /** Block YAML: strings double-quoted, maps nested by two spaces, lists as block sequences. */
    static String yaml(Map<String, ?> keys) {
        StringBuilder out = new StringBuilder();
        appendYaml(out, keys, "");
        return out.toString();
    }

    private static void appendYaml(StringBuilder out, Map<String, ?> keys, String indent) {
        for (Map.Entry<String, ?> e : keys.entrySet()) {
            Object value = e.getValue();
            out.append(indent).append(e.getKey()).append(':');
            if (value instanceof Map<?, ?> map) {
                out.append('\n');
                Map<String, Object> nested = new LinkedHashMap<>();
                map.forEach((k, v) -> nested.put(String.valueOf(k), v));
                appendYaml(out, nested, indent + "  ");
            } else if (value instanceof List<?> list) {
                out.append(list.isEmpty() ? " []\n" : "\n");
                for (Object item : list) {
                    out.append(indent).append("  - ").append(scalar(item)).append('\n');
                }
            } else {
                out.append(' ').append(scalar(value)).append('\n');
            }
        }
    }

    private static String scalar(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        return "\"" + String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Path writeYaml(Path file, Map<String, Object> keys) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml(keys), StandardCharsets.UTF_8);
            if (keys.containsKey("brokerClientAuthenticationParameters") || keys.containsKey("properties")) {
                // it holds a token or key material, as WorkerConfig.write treats it
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The default of {@code ${OUTRIGGER_JAVA_OPTS:-...}} in bin/outrigger, or "?" if the script has changed shape. */
    static String defaultJavaOpts(String script) {
        Matcher m = Pattern.compile("\\$\\{OUTRIGGER_JAVA_OPTS:-([^}]*)}").matcher(script);
        return m.find() ? m.group(1).trim() : "?";
    }

    /**
     * The JVM behind the launched process: bin/outrigger execs java, so it is normally that pid itself; otherwise
     * (a wrapper that forks) its one java descendant.
     */
    static long jvmPid(long launched) {
        Optional<String> status = ProcStatus.read(launched);
        if (status.isPresent() && ProcStatus.name(status.get()).equals("java")) {
            return launched;
        }
        return ProcessHandle.of(launched).stream()
                .flatMap(ProcessHandle::descendants)
                .filter(p -> ProcStatus.read(p.pid()).map(ProcStatus::name).orElse("").equals("java"))
                .map(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No java process at or under pid " + launched + " ("
                        + status.map(ProcStatus::name).orElse("gone") + ")"));
    }


    static String memTotal() {
        try {
            String meminfo = Files.readString(Path.of("/proc/meminfo"));
            String value = ProcStatus.field(meminfo, "MemTotal");
            if (value != null && value.endsWith(" kB")) {
                long kib = Long.parseLong(value.substring(0, value.length() - 3).trim());
                return String.format(Locale.ROOT, "%.1f GiB RAM", kib / 1024.0 / 1024.0);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "? RAM";
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }


    static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
