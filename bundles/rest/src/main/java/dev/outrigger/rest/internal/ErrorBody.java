package dev.outrigger.rest.internal;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/** Pulsar's error body, {@code {"reason": ...}}: what {@code PulsarAdmin} reads into its exception messages. */
record ErrorBody(String reason) {

    /**
     * An exception wrapped on its way up has the wrapped one's {@code toString()} as its message
     * ({@code com.google...UncheckedExecutionException: java.lang.IllegalArgumentException: Invalid package name}):
     * those class names are for the log, not for the caller, who gets the words after them.
     */
    private static final Pattern EXCEPTION_PREFIX =
            Pattern.compile("(^|: )((?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): )+");

    static Response response(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(readable(reason)))
                .build();
    }

    static String readable(String reason) {
        return reason == null ? null : EXCEPTION_PREFIX.matcher(reason).replaceAll("$1");
    }
}
