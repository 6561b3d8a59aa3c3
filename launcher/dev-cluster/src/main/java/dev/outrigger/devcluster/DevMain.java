package dev.outrigger.devcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The README's run command, {@code ./outrigger dev}: a real local Pulsar cluster (ZooKeeper, broker, bookie) and an
 * Outrigger worker from the built distribution against it, both stopped by Ctrl-C. {@code ./outrigger admin ...} runs
 * the real {@code pulsar-admin} against that worker. {@code --secure} starts both with Pulsar's token authentication
 * and authorization, prints an admin token, and the {@code admin} command then uses it. The cluster's data (functions,
 * packages, topics) is kept across runs, as Pulsar's standalone keeps it; {@code --fresh} wipes it first.
 *
 * <p>Usage: {@code DevMain dev <distribution> <work dir> [--secure] [--fresh]} or
 * {@code DevMain admin <work dir> <pulsar-admin args...>}.
 */
public final class DevMain {

    /** Where the admin URL of the running dev worker is written, for the {@code admin} command. */
    private static final String ADMIN_URL_FILE = "admin-url";
    /** Beside it with {@code --secure}: the admin token the {@code admin} command authenticates with (mode 600). */
    private static final String ADMIN_TOKEN_FILE = "admin-token";
    private static final int DEFAULT_WORKER_PORT = 6750;

