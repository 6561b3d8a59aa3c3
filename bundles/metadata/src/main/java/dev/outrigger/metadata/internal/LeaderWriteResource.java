package dev.outrigger.metadata.internal;

import dev.outrigger.api.metadata.ComponentType;
import dev.outrigger.api.metadata.FunctionKey;
import dev.outrigger.api.metadata.FunctionMetadata;
import dev.outrigger.api.metadata.InvalidMetadataException;
import dev.outrigger.api.metadata.MetadataNotWrittenException;
import dev.outrigger.api.metadata.MetadataUnavailableException;
import dev.outrigger.api.metadata.MetadataValidator;
import dev.outrigger.api.metadata.StaleVersionException;
import dev.outrigger.api.rest.ErrorResponseException;
import dev.outrigger.api.rest.RestResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The leader's side of a forwarded write: Pulsar's hidden {@code PUT /admin/v3/functions/leader/{tenant}/{namespace}/
 * {functionName}} ({@code FunctionsApiV3Resource.updateFunctionOnWorkerLeader}). The body is the record's JSON (Pulsar
 * sends protobuf as multipart); a delete is {@code ?delete=true&version=N} with no body. 204 once this worker, the
 * leader, has written and read back the record; 409 with the reason for a stale version; 503 where this worker did not
 * take the write (not, or not yet, the leader; too busy), for the caller to try again; 500 where the write's outcome is
 * unknown (started, not confirmed in time).
 *
 * <p>A record is written only once the {@link MetadataValidator}s of its type accept it, as the public path would
 * have: 400 with their reason otherwise, and 503 while no validator for its type is present (the bundle that owns the
 * type is not active), since a record no one judged is never written. Deletes need no judgement: the version check
 * is all a delete carries.
 *
 * <p>The class shares its root path with the functions resource: Jersey merges root resources of one path, so
 * {@code GET /admin/v3/functions/leader/ns/fn} still reaches a function of a tenant named "leader", as in Pulsar.
 */
@Component(service = RestResource.class)
@Path("/admin/v3/functions")
public final class LeaderWriteResource implements RestResource {

    private final LeaderWrites leader;

    /** The validators present now, with the types each judges; they come and go with their bundles. */
    private final Map<MetadataValidator, Set<ComponentType>> validators = new ConcurrentHashMap<>();

    @Activate
    public LeaderWriteResource(@Reference LeaderWrites leader) {
        this.leader = leader;
    }

    /** For tests: with these validators, each with its service properties. */
    LeaderWriteResource(LeaderWrites leader, Map<MetadataValidator, Map<String, Object>> validators) {
        this(leader);
        validators.forEach(this::addValidator);
    }

    // Dynamic: a validator's bundle may come, go or be updated while this endpoint serves; meanwhile writes of its
    // type answer 503.
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeValidator", updated = "updatedValidator")
    void addValidator(MetadataValidator validator, Map<String, Object> properties) {
        validators.put(validator, MetadataValidator.componentTypes(properties));
    }

    void updatedValidator(MetadataValidator validator, Map<String, Object> properties) {
        addValidator(validator, properties);
    }

    void removeValidator(MetadataValidator validator) {
        validators.remove(validator);
    }

    @PUT
    @Path("/leader/{tenant}/{namespace}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public void writeOnLeader(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("name") String name,
            @QueryParam("delete") boolean delete,
            @QueryParam("version") Long version,
            String body) {
        MetadataWrite write = parse(new FunctionKey(tenant, namespace, name), delete, version, body);
        try {
            if (write.isDelete()) {
                leader.writeAsLeader(write);
            } else {
                FunctionMetadata basis = leader.current(write.key()).orElse(null);
                validate(basis, write.metadata());
                leader.writeAsLeader(write, basis);
            }
        } catch (InvalidMetadataException e) {
            throw new ErrorResponseException(400, e.getMessage());
        } catch (StaleVersionException e) {
            throw new ErrorResponseException(409, e.getMessage());
        } catch (NotLeaderException | MetadataNotWrittenException e) {
            throw new ErrorResponseException(503, e.getMessage());
        } catch (MetadataUnavailableException e) {
            // not 503: the forwarding worker reads 503 as "not taken"; this write may still land
            throw new ErrorResponseException(500, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ErrorResponseException(400, e.getMessage());
        }
    }

    /** Every validator of the record's type must accept it, and there must be one. */
    private void validate(FunctionMetadata current, FunctionMetadata proposed) {
        List<MetadataValidator> judges = validators.entrySet().stream()
                .filter(entry -> entry.getValue().contains(proposed.type()))
                .map(Map.Entry::getKey)
                .toList();
        if (judges.isEmpty()) {
            throw new ErrorResponseException(503, "This worker cannot validate " + proposed.type().name()
                    .toLowerCase(Locale.ROOT) + " records now (no validator is active), so it does not "
                    + "write " + proposed.key() + "; try again");
        }
        for (MetadataValidator judge : judges) {
            judge.validate(current, proposed);
        }
    }

    private static MetadataWrite parse(FunctionKey key, boolean delete, Long version, String body) {
        if (delete) {
            if (version == null || version < 0) {
                throw new ErrorResponseException(400, "A delete of " + key + " must name the version it deletes: "
                        + "query parameter version");
            }
            return MetadataWrite.delete(key, version);
        }
        if (body == null || body.isBlank()) {
            throw new ErrorResponseException(400, "The body must be the metadata of " + key + " as JSON");
        }
        FunctionMetadata metadata;
        try {
            metadata = MetadataCodec.fromJson(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ErrorResponseException(400, "Invalid function metadata for " + key + ": " + e.getMessage());
        }
        if (!metadata.key().equals(key)) {
            throw new ErrorResponseException(400, "The path names " + key + " but the metadata " + metadata.key());
        }
        if (metadata.version() < 0) {
            throw new ErrorResponseException(400, "Versions start at 0, not " + metadata.version());
        }
        return MetadataWrite.update(metadata);
    }
}
