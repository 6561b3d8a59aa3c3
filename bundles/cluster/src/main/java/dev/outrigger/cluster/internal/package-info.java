/** Start-up against the brokers, membership and leader election of the worker cluster. */
package dev.outrigger.cluster.internal;
