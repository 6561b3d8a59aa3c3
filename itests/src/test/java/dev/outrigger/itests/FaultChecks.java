package dev.outrigger.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.devcluster.LocalPulsarCluster;
import dev.outrigger.devcluster.WorkerConfig;
import dev.outrigger.devcluster.WorkerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.common.functions.FunctionConfig;

/** What the tests of faults from outside (issue 11) check again and again: answers an operator can act on, outputs. */
final class FaultChecks {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOUNDARY = "outrigger-faults-boundary";
    /** A stack frame ({@code at a.b.C.m(C.java:1)}) or a cause chain: what an answer to a client must never carry. */
    private static final Pattern STACK_TRACE =
            Pattern.compile("(?m)(^\\s*at [\\w.$/]+\\(|Caused by: |\\.java:\\d+\\))");

    private FaultChecks() {}

    /** A work directory of its own under target/, for a cluster this test class restarts. */
    static Path clusterDir(String name) {
        return Path.of(System.getProperty("outrigger.devcluster.dir", "target"))
                .resolve(name + "-" + ProcessHandle.current().pid());
    }

    /** Stops the cluster and drops its data (kept across its restarts, not across test runs). */
    /** Closes the clients and workers of a fault test, then its cluster (and deletes its data). */
    static void closeAll(LocalPulsarCluster cluster, Path dir, AutoCloseable... closeables) throws Exception {
        for (AutoCloseable closeable : closeables) {
            if (closeable != null) {
                closeable.close();
            }
        }
        closeCluster(cluster, dir);
    }

    /**
     * ExclamationFunction under ATLEAST_ONCE, reading from the first input on whenever its consumer gets subscribed:
     * nothing is lost to that race, so a test can count every number.
     */
    static FunctionConfig exclamation(String namespace, String name) {
        FunctionConfig function = ExampleFunctions.exclamation(namespace, name);
        function.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE);
        function.setSubscriptionPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest);
        return function;
    }

    static void closeCluster(LocalPulsarCluster cluster, Path dir) throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        LocalPulsarCluster.deleteRecursively(dir.resolve("data"));
    }

    /**
     * Sends a request with a deadline of its own: a worker that hangs fails the test with the time it took, rather
     * than stalling the build.
     */
    static HttpResponse<String> send(HttpRequest.Builder request, Duration deadline) throws Exception {
        long t0 = System.nanoTime();
        HttpRequest built = request.timeout(deadline).build();
        try {
            HttpResponse<String> response = Workers.HTTP.send(built, HttpResponse.BodyHandlers.ofString());
            // what the worker answered, and how fast, is half of what these tests are for: kept in the test's output
            System.err.printf("[faults] %s %s answered %d in %.1f s: %.300s%n", built.method(), built.uri(),
                    response.statusCode(), (System.nanoTime() - t0) / 1e9, response.body());
            return response;
        } catch (java.net.http.HttpTimeoutException e) {
            fail("No answer within " + deadline.toSeconds() + " s (" + built.method() + " " + built.uri()
                    + "): the worker hangs");
            throw e;
        }
    }

    static HttpRequest.Builder request(WorkerConfig worker, String path) {
        return HttpRequest.newBuilder(URI.create(worker.adminUrl() + path));
    }

    static HttpRequest.Builder get(WorkerConfig worker, String path) {
        return request(worker, path).GET();
    }

    /**
     * An error an operator can act on: one of {@code statuses}, a JSON body with a non-empty {@code reason}, and no
     * stack trace anywhere in it.
     *
     * @return the reason
     */
    static String assertClearError(HttpResponse<String> response, Integer... statuses) throws Exception {
        String what = response.request().method() + " " + response.request().uri() + " answered "
                + response.statusCode() + ": " + response.body();
        assertTrue(Arrays.asList(statuses).contains(response.statusCode()),
                "expected one of " + Arrays.toString(statuses) + ": " + what);
        assertFalse(STACK_TRACE.matcher(response.body()).find(), "a stack trace went to the client: " + what);
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + what, e);
        }
        String reason = body.path("reason").asText("");
        assertFalse(reason.isBlank(), "no reason: " + what);
        return reason;
    }

    /** A register's (POST) or update's (PUT) multipart body: the function's configuration and, if given, its jar. */
    static byte[] multipart(FunctionConfig function, byte[] jar) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(multipartHead(function, jar != null));
        if (jar != null) {
            body.write(jar);
        }
        body.write(multipartTail(jar != null));
        return body.toByteArray();
    }

    /** The body up to the jar's first byte. */
    static byte[] multipartHead(FunctionConfig function, boolean withJar) throws IOException {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"functionConfig\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + JSON.writeValueAsString(function) + "\r\n";
        if (withJar) {
            head += "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"examples.jar\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n";
        }
        return head.getBytes(StandardCharsets.UTF_8);
    }

    /** The body after the jar's last byte. */
    static byte[] multipartTail(boolean withJar) {
        return ((withJar ? "\r\n" : "") + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static HttpRequest.Builder functionRequest(WorkerConfig worker, FunctionConfig function) {
        return HttpRequest.newBuilder(URI.create(worker.adminUrl() + "/admin/v3/functions/" + function.getTenant()
                        + "/" + function.getNamespace() + "/" + function.getName()))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    }

    /** Waits until the function reports {@code running} instances running, failing at once if a worker died. */
    static void awaitRunning(PulsarAdmin admin, FunctionConfig function, int running, Duration deadline,
                             WorkerProcess... workers) {
        await().atMost(deadline).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertAlive(workers);
            try {
                return admin.functions().getFunctionStatus(function.getTenant(), function.getNamespace(),
                        function.getName()).getNumRunning() == running;
            } catch (org.apache.pulsar.client.admin.PulsarAdminException e) {
                return false; // not scheduled yet, or the status of a worker just back is not there yet
            }
        });
    }

    static void assertAlive(WorkerProcess... workers) {
        for (WorkerProcess worker : workers) {
            if (!worker.isAlive()) {
                throw new AssertionError("The worker (pid " + worker.pid() + ") died; its log " + worker.logFile()
                        + " ends:\n" + tail(worker.log(), 60));
            }
        }
    }

    /**
     * Receives (and acknowledges) from {@code output} until every one of {@code expected} has arrived at least once,
     * within {@code deadline}; duplicates are fine (at least once).
     *
     * @param received what arrived so far; this adds to it
     */
    static void awaitOutputs(Consumer<String> output, Collection<String> expected, Set<String> received,
                             Duration deadline, WorkerProcess... workers) {
        try {
            await().atMost(deadline).pollInterval(Duration.ofMillis(10)).until(() -> {
                assertAlive(workers);
                Message<String> message;
                while ((message = output.receive(200, TimeUnit.MILLISECONDS)) != null) {
                    received.add(message.getValue());
                    output.acknowledge(message);
                }
                return received.containsAll(expected);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(received);
            throw new AssertionError(missing.size() + " of " + expected.size() + " outputs never arrived within "
                    + deadline.toSeconds() + " s, e.g. " + missing.stream().limit(20).toList(), e);
        }
    }

    static String tail(String log, int lines) {
        String[] all = log.split("\r?\n");
        return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
