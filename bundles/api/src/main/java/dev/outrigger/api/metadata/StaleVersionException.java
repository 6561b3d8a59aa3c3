package dev.outrigger.api.metadata;

/** A write named a version that is no longer current: someone else wrote first. */
public class StaleVersionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleVersionException(String message) {
        super(message);
    }
}
