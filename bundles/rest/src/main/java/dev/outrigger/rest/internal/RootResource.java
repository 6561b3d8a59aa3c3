package dev.outrigger.rest.internal;

import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.rest.ErrorResponseException;
import dev.outrigger.api.rest.RestResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** The worker's root endpoints: {@code /initialized} (readiness), {@code /version} and {@code /metrics}. */
@Component(service = RestResource.class)
@Path("/")
public final class RootResource implements RestResource {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final String version;
    private final String pulsarVersion;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterService cluster;

    @Activate
    public RootResource(BundleContext context) {
        this.version = context.getBundle().getHeaders().get("Outrigger-Version");
        this.pulsarVersion = context.getBundle().getHeaders().get("Outrigger-Pulsar-Version");
    }

    @GET
    @Path("initialized")
    @Produces(MediaType.APPLICATION_JSON)
    public boolean isInitialized() {
        ClusterService current = cluster;
        if (current == null || !current.isInitialized()) {
            throw new ErrorResponseException(503, ReadinessFilter.NOT_INITIALIZED);
        }
        return true;
    }

    @GET
    @Path("version")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> version() {
        return Map.of("version", version, "pulsarVersion", pulsarVersion);
    }

    @GET
    @Path("metrics")
    @Produces(PROMETHEUS_TEXT)
    public String metrics() {
        return PrometheusText.workerMetrics(cluster);
    }
}
