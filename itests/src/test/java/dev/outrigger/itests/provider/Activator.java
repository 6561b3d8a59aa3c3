package dev.outrigger.itests.provider;

import dev.outrigger.api.security.AuthenticationProvider;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Registers the provider without Declarative Services: a third party may use any way to publish a service. */
public final class Activator implements BundleActivator {

    /** Manifest header: what the provider appends to roles. */
    public static final String SUFFIX_HEADER = "Example-Role-Suffix";

    @Override
    public void start(BundleContext context) {
        String suffix = context.getBundle().getHeaders().get(SUFFIX_HEADER);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(AuthenticationProvider.PULSAR_CLASS_NAMES, HeaderAuthenticationProvider.CLASS_NAME);
        context.registerService(AuthenticationProvider.class,
                new HeaderAuthenticationProvider(suffix == null ? "" : suffix), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }
}
