package dev.outrigger.itests;

import static dev.outrigger.itests.FuzzInputs.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import dev.outrigger.itests.FuzzHttp.Answer;
import dev.outrigger.itests.FuzzHttp.Multipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;

/**
 * Issue 11: the functions REST API fuzzed against one running worker, with jqwik: hostile function configurations
 * POSTed and PUT as multipart parts (with and without {@code data} and {@code url}), hostile path segments and methods
 * on every functions endpoint, damaged multipart bodies. Every answer must be a 2xx, or a 4xx with Pulsar's
 * {@code {"reason": "..."}}, never a 5xx nor a stack trace ({@link FuzzHttp#check} names the exceptions: Jetty's own
 * answers to malformed URIs, the state endpoints' documented 503). And nothing is half-created: around each property
 * the functions listed in the namespace, its topics and its function packages (the worker keeps them in the brokers'
 * package management here, where they can be listed) are the same, except for what 2xx answers created; a create
 * answered 4xx leaves {@code list} as it was, an update answered 4xx leaves the function as it was.
 *
 * <p>The number of cases is fixed ({@code *_TRIES}); the last line of the test's output counts them. jqwik's report
 * for each property prints its seed ({@code @Property(seed = "...")} replays it; a failed seed is also tried first on
 * the next run, from {@code target/jqwik-database}). Multipart bodies come from jqwik's seeded {@link Random}: they
 * replay by seed but are not shrunk.
 */
class RestFuzzIT {

    /** 2,000 cases in all. */
    static final int CONFIG_TRIES = 900;
    static final int PATH_TRIES = 700;
    static final int MULTIPART_TRIES = 400;

    private static final String TARGET = "fz-target";
    private static final String FUNCTIONS = "/admin/v3/functions/";
    private static final Pattern NAMED_ENTITY = Pattern.compile("[-=:.\\w]+");

    private static WorkerProcess worker;
    private static PulsarAdmin broker;
    private static FuzzHttp http;
    private static String namespace;
    private static byte[] examplesJar;
    private static String examplesJarUrl;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final AtomicInteger CONFIG_CASES = new AtomicInteger();
    private static final AtomicInteger PATH_CASES = new AtomicInteger();
    private static final AtomicInteger MULTIPART_CASES = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static long startNanos;

    /** Names that a 2xx answer created or changed: they may leave topics and packages (kept, as in Pulsar). */
    private static final Set<String> acceptedNames = new LinkedHashSet<>();
    /** The configurations 2xx answers accepted: the topics they name may exist afterwards. */
    private static final StringBuilder acceptedText = new StringBuilder();
    /** Functions a 2xx create made in the namespace, deleted after each property. */
    private static final Set<String> created = new LinkedHashSet<>();

    private Snapshot before;

