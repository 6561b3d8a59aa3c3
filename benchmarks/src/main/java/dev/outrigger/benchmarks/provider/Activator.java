package dev.outrigger.benchmarks.provider;

import dev.outrigger.api.security.AuthenticationProvider;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Registers the example provider as a third party would, without Declarative Services. Never loaded by the benchmark's
 * own JVM (osgi.core is not on its classpath): only its class file is copied into the bundle.
 */
public final class Activator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(AuthenticationProvider.PULSAR_CLASS_NAMES, HeaderAuthenticationProvider.CLASS_NAME);
        context.registerService(AuthenticationProvider.class, new HeaderAuthenticationProvider(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
