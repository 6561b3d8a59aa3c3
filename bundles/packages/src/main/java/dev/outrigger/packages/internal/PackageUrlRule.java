package dev.outrigger.packages.internal;

import dev.outrigger.api.metadata.ComponentType;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which package URLs the worker may fetch: Pulsar 4.0's rule ({@code PackageUrlValidator}, added for CVE-2024-27894).
 * A {@code file:} URL is allowed when its path lies in the functions (or connectors) directory and referencing files
 * there is enabled; any URL is allowed when, normalized, it matches one of the additional patterns in full.
 */
final class PackageUrlRule {

    /** Pulsar's error text for a URL this rule refuses, as {@code ComponentImpl#getPackageFile} words it. */
    static final String NOT_ALLOWED = "Function Package url is not valid.supported url (http/https/file)";

    private final Path functionsDirectory;
    private final Path connectorsDirectory;
    private final List<Pattern> functionsPatterns;
    private final List<Pattern> connectorsPatterns;

    /**
     * @throws IllegalArgumentException if a pattern is not a regular expression
     */
    PackageUrlRule(boolean referenceFunctionsDirectory, String functionsDirectory, String[] functionsPatterns,
            boolean referenceConnectorsDirectory, String connectorsDirectory, String[] connectorsPatterns) {
        this.functionsDirectory = directory(referenceFunctionsDirectory, functionsDirectory);
        this.connectorsDirectory = directory(referenceConnectorsDirectory, connectorsDirectory);
        this.functionsPatterns = compile("additionalEnabledFunctionsUrlPatterns", functionsPatterns);
        this.connectorsPatterns = compile("additionalEnabledConnectorUrlPatterns", connectorsPatterns);
    }

    static PackageUrlRule of(PackagesConfiguration config) {
        return new PackageUrlRule(
                config.enableReferencingFunctionsDirectoryFiles(), config.functionsDirectory(),
                config.additionalEnabledFunctionsUrlPatterns(),
                config.enableReferencingConnectorDirectoryFiles(), config.connectorsDirectory(),
                config.additionalEnabledConnectorUrlPatterns());
    }

    /**
     * @param type the kind of component the package is for, or null when unknown: then either kind's rule allows it
     *     (Pulsar does the same where it does not know the type)
     */
    boolean allows(ComponentType type, URI url) {
        if (type == null) {
            return allows(url, functionsDirectory, functionsPatterns)
                    || allows(url, connectorsDirectory, connectorsPatterns);
        }
        return switch (type) {
            case FUNCTION -> allows(url, functionsDirectory, functionsPatterns);
            case SOURCE, SINK -> allows(url, connectorsDirectory, connectorsPatterns);
        };
    }

    private static boolean allows(URI url, Path directory, List<Pattern> patterns) {
        if (directory != null && "file".equals(url.getScheme()) && url.getPath() != null) {
            Path file = Path.of(url.getPath()).normalize().toAbsolutePath();
            if (file.startsWith(directory)) {
                return true;
            }
        }
        String normalized = url.normalize().toString();
        return patterns.stream().anyMatch(pattern -> pattern.matcher(normalized).matches());
    }

    private static Path directory(boolean enabled, String directory) {
        // relative directories resolve against the worker's working directory, as in Pulsar
        return enabled && directory != null && !directory.isBlank()
                ? Path.of(directory).normalize().toAbsolutePath()
                : null;
    }

    private static List<Pattern> compile(String key, String[] patterns) {
        if (patterns == null) {
            return List.of();
        }
        return Arrays.stream(patterns).map(pattern -> {
            try {
                return Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Invalid regular expression in " + key + ": " + e.getMessage(), e);
            }
        }).toList();
    }
}
