/** Names shared between the configuration bundle, which writes configurations, and the components that read them. */
@Export
@Version("1.3.0")
package dev.outrigger.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
