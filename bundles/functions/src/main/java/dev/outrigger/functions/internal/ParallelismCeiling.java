package dev.outrigger.functions.internal;

import dev.outrigger.api.config.ConfigurationPids;
import dev.outrigger.api.scheduler.Parallelism;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands {@code functionInstanceMaxParallelism} to the validation ({@link FunctionConfigs}), live. A component apart,
 * registering no service: the worker configuration holds every key of {@code functions_worker.yml}, secrets included,
 * which a service would publish as its properties; and it changes with any key, which {@code @Modified} absorbs.
 * Without a configuration the default ceiling applies.
 */
@Component(configurationPid = ConfigurationPids.WORKER, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
public final class ParallelismCeiling {

    private static final Logger LOG = LoggerFactory.getLogger(ParallelismCeiling.class);

    private int applied;

    @Activate
    public ParallelismCeiling(Map<String, Object> worker) {
        modified(worker);
    }

    @Modified
    void modified(Map<String, Object> worker) {
        int ceiling = Parallelism.max(worker.get(Parallelism.MAX_KEY));
        FunctionConfigs.maxParallelism(ceiling);
        if (ceiling != applied) {
            applied = ceiling;
            LOG.info("Functions may have a parallelism of up to {} ({})", ceiling, Parallelism.MAX_KEY);
        }
    }

    @Deactivate
    void deactivate() {
        FunctionConfigs.maxParallelism(Parallelism.DEFAULT_MAX);
    }
}
