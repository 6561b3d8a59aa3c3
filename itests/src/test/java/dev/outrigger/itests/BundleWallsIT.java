package dev.outrigger.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, "walls as a test": the rule of the house (bundles talk only through the api bundle's versioned services)
 * read from what bnd computed for each bundle of the distribution. A bundle may import Outrigger packages only from
 * {@code api} and from the declared libraries; only those export packages.
 */
class BundleWallsIT {

    private static final String OURS = "dev.outrigger";
    /** Libraries, not capabilities, and who may use them. */
    private static final Map<String, Set<String>> LIBRARIES = Map.of(
            "dev.outrigger.topics", Set.of("dev.outrigger.metadata", "dev.outrigger.scheduler",
                    "dev.outrigger.functions"),
            "dev.outrigger.auth.support", Set.of("dev.outrigger.auth.token", "dev.outrigger.auth.basic",
                    "dev.outrigger.auth.oidc"));

    @Test
    void bundlesImportOnlyTheApiAndTheirLibraries() throws IOException {
        Map<String, Attributes> bundles = outriggerBundles();
        assertTrue(bundles.size() >= 15, "the distribution's bundles: " + bundles.keySet());
        List<String> breaches = new ArrayList<>();
        bundles.forEach((bundle, headers) -> {
            for (String imported : packages(headers.getValue("Import-Package"))) {
                if (!imported.startsWith(OURS + ".") || imported.startsWith(OURS + ".api")) {
                    continue;
                }
                String library = LIBRARIES.keySet().stream()
                        .filter(name -> imported.equals(name) || imported.startsWith(name + "."))
                        .findFirst().orElse(null);
                if (library == null || !LIBRARIES.get(library).contains(bundle)) {
                    breaches.add(bundle + " imports " + imported);
                }
            }
        });
        assertEquals(List.of(), breaches, "imports across the walls");
    }

    /**
     * Only the api and the libraries export Outrigger packages; of the others, only the pulsar bundle exports at all:
     * it embeds the Pulsar client and exports its API for the bundles (and functions) that use it.
     */
    @Test
    void onlyTheApiAndTheLibrariesExportPackages() throws IOException {
        List<String> breaches = new ArrayList<>();
        outriggerBundles().forEach((bundle, headers) -> {
            List<String> exported = packages(headers.getValue("Export-Package"));
            boolean mayExport = bundle.equals(OURS + ".api") || LIBRARIES.containsKey(bundle);
            if (mayExport) {
                return;
            }
            List<String> ours = exported.stream().filter(name -> name.startsWith(OURS + ".")).toList();
            if (!ours.isEmpty()) {
                breaches.add(bundle + " exports " + ours);
            } else if (!exported.isEmpty() && !bundle.equals(OURS + ".pulsar")) {
                breaches.add(bundle + " exports " + exported);
            }
        });
        assertEquals(List.of(), breaches, "a capability bundle exports packages");
    }

    private static Map<String, Attributes> outriggerBundles() throws IOException {
        Map<String, Attributes> bundles = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Distribution.home().resolve("bundles"))) {
            for (Path jar : files.filter(file -> file.getFileName().toString().startsWith(OURS)
                    && file.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Attributes headers = file.getManifest().getMainAttributes();
                    String name = headers.getValue("Bundle-SymbolicName").split(";")[0].trim();
                    bundles.put(name, headers);
                }
            }
        }
        return bundles;
    }

    /** The package names of an Import-Package or Export-Package header: commas inside quotes separate nothing. */
    static List<String> packages(String header) {
        List<String> names = new ArrayList<>();
        if (header == null) {
            return names;
        }
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String name = clause.toString().split(";")[0].trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }
}
