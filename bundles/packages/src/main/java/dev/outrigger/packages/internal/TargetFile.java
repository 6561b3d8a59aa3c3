package dev.outrigger.packages.internal;

import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A package being fetched: written to a temporary file next to the target while its SHA-256 and size are computed, and
 * moved onto the target only once they match the reference. Closing it without a successful {@link #commit} removes
 * both the temporary file and the target, so a failed fetch never leaves a file anyone could mistake for the package.
 */
final class TargetFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetFile.class);

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final MessageDigest sha256 = Sha256.newDigest();
    private long size;
    private boolean committed;

    private TargetFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    static TargetFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".part");
        try {
            return new TargetFile(absolute, temporary,
                    FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Appends these bytes (position to limit; the buffer is consumed). */
    void write(ByteBuffer bytes) throws IOException {
        ByteBuffer forDigest = bytes.duplicate();
        while (bytes.hasRemaining()) {
            size += channel.write(bytes);
        }
        sha256.update(forDigest);
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        write(ByteBuffer.wrap(bytes, offset, length));
    }

    long size() {
        return size;
    }

    /**
     * Checks the bytes written against the reference (its SHA-256 and size, where it has them) and moves them onto
     * the target.
     *
     * @param what names the package in the error, e.g. {@code Package bookkeeper://ledger/7}
     * @throws PackageException CORRUPT naming both digests (or sizes) if they differ
     * @throws IOException if the file cannot be completed
     */
    void commit(PackageRef ref, String what) throws PackageException, IOException {
        channel.force(false);
        channel.close();
        String actual = Sha256.hex(sha256);
        if (ref.sha256() != null && !ref.sha256().equalsIgnoreCase(actual)) {
            throw new PackageException(Reason.CORRUPT, what + " is corrupt: its SHA-256 is " + actual
                    + " but " + ref.sha256() + " was recorded when it was stored (" + size + " bytes read)");
        }
        if (ref.size() >= 0 && ref.size() != size) {
            throw new PackageException(Reason.CORRUPT, what + " is corrupt: it has " + size + " bytes but "
                    + ref.size() + " were recorded when it was stored (SHA-256 " + actual + ", recorded "
                    + ref.sha256() + ")");
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // deleting it below is what matters
        }
        try {
            Files.deleteIfExists(temporary);
            Files.deleteIfExists(target);
        } catch (IOException e) {
            // not thrown: it would hide the failure that brought us here
            LOG.warn("Cannot remove {} or {} after a failed fetch: {}", temporary, target, e.toString());
        }
    }
}
