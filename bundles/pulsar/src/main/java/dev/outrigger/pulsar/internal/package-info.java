/** Builds the worker's Pulsar clients from the {@code dev.outrigger.pulsar} configuration and publishes them. */
package dev.outrigger.pulsar.internal;
