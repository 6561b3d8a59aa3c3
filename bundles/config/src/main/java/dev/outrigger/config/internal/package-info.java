/** Reads Pulsar's {@code functions_worker.yml} and writes it into ConfigAdmin, one configuration per capability. */
package dev.outrigger.config.internal;
