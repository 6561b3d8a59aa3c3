package dev.outrigger.runtime.internal;

import java.nio.charset.StandardCharsets;
import org.apache.pulsar.client.api.Producer;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The Context logger of a function with a {@code logTopic}: every line goes to the worker's log as usual and, as
 * Pulsar's LogAppender sends it, to the log topic (the formatted message as UTF-8, with properties {@code loglevel},
 * {@code instance} and {@code fqn}). INFO and above are always published, whatever the worker's own log level, since
 * that is what Pulsar's default log configuration lets through to its appender.
 */
final class LogTopicLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient Logger delegate;
    private final transient Producer<byte[]> producer;
    private final String fqfn;
    private final String instance;

    LogTopicLogger(Logger delegate, Producer<byte[]> producer, String fqfn, String instance) {
        this.delegate = delegate;
        this.producer = producer;
        this.fqfn = fqfn;
        this.instance = instance;
        this.name = delegate.getName();
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        if (delegate.isEnabledForLevel(level)) {
            delegate.atLevel(level).setCause(throwable).log(message);
        }
        producer.newMessage()
                .value(message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8))
                .property("loglevel", level.name())
                .property("instance", instance)
                .property("fqn", fqfn)
                .sendAsync();
    }
}
