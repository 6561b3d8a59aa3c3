/**
 * Function metadata on a compacted Pulsar topic: every worker tails it, only the leader writes it, other workers
 * forward their writes to the leader over the admin API.
 */
package dev.outrigger.metadata.internal;
