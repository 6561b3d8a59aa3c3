package dev.outrigger.api.rest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Marker for JAX-RS resources: a component registered under this interface, with {@code @Path} on its class, is
 * served by the admin API's Jersey application while the component is active.
 */
@ConsumerType
public interface RestResource {}
