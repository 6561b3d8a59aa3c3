package dev.outrigger.api.cluster;

/** The broker could not tell who is in the cluster (it is unreachable or refused the request). */
public class ClusterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
