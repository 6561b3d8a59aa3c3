package dev.outrigger.packages.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.bookkeeper.client.api.BKException;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.LedgerEntries;
import org.apache.bookkeeper.client.api.LedgerEntry;
import org.apache.bookkeeper.client.api.LedgerMetadata;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each uploaded package in a BookKeeper ledger of its own, as Pulsar's worker keeps them in BookKeeper (there
 * through DistributedLog): ensemble = write quorum = ack quorum = {@code numFunctionPackageReplicas}, CRC32C entries
 * of 1 MiB, an empty password, and the owner and file name in the ledger's custom metadata. The SHA-256 computed while
 * writing goes into the {@link PackageRef} and is checked on every fetch.
 *
 * <p>The BookKeeper client is built on first use, so the component activates without ZooKeeper being reachable. A
 * configuration change that affects the client retires it: operations already running finish on it, the next one
 * builds a new one.
 */
@Component(
        configurationPid = ConfigurationPids.WORKER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // registered by hand: DS would publish every key of the worker PID, secrets too, with it
@Designate(ocd = PackagesConfiguration.class)
public final class BookKeeperPackageStore implements PackageStore {

    private static final Logger LOG = LoggerFactory.getLogger(BookKeeperPackageStore.class);

    static final int ENTRY_SIZE = 1024 * 1024;
    /** Appends in flight at once: enough to keep the bookies busy, little enough to bound memory (1 MiB each). */
    static final int MAX_PENDING_APPENDS = 4;
    /** Entries read at once on fetch. */
    static final int READ_BATCH = 4;
    static final byte[] PASSWORD = new byte[0];
    static final String OWNER = "outrigger.owner";
    static final String FILE = "outrigger.file";
    static final String FORMAT = "outrigger.format";
    static final String FORMAT_VERSION = "1";
    /** The owner recorded for a package uploaded by path. */
    static final String PATH_OWNER_PREFIX = "path:";

    /** Guards every wait on BookKeeper; its own timeouts (below) normally answer first. */
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(120);
    private static final int BOOKIE_TIMEOUT_SECONDS = 30;
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long an operation waits for another's connect: the broker's answer and BookKeeper's own start. */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(45);

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PulsarAdmin admin;

    private volatile BookKeeperSettings settings;

    /** Held only for quick changes of the fields below, never across a network call. */
    private final Object lock = new Object();
    /** One connect at a time; held across it, so only operations that need the client wait for it. */
    private final java.util.concurrent.locks.ReentrantLock connecting = new java.util.concurrent.locks.ReentrantLock();
    /** guarded by lock */
    private SharedClient current;
    /** guarded by lock */
    private boolean closed;

    private final ServiceRegistration<PackageStore> registration;

    @Activate
    public BookKeeperPackageStore(BundleContext context, PackagesConfiguration config, Map<String, Object> properties) {
        this(BookKeeperSettings.from(config, properties), null, context);
    }

    /** For tests: {@code admin} is only asked when the settings name no metadata service URI. */
    BookKeeperPackageStore(BookKeeperSettings settings, PulsarAdmin admin) {
        this(settings, admin, null);
    }

    private BookKeeperPackageStore(BookKeeperSettings settings, PulsarAdmin admin, BundleContext context) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.admin = admin;
        this.registration = context == null ? null : context.registerService(PackageStore.class, this,
                FrameworkUtil.asDictionary(Map.of(
                        PackageStore.SCHEMES, LedgerLocation.SCHEME,
                        Constants.SERVICE_DESCRIPTION, "Outrigger's package store in BookKeeper ledgers")));
        LOG.debug("BookKeeper package store activated: {}", settings);
    }

    @Modified
    void modified(PackagesConfiguration config, Map<String, Object> properties) {
        BookKeeperSettings next = BookKeeperSettings.from(config, properties);
        BookKeeperSettings previous = settings;
        settings = next;
        if (!next.client().equals(previous.client())) {
            LOG.info("BookKeeper client settings changed; the next package operation uses a new client");
            retire();
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        synchronized (lock) {
            closed = true;
        }
        retire();
        LOG.debug("BookKeeper package store deactivated");
    }

    @Override
    public PackageRef store(FunctionKey owner, String fileName, InputStream data) throws PackageException {
        Objects.requireNonNull(owner, "owner must not be null");
        Objects.requireNonNull(fileName, "fileName must not be null");
        return storeFor(owner.fullyQualifiedName(), fileName, data);
    }

    /**
     * A package uploaded under a path ({@code functions upload --path}): a ledger like any other, its owner recorded
     * as {@code path:<path>}. Which ledger a path names is the caller's to keep.
     */
    @Override
    public PackageRef storeAt(String path, InputStream data) throws PackageException {
        Objects.requireNonNull(path, "path must not be null");
        return storeFor(PATH_OWNER_PREFIX + path, fileName(path), data);
    }

    /** Writes a ledger with the shared client, this bundle's loader as the context loader as for every BookKeeper call here. */
    private PackageRef storeFor(String owner, String fileName, InputStream data) throws PackageException {
        Objects.requireNonNull(data, "data must not be null");
        BookKeeperSettings now = settings;
        SharedClient client = acquire();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BookKeeperPackageStore.class.getClassLoader());
        try {
            return store(client.bookKeeper, now, owner, fileName, data);
        } finally {
            thread.setContextClassLoader(previous);
            release(client);
        }
    }

    /** The last segment of a path, which is what Pulsar's worker keeps as a package's file name. */
    static String fileName(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int slash = trimmed.lastIndexOf('/');
        String name = slash < 0 ? trimmed : trimmed.substring(slash + 1);
        return name.isEmpty() ? "package" : name;
    }

    @Override
    public void fetch(PackageRef ref, Path target) throws PackageException {
        Objects.requireNonNull(target, "target must not be null");
        long ledgerId = LedgerLocation.parse(ref.location());
        SharedClient client = acquire();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BookKeeperPackageStore.class.getClassLoader());
        try {
            fetch(client.bookKeeper, ledgerId, ref, target);
        } finally {
            thread.setContextClassLoader(previous);
            release(client);
        }
    }

    @Override
    public void delete(PackageRef ref) throws PackageException {
        long ledgerId = LedgerLocation.parse(ref.location());
        SharedClient client = acquire();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BookKeeperPackageStore.class.getClassLoader());
        try {
            delete(client.bookKeeper, ledgerId, ref);
        } finally {
            thread.setContextClassLoader(previous);
            release(client);
        }
    }

    // --- store

    private static PackageRef store(BookKeeper bk, BookKeeperSettings settings, String owner, String fileName,
            InputStream data) throws PackageException {
        WriteHandle ledger = createLedger(bk, settings, owner, fileName);
        long ledgerId = ledger.getId();
        String location = LedgerLocation.of(ledgerId);
        MessageDigest sha256 = Sha256.newDigest();
        long size = 0;
        boolean stored = false;
        Deque<CompletableFuture<Long>> pending = new ArrayDeque<>();
        try {
            while (true) {
                byte[] entry = readEntry(data, owner);
                if (entry.length == 0) {
                    break;
                }
                size += entry.length;
                if (size > settings.maxSizeBytes()) {
                    break;
                }
                sha256.update(entry);
                pending.add(ledger.appendAsync(entry));
                if (pending.size() >= MAX_PENDING_APPENDS) {
                    await(pending.poll());
                }
            }
            if (size <= settings.maxSizeBytes()) {
                while (!pending.isEmpty()) {
                    await(pending.poll());
                }
                await(ledger.closeAsync());
                stored = true;
                PackageRef ref = new PackageRef(location, Sha256.hex(sha256), size);
                LOG.debug("Stored the package {} of {} ({} bytes) as {}", fileName, owner, size, location);
                return ref;
            }
        } catch (BKException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Storing the package of " + owner + " in BookKeeper "
                    + "ledger " + ledgerId + " failed: " + e.getMessage(), e);
        } finally {
            if (!stored) {
                abandon(bk, ledger, pending);
            }
        }
        // Too large. The ledger is gone already; the rest of the stream is read, as the API asks, to name the size.
        long total = size;
        try {
            total += data.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.debug("Reading the rest of a package over the size limit failed: {}", e.toString());
        }
        throw new PackageException(Reason.INVALID, "Package size " + total + " bytes exceeds the limit of "
                + settings.maxSizeBytes() + " bytes (functionPackageMaxSizeBytes)");
    }

    private static WriteHandle createLedger(BookKeeper bk, BookKeeperSettings settings, String owner,
            String fileName) throws PackageException {
        int replicas = settings.replicas();
        try {
            return await(bk.newCreateLedgerOp()
                    .withEnsembleSize(replicas)
                    .withWriteQuorumSize(replicas)
                    .withAckQuorumSize(replicas)
                    .withDigestType(DigestType.CRC32C)
                    .withPassword(PASSWORD)
                    .withCustomMetadata(customMetadata(owner, fileName))
                    .execute());
        } catch (BKException e) {
            if (e.getCode() == BKException.Code.NotEnoughBookiesException) {
                throw new PackageException(Reason.UNAVAILABLE, "Cannot store the package of " + owner
                        + ": numFunctionPackageReplicas is " + replicas + " but fewer bookies are available ("
                        + e.getMessage() + ")", e);
            }
            throw new PackageException(Reason.UNAVAILABLE, "Cannot create a BookKeeper ledger for the package of "
                    + owner + ": " + e.getMessage(), e);
        }
    }

    static Map<String, byte[]> customMetadata(FunctionKey owner, String fileName) {
        return customMetadata(owner.fullyQualifiedName(), fileName);
    }

    /** @param owner {@code tenant/namespace/name}, or {@code path:<path>} for a package uploaded by path */
    static Map<String, byte[]> customMetadata(String owner, String fileName) {
        return Map.of(
                OWNER, owner.getBytes(StandardCharsets.UTF_8),
                FILE, fileName.getBytes(StandardCharsets.UTF_8),
                FORMAT, FORMAT_VERSION.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the next entry: {@link #ENTRY_SIZE} bytes, fewer at the end of the stream, none after it */
    private static byte[] readEntry(InputStream data, String owner) throws PackageException {
        byte[] entry = new byte[ENTRY_SIZE];
        int length;
        try {
            length = data.readNBytes(entry, 0, ENTRY_SIZE);
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Reading the package of " + owner + " failed: " + e, e);
        }
        return length == ENTRY_SIZE ? entry : Arrays.copyOf(entry, length);
    }

    /** Deletes the ledger of a store that failed: the caller gets no reference, so nothing would ever delete it. */
    private static void abandon(BookKeeper bk, WriteHandle ledger, Deque<CompletableFuture<Long>> pending) {
        long ledgerId = ledger.getId();
        // Let the appends in flight settle first: closing under them fails them noisily. Then close (cheaper for the
        // bookies to forget); failures of either are fine, the delete is what counts.
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                    .exceptionally(failure -> null)
                    .thenCompose(settled -> ledger.closeAsync())
                    .get(BOOKIE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Closing ledger {} of a failed store: {}", ledgerId, e.toString());
        }
        try {
            await(bk.newDeleteLedgerOp().withLedgerId(ledgerId).execute());
            LOG.debug("Deleted ledger {} of a failed store", ledgerId);
        } catch (BKException e) {
            if (!isMissing(e)) {
                LOG.error("Ledger {} of a failed package store could not be deleted and is orphaned: {}", ledgerId,
                        e.getMessage());
            }
        } catch (PackageException e) {
            LOG.error("Ledger {} of a failed package store could not be deleted and may be orphaned: {}", ledgerId,
                    e.getMessage());
        }
    }

    // --- fetch

    private static void fetch(BookKeeper bk, long ledgerId, PackageRef ref, Path target) throws PackageException {
        String location = LedgerLocation.of(ledgerId);
        ReadHandle ledger;
        try {
            ledger = await(bk.newOpenLedgerOp()
                    .withLedgerId(ledgerId)
                    .withRecovery(false) // closed by store(); recovery would need write access
                    .withDigestType(DigestType.CRC32C)
                    .withPassword(PASSWORD)
                    .execute());
        } catch (BKException e) {
            if (isMissing(e)) {
                throw missing(location, e);
            }
            if (e.getCode() == BKException.Code.UnauthorizedAccessException) {
                throw notOurs(location, e);
            }
            throw new PackageException(Reason.UNAVAILABLE, "Cannot open BookKeeper ledger " + ledgerId
                    + " of package " + location + ": " + e.getMessage(), e);
        }
        try (TargetFile out = TargetFile.create(target)) {
            LedgerMetadata metadata = ledger.getLedgerMetadata();
            if (!metadata.getCustomMetadata().containsKey(FORMAT)) {
                throw notOurs(location, null);
            }
            if (!metadata.isClosed()) {
                throw new PackageException(Reason.CORRUPT, "Package " + location + " is incomplete: ledger "
                        + ledgerId + " was never closed");
            }
            long last = ledger.getLastAddConfirmed();
            for (long first = 0; first <= last; first += READ_BATCH) {
                try (LedgerEntries entries = await(ledger.readAsync(first, Math.min(last, first + READ_BATCH - 1)))) {
                    for (LedgerEntry entry : entries) {
                        out.write(entry.getEntryBuffer().nioBuffer());
                    }
                }
            }
            out.commit(ref, "Package " + location + " (ledger " + ledgerId + ")");
        } catch (BKException e) {
            if (isMissing(e)) {
                throw missing(location, e);
            }
            throw new PackageException(Reason.UNAVAILABLE, "Reading package " + location + " from BookKeeper ledger "
                    + ledgerId + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot write package " + location + " to " + target
                    + ": " + e, e);
        } finally {
            ledger.closeAsync(); // a read-only handle closes locally
        }
    }

    // --- delete

    private static void delete(BookKeeper bk, long ledgerId, PackageRef ref) throws PackageException {
        try {
            // only ever delete what this store wrote: a bad reference must not take a topic's ledger with it
            LedgerMetadata metadata = await(bk.getLedgerMetadata(ledgerId));
            if (!metadata.getCustomMetadata().containsKey(FORMAT)) {
                throw new PackageException(Reason.INVALID, "Not deleting ledger " + ledgerId + ": it does not hold "
                        + "an Outrigger package (" + ref.location() + ")");
            }
            await(bk.newDeleteLedgerOp().withLedgerId(ledgerId).execute());
            LOG.debug("Deleted package {}", ref.location());
        } catch (BKException e) {
            if (isMissing(e)) {
                LOG.debug("Package {} was already deleted", ref.location());
                return;
            }
            throw new PackageException(Reason.UNAVAILABLE, "Cannot delete BookKeeper ledger " + ledgerId
                    + " of package " + ref.location() + ": " + e.getMessage(), e);
        }
    }

    // --- helpers

    static boolean isMissing(BKException e) {
        return e.getCode() == BKException.Code.NoSuchLedgerExistsOnMetadataServerException
                || e.getCode() == BKException.Code.NoSuchLedgerExistsException;
    }

    private static PackageException missing(String location, Throwable cause) {
        return new PackageException(Reason.NOT_FOUND, "Package " + location + " is missing (ledger deleted?)", cause);
    }

    private static PackageException notOurs(String location, Throwable cause) {
        return new PackageException(Reason.CORRUPT, "Package " + location + " is not readable as a package: its "
                + "ledger was not written by Outrigger", cause);
    }

    /**
     * Waits for a BookKeeper operation.
     *
     * @throws BKException what BookKeeper reported
     * @throws PackageException UNAVAILABLE if interrupted, timed out or failed otherwise
     */
    static <T> T await(CompletableFuture<T> future) throws BKException, PackageException {
        try {
            return future.get(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackageException(Reason.UNAVAILABLE, "Interrupted while waiting for BookKeeper", e);
        } catch (TimeoutException e) {
            throw new PackageException(Reason.UNAVAILABLE,
                    "BookKeeper did not answer within " + OPERATION_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof BKException bk) {
                throw bk;
            }
            throw new PackageException(Reason.UNAVAILABLE, "BookKeeper failed: " + cause, cause);
        }
    }

    static ClientConfiguration clientConfiguration(BookKeeperSettings.Client settings, String metadataServiceUri) {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(metadataServiceUri);
        conf.setAddEntryTimeout(BOOKIE_TIMEOUT_SECONDS);
        conf.setReadEntryTimeout(BOOKIE_TIMEOUT_SECONDS);
        // as Pulsar's worker configures its BookKeeper client (WorkerUtils.getDlogConf, there with DLog's "bkc.")
        if (!settings.authenticationPlugin().isEmpty()) {
            conf.setClientAuthProviderFactoryClass(settings.authenticationPlugin());
            if (!settings.authenticationParametersName().isEmpty()) {
                conf.setProperty(settings.authenticationParametersName(), settings.authenticationParameters());
            }
        }
        settings.extraProperties().forEach(conf::setProperty);
        return conf;
    }

    // --- the shared client

    /** One BookKeeper client and the operations using it; closed when retired and no longer used. */
    private static final class SharedClient {
        final BookKeeper bookKeeper;
        final String metadataServiceUri;
        int users;
        boolean retired;

        SharedClient(BookKeeper bookKeeper, String metadataServiceUri) {
            this.bookKeeper = bookKeeper;
            this.metadataServiceUri = metadataServiceUri;
        }

        void close() {
            try {
                bookKeeper.close();
                LOG.debug("BookKeeper client for {} closed", metadataServiceUri);
            } catch (BKException e) {
                LOG.warn("Closing the BookKeeper client for {} failed: {}", metadataServiceUri, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The shared client, connecting it first if there is none. Connecting asks the broker and ZooKeeper, so it runs
     * outside {@link #lock} (issue 11 finding 8): a slow connect holds up only the operations that need the client,
     * never a reconfiguration or the store's deactivation.
     */
    private SharedClient acquire() throws PackageException {
        SharedClient shared = current();
        if (shared != null) {
            return shared;
        }
        try {
            if (!connecting.tryLock(CONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PackageException(Reason.UNAVAILABLE, "Connecting to BookKeeper takes longer than "
                        + CONNECT_WAIT.toSeconds() + " s; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackageException(Reason.UNAVAILABLE, "Interrupted while waiting for BookKeeper", e);
        }
        try {
            shared = current();
            if (shared != null) {
                return shared;
            }
            BookKeeperSettings.Client wanted = settings.client();
            SharedClient fresh = connect(wanted);
            boolean stopping;
            synchronized (lock) {
                stopping = closed;
                if (!stopping) {
                    // settings changed while connecting: this client serves this operation only
                    fresh.retired = !wanted.equals(settings.client());
                    if (!fresh.retired) {
                        current = fresh;
                    }
                    fresh.users++;
                }
            }
            if (stopping) {
                fresh.close();
                throw new PackageException(Reason.UNAVAILABLE, "The BookKeeper package store is stopping");
            }
            return fresh;
        } finally {
            connecting.unlock();
        }
    }

    /** @return the shared client, counted as used, or null if there is none yet */
    private SharedClient current() throws PackageException {
        synchronized (lock) {
            if (closed) {
                throw new PackageException(Reason.UNAVAILABLE, "The BookKeeper package store is stopping");
            }
            if (current == null) {
                return null;
            }
            current.users++;
            return current;
        }
    }

    private void release(SharedClient client) {
        boolean close;
        synchronized (lock) {
            client.users--;
            close = client.retired && client.users == 0;
        }
        if (close) {
            client.close();
        }
    }

    private void retire() {
        SharedClient toClose = null;
        synchronized (lock) {
            if (current != null) {
                current.retired = true;
                if (current.users == 0) {
                    toClose = current;
                }
                current = null;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    private SharedClient connect(BookKeeperSettings.Client client) throws PackageException {
        long start = System.nanoTime();
        String uri = client.metadataServiceUri();
        if (uri.isEmpty()) {
            PulsarAdmin brokerAdmin = admin;
            if (brokerAdmin == null) {
                throw new PackageException(Reason.UNAVAILABLE, "bookkeeperMetadataServiceUri is not set and there is "
                        + "no PulsarAdmin to ask the broker where BookKeeper keeps its ledgers");
            }
            uri = BrokerMetadataServiceUri.ask(brokerAdmin, ADMIN_TIMEOUT);
        }
        ClientConfiguration conf = clientConfiguration(client, uri);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // BookKeeper loads its metadata driver and auth provider by name, and its threads inherit this loader
        thread.setContextClassLoader(BookKeeperPackageStore.class.getClassLoader());
        try {
            BookKeeper bookKeeper = BookKeeper.newBuilder(conf).build();
            LOG.info("BookKeeper client for packages ready: {} ({} ms)", uri,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return new SharedClient(bookKeeper, uri);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackageException(Reason.UNAVAILABLE, "Interrupted while connecting to BookKeeper at " + uri, e);
        } catch (IOException | BKException | RuntimeException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot connect to BookKeeper at " + uri + ": " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
