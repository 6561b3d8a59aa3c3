package dev.outrigger.security.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secured configuration whose provider bundle is missing must not start: once the framework has started every
 * bundle, the providers it names get a grace period to register (their configurations arrive asynchronously), then
 * start-up fails naming the key. After start-up a missing provider is an error in the log, not an exit: requests
 * for its method are refused meanwhile.
 */
final class StartupCheck implements FrameworkListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);
    static final long GRACE_MILLIS = 15_000;
    private static final long POLL_MILLIS = 200;

    /** Which bundle serves Pulsar's provider classes, for the message. */
    private static final Map<String, String> BUNDLES = Map.of(
            "org.apache.pulsar.broker.authentication.AuthenticationProviderToken", "dev.outrigger.auth.token",
            "org.apache.pulsar.broker.authentication.AuthenticationProviderBasic", "dev.outrigger.auth.basic",
            "org.apache.pulsar.broker.authentication.AuthenticationProviderTls", "dev.outrigger.auth.tls",
            "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID", "dev.outrigger.auth.oidc",
            "org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider", "dev.outrigger.authz.pulsar");

    private final BundleContext context;
    private final Supplier<List<String>> missing;
    private final Consumer<String> fatal;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "outrigger-security-check");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> pending;
    private boolean startingUp;

    StartupCheck(BundleContext context, Supplier<List<String>> missing, Consumer<String> fatal) {
        this.context = context;
        this.missing = missing;
        this.fatal = fatal;
        context.addFrameworkListener(this);
        synchronized (this) {
            startingUp = context.getBundle(0).getState() != Bundle.ACTIVE;
            if (!startingUp) {
                schedule(); // installed or restarted on a running worker
            }
        }
    }

    @Override
    public synchronized void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED && startingUp) {
            schedule();
        }
    }

    /** After a configuration change: the providers it names are checked anew (never fatal: start-up is over). */
    synchronized void recheck() {
        if (!startingUp) {
            schedule();
        }
    }

    private synchronized void schedule() {
        if (timer.isShutdown()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        pending = timer.scheduleWithFixedDelay(() -> check(deadline), 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void check(long deadline) {
        List<String> absent = missing.get();
        if (absent.isEmpty()) {
            finish();
            return;
        }
        if (System.currentTimeMillis() < deadline) {
            return;
        }
        String reason = absent.size() == 1 ? "the provider " + hint(absent.get(0)) + " is not active"
                : "the providers " + absent.stream().map(StartupCheck::hint).toList() + " are not active";
        String message = "authenticationProviders/authorizationProvider: " + reason + " after "
                + GRACE_MILLIS / 1000 + " s; requests are refused until it is (see the log for why it did not start)";
        boolean fatalNow;
        synchronized (this) {
            fatalNow = startingUp;
        }
        finish();
        if (fatalNow) {
            fatal.accept(message);
        } else {
            LOG.error(message);
        }
    }

    private synchronized void finish() {
        startingUp = false;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private static String hint(String className) {
        String bundle = BUNDLES.get(className);
        return bundle == null ? className : className + " (bundle " + bundle + ")";
    }

    synchronized void close() {
        context.removeFrameworkListener(this);
        timer.shutdownNow();
    }
}
