package dev.outrigger.runtime.internal;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.WindowContext;
import org.slf4j.Logger;

/** The WindowContext a window function gets: the instance's Context, seen through the narrower interface. */
final class InstanceWindowContext implements WindowContext {

    private final Context context;

    InstanceWindowContext(Context context) {
        this.context = context;
    }

    @Override
    public String getTenant() {
        return context.getTenant();
    }

    @Override
    public String getNamespace() {
        return context.getNamespace();
    }

    @Override
    public String getFunctionName() {
        return context.getFunctionName();
    }

    @Override
    public String getFunctionId() {
        return context.getFunctionId();
    }

    @Override
    public int getInstanceId() {
        return context.getInstanceId();
    }

    @Override
    public int getNumInstances() {
        return context.getNumInstances();
    }

    @Override
    public String getFunctionVersion() {
        return context.getFunctionVersion();
    }

    @Override
    public Collection<String> getInputTopics() {
        return context.getInputTopics();
    }

    @Override
    public String getOutputTopic() {
        return context.getOutputTopic();
    }

    @Override
    public String getOutputSchemaType() {
        return context.getOutputSchemaType();
    }

    @Override
    public Logger getLogger() {
        return context.getLogger();
    }

    @Override
    public void incrCounter(String key, long amount) {
        context.incrCounter(key, amount);
    }

    @Override
    public long getCounter(String key) {
        return context.getCounter(key);
    }

    @Override
    public void putState(String key, ByteBuffer value) {
        context.putState(key, value);
    }

    @Override
    public ByteBuffer getState(String key) {
        return context.getState(key);
    }

    @Override
    public Map<String, Object> getUserConfigMap() {
        return context.getUserConfigMap();
    }

    @Override
    public Optional<Object> getUserConfigValue(String key) {
        return context.getUserConfigValue(key);
    }

    @Override
    public Object getUserConfigValueOrDefault(String key, Object defaultValue) {
        return context.getUserConfigValueOrDefault(key, defaultValue);
    }

    @Override
    public void recordMetric(String metricName, double value) {
        context.recordMetric(metricName, value);
    }

    @Override
    public <T> CompletableFuture<Void> publish(String topicName, T object, String schemaOrSerdeClassName) {
        return context.publish(topicName, object, schemaOrSerdeClassName);
    }

    @Override
    public <T> CompletableFuture<Void> publish(String topicName, T object) {
        return context.publish(topicName, object);
    }
}
