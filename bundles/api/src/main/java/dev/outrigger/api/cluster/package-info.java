/**
 * This worker's identity, the members of the worker cluster and its leader, and the channel to call other workers
 * with.
 */
@Export
@Version("1.2.0")
package dev.outrigger.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
