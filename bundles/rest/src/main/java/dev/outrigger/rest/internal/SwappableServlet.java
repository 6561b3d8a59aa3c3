package dev.outrigger.rest.internal;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one servlet of the admin API. Each new Jersey application is initialised beside the running one and then swapped
 * in; the old one is destroyed once the requests it was serving are done. An application built before the whiteboard
 * initialised this servlet waits for {@link #init(ServletConfig)}.
 */
final class SwappableServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SwappableServlet.class);
    private static final long RETIRE_POLL_MILLIS = 100;
    private static final long RETIRE_DEADLINE_MILLIS = 30_000;

    /** A Jersey container and the requests it is serving now. */
    private record Application(ServletContainer container, AtomicInteger inFlight) {}

    private final transient ScheduledExecutorService retirements;
    private transient volatile Application current;
    private transient ResourceConfig pending;
    private transient ServletConfig servletConfig;

    SwappableServlet(ScheduledExecutorService retirements) {
        this.retirements = retirements;
    }

    @Override
    public synchronized void init(ServletConfig config) throws ServletException {
        super.init(config);
        servletConfig = config;
        if (pending != null) {
            install(pending);
            pending = null;
        }
    }

    /** Builds, initialises and swaps in a new application; before {@link #init} it is kept for then. */
    synchronized void load(ResourceConfig config) {
        if (servletConfig == null) {
            pending = config;
            return;
        }
        try {
            install(config);
        } catch (ServletException e) {
            LOG.error("The admin API could not be rebuilt; the previous one keeps serving", e);
        }
    }

    private void install(ResourceConfig config) throws ServletException {
        ServletContainer container = new ServletContainer(config);
        // Jersey finds its RuntimeDelegate through the context class loader, which in OSGi must be Jersey's own.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ResourceConfig.class.getClassLoader());
        try {
            container.init(servletConfig);
        } finally {
            thread.setContextClassLoader(previous);
        }
        Application old = current;
        current = new Application(container, new AtomicInteger());
        if (old != null) {
            retire(old, System.currentTimeMillis() + RETIRE_DEADLINE_MILLIS);
        }
    }

    private void retire(Application old, long deadline) {
        if (old.inFlight().get() == 0 || System.currentTimeMillis() > deadline || retirements.isShutdown()) {
            old.container().destroy();
            return;
        }
        retirements.schedule(() -> retire(old, deadline), RETIRE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        Application application = current;
        if (application == null) {
            response.setStatus(503);
            response.setContentType("application/json");
            response.getWriter().write("{\"reason\":\"" + ReadinessFilter.NOT_INITIALIZED + "\"}");
            return;
        }
        String invalid = invalidContentType(request);
        if (invalid != null) {
            response.setStatus(400);
            response.setContentType("application/json");
            response.getWriter().write(JerseyApplication.MAPPER.writeValueAsString(new ErrorBody(invalid)));
            return;
        }
        application.inFlight().incrementAndGet();
        try {
            application.container().service(request, response);
        } finally {
            application.inFlight().decrementAndGet();
        }
    }

    /**
     * Jersey parses {@code Content-Type} while it turns the servlet request into its own, and answers a value it cannot
     * parse with the container's bare 400 (HTML, or nothing for PUT), before any filter or mapper: checked here.
     */
    private static String invalidContentType(HttpServletRequest request) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ResourceConfig.class.getClassLoader()); // Jersey's RuntimeDelegate, as in install
        try {
            Enumeration<String> values = request.getHeaders("Content-Type");
            return ContentTypeFilter.invalidContentType(values == null ? List.of() : Collections.list(values));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public synchronized void destroy() {
        Application application = current;
        current = null;
        servletConfig = null;
        if (application != null) {
            application.container().destroy();
        }
        super.destroy();
    }
}
