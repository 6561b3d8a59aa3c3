package dev.outrigger.benchmarks.provider;

import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;

/**
 * A third party's authentication provider, written against Outrigger's api SPI only, which SecurityBenchmark drops
 * into a running worker's {@code deploy/}: it trusts the {@code X-Example-Role} header (never do this in production),
 * so the time measured is the worker's, not a token library's.
 */
public final class HeaderAuthenticationProvider implements AuthenticationProvider {

    /** What {@code authenticationProviders} names to use it. */
    public static final String CLASS_NAME = "com.example.auth.HeaderAuthenticationProvider";
    public static final String HEADER = "X-Example-Role";

    @Override
    public String authenticationMethod() {
        return "example";
    }

    @Override
    public String authenticate(AuthenticationRequest request) throws AuthenticationException {
        return request.header(HEADER).filter(value -> !value.isBlank())
                .orElseThrow(() -> new AuthenticationException("No " + HEADER + " header"));
    }
}
