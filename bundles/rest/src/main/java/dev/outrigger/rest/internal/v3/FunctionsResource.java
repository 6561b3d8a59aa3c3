package dev.outrigger.rest.internal.v3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.api.cluster.WorkerForwarding;
import dev.outrigger.api.functions.FunctionService;
import dev.outrigger.api.functions.FunctionServiceException;
import dev.outrigger.api.functions.PackageUpload;
import dev.outrigger.api.rest.ErrorResponseException;
import dev.outrigger.api.rest.RestResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionInstanceStatsData;
import org.apache.pulsar.common.policies.data.FunctionStats;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.apache.pulsar.common.policies.data.FunctionStatus.FunctionInstanceStatus.FunctionInstanceStatusData;
import org.glassfish.jersey.media.multipart.FormDataContentDisposition;
import org.glassfish.jersey.media.multipart.FormDataParam;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Pulsar's {@code /admin/v3/functions}: parses, delegates to the {@link FunctionService}, nothing else. */
@Component(service = RestResource.class)
@Path("/admin/v3/functions")
@Produces(MediaType.APPLICATION_JSON)
public final class FunctionsResource implements RestResource {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final FunctionService functions;

    @Activate
    public FunctionsResource(@Reference FunctionService functions) {
        this.functions = functions;
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public void registerFunction(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName,
            @FormDataParam("data") InputStream data,
            @FormDataParam("data") FormDataContentDisposition dataDetails,
            @FormDataParam("url") String url,
            @FormDataParam("functionConfig") String functionConfig) {
        functions.register(tenant, namespace, functionName, parseConfig(functionConfig),
                upload(data, dataDetails), url);
    }

    @PUT
    @Path("/{tenant}/{namespace}/{functionName}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public void updateFunction(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName,
            @FormDataParam("data") InputStream data,
            @FormDataParam("data") FormDataContentDisposition dataDetails,
            @FormDataParam("url") String url,
            @FormDataParam("functionConfig") String functionConfig,
            @FormDataParam("updateOptions") String updateOptions) {
        functions.update(tenant, namespace, functionName,
                functionConfig == null ? null : parseConfig(functionConfig), upload(data, dataDetails), url);
    }

    @DELETE
    @Path("/{tenant}/{namespace}/{functionName}")
    public void deregisterFunction(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        functions.deregister(tenant, namespace, functionName);
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}")
    public FunctionConfig getFunctionInfo(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        return functions.get(tenant, namespace, functionName);
    }

    @GET
    @Path("/{tenant}/{namespace}")
    public List<String> listFunctions(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace) {
        return functions.list(tenant, namespace);
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/status")
    public FunctionStatus getFunctionStatus(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        return functions.status(tenant, namespace, functionName);
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/{instanceId}/status")
    public FunctionInstanceStatusData getFunctionInstanceStatus(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName,
            @PathParam("instanceId") String instanceId,
            @HeaderParam(WorkerForwarding.HEADER) String forwarded) {
        return functions.instanceStatus(tenant, namespace, functionName, instanceId(instanceId), asker(forwarded));
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/stats")
    public FunctionStats getFunctionStats(@PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace, @PathParam("functionName") String functionName) {
        return functions.stats(tenant, namespace, functionName);
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/{instanceId}/stats")
    public FunctionInstanceStatsData getFunctionInstanceStats(@PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace, @PathParam("functionName") String functionName,
            @PathParam("instanceId") String instanceId, @HeaderParam(WorkerForwarding.HEADER) String forwarded) {
        return functions.instanceStats(tenant, namespace, functionName, instanceId(instanceId), asker(forwarded));
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/trigger")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public String triggerFunction(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName,
            @FormDataParam("data") String data,
            @FormDataParam("dataStream") InputStream dataStream,
            @FormDataParam("topic") String topic) throws IOException {
        return functions.trigger(tenant, namespace, functionName, data, capped(dataStream), topic);
    }

    /**
     * Trigger data is published as one message, so it is read into memory: above Pulsar's default
     * {@code maxMessageSize} (5 MiB), which the broker would refuse anyway, it is a 413 before anything else.
     */
    static final int TRIGGER_MAX_BYTES = 5 * 1024 * 1024;

    static InputStream capped(InputStream dataStream) throws IOException {
        if (dataStream == null) {
            return null;
        }
        byte[] bytes;
        try (dataStream) {
            bytes = dataStream.readNBytes(TRIGGER_MAX_BYTES + 1);
        }
        if (bytes.length > TRIGGER_MAX_BYTES) {
            throw new ErrorResponseException(413, "Trigger data is larger than " + TRIGGER_MAX_BYTES + " bytes");
        }
        return new ByteArrayInputStream(bytes);
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/stop")
    public void stopFunction(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        functions.stop(tenant, namespace, functionName, null);
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/{instanceId}/stop")
    public void stopFunctionInstance(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName, @PathParam("instanceId") String instanceId) {
        functions.stop(tenant, namespace, functionName, instanceId(instanceId));
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/start")
    public void startFunction(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        functions.start(tenant, namespace, functionName, null);
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/{instanceId}/start")
    public void startFunctionInstance(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName, @PathParam("instanceId") String instanceId) {
        functions.start(tenant, namespace, functionName, instanceId(instanceId));
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/restart")
    public void restartFunction(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        functions.restart(tenant, namespace, functionName, null);
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/{instanceId}/restart")
    public void restartFunctionInstance(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName, @PathParam("instanceId") String instanceId,
            @HeaderParam(WorkerForwarding.HEADER) String forwarded) {
        functions.restart(tenant, namespace, functionName, instanceId(instanceId), asker(forwarded));
    }

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/download")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public StreamingOutput downloadFunction(
            @PathParam("tenant") String tenant,
            @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName) {
        // Checked before the stream starts, so a missing function is a 404 and not a broken download.
        functions.get(tenant, namespace, functionName);
        return out -> functions.downloadPackage(tenant, namespace, functionName, out);
    }

    /** {@code pulsar-admin functions upload --source-file F --path P}: the package kept under that path. */
    @POST
    @Path("/upload")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public void uploadFunction(
            @FormDataParam("data") InputStream data,
            @FormDataParam("path") String path) {
        functions.uploadPackage(path, data);
    }

    /**
     * {@code pulsar-admin functions download --path P --destination-file F}: the package uploaded at that path, or the
     * package of the function whose package location it is.
     */
    @GET
    @Path("/download")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public StreamingOutput downloadFunctionByPath(@QueryParam("path") String path) {
        // Found and fetched before the stream starts, so a missing package is a 404 and not a broken download.
        InputStream in = functions.downloadPackage(path);
        return out -> {
            try (in) {
                in.transferTo(out);
            }
        };
    }

    /** No state storage yet: Pulsar's worker answers exactly this when its state store is not there. */
    static final String NO_STATE_STORAGE =
            "State storage client is not done initializing. Please try again in a little while.";

    @GET
    @Path("/{tenant}/{namespace}/{functionName}/state/{key}")
    public void getFunctionState(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName, @PathParam("key") String key) {
        throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE, NO_STATE_STORAGE);
    }

    @POST
    @Path("/{tenant}/{namespace}/{functionName}/state/{key}")
    public void putFunctionState(@PathParam("tenant") String tenant, @PathParam("namespace") String namespace,
            @PathParam("functionName") String functionName, @PathParam("key") String key) {
        throw new FunctionServiceException(FunctionServiceException.Kind.UNAVAILABLE, NO_STATE_STORAGE);
    }

    static int instanceId(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw FunctionServiceException.badRequest("Invalid InstanceId");
        }
    }

    private static PackageUpload upload(InputStream data, FormDataContentDisposition details) {
        return data == null ? null : new PackageUpload(details == null ? null : details.getFileName(), data);
    }

    private static FunctionConfig parseConfig(String json) {
        if (json == null || json.isBlank()) {
            throw FunctionServiceException.badRequest("Function config is not provided");
        }
        try {
            return JSON.readValue(json, FunctionConfig.class);
        } catch (JsonProcessingException e) {
            throw FunctionServiceException.badRequest("Invalid function config: " + e.getOriginalMessage());
        }
    }

    /** The one-hop rule: a request another worker forwarded is answered here, never passed on. */
    private static FunctionService.Asker asker(String forwardedHeader) {
        return WorkerForwarding.fromWorker(forwardedHeader) ? FunctionService.Asker.WORKER
                : FunctionService.Asker.CLIENT;
    }
}
