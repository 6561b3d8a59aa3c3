/**
 * Authentication and authorization of the admin API as services: providers ({@link AuthenticationProvider},
 * {@link AuthorizationProvider}) are bundles that come and go while the worker runs; {@link AccessControl} is the one
 * decision point the REST edge asks; {@link WorkerCredentials} is what this worker presents to other workers.
 */
@Export
@Version("1.1.0")
package dev.outrigger.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
