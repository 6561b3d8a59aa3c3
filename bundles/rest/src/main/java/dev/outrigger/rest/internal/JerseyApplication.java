package dev.outrigger.rest.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import dev.outrigger.api.cluster.ClusterService;
import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.rest.RestResource;
import dev.outrigger.api.security.AccessControl;
import jakarta.servlet.Servlet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects every {@link RestResource} service into one Jersey application and serves it on the Servlet Whiteboard at
 * {@code /*}. When resources come or go the application is rebuilt (debounced, so a bundle bringing several resources
 * causes one rebuild) and swapped into the one servlet registered: replacing servlet services races with Felix HTTP's
 * whiteboard while Jetty (re)starts, and Jersey's own reload fails requests in flight.
 */
@Component(immediate = true, configurationPid = ConfigurationPids.WORKER)
public final class JerseyApplication {

    private static final Logger LOG = LoggerFactory.getLogger(JerseyApplication.class);
    private static final long DEBOUNCE_MILLIS = 100;

    /** Pulsar's JSON style lives in its ObjectMapper: unknown fields ignored, nulls left out. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final BundleContext context;
    private final List<RestResource> resources = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService rebuilds = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-rest-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> pendingRebuild;
    private SwappableServlet container;
    private ServiceRegistration<Servlet> servlet;
    /** Read by the filter at every request, so a changed limit applies without a rebuild. */
    private volatile RequestLimits limits = RequestLimits.DEFAULTS;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterService cluster;

    /** Absent until the security configuration is read: nothing is served without it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessControl accessControl;

    @Activate
    public JerseyApplication(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        this.limits = RequestLimits.of(properties);
        scheduleRebuild();
    }

    /** A changed limit applies to the next request; nothing is rebuilt. */
    @Modified
    void modified(Map<String, Object> properties) {
        limits = RequestLimits.of(properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addResource(RestResource resource) {
        resources.add(resource);
        scheduleRebuild();
    }

    void removeResource(RestResource resource) {
        resources.remove(resource);
        scheduleRebuild();
    }

    @Deactivate
    synchronized void deactivate() {
        rebuilds.shutdownNow();
        if (servlet != null) {
            servlet.unregister();
            servlet = null;
        }
    }

    private synchronized void scheduleRebuild() {
        if (rebuilds.isShutdown()) {
            return;
        }
        if (pendingRebuild != null) {
            pendingRebuild.cancel(false);
        }
        pendingRebuild = rebuilds.schedule(this::rebuild, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void rebuild() {
        ResourceConfig config = new ResourceConfig()
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new JacksonJsonProvider(MAPPER))
                .register(MultiPartFeature.class)
                .register(new ThrottleFilter(() -> limits.throttle()))
                .register(new ContentTypeFilter())
                .register(new RequestLimitFilter(() -> limits.maxRequestBytes()))
                .register(new NameFilter())
                .register(new AuthenticationFilter(() -> accessControl))
                .register(new ReadinessFilter(() -> cluster))
                .register(new AuthorizationFilter(() -> accessControl))
                .register(ExceptionMappers.ErrorResponses.class)
                .register(ExceptionMappers.ClusterUnavailable.class)
                .register(ExceptionMappers.FunctionServiceErrors.class)
                .register(ExceptionMappers.MalformedJson.class)
                .register(ExceptionMappers.WebApplication.class)
                .register(ExceptionMappers.UnsupportedCharset.class)
                .register(ExceptionMappers.IllegalCharsetName.class)
                .register(ExceptionMappers.Unexpected.class)
                .register(new ErrorBodyFilter());
        List<RestResource> current = List.copyOf(resources);
        current.forEach(config::register);
        synchronized (this) {
            if (rebuilds.isShutdown()) {
                return;
            }
            if (container == null) {
                container = new SwappableServlet(rebuilds);
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put("osgi.http.whiteboard.servlet.pattern", "/*");
                properties.put("osgi.http.whiteboard.servlet.name", "outrigger-admin");
                servlet = context.registerService(Servlet.class, container, properties);
            }
            container.load(config);
        }
        LOG.info("Admin API serving {} resources", current.size());
    }

}
