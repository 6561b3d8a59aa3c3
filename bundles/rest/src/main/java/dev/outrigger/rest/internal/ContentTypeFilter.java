package dev.outrigger.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Jersey reads {@code Content-Type} (as the servlet hands it the request, see {@link SwappableServlet}) and
 * {@code Accept} (while it picks the resource method) outside its exception mappers: a value that does not parse (e.g.
 * {@code multipart/form-data; boundary=}) is a bare 400, which the servlet container answers with its own HTML page
 * (an empty body for PUT). They are checked first, so the answer is Pulsar's {@code {"reason"}}. A wildcard
 * {@code Content-Type} ({@code *}{@code /*}) is no body's type, yet it matches the multipart endpoints and fails their
 * reader (a 500): it is a 415.
 */
@PreMatching
// After authentication and authorization, as in Pulsar, where Jersey (behind its auth filter) reads these headers. An
// unparsable Content-Type reaches this only outside the servlet: SwappableServlet refuses it first, where Jersey did.
@Priority(Priorities.AUTHORIZATION + 100)
final class ContentTypeFilter implements ContainerRequestFilter {

    /** Header values are echoed in the reason, cut to this length. */
    private static final int SHOWN = 200;

    @Override
    public void filter(ContainerRequestContext request) {
        String invalid = invalidContentType(request.getHeaders().getOrDefault(HttpHeaders.CONTENT_TYPE, List.of()));
        if (invalid != null) {
            request.abortWith(ErrorBody.response(400, invalid));
            return;
        }
        MediaType type = request.getMediaType();
        if (type != null && (type.isWildcardType() || type.isWildcardSubtype())) {
            request.abortWith(ErrorBody.response(415, "Unsupported Media Type: a body's Content-Type cannot be a "
                    + "wildcard (" + shown(request.getHeaderString(HttpHeaders.CONTENT_TYPE)) + ")"));
            return;
        }
        try {
            request.getAcceptableMediaTypes();
        } catch (RuntimeException e) { // Jersey's HeaderValueException, a ProcessingException
            request.abortWith(ErrorBody.response(400, "Invalid Accept header: "
                    + shown(request.getHeaderString(HttpHeaders.ACCEPT))));
        }
    }

    /**
     * Why Jersey would refuse these {@code Content-Type} header values, or null if it would not: Jersey takes one
     * value, in its media type syntax (needs Jersey's {@code RuntimeDelegate}, found through the context class loader).
     */
    static String invalidContentType(List<String> values) {
        if (values.size() > 1) {
            return "More than one Content-Type header";
        }
        if (values.isEmpty() || values.get(0) == null) {
            return null;
        }
        try {
            MediaType.valueOf(values.get(0));
            return null;
        } catch (IllegalArgumentException e) {
            return "Invalid Content-Type header: " + shown(values.get(0));
        }
    }

    private static String shown(String value) {
        return value == null || value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "...";
    }
}
