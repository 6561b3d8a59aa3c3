package dev.outrigger.api.scheduler;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told the whole current assignment map whenever it changes, one call at a time, in order: register one as a service.
 * A newly registered listener is told the current map at once. Listeners reconcile: compare with what they run.
 */
@ConsumerType
public interface AssignmentListener {

    /** @param assignments every assigned instance and the {@code workerId} that runs it */
    void assignmentsChanged(Map<InstanceId, String> assignments);
}
