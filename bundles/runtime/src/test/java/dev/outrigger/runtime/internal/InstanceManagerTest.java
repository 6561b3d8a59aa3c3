package dev.outrigger.runtime.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.cluster.WorkerInfo;
import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import dev.outrigger.api.runtime.FunctionRuntime;
import dev.outrigger.api.scheduler.AssignmentListener;
import dev.outrigger.api.scheduler.InstanceId;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The instance manager with in-memory metadata, packages and runtime: what it fetches and starts, and when. */
class InstanceManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SELF = "worker-1";

    @TempDir
    Path temp;

    private final Map<FunctionKey, FunctionMetadata> records = new ConcurrentHashMap<>();
    private final Map<String, byte[]> packages = new ConcurrentHashMap<>();
    /** Downloads of these locations wait until their latch opens: a slow package store. */
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Set<String> fetching = ConcurrentHashMap.newKeySet();
    private final FakeRuntime runtime = new FakeRuntime();
    private AssignmentListener assignments;
    private InstanceManager manager;
    private Path cache;

    /** One start the manager asked for, with the bytes of the file it gave at that moment. */
    private record Start(InstanceId instance, long version, String content) {
    }

    private final class FakeRuntime implements FunctionRuntime {
        final List<Start> starts = new CopyOnWriteArrayList<>();
        final Map<InstanceId, Long> running = new ConcurrentHashMap<>();
        volatile Error failWith;
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public void start(FunctionMetadata metadata, int instanceId, Path packageFile) {
            attempts.incrementAndGet();
            if (failWith != null) {
                throw failWith;
            }
            InstanceId id = new InstanceId(metadata.key(), instanceId);
            try {
                starts.add(new Start(id, metadata.version(), Files.readString(packageFile)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            running.put(id, metadata.version());
        }

        @Override
        public void checkFunctionClass(Path packageFile, String className) {
        }

        @Override
        public void stop(InstanceId instance) {
            running.remove(instance);
        }

        @Override
        public void restart(InstanceId instance) {
        }

        @Override
        public Set<InstanceId> instances() {
            return Set.copyOf(running.keySet());
        }

        @Override
        public Optional<Long> runningVersion(InstanceId instance) {
            return Optional.ofNullable(running.get(instance));
        }

        @Override
        public Optional<FunctionInstanceStatsData> stats(InstanceId instance) {
            return Optional.empty();
        }

        @Override
        public Optional<FunctionInstanceStatusData> status(InstanceId instance) {
            return Optional.empty();
        }
    }

    /** Serves {@code mem:} locations from memory and checks digests, as the real stores do. */
    private final class MemoryStore implements PackageStore {
        @Override
        public PackageRef store(FunctionKey owner, String fileName, InputStream data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void fetch(PackageRef ref, Path target) throws PackageException {
            CountDownLatch gate = gates.get(ref.location());
            if (gate != null) {
                fetching.add(ref.location());
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PackageException(PackageException.Reason.UNAVAILABLE, "interrupted", e);
                }
            }
            byte[] bytes = packages.get(ref.location());
            if (bytes == null) {
                throw new PackageException(PackageException.Reason.NOT_FOUND, ref.location());
            }
            if (ref.sha256() != null && !ref.sha256().equals(sha256(bytes))) {
                throw new PackageException(PackageException.Reason.CORRUPT, ref.location());
            }
            try {
                Files.write(target, bytes);
            } catch (IOException e) {
                throw new PackageException(PackageException.Reason.UNAVAILABLE, e.toString(), e);
            }
        }

        @Override
        public void delete(PackageRef ref) {
        }
    }

    @BeforeEach
    void activate() throws Exception {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getDataFile" -> temp.resolve((String) args[0]).toFile();
                    case "registerService" -> {
                        if (args[1] instanceof AssignmentListener listener) {
                            assignments = listener;
                        }
                        yield Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        FunctionMetadataStore metadata = (FunctionMetadataStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FunctionMetadataStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "get" -> Optional.ofNullable(records.get((FunctionKey) args[0]));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ClusterService cluster = (ClusterService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ClusterService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isInitialized" -> true;
                    case "self" -> new WorkerInfo(SELF, "localhost", 6750);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        manager = new InstanceManager(context, runtime, metadata, cluster);
        manager.addStore(new MemoryStore(), Map.of(PackageStore.SCHEMES, "mem"));
        cache = temp.resolve("packages");
    }

    @AfterEach
    void deactivate() throws Exception {
        manager.deactivate();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers {@code key} at {@code version} with a package holding {@code content}. */
    private void register(FunctionKey key, long version, String location, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        packages.put(location, bytes);
        records.put(key, new FunctionMetadata(key, ComponentType.FUNCTION, version, 1L, "{}",
                new PackageRef(location, sha256(bytes), bytes.length), Map.of()));
    }

    private void assign(FunctionKey... keys) {
        Map<InstanceId, String> current = new java.util.HashMap<>();
        for (FunctionKey key : keys) {
            current.put(new InstanceId(key, 0), SELF);
        }
        assignments.assignmentsChanged(current);
    }

    private Start awaitStart(int index) {
        await().atMost(WAIT).until(() -> runtime.starts.size() > index);
        return runtime.starts.get(index);
    }

    private List<Path> cachedFiles() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList();
        }
    }

    /** issue 11 finding 1: a function deleted and registered again (versions restart at 0) must run its new jar. */
    @Test
    void issue11Finding1_reRegisteredFunctionRunsItsNewPackageNotTheCachedOldOne() {
        FunctionKey key = new FunctionKey("t", "ns", "f");
        register(key, 0, "mem:old", "old jar");
        assign(key);
        assertEquals("old jar", awaitStart(0).content());

        records.remove(key);
        assign();
        await().atMost(WAIT).until(() -> runtime.running.isEmpty());

        register(key, 0, "mem:new", "new jar");
        assign(key);
        Start second = awaitStart(1);
        assertEquals(0, second.version());
        assertEquals("new jar", second.content());
    }

    /**
     * issue 11 finding 8: packages were fetched on the one reconciler thread, so a download that hangs held up every
     * other start and stop on the worker. Now another function starts, and a third stops, while it hangs.
     */
    @Test
    void issue11Finding8_aSlowDownloadHoldsUpNoOtherStartOrStop() {
        FunctionKey running = new FunctionKey("t", "ns", "running");
        register(running, 0, "mem:running", "running jar");
        assign(running);
        awaitStart(0);

        FunctionKey slow = new FunctionKey("t", "ns", "slow");
        CountDownLatch gate = new CountDownLatch(1);
        gates.put("mem:slow", gate);
        register(slow, 0, "mem:slow", "slow jar");
        assign(running, slow);
        await().atMost(WAIT).until(() -> fetching.contains("mem:slow"));
        try {
            FunctionKey fast = new FunctionKey("t", "ns", "fast");
            register(fast, 0, "mem:fast", "fast jar");
            assign(slow, fast);
            assertEquals("fast jar", awaitStart(1).content());
            await().atMost(WAIT).until(() -> !runtime.running.containsKey(new InstanceId(running, 0)));
        } finally {
            gate.countDown();
        }
        assertEquals("slow jar", awaitStart(2).content());
    }

    /** issue 11 finding 1: {@code a_b/c/f} and {@code a/b_c/f} must not share a cached file. */
    @Test
    void issue11Finding1_functionsWhoseNamesFlattenAlikeKeepTheirOwnPackages() {
        FunctionKey first = new FunctionKey("a_b", "c", "f");
        FunctionKey second = new FunctionKey("a", "b_c", "f");
        register(first, 0, "mem:first", "first jar");
        register(second, 0, "mem:second", "second jar");
        assign(first, second);
        await().atMost(WAIT).until(() -> runtime.starts.size() == 2);
        for (Start start : runtime.starts) {
            assertEquals(start.instance().function().equals(first) ? "first jar" : "second jar", start.content(),
                    start.instance().toString());
        }
    }

    /** issue 11 finding 1: a cached file is checked against its digest before reuse, and fetched again if changed. */
    @Test
    void issue11Finding1_cachedPackageThatNoLongerMatchesItsDigestIsFetchedAgain() throws Exception {
        FunctionKey key = new FunctionKey("t", "ns", "g");
        register(key, 0, "mem:g", "good jar");
        assign(key);
        assertEquals("good jar", awaitStart(0).content());
        for (Path file : cachedFiles()) {
            Files.writeString(file, "tampered");
        }
        runtime.stop(new InstanceId(key, 0));
        assign(key);
        assertEquals("good jar", awaitStart(1).content());
    }

    /** issue 11 finding 1: packages no instance on this worker uses any more are removed from the cache. */
    @Test
    void issue11Finding1_packagesNoInstanceUsesArePruned() throws Exception {
        FunctionKey kept = new FunctionKey("t", "ns", "kept");
        FunctionKey removed = new FunctionKey("t", "ns", "removed");
        register(kept, 0, "mem:kept", "kept jar");
        register(removed, 0, "mem:removed", "removed jar");
        assign(kept, removed);
        await().atMost(WAIT).until(() -> runtime.starts.size() == 2);
        assertEquals(2, cachedFiles().size());

        records.remove(removed);
        assign(kept);
        await().atMost(WAIT).until(() -> cachedFiles().size() == 1);
        assertEquals("kept jar", Files.readString(cachedFiles().get(0)));
    }

    /**
     * issue 11 finding 1: a package whose reference has no digest (a URL the worker does not copy) is fetched for each
     * start, never taken from the cache for another source or a later life of the function.
     */
    @Test
    void issue11Finding1_packagesWithoutDigestAreNeverReusedAcrossSources() {
        FunctionKey key = new FunctionKey("t", "ns", "url");
        packages.put("mem:first-url", "first url jar".getBytes(StandardCharsets.UTF_8));
        records.put(key, new FunctionMetadata(key, ComponentType.FUNCTION, 0, 1L, "{}",
                new PackageRef("mem:first-url", null, -1), Map.of()));
        assign(key);
        assertEquals("first url jar", awaitStart(0).content());

        records.remove(key);
        assign();
        await().atMost(WAIT).until(() -> runtime.running.isEmpty());
        packages.put("mem:second-url", "second url jar".getBytes(StandardCharsets.UTF_8));
        records.put(key, new FunctionMetadata(key, ComponentType.FUNCTION, 0, 1L, "{}",
                new PackageRef("mem:second-url", null, -1), Map.of()));
        assign(key);
        assertEquals("second url jar", awaitStart(1).content());
    }

    /** issue 11 finding 4(b): an Error from starting user code does not end the periodic reconciliation. */
    @Test
    void issue11Finding4b_anErrorFromAStartDoesNotStopThePeriodicRetries() {
        FunctionKey key = new FunctionKey("t", "ns", "err");
        register(key, 0, "mem:err", "jar");
        runtime.failWith = new AssertionError("from a static initializer");
        assign(key);
        // at most two tries at once (the store's and the assignment's events), then one every 10 s: a fourth try
        // shows the periodic task survived an Error thrown in it
        await().atMost(Duration.ofSeconds(38)).until(() -> runtime.attempts.get() >= 4);
    }
}
