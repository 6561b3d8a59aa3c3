package dev.outrigger.api.cluster;

/**
 * Marks what Outrigger writes on the worker topics, so a worker can tell a cluster of Outrigger workers from one run by
 * someone else (Pulsar's own worker sets none of these properties) and refuse to touch the latter.
 */
public final class RecordFormat {

    /** Message property on every record Outrigger writes to the metadata and assignment topics. */
    public static final String MESSAGE_PROPERTY = "outrigger.format";

    /** Consumer property every Outrigger worker sets on the coordination subscription. */
    public static final String CONSUMER_PROPERTY = "outrigger";

    /** Pulsar's worker sets this consumer property to {@code workerId:host:port}; Outrigger sets it the same way. */
    public static final String CONSUMER_ID_PROPERTY = "id";

    /** Version of the record format written today. */
    public static final String VERSION = "1";

    private RecordFormat() {}
}
