package dev.outrigger.metadata.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.metadata.FunctionMetadata;
import java.io.IOException;

/** The JSON of a metadata record, as it is on the topic and in the body of a forwarded write. */
final class MetadataCodec {

    /** Message property carrying the record's version, as Pulsar's worker sets it ({@code versionTag}). */
    static final String VERSION_PROPERTY = "version";

    /** Unknown fields are skipped, so a newer worker's additions do not stop an older one from reading. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private MetadataCodec() {}

    static byte[] toJson(FunctionMetadata metadata) {
        try {
            return MAPPER.writeValueAsBytes(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write " + metadata.key() + " as JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    static FunctionMetadata fromJson(byte[] json) throws IOException {
        return MAPPER.readValue(json, FunctionMetadata.class);
    }

    /** @return the {@code reason} of Pulsar's error body, or the body itself when it is not one */
    static String reason(String body) {
        try {
            JsonNode reason = MAPPER.readTree(body).get("reason");
            if (reason != null && reason.isTextual()) {
                return reason.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body is the best reason there is
        }
        return body;
    }
}
