package dev.outrigger.packages.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.packages.PackageException;
import dev.outrigger.api.packages.PackageException.Reason;
import dev.outrigger.api.packages.PackageRef;
import dev.outrigger.api.packages.PackageStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages the user names by URL: fetched on demand from http(s) or the worker's file system, never copied into
 * storage, never deleted. Only URLs that Pulsar 4.0's rule allows are fetched ({@link PackageUrlRule}); the digest is
 * checked where the reference has one.
 */
@Component(
        configurationPid = ConfigurationPids.WORKER,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {}) // registered by hand, without the worker PID's keys; described by BookKeeperPackageStore's OCD
public final class UrlPackageStore implements PackageStore {

    private static final Logger LOG = LoggerFactory.getLogger(UrlPackageStore.class);

    static final Set<String> SCHEMES = Set.of("http", "https", "file");
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Until the response headers arrive. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** For the whole body: a server that stalls halfway must not hold a worker thread forever. */
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final int BUFFER_SIZE = 64 * 1024;

    private volatile PackageUrlRule rule;
    private final Duration downloadTimeout;
    private final HttpClient http;
    private final ServiceRegistration<PackageStore> registration;

    @Activate
    public UrlPackageStore(BundleContext context, PackagesConfiguration config) {
        this(PackageUrlRule.of(config), DOWNLOAD_TIMEOUT, context);
    }

    /** For tests. */
    UrlPackageStore(PackageUrlRule rule, Duration downloadTimeout) {
        this(rule, downloadTimeout, null);
    }

    private UrlPackageStore(PackageUrlRule rule, Duration downloadTimeout, BundleContext context) {
        this.rule = Objects.requireNonNull(rule, "rule must not be null");
        this.downloadTimeout = downloadTimeout;
        // NORMAL: redirects are followed, as Pulsar's URL.openStream() does, but never from https to http
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
        this.registration = context == null ? null : context.registerService(PackageStore.class, this,
                FrameworkUtil.asDictionary(Map.of(
                        PackageStore.SCHEMES, SCHEMES.toArray(String[]::new),
                        Constants.SERVICE_DESCRIPTION, "Outrigger's fetcher of packages named by http(s) or file URL")));
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    @Modified
    void modified(PackagesConfiguration config) {
        try {
            rule = PackageUrlRule.of(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}; the previous package URL rules stay in force", e.getMessage());
        }
    }

    /** Always refuses: a package named by URL stays where it is. */
    @Override
    public PackageRef store(FunctionKey owner, String fileName, InputStream data) {
        throw new UnsupportedOperationException("Packages named by an http, https or file URL are fetched from there, "
                + "not stored");
    }

    @Override
    public void fetch(PackageRef ref, Path target) throws PackageException {
        Objects.requireNonNull(target, "target must not be null");
        URI url = parse(ref.location());
        if (!rule.allows(null, url)) {
            throw new PackageException(Reason.INVALID, PackageUrlRule.NOT_ALLOWED);
        }
        if ("file".equals(url.getScheme())) {
            copy(ref, url, target);
        } else {
            download(ref, url, target);
        }
    }

    /** Nothing to do: the package belongs to whoever serves the URL. */
    @Override
    public void delete(PackageRef ref) {
        LOG.debug("Not deleting {}: packages named by URL are not ours", ref.location());
    }

    static URI parse(String location) throws PackageException {
        URI url;
        try {
            url = new URI(location);
        } catch (URISyntaxException e) {
            throw new PackageException(Reason.INVALID, "Malformed package URL '" + location + "': " + e.getMessage(), e);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new PackageException(Reason.INVALID, PackageUrlRule.NOT_ALLOWED);
        }
        if (!scheme.equals(url.getScheme())) {
            // URI.normalize() keeps the scheme's case: Pulsar's patterns and file check see it lower-case
            try {
                url = new URI(scheme + location.substring(scheme.length()));
            } catch (URISyntaxException e) {
                throw new PackageException(Reason.INVALID, "Malformed package URL '" + location + "'", e);
            }
        }
        return url;
    }

    private static void copy(PackageRef ref, URI url, Path target) throws PackageException {
        Path source;
        try {
            source = Path.of(url);
        } catch (IllegalArgumentException e) {
            throw new PackageException(Reason.INVALID, "Malformed file URL '" + ref.location() + "': "
                    + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(source); TargetFile out = TargetFile.create(target)) {
            transfer(in, out);
            out.commit(ref, "Package " + ref.location());
        } catch (NoSuchFileException e) {
            throw new PackageException(Reason.NOT_FOUND, "Package " + ref.location() + " not found", e);
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot copy package " + ref.location() + " to " + target
                    + ": " + e, e);
        }
    }

    private void download(PackageRef ref, URI url, Path target) throws PackageException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackageException(Reason.UNAVAILABLE, "Interrupted while downloading " + ref.location(), e);
        } catch (IOException e) {
            throw new PackageException(Reason.UNAVAILABLE, "Cannot download package " + ref.location() + ": " + e, e);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 404 || status == 410) {
                throw new PackageException(Reason.NOT_FOUND, "Package " + ref.location() + " not found (HTTP "
                        + status + ")");
            }
            if (status != 200) {
                throw new PackageException(Reason.UNAVAILABLE, "Cannot download package " + ref.location()
                        + ": HTTP " + status);
            }
            CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
                timedOut.set(true);
                closeQuietly(body);
            }, CompletableFuture.delayedExecutor(downloadTimeout.toMillis(), TimeUnit.MILLISECONDS));
            try (TargetFile out = TargetFile.create(target)) {
                transfer(body, out);
                watchdog.cancel(false);
                out.commit(ref, "Package " + ref.location());
            } finally {
                watchdog.cancel(false);
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new PackageException(Reason.UNAVAILABLE, "Downloading package " + ref.location()
                        + " did not finish within " + downloadTimeout.toSeconds() + " s", e);
            }
            throw new PackageException(Reason.UNAVAILABLE, "Cannot download package " + ref.location() + ": " + e, e);
        }
    }

    private static void transfer(InputStream in, TargetFile out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the reader sees the stream fail, which is the point
        }
    }
}
