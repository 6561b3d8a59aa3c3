package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.InstanceState;
import dev.outrigger.api.metadata.MetadataListener;
import dev.outrigger.api.packages.PackageRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Metadata records and small helpers the tests share. */
final class Components {

    private Components() {}

    static FunctionMetadata function(String fullyQualifiedName, long version) {
        return new FunctionMetadata(FunctionKey.parse(fullyQualifiedName), ComponentType.FUNCTION, version,
                1_700_000_000_000L, "{\"parallelism\":2,\"className\":\"Exclamation\",\"v\":" + version + "}",
                new PackageRef("bookkeeper:ledger/" + version, "ab".repeat(32), 1234),
                Map.of(1, InstanceState.STOPPED));
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** @return what the stage failed with */
    static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, the stage completed");
    }

    static String describe(FunctionMetadata metadata) {
        return metadata == null ? "-" : metadata.key().name() + "@" + metadata.version();
    }

    /** Records what it is told as {@code previous>current}, e.g. {@code -> a@0}, {@code a@0>a@1}, {@code b@0>-}. */
    static final class RecordingListener implements MetadataListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void changed(FunctionMetadata previous, FunctionMetadata current) {
            events.add(describe(previous) + ">" + describe(current));
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }
    }
}
