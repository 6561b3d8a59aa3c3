/**
 * Function, source and sink metadata: the cluster's single source of truth about which components exist, kept on a
 * compacted Pulsar topic that the leader writes and every worker reads. Since 1.1: {@link MetadataValidator}, which
 * the leader asks before it writes a record another worker forwarded. Since 1.2:
 * {@link MetadataNotWrittenException}, a failed write that surely did not land.
 */
@Export
@Version("1.2.0")
package dev.outrigger.api.metadata;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
