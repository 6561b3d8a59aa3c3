/** Running function instances on this worker. */
@Export
@Version("1.0.0")
package dev.outrigger.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
