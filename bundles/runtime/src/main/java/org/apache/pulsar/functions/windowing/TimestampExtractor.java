package org.apache.pulsar.functions.windowing;

import java.io.Serializable;

/**
 * The contract of a window function's {@code timestampExtractorClassName}, under the name and signature Pulsar's
 * instance jar gives it, so a function package written for Pulsar's worker finds it here as it does there (without
 * carrying a copy). Only this type of that package is provided to functions.
 *
 * @param <T> the function's input type
 */
public interface TimestampExtractor<T> extends Serializable {

    /** @return the event time of the input, in milliseconds since the epoch */
    long extractTimestamp(T input);
}
