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

    /**
     * @return the admin client {@code Context.getPulsarAdmin()} returns, or null when not exposed: the worker's own,
     *     behind a view whose {@code close()} does nothing, so no function can close it for the whole worker
     */
    PulsarAdmin exposedAdmin() {
        return exposeAdmin && admin != null ? unclosable(admin) : null;
    }

    private static PulsarAdmin unclosable(PulsarAdmin admin) {
        return (PulsarAdmin) java.lang.reflect.Proxy.newProxyInstance(PulsarAdmin.class.getClassLoader(),
                new Class<?>[] {PulsarAdmin.class}, (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "close":
                            return null;
                        case "equals":
                            return proxy == arguments[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "toString":
                            return "PulsarAdmin of the worker (close() does nothing)";
                        default:
                            try {
                                return method.invoke(admin, arguments);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
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
