package dev.outrigger.rest.internal;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;

/**
 * The net under {@link ExceptionMappers}: an error answer Jersey made without an entity (its internal mappings bypass
 * the mappers) would reach the servlet container bare, which answers it with its own HTML page or nothing. Every
 * such answer gets Pulsar's {@code {"reason"}} with the status's reason phrase instead.
 */
final class ErrorBodyFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() < 400 || response.hasEntity()) {
            return;
        }
        String phrase = response.getStatusInfo().getReasonPhrase();
        response.setEntity(new ErrorBody(phrase == null || phrase.isBlank() ? "HTTP " + response.getStatus() : phrase),
                null, MediaType.APPLICATION_JSON_TYPE);
    }
}
