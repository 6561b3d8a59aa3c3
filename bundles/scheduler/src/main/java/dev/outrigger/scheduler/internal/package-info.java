/**
 * Function instance assignments on a compacted Pulsar topic: the leader computes them and writes them, every worker
 * tails them.
 */
package dev.outrigger.scheduler.internal;
