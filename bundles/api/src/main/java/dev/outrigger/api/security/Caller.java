package dev.outrigger.api.security;

/**
 * Who sent a request, once authenticated.
 *
 * @param role the authenticated role; null when authentication is off
 * @param originalPrincipal the {@code X-Original-Principal} a proxy passed on, or null
 * @param authenticationMethod the method that authenticated the request ({@code token}, ...), or null
 */
public record Caller(String role, String originalPrincipal, String authenticationMethod) {

    /** A request served while authentication is off. */
    public static final Caller ANONYMOUS = new Caller(null, null, null);

    @Override
    public String toString() {
        return originalPrincipal == null ? "role [" + role + "]"
                : "role [" + role + "] and originalPrincipal [" + originalPrincipal + "]";
    }
}
