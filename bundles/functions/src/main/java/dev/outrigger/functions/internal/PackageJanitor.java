package dev.outrigger.functions.internal;

import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.FunctionMetadataStore;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes packages no record will use. A package is deleted at once only when its record surely did not land (the
 * write was refused); when the outcome is unknown (the leader went away, the confirmation timed out, a forwarded
 * write may still be retried) it is deleted only if, after {@link #SETTLE} (longer than a forwarded write and its
 * retries can take), no record names it: otherwise a live function would lose its package (issue 11 finding 2).
 */
final class PackageJanitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PackageJanitor.class);
    /** Well beyond the 25 s in which the metadata store settles a write, with its retries, one way or the other. */
    static final Duration SETTLE = Duration.ofMinutes(3);
    private static final int MAX_CHECKS = 5;

    private final PackageStores packages;
    private final FunctionMetadataStore metadata;
    private final Duration settle;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-package-janitor");
        thread.setDaemon(true);
        return thread;
    });

    PackageJanitor(PackageStores packages, FunctionMetadataStore metadata, Duration settle) {
        this.packages = packages;
        this.metadata = metadata;
        this.settle = settle;
    }

    /** Best effort: a package left behind wastes space but breaks nothing, so a failure here is only logged. */
    void discard(PackageRef ref, boolean owned) {
        if (!owned || ref == null) {
            return;
        }
        try {
            packages.forLocation(ref).delete(ref);
        } catch (PackageException | RuntimeException e) {
            LOG.warn("Could not delete package {}: {}", ref.location(), e.getMessage());
        }
    }

    /**
     * For a write whose outcome is unknown: the package of {@code key} stays until the record it was written for has
     * surely not landed. A worker that stops first leaves it behind, which costs space only.
     */
    void discardUnlessRecorded(PackageRef ref, boolean owned, FunctionKey key) {
        if (!owned || ref == null) {
            return;
        }
        LOG.info("The write of {} may still land: its package {} is kept for {} s, then deleted if no record names it",
                key, ref.location(), settle.toSeconds());
        schedule(ref, key, 1);
    }

    private void schedule(PackageRef ref, FunctionKey key, int check) {
        if (!timer.isShutdown()) {
            timer.schedule(() -> settle(ref, key, check), settle.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void settle(PackageRef ref, FunctionKey key, int check) {
        Optional<FunctionMetadata> record;
        try {
            record = metadata.get(key);
        } catch (RuntimeException e) {
            // the metadata cannot be read now: asking again later beats deleting what may be in use
            if (check < MAX_CHECKS) {
                schedule(ref, key, check + 1);
            } else {
                LOG.warn("Package {} of {} left in place: the metadata could not be read to know whether it is used",
                        ref.location(), key);
            }
            return;
        }
        if (record.isPresent() && ref.equals(record.get().packageRef())) {
            LOG.info("The write of {} landed after all: its package {} stays", key, ref.location());
            return;
        }
        discard(ref, true);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
