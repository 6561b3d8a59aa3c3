package dev.outrigger.runtime.internal;

import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TopicMessageId;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.functions.api.Record;

/** The input record of one invocation: the message and the consumer to ack it on. */
final class MessageRecord<T> implements Record<T> {

    private final Message<T> message;
    private final Consumer<T> consumer;
    private final Schema<T> schema;

    MessageRecord(Message<T> message, Consumer<T> consumer, Schema<T> schema) {
        this.message = message;
        this.consumer = consumer;
        this.schema = schema;
    }

    @Override
    public T getValue() {
        return message.getValue();
    }

    @Override
    public Optional<String> getTopicName() {
        return Optional.ofNullable(message.getTopicName());
    }

    @Override
    public Optional<String> getKey() {
        return message.hasKey() ? Optional.of(message.getKey()) : Optional.empty();
    }

    @Override
    public Schema<T> getSchema() {
        return schema;
    }

    @Override
    public Optional<Long> getEventTime() {
        return message.getEventTime() > 0 ? Optional.of(message.getEventTime()) : Optional.empty();
    }

    @Override
    public Optional<String> getPartitionId() {
        String topic = message.getTopicName();
        if (message.getMessageId() instanceof TopicMessageId topicMessageId) {
            topic = topicMessageId.getOwnerTopic();
        }
        return Optional.ofNullable(topic);
    }

    @Override
    public Optional<Integer> getPartitionIndex() {
        return getPartitionId().map(topic -> {
            try {
                int index = TopicName.get(topic).getPartitionIndex();
                return index < 0 ? null : index;
            } catch (RuntimeException e) {
                return null;
            }
        });
    }

    /**
     * Pulsar's FunctionCommon.getSequenceId: the ledger id shifted left by 28 bits, or'ed with the entry id. Effectively
     * once sends results with it as the sequence id, so a replayed input gives a duplicate the broker drops. (As in
     * Pulsar, messages of one batch share it, so inputs must not be batched for effectively once.)
     */
    @Override
    public Optional<Long> getRecordSequence() {
        return sequenceOf(message.getMessageId());
    }

    static Optional<Long> sequenceOf(MessageId id) {
        if (id instanceof MessageIdAdv adv) {
            return Optional.of((adv.getLedgerId() << 28) | adv.getEntryId());
        }
        return Optional.empty();
    }

    @Override
    public Map<String, String> getProperties() {
        return message.getProperties();
    }

    @Override
    public Optional<Message<T>> getMessage() {
        return Optional.of(message);
    }

    @Override
    public void ack() {
        consumer.acknowledgeAsync(message);
    }

    @Override
    public void fail() {
        consumer.negativeAcknowledge(message);
    }
}
