/**
 * Pulsar's OpenID Connect authentication ({@code AuthenticationProviderOpenID}) as an {@code AuthenticationProvider}
 * service: JWTs from allowed issuers, verified with Nimbus JOSE+JWT against the keys each issuer's discovery document
 * points to, cached and refreshed. Nothing here is exported.
 */
package dev.outrigger.auth.oidc.internal;
