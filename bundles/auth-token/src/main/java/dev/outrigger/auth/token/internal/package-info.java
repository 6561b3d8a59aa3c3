/**
 * Pulsar's token authentication ({@code AuthenticationProviderToken}) as an {@code AuthenticationProvider} service:
 * JWTs verified with Nimbus JOSE+JWT against the configured secret or public key. Nothing here is exported.
 */
package dev.outrigger.auth.token.internal;