    private DevMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("dev") && devOptionsValid(args)) {
            List<String> options = Arrays.asList(args).subList(3, args.length);
            System.exit(dev(Path.of(args[1]), Path.of(args[2]), options.contains("--secure"),
                    options.contains("--fresh")));
        } else if (args.length >= 2 && args[0].equals("admin")) {
            System.exit(admin(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length)));
        } else {
            System.err.println("usage: DevMain dev <distribution> <work dir> [--secure] [--fresh]"
                    + " | DevMain admin <work dir> <args...>");
            System.exit(2);
        }
    }

    private static boolean devOptionsValid(String[] args) {
        List<String> options = Arrays.asList(args).subList(3, args.length);
        return Set.of("--secure", "--fresh").containsAll(options) && Set.copyOf(options).size() == options.size();
    }

    private static int dev(Path distribution, Path workDir, boolean secure, boolean fresh)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Files.createDirectories(workDir);
        // A token left by an earlier secure run must not be sent to this worker.
        Files.deleteIfExists(workDir.resolve(ADMIN_TOKEN_FILE));
        Path pulsarDir = workDir.resolve("pulsar");
        System.err.println("[dev] starting a local Pulsar cluster (ZooKeeper, broker, bookie)"
                + (secure ? " with token authentication and authorization" : "") + " in " + pulsarDir
                + (fresh ? ", wiping its earlier data (--fresh)" : ", on its earlier data if any (--fresh wipes it)"));
        if (fresh) {
            // Then KEEP all the same: the new data is kept for the next run.
            LocalPulsarCluster.deleteRecursively(pulsarDir.resolve("data"));
        }
        LocalPulsarCluster pulsar = LocalPulsarCluster.start(pulsarDir,
                secure ? LocalPulsarCluster.Security.TOKEN : LocalPulsarCluster.Security.NONE,
                LocalPulsarCluster.Persistence.KEEP);
        WorkerConfig config = (secure
                ? WorkerConfig.secureForCluster(pulsar, "dev", "public/functions")
                : WorkerConfig.forCluster(pulsar, "dev", "public/functions"))
                .set("workerPort", portFree(DEFAULT_WORKER_PORT) ? DEFAULT_WORKER_PORT : WorkerConfig.freePort());
        Path yaml = config.write(workDir.resolve("functions_worker.yml"));
        System.err.println("[dev] starting the worker with " + yaml);
        WorkerProcess worker;
        try {
            worker = WorkerProcess.start(distribution, yaml, null,
                    Map.of("OUTRIGGER_DATA", workDir.resolve("worker-data").toString()));
        } catch (RuntimeException e) {
            // A cluster left to ParentWatch stops with its ZooKeeper gone first, slowly; stop it in order here.
            pulsar.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("[dev] stopping the worker and the Pulsar cluster");
            for (String file : new String[] {ADMIN_URL_FILE, ADMIN_TOKEN_FILE}) {
                try {
                    Files.deleteIfExists(workDir.resolve(file));
                } catch (IOException e) {
                    System.err.println("[dev] cannot remove " + workDir.resolve(file) + ": " + e);
                }
            }
            worker.close();
            pulsar.close();
        }, "outrigger-dev-stop"));
        String adminToken = secure ? pulsar.adminToken() : null;
        if (!awaitReady(worker, config.adminUrl(), adminToken)) {
            System.err.println("[dev] the worker did not start; see its output above");
            return 1;
        }
        if (secure) {
            // Before the URL file: the admin command treats the URL file as "worker up" and must find the token.
            LocalPulsarCluster.writeOwnerOnly(workDir.resolve(ADMIN_TOKEN_FILE), adminToken);
        }
        Files.writeString(workDir.resolve(ADMIN_URL_FILE), config.adminUrl());
        System.out.printf("%nOutrigger is up in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        System.out.println("  worker admin URL : " + config.adminUrl());
        System.out.println("  Pulsar broker    : " + pulsar.brokerServiceUrl() + "  (admin " + pulsar.webServiceUrl() + ")");
        System.out.println("  worker config    : " + yaml);
        System.out.println("  Pulsar data      : " + pulsarDir.resolve("data")
                + "  (kept when stopped; ./outrigger dev --fresh wipes it)");
        String auth = "";
        if (secure) {
            System.out.println("  security         : token authentication and authorization (superusers "
                    + LocalPulsarCluster.ADMIN_ROLE + ", " + LocalPulsarCluster.WORKER_ROLE + ")");
            System.out.println("  token secret key : " + pulsar.secretKeyFile());
            System.out.println("  admin token      : " + adminToken);
            auth = " --auth-plugin " + LocalPulsarCluster.TOKEN_AUTH_PLUGIN + " --auth-params token:" + adminToken;
        }
        System.out.println("Try the real pulsar-admin against it:");
        System.out.println("  ./outrigger admin functions-worker get-cluster");
        System.out.println("  pulsar-admin --admin-url " + config.adminUrl() + auth + " functions-worker get-cluster");
        System.out.println("Ctrl-C stops the worker and the Pulsar cluster.");
        Integer exit = null;
        while (exit == null) {
            exit = worker.waitForExit(Duration.ofDays(1));
        }
        return exit;
    }

    /** @param token sent as a bearer token when not null (a secured worker answers superusers only there) */
    private static boolean awaitReady(WorkerProcess worker, String adminUrl, String token)
            throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(adminUrl + "/admin/v2/worker/cluster"));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest request = builder.build();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                return false;
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            // A worker that has not exited will answer: poll until it does.
            worker.waitForExit(Duration.ofMillis(200));
        }
        return false;
    }

    private static int admin(Path workDir, String[] args) throws IOException {
        Path urlFile = workDir.resolve(ADMIN_URL_FILE);
        if (!Files.isRegularFile(urlFile)) {
            System.err.println("No dev worker is running (start one with ./outrigger dev)");
            return 2;
        }
        Path tokenFile = workDir.resolve(ADMIN_TOKEN_FILE);
        PulsarAdminCli.Auth auth = Files.isRegularFile(tokenFile)
                ? PulsarAdminCli.Auth.token(Files.readString(tokenFile).trim())
                : null;
        PulsarAdminCli.Result result = PulsarAdminCli.run(workDir, Files.readString(urlFile).trim(), auth, args);
        System.out.print(result.stdout());
        System.err.print(result.stderr());
        return result.exitCode();
    }

    private static boolean portFree(int port) {
        try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
