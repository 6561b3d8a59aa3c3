package dev.outrigger.runtime.internal.window;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Loads a function's timestamp extractor ({@code windowConfig.timestampExtractorClassName}) from its package.
 *
 * <p>Pulsar's interface, {@value #INTERFACE}, lives in pulsar-functions-instance, not in the Functions API this
 * runtime gives functions, so the extractor and the interface come from the function's own class loader. The extractor
 * is therefore found and called by the interface's name, through reflection, whichever loader defined it.
 */
final class TimestampExtractors {

    static final String INTERFACE = "org.apache.pulsar.functions.windowing.TimestampExtractor";

    private TimestampExtractors() {
    }

    /** @throws IllegalArgumentException if the class cannot be loaded, is no extractor or cannot be instantiated */
    static ToLongFunction<Object> load(String className, ClassLoader loader) {
        String what = "Timestamp extractor class " + className + " (windowConfig.timestampExtractorClassName)";
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(what + " is not in the function's package; add it to the package or "
                    + "fix the class name", e);
        } catch (LinkageError e) {
            String hint = String.valueOf(e.getMessage()).contains(INTERFACE.replace('.', '/'))
                    ? ": the package must also contain " + INTERFACE + " (from pulsar-functions-instance), which the "
                            + "worker does not provide to functions"
                    : ": " + e;
            throw new IllegalArgumentException(what + " cannot be loaded" + hint, e);
        }
        Class<?> extractorInterface = findInterface(type);
        if (extractorInterface == null) {
            throw new IllegalArgumentException(what + " does not implement " + INTERFACE);
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException(what + " must be a concrete class");
        }
        Object extractor;
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true); // as Pulsar: a non-public no-argument constructor is fine
            extractor = constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(what + " needs a no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(what + ": its constructor threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(what + " cannot be instantiated: " + e, e);
        }
        Method extract;
        try {
            extract = extractorInterface.getMethod("extractTimestamp", Object.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(what + " implements an " + INTERFACE + " without "
                    + "extractTimestamp(Object): the package holds an incompatible copy of the interface", e);
        }
        return value -> {
            try {
                return (Long) extract.invoke(extractor, value);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("Timestamp extractor " + className + " failed: " + cause, cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Timestamp extractor " + className + " cannot be called: " + e, e);
            }
        };
    }

    /** @return the extractor interface among everything type implements, or null */
    private static Class<?> findInterface(Class<?> type) {
        Deque<Class<?>> todo = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            Class<?> next = todo.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (next.isInterface() && next.getName().equals(INTERFACE)) {
                return next;
            }
            if (next.getSuperclass() != null) {
                todo.add(next.getSuperclass());
            }
            todo.addAll(List.of(next.getInterfaces()));
        }
        return null;
    }
}
