/**
 * For authentication provider bundles: settings given as Pulsar gives keys and credential files, and values re-read
 * when their file changes. A library (as the topics bundle is), exported with a version like any api package.
 */
@Export
@Version("1.0.0")
package dev.outrigger.auth.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
