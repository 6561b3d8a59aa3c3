/**
 * The behaviour behind the functions admin API, in Pulsar's own wire types ({@code FunctionConfig},
 * {@code FunctionStatus}), so the REST edge only parses, delegates and maps errors.
 */
@Export
@Version("1.2.0")
package dev.outrigger.api.functions;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
