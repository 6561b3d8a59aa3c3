package dev.outrigger.runtime.internal;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The class loader of one function instance: its package first, on top of a parent that sees the JDK (platform loader)
 * and, from this bundle's loader, only Pulsar's API packages and SLF4J (osgi-stack §8.5). Nothing else of the worker
 * (OSGi, Jackson, our own classes, Pulsar's internals) is visible to the function.
 */
final class FunctionClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private FunctionClassLoader(URL packageUrl, ClassLoader parent) {
        super(new URL[] {packageUrl}, parent);
    }

    /** @return a loader for the package file; close it when the instance stops */
    static FunctionClassLoader of(Path packageFile) {
        try {
            return new FunctionClassLoader(packageFile.toUri().toURL(), new ApiOnly(FunctionClassLoader.class.getClassLoader()));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Cannot use the package " + packageFile + ": " + e.getMessage(), e);
        }
    }

    /** Platform classes, then the API packages from the bundle's loader; everything else is not found. */
    private static final class ApiOnly extends ClassLoader {

        static {
            ClassLoader.registerAsParallelCapable();
        }

        private final ClassLoader bundleLoader;

        ApiOnly(ClassLoader bundleLoader) {
            super("outrigger-function-api", ClassLoader.getPlatformClassLoader());
            this.bundleLoader = bundleLoader;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            int dot = name.lastIndexOf('.');
            if (dot > 0 && FunctionApiPackages.PACKAGES.contains(name.substring(0, dot))) {
                return bundleLoader.loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }

        @Override
        protected URL findResource(String name) {
            int slash = name.lastIndexOf('/');
            if (slash > 0 && FunctionApiPackages.PACKAGES.contains(name.substring(0, slash).replace('/', '.'))) {
                return bundleLoader.getResource(name);
            }
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
    }
}
