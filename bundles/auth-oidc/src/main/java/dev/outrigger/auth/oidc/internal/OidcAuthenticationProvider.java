package dev.outrigger.auth.oidc.internal;

import dev.outrigger.auth.support.BearerToken;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar's {@code AuthenticationProviderOpenID}: the client sends {@code Authorization: Bearer <jwt>} issued by one of
 * {@code openIDAllowedTokenIssuers}, and the role is the token's {@code openIDRoleClaim}. Its method name is
 * {@code token}, as Pulsar's (its OAuth2 client plugin sends that name). A configuration change is applied in place
 * ({@link Modified}), so the service stays registered; the new settings start with an empty key cache.
 */
@Component(
        configurationPid = ConfigurationPids.AUTH_OIDC,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = AuthenticationProvider.class,
        property = AuthenticationProvider.PULSAR_CLASS_NAMES + "=" + OidcAuthenticationProvider.PULSAR_CLASS_NAME)
@Designate(ocd = OidcAuthenticationConfiguration.class)
public final class OidcAuthenticationProvider implements AuthenticationProvider {

    static final String PULSAR_CLASS_NAME = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";
    static final String METHOD = "token";

    private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticationProvider.class);

    private final Clock clock;
    private final LongSupplier ticker;
    /** Background key refreshes of every issuer; lives as long as the component, across reconfigurations. */
    private final ExecutorService refresher;
    private volatile State state;

    /** The validator in force, or, after a change that cannot be applied, why every token is refused. */
    private record State(OidcValidator validator, String problem) {}

    /** @throws IllegalArgumentException naming the key if the settings cannot be used: the component does not start */
    @Activate
    public OidcAuthenticationProvider(OidcAuthenticationConfiguration config) {
        this(settingsOrExplain(config), Clock.systemUTC(), System::nanoTime);
    }

    OidcAuthenticationProvider(OidcSettings settings, Clock clock, LongSupplier ticker) {
        this(settings, clock, ticker, newRefresher());
    }

    /**
     * @param clock what {@code exp}, {@code nbf} and {@code iat} are checked against
     * @param ticker monotonic nanoseconds for the key cache and the unknown-kid pacing
     * @param refresher runs the background key refreshes; shut down with the component
     */
    OidcAuthenticationProvider(OidcSettings settings, Clock clock, LongSupplier ticker, ExecutorService refresher) {
        this.clock = clock;
        this.ticker = ticker;
        this.refresher = refresher;
        try {
            OidcValidator validator = new OidcValidator(settings, refresher, clock, ticker);
            this.state = new State(validator, null);
            LOG.info("OpenID Connect authentication ready: {}", validator.describe());
        } catch (RuntimeException e) {
            refresher.shutdownNow();
            LOG.error("OpenID Connect authentication cannot start: {}", e.getMessage());
            throw e;
        }
    }

    private static OidcSettings settingsOrExplain(OidcAuthenticationConfiguration config) {
        try {
            return OidcSettings.of(config);
        } catch (IllegalArgumentException e) {
            // DS logs the exception too, but buried in a stack trace; this line says what to fix
            LOG.error("OpenID Connect authentication cannot start: {}", e.getMessage());
            throw e;
        }
    }

    @Modified
    void modified(OidcAuthenticationConfiguration config) {
        try {
            apply(OidcSettings.of(config));
        } catch (IllegalArgumentException e) {
            refuseAll(e.getMessage());
        }
    }

    /** Applies changed settings; unusable ones fail closed rather than keep issuers the operator removed. */
    void apply(OidcSettings settings) {
        try {
            OidcValidator next = new OidcValidator(settings, refresher, clock, ticker);
            state = new State(next, null);
            LOG.info("OpenID Connect authentication reconfigured: {}", next.describe());
        } catch (IllegalArgumentException e) {
            refuseAll(e.getMessage());
        }
    }

    private void refuseAll(String problem) {
        state = new State(null, problem);
        LOG.error("OpenID Connect authentication now refuses every token, its new configuration cannot be used: {}",
                problem);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
    }

    @Override
    public String authenticationMethod() {
        return METHOD;
    }

    @Override
    public String authenticate(AuthenticationRequest request) throws AuthenticationException {
        String token = BearerToken.from(request);
        State current = state;
        if (current.validator() == null) {
            throw new AuthenticationException("OpenID Connect authentication is misconfigured: " + current.problem());
        }
        return current.validator().validate(token);
    }

    /** One daemon thread at most, gone when idle: refreshes are hours apart. */
    private static ExecutorService newRefresher() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "outrigger-oidc-keys");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
