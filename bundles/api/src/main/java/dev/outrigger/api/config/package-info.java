/**
 * Names shared between the configuration bundle, which writes configurations, and the components that read them.
 * Since 1.4: {@link EffectiveConfiguration}, the configuration in force as operators see it.
 */
@Export
@Version("1.4.0")
package dev.outrigger.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
