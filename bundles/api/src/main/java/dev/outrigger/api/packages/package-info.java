/** Storing and fetching function, source and sink packages, with their integrity checked on every read. */
@Export
@Version("1.1.0")
package dev.outrigger.api.packages;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
