/** Pulsar's namespace authorization; nothing here is exported. */
package dev.outrigger.authz.pulsar.internal;