    @BeforeContainer
    static void startWorker() throws Exception {
        startNanos = System.nanoTime();
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        Path jar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
        examplesJar = Files.readAllBytes(jar);
        examplesJarUrl = jar.toUri().toString();
        String id = UUID.randomUUID().toString().substring(0, 8);
        WorkerConfig config = WorkerConfig.forCluster(pulsar, "fuzz-1", "public/fuzzw-" + id)
                // packages in the brokers' package management can be listed: a half-stored package shows there
                .set("functionsWorkerEnablePackageManagement", true)
                .set("additionalEnabledFunctionsUrlPatterns", List.of("file:.*pulsar-functions-api-examples.*"));
        worker = Workers.start("fuzz-1", config);
        Workers.awaitReady(worker, config);
        http = new FuzzHttp(config.adminUrl());
        namespace = "fuzz-" + id;
        broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrl()).build();
        broker.namespaces().createNamespace("public/" + namespace);
        ensureTarget();
    }

    @AfterContainer
    static void stopWorker() {
        int total = CONFIG_CASES.get() + PATH_CASES.get() + MULTIPART_CASES.get();
        System.out.printf("RestFuzzIT: %d cases tried (function configs %d/%d, paths %d/%d, multipart bodies %d/%d),"
                        + " %d answered 2xx, %d answered by Jetty itself (malformed URIs), in %.1f s%n", total,
                CONFIG_CASES.get(), CONFIG_TRIES, PATH_CASES.get(), PATH_TRIES, MULTIPART_CASES.get(), MULTIPART_TRIES,
                ACCEPTED.get(), FuzzHttp.JETTY_ANSWERS.get(), (System.nanoTime() - startNanos) / 1e9);
        if (broker != null) {
            broker.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @BeforeProperty
    void snapshotBefore() throws Exception {
        ensureTarget();
        before = Snapshot.take();
    }

    /** What 2xx answers created is deleted; then the namespace must be as it was. */
    @AfterProperty
    void nothingHalfCreated() throws Exception {
        for (String name : List.copyOf(created)) {
            Answer deleted = http.send("DELETE", FUNCTIONS + "public/" + namespace + "/" + encode(name), null, null);
            assertTrue(deleted.status() == 204 || deleted.status() == 200 || deleted.status() == 404,
                    "cleaning up: " + deleted);
            created.remove(name);
        }
        ensureTarget();
        Snapshot after = Snapshot.take();
        assertEquals(before.functions(), after.functions(), "functions listed in the namespace");

        Set<String> newTopics = new TreeSet<>(after.topics());
        newTopics.removeAll(before.topics());
        newTopics.removeIf(RestFuzzIT::namedByAcceptedConfig);
        assertEquals(Set.of(), newTopics, "topics no 2xx answer created");
        Set<String> goneTopics = new TreeSet<>(before.topics());
        goneTopics.removeAll(after.topics());
        assertEquals(Set.of(), goneTopics, "topics that went away");

        Set<String> changedPackages = new TreeSet<>(after.packages());
        changedPackages.removeAll(before.packages());
        Set<String> gonePackages = new TreeSet<>(before.packages());
        gonePackages.removeAll(after.packages());
        changedPackages.addAll(gonePackages);
        changedPackages.removeIf(p -> acceptedNames.contains(p.replaceAll("^.*/([^/@]*)@.*$", "$1")));
        assertEquals(Set.of(), changedPackages, "packages no 2xx answer created or replaced");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. function configurations, POSTed (create) and PUT (update), with and without data and url parts

    record ConfigCase(boolean update, String config, String configType, int dataKind, byte[] randomData,
            String url) {
        @Override
        public String toString() {
            String shown = config == null ? "(no functionConfig part)"
                    : config.length() > 400 ? config.substring(0, 400) + "...(" + config.length() + " chars)" : config;
            return (update ? "PUT " : "POST ") + shown + " as " + configType + ", data " + dataKind + " ("
                    + randomData.length + " random bytes), url " + url;
        }
    }

    @Provide
    Arbitrary<ConfigCase> configCases() {
        Arbitrary<String> url = Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just((String) null)),
                Tuple.of(2, Arbitraries.just(examplesJarUrl)),
                Tuple.of(4, Arbitraries.oneOf(
                        Arbitraries.of("", " ", "http://127.0.0.1:1/x.jar", "https://127.0.0.1:1/x.jar",
                                "file:/etc/passwd", "file:///nonexistent/pulsar-functions-api-examples.jar",
                                "function://public/" + namespace + "/nosuch@1", "function://nosuch",
                                "function://public/" + namespace + "/" + TARGET + "@0", "bookkeeper://1/2",
                                "sink://public/" + namespace + "/x@1", "ftp://127.0.0.1:1/x.jar", "garbage", "://",
                                examplesJarUrl + "x", examplesJarUrl.replace("file:", "file://")),
                        FuzzInputs.hostileString())));
        return Combinators.combine(
                        Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))),
                        Arbitraries.frequencyOf(Tuple.of(19, FuzzInputs.functionConfig(namespace)),
                                Tuple.of(1, Arbitraries.just((String) null))),
                        Arbitraries.of("application/json", "text/plain", "application/octet-stream", "none"),
                        // 0 no data part, 1 the examples jar, 2 random bytes, 3 empty, 4 the jar cut short
                        Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(0)), Tuple.of(9, Arbitraries.just(1)),
                                Tuple.of(4, Arbitraries.just(2)), Tuple.of(1, Arbitraries.just(3)),
                                Tuple.of(1, Arbitraries.just(4))),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
                        url)
                .as(ConfigCase::new);
    }

    @Property(tries = CONFIG_TRIES)
    void functionConfigs(@ForAll("configCases") ConfigCase c) throws Exception {
        CONFIG_CASES.incrementAndGet();
        String name = c.update() ? TARGET : "fz-c" + SEQUENCE.incrementAndGet();
        if (c.update()) {
            ensureTarget();
        }
        Multipart body = new Multipart("fz" + UUID.randomUUID());
        String config = c.config() == null ? null : c.config().replace(FuzzInputs.NAME, name);
        if (config != null) {
            body.part("form-data; name=\"functionConfig\"", c.configType().equals("none") ? null : c.configType(),
                    config.getBytes(StandardCharsets.UTF_8));
        }
        switch (c.dataKind()) {
            case 1 -> body.file("data", "examples.jar", examplesJar);
            case 2 -> body.file("data", "random.jar", c.randomData());
            case 3 -> body.file("data", "empty.jar", new byte[0]);
            case 4 -> body.file("data", "cut.jar", Arrays.copyOf(examplesJar, c.randomData().length % examplesJar.length));
            default -> { }
        }
        if (c.url() != null) {
            body.field("url", c.url());
        }
        String path = FUNCTIONS + "public/" + namespace + "/" + name;
        Set<String> listedBefore = list("public", namespace);
        Answer targetBefore = c.update() ? http.get(path) : null;
        Answer answer = http.send(c.update() ? "PUT" : "POST", path, body.contentType(), body.close());
        FuzzHttp.check(answer, false);
        if (success(answer)) {
            accepted(name, config, c.url());
            return;
        }
        assertEquals(listedBefore, list("public", namespace), "a refused request changed the list: " + answer);
        if (c.update()) {
            // a refused update leaves the function as it was
            assertEquals(targetBefore.body(), http.get(path).body(), "a refused update changed " + name + ": " + answer);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. path segments and methods on every functions endpoint

    record PathCase(String method, String form, String tenant, String ns, String name, String instance, String key,
            int bodyKind, String data) {
        String path() {
            return FUNCTIONS.substring(0, FUNCTIONS.length() - 1) + form.replace("{t}", tenant).replace("{ns}", ns)
                    .replace("{n}", name).replace("{i}", instance).replace("{k}", key);
        }

        @Override
        public String toString() {
            String p = path();
            return method + " " + (p.length() > 400 ? p.substring(0, 400) + "...(" + p.length() + ")" : p)
                    + " body " + bodyKind;
        }
    }

    /** Each endpoint form with the method it has; the others are tried too. */
    private static final String[][] FORMS = {
        {"GET", "/{t}/{ns}"}, {"GET", "/{t}/{ns}/{n}"}, {"DELETE", "/{t}/{ns}/{n}"}, {"POST", "/{t}/{ns}/{n}"},
        {"PUT", "/{t}/{ns}/{n}"}, {"GET", "/{t}/{ns}/{n}/status"}, {"GET", "/{t}/{ns}/{n}/stats"},
        {"GET", "/{t}/{ns}/{n}/{i}/status"}, {"GET", "/{t}/{ns}/{n}/{i}/stats"}, {"POST", "/{t}/{ns}/{n}/stop"},
        {"POST", "/{t}/{ns}/{n}/start"}, {"POST", "/{t}/{ns}/{n}/restart"}, {"POST", "/{t}/{ns}/{n}/{i}/stop"},
        {"POST", "/{t}/{ns}/{n}/{i}/start"}, {"POST", "/{t}/{ns}/{n}/{i}/restart"}, {"POST", "/{t}/{ns}/{n}/trigger"},
        {"GET", "/{t}/{ns}/{n}/state/{k}"}, {"POST", "/{t}/{ns}/{n}/state/{k}"}, {"GET", "/{t}/{ns}/{n}/download"},
        {"GET", "/download?path={k}"}, {"GET", "/{t}"}, {"GET", ""}, {"GET", "/{t}/{ns}/{n}/{i}/{k}"},
        {"GET", "/{t}/{ns}/{n}/{k}"}};

    @Provide
    Arbitrary<PathCase> pathCases() {
        Arbitrary<String[]> form = Arbitraries.of(FORMS);
        Arbitrary<String> otherMethod = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
        Arbitrary<String> tenant = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("public")),
                Tuple.of(1, FuzzInputs.hostileSegment()));
        Arbitrary<String> ns = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(namespace)),
                Tuple.of(1, FuzzInputs.hostileSegment()));
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(TARGET)),
                Tuple.of(1, Arbitraries.just("fz-p")), Tuple.of(2, FuzzInputs.hostileSegment()));
        Arbitrary<String> instance = Arbitraries.oneOf(Arbitraries.of("0", "1", "-1", "2147483648", "abc", "0x1",
                "%201", "%D9%A1", "+1", "00", "1.0", "99999999999999999999"), FuzzInputs.hostileSegment());
        return Combinators.combine(form, Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just((String) null)),
                                Tuple.of(1, otherMethod)),
                        tenant, ns, name, instance, FuzzInputs.hostileSegment(),
                        Arbitraries.integers().between(0, 3))
                .as((f, method, t, n, fn, i, k, bodyKind) -> new PathCase(method == null ? f[0] : method, f[1], t, n,
                        fn, i, k, bodyKind, null))
                .flatMap(c -> FuzzInputs.hostileString().map(data -> new PathCase(c.method(), c.form(), c.tenant(),
                        c.ns(), c.name(), c.instance(), c.key(), c.bodyKind(), data)));
    }

    @Property(tries = PATH_TRIES)
    void pathSegments(@ForAll("pathCases") PathCase c) throws Exception {
        PATH_CASES.incrementAndGet();
        // a trigger waits up to 30 s for a result a stopped function never gives: names that exist are left out
        String name = c.form().endsWith("/trigger") && c.name().equals(TARGET) ? "fz-p" : c.name();
        if (name.equals("fz-p")) {
            name = "fz-p" + SEQUENCE.incrementAndGet();
        }
        PathCase p = new PathCase(c.method(), c.form(), c.tenant(), c.ns(), name, c.instance(), c.key(),
                c.bodyKind(), c.data());
        String contentType = null;
        byte[] body = null;
        boolean registerLike = p.form().equals("/{t}/{ns}/{n}") && (p.method().equals("POST") || p.method().equals("PUT"));
        if (registerLike) {
            Multipart multipart = new Multipart("fz" + UUID.randomUUID());
            multipart.json("functionConfig", exclamation(decoded(p.tenant()), decoded(p.ns()), decoded(p.name())));
            if (p.bodyKind() == 1) {
                multipart.file("data", "examples.jar", examplesJar);
            } else if (p.bodyKind() == 2) {
                multipart.file("data", "random.jar", p.data().getBytes(StandardCharsets.UTF_8));
            }
            contentType = multipart.contentType();
            body = multipart.close();
        } else if (p.form().endsWith("/trigger")) {
            Multipart multipart = new Multipart("fz" + UUID.randomUUID());
            if (p.bodyKind() != 0) {
                multipart.field("data", p.data());
            }
            if (p.bodyKind() == 2) {
                multipart.field("topic", p.data());
            }
            contentType = multipart.contentType();
            body = multipart.close();
        } else if (p.bodyKind() == 3 && !p.method().equals("GET") && !p.method().equals("HEAD")) {
            contentType = "application/json";
            body = p.data().getBytes(StandardCharsets.UTF_8);
        }
        boolean listable = NAMED_ENTITY.matcher(decoded(p.tenant())).matches()
                && NAMED_ENTITY.matcher(decoded(p.ns())).matches();
        Set<String> listedBefore = registerLike && listable ? list(p.tenant(), p.ns()) : null;
        Answer answer = http.send(p.method(), p.path(), contentType, body);
        FuzzHttp.check(answer, p.form().contains("download"));
        if (success(answer)) {
            if (registerLike || p.method().equals("DELETE")) {
                assertEquals("public/" + namespace, decoded(p.tenant()) + "/" + decoded(p.ns()),
                        "a 2xx create or delete outside the test's namespace: " + answer);
                accepted(decoded(p.name()), null, null);
            }
            return;
        }
        if (listedBefore != null) {
            assertEquals(listedBefore, list(p.tenant(), p.ns()), "a refused request changed the list: " + answer);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. multipart bodies: missing or wrong boundaries, wrong content types, truncated, duplicated parts, garbage

    record MultipartCase(int endpoint, String contentType, byte[] body, String description) {
        @Override
        public String toString() {
            return "endpoint " + endpoint + ", Content-Type " + contentType + ", " + body.length + " bytes: "
                    + description;
        }
    }

    @Provide
    Arbitrary<MultipartCase> multipartCases() {
        return Arbitraries.randomValue(RestFuzzIT::multipartCase);
    }

    @Property(tries = MULTIPART_TRIES)
    void multipartBodies(@ForAll("multipartCases") MultipartCase c) throws Exception {
        MULTIPART_CASES.incrementAndGet();
        String name = c.endpoint() == 1 ? TARGET : "fz-m" + SEQUENCE.incrementAndGet();
        if (c.endpoint() == 1) {
            ensureTarget();
        }
        String path = FUNCTIONS + "public/" + namespace + "/" + name + (c.endpoint() == 2 ? "/trigger" : "");
        String method = c.endpoint() == 1 ? "PUT" : "POST";
        byte[] body = new String(c.body(), StandardCharsets.ISO_8859_1).replace(FuzzInputs.NAME, name)
                .getBytes(StandardCharsets.ISO_8859_1);
        Set<String> listedBefore = list("public", namespace);
        Answer targetBefore = c.endpoint() == 1 ? http.get(path) : null;
        Answer answer = http.send(method, path, c.contentType(), body);
        FuzzHttp.check(answer, false);
        if (success(answer)) {
            if (c.endpoint() != 2) {
                accepted(name, new String(body, StandardCharsets.UTF_8), null);
            }
            return;
        }
        assertEquals(listedBefore, list("public", namespace), "a refused request changed the list: " + answer);
        if (targetBefore != null) {
            assertEquals(targetBefore.body(), http.get(path).body(), "a refused update changed " + name + ": " + answer);
        }
    }

    /** One damaged multipart request, from the random source jqwik seeds (printed in its report). */
    static MultipartCase multipartCase(Random random) {
        String boundary = pick(random, "fzb" + random.nextInt(1000), "-", "a b", "\"quoted\"", "x".repeat(71),
                "x".repeat(300), "\u00e9t\u00e9", "fz;b=1");
        String good = exclamation("public", namespace, FuzzInputs.NAME);
        Multipart multipart = new Multipart(boundary);
        List<String> parts = new ArrayList<>();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            parts.add(String.valueOf(kind));
            switch (kind) {
                case 0 -> multipart.json("functionConfig", good);
                case 1 -> multipart.json("functionConfig", random.nextBoolean() ? "{" : "{\"parallelism\":-1}");
                case 2 -> multipart.file("data", "examples.jar", examplesJar);
                case 3 -> multipart.file("data", "r.jar", randomBytes(random, random.nextInt(2000)));
                case 4 -> multipart.field("url", pick(random, examplesJarUrl, "http://127.0.0.1:1/x", "", "%%%"));
                case 5 -> multipart.part(null, "application/json", good.getBytes(StandardCharsets.UTF_8));
                case 6 -> multipart.part("form-data", null, randomBytes(random, 50));
                case 7 -> multipart.part(pick(random, "attachment; name=\"functionConfig\"",
                        "form-data; name=functionConfig; filename*=UTF-8''%E2%82%AC",
                        "form-data; name=\"data\"; filename=\"" + "f".repeat(5000) + "\"",
                        "form-data; name=\"functionConfig\"\r\nContent-Transfer-Encoding: base64",
                        "form-data; name=\"\u00e9\"", "form-data; name=\"functionConfig\"; charset=EBCDIC"),
                        pick(random, null, "application/json; charset=EBCDIC", "text/plain; charset=UTF-16",
                                "multipart/mixed; boundary=inner", "x/y/z", ";"),
                        good.getBytes(StandardCharsets.UTF_8));
                case 8 -> multipart.field(pick(random, "data", "dataStream", "topic", "updateOptions"),
                        random.nextBoolean() ? "{\"updateAuthData\":true}" : "x");
                default -> multipart.part("form-data; name=\"functionConfig\"", "application/json",
                        randomBytes(random, random.nextInt(500)));
            }
        }
        byte[] body = random.nextInt(4) == 0 ? multipart.open() : multipart.close();
        String damage = pick(random, "none", "none", "none", "truncate", "lf", "garbage", "empty", "prefix");
        switch (damage) {
            case "truncate" -> body = Arrays.copyOf(body, body.length == 0 ? 0 : random.nextInt(body.length));
            case "lf" -> body = new String(body, StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            case "garbage" -> body = randomBytes(random, random.nextInt(5000));
            case "empty" -> body = new byte[0];
            case "prefix" -> {
                byte[] prefixed = new byte[body.length + 20];
                System.arraycopy(randomBytes(random, 20), 0, prefixed, 0, 20);
                System.arraycopy(body, 0, prefixed, 20, body.length);
                body = prefixed;
            }
            default -> { }
        }
        String contentType = pick(random, multipart.contentType(), multipart.contentType(), multipart.contentType(),
                "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=other",
                "multipart/form-data; boundary=\"" + boundary + "\"", "multipart/mixed; boundary=" + boundary,
                "application/json", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream",
                null, "///", "multipart/form-data; boundary=" + boundary + "; charset=nonsense", "*/*",
                "multipart/form-data; boundary=" + boundary + "; boundary=second");
        if (contentType != null && contentType.chars().anyMatch(ch -> ch > 126)) {
            contentType = "multipart/form-data; boundary=" + encode(boundary); // the HTTP client sends ASCII only
        }
        return new MultipartCase(random.nextInt(3), contentType, body,
                "parts " + parts + ", boundary " + boundary + ", damage " + damage);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Functions listed, topics and function packages of the test's namespace. */
    record Snapshot(Set<String> functions, Set<String> topics, Set<String> packages) {
        static Snapshot take() throws Exception {
            Set<String> packages = new TreeSet<>();
            for (String listed : broker.packages().listPackages("function", "public/" + namespace)) {
                // listed by bare name; the versions want the whole one
                String name = listed.contains("://") ? listed : "function://public/" + namespace + "/" + listed;
                try {
                    broker.packages().listPackageVersions(name).forEach(v -> packages.add(name + "@" + v));
                } catch (PulsarAdminException.NotFoundException e) {
                    packages.add(name); // a name without versions
                }
            }
            return new Snapshot(list("public", namespace),
                    new TreeSet<>(broker.topics().getList("public/" + namespace)), packages);
        }
    }

    private static Set<String> list(String rawTenant, String rawNamespace) throws Exception {
        Answer answer = http.get(FUNCTIONS + rawTenant + "/" + rawNamespace);
        FuzzHttp.check(answer, false);
        if (answer.status() != 200) {
            return Set.of("(answered " + answer.status() + ")");
        }
        Set<String> names = new TreeSet<>();
        FuzzHttp.JSON.readTree(answer.body()).forEach(node -> names.add(node.asText()));
        return names;
    }

    private static boolean success(Answer answer) {
        return answer.status() >= 200 && answer.status() < 300;
    }

    private static void accepted(String name, String config, String url) {
        ACCEPTED.incrementAndGet();
        acceptedNames.add(name);
        // as sent: UTF-8 turns a lone surrogate into '?', and the worker names the topic with that
        String sent = new String((name + '\n' + config + '\n' + url + '\n').getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8);
        acceptedText.append(sent);
        if (!name.equals(TARGET)) {
            created.add(name);
        }
    }

    /** A topic a 2xx-accepted configuration names (or its partition, retry or dead-letter topic). */
    private static boolean namedByAcceptedConfig(String topic) {
        String local = topic.substring(topic.lastIndexOf('/') + 1).replaceAll("-partition-\\d+$", "")
                .replaceAll("-(DLQ|RETRY)$", "");
        String text = acceptedText.toString();
        for (int dash = local.length(); dash > 0; dash = local.lastIndexOf('-', dash - 1)) {
            if (text.contains(local.substring(0, dash))) {
                return true;
            }
        }
        return false;
    }

    /** The function the updates aim at; created again if a fuzzed DELETE removed it. */
    private static void ensureTarget() throws Exception {
        String path = FUNCTIONS + "public/" + namespace + "/" + TARGET;
        if (http.get(path).status() == 200) {
            return;
        }
        // Package management keeps a deleted function's package (as Pulsar): its @0 would be in the way
        String packageName = "function://public/" + namespace + "/" + TARGET;
        if (broker.packages().listPackages("function", "public/" + namespace).stream()
                .anyMatch(listed -> listed.equals(TARGET) || listed.equals(packageName))) {
            for (String version : broker.packages().listPackageVersions(packageName)) {
                broker.packages().delete(packageName + "@" + version);
            }
        }
        Multipart body = new Multipart("fz-target")
                .json("functionConfig", exclamation("public", namespace, TARGET))
                .file("data", "examples.jar", examplesJar);
        Answer answer = http.send("POST", path, body.contentType(), body.close());
        assertTrue(success(answer), "creating " + TARGET + ": " + answer);
        accepted(TARGET, exclamation("public", namespace, TARGET), null);
    }

    private static String exclamation(String tenant, String ns, String name) {
        String topics = "persistent://" + tenant + "/" + ns + "/" + name;
        return "{\"tenant\":" + FuzzInputs.quote(tenant) + ",\"namespace\":" + FuzzInputs.quote(ns) + ",\"name\":"
                + FuzzInputs.quote(name) + ",\"className\":\"" + ExampleFunctions.EXCLAMATION + "\",\"inputs\":["
                + FuzzInputs.quote(topics + "-in") + "],\"output\":" + FuzzInputs.quote(topics + "-out")
                + ",\"runtime\":\"JAVA\"}";
    }

    /** A raw path segment as the server decodes it (bytes that are not UTF-8 become U+FFFD). */
    private static String decoded(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '%' && i + 2 < raw.length()) {
                try {
                    bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (RuntimeException e) {
                    // not an escape: kept as it is
                }
            }
            bytes.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
