package dev.outrigger.metadata.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.api.rest.ErrorResponseException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerException;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;

/**
 * Real Jersey, as the admin API runs it, behind the JDK's HTTP server: requests go through Jersey's resource
 * matching, parameter conversion, message body readers (with the admin API's Jackson provider) and exception mapping.
 * The error mapper does what the rest bundle's does for {@link ErrorResponseException}: Pulsar's
 * {@code {"reason": ...}} body.
 */
final class JerseyServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecurityContext ANONYMOUS = new SecurityContext() {
        @Override
        public Principal getUserPrincipal() {
            return null;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return null;
        }
    };

    private final ApplicationHandler handler;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    JerseyServer(Object... resources) throws IOException {
        // as the rest bundle's JerseyApplication sets it up: Jackson for JSON, the error mapper
        ResourceConfig config = new ResourceConfig()
                .register(new JacksonJsonProvider(new ObjectMapper()
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)))
                .register(new ErrorResponses());
        for (Object resource : resources) {
            if (resource instanceof Class<?> type) {
                config.register(type);
            } else {
                config.register(resource);
            }
        }
        handler = new ApplicationHandler(config);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try {
            dispatch(exchange);
        } catch (RuntimeException e) {
            // the JDK server would close the connection without a word
            e.printStackTrace();
            new ExchangeWriter(exchange).failure(e);
        }
    }

    private void dispatch(HttpExchange exchange) {
        URI base = URI.create("http://127.0.0.1:" + port() + "/");
        ContainerRequest request = new ContainerRequest(base, base.resolve(exchange.getRequestURI()),
                exchange.getRequestMethod(), ANONYMOUS, new MapPropertiesDelegate(), handler.getConfiguration());
        exchange.getRequestHeaders().forEach(request::headers);
        request.setEntityStream(exchange.getRequestBody());
        request.setWriter(new ExchangeWriter(exchange));
        handler.handle(request);
    }

    private static final class ExchangeWriter implements ContainerResponseWriter {
        private final HttpExchange exchange;

        ExchangeWriter(HttpExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response) {
            response.getStringHeaders().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
            int status = response.getStatus();
            // the JDK server: -1 = no body, 0 = chunked
            long length = status == 204 || contentLength == 0 ? -1 : contentLength < 0 ? 0 : contentLength;
            try {
                exchange.sendResponseHeaders(status, length);
            } catch (IOException e) {
                throw new ContainerException(e);
            }
            return exchange.getResponseBody();
        }

        @Override
        public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
            return false;
        }

        @Override
        public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) {}

        @Override
        public void commit() {
            exchange.close();
        }

        @Override
        public void failure(Throwable error) {
            try {
                exchange.sendResponseHeaders(500, -1);
            } catch (IOException e) {
                // the client is gone
            } finally {
                exchange.close();
            }
        }

        @Override
        public boolean enableResponseBuffering() {
            return false;
        }
    }

    private static final class ErrorResponses implements ExceptionMapper<ErrorResponseException> {
        @Override
        public Response toResponse(ErrorResponseException e) {
            try {
                return Response.status(e.status())
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(JSON.writeValueAsString(Map.of("reason", e.getMessage())))
                        .build();
            } catch (JsonProcessingException failure) {
                throw new IllegalStateException(failure);
            }
        }
    }
}
