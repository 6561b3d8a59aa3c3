/** The worker's compacted topics: read to their end with the format check, written through an exclusive producer. */
@Export
@Version("1.2.0")
package dev.outrigger.topics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
