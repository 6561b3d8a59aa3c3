package dev.outrigger.api.scheduler;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** The cluster's assignments as this worker has read them from the assignments topic. */
@ProviderType
public interface AssignmentService {

    /** @return every assigned instance and the {@code workerId} that runs it */
    Map<InstanceId, String> assignments();
}
