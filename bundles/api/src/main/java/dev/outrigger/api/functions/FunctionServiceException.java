package dev.outrigger.api.functions;

/** A request the function service refuses or cannot serve; the kind decides the HTTP status at the edge. */
public class FunctionServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, as Pulsar's worker answers it. */
    public enum Kind {
        /** 400: the caller's mistake */
        BAD_REQUEST(400),
        /** 404: no such function or instance */
        NOT_FOUND(404),
        /** 408: an answer did not come in time (trigger) */
        TIMEOUT(408),
        /** 503: not ready, leader away, storage unavailable */
        UNAVAILABLE(503),
        /** 500: ours */
        INTERNAL(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public FunctionServiceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FunctionServiceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static FunctionServiceException badRequest(String message) {
        return new FunctionServiceException(Kind.BAD_REQUEST, message);
    }

    public static FunctionServiceException notFound(String message) {
        return new FunctionServiceException(Kind.NOT_FOUND, message);
    }
}
