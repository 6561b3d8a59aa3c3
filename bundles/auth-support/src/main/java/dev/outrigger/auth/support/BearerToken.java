package dev.outrigger.auth.support;

import dev.outrigger.api.security.AuthenticationException;
import dev.outrigger.api.security.AuthenticationRequest;

/** The token of an {@code Authorization: Bearer} header, read as Pulsar reads it (RFC 6750, the exact prefix). */
public final class BearerToken {

    private static final String HEADER = "Authorization";
    private static final String BEARER = "Bearer ";

    private BearerToken() {}

    /**
     * @return the token, never blank
     * @throws AuthenticationException if the request has no bearer token; the message never quotes the header
     */
    public static String from(AuthenticationRequest request) throws AuthenticationException {
        String header = request.header(HEADER).orElse(null);
        if (header == null || !header.startsWith(BEARER)) {
            throw new AuthenticationException("Invalid HTTP Authorization header: no Bearer token");
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.isEmpty()) {
            throw new AuthenticationException("Blank token found");
        }
        return token;
    }
}
