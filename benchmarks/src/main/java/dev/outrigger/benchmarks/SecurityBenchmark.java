package dev.outrigger.benchmarks;

import static dev.outrigger.benchmarks.BenchWorkers.Launcher;
import static dev.outrigger.benchmarks.BenchWorkers.READY_PATH;
import static dev.outrigger.benchmarks.BenchWorkers.Started;
import static dev.outrigger.benchmarks.BenchWorkers.progress;

import dev.outrigger.benchmarks.provider.HeaderAuthenticationProvider;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.policies.data.AuthAction;

/**
 * Security on the admin API, against one real Pulsar 4.0.8 cluster with token authentication and authorization on
 * (issue 7's two figures):
 * <ol>
 *   <li>latency per request of {@code GET /admin/v3/functions/public/default} (cheap, authorization checked) on three
 *       workers started once: Outrigger secured (token authentication + authorization), Outrigger unsecured (the same
 *       worker with authentication off: the difference is what security adds) and Pulsar's own worker secured with the
 *       same keys; with a superuser's token and with a role granted {@code functions} on the namespace (the
 *       namespace-grant path). Sequential requests on one keep-alive connection per worker; rounds interleave the
 *       series in rotating order, so each runs in every position;</li>
 *   <li>hot swap: a third party's provider bundle (classes of {@code dev.outrigger.benchmarks.provider}) moved into
 *       the secured worker's {@code deploy/}, time to the first request it authenticates, and deleted, time to the
 *       first refusal. Pulsar's worker has no equivalent: it builds its providers once, at start-up.</li>
 * </ol>
 * Then a live A/B on the secured worker alone: security switched off and on by rewriting its configuration, which
 * compares one JVM with itself. System properties: {@code requests} (3000 per series per round), {@code rounds} (20),
 * {@code warmupRequests} (20000), {@code liveRounds} (10), {@code swaps} (5), {@code outrigger.dist},
 * {@code bench.dir}.
 */
public final class SecurityBenchmark {

    static final String LIST_PATH = "/admin/v3/functions/public/default";
    static final String NAMESPACE = "public/default";
    /** Not a superuser: granted {@code functions} on {@link #NAMESPACE}. */
    static final String USER_ROLE = "bench-user";
    static final String AUTHENTICATION_REQUIRED = "Authentication required";
    static final String ACCESS_CHANGED = "Admin API access changed";
    static final String ACTIVATOR = "dev.outrigger.benchmarks.provider.Activator";
    static final String DEPLOYED_NAME = "bench-auth-provider.jar";
    static final Duration SWAP_POLL = Duration.ofMillis(10);
    static final Duration SWAP_DEADLINE = Duration.ofSeconds(60);
    static final Duration LIST_DEADLINE = Duration.ofSeconds(120);
    static final Duration ACCESS_CHANGE_DEADLINE = Duration.ofSeconds(30);
    static final int WARMUP_PASSES = 5;
    /** Unmeasured requests after each switch of the live A/B. */
    static final int LIVE_SETTLE_REQUESTS = 500;
    static final String PROVIDER_AVAILABLE = "Authentication provider 'example' available";
    static final String PROVIDER_GONE = "Authentication provider 'example' gone";
    /** FileInstall's own default, when the distribution does not set it. */
    static final long FILEINSTALL_DEFAULT_POLL = 2000;

