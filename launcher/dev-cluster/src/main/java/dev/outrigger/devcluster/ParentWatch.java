package dev.outrigger.devcluster;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Main class wrapper for child JVMs that must not outlive their parent: {@code ParentWatch <mainClass> <args...>}.
 * The parent keeps the child's stdin pipe open and never writes; the kernel closes it when the parent dies, however it
 * dies (a killed surefire fork, Ctrl-C on the dev command), so EOF on stdin means "parent gone".
 * {@code System.exit} rather than {@code halt} so Pulsar's shutdown hooks still stop it cleanly.
 */
public final class ParentWatch {

    /** As long as {@link LocalPulsarCluster}'s stop grace: a parent that is alive SIGKILLs after it too. */
    private static final long HALT_AFTER_MILLIS = 30_000;

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("Usage: ParentWatch <mainClass> [args...]");
        }
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; just drain until EOF
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as EOF
            }
            // Also seen on every normal stop: Process.destroy() closes the pipe right after sending SIGTERM.
            System.err.println("[dev-cluster] stdin closed (parent stopping or gone), exiting");
            // With no parent to SIGKILL it, a broker whose ZooKeeper died alongside would wait in its shutdown hook
            // forever (disableBroker on the metadata store) and keep holding the ports a kept cluster restarts on.
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_MILLIS);
                } catch (InterruptedException e) {
                    // halt all the same
                }
                System.err.println("[dev-cluster] shutdown hooks still running after " + HALT_AFTER_MILLIS
                        + " ms, halting");
                Runtime.getRuntime().halt(143);
            }, "outrigger-parent-watch-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(143);
        }, "outrigger-parent-watch");
        watch.setDaemon(true);
        watch.start();

        Class<?> main = Class.forName(args[0], true, ClassLoader.getSystemClassLoader());
        String[] mainArgs = Arrays.copyOfRange(args, 1, args.length);
        MethodHandles.publicLookup()
                .findStatic(main, "main", MethodType.methodType(void.class, String[].class))
                .invokeExact(mainArgs);
    }
}
