package dev.outrigger.auth.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value built from a {@link ConfigSource}; when that is a file, the file is re-read once its modification time, size
 * or identity changes, so operators rotate keys or change users without a restart. The check costs one {@code stat} and is made at
 * most once a second, by one request at a time; the others use the current value meanwhile. A changed file that
 * cannot be used (half written, removed, invalid) is reported once and the previous value kept, as the configuration
 * bundle keeps the previous {@code functions_worker.yml} when a change is invalid.
 *
 * @param <T> what the data becomes
 */
public final class Reloadable<T> {

    /** Turns the data into the value; throws {@link IllegalArgumentException} with a message free of secrets. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(byte[] data);
    }

    public static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(Reloadable.class);

    private final ConfigSource source;
    private final Loader<T> loader;
    private final LongSupplier ticker;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile T value;
    private volatile long nextCheck;
    private FileVersion seen; // guarded by checking

    /**
     * @param ticker nanoseconds of a monotonic clock ({@code System::nanoTime})
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the loader refuses the data
     */
    public Reloadable(ConfigSource source, Loader<T> loader, LongSupplier ticker) throws IOException {
        this.source = source;
        this.loader = loader;
        this.ticker = ticker;
        // the version is taken before the data, so a change made while reading is seen at the next check
        this.seen = source.file() == null ? null : FileVersion.ofOrMissing(source.file());
        this.value = loader.load(source.read());
        this.nextCheck = ticker.getAsLong() + CHECK_INTERVAL_NANOS;
    }

    /** @return the current value, re-read first if its file changed (checked at most once a second) */
    public T get() {
        if (source.file() != null) {
            long now = ticker.getAsLong();
            if (now - nextCheck >= 0 && checking.compareAndSet(false, true)) {
                try {
                    nextCheck = now + CHECK_INTERVAL_NANOS;
                    refresh();
                } finally {
                    checking.set(false);
                }
            }
        }
        return value;
    }

    /** @return where the value comes from, for log lines */
    public String origin() {
        return source.describe();
    }

    private void refresh() {
        Path file = source.file();
        FileVersion version = FileVersion.ofOrMissing(file);
        if (version.equals(seen)) {
            return;
        }
        seen = version;
        if (version == FileVersion.MISSING) {
            LOG.warn("{}: {} is gone; still using what it held before", source.setting(), file);
            return;
        }
        try {
            value = loader.load(source.read());
            LOG.info("{}: re-read {} after it changed", source.setting(), file);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("{}: {} changed but cannot be used, still using what it held before: {}",
                    source.setting(), file, e.getMessage());
        }
    }

    /** What tells a file changed without reading it; the file key changes when a new file is moved in. */
    private record FileVersion(FileTime modified, long size, Object fileKey) {
        static final FileVersion MISSING = new FileVersion(null, -1, null);

        static FileVersion ofOrMissing(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileVersion(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return MISSING;
            }
        }
    }
}
