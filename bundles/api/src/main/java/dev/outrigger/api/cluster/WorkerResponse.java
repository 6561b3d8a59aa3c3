package dev.outrigger.api.cluster;

/**
 * A worker's answer to a {@link WorkerRequest}.
 *
 * @param status the HTTP status
 * @param body the body as text (the admin API answers JSON); empty when there is none
 */
public record WorkerResponse(int status, String body) {

    public WorkerResponse {
        body = body == null ? "" : body;
    }

    /** @return whether the status is 2xx */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
