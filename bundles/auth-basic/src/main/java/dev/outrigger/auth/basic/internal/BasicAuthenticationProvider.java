package dev.outrigger.auth.basic.internal;

import dev.outrigger.auth.support.ConfigSource;
import dev.outrigger.auth.support.Reloadable;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar's {@code AuthenticationProviderBasic}: the client sends {@code Authorization: Basic base64(user:password)}
 * and the role is the user. A configuration change is applied in place ({@link Modified}), so the service stays
 * registered; a change of the users file is picked up within a second.
 */
@Component(
        configurationPid = ConfigurationPids.AUTH_BASIC,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = AuthenticationProvider.class,
        property = AuthenticationProvider.PULSAR_CLASS_NAMES + "=" + BasicAuthenticationProvider.PULSAR_CLASS_NAME)
@Designate(ocd = BasicAuthenticationConfiguration.class)
public final class BasicAuthenticationProvider implements AuthenticationProvider {

    static final String PULSAR_CLASS_NAME = "org.apache.pulsar.broker.authentication.AuthenticationProviderBasic";
    static final String METHOD = "basic";
    /** Pulsar's fallback when {@code basicAuthConf} is not set. */
    static final String SYSTEM_PROPERTY = "pulsar.auth.basic.conf";

    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthenticationProvider.class);
    private static final String HEADER = "Authorization";
    private static final String FAILED = "Unknown user or invalid password";
    // checked for unknown users, so they take as long to refuse as known ones
    private static final PasswordHash DECOY = PasswordHash.of("$apr1$decoy$N7Bk.5Tm2y9wL1XKQJ8j4/");

    private final LongSupplier ticker;
    private volatile State state;

    /** The users in force, or, after a change that cannot be applied, why every request is refused. */
    private record State(Reloadable<Users> users, String problem) {}

    /** @throws IllegalArgumentException or IOException if the users cannot be read: the component does not start */
    @Activate
    public BasicAuthenticationProvider(BasicAuthenticationConfiguration config) throws IOException {
        this(setting(config), System::nanoTime);
    }

    /** @param ticker monotonic nanoseconds pacing the users file check */
    BasicAuthenticationProvider(String basicAuthConf, LongSupplier ticker) throws IOException {
        this.ticker = ticker;
        Reloadable<Users> users = load(basicAuthConf, ticker);
        this.state = new State(users, null);
        LOG.info("Basic authentication ready: {} users from {}", users.get().size(), users.origin());
    }

    @Modified
    void modified(BasicAuthenticationConfiguration config) {
        apply(setting(config));
    }

    /** Applies a changed setting; one that cannot be used fails closed rather than keep users the operator replaced. */
    void apply(String basicAuthConf) {
        try {
            Reloadable<Users> users = load(basicAuthConf, ticker);
            state = new State(users, null);
            LOG.info("Basic authentication reconfigured: {} users from {}", users.get().size(), users.origin());
        } catch (IllegalArgumentException | IOException e) {
            state = new State(null, e.getMessage());
            LOG.error("Basic authentication now refuses every request, its new configuration cannot be used: {}",
                    e.getMessage());
        }
    }

    private static String setting(BasicAuthenticationConfiguration config) {
        String value = config._basicAuthConf();
        return value == null || value.isBlank() ? System.getProperty(SYSTEM_PROPERTY) : value;
    }

    private static Reloadable<Users> load(String basicAuthConf, LongSupplier ticker) throws IOException {
        if (basicAuthConf == null || basicAuthConf.isBlank()) {
            throw new IllegalArgumentException("basic authentication needs basicAuthConf (in properties): the users"
                    + " file, as a path, file: or data: URL, or base64");
        }
        return new Reloadable<>(ConfigSource.parse("basicAuthConf", basicAuthConf.strip()), Users::parse, ticker);
    }

    @Override
    public String authenticationMethod() {
        return METHOD;
    }

    @Override
    public String authenticate(AuthenticationRequest request) throws AuthenticationException {
        // parsed as Pulsar does: "Basic " in any case, one space, base64 of exactly user:password
        String header = request.header(HEADER).orElse(null);
        if (header == null || header.isBlank() || !header.toUpperCase(Locale.ROOT).startsWith("BASIC ")) {
            throw new AuthenticationException("Authentication token has to be started with \"Basic \"");
        }
        String[] split = header.split(" ");
        if (split.length != 2) {
            throw new AuthenticationException("Base64 encoded token is not found");
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(split[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("Base64 decoding is failure");
        }
        String[] parts = credentials.split(":");
        if (parts.length != 2) {
            throw new AuthenticationException("Base64 decoded params are invalid");
        }
        State current = state;
        if (current.users() == null) {
            throw new AuthenticationException("Basic authentication is misconfigured: " + current.problem());
        }
        PasswordHash hash = current.users().get().hash(parts[0]);
        boolean matches = (hash == null ? DECOY : hash).matches(parts[1]);
        if (hash == null || !matches) {
            throw new AuthenticationException(FAILED);
        }
        return parts[0];
    }
}
