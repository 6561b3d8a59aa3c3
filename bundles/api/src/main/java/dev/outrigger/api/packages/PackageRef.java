package dev.outrigger.api.packages;

import java.util.Objects;

/**
 * Where a package is and what it must hash to.
 *
 * @param location a URI whose scheme names the store: {@code bookkeeper:...} for packages the worker stored,
 *     {@code http(s):}, {@code file:} or {@code function://} for packages the user named
 * @param sha256 lower-case hex SHA-256 of the package's bytes, or null where the worker cannot know it in advance
 *     (a URL it does not copy)
 * @param size its size in bytes, or -1 where unknown
 */
public record PackageRef(String location, String sha256, long size) {

    public PackageRef {
        Objects.requireNonNull(location, "location must not be null");
    }

    /** @return the scheme of the location, which selects the {@link PackageStore} */
    public String scheme() {
        int colon = location.indexOf(':');
        return colon < 0 ? "" : location.substring(0, colon);
    }
}
