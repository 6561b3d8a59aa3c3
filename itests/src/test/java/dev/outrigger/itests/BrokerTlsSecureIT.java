package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.SharedPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.Test;

/**
 * A worker that reaches the brokers over TLS only ({@code pulsar+ssl://}, {@code https://}, the broker's CA in
 * {@code brokerClientTrustCertsFilePath}, host names verified) and with a token: it joins, stores and runs a function
 * whose records travel over TLS.
 */
class BrokerTlsSecureIT {

    @Test
    void aWorkerReachesTheBrokersOverTlsAndRunsAFunction() throws Exception {
        LocalPulsarCluster pulsar = SharedPulsarCluster.get();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String userNamespace = "broker-tls-" + suffix;
        String trust = pulsar.brokerTrustCertsFile().toString();
        try (PulsarAdmin broker = PulsarAdmin.builder().serviceHttpUrl(pulsar.webServiceUrlTls())
                .tlsTrustCertsFilePath(trust).authentication(AuthenticationFactory.token(pulsar.adminToken()))
                .build()) {
            broker.namespaces().createNamespace("public/" + userNamespace);
        }
        WorkerConfig config = WorkerConfig.secureForCluster(pulsar, "broker-tls", "public/broker-tls-w-" + suffix)
                .set("pulsarServiceUrl", pulsar.brokerServiceUrlTls())
                .set("pulsarWebServiceUrl", pulsar.webServiceUrlTls())
                .set("brokerClientTrustCertsFilePath", trust)
                .set("tlsEnableHostnameVerification", true);
        Path examplesJar = TestClasspath.jar("/org/apache/pulsar/pulsar-functions-api-examples/");
        try (WorkerProcess worker = Workers.start("broker-tls", config)) {
            Workers.awaitReady(worker, config, pulsar.adminToken());
            FunctionConfig function = ExampleFunctions.exclamation(userNamespace, "excl");
            try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(config.adminUrl())
                    .authentication(AuthenticationFactory.token(pulsar.adminToken())).build();
                    PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.brokerServiceUrlTls())
                            .tlsTrustCertsFilePath(trust)
                            .authentication(AuthenticationFactory.token(pulsar.adminToken())).build();
                    Consumer<String> output = client.newConsumer(Schema.STRING).topic(function.getOutput())
                            .subscriptionName("check").subscribe();
                    Producer<String> input = client.newProducer(Schema.STRING)
                            .topic(function.getInputs().iterator().next()).create()) {
                admin.functions().createFunction(function, examplesJar.toString());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> admin.functions().getFunctionStatus("public", userNamespace, "excl")
                                .getNumRunning() == 1);
                input.send("over tls");
                Message<String> result = output.receive(60, TimeUnit.SECONDS);
                assertNotNull(result, worker::log);
                assertEquals("over tls!", result.getValue());
            }
        }
    }
}
