package dev.outrigger.runtime.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The packages a function's class loader gets from the worker: Pulsar's public API (as exported by the pulsar bundle)
 * and SLF4J. One class of each is named here so that bnd lists every package in this bundle's {@code Import-Package}
 * (bnd imports only what the bundle's own code references; osgi-stack §8.5), and the same list drives
 * {@link FunctionClassLoader}, so the two cannot drift apart.
 */
final class FunctionApiPackages {

    private static final Class<?>[] ONE_CLASS_OF_EACH = {
        org.apache.pulsar.functions.api.Function.class,
        org.apache.pulsar.functions.api.utils.FunctionRecord.class,
        org.apache.pulsar.functions.api.state.StateValue.class,
        org.apache.pulsar.client.api.Schema.class,
        org.apache.pulsar.client.api.schema.GenericRecord.class,
        org.apache.pulsar.client.api.interceptor.ProducerInterceptor.class,
        org.apache.pulsar.client.api.transaction.Transaction.class,
        org.apache.pulsar.client.admin.PulsarAdmin.class,
        org.apache.pulsar.common.schema.SchemaType.class,
        org.apache.pulsar.common.functions.FunctionConfig.class,
        org.apache.pulsar.common.io.SourceConfig.class,
        org.apache.pulsar.common.classification.InterfaceAudience.class,
        org.slf4j.Logger.class,
        // Pulsar's instance jar gives functions this one type of its windowing (the timestamp extractor's contract)
        org.apache.pulsar.functions.windowing.TimestampExtractor.class,
        // the worker's protobuf, which Pulsar's PROTOBUF schemas use: a function's messages must extend its classes
        com.google.protobuf.GeneratedMessageV3.class,
    };

    /** Exact package names (not prefixes: a user's classes may live in e.g. {@code ...functions.api.examples}). */
    static final Set<String> PACKAGES = Arrays.stream(ONE_CLASS_OF_EACH)
            .map(Class::getPackageName)
            .collect(Collectors.toUnmodifiableSet());

    private FunctionApiPackages() {
    }
}
