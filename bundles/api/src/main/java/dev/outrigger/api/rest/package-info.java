/** How bundles contribute JAX-RS resources to the admin API. */
@Export
@Version("1.0.0")
package dev.outrigger.api.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
