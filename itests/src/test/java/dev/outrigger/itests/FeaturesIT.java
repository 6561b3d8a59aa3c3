package dev.outrigger.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.launcher.FeatureBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;

/** Each feature resolves on its own in a bare Felix, and the distribution ships exactly the features' bundles. */
class FeaturesIT {

    @TempDir
    Path storage;

    static Stream<String> features() {
        return Distribution.features().names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("features")
    void featureResolves(String feature) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework framework = new FrameworkFactory().newFramework(properties);
        framework.init();
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (FeatureBundle bundle : Distribution.features().bundles(feature)) {
                installed.add(context.installBundle("reference:" + Distribution.jar(bundle).toUri()));
            }
            framework.adapt(FrameworkWiring.class).resolveBundles(installed);
            List<String> unresolved = installed.stream()
                    .filter(bundle -> bundle.getState() == Bundle.INSTALLED)
                    .map(bundle -> bundle.getSymbolicName() + ": " + resolutionError(context, bundle))
                    .toList();
            assertTrue(unresolved.isEmpty(), () -> "Feature " + feature + " does not resolve:\n"
                    + String.join("\n", unresolved));
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void distributionShipsExactlyTheFeatureBundles() throws IOException {
        Path repository = Distribution.home().resolve("bundles");
        Set<String> listed = Distribution.features().names().stream()
                .flatMap(name -> Distribution.features().bundles(name).stream())
                .map(FeatureBundle::repositoryPath)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> shipped;
        try (Stream<Path> files = Files.walk(repository)) {
            shipped = files.filter(file -> file.toString().endsWith(".jar"))
                    .map(file -> repository.relativize(file).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(listed, shipped);
    }

    /** Starting an unresolvable bundle is the one portable way to get the resolver's reason. */
    private static String resolutionError(BundleContext context, Bundle bundle) {
        try {
            bundle.start();
            return "resolved on start";
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
