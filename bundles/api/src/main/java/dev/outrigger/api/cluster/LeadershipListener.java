package dev.outrigger.api.cluster;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when this worker gains or loses the leadership of its cluster: register one as a service. A listener
 * registered while this worker leads is told {@link #becameLeader()} at once. Calls come one at a time, in order, on
 * a thread of their own: a listener may block briefly (acquiring an exclusive producer) but not for long.
 */
@ConsumerType
public interface LeadershipListener {

    void becameLeader();

    void lostLeadership();
}
