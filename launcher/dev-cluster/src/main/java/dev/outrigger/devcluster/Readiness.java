package dev.outrigger.devcluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** When the cluster's child JVMs are ready: polled with a deadline, failing fast with the log tail if a child dies. */
final class Readiness {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final int LOG_TAIL_LINES = 30;

    private Readiness() {}

    static void awaitZooKeeper(JavaProcess zk, String host, int port, long deadline) throws InterruptedException {
        String last = "no answer yet";
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                out.write("ruok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if ("imok".equals(answer.trim())) {
                    return;
                }
                last = "ruok answered '" + answer.trim() + "'";
            } catch (IOException e) {
                last = e.toString();
            }
            checkProgress(zk, deadline, "ZooKeeper on " + host + ":" + port + " (ruok -> imok)", last);
        }
    }

    /** Until something accepts connections on {@code host:port}. */
    static void awaitPort(JavaProcess process, String host, int port, long deadline) throws InterruptedException {
        String last = "no answer yet";
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                last = e.toString();
            }
            checkProgress(process, deadline, process.name() + " on " + host + ":" + port, last);
        }
    }

    /**
     * Until {@code text} appears in the process's log after byte {@code from} (what an earlier run of the same log
     * file wrote before is not read).
     */
    static void awaitLogLine(JavaProcess process, long from, String text, long deadline) throws InterruptedException {
        while (true) {
            try (RandomAccessFile log = new RandomAccessFile(process.log().toFile(), "r")) {
                long length = log.length();
                if (length > from) {
                    byte[] bytes = new byte[(int) Math.min(length - from, 16L * 1024 * 1024)];
                    log.seek(from);
                    log.readFully(bytes);
                    if (new String(bytes, StandardCharsets.UTF_8).contains(text)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not written yet
            }
            checkProgress(process, deadline, process.name() + " (log line '" + text + "')", "not logged yet");
        }
    }

    /** @param adminToken sent as a bearer token when not null */
    static void awaitBroker(JavaProcess broker, String webUrl, String adminToken, long deadline)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // Tenant first: asking for the namespaces of a tenant that does not exist yet makes the broker log an ERROR.
        URI tenants = URI.create(webUrl + "/admin/v2/tenants");
        awaitBody(http, broker, tenants, adminToken, "\"public\"", deadline);
        awaitBody(http, broker, URI.create(webUrl + "/admin/v2/namespaces/public"), adminToken, "\"public/default\"",
                deadline);
        if (adminToken != null) {
            // A typo in a key would leave the broker open while every test of refusals passes for other reasons.
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(tenants).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                throw new IllegalStateException("Pulsar broker stopped answering after it was ready: " + e, e);
            }
            if (status != 401) {
                throw new IllegalStateException("Pulsar broker answered GET " + tenants + " without a token with HTTP "
                        + status + " instead of 401: token authentication is not on. Log: " + broker.log());
            }
        }
    }

    private static void awaitBody(HttpClient http, JavaProcess broker, URI uri, String token, String expected,
                                  long deadline) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        String last = "no answer yet";
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains(expected)) {
                    return;
                }
                last = "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            checkProgress(broker, deadline, "Pulsar broker (GET " + uri + " listing " + expected + ")", last);
        }
    }

    /** Fails fast when the child died or time is up; otherwise waits one poll interval. */
    private static void checkProgress(JavaProcess process, long deadline, String what, String last)
            throws InterruptedException {
        if (!process.isAlive()) {
            Integer exit = process.waitFor(Duration.ZERO);
            throw new IllegalStateException(what + " exited with code " + exit + " before it was ready. Log: "
                    + process.log() + "\n--- last " + LOG_TAIL_LINES + " lines ---\n" + process.tail(LOG_TAIL_LINES));
        }
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(what + " not ready within "
                    + LocalPulsarCluster.START_TIMEOUT.toSeconds() + " s (last: " + last + "). Log: " + process.log() + "\n--- last " + LOG_TAIL_LINES + " lines ---\n"
                    + process.tail(LOG_TAIL_LINES));
        }
        Thread.sleep(POLL_INTERVAL.toMillis());
    }

}