    // One client: the JDK keeps one HTTP/1.1 connection per worker alive between sequential requests.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private SecurityBenchmark() {
    }

    /** One of the three workers. */
    static final class Worker {
        final String key;
        /** workerId; its functions namespace is public/<id> */
        final String id;
        final String label;
        Launcher launcher;
        final Path dir;
        /** Sent to its ready check, or null for the unsecured one. */
        final String readyToken;
        /** Outrigger only: its configuration, kept to be rewritten while it runs. */
        WorkerConfig config;
        String adminUrl;
        Started process;
        String error;

        Worker(String key, String id, String label, Path work, String readyToken) {
            this.key = key;
            this.id = id;
            this.label = label;
            this.dir = work.resolve(key);
            this.readyToken = readyToken;
        }
    }

    /** One series of identical requests to one worker. */
    static final class Series {
        final String key;
        final Worker worker;
        final String credentials;
        final String token;
        HttpRequest request;
        final List<SecurityReport.Round> rounds = new ArrayList<>();
        String error;

        Series(String key, Worker worker, String credentials, String token) {
            this.key = key;
            this.worker = worker;
            this.credentials = credentials;
            this.token = token;
        }

        String label() {
            return worker.label + " (" + credentials + ")";
        }
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    static int run() {
        int requests = Integer.getInteger("requests", 3000);
        int rounds = Integer.getInteger("rounds", 20);
        int warmupRequests = Integer.getInteger("warmupRequests", 20000);
        int swaps = Integer.getInteger("swaps", 5);
        int liveRounds = Integer.getInteger("liveRounds", 10);
        if (requests < 1 || rounds < 1 || warmupRequests < 0 || swaps < 1 || liveRounds < 0) {
            throw new IllegalArgumentException("requests, rounds, swaps must be >= 1, warmupRequests, liveRounds >= 0");
        }
        Path dist = BenchWorkers.distribution();
        Path benchDir = BenchWorkers.benchDir();
        Path script = BenchWorkers.outriggerScript(dist);
        if (script == null) {
            return 2;
        }
        Path work = benchDir.resolve("security-bench");
        long started = System.nanoTime();
        LocalPulsarCluster cluster = null;
        List<Worker> workers = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Path deployed = null;
        int exit = 0;
        try {
            LocalPulsarCluster.deleteRecursively(work);
            progress("requests=" + requests + " per series per round, rounds=" + rounds + ", warm-up " + warmupRequests
                    + " per series, liveRounds=" + liveRounds + ", swaps=" + swaps + ", distribution " + dist);
            // The secured worker runs from a copy: the bundle is dropped into the copy's deploy/, never into the
            // distribution the other benchmarks (and the unsecured worker) use.
            Path secureDist = copyTree(dist, work.resolve("outrigger-dist"));
            deployed = secureDist.resolve("deploy").resolve(DEPLOYED_NAME);
            long pollMillis = fileInstallPoll(secureDist.resolve("conf/framework.properties"));
            String opts = BenchWorkers.defaultJavaOpts(Files.readString(script));

            cluster = LocalPulsarCluster.start(work.resolve("pulsar-cluster"), LocalPulsarCluster.Security.TOKEN);
            LocalPulsarCluster pulsar = cluster; // effectively final, for the lambdas
            Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close, "bench-cluster-stop"));
            String adminToken = cluster.adminToken();
            String userToken = cluster.token(USER_ROLE);
            String workerToken = cluster.token(LocalPulsarCluster.WORKER_ROLE);
            grantFunctions(cluster, adminToken);

            Worker secured = new Worker("outrigger-secured", "sbench-os", "Outrigger secured", work, adminToken);
            secured.launcher = BenchWorkers.outrigger(secureDist, opts, (id, dir) -> {
                // Explicit, though it is what it defaults to (it follows authenticationEnabled): the live A/B below
                // turns authentication off, and the broker clients must keep their token meanwhile.
                secured.config = WorkerConfig.secureForCluster(pulsar, id, "public/" + id)
                        .set("brokerClientAuthenticationEnabled", true);
                return secured.config;
            });
            Worker ou = new Worker("outrigger-unsecured", "sbench-ou", "Outrigger unsecured", work, null);
            ou.launcher = BenchWorkers.outrigger(dist, opts, (id, dir) -> WorkerConfig.forCluster(pulsar, id,
                            "public/" + id)
                    .set("authenticationEnabled", false)
                    // the broker still wants the worker's token: broker-client authentication stays on
                    .set("brokerClientAuthenticationEnabled", true)
                    .set("brokerClientAuthenticationPlugin", LocalPulsarCluster.TOKEN_AUTH_PLUGIN)
                    .set("brokerClientAuthenticationParameters", "token:" + workerToken));
            Worker p = new Worker("pulsar-secured", "sbench-ps", "Pulsar 4.0.8 secured", work, adminToken);
            p.launcher = BenchWorkers.pulsar(cluster,
                    keys -> keys.putAll(BenchWorkers.pulsarTokenSecurity(pulsar.secretKeyUrl(), workerToken)));
            workers.add(secured);
            workers.add(ou);
            workers.add(p);

            // All three start together (start-up is not measured here), then each is awaited.
            long[][] launches = new long[workers.size()][1];
            for (int i = 0; i < workers.size(); i++) {
                Worker w = workers.get(i);
                Map.Entry<String, Started> entry = w.launcher.start(w.id, w.dir, launches[i]);
                w.adminUrl = entry.getKey();
                w.process = entry.getValue();
            }
            for (int i = 0; i < workers.size(); i++) {
                Worker w = workers.get(i);
                try {
                    BenchWorkers.awaitReady(w.label, w.process, URI.create(w.adminUrl + READY_PATH), launches[i][0],
                            w.readyToken);
                    awaitList(w);
                    progress(String.format(Locale.ROOT, "%-20s ready after %.1f s at %s", w.label,
                            (System.nanoTime() - launches[i][0]) / 1e9, w.adminUrl));
                } catch (RuntimeException e) {
                    w.error = e.getMessage();
                    errors.add(w.label + ": " + e.getMessage());
                    progress(w.label + " FAILED: " + BenchWorkers.abbreviate(e.getMessage()));
                }
            }

            List<String> checks = new ArrayList<>();
            List<Series> series = new ArrayList<>();
            series.add(new Series("o-admin", secured, "superuser token", adminToken));
            series.add(new Series("o-user", secured, "granted role's token", userToken));
            series.add(new Series("o-none", ou, "no credentials", null));
            series.add(new Series("p-admin", p, "superuser token", adminToken));
            series.add(new Series("p-user", p, "granted role's token", userToken));
            for (Series s : series) {
                s.request = listRequest(s.worker, s.token);
                if (s.worker.error != null) {
                    s.error = "worker not started";
                }
            }
            verify(series, secured, ou, p, userToken, checks, errors);

            // Warm-up, unmeasured, in interleaved passes: the secured worker serves two series, so warming each series
            // in one block would leave the unsecured one colder (less JIT-compiled) when the rounds start.
            for (int pass = 0; pass < WARMUP_PASSES && warmupRequests > 0; pass++) {
                for (int j = 0; j < series.size(); j++) {
                    Series s = series.get((pass + j) % series.size());
                    if (s.error == null) {
                        try {
                            measure(s, Math.max(1, warmupRequests / WARMUP_PASSES));
                        } catch (IOException | RuntimeException e) {
                            fail(s, "warm-up: " + e, errors);
                        }
                    }
                }
            }
            progress("warm-up done: " + warmupRequests + " requests per series");
            // Rounds: the series in rotating order, so with rounds a multiple of the series count each runs equally
            // often in every position.
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("round " + (r + 1) + "/" + rounds + " p50 us:");
                for (int j = 0; j < series.size(); j++) {
                    Series s = series.get((r + j) % series.size());
                    if (s.error != null) {
                        continue;
                    }
                    try {
                        SecurityReport.Round round = SecurityReport.Round.of(r, j, measure(s, requests));
                        s.rounds.add(round);
                        line.append(String.format(Locale.ROOT, " %s %.0f", s.key, round.p50()));
                    } catch (IOException | RuntimeException e) {
                        fail(s, "round " + (r + 1) + ": " + e, errors);
                    }
                }
                progress(line.toString());
            }

            // The same worker with security toggled live: one JVM, so JIT and heap differences between two worker
            // processes do not enter the difference.
            Series liveOn = new Series("o-live-on", secured, "superuser token; live A/B, security on", adminToken);
            Series liveOff = new Series("o-live-off", secured, "no credentials; live A/B, security off", null);
            if (secured.error == null && liveRounds > 0) {
                try {
                    liveAB(secured, liveOn, liveOff, liveRounds, requests, rounds);
                } catch (IOException | RuntimeException e) {
                    errors.add("live A/B: " + e);
                    progress("live A/B FAILED: " + e);
                }
                series.add(liveOn);
                series.add(liveOff);
            }

            List<SecurityReport.Swap> swapResults = new ArrayList<>();
            if (secured.error == null) {
                try {
                    hotSwap(secured, work.resolve("provider"), deployed, swaps, pollMillis, adminToken, swapResults,
                            errors);
                } catch (IOException | RuntimeException e) {
                    errors.add("hot swap: " + e);
                    progress("hot swap FAILED: " + e);
                }
            }

            double minutes = (System.nanoTime() - started) / 60e9;
            SecurityReport report = new SecurityReport(
                    "Security: token authentication per request and a provider bundle hot-swapped, Outrigger vs "
                            + "Pulsar 4.0.8's functions worker",
                    notes(requests, rounds, warmupRequests, swaps, liveRounds, pollMillis, cluster, workers, checks,
                            minutes),
                    requests, rounds, series.stream().map(s -> new SecurityReport.Series(s.key, s.worker.label,
                            s.credentials, List.copyOf(s.rounds), s.error)).toList(),
                    pairs(), swapResults, pollMillis, errors);
            Path md = Files.writeString(benchDir.resolve("security.md"), report.markdown(), StandardCharsets.UTF_8);
            Path json = Files.writeString(benchDir.resolve("security.json"), report.json(), StandardCharsets.UTF_8);
            System.out.println();
            System.out.print(report.headline());
            System.out.println();
            System.out.println(report.table());
            errors.forEach(e -> System.out.println("ERROR: " + e));
            System.out.println("Written: " + md + "\n         " + json + "\nLogs: " + work);
            if (!errors.isEmpty() || swapResults.size() < swaps) {
                exit = 1;
            }
        } catch (IOException | RuntimeException | PulsarAdminException e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            for (Worker w : workers) {
                if (w.process != null) {
                    System.err.println("[bench] " + w.label + " log tail:\n" + w.process.logTail());
                }
            }
            exit = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("[bench] interrupted");
            exit = 1;
        } finally {
            if (deployed != null) {
                try {
                    Files.deleteIfExists(deployed);
                } catch (IOException e) {
                    // the copy is deleted with the work directory next time
                }
            }
            for (Worker w : workers) {
                if (w.process != null) {
                    try {
                        w.process.stop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            if (cluster != null) {
                cluster.close();
            }
        }
        progress(String.format(Locale.ROOT, "security benchmark took %.1f min", (System.nanoTime() - started) / 60e9));
        return exit;
    }

    /** The derived rows: the first is issue 7's figure (b). */
    static List<SecurityReport.Pair> pairs() {
        return List.of(
                new SecurityReport.Pair("Outrigger: added by token authn + authz, superuser (secured - unsecured, us)",
                        "o-admin", "o-none", false),
                new SecurityReport.Pair("Outrigger: added, granted role (secured - unsecured, us)",
                        "o-user", "o-none", false),
                new SecurityReport.Pair("Outrigger, one worker: superuser token with security on - no credentials "
                        + "with security off (toggled live, us)", "o-live-on", "o-live-off", false),
                new SecurityReport.Pair("Outrigger secured / Pulsar secured, superuser token", "o-admin", "p-admin",
                        true),
                new SecurityReport.Pair("Outrigger secured / Pulsar secured, granted role's token", "o-user",
                        "p-user", true));
    }

    /** The non-superuser role may use functions in {@link #NAMESPACE}: granted on the broker, as an operator would. */
    private static void grantFunctions(LocalPulsarCluster cluster, String adminToken)
            throws PulsarClientException, PulsarAdminException {
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(cluster.webServiceUrl())
                .authentication(LocalPulsarCluster.TOKEN_AUTH_PLUGIN, "token:" + adminToken).build()) {
            admin.namespaces().grantPermissionOnNamespace(NAMESPACE, USER_ROLE, EnumSet.of(AuthAction.functions));
            progress("Granted " + USER_ROLE + " the functions action on " + NAMESPACE + ": "
                    + admin.namespaces().getPermissions(NAMESPACE));
        }
    }

    static HttpRequest listRequest(Worker worker, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(worker.adminUrl + LIST_PATH))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    /** Pulsar's worker answers the ready check before its function service is up (503): waits for a 200 list. */
    private static void awaitList(Worker w) throws InterruptedException {
        HttpRequest request = listRequest(w, w.readyToken);
        long deadline = System.nanoTime() + LIST_DEADLINE.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() - deadline < 0) {
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + " " + BenchWorkers.abbreviate(response.body());
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(w.label + ": GET " + LIST_PATH + " not 200 within " + LIST_DEADLINE.toSeconds()
                + " s (last: " + last + "):\n" + w.process.logTail());
    }

    /**
     * What must hold before anything is measured: both secured workers refuse a request without credentials (401)
     * and the granted role on a superuser-only endpoint; the unsecured one serves anyone; every series gets 200.
     */
    private static void verify(List<Series> series, Worker secured, Worker unsecured, Worker pulsar, String userToken,
                               List<String> checks, List<String> errors) throws InterruptedException {
        for (Worker w : List.of(secured, pulsar)) {
            if (w.error != null) {
                continue;
            }
            Answer none = Answer.send(listRequest(w, null));
            checks.add(w.label + ": GET " + LIST_PATH + " without credentials -> " + none);
            if (none.status() != 401) {
                w.error = "answered " + none + " without credentials";
                errors.add(w.label + " is not secured: GET " + LIST_PATH + " without credentials answered " + none);
            }
            HttpRequest workerEndpoint = HttpRequest.newBuilder(URI.create(w.adminUrl + READY_PATH))
                    .header("Authorization", "Bearer " + userToken).timeout(Duration.ofSeconds(10)).GET().build();
            Answer user = Answer.send(workerEndpoint);
            checks.add(w.label + ": GET " + READY_PATH + " (superuser only) as " + USER_ROLE + " -> " + user);
            if (user.status() == 200) {
                errors.add(w.label + " lets " + USER_ROLE + " act as a superuser: the granted-role series would "
                        + "measure the superuser path");
            }
        }
        if (unsecured.error == null) {
            Answer none = Answer.send(listRequest(unsecured, null));
            checks.add(unsecured.label + ": GET " + LIST_PATH + " without credentials -> " + none);
        }
        for (Series s : series) {
            if (s.error == null && s.worker.error != null) {
                s.error = s.worker.error;
            }
            if (s.error != null) {
                continue;
            }
            Answer answer = Answer.send(s.request);
            if (answer.status() != 200) {
                fail(s, "first request answered " + answer, errors);
            }
        }
    }

    /**
     * Rounds on the secured worker alone, security on (superuser token) and off (no credentials), switched by
     * rewriting its functions_worker.yml; the order alternates round by round, so there is one switch per round.
     * Leaves security on.
     */
    private static void liveAB(Worker w, Series on, Series off, int liveRounds, int requests, int roundOffset)
            throws IOException, InterruptedException {
        on.request = listRequest(w, on.token);
        off.request = listRequest(w, null);
        boolean enabled = true;
        try {
            for (int r = 0; r < liveRounds; r++) {
                List<Series> order = r % 2 == 0 ? List.of(on, off) : List.of(off, on);
                StringBuilder line = new StringBuilder("live A/B round " + (r + 1) + "/" + liveRounds + " p50 us:");
                for (int j = 0; j < order.size(); j++) {
                    Series s = order.get(j);
                    boolean wanted = s == on;
                    if (wanted != enabled) {
                        setSecurity(w, wanted);
                        enabled = wanted;
                    }
                    measure(s, LIVE_SETTLE_REQUESTS);
                    SecurityReport.Round round = SecurityReport.Round.of(roundOffset + r, j, measure(s, requests));
                    s.rounds.add(round);
                    line.append(String.format(Locale.ROOT, " %s %.0f", s.key, round.p50()));
                }
                progress(line.toString());
            }
        } finally {
            if (!enabled) {
                setSecurity(w, true);
            }
        }
    }

    /** Rewrites the worker's authenticationEnabled and authorizationEnabled and waits until it answers accordingly. */
    private static void setSecurity(Worker w, boolean enabled) throws IOException, InterruptedException {
        Path log = w.dir.resolve("worker.log");
        int before = count(Files.readString(log), ACCESS_CHANGED);
        w.config.set("authenticationEnabled", enabled).set("authorizationEnabled", enabled)
                .write(w.dir.resolve("functions_worker.yml"));
        awaitLogCount(w, log, ACCESS_CHANGED, before);
        HttpRequest probe = listRequest(w, null);
        Answer answer = pollUntil(probe, a -> a.status() == (enabled ? 401 : 200));
        if (answer.status() != (enabled ? 401 : 200)) {
            throw new IllegalStateException("security " + (enabled ? "on" : "off") + ": " + answer);
        }
    }

    private static void awaitLogCount(Worker w, Path log, String line, int before)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ACCESS_CHANGE_DEADLINE.toNanos();
        while (count(Files.readString(log), line) <= before) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no new '" + line + "' in the log " + ACCESS_CHANGE_DEADLINE
                        .toSeconds() + " s after functions_worker.yml was rewritten:\n" + w.process.logTail());
            }
            Thread.sleep(50);
        }
    }

    /** {@code n} sequential requests; @return each one's time in microseconds, send to body read */
    static List<Double> measure(Series s, int n) throws IOException, InterruptedException {
        List<Double> micros = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = HTTP.send(s.request, HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("request " + i + " answered HTTP " + response.statusCode() + " "
                        + BenchWorkers.abbreviate(response.body()));
            }
            micros.add((t1 - t0) / 1e3);
        }
        return micros;
    }

    private static void fail(Series s, String error, List<String> errors) {
        s.error = error;
        errors.add(s.label() + ": " + error);
        progress(s.label() + " FAILED: " + error);
    }

    /**
     * Names the example provider in the running worker's {@code authenticationProviders} (a live edit of its file),
     * then {@code swaps} times: moves the bundle into {@code deploy/} and polls every 10 ms with its credentials until
     * the answer is no longer "Authentication required"; deletes it and polls until it is again.
     */
    private static void hotSwap(Worker w, Path dir, Path deployed, int swaps, long pollMillis, String adminToken,
                                List<SecurityReport.Swap> results, List<String> errors)
            throws IOException, InterruptedException {
        Path template = providerBundle(dir);
        Path staging = dir.resolve("staging.jar"); // same file system as deploy/: the move is atomic
        Path yml = w.dir.resolve("functions_worker.yml");
        Path log = w.dir.resolve("worker.log");
        HttpRequest asExample = HttpRequest.newBuilder(URI.create(w.adminUrl + LIST_PATH))
                .header(HeaderAuthenticationProvider.HEADER, USER_ROLE).timeout(Duration.ofSeconds(10)).GET().build();

        int before = count(Files.readString(log), ACCESS_CHANGED);
        w.config.set("authenticationProviders", List.of(LocalPulsarCluster.TOKEN_AUTH_PROVIDER,
                HeaderAuthenticationProvider.CLASS_NAME)).write(yml);
        awaitLogCount(w, log, ACCESS_CHANGED, before);
        Answer refused = Answer.send(asExample);
        if (!refused.authenticationRequired()) {
            throw new IllegalStateException("before the bundle is dropped, " + HeaderAuthenticationProvider.HEADER
                    + " answered " + refused + " instead of 401 " + AUTHENTICATION_REQUIRED);
        }
        progress("authenticationProviders now names " + HeaderAuthenticationProvider.CLASS_NAME
                + "; without its bundle the worker answers " + refused);

        Random random = new Random();
        for (int i = 0; i < swaps; i++) {
            // Random waits, so the drop and the deletion fall at different points of FileInstall's scan period
            // (right after the install, the next scan is a whole period away: deleting at once would always wait
            // that long).
            long offset = random.nextLong(pollMillis);
            Thread.sleep(offset);
            Files.copy(template, staging, StandardCopyOption.REPLACE_EXISTING);
            long droppedAt = System.currentTimeMillis();
            long dropped = System.nanoTime();
            Files.move(staging, deployed, StandardCopyOption.ATOMIC_MOVE);
            Answer enabled = pollUntil(asExample, answer -> !answer.authenticationRequired());
            double enabledMillis = (enabled.nanos() - dropped) / 1e6;
            if (enabled.status() != 200) {
                errors.add("swap " + (i + 1) + ": the first answer after the drop was " + enabled + ", not 200");
            }
            Thread.sleep(random.nextLong(pollMillis));
            long deletedAt = System.currentTimeMillis();
            long deleted = System.nanoTime();
            Files.delete(deployed);
            Answer disabled = pollUntil(asExample, Answer::authenticationRequired);
            double disabledMillis = (disabled.nanos() - deleted) / 1e6;
            String text = Files.readString(log);
            results.add(new SecurityReport.Swap(offset, enabledMillis, enabled.status(), disabledMillis,
                    logMillis(text, PROVIDER_AVAILABLE, i, droppedAt), logMillis(text, PROVIDER_GONE, i, deletedAt)));
            progress(String.format(Locale.ROOT, "swap %d/%d: dropped -> %s after %.0f ms; deleted -> refused after "
                    + "%.0f ms", i + 1, swaps, enabled, enabledMillis, disabledMillis));
        }
        // the token provider was there all along: it must still answer
        Answer token = Answer.send(listRequest(w, adminToken));
        if (token.status() != 200) {
            errors.add("after the swaps, the superuser's token got " + token);
        }
    }

    /** Polls every {@link #SWAP_POLL} until an answer satisfies {@code done}; I/O errors are retried. */
    private static Answer pollUntil(HttpRequest request, Predicate<Answer> done) throws InterruptedException {
        long deadline = System.nanoTime() + SWAP_DEADLINE.toNanos();
        Answer last = null;
        while (System.nanoTime() - deadline < 0) {
            last = Answer.send(request);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(SWAP_POLL.toMillis());
        }
        throw new IllegalStateException("still " + last + " after " + SWAP_DEADLINE.toSeconds() + " s");
    }

    /** One answer and when it arrived; status -1 for an I/O error. */
    record Answer(int status, String body, long nanos) {

        static Answer send(HttpRequest request) throws InterruptedException {
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.body(), System.nanoTime());
            } catch (IOException e) {
                return new Answer(-1, e.toString(), System.nanoTime());
            }
        }

        boolean authenticationRequired() {
            return status == 401 && body != null && body.contains(AUTHENTICATION_REQUIRED);
        }

        @Override
        public String toString() {
            return status < 0 ? body : "HTTP " + status + " " + BenchWorkers.abbreviate(body);
        }
    }

    /**
     * @return ms from {@code sinceEpochMillis} to the log time of the {@code index}th line (0-based) containing
     *     {@code needle}, or NaN if there is none (the worker's log lines start with an ISO time, ms resolution)
     */
    static double logMillis(String log, String needle, int index, long sinceEpochMillis) {
        int seen = 0;
        for (String line : log.split("\n")) {
            if (line.contains(needle) && seen++ == index) {
                try {
                    Instant at = LOG_TIME.parse(line.substring(0, line.indexOf(' ')), Instant::from);
                    return at.toEpochMilli() - sinceEpochMillis;
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private static final java.time.format.DateTimeFormatter LOG_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /**
     * The example provider as a bundle: its compiled classes from this module's classpath (read as resources: the
     * Activator needs OSGi classes, which only the worker has) and a manifest importing the api SPI and the framework.
     */
    static Path providerBundle(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "com.example.auth.header.bench");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", ACTIVATOR);
        main.putValue("Import-Package", "dev.outrigger.api.security;version=\"[1.0,2)\","
                + "org.osgi.framework;version=\"[1.8,2)\"");
        Files.createDirectories(dir);
        Path jar = dir.resolve("example-auth-provider-1.0.0.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream bundle = new JarOutputStream(out, manifest)) {
            for (String type : List.of(ACTIVATOR, HeaderAuthenticationProvider.class.getName())) {
                String entry = type.replace('.', '/') + ".class";
                bundle.putNextEntry(new JarEntry(entry));
                try (InputStream in = SecurityBenchmark.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IllegalStateException("No " + entry + " on the classpath");
                    }
                    in.transferTo(bundle);
                }
                bundle.closeEntry();
            }
        }
        return jar;
    }

    /** {@code felix.fileinstall.poll} of a distribution's framework.properties, in ms. */
    static long fileInstallPoll(Path frameworkProperties) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(frameworkProperties)) {
            properties.load(in);
        }
        return Long.parseLong(properties.getProperty("felix.fileinstall.poll",
                Long.toString(FILEINSTALL_DEFAULT_POLL)).trim());
    }

    /** Copies a directory tree, file attributes (the script's execute bit) included; skips a {@code data/}. */
    static Path copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(from.resolve("data"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
        return to;
    }

    private static List<String> notes(int requests, int rounds, int warmupRequests, int swaps, int liveRounds,
                                      long pollMillis,
                                      LocalPulsarCluster cluster, List<Worker> workers, List<String> checks,
                                      double minutes) {
        List<String> notes = new ArrayList<>();
        notes.add("Measured " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on "
                + Runtime.getRuntime().availableProcessors() + " CPUs, " + BenchWorkers.memTotal() + ", Java "
                + System.getProperty("java.runtime.version") + String.format(Locale.ROOT, "; the run took %.1f min",
                minutes));
        notes.add("One real Pulsar 4.0.8 cluster on loopback (ZooKeeper + standalone broker + one bookie: "
                + cluster.webServiceUrl() + ") with token authentication and authorization on; HS256 tokens made by "
                + "Pulsar's TokensCliUtils; superusers admin and outrigger-worker");
        notes.add("Three workers started once: Outrigger secured (authenticationEnabled, authenticationProviders "
                + "[AuthenticationProviderToken], authorizationEnabled, superUserRoles [admin, outrigger-worker], "
                + "properties.tokenSecretKey, the worker's token to the broker); Outrigger unsecured (the same "
                + "distribution, authenticationEnabled false, authorization off, the worker's token to the broker); "
                + "Pulsar 4.0.8's own worker (FunctionWorkerStarter, thread runtime, -Xmx384m) with the same security "
                + "keys. Outrigger with its script's default JVM options");
        notes.add("Checked before measuring: " + String.join("; ", checks));
        notes.add("Latency: GET " + LIST_PATH + " (list: cheap, authorization checked), sequential, JDK HttpClient "
                + "HTTP/1.1 with one kept-alive connection per worker, time from send to the body read. Series: "
                + "a superuser's token (admin), the token of " + USER_ROLE + " (not a superuser, granted the functions "
                + "action on " + NAMESPACE + " through the broker's admin API: the namespace-grant path, which "
                + "Outrigger reads from the broker and caches 5 s), and no credentials on the unsecured worker");
        notes.add(warmupRequests + " unmeasured requests per series, then " + rounds + " rounds of " + requests
                + " requests per series, the 5 series in an order rotating by one each round (each runs in every "
                + "position when rounds is a multiple of 5); p50/p90/p99 nearest rank per round, then the median and "
                + "range over rounds. Differences and ratios are taken round by round, between series of the same "
                + "round");
        notes.add("Live A/B, after those rounds: " + liveRounds + " rounds on the secured worker alone, "
                + requests + " requests with the superuser's token and security on, " + requests + " without "
                + "credentials with authenticationEnabled and authorizationEnabled turned off by rewriting its "
                + "functions_worker.yml (applied live; waited for '" + ACCESS_CHANGED + "' and a matching answer, then "
                + LIVE_SETTLE_REQUESTS + " unmeasured requests), the order alternating round by round: the same JVM "
                + "on both sides, unlike secured - unsecured, which compares two worker processes. Its "
                + "brokerClientAuthenticationEnabled is set true explicitly (its default follows "
                + "authenticationEnabled) so the broker clients keep their token meanwhile");
        notes.add("Hot swap: the example provider (dev.outrigger.benchmarks.provider: trusts an "
                + HeaderAuthenticationProvider.HEADER + " header; Bundle-Activator, api SPI only) as a bundle built "
                + "from compiled classes plus a manifest; " + HeaderAuthenticationProvider.CLASS_NAME + " added to the "
                + "running secured worker's authenticationProviders first (functions_worker.yml rewritten, applied "
                + "live: waited for '" + ACCESS_CHANGED + "'). Then " + swaps + " times: a random 0-" + pollMillis
                + " ms wait, the jar moved (atomic) into the worker's deploy/, GET " + LIST_PATH + " with "
                + HeaderAuthenticationProvider.HEADER + ": " + USER_ROLE + " polled every " + SWAP_POLL.toMillis()
                + " ms until the answer is no longer 401 " + AUTHENTICATION_REQUIRED + " (time to that answer's "
                + "arrival); another random 0-" + pollMillis + " ms wait, the jar deleted, polled until refused "
                + "again. The 'worker log' rows split the same swaps: drop to the worker's log line '"
                + PROVIDER_AVAILABLE + "' (ms resolution), deletion to '" + PROVIDER_GONE + "'");
        notes.add("deploy/ is watched by Felix FileInstall with felix.fileinstall.poll = " + pollMillis + " ms (the "
                + "distribution's conf/framework.properties). FileInstall installs a new file only when two "
                + "consecutive scans see it unchanged, so a drop waits 1 to 2 poll periods before the bundle is even "
                + "installed: the drop figure is bounded below by about " + pollMillis + " ms; a deletion is seen at "
                + "the next scan (0 to 1 period)");
        notes.add("Pulsar's worker has no equivalent of the hot swap: it builds its authentication providers from "
                + "functions_worker.yml once, at start-up (a change means a restart: see the startup benchmark)");
        for (Worker w : workers) {
            notes.add(w.label + ": `" + w.launcher.describe() + "`");
        }
        return notes;
    }
}
