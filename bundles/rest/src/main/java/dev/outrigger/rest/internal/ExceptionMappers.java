package dev.outrigger.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.outrigger.api.cluster.ClusterUnavailableException;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.rest.ErrorResponseException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become HTTP answers: Pulsar's status codes and {@code {"reason"}} bodies. */
final class ExceptionMappers {

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionMappers.class);

    private ExceptionMappers() {}

    /**
     * A body cut off at its limit is the caller's mistake, whatever the reader that met it wrapped it in: 413 with the
     * limit named; null when the failure is something else.
     */
    static Response tooLarge(Throwable failure) {
        RequestTooLargeException tooLarge = RequestTooLargeException.in(failure);
        if (tooLarge == null) {
            return null;
        }
        LOG.debug("Answered 413: {}", tooLarge.getMessage());
        return ErrorBody.response(413, tooLarge.getMessage());
    }

    static final class ErrorResponses implements ExceptionMapper<ErrorResponseException> {
        @Override
        public Response toResponse(ErrorResponseException e) {
            Response tooLarge = tooLarge(e);
            if (tooLarge != null) {
                return tooLarge;
            }
            // 503 is an expected answer (not ready, not the leader); only a 500 is a failure of ours.
            if (e.status() == 500) {
                LOG.error("Request failed: {}", e.getMessage(), e);
            } else {
                LOG.debug("Answered {}: {}", e.status(), e.getMessage());
            }
            return ErrorBody.response(e.status(), e.getMessage());
        }
    }

    static final class ClusterUnavailable implements ExceptionMapper<ClusterUnavailableException> {
        @Override
        public Response toResponse(ClusterUnavailableException e) {
            LOG.warn("Cluster state unavailable: {}", e.getMessage());
            return ErrorBody.response(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), e.getMessage());
        }
    }

    static final class FunctionServiceErrors implements ExceptionMapper<FunctionServiceException> {
        @Override
        public Response toResponse(FunctionServiceException e) {
            Response tooLarge = tooLarge(e);
            if (tooLarge != null) {
                return tooLarge;
            }
            if (e.kind() == FunctionServiceException.Kind.INTERNAL) {
                LOG.error("Request failed: {}", e.getMessage(), e);
            } else {
                LOG.debug("Answered {}: {}", e.kind().status(), e.getMessage());
            }
            return ErrorBody.response(e.kind().status(), e.getMessage());
        }
    }

    /** Malformed JSON in a request body is the caller's mistake. */
    static final class MalformedJson implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            return ErrorBody.response(Response.Status.BAD_REQUEST.getStatusCode(),
                    "Invalid JSON: " + e.getOriginalMessage());
        }
    }

    /** JAX-RS's own answers (404, 405, 415, redirects) keep their status and get a JSON reason. */
    static final class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Context
        private UriInfo uriInfo;

        @Override
        public Response toResponse(WebApplicationException e) {
            // the multipart parser turns a body cut off at the request limit into a 400
            Response tooLarge = tooLarge(e);
            if (tooLarge != null) {
                return tooLarge;
            }
            Response response = e.getResponse();
            int status = response.getStatus();
            if (status < 400 || response.hasEntity()) {
                return response;
            }
            String reason = status == 404 ? "Not found: /" + uriInfo.getPath() : response.getStatusInfo().getReasonPhrase();
            if (e.getCause() != null && status != 404) {
                reason = e.getMessage();
            }
            return ErrorBody.response(status, reason);
        }
    }

    /**
     * A charset the request names (a multipart part's {@code Content-Type: text/plain; charset=EBCDIC}) that this JVM
     * does not have is the caller's mistake, found while Jersey reads the part: 400, not 500.
     */
    static final class UnsupportedCharset implements ExceptionMapper<java.nio.charset.UnsupportedCharsetException> {
        @Override
        public Response toResponse(java.nio.charset.UnsupportedCharsetException e) {
            return ErrorBody.response(Response.Status.BAD_REQUEST.getStatusCode(),
                    "Unsupported charset in the request: " + e.getCharsetName());
        }
    }

    /** As {@link UnsupportedCharset}, for a charset name that is not even a name ({@code charset=a b}). */
    static final class IllegalCharsetName implements ExceptionMapper<java.nio.charset.IllegalCharsetNameException> {
        @Override
        public Response toResponse(java.nio.charset.IllegalCharsetNameException e) {
            return ErrorBody.response(Response.Status.BAD_REQUEST.getStatusCode(),
                    "Invalid charset in the request: " + e.getCharsetName());
        }
    }

    /** Anything else is our bug: logged with its stack, answered without it. */
    static final class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            Response tooLarge = tooLarge(e);
            if (tooLarge != null) {
                return tooLarge;
            }
            LOG.error("Unexpected failure while serving a request", e);
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return ErrorBody.response(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), reason);
        }
    }
}
