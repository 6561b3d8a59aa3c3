package dev.outrigger.itests.provider;

import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationProvider;
import dev.outrigger.api.security.AuthenticationRequest;

/**
 * A third party's provider, written against the api SPI only: it trusts {@code X-Example-Role} (never do this in
 * production) and appends the suffix its bundle's manifest names, so a test sees which version answered.
 */
public final class HeaderAuthenticationProvider implements AuthenticationProvider {

    public static final String CLASS_NAME = "com.example.auth.HeaderAuthenticationProvider";
    static final String HEADER = "X-Example-Role";

    private final String suffix;

    HeaderAuthenticationProvider(String suffix) {
        this.suffix = suffix;
    }

    @Override
    public String authenticationMethod() {
        return "example";
    }

    @Override
    public String authenticate(AuthenticationRequest request) throws AuthenticationException {
        String role = request.header(HEADER).filter(value -> !value.isBlank())
                .orElseThrow(() -> new AuthenticationException("No " + HEADER + " header"));
        return role + suffix;
    }
}
