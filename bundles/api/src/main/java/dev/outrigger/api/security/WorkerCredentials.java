package dev.outrigger.api.security;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What this worker presents when it calls another worker's admin API: the credentials of its broker client ({@code
 * brokerClientAuthentication*}), as Pulsar's worker does. Registered by the bundle owning the broker clients.
 */
@ProviderType
public interface WorkerCredentials {

    /**
     * @param host the host the request goes to (some methods sign per host)
     * @return the HTTP headers to add; empty when the worker has no client authentication; never logged
     */
    Map<String, String> httpHeaders(String host);
}
