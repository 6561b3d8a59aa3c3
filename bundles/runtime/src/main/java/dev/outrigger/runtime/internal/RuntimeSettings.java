package dev.outrigger.runtime.internal;

import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * What the worker's configuration says about running instances; an instance takes the settings of when it started,
 * as Pulsar's instances do.
 *
 * @param admin the worker's admin client (instances ask it the schemas registered on their topics), or null
 * @param exposeAdmin whether {@code Context.getPulsarAdmin()} returns it ({@code exposeAdminClientEnabled})
 * @param maxPendingAsyncRequests how many results of an asynchronous function may be outstanding
 */
record RuntimeSettings(PulsarAdmin admin, boolean exposeAdmin, int maxPendingAsyncRequests) {

    /** Pulsar's WorkerConfig default. */
    static final int DEFAULT_MAX_PENDING_ASYNC_REQUESTS = 1000;

    static final RuntimeSettings DEFAULTS = new RuntimeSettings(null, false, DEFAULT_MAX_PENDING_ASYNC_REQUESTS);

    /** @return the admin client {@code Context.getPulsarAdmin()} returns, or null when not exposed */
    PulsarAdmin exposedAdmin() {
        return exposeAdmin ? admin : null;
    }

    /** @param worker the worker's configuration (Pulsar's keys), as the config bundle writes it */
    static RuntimeSettings of(Map<String, ?> worker, PulsarAdmin admin) {
        boolean expose = Boolean.parseBoolean(String.valueOf(worker.get("exposeAdminClientEnabled")));
        Object maxPending = worker.get("maxPendingAsyncRequests");
        int pending = DEFAULT_MAX_PENDING_ASYNC_REQUESTS;
        if (maxPending instanceof Number number && number.intValue() > 0) {
            pending = number.intValue();
        } else if (maxPending != null) {
            try {
                int parsed = Integer.parseInt(maxPending.toString().trim());
                pending = parsed > 0 ? parsed : pending;
            } catch (NumberFormatException e) {
                // the config bundle validated it; keep the default
            }
        }
        return new RuntimeSettings(admin, expose, pending);
    }
}
