package dev.outrigger.functions.internal;

import static dev.outrigger.api.functions.FunctionServiceException.badRequest;

import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.FunctionServiceException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SchemaSerializationException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.naming.TopicName;

/**
 * Pulsar's trigger: a reader on the output opened before the value is sent, so the answer cannot be missed; the answer
 * is the output message whose {@code __pfn_input_*} properties name the message sent.
 */
final class Trigger {

    static final long TIMEOUT_MILLIS = 30_000;
    private static final String INPUT_TOPIC_PROPERTY = "__pfn_input_topic__";
    private static final String INPUT_MESSAGE_ID_PROPERTY = "__pfn_input_msg_id__";

    private Trigger() {}

    static String run(PulsarClient client, FunctionConfig function, byte[] payload, String requestedTopic) {
        String topic = inputTopic(function, requestedTopic);
        // The Pulsar client finds some of its classes through the context loader; request threads have Jetty's.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PulsarClient.class.getClassLoader());
        try (Reader<byte[]> reader = function.getOutput() == null ? null : client.newReader()
                        .topic(function.getOutput())
                        .startMessageId(MessageId.latest)
                        .readerName("outrigger-trigger")
                        .create();
                Producer<byte[]> producer = client.newProducer(Schema.AUTO_PRODUCE_BYTES()).topic(topic).create()) {
            MessageId sent;
            try {
                sent = producer.send(payload);
            } catch (SchemaSerializationException e) {
                throw badRequest(String.format("Failed to serialize input with error: %s. Please check"
                        + "if input data conforms with the schema of the input topic.", e.getMessage()));
            }
            if (reader == null) {
                return null;
            }
            String sentId = Base64.getEncoder().encodeToString(sent.toByteArray());
            long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
            for (long left = TIMEOUT_MILLIS; left > 0; left = deadline - System.currentTimeMillis()) {
                Message<byte[]> output = reader.readNext((int) Math.min(left, Integer.MAX_VALUE), TimeUnit.MILLISECONDS);
                if (output == null) {
                    break;
                }
                if (topic.equals(output.getProperty(INPUT_TOPIC_PROPERTY))
                        && sentId.equals(output.getProperty(INPUT_MESSAGE_ID_PROPERTY))) {
                    return new String(output.getData(), StandardCharsets.UTF_8);
                }
            }
            throw new FunctionServiceException(Kind.TIMEOUT, "Request Timed Out");
        } catch (IOException e) {
            // the Pulsar client's exceptions are IOExceptions
            throw new FunctionServiceException(Kind.UNAVAILABLE, "Trigger failed: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The topic named, which must be an input, or the function's only input. Fully qualified, as instances name it. */
    private static String inputTopic(FunctionConfig function, String requested) {
        Set<String> inputs = new LinkedHashSet<>();
        if (function.getInputs() != null) {
            function.getInputs().forEach(input -> inputs.add(qualified(input)));
        }
        if (function.getInputSpecs() != null) {
            function.getInputSpecs().keySet().forEach(input -> inputs.add(qualified(input)));
        }
        if (requested == null || requested.isBlank()) {
            if (inputs.size() != 1) {
                throw badRequest("Function in trigger function has more than 1 input topics");
            }
            return inputs.iterator().next();
        }
        String topic = qualified(requested);
        if (!inputs.contains(topic)) {
            throw badRequest("Function in trigger function has unidentified topic");
        }
        return topic;
    }

    private static String qualified(String topic) {
        try {
            return TopicName.get(topic).toString();
        } catch (IllegalArgumentException e) {
            return topic;
        }
    }
}
