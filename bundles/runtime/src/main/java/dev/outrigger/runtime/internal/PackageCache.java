package dev.outrigger.runtime.internal;

import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's local copies of function packages, content-addressed: a file is named by the SHA-256 of its bytes, so
 * two functions, or two lives of one function name, can only share a file when they run the same bytes. A cached file
 * is hashed again before it is reused (a file changed on disk is fetched again), and a package whose reference carries
 * no digest (a URL the worker does not copy) is fetched on every start, as its source may change. Fetches may run side
 * by side (each downloads into a name of its own, and files of one digest hold the same bytes); pruning must not run
 * while one does, as it removes the files no instance uses yet.
 */
final class PackageCache {

    private static final Logger LOG = LoggerFactory.getLogger(PackageCache.class);
    private static final Pattern CACHED = Pattern.compile("[0-9a-f]{64}\\.jar");
    private static final String DOWNLOAD_PREFIX = "download-";

    private final Path directory;

    PackageCache(Path directory) {
        this.directory = directory;
    }

    /**
     * @return a local file holding exactly the bytes {@code ref} names, named by their SHA-256
     * @throws PackageException if the store cannot fetch it or its bytes do not match the reference's digest
     */
    Path fetch(PackageRef ref, PackageStore store) throws PackageException, IOException {
        String expected = ref.sha256() == null || ref.sha256().isBlank() ? null : ref.sha256().toLowerCase(Locale.ROOT);
        if (expected != null) {
            Path cached = directory.resolve(expected + ".jar");
            if (Files.isRegularFile(cached)) {
                if (expected.equals(sha256(cached))) {
                    return cached;
                }
                LOG.warn("Cached package {} does not match its digest any more; fetching {} again", cached,
                        ref.location());
                Files.deleteIfExists(cached);
            }
        }
        // Into a name of its own first: a half-written or wrong download never takes a digest's name.
        Path download = directory.resolve(DOWNLOAD_PREFIX + UUID.randomUUID() + ".tmp");
        try {
            store.fetch(ref, download);
            String actual = sha256(download);
            if (expected != null && !expected.equals(actual)) {
                throw new PackageException(PackageException.Reason.CORRUPT, "Package " + ref.location()
                        + " has SHA-256 " + actual + ", its record says " + expected);
            }
            Path file = directory.resolve(actual + ".jar");
            // Same digest, same bytes: replacing a file an instance has open leaves its (identical) copy to it.
            Files.move(download, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } finally {
            Files.deleteIfExists(download);
        }
    }

    /** Removes the cached packages not in {@code inUse}, and any download left over. */
    void prune(Set<Path> inUse) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean ours = CACHED.matcher(name).matches() || name.startsWith(DOWNLOAD_PREFIX);
                if (ours && !inUse.contains(file)) {
                    try {
                        Files.deleteIfExists(file);
                        LOG.debug("Pruned package {}", file);
                    } catch (IOException e) {
                        LOG.warn("Cannot remove the unused package {}: {}", file, e.toString());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the package cache {}: {}", directory, e.toString());
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
