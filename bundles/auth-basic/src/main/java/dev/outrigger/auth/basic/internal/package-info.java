/**
 * Pulsar's basic authentication ({@code AuthenticationProviderBasic}) as an {@code AuthenticationProvider} service:
 * users and password hashes from {@code basicAuthConf}, checked with commons-codec. Nothing here is exported.
 */
package dev.outrigger.auth.basic.internal;
