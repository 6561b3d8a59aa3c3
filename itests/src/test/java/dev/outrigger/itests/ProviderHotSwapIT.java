package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.functions.FunctionService;
import dev.outrigger.api.lifecycle.Lifecycle;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.security.AccessControl;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.itests.provider.HeaderAuthenticationProvider;
import dev.outrigger.launcher.FeatureBundle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.condition.Condition;

/**
 * The hot swap in one framework, with the OSGi API itself: the whole worker in Felix (the distribution's bundles)
 * against the shared open Pulsar cluster, its own admin API secured with tokens, and a third party's authentication
 * provider bundle installed, updated and uninstalled through {@link BundleContext} while a thread sends a steady
 * stream of token-authenticated requests. Each step changes what the provider's requests get within seconds; not one
 * token request fails; the worker's services are the same objects throughout (nothing restarted).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProviderHotSwapIT {

    private static final String ADMIN_URL_PROPERTY = "outrigger.itest.hotswap.adminUrl";
    private static final String TOKEN_KEY_PROPERTY = "outrigger.itest.hotswap.tokenKey";
    private static final String TOKEN_PROVIDER = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
    /** The role of the token stream: a superuser, so its requests answer 200. */
    private static final String TOKEN_ROLE = "hot-swap-admin";
    private static final String NOT_AUTHORIZED = "{\"reason\":\"Client is not authorized to perform operation\"}";
    private static final String AUTHENTICATION_REQUIRED = "{\"reason\":\"Authentication required\"}";
    private static final String CLUSTER_PATH = "/admin/v2/worker/cluster";
    private static final Duration SWAP_WAIT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    @Filter(value = "(osgi.condition.id=" + ClusterService.INITIALIZED_CONDITION + ")", timeout = 120_000)
    private Condition initialized;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Configuration
    public Option[] configuration() throws IOException {
        // The worker's token key, made here: the test signs its tokens with it (the open cluster has none).
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String encodedKey = Base64.getEncoder().encodeToString(key);
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        WorkerConfig worker = WorkerConfig.forCluster(pulsar, "paxexam-hotswap",
                        "public/paxexam-hotswap-" + UUID.randomUUID().toString().substring(0, 8))
                .set("authenticationEnabled", true)
                .set("authenticationProviders", List.of(TOKEN_PROVIDER, HeaderAuthenticationProvider.CLASS_NAME))
                .set("authorizationEnabled", true)
                .set("superUserRoles", List.of(TOKEN_ROLE, "alice-v2"))
                .property("tokenSecretKey", "data:;base64," + encodedKey);
        return PaxExamWorker.options("paxexam-hotswap", worker,
                systemProperty(ADMIN_URL_PROPERTY).value(worker.adminUrl()),
                systemProperty(TOKEN_KEY_PROPERTY).value(encodedKey));
    }

    /**
     * The token key is in ConfigAdmin (where the configuration bundle put it) and nowhere a service shows it: no
     * service property of any bundle, the providers' and Felix HTTP's included, holds it.
     */
    @Test
    public void noServicePropertyHoldsTheTokenKey() throws Exception {
        String key = System.getProperty(TOKEN_KEY_PROPERTY);
        ServiceReference<?>[] services = context.getAllServiceReferences(null, null);
        assertTrue("no services?", services != null && services.length > 50);
        for (ServiceReference<?> service : services) {
            for (String name : service.getPropertyKeys()) {
                Object value = service.getProperty(name);
                String text = value instanceof Object[] array ? java.util.Arrays.deepToString(array)
                        : String.valueOf(value);
                assertFalse("service " + service.getProperty(Constants.OBJECTCLASS) + " property " + name
                        + " holds the token key", text.contains(key));
            }
        }
    }

    @Test
    public void aProviderBundleIsInstalledUpdatedAndUninstalledWhileTokenRequestsFlow() throws Exception {
        String token = hs256(Base64.getDecoder().decode(System.getProperty(TOKEN_KEY_PROPERTY)), TOKEN_ROLE);
        HttpRequest tokenRequest = HttpRequest.newBuilder(adminUri())
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> http.send(tokenRequest, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        // Named in the configuration, no bundle serves it yet: its method is refused, not let through.
        assertEquals(AUTHENTICATION_REQUIRED, asAlice().body());

        Map<Class<?>, Held> before = holdWorkerServices();
        TokenStream stream = new TokenStream(tokenRequest);
        Bundle provider = null;
        try {
            stream.start();
            stream.awaitMore(5);

            // Installed once (a provider the configuration names is expected at start-up; see StartupCheck).
            long installed = System.nanoTime();
            provider = context.installBundle("example:" + ExampleProviderBundle.SYMBOLIC_NAME,
                    new ByteArrayInputStream(ExampleProviderBundle.jar("1.0.0", "")));
            provider.start();
            await().atMost(SWAP_WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> NOT_AUTHORIZED.equals(asAlice().body())); // authenticated as alice, no superuser
            long authenticated = System.nanoTime();
            stream.awaitMore(5);

            long updated = System.nanoTime();
            provider.update(new ByteArrayInputStream(ExampleProviderBundle.jar("2.0.0", "-v2")));
            assertEquals(Version.parseVersion("2.0.0"), provider.getVersion());
            assertEquals(Bundle.ACTIVE, provider.getState());
            await().atMost(SWAP_WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> asAlice().statusCode() == 200); // now alice-v2, a superuser
            long answeredByV2 = System.nanoTime();
            stream.awaitMore(5);

            long uninstalled = System.nanoTime();
            provider.uninstall();
            provider = null;
            await().atMost(SWAP_WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> AUTHENTICATION_REQUIRED.equals(asAlice().body()));
            long refused = System.nanoTime();
            stream.awaitMore(5);
            System.out.printf("hot swap in Pax Exam: installed to first authenticated request %d ms, updated to the "
                    + "new version answering %d ms, uninstalled to refused %d ms%n", millis(installed, authenticated),
                    millis(updated, answeredByV2), millis(uninstalled, refused));
        } finally {
            stream.stop();
            if (provider != null) {
                provider.uninstall();
            }
        }
        System.out.printf("hot swap in Pax Exam: %d token requests, %d failed%n", stream.sent.get(),
                stream.failed.get());
        assertTrue("too few requests to prove anything: " + stream.sent.get(), stream.sent.get() > 20);
        assertEquals(stream.failed.get() + " of " + stream.sent.get() + " token requests failed, first: "
                + stream.firstFailure.get(), 0, stream.failed.get());

        Map<Class<?>, Held> after = holdWorkerServices();
        try {
            for (Map.Entry<Class<?>, Held> entry : before.entrySet()) {
                Held was = entry.getValue();
                Held is = after.get(entry.getKey());
                String name = entry.getKey().getSimpleName();
                assertEquals(name + " was registered anew", was.serviceId(), is.serviceId());
                assertSame(name + " is another object", was.service(), is.service());
            }
        } finally {
            release(before);
            release(after);
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private URI adminUri() {
        return URI.create(System.getProperty(ADMIN_URL_PROPERTY) + CLUSTER_PATH);
    }

    private HttpResponse<String> asAlice() throws Exception {
        return http.send(HttpRequest.newBuilder(adminUri()).header("X-Example-Role", "alice")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A service and its registration, held (so a delayed component stays as it is) until released. */
    private record Held(ServiceReference<?> reference, Object serviceId, Object service) {}

    /** The worker's central services: a restarted component would come back as another registration and object. */
    private Map<Class<?>, Held> holdWorkerServices() {
        Map<Class<?>, Held> held = new LinkedHashMap<>();
        for (Class<?> type : List.of(AccessControl.class, ClusterService.class, FunctionService.class,
                FunctionMetadataStore.class)) {
            ServiceReference<?> reference = context.getServiceReference(type.getName());
            assertNotNull(type.getSimpleName() + " is not registered", reference);
            Object service = context.getService(reference);
            assertNotNull(type.getSimpleName() + " is gone", service);
            held.put(type, new Held(reference, reference.getProperty(Constants.SERVICE_ID), service));
        }
        return held;
    }

    private void release(Map<Class<?>, Held> held) {
        held.values().forEach(entry -> context.ungetService(entry.reference()));
    }

    /** An HS256 token for {@code role} (Pulsar's {@code sub} claim), signed with the JDK's Mac. */
    private static String hs256(byte[] key, String role) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = url.encodeToString(("{\"sub\":\"" + role + "\"}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature = url.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.UTF_8)));
        return header + "." + payload + "." + signature;
    }

    /** Token requests, one after another, until stopped; anything but 200 counts as a failure. */
    private final class TokenStream {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        private final AtomicBoolean streaming = new AtomicBoolean(true);
        private final Thread thread;

        TokenStream(HttpRequest request) {
            thread = new Thread(() -> {
                while (streaming.get()) {
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            fail(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException e) {
                        fail(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                    sent.incrementAndGet();
                }
            }, "token-stream");
            thread.setDaemon(true);
        }

        private void fail(String what) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, what);
        }

        void start() {
            thread.start();
        }

        /** Waits until the stream answered {@code count} more requests: it flowed across the step just taken. */
        void awaitMore(int count) {
            int target = sent.get() + count;
            await().atMost(SWAP_WAIT).until(() -> sent.get() >= target || !thread.isAlive());
        }

        void stop() throws InterruptedException {
            streaming.set(false);
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }
}
