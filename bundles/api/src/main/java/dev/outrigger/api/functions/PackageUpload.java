package dev.outrigger.api.functions;

import java.io.InputStream;
import java.util.Objects;

/**
 * A package as the caller sent it.
 *
 * @param fileName the name it was uploaded under
 * @param data its bytes, read once
 */
public record PackageUpload(String fileName, InputStream data) {

    public PackageUpload {
        Objects.requireNonNull(data, "data must not be null");
        fileName = fileName == null || fileName.isBlank() ? "package.jar" : fileName;
    }
}
