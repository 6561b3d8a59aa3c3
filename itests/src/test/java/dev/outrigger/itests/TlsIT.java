package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.LoopbackCertificate;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.Test;

/**
 * The admin API over TLS only ({@code workerPort: null}), from Pulsar's PEM keys: the real PulsarAdmin trusting the
 * certificate, two workers forwarding to each other over https, and a certificate replaced on disk served without
 * restarting the worker ({@code tlsCertRefreshCheckDurationSec}).
 */
class TlsIT {

    private static WorkerConfig tlsWorker(LocalPulsarCluster pulsar, String id, String namespace,
            LoopbackCertificate pem, int tlsPort) {
        return WorkerConfig.forCluster(pulsar, id, namespace)
                .set("workerPort", null)
                .set("tlsEnabled", true)
                .set("workerPortTls", tlsPort)
                .set("tlsCertificateFilePath", pem.certificate().toString())
                .set("tlsKeyFilePath", pem.key().toString())
                .set("tlsTrustCertsFilePath", pem.certificate().toString())
                .set("tlsCertRefreshCheckDurationSec", 1)
                .set("additionalEnabledFunctionsUrlPatterns", List.of("file:.*pulsar-functions-api-examples.*"));
    }

    private static void awaitTlsReady(WorkerProcess worker, HttpClient https, int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/admin/v2/worker/cluster")).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!worker.isAlive()) {
                throw new AssertionError("The worker exited before it was ready:\n" + worker.log());
            }
            try {
                return https.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void workersServeTlsOnlyTalkToEachOtherOverItAndTakeANewCertificateLive() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        Path dir = Workers.workDir("tls");
        LoopbackCertificate pem = LoopbackCertificate.create(dir.resolve("certs"), "worker-v1");
        // the files the workers are configured with, replaced later
        Path certificate = dir.resolve("worker.cert.pem");
        Path key = dir.resolve("worker.key.pem");
        Files.copy(pem.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pem.key(), key, StandardCopyOption.REPLACE_EXISTING);
        LoopbackCertificate configured = new LoopbackCertificate(certificate, key);
        String namespace = "public/tls-" + UUID.randomUUID().toString().substring(0, 8);
        int port1 = WorkerConfig.freePort();
        int port2 = WorkerConfig.freePort();
        HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.trusting(pem.certificate())).build();
        Path examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");

