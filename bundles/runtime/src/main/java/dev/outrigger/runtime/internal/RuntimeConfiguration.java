package dev.outrigger.runtime.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.runtime.FunctionRuntime;
import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * Hands the worker configuration's runtime keys ({@code exposeAdminClientEnabled}, {@code maxPendingAsyncRequests})
 * to the thread runtime, live. A component apart, registering no service: the worker configuration holds every key of
 * {@code functions_worker.yml}, secrets included, which the runtime's service would otherwise publish as properties.
 */
@Component(configurationPid = ConfigurationPids.WORKER, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
public final class RuntimeConfiguration {

    private final ThreadRuntime runtime;
    private final PulsarAdmin admin;

    @Activate
    public RuntimeConfiguration(Map<String, Object> worker, @Reference FunctionRuntime runtime,
            @Reference PulsarAdmin admin) {
        this.runtime = (ThreadRuntime) runtime;
        this.admin = admin;
        modified(worker);
    }

    @Modified
    void modified(Map<String, Object> worker) {
        runtime.settings(RuntimeSettings.of(worker, admin));
    }

    @Deactivate
    void deactivate() {
        runtime.settings(RuntimeSettings.DEFAULTS);
    }
}
