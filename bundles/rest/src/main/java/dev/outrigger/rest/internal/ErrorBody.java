package dev.outrigger.rest.internal;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Pulsar's error body, {@code {"reason": ...}}: what {@code PulsarAdmin} reads into its exception messages. */
record ErrorBody(String reason) {

    static Response response(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(reason)).build();
    }
}
