package dev.outrigger.auth.token.internal;

import dev.outrigger.auth.support.BearerToken;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulsar's {@code AuthenticationProviderToken}: the client sends {@code Authorization: Bearer <jwt>} and the role is
 * the token's {@code tokenAuthClaim}. A configuration change is applied in place ({@link Modified}), so the service
 * stays registered and requests in flight finish with the settings they started with.
 */
@Component(
        configurationPid = ConfigurationPids.AUTH_TOKEN,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = AuthenticationProvider.class,
        property = AuthenticationProvider.PULSAR_CLASS_NAMES + "=" + TokenAuthenticationProvider.PULSAR_CLASS_NAME)
@Designate(ocd = TokenAuthenticationConfiguration.class)
public final class TokenAuthenticationProvider implements AuthenticationProvider {

    static final String PULSAR_CLASS_NAME = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
    static final String METHOD = "token";

    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticationProvider.class);

    private final Clock clock;
    private final LongSupplier ticker;
    private volatile State state;

    /** The validator in force, or, after a change that cannot be applied, why every token is refused. */
    private record State(TokenValidator validator, String problem) {}

    /** @throws IllegalArgumentException or IOException if the settings cannot be used: the component does not start */
    @Activate
    public TokenAuthenticationProvider(TokenAuthenticationConfiguration config) throws IOException {
        this(TokenSettings.of(config), Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param clock what {@code exp} and {@code nbf} are checked against
     * @param ticker monotonic nanoseconds pacing the key file check
     */
    TokenAuthenticationProvider(TokenSettings settings, Clock clock, LongSupplier ticker) throws IOException {
        this.clock = clock;
        this.ticker = ticker;
        TokenValidator validator = new TokenValidator(settings, clock, ticker);
        this.state = new State(validator, null);
        LOG.info("Token authentication ready: {}", validator.describe());
    }

    @Modified
    void modified(TokenAuthenticationConfiguration config) {
        apply(TokenSettings.of(config));
    }

    /** Applies changed settings; unusable ones fail closed rather than keep a key the operator replaced. */
    void apply(TokenSettings settings) {
        try {
            TokenValidator next = new TokenValidator(settings, clock, ticker);
            state = new State(next, null);
            LOG.info("Token authentication reconfigured: {}", next.describe());
        } catch (IllegalArgumentException | IOException e) {
            state = new State(null, e.getMessage());
            LOG.error("Token authentication now refuses every token, its new configuration cannot be used: {}",
                    e.getMessage());
        }
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
            throw new AuthenticationException("Token authentication is misconfigured: " + current.problem());
        }
        return current.validator().validate(token);
    }
}
