package dev.outrigger.itests;

import dev.outrigger.itests.provider.Activator;
import dev.outrigger.itests.provider.HeaderAuthenticationProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The example third-party provider ({@code provider/}) as the bundle a third party would ship: its classes, compiled
 * with these tests against the api only, and a manifest importing only the api's security package and the framework.
 * Built in memory, so it works both beside a worker process and inside a Pax Exam probe (where the classes are the
 * probe's resources).
 */
final class ExampleProviderBundle {

    static final String SYMBOLIC_NAME = "com.example.auth.header";

    private ExampleProviderBundle() {}

    /**
     * @param version its {@code Bundle-Version}
     * @param suffix what the provider appends to roles ({@link Activator#SUFFIX_HEADER}), so a test sees which version
     *     answered
     * @return the bundle's jar
     */
    static byte[] jar(String version, String suffix) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Activator", Activator.class.getName());
        main.putValue("Import-Package", "dev.outrigger.api.security;version=\"[1.0,2)\","
                + "org.osgi.framework;version=\"[1.8,2)\"");
        main.putValue(Activator.SUFFIX_HEADER, suffix);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream bundle = new JarOutputStream(out, manifest)) {
            for (Class<?> type : List.of(Activator.class, HeaderAuthenticationProvider.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                bundle.putNextEntry(new JarEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("No class file " + entry + " beside " + type.getName());
                    }
                    in.transferTo(bundle);
                }
                bundle.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
