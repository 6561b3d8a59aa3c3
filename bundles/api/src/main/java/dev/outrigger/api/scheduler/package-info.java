/** Which worker runs which function instance: computed by the leader, published on the assignments topic. */
@Export
@Version("1.1.0")
package dev.outrigger.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
