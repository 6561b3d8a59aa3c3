/** How bundles and the launcher agree on start-up and fatal errors. */
@Export
@Version("1.0.0")
package dev.outrigger.api.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
