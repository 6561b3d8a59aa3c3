package dev.outrigger.config.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when a file may have changed. Watches the directory, not the file: editors save by replacing the file,
 * and Kubernetes updates a mounted ConfigMap by swapping its {@code ..data} link. Callers compare the content, so a
 * spurious call is harmless.
 */
final class FileWatcher implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

    /** An editor's save is several events; wait until the directory is quiet this long before calling back. */
    private static final long SETTLE_MILLIS = 100;

    private final Path file;
    private final Runnable onChange;
    private final WatchService watchService;
    private final Thread thread;

    FileWatcher(Path file, Runnable onChange) throws IOException {
        this.file = file;
        this.onChange = onChange;
        Path directory = file.toAbsolutePath().getParent();
        this.watchService = directory.getFileSystem().newWatchService();
        try {
            directory.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        } catch (IOException e) {
            watchService.close();
            throw e;
        }
        this.thread = new Thread(this::run, "outrigger-config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean relevant = drain(key);
                // coalesce the rest of a save before reading the file
                for (WatchKey more; (more = watchService.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    relevant |= drain(more);
                }
                if (relevant) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        LOG.error("Applying changes of {} failed", file, e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            LOG.debug("Stopped watching {}", file);
        }
    }

    private boolean drain(WatchKey key) {
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            Object context = event.context();
            relevant |= event.kind() == OVERFLOW
                    || file.getFileName().equals(context)
                    || context instanceof Path name && name.toString().startsWith("..");
        }
        key.reset();
        return relevant;
    }

    /**
     * Stops the thread and waits for a call back in progress to finish. Closing the WatchService wakes the thread;
     * an interrupt could instead break ConfigAdmin's file writes half-way.
     */
    @Override
    public void close() throws IOException {
        watchService.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