        try (WorkerProcess first = Workers.start("tls-1", tlsWorker(pulsar, "tls-1", namespace, configured, port1));
                WorkerProcess second = Workers.start("tls-2", tlsWorker(pulsar, "tls-2", namespace, configured,
                        port2))) {
            awaitTlsReady(first, https, port1);
            awaitTlsReady(second, https, port2);
            long pid = first.pid();

            for (int port : List.of(port1, port2)) {
                try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl("https://127.0.0.1:" + port)
                        .tlsTrustCertsFilePath(pem.certificate().toString()).build()) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> admin.worker().getCluster().size() == 2);
                    // the cluster knows the workers by their TLS ports, as Pulsar's does
                    assertEquals(List.of(port1, port2).stream().sorted().toList(), admin.worker().getCluster()
                            .stream().map(worker -> worker.getPort()).sorted().toList());
                    // a write through each worker: one of them forwards it to the leader over https
                    FunctionConfig function = ExampleFunctions.exclamation(namespace.substring("public/".length()),
                            "tls-" + port);
                    admin.functions().createFunction(function, examplesJar.toString());
                    assertEquals(ExampleFunctions.EXCLAMATION, admin.functions()
                            .getFunction("public", function.getNamespace(), function.getName()).getClassName());
                }
            }
            LoopbackCertificate renewed = LoopbackCertificate.create(dir.resolve("certs"), "worker-v2");
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> TestCertificates.servedSubject(port1).equals("CN=worker-v2"));
            assertTrue(first.isAlive(), first::log);
            assertEquals(pid, first.pid(), "the worker was not restarted");
            assertTrue(first.log().contains("the HTTPS listener now serves them"), first::log);
        }
    }

    @Test
    void clientCertificatesAuthenticateAsTheirCommonName() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        Path dir = Workers.workDir("tls-client");
        LoopbackCertificate server = LoopbackCertificate.create(dir, "worker");
        LoopbackCertificate admin = LoopbackCertificate.create(dir, "cert-admin");
        LoopbackCertificate user = LoopbackCertificate.create(dir, "cert-user");
        LoopbackCertificate stranger = LoopbackCertificate.create(dir, "cert-stranger");
        Path trusted = dir.resolve("trusted.pem");
        Files.writeString(trusted, Files.readString(server.certificate()) + Files.readString(admin.certificate())
                + Files.readString(user.certificate()));
        int port = WorkerConfig.freePort();
        WorkerConfig config = tlsWorker(pulsar, "tls-client", "public/tls-client-"
                + UUID.randomUUID().toString().substring(0, 8), server, port)
                .set("tlsTrustCertsFilePath", trusted.toString())
                .set("tlsRequireTrustedClientCertOnConnect", true)
                .set("authenticationEnabled", true)
                .set("authenticationProviders", List.of("org.apache.pulsar.broker.authentication.AuthenticationProviderTls"))
                .set("authorizationEnabled", true)
                .set("superUserRoles", List.of("cert-admin"));
        try (WorkerProcess worker = Workers.start("tls-client", config)) {
            try (PulsarAdmin asAdmin = tlsAdmin(port, server, admin)) {
                await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
                    if (!worker.isAlive()) {
                        throw new AssertionError("The worker exited:\n" + worker.log());
                    }
                    return asAdmin.worker().getCluster().size() == 1;
                });
            }
            try (PulsarAdmin asUser = tlsAdmin(port, server, user)) {
                PulsarAdminException refused = assertThrows(PulsarAdminException.class,
                        () -> asUser.worker().getCluster());
                assertEquals(401, refused.getStatusCode());
                assertEquals("Client is not authorized to perform operation", refused.getHttpError());
            }
            for (LoopbackCertificate refusedAtHandshake : new LoopbackCertificate[] {stranger, null}) {
                try (PulsarAdmin admin2 = tlsAdmin(port, server, refusedAtHandshake)) {
                    assertThrows(PulsarAdminException.class, () -> admin2.worker().getCluster());
                }
            }
        }
    }

    /**
     * Workers that need a trusted client certificate from everyone, each other included: they present their broker
     * client's {@code AuthenticationTls} certificate when one forwards a write to the leader.
     */
    @Test
    void workersThatNeedClientCertificatesPresentTheirOwnToEachOther() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        Path dir = Workers.workDir("tls-mutual");
        LoopbackCertificate server = LoopbackCertificate.create(dir, "worker");
        LoopbackCertificate workerClient = LoopbackCertificate.create(dir, "worker-client");
        LoopbackCertificate admin = LoopbackCertificate.create(dir, "cert-admin");
        Path trusted = dir.resolve("trusted.pem");
        Files.writeString(trusted, Files.readString(server.certificate())
                + Files.readString(workerClient.certificate()) + Files.readString(admin.certificate()));
        String namespace = "public/tls-mutual-" + UUID.randomUUID().toString().substring(0, 8);
        int port1 = WorkerConfig.freePort();
        int port2 = WorkerConfig.freePort();
        Path examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
        try (WorkerProcess first = Workers.start("tls-mutual-1", mutual(pulsar, "tls-mutual-1", namespace, server,
                        port1, trusted, workerClient));
                WorkerProcess second = Workers.start("tls-mutual-2", mutual(pulsar, "tls-mutual-2", namespace, server,
                        port2, trusted, workerClient))) {
            for (int port : List.of(port1, port2)) {
                WorkerProcess worker = port == port1 ? first : second;
                try (PulsarAdmin asAdmin = tlsAdmin(port, server, admin)) {
                    await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
                        if (!worker.isAlive()) {
                            throw new AssertionError("The worker exited:\n" + worker.log());
                        }
                        return asAdmin.worker().getCluster().size() == 2;
                    });
                    FunctionConfig function = ExampleFunctions.exclamation(namespace.substring("public/".length()),
                            "mutual-" + port);
                    asAdmin.functions().createFunction(function, examplesJar.toString());
                    assertEquals(ExampleFunctions.EXCLAMATION, asAdmin.functions()
                            .getFunction("public", function.getNamespace(), function.getName()).getClassName());
                }
            }
        }
    }

    private static WorkerConfig mutual(LocalPulsarCluster pulsar, String id, String namespace,
            LoopbackCertificate server, int port, Path trusted, LoopbackCertificate workerClient) {
        return tlsWorker(pulsar, id, namespace, server, port)
                .set("tlsTrustCertsFilePath", trusted.toString())
                .set("tlsRequireTrustedClientCertOnConnect", true)
                .set("authenticationEnabled", true)
                .set("authenticationProviders",
                        List.of("org.apache.pulsar.broker.authentication.AuthenticationProviderTls"))
                .set("authorizationEnabled", true)
                .set("superUserRoles", List.of("worker-client", "cert-admin"))
                .set("brokerClientAuthenticationEnabled", true)
                .set("brokerClientAuthenticationPlugin", "org.apache.pulsar.client.impl.auth.AuthenticationTls")
                .set("brokerClientAuthenticationParameters", "tlsCertFile:" + workerClient.certificate()
                        + ",tlsKeyFile:" + workerClient.key());
    }

    private static PulsarAdmin tlsAdmin(int port, LoopbackCertificate server, LoopbackCertificate client)
            throws Exception {
        var builder = PulsarAdmin.builder().serviceHttpUrl("https://127.0.0.1:" + port)
                .tlsTrustCertsFilePath(server.certificate().toString()).requestTimeout(10, TimeUnit.SECONDS);
        if (client != null) {
            builder.authentication(AuthenticationFactory.TLS(client.certificate().toString(), client.key().toString()));
        }
        return builder.build();
    }
}
