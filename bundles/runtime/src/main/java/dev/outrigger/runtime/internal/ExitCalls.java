package dev.outrigger.runtime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Finds code in a function package that would end the JVM: {@code System.exit}, {@code Runtime.exit},
 * {@code Runtime.halt}. Functions run in the worker's JVM (Pulsar's thread runtime does too), and Java 17 has no
 * supported way to stop such a call at run time (the security manager is deprecated for removal, and gone in newer
 * JDKs), so a package that makes one is found by its bytecode when it is registered (issue 11 finding 4).
 *
 * <p>{@code main} methods are left out: libraries bundled into a function jar often have a command-line entry point,
 * which an instance never calls. A call made by reflection or through a method handle is not found; the README says so.
 */
final class ExitCalls {

    private static final String MAIN_DESCRIPTOR = "([Ljava/lang/String;)V";

    private ExitCalls() {}

    /**
     * @return the first such call found, as "{@code class.method calls System.exit}", or empty
     * @throws IOException if the package cannot be read as a jar
     */
    static Optional<String> find(Path packageFile) throws IOException {
        try (JarFile jar = new JarFile(packageFile.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(".class")
                        || entry.getName().endsWith("module-info.class")) {
                    continue;
                }
                Optional<String> found;
                try (InputStream in = jar.getInputStream(entry)) {
                    found = find(in.readAllBytes());
                }
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> find(byte[] classFile) {
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (IllegalArgumentException e) {
            // a class file newer than this ASM knows: newer than the worker's JVM can load, too
            return Optional.empty();
        }
        Finder finder = new Finder();
        try {
            reader.accept(finder, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(finder.found);
    }

    private static final class Finder extends ClassVisitor {
        private String className;
        private String found;

        Finder() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            boolean main = "main".equals(name) && MAIN_DESCRIPTOR.equals(descriptor)
                    && (access & Opcodes.ACC_STATIC) != 0;
            if (found != null || main) {
                return null;
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String method, String methodDescriptor,
                        boolean isInterface) {
                    if (found != null || !"(I)V".equals(methodDescriptor)) {
                        return;
                    }
                    boolean exits = "java/lang/System".equals(owner) && "exit".equals(method)
                            || "java/lang/Runtime".equals(owner) && ("exit".equals(method) || "halt".equals(method));
                    if (exits) {
                        found = className + "." + name + " calls " + owner.substring("java/lang/".length()) + "."
                                + method;
                    }
                }
            };
        }
    }
}
