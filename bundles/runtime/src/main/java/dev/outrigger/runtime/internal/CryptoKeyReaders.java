package dev.outrigger.runtime.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.pulsar.client.api.CryptoKeyReader;
import org.apache.pulsar.common.functions.CryptoConfig;

/** The {@link CryptoKeyReader} a function's {@code cryptoConfig} names, from the function's own package. */
final class CryptoKeyReaders {

    private CryptoKeyReaders() {
    }

    /**
     * As Pulsar's CryptoUtils: a constructor taking the {@code cryptoKeyReaderConfig} map if the class has one, else
     * the no-argument constructor.
     *
     * @throws IllegalArgumentException if the class is missing, is no CryptoKeyReader or cannot be created
     */
    static CryptoKeyReader create(CryptoConfig crypto, ClassLoader functionLoader) {
        String className = crypto.getCryptoKeyReaderClassName();
        Class<?> readerClass;
        try {
            readerClass = Class.forName(className, true, functionLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(String.format("Failed to load crypto key reader class %s", className), e);
        }
        if (!CryptoKeyReader.class.isAssignableFrom(readerClass)) {
            throw new IllegalArgumentException(className + " does not implement " + CryptoKeyReader.class.getName());
        }
        Map<String, Object> settings = crypto.getCryptoKeyReaderConfig() == null
                ? Map.of() : crypto.getCryptoKeyReaderConfig();
        try {
            try {
                return (CryptoKeyReader) readerClass.getConstructor(Map.class).newInstance(settings);
            } catch (NoSuchMethodException e) {
                return (CryptoKeyReader) readerClass.getConstructor().newInstance();
            }
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("Cannot create the crypto key reader " + className + ": "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Cannot create the crypto key reader " + className + ": " + e, e);
        }
    }
}
